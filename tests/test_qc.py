"""Subtitle QC: every rule is tripped once and passed once, with the exact line it reports."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from pipeline.manifest import QcSettings, Style
from pipeline.publish.wording import localised
from pipeline.subtitles.fonts import resolve_font
from pipeline.subtitles.normalise import graphemes
from pipeline.subtitles.file_check import check_file
from pipeline.subtitles.qc import check_cues, reading_speed
from pipeline.subtitles.formats import read_subtitles

QC = QcSettings()
A_MACRON_BELOW = "a\u0331"   # a̱: one character to a reader, two code points


def srt(tmp_path: Path, text: str, name: str = "nah.srt") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def qc(tmp_path: Path, text: str, *, fps: float | None = 25, style=None, font=None,
       width: int = 1920, settings: QcSettings = QC):
    path = srt(tmp_path, text)
    subtitles = read_subtitles(path)
    assert not subtitles.errors, subtitles.errors
    return check_cues(subtitles.cues, path, qc=settings, fps=fps, style=style, font=font,
                      frame_width=width)


def codes(diagnostics) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in diagnostics]


def only(diagnostics, code):
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, diagnostics
    assert found[0].severity == "warning" and found[0].hint
    return found[0]


def test_graphemes_count_a_vowel_with_a_combining_mark_once():
    assert len(A_MACRON_BELOW) == 2
    assert graphemes(A_MACRON_BELOW) == 1
    assert graphemes("ñu̱u̱ savi") == 8
    assert graphemes("a\u0331\u0301") == 1           # two marks on one vowel


# --- reading speed ---------------------------------------------------------------------------

def test_reading_speed_over_17_cps_warns_on_the_cue_line(tmp_path):
    found = qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:03,000
        Ni tlakatl

        2
        00:00:04,000 --> 00:00:06,000
        Los seres humanos
        no están a la venta, nunca
        """)
    warning = only(found, "reading-speed")
    assert warning.line == 5
    assert "43 characters in 2.00 s is 21.5 characters per second (at most 17)" in warning.message
    assert "at least 2.53 s" in warning.hint


def test_one_character_is_said_in_the_singular(tmp_path):
    # '1 characters in 0.04 s'
    found = qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:01,040
        ¡
        """)
    warning = only(found, "reading-speed")
    assert "reads too fast: 1 character in 0.040 s is 25.0 characters per second" in \
        warning.message
    assert "rápido: 1 carácter en 0.040 s son 25.0 caracteres por segundo" in \
        localised(warning.detail.to_json(), "es")


def test_a_cue_s_length_is_said_alike_in_its_reading_speed_and_too_short_warnings(tmp_path):
    # '1 character in 0.03 s' beside 'on screen for only 0.025 s'.
    found = qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:01,025
        ¡
        """)
    assert "1 character in 0.025 s is 40.0 characters per second" in \
        only(found, "reading-speed").message
    assert "on screen for only 0.025 s" in only(found, "too-short").message
    found = qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:01,040
        ¡
        """)
    assert "1 character in 0.040 s" in only(found, "reading-speed").message
    assert "on screen for only 0.040 s" in only(found, "too-short").message


def test_the_reading_speed_hint_agrees_with_the_cue_s_duration_warnings(tmp_path):
    # 'show it for at least 0.06 s' beside 'is on screen for only 0.040 s (...; at least
    # 0.833 s)' on the same cue.
    found = qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:01,040
        ¡
        """)
    assert "at least 0.833 s" in only(found, "too-short").message
    assert only(found, "reading-speed").hint == \
        "shorten the text, or show it for at least 0.833 s"
    long_text = "Los seres humanos no están a la venta " * 4
    found = qc(tmp_path, f"""\
        1
        00:00:01,000 --> 00:00:07,000
        {long_text}
        """)
    assert only(found, "reading-speed").hint == (
        "shorten the text, or split it into 2 cues or more: it needs 8.88 s, and a cue stays on "
        "screen 7 s at most")
    # A pasted paragraph is told how many cues its reading time needs, not "two": 2,399
    # characters at 17 a second are 141.12 s, 21 cues of 7 s at most.
    paragraph = " ".join(["tlacatl"] * 300)
    found = qc(tmp_path, f"""\
        1
        00:00:01,000 --> 00:00:07,000
        {paragraph}
        """)
    assert only(found, "reading-speed").hint.startswith(
        "shorten the text, or split it into 21 cues or more: it needs 141.12 s")


