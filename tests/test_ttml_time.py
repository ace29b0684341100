"""TTML times in SMPTE timecode (ttp:timeBase="smpte", as broadcast subtitling tools and EBU-TT
Part 1 write them): frames counted per ttp:dropMode, from the programme's start, to the
millisecond; and what cannot be placed on the video said at its line. Files in media time
(EBU-TT-D) that give their start of programme and are timed from it, read from there."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from click.testing import CliRunner

from pipeline.cli.translate import check
from pipeline.media.timecode import _timecode
from pipeline.subtitles.formats import read_subtitles
from pipeline.subtitles.ttml_time import smpte_label

PAL = 'ttp:timeBase="smpte" ttp:frameRate="25" ttp:markerMode="discontinuous"'
NTSC = 'ttp:timeBase="smpte" ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001"'
NTSC_DROP = NTSC + ' ttp:dropMode="dropNTSC" ttp:markerMode="continuous"'
PAL_M = NTSC + ' ttp:dropMode="dropPAL"'


def document(parameters: str, *paragraphs: tuple[str, str], start: str | None = None) -> str:
    """A TTML document: the <tt> on line 2, <head> on 3, paragraph N on line 4 + N."""
    head = ("<head><metadata><ebuttm:documentMetadata><ebuttm:documentStartOfProgramme>"
            f"{start}</ebuttm:documentStartOfProgramme></ebuttm:documentMetadata></metadata>"
            "</head>") if start else "<head/>"
    lines = "\n".join(f'<p begin="{begin}" end="{end}">cue {n}</p>'
                      for n, (begin, end) in enumerate(paragraphs, 1))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<tt xmlns="http://www.w3.org/ns/ttml" '
            'xmlns:ttp="http://www.w3.org/ns/ttml#parameter" xmlns:ebuttm="urn:ebu:tt:metadata" '
            f'xml:lang="es" {parameters}>\n{head}\n<body><div>\n{lines}\n</div></body>\n</tt>\n')


def read(tmp_path, text: str):
    path = tmp_path / "nah.ttml"
    path.write_text(text, encoding="utf-8")
    return read_subtitles(path)


def times(result) -> list[tuple[int, int]]:
    return [(cue.start, cue.end) for cue in result.cues]


def errors(result) -> list[tuple[int | None, str, str | None]]:
    return [(d.line, d.message, d.hint) for d in result.diagnostics if d.severity == "error"]


def test_ebu_tt_times_at_25_fps_count_from_the_start_of_programme(tmp_path):
    # Refused before: "ttp:timeBase 'smpte' is not supported: times must be media times".
    result = read(tmp_path, document(PAL, ("10:00:01:12", "10:00:03:00"),
                                     ("10:00:04:24", "10:00:06:05"), start="10:00:00:00"))
    assert errors(result) == []
    assert times(result) == [(1480, 3000), (4960, 6200)]
    assert result.frame_rate == 25


def test_drop_frame_ntsc_labels_count_the_frames_of_the_timecode(tmp_path):
    # 10:00:59:29 and 10:01:00:02 are consecutive frames; ten minutes of drop-frame timecode
    # are 17982 frames, 599.9994 s at 29.97 fps (18000 frames, 600.6 s, without the drops).
    result = read(tmp_path, document(NTSC_DROP, ("10:00:59:28", "10:00:59:29"),
                                     ("10:01:00:02", "10:01:02:00"),
                                     ("10:10:00:00", "10:10:02:00"), start="10:00:00:00"))
    assert errors(result) == []
    assert times(result) == [(59993, 60027), (60060, 61995), (599999, 602001)]
    # As the timecode library counts drop-frame timecode (media/timecode.py, SMPTE ST 12-1).
    rate = Fraction(30000, 1001)
    counted = (_timecode(rate, True, "10:10:00;00").frames
               - _timecode(rate, True, "10:00:00;00").frames)
    assert counted == 17982 and round(counted * 1000 / rate) == 599999
    non_drop = read(tmp_path, document(NTSC, ("10:10:00:00", "10:10:02:00"), start="10:00:00:00"))
    assert times(non_drop) == [(600600, 602602)]


def test_drop_pal_drops_four_labels_every_even_minute_but_each_twentieth(tmp_path):
    # Without a start of programme, from 00:00:00:00: 00:01:59:29 and 00:02:00:04 are
    # consecutive frames; 20 minutes hold 35964 frames (TTML1 §6.2.3, M/PAL).
    result = read(tmp_path, document(PAL_M, ("00:01:59:29", "00:02:00:04"),
                                     ("00:19:59:29", "00:20:00:00")))
    assert errors(result) == []
    assert times(result) == [(120087, 120120), (1199965, 1199999)]


def test_frames_of_media_time_count_from_the_second_and_of_smpte_from_the_programme(tmp_path):
    media = read(tmp_path, document('ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001"',
                                    ("00:00:01:12", "00:00:02:00")))
    smpte = read(tmp_path, document(NTSC, ("00:00:01:12", "00:00:02:00")))
    assert times(media) == [(1400, 2000)]     # 1 s of media time and 12 frames
    assert times(smpte) == [(1401, 2002)]     # frame 42 and frame 60 of the timecode


def test_a_label_the_drop_mode_drops_is_an_error_on_its_line(tmp_path):
    result = read(tmp_path, document(NTSC_DROP, ("10:01:00:00", "10:01:02:00"),
                                     ("10:10:00:00", "10:10:02:00"), start="10:00:00:00"))
    assert errors(result) == [(5, "begin='10:01:00:00' names no frame: with "
                                  'ttp:dropMode="dropNTSC", frames 00 and 01 of every minute '
                                  "but each tenth are dropped (this minute's first is "
                                  "10:01:00:02)", "check the frame number")]
    assert times(result) == [(599999, 602001)]
    result = read(tmp_path, document(PAL_M, ("00:01:00:00", "00:01:02:00"),
                                     ("00:02:00:03", "00:02:02:00")))
    assert errors(result) == [(6, "begin='00:02:00:03' names no frame: with "
                                  'ttp:dropMode="dropPAL", frames 00 to 03 of every even minute '
                                  "but each twentieth are dropped (this minute's first is "
                                  "00:02:00:04)", "check the frame number")]


def test_times_an_hour_in_without_a_start_of_programme_are_an_error(tmp_path):
    result = read(tmp_path, document(PAL, ("10:00:01:12", "10:00:03:00"),
                                     ("10:00:04:24", "10:00:06:05")))
    assert errors(result) == [(
        5, "begin='10:00:01:12' is a SMPTE timecode (ttp:timeBase=\"smpte\") 10 hours in, and "
           "the file does not say the timecode its programme starts at, which is the video's "
           "first frame: its cues are checked here as if it were 10:00:00:00",
        "give it in <head>: <metadata><ebuttm:documentMetadata><ebuttm:documentStartOfProgramme>"
        "10:00:00:00</ebuttm:documentStartOfProgramme></ebuttm:documentMetadata></metadata>, "
        'with xmlns:ebuttm="urn:ebu:tt:metadata" on <tt> (EBU-TT Part 1); or export the file '
        "with the programme starting at 00:00:00:00; a master whose own timecode starts the "
        "programme there places it without either (check it with --manifest, as validate does)")]
    assert times(result) == [(1480, 3000), (4960, 6200)]
    result = read(tmp_path, document(PAL, ("10:00:01:12", "10:00:03:00"),
                                     ("09:59:59:00", "10:00:00:00")))
    assert errors(result)[1] == (6, "paragraph 2 begins at 09:59:59:00, before the programme "
                                    "starts at 10:00:00:00 (as checked here)",
                                 "check the time, and the start of programme")
    # From 00:00:00:00, the file's times are the video's.
    result = read(tmp_path, document(PAL, ("00:00:01:12", "00:00:03:00")))
    assert (errors(result), times(result)) == ([], [(1480, 3000)])


def test_labels_going_back_in_discontinuous_marker_mode_cannot_be_placed(tmp_path):
    result = read(tmp_path, document(PAL, ("10:00:01:00", "10:00:02:00"),
                                     ("10:00:08:00", "10:00:09:00"),
                                     ("10:00:04:00", "10:00:05:00"), start="10:00:00:00"))
    assert errors(result) == [(
        7, "paragraph 3 begins at 10:00:04:00, before paragraph 2 (line 6) at 10:00:08:00: with "
           'ttp:markerMode="discontinuous" the times are labels of the programme\'s timecode, '
           "which would run backwards here, so where the paragraph falls on the video cannot be "
           "known",
        "if the timecode runs on without a break, put the paragraphs in the order of their "
        "times; if it jumps back (an edit), time the file again on the edited video")]
    assert times(result) == [(1000, 2000), (8000, 9000)]
    assert result.in_file == 3


@pytest.mark.parametrize("parameters, paragraph, line, message, hint", [
    (PAL, ("5s", "10:00:02:00"), 5,
     "begin='5s' is not a SMPTE timecode (ttp:timeBase=\"smpte\")",
     'write times as HH:MM:SS:FF, hours, minutes, seconds and frames (e.g. '
     'begin="10:00:01:12")'),
    (PAL, ("10:00:01.500", "10:00:02:00"), 5,
     "begin='10:00:01.500' is not a SMPTE timecode (ttp:timeBase=\"smpte\")",
     'write times as HH:MM:SS:FF, hours, minutes, seconds and frames (e.g. '
     'begin="10:00:01:12")'),
    # Drop-frame as editors write it: before, told only to write HH:MM:SS:FF.
    (NTSC_DROP, ("10:00:01;00", "10:00:02:00"), 5,
     "begin='10:00:01;00' is not a SMPTE timecode (ttp:timeBase=\"smpte\")",
     "TTML writes drop-frame timecode with colons, 10:00:01:00, and says it is drop-frame with "
     "ttp:dropMode"),
    (NTSC_DROP, ("10:00:01:00", "10:00:02.04"), 5,
     "end='10:00:02.04' is not a SMPTE timecode (ttp:timeBase=\"smpte\")",
     "TTML writes drop-frame timecode with colons, 10:00:02:04, and says it is drop-frame with "
     "ttp:dropMode"),
    (PAL, ("09:59:58:00", "10:00:02:00"), 5,
     "paragraph 1 begins at 09:59:58:00, before the programme starts at 10:00:00:00 "
     "(ebuttm:documentStartOfProgramme)",
     "check the time, and the start of programme"),
    ('ttp:timeBase="smpte" ttp:markerMode="continuous"', ("10:00:01:12", "10:00:02:00"), 2,
     'ttp:timeBase="smpte" counts time in frames, but the file gives no ttp:frameRate: its '
     "times are read here at 30 fps, TTML's default",
     'give the video\'s frame rate on <tt>: ttp:frameRate="25", or ttp:frameRate="30" '
     'ttp:frameRateMultiplier="1000 1001" for 29.97 fps'),
    (PAL + ' ttp:dropMode="dropNTSC"', ("10:00:01:12", "10:00:02:00"), 2,
     'ttp:dropMode="dropNTSC" drops labels of 30 fps timecode, but ttp:frameRate is 25: its '
     "times are read here without drops",
     'leave ttp:dropMode out (or write "nonDrop") at 25 fps'),
    ('ttp:timeBase="clock"', ("10:00:01.000", "10:00:02.000"), 2,
     "ttp:timeBase 'clock' is not supported: times must be media times or SMPTE timecodes",
     'use ttp:timeBase="media" (the default) or "smpte"'),
    (PAL.replace("discontinuous", "discontinous"), ("10:00:01:12", "10:00:02:00"), 2,
     "ttp:markerMode must be \"continuous\" or \"discontinuous\", not 'discontinous'", None),
])
def test_what_the_smpte_time_base_cannot_read_is_said_at_its_line(tmp_path, parameters,
                                                                   paragraph, line, message,
                                                                   hint):
    result = read(tmp_path, document(parameters, paragraph, start="10:00:00:00"))
    assert (line, message, hint) in errors(result), errors(result)


def test_dur_has_no_meaning_between_labels(tmp_path):
    text = document(PAL, ("10:00:01:00", "10:00:02:00"), ("10:00:03:00", "10:00:04:00"),
                    start="10:00:00:00").replace('end="10:00:02:00"', 'dur="00:00:01:00"')
    result = read(tmp_path, text)
    assert times(result) == [(3000, 4000)]
    assert errors(result) == [(5, "dur='00:00:01:00' has no meaning with "
                                  'ttp:markerMode="discontinuous": the times are labels of the '
                                  "programme's timecode, not a time line",
                               'give the paragraph an end time, or set '
                               'ttp:markerMode="continuous" if the timecode runs without a '
                               "break")]
    continuous = read(tmp_path, text.replace("discontinuous", "continuous"))
    assert (errors(continuous), times(continuous)) == ([], [(1000, 2000), (3000, 4000)])


# An EBU-TT Part 1 document as a broadcast subtitling tool exports it.
EBU_TT = """\
<?xml version="1.0" encoding="UTF-8"?>
<tt:tt xmlns:tt="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"
       xmlns:tts="http://www.w3.org/ns/ttml#styling" xmlns:ebuttm="urn:ebu:tt:metadata"
       ttp:timeBase="smpte" ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001"
       ttp:dropMode="dropNTSC" ttp:markerMode="discontinuous" ttp:cellResolution="50 30"
       xml:lang="es">
  <tt:head>
    <tt:metadata>
      <ebuttm:documentMetadata>
        <ebuttm:documentEbuttVersion>v1.0</ebuttm:documentEbuttVersion>
        <ebuttm:documentStartOfProgramme>10:00:00:00</ebuttm:documentStartOfProgramme>
      </ebuttm:documentMetadata>
    </tt:metadata>
    <tt:layout><tt:region xml:id="bottom" tts:origin="10% 80%" tts:extent="80% 10%"/></tt:layout>
  </tt:head>
  <tt:body region="bottom"><tt:div>
    <tt:p begin="10:00:00:12" end="10:00:03:00">Los seres humanos</tt:p>
    <tt:p begin="10:00:03:02" end="10:00:05:00">no están a la venta</tt:p>
  </tt:div></tt:body>
