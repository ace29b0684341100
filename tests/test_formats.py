"""The readers of WebVTT, ASS/SSA and TTML, and the registry that picks them by content: every
file is read into the same cues, and every problem is reported on its own line."""

from __future__ import annotations

import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

from pipeline.manifest.settings import Style
from pipeline.subtitles.formats import SUFFIXES, read_subtitles, sniff
from pipeline.subtitles.model import Margins, TimeNotation, alignment
from tests.conftest import AMARA_DFXP, ASS, ASS_STYLES, SRT, TTML, VTT, YOUTUBE_VTT

TWO_CUES = [(500, 1800, "Los seres humanos"), (2500, 3600, "no están a la venta")]


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(textwrap.dedent(text).encode(encoding))
    return path


def cues_of(result) -> list[tuple[int, int, str]]:
    return [(cue.start, cue.end, cue.text) for cue in result.cues]


def problems(result, severity: str = "error") -> list[tuple[int | None, str]]:
    return [(d.line, d.code) for d in result.diagnostics if d.severity == severity]


# --- the registry -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, text, found", [
    ("nah.srt", SRT, "srt"), ("nah.vtt", VTT, "vtt"), ("nah.ass", ASS, "ass"),
    ("nah.ttml", TTML, "ttml"), ("nah.xml", TTML, "ttml"), ("nah.dfxp", TTML, "ttml"),
])
def test_every_format_reads_into_the_same_cues(tmp_path, name, text, found):
    result = read_subtitles(write(tmp_path, name, text), duration=4.0)
    assert result.format == found
    assert cues_of(result) == TWO_CUES
    assert result.errors == ()


@pytest.mark.parametrize("encoding, bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe")])
def test_the_encoding_rule_is_the_same_for_every_format(tmp_path, encoding, bom):
    path = tmp_path / "nah.vtt"
    path.write_bytes(bom + VTT.encode(encoding))
    assert cues_of(read_subtitles(path)) == TWO_CUES
    latin = tmp_path / "tzo.ttml"
    latin.write_bytes(TTML.encode("latin-1"))
    (problem,) = read_subtitles(latin).errors
    assert problem.code == "encoding" and problem.line == 6 and "0xE1" in problem.message