def test_reading_speed_counts_spaces_but_not_line_breaks(tmp_path):
    # 36 characters in 2.118 s: 16.997 per second, allowed; with the line break counted as
    # a character it would be 37, 17.5 per second.
    text = """\
        1
        00:00:01,000 --> 00:00:03,118
        Los seres humanos
        no están a la venta
        """
    assert qc(tmp_path, text) == []
    cue = read_subtitles(srt(tmp_path, text)).cues[0]
    assert reading_speed(cue) == 36 / 2.118


def test_reading_speed_counts_graphemes_not_code_points(tmp_path):
    # 17 vowels with a combining macron below (34 code points) in 1 s: 17 per second, allowed.
    seventeen = A_MACRON_BELOW * 17
    assert qc(tmp_path, f"""\
        1
        00:00:01,000 --> 00:00:02,000
        {seventeen}
        """) == []
    found = qc(tmp_path, f"""\
        1
        00:00:01,000 --> 00:00:02,000
        {seventeen}{A_MACRON_BELOW}
        """)
    assert "18 characters in 1.00 s" in only(found, "reading-speed").message


def test_tone_numbers_count_in_a_line_s_length_not_in_its_reading_speed(tmp_path):
    # Chinantec writes a syllable's tone as superscript numbers ("ja¹³"): read with it, as a
    # combining tone accent is: 22 characters, 7 of them tone numbers, in 1 s read at 15 a
    # second (17 at most), not 22.
    cue = "Ja¹³ hmɨ³ la³ ñi²³ ja¹"
    assert graphemes(cue) == 22
    assert qc(tmp_path, f"""\
        1
        00:00:01,000 --> 00:00:02,000
        {cue}
        """) == []
    found = qc(tmp_path, f"""\
        1
        00:00:01,000 --> 00:00:02,000
        {cue} ¹²
        """)
    # A number that follows no letter is no tone: counted, as is "10²".
    said = only(found, "reading-speed").message
    assert said.startswith("cue 1 reads too fast: 18 characters (and 7 tone numbers, not "
                           "counted) in 1.00 s is 18.0 characters per second"), said
    spanish = localised(only(found, "reading-speed").said_message.to_json(), "es")
    assert "18 caracteres (y 7 números de tono, que no se cuentan)" in spanish, spanish
    long = "Ja¹³ hmɨ³ la³ ñi²³ ja¹ kia³ hna³ ñi²³ ja¹³ tsa³"
    assert graphemes(long) > 42 >= graphemes(long) - 14
    found = qc(tmp_path, f"""\
        1
        00:00:01,000 --> 00:00:06,000
        {long}
        """)
    # Said with its tone numbers, which its reading speed leaves out: a trial read "343
    # characters" and "407 characters" of one line.
    assert only(found, "line-length").message == \
        "cue 1, text line 1, has 47 characters, 14 of them tone numbers (at most 42)"


def test_reading_speed_threshold_is_configurable(tmp_path):
    text = """\
        1
        00:00:01,000 --> 00:00:03,000
        Los seres humanos no están a la venta
        """
    assert codes(qc(tmp_path, text)) == [("reading-speed", 1)]
    assert qc(tmp_path, text, settings=QcSettings(max_cps=20)) == []


# --- lines -----------------------------------------------------------------------------------

