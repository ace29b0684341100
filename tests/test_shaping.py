"""Every burn is shaped by HarfBuzz: the `ass` filter with `shaping=complex`, never libass's
simple shaper (which the `subtitles` filter always uses and which puts combining marks beside
their letters). Checked on the argument lists of every ffmpeg the pipeline really starts."""

from __future__ import annotations

import re
import subprocess

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.media import ffmpeg as runner

pytestmark = pytest.mark.e2e

# A filter in a graph starts the graph or follows "]", ";" or ","; its options run to the next
# unescaped ";", "," or "[" (ffmpeg-python escapes those inside values with a backslash).
LIBASS_FILTERS = re.compile(r"(?:^|[\];,])\s*(ass|subtitles)=((?:\\.|[^;,\[\\])*)")


@pytest.fixture
def ffmpeg_commands(monkeypatch) -> list[list[str]]:
    """The argument list of every process the ffmpeg runner starts, in order."""
    started: list[list[str]] = []
    real = subprocess.Popen

    def spy(command, *args, **kwargs):
        started.append(list(command))
        return real(command, *args, **kwargs)

    monkeypatch.setattr(runner.subprocess, "Popen", spy)
    return started


def burns(commands: list[list[str]]) -> list[tuple[str, str]]:
    """(filter, options) of each libass filter in the commands' filter graphs."""
    found = []
    for command in commands:
        for flag, graph in zip(command, command[1:]):
            if flag in ("-filter_complex", "-vf", "-filter:v"):
                found += LIBASS_FILTERS.findall(graph)
    return found


def test_every_burn_render_group_and_preview_uses_complex_shaping(campaign, ffmpeg_commands):
    for code in ("nah", "ote", "maz"):
        campaign.subtitle(code)
    manifest = campaign.write([{"code": code, "treatment": "burn"} for code in ("nah", "ote", "maz")])
    # Three burns of one spot on two cores: one shared-decode group (render/costs.py).
    result = CliRunner().invoke(cli, ["render", str(manifest), "-j", "2"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rendered = burns(ffmpeg_commands)
    grouped = [c for c in ffmpeg_commands if "split=3" in " ".join(c)]
    assert grouped, "no shared-decode burn group ran"
    result = CliRunner().invoke(cli, ["preview", str(manifest), "--lang", "ote"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    previewed = burns(ffmpeg_commands)[len(rendered):]

    assert len(rendered) == 3, rendered                     # one burn per language
    assert len(previewed) >= 3, previewed                   # tiles, proxy, specimen
    for name, options in rendered + previewed:
        assert name == "ass", f"burned with the `{name}` filter (simple shaper): {options}"
        assert "shaping=complex" in options, options