</tt:tt>
"""


def test_check_reads_an_ebu_tt_file_and_counts_its_frames_at_its_rate(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nah.ttml").write_text(EBU_TT, encoding="utf-8")
    result = CliRunner().invoke(check, ["nah.ttml", "--duration", "6"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "nah.ttml: note: frames are counted at 29.97 fps, the rate the file gives "
        "(ttp:frameRate); give --fps for the video's own"]
    assert result.stdout == "nah.ttml: 2 cues, 0 errors, 0 warnings\n"
    assert [(cue.start, cue.end) for cue in read_subtitles(tmp_path / "nah.ttml").cues] == [
        (400, 3003), (3070, 5005)]
    # Without its start of programme: one error at the first time, exit 1.
    (tmp_path / "tzh.ttml").write_text(EBU_TT.replace(
        "<ebuttm:documentStartOfProgramme>10:00:00:00</ebuttm:documentStartOfProgramme>", ""),
        encoding="utf-8")
    result = CliRunner().invoke(check, ["tzh.ttml", "--json"], catch_exceptions=False)
    assert result.exit_code == 1
    (checked,) = json.loads(result.stdout)["files"]
    assert [(d["line"], d["code"]) for d in checked["diagnostics"]] == [(17, "timing")]
    assert checked["diagnostics"][0]["message"].startswith(
        "begin='10:00:00:12' is a SMPTE timecode (ttp:timeBase=\"smpte\") 10 hours in")


@pytest.mark.parametrize("parameters, labels", [
    # After 10:00:00:00 drop-frame: the frame 75 on is 10:00:02;15; the next minute's first is ;02.
    (NTSC_DROP, ["10:00:02:15", "10:00:59:29", "10:01:00:02"]),
    (PAL, ["10:00:03:00", "10:00:59:24", "10:01:00:00"]),
    (PAL_M + ' ttp:markerMode="continuous"', ["10:00:02:15", "10:01:59:29", "10:02:00:04"]),
])
def test_a_contact_sheet_labels_a_frame_with_the_file_s_own_timecode(tmp_path, parameters,
                                                                    labels):
    """A trial's contact sheet labelled the frame 10:00:02;15 of an EBU-TT file '00:00:02:16':
    the programme's start left out, and frames counted as fractions of a second."""
    from pipeline.render.contact_sheet import label_time

    cues = list(zip(labels[1:], labels[2:] + ["10:20:00:00"]))
    result = read(tmp_path, document(parameters, *cues, start="10:00:00:00"))
    assert errors(result) == []
    rate = Fraction(25) if 'frameRate="25"' in parameters else Fraction(30000, 1001)
    assert label_time(float(75 / rate), "ttml", result.notation) == labels[0]
    # Each cue's own frame, on either side of a minute's dropped labels, as the file writes it.
    # (The tile's time is its frame's start, exact: not the cue's, rounded to the millisecond.)
    frames = [round(cue.start * rate / 1000) for cue in result.cues]
    assert [label_time(float(frame / rate), "ttml", result.notation)
            for frame in frames] == labels[1:]