def test_a_line_over_42_characters_warns(tmp_path):
    found = qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000
        Ni tlakatl

        2
        00:00:03,000 --> 00:00:07,000
        Los seres humanos no están a la venta, nunca.
        ok
        """)
    warning = only(found, "line-length")
    assert warning.line == 5
    assert "text line 1, has 45 characters (at most 42)" in warning.message


def test_42_characters_with_combining_marks_are_42(tmp_path):
    line = " ".join([A_MACRON_BELOW * 6] * 6)            # 41 characters, 77 code points
    assert graphemes(line) == 41 and len(line) == 77
    assert qc(tmp_path, f"""\
        1
        00:00:01,000 --> 00:00:04,000
        {line}b
        """) == []


def test_invisible_characters_are_not_counted(tmp_path):
    # A trial's cue of 42 letters with a zero-width space, a soft hyphen or a direction mark
    # pasted from Word: "has 43 characters (at most 42)", and the translator found no 43rd.
    assert graphemes("ña\u200b k\u00adǔu\u200e") == 6
    assert graphemes("\u200b") == 0 and graphemes("👩\u200d🌾") == 1   # a joiner in a cluster
    for invisible in ("\u200b", "\u00ad", "\u200e", "\u2060"):
        line = "a" * 21 + invisible + "b" * 21
        assert qc(tmp_path, f"""\
            1
            00:00:01,000 --> 00:00:04,000
            {line}
            """) == [], invisible
    # Nor read: 16 letters shown for a second are 16 a second (under 17), not 19 (over).
    assert qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000
        Ñayiu\u00ad ña\u200b kǔu\u200b xík
        """) == []


def test_more_than_two_lines_warns(tmp_path):
    text = """\
        1
        00:00:01,000 --> 00:00:04,000
        uno
        dos

        2
        00:00:05,000 --> 00:00:08,000
        uno
        dos
        tres
        """
    assert codes(qc(tmp_path, text)) == [("line-count", 6)]
    assert "3 lines of text (at most 2)" in only(qc(tmp_path, text), "line-count").message


def test_tabs_in_cues_are_one_warning_a_file_at_the_first(tmp_path):
    # A TAB (text copied out of a spreadsheet) was drawn as one space with nothing said.
    text = """\
        1
        00:00:01,000 --> 00:00:03,000
        Ni tlakatl

        2
        00:00:04,000 --> 00:00:06,000
        Amo\ttitlanamakalo

        3
        00:00:07,000 --> 00:00:09,000
        Tlakatl\tamo
        """

    def read(text, name="nah.srt"):
        return read_subtitles(srt(tmp_path, text, name)).diagnostics

    warning = only(read(text), "tab")
    assert warning.line == 5
    assert warning.message == ("2 cues have a TAB character in their text (the first: cue 2): "
                               "it is shown as one space, not as the column an editor lines up")
    assert "2 subtítulos tienen un tabulador" in localised(warning.detail.to_json(), "es")
    one = only(read(text.replace("Tlakatl\tamo", "Tlakatl amo")), "tab")
    assert one.message.startswith("1 cue has a TAB character in its text (cue 2): it is shown")
    assert "tab" not in {d.code for d in read(text.replace("\t", " "))}
    vtt = only(read("WEBVTT\n\n00:01.000 --> 00:03.000\nNi\ttlakatl\n", "nah.vtt"), "tab")
    assert vtt.line == 3


def test_invisible_characters_in_words_are_one_warning_naming_each_kind(tmp_path):
    # A translator's text pasted from a web page had a zero width space inside a word, a soft
    # hyphen and a byte order mark mid-line, and nothing was said: a player may break a line
    # there or draw a box. An emoji's joiner is its sequence's, and a cue of them alone has its
    # error.
    text = """\
        1
        00:00:01,000 --> 00:00:03,000
        Ni tlaka\u200btl 👩\u200d👧

        2
        00:00:04,000 --> 00:00:06,000
        Amo\u00adtitlanamakalo\ufeff ni\u200btlakatl

        3
        00:00:07,000 --> 00:00:09,000
        \u200b
        """
    def read(text):
        return read_subtitles(srt(tmp_path, text)).diagnostics

    warning = only(read(text), "invisible-characters")
    assert (warning.line, warning.severity) == (1, "warning")
    assert warning.message == (
        "4 invisible characters in the text, U+00AD (soft hyphen), U+200B (zero width space), "
        "U+FEFF (zero width no-break space) (the first: cue 1, 'tlaka<U+200B>tl'): a player may "
        "break the line there or draw them as boxes, and a search misses their words")
    assert "4 caracteres invisibles en el texto" in localised(warning.detail.to_json(), "es")
    cleaner = text.replace("tlaka\u200b", "tlaka").replace("\u00ad", "").replace(" ni\u200b",
                                                                                  " ni")
    assert only(read(cleaner), "invisible-characters").message.startswith(
        "1 invisible character in the text, U+FEFF (zero width no-break space) (cue 2: "
        "'Amotitlanamakalo<U+FEFF>'): a player may break the line there or draw it as a box")
    clean = read(cleaner.replace("\ufeff", ""))
    assert "invisible-characters" not in {d.code for d in clean}
    assert [(d.code, d.line) for d in clean if d.severity == "error"] == [("empty", 9)]


