"""Times the checks give, written as the checked file writes times (`subtitles/file_times.py`):
a gap hint's "or earlier" in a TTML file written in frame labels, checked by writing the label
back into the file and checking it again, through `pipeline check`."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from pipeline.cli.translate import check

MEDIA_25 = 'ttp:frameRate="25"'
MEDIA_24 = 'ttp:frameRate="24"'
MEDIA_30 = 'ttp:frameRate="30"'
MEDIA_60 = 'ttp:frameRate="60"'
SMPTE = 'ttp:timeBase="smpte" ttp:markerMode="discontinuous" '
SMPTE_25 = SMPTE + 'ttp:frameRate="25"'
NTSC = 'ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001"'
SMPTE_NDF = SMPTE + NTSC
SMPTE_DF = SMPTE + NTSC + ' ttp:dropMode="dropNTSC"'
SMPTE_60 = SMPTE + 'ttp:frameRate="60" ttp:frameRateMultiplier="1000 1001"'
START = ("<head><metadata><ebuttm:documentMetadata><ebuttm:documentStartOfProgramme>10:00:00:00"
         "</ebuttm:documentStartOfProgramme></ebuttm:documentMetadata></metadata></head>")


def document(parameters: str, end: str, begin: str) -> str:
    """Two cues: the first ending at `end`, the second beginning at `begin`."""
    hours = "10" if "smpte" in parameters else "00"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<tt xmlns="http://www.w3.org/ns/ttml" '
            'xmlns:ttp="http://www.w3.org/ns/ttml#parameter" xmlns:ebuttm="urn:ebu:tt:metadata" '
            f'xml:lang="tzo" {parameters}>\n{START if hours == "10" else "<head/>"}\n'
            f'<body><div>\n<p begin="{hours}:00:01:00" end="{end}">Batsʼi kʼop</p>\n'
            f'<p begin="{begin}" end="{hours}:01:05:00">Lekuk</p>\n</div></body></tt>\n')


def gap_hints(tmp_path, text: str, fps: str) -> list[str]:
    path = tmp_path / "tzo.ttml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(check, [str(path), "--fps", fps, "--duration", "120", "--json"],
                                catch_exceptions=False)
    (checked,) = json.loads(result.stdout)["files"]
    return [d["hint"] for d in checked["diagnostics"] if d["code"] == "gap"]


@pytest.mark.parametrize("parameters, fps, end, begin, hinted, after", [
    # The trial's file (a 25 fps one on a 29.97 fps video): the hint said 00:00:06:24, cue 1's
    # own end, rounded up from frame 208's 6.939 s; no 25 fps label is on frame 208 (06:23 is
    # on 207, 06:24 on 209), so the latest before it.
    (MEDIA_25, "29.97", "00:00:06:24", "00:00:07:00", "00:00:06:23", "00:00:06:24"),
    (MEDIA_25, "25", "00:00:06:24", "00:00:07:00", "00:00:06:23", "00:00:06:24"),
    (MEDIA_25, "23.976", "00:00:06:24", "00:00:07:00", "00:00:06:23", "00:00:06:24"),
    (MEDIA_25, "59.94", "00:00:07:00", "00:00:07:00", "00:00:06:24", "00:00:07:00"),
    (MEDIA_24, "25", "00:00:06:23", "00:00:07:00", "00:00:06:22", "00:00:06:23"),
    (MEDIA_30, "29.97", "00:00:06:29", "00:00:07:00", "00:00:06:28", "00:00:06:29"),
    (MEDIA_60, "59.94", "00:00:06:59", "00:00:07:00", "00:00:06:58", "00:00:06:59"),
    (SMPTE_25, "29.97", "10:00:06:24", "10:00:07:00", "10:00:06:23", "10:00:06:24"),
    (SMPTE_NDF, "29.97", "10:00:07:00", "10:00:07:00", "10:00:06:28", "10:00:06:29"),
    (SMPTE_NDF, "23.976", "10:00:06:29", "10:00:07:00", "10:00:06:28", "10:00:06:29"),
    # Drop-frame: 10:00:59:29 and 10:01:00:02 are neighbours (;00 and ;01 are dropped).
    (SMPTE_DF, "29.97", "10:01:00:02", "10:01:00:03", "10:00:59:29", "10:01:00:02"),
    (SMPTE_DF, "23.976", "10:00:06:29", "10:00:07:00", "10:00:06:28", "10:00:06:29"),
    (SMPTE_60, "59.94", "10:00:06:59", "10:00:07:00", "10:00:06:58", "10:00:06:59"),
])
def test_a_gap_hint_in_frame_labels_is_the_latest_label_that_leaves_the_gap(
        tmp_path, parameters, fps, end, begin, hinted, after):
    (hint,) = gap_hints(tmp_path, document(parameters, end, begin), fps)
    assert re.match(r"end cue 1 at (\S+) or earlier", hint)[1] == hinted, hint
    assert hinted < end   # labels of one hour and minute sort as their times
    # Written into the file, the hinted end leaves the gap; the label after it does not.
    assert gap_hints(tmp_path, document(parameters, hinted, begin), fps) == []
    assert gap_hints(tmp_path, document(parameters, after, begin), fps) != []


@pytest.mark.e2e
def test_validate_says_a_ttml_file_s_times_as_check_does(campaign):
    # A trial's TTML counting 25 fps frames was told 00:00:04:14 --> 00:00:04:15 by check and
    # 00:00:04.560 by validate and render, for one cue of one frame.
    from pipeline.cli.main import cli

    text = document(MEDIA_25, "00:00:01:10", "00:00:02:00").replace(
        'end="00:01:05:00"', 'end="00:00:02:01"')
    path = campaign.subtitle("tzo", text, suffix=".ttml")
    manifest = campaign.write([{"code": "tzo", "treatment": "burn"}])
    validated = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    checked = CliRunner().invoke(check, [str(path), "--manifest", str(manifest)],
                                 catch_exceptions=False)
    short = [[line.split(": warning: ", 1)[1] for line in result.stderr.splitlines()
              if "on screen for only" in line] for result in (validated, checked)]
    assert short[0] == short[1] and len(short[0]) == 2, short
    assert "(00:00:02:00 --> 00:00:02:01;" in short[0][1], short
