"""The strict SRT reader: every rule is tripped once, with its line and the message's substance."""

from __future__ import annotations

import random
import subprocess
import textwrap
from pathlib import Path

import pytest

from pipeline.errors import SubtitleError
from pipeline.subtitles.model import Cue, file_time, plain_text
from pipeline.subtitles.mp4_track import one_at_a_time, shown_together
from pipeline.subtitles.formats import read_subtitles
from pipeline.subtitles.frames import snap_cues
from pipeline.subtitles.srt import write_srt
from pipeline.subtitles.vtt import write_vtt

GOOD = """\
    1
    00:00:01,000 --> 00:00:02,500
    Ni tlakatl

    2
    00:00:03,000 --> 00:00:04,000
    <i>amo se tlamantli</i>
    tlen monamaka
    """


def srt(tmp_path: Path, text: str, *, encoding: str = "utf-8", newline: str = "\n",
        name: str = "nah.srt") -> Path:
    path = tmp_path / name
    body = textwrap.dedent(text).replace("\n", newline)
    path.write_bytes(body.encode(encoding))
    return path


def only(diagnostics, code):
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, diagnostics
    return found[0]


def test_reads_cues_with_times_text_and_first_line(tmp_path):
    result = read_subtitles(srt(tmp_path, GOOD))
    assert result.diagnostics == ()
    assert result.encoding == "utf-8"
    assert result.cues == (Cue(1, 1000, 2500, "Ni tlakatl", 1),
                           Cue(2, 3000, 4000, "<i>amo se tlamantli</i>\ntlen monamaka", 5))


@pytest.mark.parametrize("encoding, bom, label", [
    ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
    ("utf-16-le", b"\xff\xfe", "utf-16-le"),
    ("utf-16-be", b"\xfe\xff", "utf-16-be"),
])
def test_byte_order_marks_are_honoured_and_stripped(tmp_path, encoding, bom, label):
    path = tmp_path / "nah.srt"
    path.write_bytes(bom + textwrap.dedent(GOOD + "ꞌẍʉ\n").encode(encoding))
    result = read_subtitles(path)
    assert result.diagnostics == ()
    assert result.encoding == label
    assert result.cues[0].index == 1  # pysrt would have read "\ufeff1"
    assert result.cues[1].text.endswith("ꞌẍʉ")


def test_a_byte_order_mark_inside_the_file_is_said_skipped_and_every_cue_read(tmp_path):
    # Two files pasted into one: the second's BOM before its cue's number was "expected a cue
    # number, found '\ufeff2' (is there a blank line inside cue 1's text?)", and cue 2 lost.
    path = srt(tmp_path, GOOD + "\n\ufeff3\n00:00:05,000 --> 00:00:06,000\ntres\n")
    result = read_subtitles(path)
    assert [cue.index for cue in result.cues] == [1, 2, 3] and result.errors == ()
    repaired = only(result.diagnostics, "structure")
    assert (repaired.severity, repaired.line) == ("warning", 10)
    assert repaired.message.startswith("an invisible byte order mark (U+FEFF), which starts a "
                                       "file, starts this line: two files pasted into one?")
    # Any other character no one sees, before a number, is shown by its code point.
    broken = read_subtitles(srt(tmp_path, GOOD + "\n\u200b3\n00:00:05,000 --> 00:00:06,000\n"))
    assert "found '<U+200B>3'" in only(broken.diagnostics, "structure").message


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_line_endings(tmp_path, newline):
    result = read_subtitles(srt(tmp_path, GOOD, newline=newline))
    assert result.diagnostics == ()
    assert [cue.line for cue in result.cues] == [1, 5]
    assert result.cues[1].text == "<i>amo se tlamantli</i>\ntlen monamaka"


def test_trailing_whitespace_and_no_final_blank_line(tmp_path):
    path = tmp_path / "nah.srt"
    path.write_text("1  \n00:00:01,000 --> 00:00:02,000   \nNi tlakatl \t\n   \n"
                    "2\n00:00:03,000 --> 00:00:04,000\nkipia", encoding="utf-8")
    result = read_subtitles(path)
    assert result.diagnostics == ()
    assert [cue.text for cue in result.cues] == ["Ni tlakatl", "kipia"]


def test_latin1_byte_reports_its_line_offset_and_value(tmp_path):
    text = textwrap.dedent(GOOD).replace("tlen monamaka", "tlen monamaká")
    path = tmp_path / "nah.srt"
    path.write_bytes(text.encode("latin-1"))
    result = read_subtitles(path)
    (problem,) = result.diagnostics
    assert problem.severity == "error" and problem.code == "encoding"
    assert problem.line == 8
    assert "0xE1" in problem.message and f"offset {text.index('á')}" in problem.message
    assert "'á'" in problem.message  # what it would be in Windows-1252
    assert "UTF-8" in problem.hint
    assert result.cues == ()