def test_check_names_times_with_the_file_s_own_timecode_labels(tmp_path):
    """Before: an SMPTE-timed file's gap hint read 'end cue 1 at 00:00:59.907', a time of the
    programme the subtitler's tool does not show; now the frame label it writes, across a
    minute's dropped labels too (10:00:59;29 and 10:01:00;02 are neighbours)."""
    from pipeline.subtitles.file_check import check_file

    path = tmp_path / "nah.ttml"
    path.write_text(document(NTSC_DROP, ("10:00:01:00", "10:00:59:29"),
                             ("10:01:00:02", "10:01:02:00"), start="10:00:00:00"),
                    encoding="utf-8")
    result = check_file(path)
    assert any("end cue 1 at 10:00:59:28 or earlier" in (d.hint or "")
               for d in result.diagnostics), [d.format() for d in result.diagnostics]
    long = next(d.message for d in result.diagnostics if "stays on screen" in d.message)
    assert "(10:00:01:00 --> 10:00:59:29;" in long, long


def test_a_media_time_file_timed_in_frames_is_told_of_in_frames(tmp_path):
    """Before: a file written `00:00:03:13` was told to 'end cue 1 at 00:00:03.440', a time it
    does not contain; now its own notation."""
    from pipeline.subtitles.file_check import check_file

    path = tmp_path / "nah.ttml"
    path.write_text(document('ttp:frameRate="25"', ("00:00:01:00", "00:00:03:12"),
                             ("00:00:03:13", "00:00:06:00")), encoding="utf-8")
    result = check_file(path, fps=25)
    assert any("end cue 1 at 00:00:03:11 or earlier" in (d.hint or "")
               for d in result.diagnostics), [d.format() for d in result.diagnostics]