# --- durations and gaps --------------------------------------------------------------------------

def test_too_short_and_too_long_cues_warn(tmp_path):
    found = qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:01,833
        breve

        2
        00:00:02,000 --> 00:00:02,800
        breve

        3
        00:00:03,000 --> 00:00:10,000
        siete segundos

        4
        00:00:11,000 --> 00:00:18,001
        más de siete
        """)
    assert codes(found) == [("too-short", 5), ("too-long", 13)]
    assert "only 0.800 s" in only(found, "too-short").message
    assert "7.001 s" in only(found, "too-long").message


def test_a_gap_under_two_frames_warns_on_the_later_cue(tmp_path):
    text = """\
        1
        00:00:01,000 --> 00:00:02,000
        uno

        2
        00:00:02,080 --> 00:00:03,000
        dos

        3
        00:00:03,040 --> 00:00:04,000
        tres
        """
    found = qc(tmp_path, text, fps=25)
    warning = only(found, "gap")
    assert warning.line == 9
    assert "40 ms (1 frame) after cue 2" in warning.message and "80 ms at 25 fps" in warning.message
    assert "00:00:02,960" in warning.hint
    # At 50 fps, 40 ms are two frames: enough.
    assert qc(tmp_path, text, fps=50) == []


def test_gaps_are_counted_between_cues_of_one_row_of_the_screen(tmp_path):
    # The sign at the top changes 1 frame after a line of dialogue ends, and the dialogue 1
    # frame after the sign ends: neither is a change of the same subtitle. The dialogue's
    # own gap (cue 1 to cue 3) is 1 frame too short.
    found = qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000
        uno

        2
        00:00:02,040 --> 00:00:03,960
        {\\an8}LETRERO

        3
        00:00:02,040 --> 00:00:03,000
        dos

        4
        00:00:04,000 --> 00:00:05,000
        tres
        """, fps=25)
    assert codes(found) == [("gap", 9)], found
    assert "after cue 1 ends" in found[0].message