def test_an_xml_document_is_read_in_the_encoding_it_declares(tmp_path):
    # A trial's DFXP declared ISO-8859-1, as older exports write: refused, and the hint's iconv
    # left UTF-8 bytes under that declaration, read since as mojibake by every XML tool.
    declared = TTML.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    latin = tmp_path / "tzo.ttml"
    latin.write_bytes(declared.encode("latin-1"))
    result = read_subtitles(latin)
    assert cues_of(result) == TWO_CUES and result.diagnostics == (), result.diagnostics
    converted = tmp_path / "yua.ttml"
    converted.write_bytes(declared.encode("utf-8"))
    result = read_subtitles(converted)
    assert cues_of(result) == TWO_CUES
    (said,) = result.warnings
    assert (said.code, said.line) == ("encoding", 1) and said.message.startswith(
        'the file declares encoding="ISO-8859-1", but its bytes are UTF-8: read as UTF-8'), said
    assert said.hint == 'change the first line\'s encoding="ISO-8859-1" to encoding="UTF-8"'
    # Declared UTF-16 (no NUL byte: it is not), or a codec of bytes, not of text.
    utf16 = tmp_path / "tzh.ttml"
    utf16.write_bytes(TTML.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-8"))
    assert [(d.code, d.line) for d in read_subtitles(utf16).warnings] == [("encoding", 1)]
    rot13 = tmp_path / "mix.ttml"
    rot13.write_bytes(declared.replace("ISO-8859-1", "rot13").encode("latin-1"))
    assert [d.code for d in read_subtitles(rot13).errors] == ["encoding"]


def test_content_decides_the_format_and_the_name_is_reported(tmp_path):
    result = read_subtitles(write(tmp_path, "nah.srt", VTT))
    assert result.format == "vtt" and cues_of(result) == TWO_CUES
    (named,) = [d for d in result.warnings if d.code == "format"]
    assert named.line == 1
    assert "this is a WebVTT file, but its name ends in .srt" in named.message
    assert "rename it to nah.vtt" in named.hint
    # An ASS script named .srt used to be "expected a cue number, found '[Script Info]'".
    assert read_subtitles(write(tmp_path, "tzo.srt", ASS)).format == "ass"


def test_sniffing_needs_a_sure_sign():
    assert sniff("\ufeff\n\nWEBVTT - made by Subtitle Edit\n") == "vtt"
    assert sniff("WEBVTTX\n") is None
    assert sniff("  <?xml version='1.0'?><tt/>") == "ttml"
    assert sniff("[Script Info]\n[V4 Styles]\n") == "ssa"
    assert sniff("1\n00:00:01,000 --> 00:00:02,000\nx\n") == "srt"
    # A dot before the milliseconds: SRT written loosely or WebVTT without its header.
    assert sniff("1\n00:00:01.000 --> 00:00:02.000\nx\n") is None
    assert set(SUFFIXES) == {".srt", ".vtt", ".ass", ".ssa", ".ttml", ".xml", ".dfxp"}


def test_dots_before_the_milliseconds_are_one_warning_a_file(tmp_path):
    # A trial's Subtitle Edit export: 30 cues with '.', 30 identical warnings of 112 in all.
    blocks = [f"{n}\n00:00:{n:02d}.200 --> 00:00:{n:02d}.900\nuno\n" for n in range(1, 31)]
    result = read_subtitles(write(tmp_path, "nah.srt", "\n".join(blocks)))
    (dots,) = [d for d in result.diagnostics if d.code == "timing-format"]
    assert (dots.line, dots.message) == (2, "30 cues use '.' before the milliseconds (the "
                                            "first: cue 1); SRT uses ','"), dots
    assert len(cues_of(result)) == 30
    one = SRT.replace("00:00:00,500", "00:00:00.500", 1)
    (dot,) = [d for d in read_subtitles(write(tmp_path, "tzo.srt", one)).diagnostics]
    assert dot.message == "cue 1 uses '.' before the milliseconds; SRT uses ','", dot


def test_colours_and_fonts_are_one_warning_naming_the_lines(tmp_path):
    text = SRT.replace("Los seres humanos", '<font color="#ffff00">Los seres</font> humanos') \
        .replace("no están", '<font face="Arial">no</font> están')
    result = read_subtitles(write(tmp_path, "nah.srt", text))
    (style,) = [d for d in result.diagnostics if d.code == "style"]
    assert style.severity == "warning" and style.line == 3
    assert "colours and fonts of this SubRip file are not used" in style.message
    assert "(lines 3, 7)" in style.message
    assert cues_of(result)[0][2] == '<font color="#ffff00">Los seres</font> humanos'
    assert not [d for d in read_subtitles(write(tmp_path, "tzo.srt", SRT)).diagnostics]


# --- WebVTT ---------------------------------------------------------------------------------------

def test_vtt_positions_tags_entities_and_comments(tmp_path):
    result = read_subtitles(write(tmp_path, "nah.vtt", """\
        WEBVTT
        Kind: captions

        NOTE made by hand
        with two lines

        uno
        00:00:00.500 --> 00:00:01.800 line:0
        <v Ana>Los <i>seres</i> &amp; humanos</v>

        00:00:02.000 --> 00:00:02.400 line:85%,end align:left position:12%
        <b>ome</b>

        00:02.500 --> 00:02.900
        x

        00:00:03.000 --> 00:00:03.500 align:right line:50%
        <lang nah>eyi</lang>
        """))
    assert result.errors == ()
    first, second, third, fourth = result.cues
    assert (first.text, first.line, first.margins) == ("{\\an8}Los <i>seres</i> & humanos", 7, None)
    assert second.text == "{\\an1}<b>ome</b>"
    assert second.margins == Margins(0.12, 0.0, pytest.approx(0.15))
    assert (third.start, third.text) == (2500, "x")     # mm:ss.ttt is valid WebVTT
    # line:50% puts the top of the box at half the height (line alignment start, the
    # default: W3C WebVTT, "apply WebVTT cue settings"), not its middle
    assert alignment(fourth) == 9 and fourth.text.endswith("eyi")
    assert fourth.margins == Margins(0.0, 0.0, 0.5)


def test_vtt_errors_carry_their_lines(tmp_path):
    result = read_subtitles(write(tmp_path, "nah.vtt", """\
        WEBVTT

        00:00:00.500 --> 00:00:01,800
        coma

        00:00:02.000 --> 00:00:03.000 line:0 colour:red
        ajuste

        00:00:04.000 --> 00:00:05.000
        uno
        00:00:05.500 --> 00:00:06.000
        pegado

        id-sin-tiempo
        texto

        00:00:07.000 --> 00:00:06.000
        al revés

        00:00:08.000 -> 00:00:09.000
        flecha

        id-3
        00:00:09.000 – 00:00:09.500
        guion
        """), duration=10.0)
    assert problems(result) == [(3, "timing"), (11, "missing-blank-line"),
                                (15, "timing"), (17, "end-before-start"), (20, "timing"),
                                (24, "timing")]
    by_line = {d.line: d for d in result.errors}
    assert "malformed WebVTT timing line" in by_line[3].message
    assert "HH:MM:SS.mmm" in by_line[3].hint
    # A wrong setting is left out, as browsers leave it out: a warning, the cue kept.
    (setting,) = [d for d in result.warnings if d.code == "bad-setting"]
    assert setting.line == 6 and "the cue setting 'colour:red' is misspelt" in setting.message
    assert "expected a timing line after 'id-sin-tiempo'" in by_line[15].message
    # A timing line with a mistyped arrow is named as such, on its own line.
    # Cues are named by their place in the file, rejected ones counted: this is the seventh
    # (it was "cue 4": only the cues kept were counted, and two cues were both "cue 1").
    assert "malformed WebVTT timing line in cue 7: '00:00:08.000 -> 00:00:09.000'" in by_line[20].message
    assert [c.index for c in result.cues] == [2, 3, 4, 6]
    assert "malformed WebVTT timing line" in by_line[24].message
    # Nothing merged: the cue after the missing blank line is its own cue.
    assert [c.text for c in result.cues] == ["{\\an8}ajuste", "uno", "pegado", "al revés"]


def test_webvtt_hours_are_read_as_the_webvtt_parser_reads_them(tmp_path):
    # A trial's "0:00:07.000" was refused as malformed, which browsers play: hours are any
    # run of digits but two under 60 (WebVTT's "collect a WebVTT timestamp"); minutes and
    # seconds are two digits each.
    result = read_subtitles(write(tmp_path, "nah.vtt", """\
        WEBVTT

        0:00:01.000 --> 0:00:02.500
        una cifra

        100:00:03.000 --> 100:00:04.000
        tres

        00:05.000 --> 00:06.000
        sin horas

        1:07.000 --> 1:08.000
        minutos de una cifra
        """))
    assert sorted(cues_of(result)) == [(1000, 2500, "una cifra"), (5000, 6000, "sin horas"),
                                       (360_003_000, 360_004_000, "tres")]
    assert problems(result) == [(12, "timing")]


def test_a_file_whose_every_cue_is_refused_is_told_why_not_also_that_it_has_none(tmp_path):
    # A WebVTT file timed with SubRip's commas: "the file contains no cues", with no line,
    # besides the error at each cue's timing line.
    result = read_subtitles(write(tmp_path, "nah.vtt", """\
        WEBVTT

        00:00:01,000 --> 00:00:03,000
        uno

        00:00:04,000 --> 00:00:06,000
        ome
        """))
    assert [(d.line, d.code) for d in result.errors] == [(3, "timing"), (6, "timing")]


def test_vtt_header_and_late_style(tmp_path):
    result = read_subtitles(write(tmp_path, "nah.vtt", """\
        00:00:00.500 --> 00:00:01.800
        sin cabecera
        """))
    assert (1, "syntax") in problems(result)
    assert "starts with the line WEBVTT" in result.errors[0].message
    late = read_subtitles(write(tmp_path, "tzo.vtt", """\
        WEBVTT

        00:00:00.500 --> 00:00:01.800
        uno

        STYLE
        ::cue { color: yellow }
        """))
    assert problems(late) == [(6, "structure")]
    assert [d.line for d in late.warnings if d.code == "style"] == [7]


def test_vtt_unsupported_tags_are_warned_about_on_their_line(tmp_path):
    result = read_subtitles(write(tmp_path, "nah.vtt", """\
        WEBVTT

        00:00:00.500 --> 00:00:01.800
        primero
        <00:00:01.000>karaoke <font color=red>rojo</font>
        """))
    warnings = [d for d in result.warnings if d.code == "tags"]
    assert [d.line for d in warnings] == [5, 5]          # <font> and </font>: one warning
    assert sorted(d.message for d in warnings) == [
        "cue 1: <font> is not a WebVTT tag: players ignore it, and so does the pipeline",
        "cue 1: karaoke timestamp tags are not supported: the whole cue is shown at once"]
    assert result.cues[0].text == "primero\nkaraoke rojo"


def test_ttml_timed_spans_are_one_warning_as_other_formats_karaoke_is(tmp_path):
    # A trial's IMSC file with a timed span was blocked ("not supported", an error), where
    # WebVTT's timestamp tags and ASS's \\k are warnings and the text is shown.
    karaoke = TTML.replace('<p begin="2.5s" end="3.6s">no están a la venta</p>',
                           '<p begin="2.5s" end="3.6s"><span begin="0.5s">no están</span> '
                           '<span begin="0.8s">a la venta</span></p>')
    result = read_subtitles(write(tmp_path, "nah.ttml", karaoke), duration=4.0)
    assert cues_of(result) == TWO_CUES and result.errors == ()
    assert [(d.line, d.message) for d in result.warnings] == [
        (6, "paragraph 2: timed spans (karaoke) are not supported: the whole paragraph is "
            "shown at once")]


def test_vtt_karaoke_tags_are_one_warning_for_the_file_at_the_first_cue(tmp_path):
    # A karaoke export has timestamp tags in every cue: a warning a cue buried the others.
    cues = "".join(f"00:00:0{n}.000 --> 00:00:0{n}.900\n<00:00:0{n}.100>ta<00:00:0{n}.400>ki\n\n"
                   for n in range(1, 4))
    path = tmp_path / "nah.vtt"
    path.write_text(f"WEBVTT\n\n00:00:00.000 --> 00:00:00.500\nsin\n\n{cues}", encoding="utf-8")
    result = read_subtitles(path)
    warnings = [(d.line, d.message) for d in result.warnings if d.code == "tags"]
    assert warnings == [(7, "3 cues, from cue 2: karaoke timestamp tags are not supported: the "
                            "whole cue is shown at once")], warnings
    assert [cue.text for cue in result.cues] == ["sin", "taki", "taki", "taki"]


def test_vtt_speakers_of_voice_tags_are_one_note_for_the_file(tmp_path):
    # A subtitler's SDH file lost its <v Narrador> in every sidecar, unsaid.
    path = tmp_path / "tzh.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nsin voz\n\n"
                    "00:00:03.000 --> 00:00:04.000\n<v Narrador>Jaʼ jichuk</v>\n\n"
                    "00:00:05.000 --> 00:00:06.000\n<v.loud Ana María>Ja</v> <v Narrador>ja\n",
                    encoding="utf-8")
    result = read_subtitles(path)
    (said,) = [d for d in result.diagnostics if d.code == "voices"]
    assert (said.severity, said.line) == ("note", 7), said.format()
    assert said.message == ("the speakers of its <v> tags (Narrador, Ana María) are kept in no "
                            "subtitle the pipeline makes: players do not show them either")
    assert [cue.text for cue in result.cues] == ["sin voz", "Jaʼ jichuk", "Ja ja"]