def test_ticks_with_no_tick_rate_are_said_once_with_the_rate_tools_write(tmp_path):
    """Before: 'cue 1 starts at 2777:46:40,000, after the end of the video (00:00:15.000)' and
    nothing on why: TTML counts ticks at 1 a second when the file gives no rate."""
    result = read_on_video(tmp_path, document("", ("10000000t", "30000000t"),
                                              ("40000000t", "60000000t")), duration=15.0)
    ticks = [d for d in result.diagnostics if d.code == "tick-rate"]
    assert [(d.line, d.severity) for d in ticks] == [(5, "warning")]
    assert "begin='10000000t' counts ticks, but the file gives no ttp:tickRate" in ticks[0].message
    assert 'ttp:tickRate="10000000"' in ticks[0].hint
    # The cue's times are said as the file's other times are: a clock past 99 hours too.
    (late,) = [d for d in result.errors if d.code == "past-end"][:1]
    assert "starts at 2777:46:40.000, after the end of the video (00:00:15.000)" in late.message
    # Without the video's length, check's "an hour or more" warning writes it so too (it gave
    # 2777:46:40,000, SubRip's comma, beside 2777:46:40.000).
    from pipeline.subtitles.file_check import check_file
    (late,) = [d for d in check_file(tmp_path / "nah.ttml").diagnostics if d.code == "late-start"]
    assert late.message.startswith("cue 1 starts at 2777:46:40.000, an hour or more into")
    # With the rate, read at it and nothing said.
    fixed = read_on_video(tmp_path, document('ttp:tickRate="10000000"', ("10000000t", "30000000t")),
                          duration=15.0)
    assert times(fixed) == [(1000, 3000)] and not fixed.diagnostics