def test_contiguous_cues_warn_and_unknown_fps_says_25_is_assumed(tmp_path):
    found = qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000
        uno

        2
        00:00:02,000 --> 00:00:03,000
        dos
        """, fps=None)
    warning = only(found, "gap")
    assert warning.line == 5 and "25 fps assumed" in warning.message


# --- fit inside the title-safe area ---------------------------------------------------------------

@pytest.fixture(scope="module")
def noto():
    return resolve_font("Noto Sans")


def test_text_wider_than_title_safe_after_wrapping_warns(tmp_path, noto):
    # On a 960-pixel-wide frame at the default size, one line of this wraps to two.
    text = """\
        1
        00:00:01,000 --> 00:00:06,000
        Los seres humanos no están a la venta

        2
        00:00:07,000 --> 00:00:13,000
        Los seres humanos no están a la venta
        Los seres humanos no están a la venta
        """
    found = qc(tmp_path, text, style=Style(), font=noto, width=960)
    warning = only(found, "fit")
    assert warning.line == 5
    assert "will be drawn on 4 lines (at most 2)" in warning.message
    assert "960x1080" in warning.message and "Noto Sans" in warning.message
    assert qc(tmp_path, text, style=Style(), font=noto, width=1920) == []


def test_text_taller_than_the_frame_is_an_error(tmp_path, noto):
    # A pasted paragraph (300 words): wrapped to the width, it takes more lines than the
    # title-safe height holds (1080 x 0.9 / (0.05 x 1080 x 1.362) = 13 at the default size),
    # and was burned with its first lines above the frame's top edge, after a warning only.
    paragraph = " ".join(["Ñuu savi kuu ndaꞌa ñayiu tu kuu xiko"] * 38)
    found = qc(tmp_path, f"1\n00:00:01,000 --> 00:00:14,000\n{paragraph}\n", style=Style(),
               font=noto, settings=QcSettings(max_line_chars=10_000, max_cps=10_000,
                                              max_duration=100))
    (problem,) = [d for d in found if d.code == "fit"]
    assert problem.severity == "error" and problem.line == 1
    assert "cue 1 cannot fit the frame: its text takes" in problem.message
    assert "13 fit the title-safe height" in problem.message
    # Written as short lines that each fit the width, too many of them is the same error.
    column = "\n".join(["ñuu"] * 14)
    (short,) = [d for d in qc(tmp_path, f"1\n00:00:01,000 --> 00:00:14,000\n{column}\n",
                              style=Style(), font=noto, settings=QcSettings(max_lines=20))
                if d.code == "fit"]
    assert short.severity == "error" and "takes 14 lines" in short.message


def test_a_pasted_paragraph_that_fits_the_height_is_still_an_error_when_burned(tmp_path, noto):
    # A translator's trial: 800 characters pasted into one cue were burned on 12 lines over
    # the picture (they fit the 1080-line frame's title-safe height), after warnings only.
    paragraph = " ".join(["Ñuu savi kuu ndaꞌa ñayiu tu kuu xiko"] * 22)
    settings = QcSettings(max_line_chars=10_000, max_cps=10_000, max_duration=100)
    found = qc(tmp_path, f"1\n00:00:01,000 --> 00:00:14,000\n{paragraph}\n", style=Style(),
               font=noto, settings=settings)
    (problem,) = [d for d in found if d.code == "fit"]
    assert problem.severity == "error" and problem.line == 1
    assert re.fullmatch(r"cue 1 would be burned on more than twice the 2 lines a cue may take "
                        r"\(qc: max_lines\), over the picture \(a pasted paragraph\?\): \d+ "
                        r'lines at 0.05 of the height in "Noto Sans" on a 1920x1080 frame',
                        problem.message), problem.message
    lines = int(problem.message.split("paragraph?): ")[1].split()[0])
    assert 4 < lines <= 13          # under the height's limit: the new rule, not the old one
    # Up to twice the limit it stays a warning (a verse of a song, a sign).
    verse = "\n".join(["ñuu savi"] * 4)
    (fit,) = [d for d in qc(tmp_path, f"1\n00:00:01,000 --> 00:00:14,000\n{verse}\n",
                            style=Style(), font=noto) if d.code == "line-count"]
    assert fit.severity == "warning"
    assert not [d for d in qc(tmp_path, f"1\n00:00:01,000 --> 00:00:14,000\n{verse}\n",
                              style=Style(), font=noto) if d.severity == "error"]


def test_a_word_wider_than_title_safe_warns(tmp_path, noto):
    long_word = "Tlamachtiltlakatl" * 5
    found = qc(tmp_path, f"""\
        1
        00:00:01,000 --> 00:00:06,000
        amo

        2
        00:00:07,000 --> 00:00:13,000
        {long_word} ok
        """, style=Style(), font=noto, settings=QcSettings(max_line_chars=100, max_cps=100))
    warning = only(found, "fit")
    assert warning.line == 5 and repr(long_word) in warning.message and "smaller" in warning.message


def test_fit_is_measured_with_real_advances_not_character_counts(tmp_path, noto):
    # The same number of characters: narrow letters fit, wide letters do not.
    narrow = " ".join(["iiiiiii"] * 8)
    wide = " ".join(["WWWWWWW"] * 8)
    settings = QcSettings(max_line_chars=100, max_cps=100)

    def fit(line):
        return [d for d in qc(tmp_path, f"""\
            1
            00:00:01,000 --> 00:00:06,000
            {line}
            """, style=Style(), font=noto, width=960, settings=settings) if d.code == "fit"]

    assert fit(narrow) == []
    assert len(fit(wide)) == 1


# --- apostrophes -------------------------------------------------------------------------------

def test_a_closing_single_quote_is_no_apostrophe(tmp_path):
    # Word's ‘…’ around a quotation: its ’ was counted against the language's saltillo, and the
    # hint would have made it ‘Hmɨɨ¹ jáa²ꞌ. An apostrophe inside a quoted word still counts.
    assert not [d for d in qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:03,000
        El letrero dice ‘Hmɨɨ¹ jáa²’
        ꞌmo² dsa³
        """) if d.code == "apostrophes"]
    found = only(qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:03,000
        ‘Tu’un savi’, ꞌmo
        """), "apostrophes")
    assert "U+2019 ’ (right single quotation mark) 1 time" in found.message, found.message


def test_mixed_look_alike_apostrophes_warn_once_naming_both(tmp_path):
    found = qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000
        Batsʼil kʼop

        2
        00:00:03,000 --> 00:00:04,000
        chʼ kʼ pʼ

        3
        00:00:05,000 --> 00:00:06,000
        ts'ijil
        """)
    warning = only(found, "apostrophes")
    assert warning.line == 9
    assert "U+02BC ʼ (modifier letter apostrophe) 5 times, in the cues at lines 1, 5" \
        in warning.message
    assert "U+0027 ' (apostrophe) 1 time, in the cue at line 9" in warning.message
    assert "U+02BC" in warning.hint
    # The Spanish page names the characters in Spanish, the code points as Unicode has them.
    spanish = localised(warning.detail.to_json(), "es")
    assert "U+02BC ʼ (letra modificadora apóstrofo) 5 veces" in spanish
    assert "U+0027 ' (apóstrofo) 1 vez" in spanish and "apostrophe" not in spanish