def test_a_windows_1252_file_gets_the_command_that_converts_it(tmp_path):
    # A trial's translator file saved as ANSI: the hint's command, run as given in a folder
    # whose name needs quoting, makes a file that reads with its accents.
    text = textwrap.dedent(GOOD).replace("tlen monamaka", "tlen monamaká ñ “ok”")
    folder = tmp_path / "campaña 2026"
    folder.mkdir()
    path = folder / "nah.srt"
    path.write_bytes(text.encode("cp1252"))
    (problem,) = read_subtitles(path).diagnostics
    command = problem.hint.partition("in a terminal: ")[2]
    assert command.startswith("iconv -f WINDOWS-1252 -t UTF-8 "), problem.hint
    subprocess.run(["sh", "-c", command], check=True)
    result = read_subtitles(path)
    assert not any(d.severity == "error" for d in result.diagnostics), result.diagnostics
    assert "tlen monamaká ñ “ok”" in "\n".join(cue.text for cue in result.cues)
    # A file that is no Windows-1252 either (0x81 is undefined there) gets no such command.
    path.write_bytes(text.encode("cp1252") + b"\x81")
    (problem,) = read_subtitles(path).diagnostics
    assert "iconv" not in problem.hint


@pytest.mark.parametrize("text, encoding, iconv", [
    # A trial's Diidxazá file saved on a Mac as "Western (Mac OS Roman)": told to convert it
    # from Windows-1252, it became "Diidxaz‡: gœdxi –ee" and passed its check.
    ("Diidxazá: gúdxi ñee “Ñgun”\nBinni qué zanda", "mac_roman", "MACINTOSH"),
    ("¿Canción de la señal? Él pasó", "mac_roman", "MACINTOSH"),
    ("¿Canción de la señal? Él pasó", "cp1252", "WINDOWS-1252"),
    # A review's: ú and í alone (the Mac's ú is Windows' œ), and a word in capitals.
    ("Algún día aquí, Mixtú", "mac_roman", "MACINTOSH"),
    ("ÑUU SAVI", "mac_roman", "MACINTOSH"),
    ("ÑUU SAVI", "cp1252", "WINDOWS-1252"),
    ("SEÑAL — “Bats’il k’op”", "cp1252", "WINDOWS-1252"),
    # Windows' apostrophe inside a word is the Mac's í: it tells neither.
    ("Bats’il k’op, mu xa’ k’ux", "cp1252", "WINDOWS-1252")])
def test_an_8_bit_file_is_told_the_code_page_it_was_saved_in(tmp_path, text, encoding, iconv):
    path = tmp_path / "zai.srt"
    path.write_bytes(f"1\n00:00:01,000 --> 00:00:04,000\n{text}\n".encode(encoding))
    (problem,) = read_subtitles(path).diagnostics
    command = problem.hint.partition("in a terminal: ")[2]
    assert command.startswith(f"iconv -f {iconv} -t UTF-8 "), problem.hint
    subprocess.run(["sh", "-c", command], check=True)
    assert [cue.text for cue in read_subtitles(path).cues] == [text], path.read_text()


def test_a_macs_metadata_file_is_told_to_be_deleted(tmp_path):
    # A trial's check of the ._nah.srt a Mac's zip carried: "it has NUL bytes ... check that
    # this is the right file", then named after its language.
    path = tmp_path / "._nah.srt"
    path.write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(60))
    (problem,) = read_subtitles(path).diagnostics
    assert problem.message == "this is not a text file: it is a Mac's metadata for nah.srt (an " \
        "AppleDouble '._' file, copied beside it from a Mac)", problem.message
    assert problem.hint == "delete it: the subtitles are in nah.srt"


def test_garbage_byte_line_with_crlf(tmp_path):
    path = tmp_path / "nah.srt"
    path.write_bytes(b"1\r\n00:00:01,000 --> 00:00:02,000\r\nok\r\n\r\n2\r\n"
                     b"00:00:03,000 --> 00:00:04,000\r\nbad \xff\xfe here\r\n")
    (problem,) = read_subtitles(path).errors
    assert problem.line == 7 and "0xFF" in problem.message


def test_bad_byte_after_a_bom_counts_the_bom_in_the_offset(tmp_path):
    path = tmp_path / "nah.srt"
    path.write_bytes(b"\xef\xbb\xbf1\n00:00:01,000 --> 00:00:02,000\nx\xe1\n")
    (problem,) = read_subtitles(path).errors
    assert problem.line == 3 and "UTF-8: byte 0xE1 at offset 36" in problem.message


@pytest.mark.parametrize("encoding, order", [("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")])
def test_utf16_without_bom_is_refused_with_the_command_that_converts_it(tmp_path, encoding,
                                                                        order):
    # A trial's hint said "save it as UTF-8", no command (a Windows-1252 file gets one).
    path = srt(tmp_path, GOOD.rstrip(" ") + "    ꞌa̱ ẍ\n", encoding=encoding)
    problem = only(read_subtitles(path).errors, "encoding")
    assert "NUL" in problem.message and "UTF-16" in problem.message
    hidden = path.with_name(".nah.srt.utf8")    # a name watch ignores
    assert problem.hint.endswith(f"in a terminal: iconv -f {order} -t UTF-8 {path} > "
                                 f"{hidden} && mv {hidden} {path}"), problem.hint
    command = problem.hint.split("in a terminal: ")[1]
    subprocess.run(["bash", "-c", command], check=True)
    assert path.read_text(encoding="utf-8").endswith("\ntlen monamaka\nꞌa̱ ẍ\n")
    assert not read_subtitles(path).errors