def test_a_paragraph_whose_begin_cannot_be_read_is_left_out(tmp_path):
    """Before: frame 30 at 25 fps was said, then its paragraph taken from 0 s, so that each
    cue before it 'overlaps cue 3' too, and it 'stays on screen for 12.000 s'."""
    result = read(tmp_path, document('ttp:frameRate="25"', ("00:00:01:00", "00:00:03:00"),
                                     ("00:00:04:00", "00:00:06:00"),
                                     ("00:00:10:30", "00:00:12:00")))
    assert [(line, message.split(",")[0]) for line, message, _ in errors(result)] == [
        (7, "begin='00:00:10:30' counts frame 30")]
    assert times(result) == [(1000, 3000), (4000, 6000)]
    assert not [d for d in result.diagnostics if d.severity == "warning"]


# EBU-TT-D (media time) as converted from EBU-TT Part 1: programme times, 10:00:01.000 one
# second into a programme starting at 10:00:00:00.
PROGRAMME = (("10:00:01.000", "10:00:02.480"), ("10:00:03:05", "10:00:03.880"))
FROM_START = ("nah.ttml is timed from its start of programme, {start} "
              "(ebuttm:documentStartOfProgramme): its times are read from there")


def read_on_video(tmp_path, text: str, fps: float | None = None, duration: float | None = 4.0):
    path = tmp_path / "nah.ttml"
    path.write_text(text, encoding="utf-8")
    return read_subtitles(path, duration=duration, fps=fps)