def test_youtube_s_lines_of_spaces_are_part_of_their_cue_and_left_out_of_its_text(tmp_path):
    # A line of spaces is no blank line to WebVTT: it was read as one, and the text after it
    # refused ("expected a timing line after 'Los seres...'"), a cue of spaces "has no text".
    path = tmp_path / "nah.vtt"
    path.write_text(YOUTUBE_VTT, encoding="utf-8")
    result = read_subtitles(path, duration=4.0)
    assert result.errors == ()
    assert [(c.index, c.start, c.end, c.text, c.line) for c in result.cues] == [
        (1, 500, 1800, "{\\an1}Los seres humanos", 5),
        (3, 2500, 3600, "{\\an1}no están a la venta", 13),
        (4, 3600, 4000, "fin", 16)]
    assert result.in_file == 4
    (spaces,) = result.notes
    # Lines 6 and 15; those of the cue of only spaces go with it, said in its warning.
    assert (spaces.line, spaces.message) == (6, "2 lines of only spaces left out of cue text")
    (blank,) = [d for d in result.warnings if d.code == "blank-cue"]
    assert (blank.line, blank.message, blank.hint) == (
        9, "cue 2 has only spaces for text: it shows nothing and is left out", "delete the cue")
    (before,) = [d for d in result.warnings if d.code == "structure"]
    assert before.line == 15
    assert before.message.startswith("the line before the identifier line '4' has only spaces: "
                                     "WebVTT players end a cue only at an empty line")
    assert before.hint == "delete the spaces, leaving the line empty"


def test_a_line_of_spaces_before_a_timing_line_ends_the_cue_as_players_read_it(tmp_path):
    # Without an identifier, WebVTT players end the cue at the next timing line: no problem.
    # A lost blank line with no spaces in its place is still one.
    (tmp_path / "nah.vtt").write_text("WEBVTT\n\n00:00:00.500 --> 00:00:01.800\nuno\n \n"
                                      "00:00:02.500 --> 00:00:03.600\ndos\n", encoding="utf-8")
    spaced = read_subtitles(tmp_path / "nah.vtt")   # not `write`: dedent empties " "
    assert (spaced.errors, spaced.warnings) == ((), ())
    assert [c.text for c in spaced.cues] == ["uno", "dos"]
    assert [d.line for d in spaced.notes] == [5]
    lost = read_subtitles(write(tmp_path, "tzo.vtt", "WEBVTT\n\n00:00:00.500 --> "
                                "00:00:01.800\nuno\n2\n00:00:02.500 --> 00:00:03.600\ndos\n"))
    assert problems(lost) == [(6, "missing-blank-line")]


def test_a_webvtt_cue_box_width_is_said_once_not_to_be_applied_naming_its_lines(tmp_path):
    # size:50% was read and dropped without a word: the burn and the sidecars lay the text out
    # over the whole title-safe width, so it breaks where the translator did not expect.
    sized = "".join(f"\n00:00:{second:02d}.000 --> 00:00:{second:02d}.500 {settings}\nkʼop\n"
                    for second, settings in enumerate(
                        ["size:50% align:start", "size:100%", "", "size:100.0% line:0"]
                        + ["size:40%"] * 9, 1))
    result = read_subtitles(write(tmp_path, "tzh.vtt", "WEBVTT\n" + sized))
    assert result.errors == ()
    (unapplied,) = [d for d in result.warnings if d.code == "unrendered-settings"]
    assert unapplied.line == 3
    assert unapplied.message == (
        "cue box widths are not applied: 10 cues set one (size:50% and size:40% at lines 3, 15, "
        "18, 21, 24, 27, 30, 33 and 2 more) and are laid out over the full title-safe width "
        "instead")
    assert unapplied.hint == "break the lines by hand where the narrower box would, and remove size:"
    # Placed as before: by align: and line:, the width left out.
    assert [alignment(cue) for cue in result.cues[:5]] == [1, None, None, 8, None]
    one = read_subtitles(write(tmp_path, "nah.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:03.000 "
                                                    "size:50%\nkʼop\n"))
    assert [d.message for d in one.warnings if d.code == "unrendered-settings"] == [
        "cue box widths are not applied: 1 cue sets one (size:50%) and is laid out over the "
        "full title-safe width instead"]      # at line 3, its own: not "(size:50% at line 3)"