def test_a_stray_nul_in_utf8_text_is_said_where_it_is_not_taken_for_utf16(tmp_path):
    # A trial's one NUL byte in a UTF-8 WebVTT file: "it looks like UTF-16 without a byte
    # order mark", and a hint to save as UTF-8, which it was.
    path = srt(tmp_path, GOOD.replace("Ni tlakatl", "Ni tla\0katl"))
    problem = only(read_subtitles(path).errors, "encoding")
    assert problem.line == 3 and "UTF-16" not in problem.message, problem.message
    assert problem.message == "the file contains a NUL character (line 3, column 7), which no " \
                              "text holds", problem.message
    assert problem.hint.startswith("delete it")


def test_missing_blank_line_is_an_error_and_never_merges(tmp_path):
    result = read_subtitles(srt(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000
        Ni tlakatl
        2
        00:00:03,000 --> 00:00:04,000
        kipia
        """))
    problem = only(result.errors, "missing-blank-line")
    assert problem.line == 4
    assert "missing blank line before cue 2" in problem.message
    assert [(cue.index, cue.text, cue.line) for cue in result.cues] == [
        (1, "Ni tlakatl", 1), (2, "kipia", 4)]


@pytest.mark.parametrize("arrow", ["->", "- >", "=>", "—"])
def test_a_missing_blank_line_with_a_mistyped_arrow_is_an_error_too(tmp_path, arrow):
    # Either slip alone was an error; together the next cue's number and timing line were
    # taken as text of the first (one cue of 4 lines, only warnings: they would have burned).
    result = read_subtitles(srt(tmp_path, f"""\
        1
        00:00:01,000 --> 00:00:03,000
        Hola
        2
        00:00:03,500 {arrow} 00:00:05,000
        Foo
        """))
    assert only(result.errors, "missing-blank-line").line == 4
    assert only(result.errors, "timing").line == 5
    assert [cue.text for cue in result.cues] == ["Hola"]


def test_missing_blank_line_before_a_timing_line_without_number(tmp_path):
    result = read_subtitles(srt(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000
        Ni tlakatl
        00:00:03,000 --> 00:00:04,000
        kipia
        """))
    problem = only(result.errors, "missing-blank-line")
    assert problem.line == 4
    assert [cue.text for cue in result.cues] == ["Ni tlakatl", "kipia"]
    assert only(result.warnings, "index").line == 4


@pytest.mark.parametrize("timing", [
    "00:00:01,000 -> 00:00:02,000",
    "00:00:01,000 --> 00:00:2,000",
    "00:61:01,000 --> 00:62:02,000",
    "00:00:01,000 --> 00:00:02,000 trailing words",
    "Ni tlakatl",
])
def test_malformed_timing_line(tmp_path, timing):
    result = read_subtitles(srt(tmp_path, f"""\
        1
        00:00:00,000 --> 00:00:00,500
        ok

        2
        {timing}
        Ni tlakatl
        """))
    problem = only(result.errors, "timing")
    assert problem.line == 6
    assert "malformed timing line in cue 2" in problem.message
    assert "HH:MM:SS,mmm" in problem.hint
    assert [cue.index for cue in result.cues] == [1]


def test_missing_timing_line(tmp_path):
    result = read_subtitles(srt(tmp_path, "1\n\n"))
    assert only(result.errors, "timing").line == 2


def test_dot_before_milliseconds_is_a_warning_and_coordinates_are_accepted(tmp_path):
    result = read_subtitles(srt(tmp_path, """\
        1
        00:00:01.000 --> 00:00:02.000
        Ni tlakatl

        2
        00:00:03,000 --> 00:00:04,000 X1:100 X2:600 Y1:20 Y2:80
        kipia
        """))
    assert result.errors == ()
    assert only(result.warnings, "timing-format").line == 2
    assert [(cue.start, cue.end) for cue in result.cues] == [(1000, 2000), (3000, 4000)]