def said(result) -> list[tuple[int | None, str, str]]:
    return [(d.line, d.severity, d.message) for d in result.diagnostics]


@pytest.mark.parametrize("parameters, start, fps, expected", [
    # Before: every cue 'starts at 10:00:01.000, after the end of the video (00:00:04.000)'.
    ('ttp:frameRate="25"', "10:00:00:00", None, [(1000, 2480), (3200, 3880)]),
    ('ttp:frameRate="25"', "09:59:59:24", None, [(1040, 2520), (3240, 3920)]),
    ('ttp:frameRate="25"', "10:00:00.500", None, [(500, 1980), (2700, 3380)]),
    # Frames of the start counted at the master's rate when the file gives none: 12 frames at
    # 29.97 fps are 400.4 ms; frame 00 is the second's start at any rate, or none.
    ("", "10:00:00:12", 30000 / 1001, [(600, 2080), (2600, 3480)]),
    ("", "10:00:00:00", None, [(1000, 2480), (3000, 3880)]),
])
def test_a_media_time_file_is_read_from_the_start_of_programme_it_gives(
        tmp_path, parameters, start, fps, expected):
    paragraphs = PROGRAMME if parameters else (PROGRAMME[0], ("10:00:03.000", "10:00:03.880"))
    result = read_on_video(tmp_path, document(parameters, *paragraphs, start=start), fps)
    assert times(result) == expected
    assert said(result) == [(3, "note", FROM_START.format(start=start))]
    # Messages give times as the file writes them: the cues' plus the start.
    assert round(result.origin * 1000) + expected[0][0] == 36001000