def test_a_ttml_file_s_time_notation_is_the_one_most_of_its_times_use(tmp_path):
    head = ('<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" '
            'ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001" ttp:tickRate="10000000">'
            '<body><div>')

    def notation(*times: str):
        paragraphs = "".join(f'<p begin="{begin}" end="{end}">x</p>'
                             for begin, end in zip(times[::2], times[1::2]))
        return read_subtitles(write(tmp_path, "nah.ttml", head + paragraphs +
                                    "</div></body></tt>")).notation

    assert notation("00:00:01:00", "00:00:02:15") == TimeNotation("frames", Fraction(30000, 1001))
    assert notation("1.5s", "2.5s", "00:00:03.000", "3.5s") == TimeNotation("s")
    assert notation("15000000t", "25000000t") == TimeNotation("t", 10_000_000)
    assert notation("45f", "75f") == TimeNotation("f", Fraction(30000, 1001))
    assert notation("00:00:01.000", "2.5s") == TimeNotation()     # as often: the first
    assert notation("0.01h", "0.02h") == TimeNotation()            # hours: as a clock says them
    assert read_subtitles(write(tmp_path, "nah.srt", SRT)).notation is None


# --- ASS / SSA --------------------------------------------------------------------------------

def ass(events: str, info: str = "PlayResX: 640\nPlayResY: 360\n", styles: str = ASS_STYLES) -> str:
    return ("[Script Info]\nScriptType: v4.00+\n" + info + "\n[V4+ Styles]\n" + styles
            + "Style: Top,Noto Sans,24,&H0000FFFF,&H000000FF,&H00000000,&H00000000,0,-1,0,0,"
            "100,100,0,0,1,2,0,8,10,10,72,1\n"
            "\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, "
            "Effect, Text\n" + events)


def test_ass_text_tags_positions_and_styles(tmp_path):
    result = read_subtitles(write(tmp_path, "nah.ass", ass(
        "Comment: 0,0:00:00.00,0:00:05.00,Default,,0,0,0,,a note, not a cue\n"
        "Dialogue: 0,0:00:00.50,0:00:01.80,Default,,0,0,0,,Los {\\i1}seres{\\i0}\\Nhumanos\n"
        "Dialogue: 0,0:00:02.00,0:00:02.90,Top,,0,0,0,,ome\\hni\n"
        "Dialogue: 0,0:00:03.00,0:00:03.50,Default,,0,0,0,,{\\an7\\fad(100,100)}eyi\n"
        "Dialogue: 0,0:00:03.60,0:00:04.00,Default,,0,0,0,,{\\pos(320,300)}nahui\n")))
    assert result.errors == ()
    first, second, third, fourth = result.cues
    assert (first.index, first.line, first.text) == (1, 14, "Los <i>seres</i>\nhumanos")
    # The Top style: alignment 8, italic, MarginV 72 of 360 lines (20 %), yellow (a colour).
    assert (second.text, second.margins, second.style) == \
        ("{\\an8}<i>ome\u00a0ni</i>", Margins(0.0, 0.0, 0.2), "Top")
    assert third.text == "{\\an7}eyi"
    # \pos(320,300) with the style's bottom centre: 60 of 360 lines above the bottom.
    assert fourth.text == "{\\an2}nahui" and fourth.margins.vertical == pytest.approx(60 / 360)
    (tags,) = [d for d in result.warnings if d.code == "tags"]
    assert tags.line == 16 and "\\fad" in tags.message
    (style,) = [d for d in result.warnings if d.code == "style"]
    assert "lines 8, 9" in style.message and "from_file: true" in style.hint


def test_a_centred_pos_keeps_its_side_of_the_frame(tmp_path):
    # A fresh-user trial: {\pos(200,900)} on a 1920x1080 script (bottom centre, the style's)
    # was burned centred on the frame, only its height kept. Centred on x, its edges depend on
    # its width: it takes the nearest column, as a WebVTT `position` does.
    result = read_subtitles(write(tmp_path, "nah.ass", ass(
        "Dialogue: 0,0:00:00.50,0:00:01.80,Default,,0,0,0,,{\\pos(200,900)}Verde\n"
        "Dialogue: 0,0:00:02.00,0:00:02.90,Default,,0,0,0,,{\\pos(1700,200)}Arriba\n"
        "Dialogue: 0,0:00:03.00,0:00:03.50,Top,,0,0,0,,{\\pos(960,150)}Centro\n"
        "Dialogue: 0,0:00:03.60,0:00:04.00,Default,,0,0,0,,{\\an7\\pos(600,100)}Izquierda\n"
        "Dialogue: 0,0:00:04.00,0:00:04.50,Default,,0,0,0,,{\\an5\\pos(960,300)}Medio\n",
        info="PlayResX: 1920\nPlayResY: 1080\n")))
    assert result.errors == ()
    left, right, centre, anchored, middle = result.cues
    # A middle anchor keeps its height too: its centre 300 px down, 240 above the middle (it
    # was centred on the frame).
    assert middle.text == "{\\an5}Medio"
    assert middle.margins == Margins(0.0, 0.0, pytest.approx(300 / 1080 - 0.5))
    assert left.text == "{\\an1}Verde" and left.margins == Margins(0.0, 0.0, pytest.approx(1 / 6))
    assert right.text == "{\\an3}Arriba"
    assert right.margins == Margins(0.0, 0.0, pytest.approx(880 / 1080))
    assert centre.text == "{\\an8}<i>Centro</i>"
    assert centre.margins.vertical == pytest.approx(150 / 1080)
    # An anchor at the left keeps its place: its text starts there.
    assert anchored.text == "{\\an7}Izquierda"
    assert anchored.margins == Margins(pytest.approx(600 / 1920), 0.0, pytest.approx(100 / 1080))