def test_non_increasing_and_missing_numbers_are_warnings(tmp_path):
    result = read_subtitles(srt(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000
        uno

        1
        00:00:03,000 --> 00:00:04,000
        ome

        00:00:05,000 --> 00:00:06,000
        eyi
        """))
    assert result.errors == ()
    repeated, missing = result.warnings
    assert (repeated.line, repeated.code) == (5, "index")
    assert "cue number 1 does not increase (previous cue is 1)" in repeated.message
    assert (missing.line, missing.code) == (9, "index")
    assert "no number" in missing.message
    assert [cue.index for cue in result.cues] == [1, 1, 2]


@pytest.mark.parametrize("end, message", [
    ("00:00:01,999", "cue 2 ends before it starts (00:00:02,000 --> 00:00:01,999)"),
    ("00:00:02,000", "cue 2 has no duration: it starts and ends at 00:00:02,000")])
def test_end_before_or_at_start(tmp_path, end, message):
    result = read_subtitles(srt(tmp_path, f"""\
        1
        00:00:00,000 --> 00:00:01,000
        ok

        2
        00:00:02,000 --> {end}
        Ni tlakatl
        """))
    problem = only(result.errors, "end-before-start")
    assert problem.line == 5
    assert problem.message == message


def test_overlap_names_both_cues_at_the_later_one(tmp_path):
    result = read_subtitles(srt(tmp_path, """\
        1
        00:00:01,000 --> 00:00:03,000
        uno

        2
        00:00:02,500 --> 00:00:04,000
        ome
        """))
    problem = only(result.errors, "overlap")
    assert problem.line == 5
    assert "cue 2" in problem.message and "overlaps cue 1" in problem.message
    assert "00:00:03,000" in problem.message


def test_an_overlap_of_two_cues_numbered_alike_tells_them_apart_by_line(tmp_path):
    # "make cue 1 end before cue 1 starts": a translator's copied cue kept its number.
    result = read_subtitles(srt(tmp_path, """\
        1
        00:00:01,000 --> 00:00:03,000
        uno

        1
        00:00:02,500 --> 00:00:04,000
        ome
        """))
    problem = only(result.errors, "overlap")
    assert problem.hint == ("make the cue 1 at line 1 end before the one at line 5 starts; to "
                            "show both at once, place them in different rows of the screen "
                            "(top, middle, bottom)")


def test_overlap_with_a_long_cue_further_back(tmp_path):
    result = read_subtitles(srt(tmp_path, """\
        1
        00:00:01,000 --> 00:00:09,000
        uno

        2
        00:00:02,000 --> 00:00:03,000
        ome

        3
        00:00:04,000 --> 00:00:05,000
        eyi
        """))
    assert [(d.line, "cue 1" in d.message) for d in result.errors] == [(5, True), (9, True)]


# Three cues, the file's order 7 s, 1 s, 4 s: none overlaps another on screen.
UNSORTED = {
    "nah.srt": """\
        1
        00:00:07,000 --> 00:00:09,000
        eyi

        2
        00:00:01,000 --> 00:00:03,000
        se

        3
        00:00:04,000 --> 00:00:06,000
        ome
        """,
    "nah.vtt": """\
        WEBVTT

        00:00:07.000 --> 00:00:09.000
        eyi

        00:00:01.000 --> 00:00:03.000
        se

        00:00:04.000 --> 00:00:06.000
        ome
        """,
    "nah.ass": """\
        [Script Info]
        ScriptType: v4.00+

        [V4+ Styles]
        Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
        Style: Default,Noto Sans,48,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1

        [Events]
        Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
        Dialogue: 0,0:00:07.00,0:00:09.00,Default,,0,0,0,,eyi
        Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,se
        Dialogue: 0,0:00:04.00,0:00:06.00,Default,,0,0,0,,ome
        """,
    "nah.ttml": """\
        <?xml version="1.0" encoding="UTF-8"?>
        <tt xmlns="http://www.w3.org/ns/ttml" xml:lang="nah">
          <body><div>
            <p begin="00:00:07.000" end="00:00:09.000">eyi</p>
            <p begin="00:00:01.000" end="00:00:03.000">se</p>
            <p begin="00:00:04.000" end="00:00:06.000">ome</p>
          </div></body>
        </tt>
        """,
}


@pytest.mark.parametrize("name", sorted(UNSORTED))
def test_cues_out_of_time_order_are_used_sorted_and_are_no_overlap(tmp_path, name):
    """An Aegisub line added at the end, or a TTML paragraph moved, is no overlap: players
    show cues by their times. Before, each cue after a later one was an overlap error that
    blocked the language. The cues come sorted (the render, sidecars and gaps use them so)."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(UNSORTED[name]), encoding="utf-8")
    result = read_subtitles(path)
    assert not result.errors
    assert [plain_text(cue) for cue in result.cues] == ["se", "ome", "eyi"]
    order = [d for d in result.warnings if d.code == "order"]
    if name.endswith((".srt", ".vtt")):
        # Numbered and ordered formats: the translator hears of it once, at the cue out of
        # line (a line added at the end of the file and moved to its top), with the one below.
        (warned,) = order
        assert warned.line == (1 if name.endswith(".srt") else 3)
        assert "cue 1 starts at" in warned.message and "after cue 2 below it" in warned.message
        assert ("00:00:07,000" if name.endswith(".srt") else "00:00:07.000") in warned.message
        assert "out of place" in warned.message and "sort the cues" in warned.hint
    else:
        assert order == []


def cues_at(tmp_path, *starts: str):
    """A SubRip file of a one-second cue at each start (`H:MM:SS`), read."""
    path = tmp_path / "mix.srt"
    path.write_text("".join(f"{n}\n0{start},000 --> 0{start},900\nNdaꞌa\n\n"
                            for n, start in enumerate(starts, 1)), encoding="utf-8")
    return [d for d in read_subtitles(path).warnings if d.code == "order"]


def test_a_cue_whose_time_jumps_ahead_is_the_one_named(tmp_path):
    # A trial's typo, 00:40:04 for 00:00:04: "cue 3 starts before cue 2 ... sort the cues",
    # which would have sent the typo to the end.
    (warned,) = cues_at(tmp_path, "0:00:01", "0:40:04", "0:00:07")
    assert warned.line == 5 and warned.message.startswith("cue 2 starts at 00:40:04,000, after "
                                                          "cue 3 below it (00:00:07,000)")
    assert warned.hint.startswith("check the times of cue 2 (the cue before it starts at "
                                  "00:00:01,000)")
    # At the top, and several cues after it: the typo alone, no "5 cues out of order".
    (warned,) = cues_at(tmp_path, "0:50:00", "0:00:02", "0:00:04", "0:00:06", "0:00:08")
    assert warned.line == 1 and "its time is mistyped" in warned.message
    # A cue two apart could be either's slip: the file's order is said, as before.
    (warned,) = cues_at(tmp_path, "0:00:01", "0:00:05", "0:00:03", "0:00:07")
    assert "cue 3 starts at 00:00:03,000, before cue 2" in warned.message
    assert "sort the cues" in warned.hint
    # Cues in reverse order: no cue among others in order, the file's order said once.
    (warned,) = cues_at(tmp_path, "0:00:05", "0:00:04", "0:00:03", "0:00:02", "0:00:01")
    assert "4 cues are out of time order" in warned.message, warned.message
    # Many typos: the first three named, the file's disorder said for the rest.
    starts = [f"0:{'4' if n % 3 == 1 else '0'}0:{n:02d}" for n in range(12)]
    named = cues_at(tmp_path, *starts)
    assert [w.message.endswith("out of place") for w in named] == [True] * 3 + [False]


def test_an_overlap_between_cues_out_of_order_is_named_in_time_order(tmp_path):
    result = read_subtitles(srt(tmp_path, """\
        1
        00:00:05,000 --> 00:00:07,000
        ome

        2
        00:00:01,000 --> 00:00:05,500
        se
        """))
    problem = only(result.errors, "overlap")
    assert problem.line == 1
    assert problem.message.startswith("cue 1 (starts 00:00:05,000) overlaps cue 2 (line 5, ")
    assert "fix the order" not in problem.hint


@pytest.mark.parametrize("name, text", [
    ("nah.srt", """\
        1
        00:00:01,000 --> 00:00:05,000
        {\\an8}LETRERO

        2
        00:00:02,000 --> 00:00:03,000
        uno

        3
        00:00:03,500 --> 00:00:04,500
        ome
        """),
    ("nah.vtt", """\
        WEBVTT

        00:00:01.000 --> 00:00:05.000 line:0
        LETRERO

        00:00:02.000 --> 00:00:03.000
        uno

        00:00:03.500 --> 00:00:04.500
        ome
        """),
])
def test_cues_in_different_rows_of_the_screen_may_be_shown_together(tmp_path, name, text):
    assert read_subtitles(srt(tmp_path, text, name=name)).errors == ()


def test_cues_in_the_same_row_overlap_wherever_that_row_is(tmp_path):
    result = read_subtitles(srt(tmp_path, """\
        1
        00:00:01,000 --> 00:00:05,000
        {\\an8}LETRERO

        2
        00:00:02,000 --> 00:00:03,000
        uno

        3
        00:00:03,500 --> 00:00:04,500
        {\\an7}ome
        """))
    problem = only(result.errors, "overlap")
    assert problem.line == 9 and "overlaps cue 1" in problem.message
    assert "at the top of the screen" in problem.message
    assert "place them in different rows of the screen" in problem.hint


def test_one_at_a_time_merges_what_shares_a_time_top_row_first():
    cues = [Cue(1, 1000, 2000, "uno", 1), Cue(2, 500, 3000, "{\\an8}LETRERO", 5),
            Cue(3, 2000, 2500, "{\\an5}<i>medio</i>", 9), Cue(4, 4000, 4500, "ome", 13)]
    assert [(c.index, c.start, c.end, c.text, c.line) for c in one_at_a_time(cues)] == [
        (1, 500, 1000, "{\\an8}LETRERO", 5),
        (2, 1000, 2000, "LETRERO\nuno", 1),
        (3, 2000, 2500, "LETRERO\n<i>medio</i>", 5),
        (4, 2500, 3000, "{\\an8}LETRERO", 5),
        (5, 4000, 4500, "ome", 13)]
    alone = [Cue(1, 0, 1000, "uno", 1), Cue(2, 1000, 2000, "ome", 5)]
    assert one_at_a_time(alone) == alone


def test_cues_shown_one_over_another_are_noted_once_for_the_track(tmp_path):
    # The track shows them as one subtitle at the bottom: said once, the first pair named
    # (the upper cue's line), each pair counted; cues one after another are no pair.
    cues = [Cue(1, 1000, 2000, "uno", 1), Cue(2, 500, 3000, "{\\an8}LETRERO", 5),
            Cue(3, 2000, 2500, "{\\an5}medio", 9), Cue(4, 4000, 4500, "ome", 13)]
    (said,) = shown_together(cues, tmp_path / "nah.srt")
    assert (said.severity, said.line, said.code) == ("note", 5, "track-position")
    assert said.message.startswith("2 times cues are shown one over another, the first cue 2 "
                                   "over cue 1 from 00:00:01,000: the subtitle track of the MP4 "
                                   "files holds no position"), said.message
    assert shown_together(cues[:2], tmp_path / "nah.srt")[0].message.startswith(
        "cue 2 is shown over cue 1 from 00:00:01,000: ")
    assert shown_together([Cue(1, 0, 1000, "uno", 1), Cue(2, 1000, 2000, "{\\an8}DOS", 5)],
                          tmp_path / "nah.srt") == []
    # Judged on the frames they are shown on, said at the time the file writes (at 29.97 fps
    # 00:00:01,000 is shown from 00:00:01,001, in no file: the review).
    snapped = snap_cues(cues[:2], 30000 / 1001, "srt")
    assert {cue.start for cue in snapped} == {500, 1001}
    (said,) = shown_together(snapped, tmp_path / "nah.srt", cues[:2])
    assert " from 00:00:01,000: " in said.message, said.message


def test_a_box_in_pixels_after_the_times_is_said_not_used_once_a_file(tmp_path):
    # SubRip's old X1..Y2 box was dropped without a word: a trial's subtitler took it for kept.
    result = read_subtitles(srt(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000 X1:100 X2:500 Y1:10 Y2:50
        arriba

        2
        00:00:03,000 --> 00:00:04,000
        abajo

        3
        00:00:05,000 --> 00:00:06,000  x1:0 x2:9 y1:0 y2:9
        otra
        """))
    assert [c.text for c in result.cues] == ["arriba", "abajo", "otra"]
    said = only(result.warnings, "style")
    assert said.line == 2 and said.message.startswith(
        "2 cues are placed by a box in pixels after their times (X1: X2: Y1: Y2:; the first: "
        "cue 1), which is not used"), said.message
    assert "{\\an8}" in said.hint


def test_touching_cues_do_not_overlap(tmp_path):
    result = read_subtitles(srt(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000
        uno

        2
        00:00:02,000 --> 00:00:03,000
        ome
        """))
    assert result.diagnostics == ()


def test_cues_past_the_end_of_the_video(tmp_path):
    result = read_subtitles(srt(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000
        uno

        2
        00:00:09,000 --> 00:00:10,500
        ome

        3
        00:00:10,000 --> 00:00:11,000
        eyi
        """), duration=10.0)
    ends_late, starts_late = [d for d in result.diagnostics if d.code == "past-end"]
    assert (ends_late.severity, ends_late.line) == ("warning", 5)
    assert "ends at 00:00:10,500, after the end of the video (00:00:10,000)" in ends_late.message
    assert (starts_late.severity, starts_late.line) == ("error", 9)
    assert "cue 3 starts at 00:00:10,000" in starts_late.message


def test_cues_past_the_end_are_one_error_and_an_hour_off_is_said_so(tmp_path):
    # A trial's 5,000 cues timed an hour off were 4,995 errors, one a cue, with no word of the
    # hour: a file timed to a tape's timecode.
    text = "".join(f"{n}\n01:00:{n:02d},000 --> 01:00:{n:02d},500\nyi\n\n" for n in range(1, 31))
    path = tmp_path / "hour.srt"
    path.write_text(text, encoding="utf-8")
    result = read_subtitles(path, duration=15.0)
    (late,) = [d for d in result.diagnostics if d.code == "past-end"]
    assert (late.severity, late.line) == ("error", 1)
    assert late.message == ("cue 1 starts at 01:00:01,000, after the end of the video "
                            "(00:00:15,000); so do the cues at lines 5, 9, 13, 17, 21, 25, 29, "
                            "33 and 21 more")
    assert "a tape's timecode starts at 01:00:00:00: subtract it" in late.hint


@pytest.mark.parametrize("content, message, line", [
    ("", "the file is empty (0 bytes)", 1),    # nothing written: copied or exported again
    # Blank lines, or a byte order mark alone: at line 1 too, as every other file error is.
    ("\n  \n\n", "the file is empty: it has no text", 1),
    ("\ufeff", "the file is empty: it has no text", 1)])
def test_empty_file(tmp_path, content, message, line):
    (problem,) = read_subtitles(srt(tmp_path, content)).diagnostics
    assert (problem.severity, problem.code, problem.message, problem.line) == (
        "error", "empty", message, line)


def test_file_without_any_cue(tmp_path):
    result = read_subtitles(srt(tmp_path, "1\n00:00:01 --> 00:00:02\nwords\n"))
    assert only(result.errors, "timing").line == 2
    # Words only are no file of any format (test_check_cli.py): said once, with no format.
    result = read_subtitles(srt(tmp_path, "just some words\n"))
    assert [d.code for d in result.diagnostics] == ["not-subtitles"] and result.format is None


@pytest.mark.parametrize("name, content, said", [
    ("tar.scc", "Scenarist_SCC V1.0\n\n00:59:50;15\t9420 9420 94ae 94ae 9452 9452 c1ec\n",
     "a Scenarist SCC file (CEA-608 closed captions)"),
    ("tar.stl", "850STL25.01\x001\x00\x00\x00                    Blue Heart\n",
     "an EBU STL file (EBU Tech 3264)"),
    ("tar.sub", "{25}{75}Kʉrí mó ʉ\n{80}{130}Nijé\n", "a MicroDVD file (times counted in frames)"),
    ("tar.sbv", "0:00:01.000,0:00:03.000\nKʉrí mó ʉ\n\n0:00:03.500,0:00:05.000\nNijé\n",
     "a YouTube SBV file (SubViewer)"),
    ("tar.sub", "[INFORMATION]\n[TITLE]Blue Heart\n[END INFORMATION]\n[SUBTITLE]\n",
     "a SubViewer 2.0 file"),
    ("tar.srt", "{\\rtf1\\ansi{\\fonttbl\\f0 Arial;}\\f0 1\\par 00:00:01,000 --> 00:00:02,000}",
     "a rich-text document (RTF, from WordPad or Word)"),
    ("tar.srt", "\ufeffScenarist_SCC V1.0\n\n00:59:50;15\t9420\n",
     "a Scenarist SCC file (CEA-608 closed captions)")])
def test_a_format_not_read_here_is_named_once(tmp_path, name, content, said):
    # Read as SubRip, an SCC file was an error a line, and "rename it to tar.srt".
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = read_subtitles(path)
    (problem,) = result.diagnostics
    assert (problem.severity, problem.line, problem.code) == ("error", 1, "format")
    assert problem.message == (f"this is {said}, a format not read here (SubRip, WebVTT, ASS, SSA "
                               "or TTML are)")
    assert "rename" not in (problem.hint or "") and result.cues == ()


@pytest.mark.parametrize("text", ["", "<i></i>", "{\\an8}"])
def test_cue_without_text(tmp_path, text):
    result = read_subtitles(srt(tmp_path, f"""\
        1
        00:00:01,000 --> 00:00:02,000
        {text}

        2
        00:00:03,000 --> 00:00:04,000
        ome
        """))
    problem = only(result.errors, "empty")
    assert problem.line == 1 and "cue 1 has no text" in problem.message


def test_blank_line_inside_text_is_reported(tmp_path):
    result = read_subtitles(srt(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000
        uno

        second line
        """))
    problem = only(result.errors, "structure")
    assert problem.line == 5
    assert "blank line inside cue 1's text" in problem.message


def test_editing_tags_left_in_the_text_are_warned_about(tmp_path):
    result = read_subtitles(srt(tmp_path, "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}{\\b1}uno\n"))
    problem = only(result.warnings, "tags")
    assert "'{\\b1}'" in problem.message and problem.line == 1


def test_missing_file_raises(tmp_path):
    with pytest.raises(SubtitleError, match="not found"):
        read_subtitles(tmp_path / "nope.srt")


def test_plain_text_strips_formatting_but_keeps_the_words():
    cue = Cue(1, 0, 1, '{\\an8}<i>Ni</i> <B>tla</B><u>ka</u><font color="#ff0000">tl</font>', 1)
    assert plain_text(cue) == "Ni tlakatl"
    assert plain_text("x\u0331 {\\b1}") == "x\u0331 {\\b1}"


def test_write_srt_round_trips(tmp_path):
    cues = (Cue(1, 0, 1500, "Ni tlakatl\n<i>ꞌẍʉ</i>", 1),
            Cue(7, 3_723_004, 3_724_000, "ome", 6))
    target = tmp_path / "out.srt"
    write_srt(cues, target)
    back = read_subtitles(target)
    assert back.diagnostics == () and back.encoding == "utf-8"
    assert [(c.start, c.end, c.text) for c in back.cues] == [(c.start, c.end, c.text) for c in cues]
    assert target.read_bytes().startswith(b"1\n00:00:00,000 --> 00:00:01,500\n")
    assert "01:02:03,004 --> 01:02:04,000" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["out.srt"]  # no temporary file left


def test_write_vtt(tmp_path):
    cues = (Cue(1, 0, 1500, '{\\an8}<i>Ni</i> <font color="red">a & b</font> <3', 1),
            Cue(2, 3_723_004, 3_724_000, "ome", 6))
    target = tmp_path / "out.vtt"
    write_vtt(cues, target)
    assert target.read_text(encoding="utf-8") == (
        "WEBVTT\n\n"
        "1\n00:00:00.000 --> 00:00:01.500 line:5%,start\n<i>Ni</i> a &amp; b &lt;3\n\n"
        "2\n01:02:03.004 --> 01:02:04.000\nome\n")
    assert not target.read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("fmt, written", [("srt", "01:02:03,456"), ("vtt", "01:02:03.456"),
                                          ("ttml", "01:02:03.456"), ("ass", "1:02:03.45"),
                                          ("ssa", "1:02:03.45")])
def test_a_time_is_written_as_each_format_writes_it(fmt, written):
    assert file_time(3_723_456, fmt) == written


def test_random_bytes_are_not_a_text_file_not_utf16(tmp_path):
    # Any NUL byte was taken for UTF-16 without a byte order mark.
    path = tmp_path / "nah.srt"
    path.write_bytes(random.Random(7).randbytes(4000))
    problem = only(read_subtitles(path).errors, "encoding")
    assert problem.message.startswith("this is not a text file: it has NUL bytes on both even "
                                      "and odd offsets (")
    assert "UTF-16" not in problem.message and problem.line is None


def test_control_bytes_without_nul_are_not_a_text_file(tmp_path):
    path = tmp_path / "nah.srt"
    draw = random.Random(7)
    path.write_bytes(b"1\n" + bytes(draw.randrange(1, 32) for _ in range(38)) + b"\n" * 360)
    problem = only(read_subtitles(path).errors, "encoding")
    assert problem.message.startswith("this is not a text file: ") and \
        "% of its first 400 bytes are control characters" in problem.message


def test_a_question_mark_between_letters_is_a_letter_lost_to_an_ansi_save(tmp_path):
    # A trial's "Tuꞌun savi", saved by Notepad as ANSI: "Tu?un savi", which the encoding
    # error's iconv turned into a valid UTF-8 file that passed with no word.
    path = tmp_path / "mix.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:03,000\n¿Ndaa? Tu?un savi\n\n"
                    "2\n00:00:04,000 --> 00:00:06,000\n¿Qué? Ñu?u\n\n"
                    "3\n00:00:07,000 --> 00:00:09,000\n¿Kuu? ¡Sí!\n", encoding="utf-8")
    (warned,) = [d for d in read_subtitles(path).warnings if d.code == "lost-letter"]
    assert (warned.line, warned.severity) == (1, "warning")
    assert warned.message.startswith("2 cues have a '?' between letters (the first: cue 1, "
                                     "'Tu?un')"), warned.message
    assert "save the file as UTF-8" in warned.hint
    # Questions are no lost letter: ¿...? around words, at a word's end; nor a web address.
    path.write_text("1\n00:00:01,000 --> 00:00:03,000\n¿Ndaa? ¿Qué? ¿Sí?\n\n"
                    "2\n00:00:04,000 --> 00:00:06,000\nVisita un.org/es?lang=mix\n",
                    encoding="utf-8")
    assert not [d for d in read_subtitles(path).warnings if d.code == "lost-letter"]
    # The word quoted is the word, not the next line's too.
    path.write_text("1\n00:00:01,000 --> 00:00:03,000\nTu?un\nsavi ñuu\n", encoding="utf-8")
    (warned,) = [d for d in read_subtitles(path).warnings if d.code == "lost-letter"]
    assert "(cue 1: 'Tu?un')" in warned.message, warned.message


def test_a_timing_line_in_frames_is_said_to_be_a_timecode(tmp_path):
    # A trial's "00:00:03:12 --> ..." got "malformed timing line" alone.
    for times, example in (
            ("00:00:03:12 --> 00:00:05:00", "at 25 fps, 00:00:03:12 is 00:00:03,480 (at 29.97 "
                                            "fps, 00:00:03,400)"),
            # Drop-frame is NTSC's alone; a frame past 29 counts at 50 or 59.94.
            ("00:00:03;12 --> 00:00:05;00", "at 29.97 fps, 00:00:03;12 is 00:00:03,400"),
            ("00:00:03:45 --> 00:00:05:00", "at 50 fps, 00:00:03:45 is 00:00:03,900 (at 59.94 "
                                            "fps, 00:00:03,751)")):
        path = tmp_path / "mix.srt"
        path.write_text(f"1\n{times}\nNdaꞌa\n", encoding="utf-8")
        problem = only(read_subtitles(path).errors, "timing")
        assert problem.line == 2 and "counts frames, a timecode" in problem.message
        assert problem.hint.endswith(example), problem.hint


@pytest.mark.parametrize("block, body", [("STYLE", "::cue { color: yellow }"),
                                         ("REGION", "id:arriba")])
def test_a_style_or_region_block_right_under_the_webvtt_line_is_said_lost(tmp_path, block, body):
    # Without the blank line, the block is more of the header: browsers drop it silently, and
    # the translator's yellow or region never shows.
    path = tmp_path / "tse.vtt"
    path.write_text(f"WEBVTT\n{block}\n{body}\n\n00:00:01.000 --> 00:00:02.000\nhola\n",
                    encoding="utf-8")
    result = read_subtitles(path)
    problem = only(result.warnings, "missing-blank-line")
    assert problem.line == 2 and f"the {block} block on this line" in problem.message
    assert [cue.text for cue in result.cues] == ["hola"]
    path.write_text(f"WEBVTT\n\n{block}\n{body}\n\n00:00:01.000 --> 00:00:02.000\nhola\n",
                    encoding="utf-8")
    assert [d for d in read_subtitles(path).diagnostics if d.code == "missing-blank-line"] == []