def test_the_apostrophe_typed_most_is_the_one_recommended_and_a_tie_names_none(tmp_path):
    # Four saltillos in one cue, two modifier apostrophes in two: counting cues recommended
    # U+02BC, and a Mixtec translator following the hint would have replaced every saltillo.
    found = qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000
        Tuꞌun savi ñuꞌu kaꞌan ndaꞌa

        2
        00:00:03,000 --> 00:00:04,000
        kʼop

        3
        00:00:05,000 --> 00:00:06,000
        chʼ
        """)
    warning = only(found, "apostrophes")
    assert warning.message.startswith("look-alike apostrophes are mixed: U+A78C ꞌ (Latin small "
                                      "letter saltillo) 4 times, in the cue at line 1; U+02BC")
    assert "most of this file uses U+A78C ꞌ" in warning.hint
    tie = only(qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000
        ts'ijil batsʼi
        """), "apostrophes")
    assert "most of this file" not in tie.hint and "Tsotsil" in tie.hint


def test_a_language_whose_letter_is_known_is_told_that_letter_not_the_most_typed(tmp_path):
    # A trial's Tsotsil file, ꞌ 8 times and ʼ 6, was told "most of this file uses U+A78C ꞌ:
    # replace the others with it", which Tsotsil's spelling (Batsʼi kʼop) is not written with.
    text = textwrap.dedent("""\
        1
        00:00:01,000 --> 00:00:02,000
        Batsʼi kʼop, chʼul

        2
        00:00:03,000 --> 00:00:04,000
        maꞌuk, xaꞌox, ꞌa, ꞌi, taꞌ
        """)
    path = srt(tmp_path, text, "tzo.srt")
    cues = read_subtitles(path).cues

    def told(language):
        return only(check_cues(cues, path, qc=QC, fps=25, style=None, font=None,
                               language=language), "apostrophes")

    tsotsil = told("tzo")
    assert tsotsil.hint == "Tsotsil ('tzo') is written with U+02BC ʼ (modifier letter " \
                           "apostrophe): replace the others with it"
    assert tsotsil.line == 5        # at the first of the others, however many
    assert tsotsil.message.startswith("look-alike apostrophes are mixed: U+02BC ʼ (modifier "
                                      "letter apostrophe) 3 times, in the cue at line 1; U+A78C")
    assert "most of this file uses U+A78C ꞌ" in told(None).hint
    assert "most of this file" in told("nah").hint     # no letter known for it
    mixtec = told("mix")
    assert mixtec.hint.startswith("Mixtec ('mix') is written with U+A78C ꞌ (Latin small letter "
                                  "saltillo)")
    assert mixtec.line == 1