def test_inline_colours_and_fonts_are_one_warning_naming_their_lines(tmp_path):
    path = write(tmp_path, "nah.ass", ass(
        "Dialogue: 0,0:00:00.50,0:00:01.80,Default,,0,0,0,,{\\c&H0000FF&}rojo\n"
        "Dialogue: 0,0:00:02.00,0:00:02.90,Default,,0,0,0,,sin color\n"
        "Dialogue: 0,0:00:03.00,0:00:03.50,Default,,0,0,0,,{\\fnArial\\1a&H80&}letra\n"))
    result = read_subtitles(path)
    assert [d for d in result.warnings if d.code == "tags"] == []
    (style,) = [d for d in result.warnings if d.code == "style"]
    assert "lines 8, 13, 15" in style.message and "from_file: true" in style.hint
    # For a selectable track (soft, dub, mix) the player draws the text: only burning the file
    # with its own styles keeps them; a trial's SDH subtitler was told that any burn would
    # (a burned WebVTT's colours are dropped too), and not what to do where colour says who
    # speaks.
    (track,) = [d for d in read_subtitles(path, burned=False).warnings if d.code == "style"]
    assert "a selectable subtitle track is drawn in the viewer's player's style" in track.message
    assert "lines 8, 13, 15" in track.message
    assert track.hint.startswith("only an ASS or SSA file burned with `style: {from_file: "
                                 "true}` keeps its styles; where a colour says who speaks, "
                                 "write the speaker's name"), track.hint
    # Burned with the file's own styles, the styles are used but the inline tags still are not.
    (kept,) = [d for d in read_subtitles(path, style=Style(from_file=True)).warnings if d.code == "style"]
    assert "inline colour and font tags" in kept.message and "lines 13, 15" in kept.message


@pytest.mark.parametrize("style_line, warned", [
    # Aegisub writes a style into every file: the campaign's look (Noto Sans, white, black
    # outline) loses nothing. Before, the demo's own amu.ass was warned of at every command.
    ("Style: Default,Noto Sans,72,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,"
     "0,0,1,2,2,2,10,10,60,1\n", False),
    ("Style: Default,noto sans,48,&H00FFFFFF,&H000000FF,&H00000000,&H80000000,0,0,0,0,100,100,"
     "0,0,1,2,2,2,10,10,60,1\n", False),
    # Another font, colour, outline colour, bold or italic is lost: said as before.
    ("Style: Default,Arial,72,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,"
     "0,0,1,2,2,2,10,10,60,1\n", True),
    ("Style: Default,Noto Sans,72,&H0000FFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,"
     "0,0,1,2,2,2,10,10,60,1\n", True),
    ("Style: Default,Noto Sans,72,&H00FFFFFF,&H000000FF,&H00FF0000,&H00000000,0,0,0,0,100,100,"
     "0,0,1,2,2,2,10,10,60,1\n", True),
    ("Style: Default,Noto Sans,72,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,-1,0,0,0,100,100,"
     "0,0,1,2,2,2,10,10,60,1\n", True),
    ("Style: Default,Noto Sans,72,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,-1,0,0,100,100,"
     "0,0,1,2,2,2,10,10,60,1\n", True),
])
def test_an_ass_style_in_the_campaign_s_look_is_not_warned_of(tmp_path, style_line, warned):
    text = ("[Script Info]\nScriptType: v4.00+\nPlayResX: 1920\nPlayResY: 1080\n\n[V4+ Styles]\n"
            "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
            "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
            "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
            + style_line + "\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, "
            "MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,"
            "Tlacameh\n")
    path = write(tmp_path, "nah.ass", text)
    for burned in (True, False):
        found = [d for d in read_subtitles(path, style=Style(), burned=burned).warnings
                 if d.code == "style"]
        assert bool(found) == warned, (burned, found)
        if warned:
            assert found[0].line == 8
    # No campaign style known: every style the file uses is said, as before.
    assert [d.line for d in read_subtitles(path).warnings if d.code == "style"] == [8]


def test_ass_errors_carry_their_lines(tmp_path):
    # A trial's translator was told her style (whose line lost its last fields) was "not
    # defined", and of a Dialogue line with one bad time, both times, the right one first.
    broken_styles = ASS_STYLES + "Style: Broken,Noto Sans,big,&H00FFFFFF\n"
    result = read_subtitles(write(tmp_path, "nah.ass", ass(
        "Dialogue: 0,0:00:00.50,0:00:01.80,Default,,0,0,0,,bien\n"
        "Dialogue: 0,0:00:02.5,0:00:03.60,Default,,0,0,0,,centésimas\n"
        "Dialogue: 0,0:00:04.00,0:00:05.00,Nadie,,0,0,0,,estilo\n"
        "Dialogue: 0,0:00:05.00\n"
        "tres palabras sueltas\n"
        "Dialogue: 0,0:00:06.00,0:00:07.00,Default,,0,0,0,,{\\p1}m 0 0 l 100 0 100 100\n"
        "Dialogue: 0,0:00:07.00,0:00:08.00,Broken,,0,0,0,,roto\n"
        "Dialogue: 0,0:00:08.00,0:00:9.5,Default,,0,0,0,,fin\n"
        "Dialogue: 0,0:00:10.0,0:00:11,Default,,0,0,0,,fin\n",
        styles=broken_styles)))
    assert problems(result) == [(9, "style"), (15, "timing"), (16, "style"), (17, "structure"),
                                (18, "structure"), (19, "tags"), (20, "style"), (21, "timing"),
                                (22, "timing")]
    messages = {d.line: d.message for d in result.errors}
    assert "this style has 4 fields; ASS styles have 23" in messages[9]
    assert messages[15] == "malformed start time in this Dialogue line: '0:00:02.5'"
    assert messages[20] == "style 'Broken' cannot be read: its line, 9, has an error"
    assert messages[21] == "malformed end time in this Dialogue line: '0:00:9.5'"
    assert messages[22] == "malformed time in this Dialogue line: '0:00:10.0', '0:00:11'"
    assert "H:MM:SS.cc" in result.errors[1].hint
    assert "style 'Nadie' is not defined" in messages[16]
    assert "expected a Dialogue: line, found 'tres palabras sueltas'" in messages[18]
    assert "draws a shape" in messages[19]
    assert [c.text for c in result.cues] == ["bien"]