def test_a_media_time_file_that_fits_its_start_only_partly_or_both_ways_is_read_as_it_is(
        tmp_path):
    rate = 'ttp:frameRate="25"'
    # A cue before the start it gives: nothing is moved, each cue past the end is said.
    early = read_on_video(tmp_path, document(rate, ("09:59:59.000", "10:00:02.480"),
                                             PROGRAMME[1], start="10:00:00:00"))
    assert times(early) == [(35999000, 36002480), (36003200, 36003880)]
    assert [message for _, severity, message in said(early)] == [
        "cue 1 starts at 09:59:59.000, after the end of the video (00:00:04.000); so does the "
        "cue at line 6"]
    # On the video read from zero as from its start: read as it is, nothing said.
    both = read_on_video(tmp_path, document(rate, ("00:00:02.000", "00:00:03.000"),
                                            start="00:00:01:00"))
    assert (times(both), said(both)) == ([(2000, 3000)], [])
    # Without the video's length nothing tells: read as it is, as before.
    alone = read_on_video(tmp_path, document(rate, *PROGRAMME, start="10:00:00:00"),
                          duration=None)
    assert (times(alone)[0], said(alone), alone.origin) == ((36001000, 36002480), [], 0)


@pytest.mark.parametrize("parameters, start, fps, message", [
    ("", "10h", 25.0, "is not a time"),
    ("", "10:00:00;00", 25.0, "is not a time"),
    ("", "10:61:00:00", 25.0, "is not a time"),
    ('ttp:frameRate="25"', "10:00:00:25", None,
     "counts frame 25, but at 25 fps a second has frames 0 to 24"),
    ("", "10:00:00:30", 30000 / 1001,
     "counts frame 30, but at 29.97 fps a second has frames 0 to 29"),
    ("", "10:00:00:12", None, "counts frames, but neither the file (ttp:frameRate) nor the "
                              "video gives a frame rate"),
])
def test_a_start_of_programme_not_read_is_a_warning_at_its_line(tmp_path, parameters, start,
                                                                 fps, message):
    result = read_on_video(tmp_path, document(parameters, *PROGRAMME[:1], start=start), fps)
    assert times(result) == [(36001000, 36002480)]      # read as it is
    found = [(d.line, d.severity, d.message, d.code) for d in result.diagnostics
             if d.code == "programme-start"]
    assert found == [(3, "warning", f"ebuttm:documentStartOfProgramme {start!r} {message}: "
                      "the file's times are not read from it", "programme-start")]
    # Not without the video either, but for the frames no rate counts.
    alone = read_on_video(tmp_path, document(parameters, *PROGRAMME[:1], start=start), fps,
                          duration=None)
    assert len([d for d in alone.diagnostics if d.code == "programme-start"]) == (
        0 if message.startswith("counts frames,") else 1)


def test_a_label_past_midnight_starts_again_at_zero():
    # A master from 23:59:57:00 runs on to 00:00:03:00; a message said "24:00:01:12".
    assert smpte_label((24 * 3600 + 1) * 25 + 12, 25, "") == "00:00:01:12"
    assert smpte_label((23 * 3600 + 59 * 60 + 59) * 25 + 24, 25, "") == "23:59:59:24"