def test_one_apostrophe_form_is_fine(tmp_path):
    assert qc(tmp_path, """\
        1
        00:00:01,000 --> 00:00:02,000
        Tuꞌun savi

        2
        00:00:03,000 --> 00:00:04,000
        ñuꞌu
        """) == []


# --- check_file --------------------------------------------------------------------------------

def test_check_file_gathers_reader_errors_glyphs_and_warnings(tmp_path):
    path = srt(tmp_path, """\
        1
        00:00:01,000 --> 00:00:03,000
        fin \ue000

        2
        00:00:02,500 --> 00:00:04,000
        se encima

        3
        00:00:04,500 --> 00:00:04,900
        breve
        """)
    result = check_file(path, duration=4.0, fps=25)
    assert [(d.severity, d.code, d.line) for d in result.diagnostics] == [
        ("error", "glyph", 1), ("error", "overlap", 5), ("error", "past-end", 9),
        ("warning", "too-short", 9)]
    assert result.cues == 3 and not result.ok
    assert str(result.summary("nah.srt")) == "nah.srt: 3 cues, 3 errors, 1 warning"
    data = result.to_json()
    assert data["errors"] == 3 and data["diagnostics"][0]["code"] == "glyph"


def test_check_file_on_a_missing_file_is_an_error_not_an_exception(tmp_path):
    result = check_file(tmp_path / "nope.srt")
    assert [d.message for d in result.errors] == ["subtitle file not found"]


def test_check_file_of_a_track_skips_glyphs_and_fit(tmp_path):
    path = srt(tmp_path, """\
        1
        00:00:01,000 --> 00:00:03,000
        fin \ue000
        """)
    assert check_file(path, burned=False).diagnostics == ()


def test_fit_is_measured_as_the_whole_file_is_burned_bold_anywhere_means_bold_everywhere():
    """write_ass measures every cue with the bold face once any cue uses <b>; so must the check."""
    from pipeline.subtitles.linebreak import Layout, layout_cue
    from pipeline.subtitles.model import Cue

    font, style = resolve_font("Noto Sans"), Style(size=0.08)
    regular = Layout.for_cues(style, font, 640, 360, [])
    bold = Layout.for_cues(style, font, 640, 360, [Cue(1, 0, 1000, "<b>x</b>", 1)])
    # The shortest text that fits on two lines in the regular face but needs three in bold.
    candidates = (" ".join(["mmm"] * n + ["i" * j]) for n in range(8, 16) for j in range(1, 8))
    words = next(text for text in candidates if len(layout_cue(text, regular)[0]) == 2
                 and len(layout_cue(text, bold)[0]) == 3)
    long_cue = Cue(2, 2000, 6000, words, 5)
    settings = dict(qc=QcSettings(max_cps=1000, max_line_chars=1000), fps=25, style=style,
                    font=font, frame_width=640, frame_height=360)
    alone = check_cues([long_cue], "x.srt", **settings)
    with_bold = check_cues([Cue(1, 0, 1000, "<b>Sí</b>", 1), long_cue], "x.srt", **settings)
    assert not [d for d in alone if d.code == "fit"]
    assert [(d.code, d.line) for d in with_bold if d.code == "fit"] == [("fit", 5)]