def test_a_script_whose_every_style_has_an_error_names_them_to_fix(tmp_path):
    # A trial's two styles, each with an error, left a Dialogue line's style "not defined
    # (the styles section has none)"; a size in words had no hint.
    style = ASS_STYLES.splitlines()[1]
    styles = (style.replace(",24,", ",sesenta,") + "\n"
              + style.replace("Default", "Arriba").replace(",2,10,10,10,1", ",12,10,10,10,1"))
    broken = ASS.replace(style, styles).replace("Default,,0,0,0,,Los", "Cursiva,,0,0,0,,Los")
    result = read_subtitles(write(tmp_path, "amu.ass", broken))
    said = {d.line: (d.message, d.hint) for d in result.errors}
    assert said[8] == ("style 'Default': fontsize must be a number, not 'sesenta'",
                       "write it in digits, as 48 or 1.5")
    assert said[9] == ("style 'Arriba': alignment 12 is not a valid ASS alignment",
                       "use one of 1, 2, 3, 4, 5, 6, 7, 8 or 9 (2: bottom centre)")
    assert said[13] == ("style 'Cursiva' is not defined in the styles section", "define it, or "
                        "fix one of the styles that cannot be read: Default, Arriba")


def test_ass_cues_are_numbered_by_their_dialogue_line(tmp_path):
    # Numbered among the lines kept, two lines were both 'cue 1': a drawing after a line of
    # bad times, and the next line, whose warnings named it as the drawing's error had.
    result = read_subtitles(write(tmp_path, "nah.ass", ass(
        "Dialogue: 0,0:00:00.5,0:00:01.80,Default,,0,0,0,,centésimas\n"
        "Comment: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,nota\n"
        "Dialogue: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,{\\p1}m 0 0 l 100 0 100 100\n"
        "Dialogue: 0,0:00:04.00,0:00:04.20,Default,,0,0,0,,{\\k20}bien\n")))
    messages = {d.line: d.message for d in result.diagnostics}
    assert messages[15].startswith("cue 2 draws a shape"), messages
    assert messages[16].startswith("cue 3: the override tags \\k are not supported")
    assert [(cue.index, cue.line, cue.text) for cue in result.cues] == [(3, 16, "bien")]


def test_ssa_alignment_numbers_are_converted(tmp_path):
    script = ("[Script Info]\nScriptType: v4.00\n\n[V4 Styles]\n"
              "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, TertiaryColour, "
              "BackColour, Bold, Italic, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, "
              "MarginV, AlphaLevel, Encoding\n"
              "Style: Default,Noto Sans,20,16777215,255,0,0,0,0,1,2,0,6,10,10,10,0,1\n\n"
              "[Events]\nFormat: Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, "
              "Effect, Text\n"
              "Dialogue: Marked=0,0:00:00.50,0:00:01.80,Default,,0000,0000,0000,,arriba\n")
    result = read_subtitles(write(tmp_path, "nah.ssa", script))
    assert result.format == "ssa" and result.errors == ()
    assert result.cues[0].text == "{\\an8}arriba"    # SSA 6 is top centre (ASS 8)


# --- TTML -------------------------------------------------------------------------------------

DFXP = """\
<?xml version="1.0" encoding="utf-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:tts="http://www.w3.org/ns/ttml#styling"
    xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:frameRate="25" xml:lang="nah">
  <head>
    <styling>
      <style xml:id="it" tts:fontStyle="italic"/>
      <style xml:id="yellow" tts:color="yellow"/>
    </styling>
    <layout>
      <region xml:id="bottom" tts:origin="10% 10%" tts:extent="80% 80%" tts:displayAlign="after"/>
      <region xml:id="top" tts:origin="10% 10%" tts:extent="80% 80%" tts:displayAlign="before"/>
    </layout>
  </head>
  <body region="bottom">
    <div>
      <p begin="00:00:00:12" end="00:00:01.800">Los   seres
        <br/> <span style="it">humanos</span></p>
      <p begin="2s" dur="900ms" region="top" style="yellow">arriba</p>
    </div>
  </body>
</tt>
"""


def test_ttml_times_regions_spans_and_whitespace(tmp_path):
    result = read_subtitles(write(tmp_path, "nah.dfxp", DFXP))
    assert result.errors == ()
    first, second = result.cues
    assert (first.start, first.end, first.line) == (480, 1800, 16)     # 12 frames at 25 fps
    assert first.text == "{\\an2}Los seres\n<i>humanos</i>"
    assert first.margins == Margins(0.0, 0.0, pytest.approx(0.1))
    assert (second.start, second.end, second.text) == (2000, 2900, "{\\an8}arriba")
    (style,) = [d for d in result.warnings if d.code == "style"]
    # Its one line is the prefix's (`nah.dfxp:7:`), not said again as "(line 7)".
    assert style.line == 7 and style.message == (
        "the colours and fonts of this TTML file are not used: subtitles take the campaign's "
        "style")


@pytest.mark.parametrize("align", ["", ' tts:displayAlign="before"', ' tts:displayAlign="center"',
                                   ' tts:displayAlign="after"'])
def test_a_ttml_bottom_band_keeps_its_text_in_the_band(tmp_path, align):
    # A fresh-user trial: a band over the bottom fifth, its text from the band's top (before,
    # the default), was burned with the text's bottom at 80 %: over the picture's own titles.
    bands = DFXP.replace('<region xml:id="bottom" tts:origin="10% 10%" tts:extent="80% 80%" '
                         'tts:displayAlign="after"/>', '<region xml:id="bottom" tts:origin="0% '
                         f'80%" tts:extent="100% 15%"{align}/>')
    first, _ = read_subtitles(write(tmp_path, "nah.dfxp", bands)).cues
    # Its bottom at 95 %, inside the title-safe edge: the campaign's own bottom place.
    assert (first.text, first.margins) == ("Los seres\n<i>humanos</i>", None)
    higher = bands.replace('tts:origin="0% 80%" tts:extent="100% 15%"',
                           'tts:origin="0% 70%" tts:extent="100% 18%"')
    first, _ = read_subtitles(write(tmp_path, "nah.dfxp", higher)).cues
    assert first.text.startswith("{\\an2}") and first.margins == Margins(0.0, 0.0,
                                                                      pytest.approx(0.12))


