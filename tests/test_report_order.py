"""Every command tells a file's problems in its line order, as `check` does: a translator
reads them down the file, whatever check found each (reading, QC, the fit on one frame, the
frame grid)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.errors import error, in_file_order, warning
from tests.conftest import SMALL_PROFILES

# Line 1: on screen too briefly. Line 5: too fast, too long a line, and wider than the tall
# frame (its variants only: three of its lines, two of the small frame's). Line 9: an ó typed
# decomposed (the reader's warning) and too fast. Line 13: too brief.
SRT = ("1\n00:00:00,480 --> 00:00:01,000\ntón\n\n"
       "2\n00:00:01,200 --> 00:00:02,000\n"
       "Amo tlacameh tlanamacaltin nochipa, in ixquich tlacatl, in ixquich altepetl "
       "ihuan tlalli\n\n"
       "3\n00:00:02,200 --> 00:00:03,000\nto\u0301n tón tón tón tón tón tón tón\n\n"
       "4\n00:00:03,120 --> 00:00:03,920\nin ixquich\n")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def said(text: str, path: Path) -> list[tuple[int, str]]:
    """(line, message) of each warning at `path` in `text`, in the order they were said."""
    return [(int(line), message) for line, message in
            re.findall(rf"^ *{re.escape(str(path))}:(\d+): warning: (.*)$", text, re.M)]


@pytest.fixture
def burned(campaign):
    path = campaign.subtitle("nah", SRT)
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}],
                              profiles={name: SMALL_PROFILES[name] for name in ("small", "tall")})
    return manifest, path


def test_validate_and_plan_tell_a_file_s_warnings_in_line_order(burned):
    manifest, path = burned
    for command in ("validate", "plan"):
        result = invoke(command, manifest)
        assert result.exit_code == 0, result.output
        told = said(result.stderr, path)
        assert [line for line, _ in told] == [1, 5, 5, 5, 5, 9, 9, 9, 13], (command, told)
        # The tall frame's fit with the other warnings of line 5, the reader's warning with
        # those of line 9.
        assert "title-safe" in told[4][1] and "Unicode forms" in told[5][1]


@pytest.mark.e2e
def test_render_tells_each_variant_s_warnings_in_line_order_under_it(burned):
    manifest, path = burned
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    out = result.stderr.splitlines()
    both = out.index("test-campaign/spot.nah.small, test-campaign/spot.nah.tall: 8 warnings")
    told = said("\n".join(out[both + 1:both + 9]), path)
    assert [line for line, _ in told] == [1, 5, 5, 5, 9, 9, 9, 13]
    assert "Unicode forms" in told[4][1]
    tall = out.index("test-campaign/spot.nah.tall: 2 warnings")
    # The manifest's first: the 16:9 master letterboxed in the tall frame (at the spot's line).
    assert "picture fills 32 % of the 180x320 frame, letterboxed" in out[tall + 1], out[tall + 1]
    [(line, message)] = said(out[tall + 2], path)
    assert line == 5 and "title-safe" in message


@pytest.mark.e2e
def test_preview_tells_the_frame_grid_with_the_other_warnings_of_its_line(burned):
    manifest, path = burned
    # Cue 1 is 0.834 s long as typed, 20 frames (0.800 s) on the 25 fps master's frames, and
    # reads too fast.
    path.write_text(SRT.replace("00:00:00,480 --> 00:00:01,000\ntón",
                                "00:00:00,021 --> 00:00:00,855\ntón tón tón tón tón"),
                    encoding="utf-8")
    result = invoke("preview", manifest, "--lang", "nah", "--no-video")
    assert result.exit_code == 0, result.output
    told = said(result.stderr, path)
    # Laid out on the tall frame (a portrait one: preview's default), where line 5 does not fit.
    assert [line for line, _ in told] == [1, 1, 5, 5, 5, 5, 9, 9, 9, 13], told
    assert "is shown for 20 frames" in told[1][1] and "title-safe" in told[5][1]
    assert "Unicode forms" in told[6][1]


def test_each_file_is_told_in_line_order_after_the_manifests_own_problems():
    manifest, srt, wav = Path("m/campaign.yaml"), Path("s/nah.srt"), Path("a/yua.wav")
    found = [warning("w9", srt, 9), warning("w-wav", wav), error("e9", srt, 9),
             warning("w-manifest-12", manifest, 12), warning("w1", srt, 1),
             error("e-manifest-3", manifest, 3), warning("nowhere")]
    assert [d.message for d in in_file_order(found, [manifest])] == [
        "nowhere", "e-manifest-3", "w-manifest-12", "w-wav", "w1", "e9", "w9"]