EBU_TT_D = """\
<?xml version="1.0" encoding="UTF-8"?>
<tt:tt xmlns:tt="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"
  xmlns:tts="http://www.w3.org/ns/ttml#styling" xmlns:ebuttm="urn:ebu:tt:metadata"
  ttp:timeBase="media" ttp:cellResolution="50 30" xml:lang="es">
  <tt:head>
    <tt:metadata><ebuttm:documentMetadata><ebuttm:conformsToStandard>urn:ebu:tt:distribution:2014-01</ebuttm:conformsToStandard></ebuttm:documentMetadata></tt:metadata>
    <tt:styling>
      <tt:style xml:id="defaultStyle" tts:fontFamily="monospaceSansSerif" tts:fontSize="1c 1c" tts:lineHeight="normal" tts:textAlign="center" tts:color="white" tts:backgroundColor="transparent" tts:fontStyle="normal" tts:fontWeight="normal" tts:textDecoration="none"/>
      <tt:style xml:id="WhiteOnBlack" tts:color="white" tts:backgroundColor="black"/>
      <tt:style xml:id="textLeft" tts:textAlign="left"/>
    </tt:styling>
    <tt:layout>
      <tt:region xml:id="bottom" tts:origin="10% 10%" tts:extent="80% 80%" tts:padding="0c" tts:displayAlign="after" tts:writingMode="lrtb"/>
    </tt:layout>
  </tt:head>
  <tt:body dur="00:00:10">
    <tt:div style="defaultStyle">
      <tt:p xml:id="sub1" region="bottom" begin="00:00:00.500" end="00:00:01.800"><tt:span style="WhiteOnBlack">Los seres humanos</tt:span></tt:p>
      <tt:p xml:id="sub2" region="bottom" style="textLeft" begin="00:00:02.500" end="00:00:03.600"><tt:span style="WhiteOnBlack">no están</tt:span><tt:br/><tt:span style="WhiteOnBlack">a la venta</tt:span></tt:p>
    </tt:div>
  </tt:body>
</tt:tt>
"""


def test_ebu_tt_d_with_prefixed_elements_and_text_align_on_the_paragraph(tmp_path):
    result = read_subtitles(write(tmp_path, "nah.xml", EBU_TT_D), duration=10.0)
    assert result.errors == ()
    first, second = result.cues
    assert first.text == "{\\an2}Los seres humanos" and first.line == 18
    assert second.text == "{\\an1}no están\na la venta"
    assert second.margins == Margins(pytest.approx(0.1), 0.0, pytest.approx(0.1))


@pytest.mark.parametrize("root, styling", [
    ("http://www.w3.org/ns/ttml", "http://www.w3.org/ns/ttml#styling"),
    ("http://www.w3.org/2006/10/ttaf1", "http://www.w3.org/2006/10/ttaf1#styling"),
    ("http://www.w3.org/2006/10/ttaf1", "http://www.w3.org/2006/10/ttaf1#style"),  # DFXP 2006
    ("http://www.w3.org/2006/10/ttaf1", "http://www.w3.org/ns/ttml#styling"),
    ("http://www.w3.org/2006/04/ttaf1", "http://www.w3.org/2006/04/ttaf1#styling"),
])
def test_old_dfxp_styling_namespaces_are_read_as_ttml_s(tmp_path, root, styling):
    # A DFXP in the 2006 namespaces had its tts:fontFamily="Arial" dropped without a word, and
    # its italics and regions read as nothing.
    result = read_subtitles(write(tmp_path, "nah.dfxp", f"""\
        <?xml version="1.0" encoding="utf-8"?>
        <tt xmlns="{root}" xmlns:tts="{styling}" xml:lang="nah">
          <head>
            <styling><style xml:id="s1" tts:fontFamily="Arial" tts:fontStyle="italic"/></styling>
            <layout><region xml:id="top" tts:origin="10% 10%" tts:extent="80% 80%"
                            tts:displayAlign="before"/></layout>
          </head>
          <body><div>
            <p begin="00:00:01.000" end="00:00:03.000" style="s1" region="top">Ni tlakatl</p>
          </div></body>
        </tt>
        """))
    (style,) = [d for d in result.warnings if d.code == "style"]
    assert style.line == 4 and "colours and fonts of this TTML file are not used" in style.message
    assert result.cues[0].text == "{\\an8}<i>Ni tlakatl</i>"


@pytest.mark.parametrize("root, parameter", [
    ("http://www.w3.org/2006/10/ttaf1", "http://www.w3.org/2006/10/ttaf1#parameter"),
    ("http://www.w3.org/2006/10/ttaf1", "http://www.w3.org/ns/ttml#parameter"),
    ("http://www.w3.org/2006/04/ttaf1", "http://www.w3.org/ns/ttml#parameter"),
    ("http://www.w3.org/ns/ttml", "http://www.w3.org/2006/10/ttaf1#parameter"),
])
def test_old_dfxp_parameter_namespaces_are_read_as_ttml_s(tmp_path, root, parameter):
    # A DFXP root with TTML1's ttp:frameRate (or the reverse) was refused: "begin='00:00:01:15'
    # counts frames, but the file gives no ttp:frameRate"; and its ttp:tickRate unread, 400t
    # was 400 s (one tick a second).
    result = read_subtitles(write(tmp_path, "nah.dfxp", f"""\
        <?xml version="1.0" encoding="utf-8"?>
        <tt xmlns="{root}" xmlns:ttp="{parameter}" ttp:frameRate="30" ttp:tickRate="100"
            xml:lang="nah">
          <body><div>
            <p begin="00:00:01:15" end="00:00:03:06">Ni tlakatl</p>
            <p begin="400t" end="550t">Ni siuatl</p>
          </div></body>
        </tt>
        """))
    assert result.errors == ()
    assert cues_of(result) == [(1500, 3200, "Ni tlakatl"), (4000, 5500, "Ni siuatl")]
    assert result.notation == TimeNotation("frames", Fraction(30))


def test_amara_s_regions_in_pixels_go_to_the_default_place_with_a_warning_each(tmp_path):
    # No tts:extent on <tt>: a pixel is no fraction of the frame. Every paragraph was refused,
    # four errors a paragraph ("the length '560px' is in pixels, but <tt> gives no ...").
    text = AMARA_DFXP.replace("</div>", '    <p begin="4s" end="5s">fin</p>\n        </div>')
    result = read_subtitles(write(tmp_path, "nah.dfxp", text), duration=6.0)
    assert result.errors == ()
    assert cues_of(result) == TWO_CUES + [(4000, 5000, "fin")]
    assert [cue.margins for cue in result.cues] == [None, None, None]
    placed = [d for d in result.warnings if d.code == "unrendered-settings"]
    assert [(d.line, d.message) for d in placed] == [
        (13, "region 'amara-subtitle-area' is placed in pixels but the document gives no "
             "tts:extent: shown at the default place"),
        (14, "region 'r1' is placed in pixels but the document gives no tts:extent: shown at "
             "the default place")]
    assert placed[0].hint.startswith("give the region's tts:origin and tts:extent in percentages, "
                                     "or set tts:extent on <tt> to the size its pixels are")
    # A tts:extent on <tt> that is not in pixels says nothing of them either.
    auto = read_subtitles(write(tmp_path, "tzo.dfxp", text.replace(
        'xml:lang="es">', 'xml:lang="es" tts:extent="auto">')))
    assert auto.errors == () and [d.message for d in auto.warnings][:1] == [
        "region 'amara-subtitle-area' is placed in pixels but the document's tts:extent (auto) "
        "is not in pixels: shown at the default place"]


def test_regions_in_pixels_are_placed_by_the_root_s_extent_in_pixels(tmp_path):
    text = AMARA_DFXP.replace('xml:lang="es">', 'xml:lang="es" tts:extent="640px 360px">')
    result = read_subtitles(write(tmp_path, "nah.dfxp", text))
    assert result.errors == ()
    assert [d for d in result.warnings if d.code == "unrendered-settings"] == []
    # Both regions put their text in the frame's top sixth: 62 and 40 pixels of 360 down.
    assert [alignment(cue) for cue in result.cues] == [8, 8]


def test_ttml_errors_carry_the_elements_line(tmp_path):
    text = DFXP.replace('begin="2s" dur="900ms"', 'begin="2s" dur="nueve"') \
        .replace('<p begin="00:00:00:12"', '<p region="arriba" begin="00:00:00:12"') \
        .replace('<span style="it">', '<span style="cursiva">')
    result = read_subtitles(write(tmp_path, "nah.ttml", text))
    assert problems(result) == [(16, "region"), (17, "style"), (18, "timing")]
    assert "region 'arriba' is not defined" in result.errors[0].message
    assert "malformed TTML time dur='nueve'" in result.errors[2].message


def test_a_style_or_region_named_with_id_is_read_with_a_warning(tmp_path):
    """A trial's old DFXP file, `<style id="s1">`: its italic cue was refused with "style 's1'
    is not defined (hint: define it in <head><styling>)", though it is, by id= for xml:id."""
    result = read_subtitles(write(tmp_path, "ote.dfxp", textwrap.dedent("""\
        <?xml version="1.0" encoding="utf-8"?>
        <tt xmlns="http://www.w3.org/2006/10/ttaf1" xmlns:tts="http://www.w3.org/2006/10/ttaf1#style" xml:lang="es">
        <head><styling><style id="s1" tts:fontStyle="italic"/></styling>
        <layout><region id="arriba" tts:origin="10% 5%" tts:extent="80% 20%" tts:displayAlign="before"/></layout></head>
        <body><div>
        <p begin="00:00:01.00" end="00:00:03.00">Jñatrjo<br/>ñaa</p>
        <p begin="00:00:04.00" end="00:00:06.00" style="s1" region="arriba">Cursiva</p>
        </div></body></tt>
        """)))
    assert result.errors == ()
    assert [(cue.text, alignment(cue)) for cue in result.cues] == [
        ("Jñatrjo\nñaa", None), ("{\\an8}<i>Cursiva</i>", 8)]
    # (Besides paragraph 1's, in no region of the file's.)
    assert [(d.line, d.code, d.message, d.hint) for d in result.warnings if d.code == "structure"] == [
        (3, "structure", "style 's1' is named with id=, which TTML does not read (it reads xml:id); "
                     'read as xml:id="s1"', 'write xml:id="s1": other TTML players do not find '
                                            "it by id="),
        (4, "structure", "region 'arriba' is named with id=, which TTML does not read (it reads "
                     'xml:id); read as xml:id="arriba"', 'write xml:id="arriba": other TTML '
                                                        "players do not find it by id=")]


def test_xml_that_is_not_ttml_or_not_well_formed(tmp_path):
    other = read_subtitles(write(tmp_path, "nah.xml", "<?xml version='1.0'?>\n\n<html/>\n"))
    assert problems(other) == [(3, "syntax")]
    assert "this is an XML file, but not TTML: its root element is <html>" in other.errors[0].message
    broken = read_subtitles(write(tmp_path, "tzo.ttml", TTML.replace("</p>\n      <p", "\n      <p", 1)))
    (problem,) = broken.errors
    assert problem.code == "syntax" and problem.line == 7 and "not well-formed" in problem.message


def test_ttml_entities_are_not_expanded(tmp_path):
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE tt [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n' + TTML.split("\n", 1)[1]
            .replace("Los seres humanos", "&b;"))
    result = read_subtitles(write(tmp_path, "nah.ttml", bomb))
    problem, empty = result.errors
    assert problem.line == 6 and "entity &b; is not expanded" in problem.message
    assert empty.code == "empty" and result.cues[0].text == ""


@pytest.mark.parametrize("setting, hint", [
    ("position:150%", "position: takes a percentage from 0% to 100% of the width"),
    ("align:begin", "align: takes start, center, end, left or right"),
    ("line:abc", "line: takes a line number"),
    ("colour:red", "cue settings are line:, position:, size:, align: and region:"),
])
def test_a_wrong_webvtt_cue_setting_is_told_what_it_takes(tmp_path, setting, hint):
    """Left out with a warning, the cue kept, as W3C WebVTT's parser and browsers do. Before,
    an error dropped the cue and blocked the language (a trial's `positon:10%`)."""
    result = read_subtitles(write(tmp_path, "tar.vtt", f"""\
        WEBVTT

        00:00:00.500 --> 00:00:01.800 line:0 {setting}
        Rejói
        """))
    assert not result.errors
    (problem,) = [d for d in result.warnings if d.code == "bad-setting"]
    assert problem.line == 3 and problem.hint.startswith(hint)
    assert problem.message == (f"cue 1: the cue setting '{setting}' is misspelt or out of range; "
                               "it is left out, as browsers leave it out")
    (cue,) = result.cues
    assert cue.text.startswith("{\\an8}")      # line:0 is kept: the top row


def test_a_ttml_paragraph_keeps_its_number_after_a_rejected_one(tmp_path):
    result = read_subtitles(write(tmp_path, "nah.ttml", """\
        <tt xmlns="http://www.w3.org/ns/ttml"><head><layout><region xml:id="r"/></layout></head>
        <body><div>
        <p begin="1s" end="2s" region="r">uno</p>
        <p begin="3s" end="8x" region="r">dos</p>
        <p begin="5s" end="6s">tres</p>
        </div></body></tt>
        """))
    (unplaced,) = [d for d in result.warnings if d.code == "region"]
    assert unplaced.message.startswith("paragraph 3 is in no region"), unplaced.message
