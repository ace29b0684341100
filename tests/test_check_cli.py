"""`pipeline check` as translators run it, and the same QC inside `pipeline validate`."""

from __future__ import annotations

import glob
import json
import os
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.cli.translate import check
from tests.conftest import AEGISUB_ASS, AMARA_DFXP, ASS, YOUTUBE_VTT

GOOD = """\
    1
    00:00:00,500 --> 00:00:01,800
    Ni tlakatl

    2
    00:00:02,500 --> 00:00:03,600
    amo tlanamakalli
    """

# Cue 2 starts one frame after cue 1 ends; cue 3 reads at 30 characters per second.
WARNINGS = """\
    1
    00:00:00,520 --> 00:00:01,800
    Ni tlakatl

    2
    00:00:01,840 --> 00:00:02,800
    amo

    3
    00:00:03,000 --> 00:00:04,000
    Los seres humanos no están a la venta
    """

BROKEN = """\
    1
    00:00:01,000 --> 00:00:00,500
    al revés
    """


ASS_HEADER = ASS.split("Dialogue:")[0]



def no_length(path: str) -> str:
    """The note, on a file's own `PATH:` line as every diagnostic is, that the video's length is
    not known (a trial's note had no path, unlike the README's `PATH: note: MESSAGE`)."""
    return (f"{path}: note: the video's length is not known, so cues after its end are not "
            "found (hint: give --duration SECONDS, or --manifest)\n")


def invoke(*args):
    return CliRunner().invoke(check, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def files(tmp_path, monkeypatch):
    """Writes SRT files into tmp_path, which is the working folder (paths print as given)."""
    monkeypatch.chdir(tmp_path)

    def write(name: str, text: str) -> str:
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
        return name
    return write


def test_a_good_file_prints_its_summary_and_exits_0(files):
    result = invoke(files("nah.srt", GOOD))
    assert result.exit_code == 0
    assert result.stdout == "nah.srt: 2 cues, 0 errors, 0 warnings\n"
    assert result.stderr == no_length("nah.srt")
    assert invoke("nah.srt", "--duration", "4").stderr == ""


def test_warnings_have_path_line_and_hint_and_still_exit_0(files):
    result = invoke(files("nah.srt", WARNINGS))
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith("nah.srt:5: warning: cue 2 starts 40 ms (1 frame) after cue 1")
    assert "25 fps assumed" in lines[0] and "(hint: end cue 1 at 00:00:01,760" in lines[0]
    assert lines[1].startswith("nah.srt:9: warning: cue 3 reads too fast: 37 characters in "
                               "1.00 s is 37.0 characters per second (at most 17)")
    assert result.stdout == "nah.srt: 3 cues, 0 errors, 2 warnings\n"


def test_an_error_exits_1_and_every_file_is_summarised(files):
    result = invoke(files("nah.srt", GOOD), files("tzh.srt", BROKEN), "missing.srt")
    assert result.exit_code == 1
    assert "tzh.srt:1: error: cue 1 ends before it starts" in result.stderr
    assert "missing.srt: error: subtitle file not found" in result.stderr
    assert result.stdout.splitlines() == ["nah.srt: 2 cues, 0 errors, 0 warnings",
                                          "tzh.srt: 1 cue, 1 error, 0 warnings",
                                          "missing.srt: 0 cues, 1 error, 0 warnings"]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name,text", [
    ("empty.srt", "1\n00:00:00,500 --> 00:00:02,000\n\n2\n00:00:02,500 --> 00:00:04,000\nDos\n"),
    ("tags.srt", "1\n00:00:00,500 --> 00:00:02,000\n<i></i>\n\n2\n00:00:02,500 --> 00:00:04,000\nDos\n"),
    ("empty.vtt", "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\n\n00:00:02.500 --> 00:00:04.000\nDos\n"),
])
def test_a_cue_with_no_text_is_an_error_not_a_crash(files, name, text):
    # Its empty line was measured: uharfbuzz gives no glyph positions (None) for no glyphs, and
    # `check` ended in an internal error (`watch` with it) instead of saying what is wrong.
    result = invoke(files(name, text))
    assert result.exit_code == 1
    assert f"{name}:" in result.output and ": error: cue 1 has no text" in result.output, result.output
    assert "internal error" not in result.output
    assert f"{name}: 2 cues, 1 error" in result.output


def test_times_in_diagnostics_are_written_as_the_file_writes_them(files):
    # They were written as SRT writes them (00:00:02,000) whatever the file: a translator
    # searching a WebVTT or ASS file for them found nothing.
    vtt = files("t.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nuno\n\n"
                         "00:00:02.000 --> 00:00:04.000\ndos\n")
    result = invoke(vtt)
    assert "cue 2 (starts 00:00:02.000) overlaps cue 1 (line 3, 00:00:01.000 --> 00:00:03.000)" \
        in result.output, result.output
    ass = files("t.ass", ASS_HEADER + "Dialogue: 0,0:00:00.50,0:00:01.00,Default,,0,0,0,,uno\n")
    result = invoke(ass, "--fps", "25")
    assert "(0:00:00.50 --> 0:00:01.00; at least 0.833 s)" in result.output, result.output
    # A WebVTT file timed at 25 fps, on a 29.97 fps video.
    pal = files("p.vtt", "WEBVTT\n\n00:00:01.480 --> 00:00:03.720\nuno\n\n"
                         "00:00:04.000 --> 00:00:06.680\ndos\n")
    result = invoke(pal, "--fps", "29.97")
    assert "cue 1 starts at 00:00:01.480, between frames 44 (1.468 s) and 45 (1.502 s)" \
        in result.output, result.output


def test_every_format_is_checked_and_a_misnamed_file_says_what_it_is(files):
    from tests.conftest import ASS, VTT
    vtt, misnamed, ass = files("nah.vtt", VTT), files("tzo.srt", VTT), files("yua.ass", ASS)
    result = invoke(vtt, misnamed, ass, "--max-cps", "20")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["nah.vtt: 2 cues, 0 errors, 0 warnings",
                                          "tzo.srt (WebVTT): 2 cues, 0 errors, 1 warning",
                                          "yua.ass: 2 cues, 0 errors, 0 warnings"]
    assert "tzo.srt:1: warning: this is a WebVTT file, but its name ends in .srt" in result.stderr
    # Its style is the campaign's look (Noto Sans, white on a black outline): nothing is lost.
    assert "colours and fonts" not in result.stderr


def test_json_for_tools(files):
    result = invoke(files("nah.srt", WARNINGS), files("tzh.srt", BROKEN), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["errors"], data["warnings"]) == (1, 2)
    first, second = data["files"]
    # Absolute, as README says of --json (it was the path as typed): the same file from any
    # folder a tool reads the JSON in.
    assert first["path"] == str(Path.cwd() / "nah.srt"), first["path"]
    assert {d["path"] for d in first["diagnostics"]} == {first["path"]}
    assert first["language"] == "nah" and first["cues"] == 3
    assert first["format"] == "srt"
    assert [(d["severity"], d["code"], d["line"]) for d in first["diagnostics"]] == [
        ("warning", "gap", 5), ("warning", "reading-speed", 9)]
    assert first["diagnostics"][0]["hint"].startswith("end cue 1 at")
    assert second["diagnostics"][0]["code"] == "end-before-start"


def test_duration_fps_and_thresholds_are_options(files):
    name = files("nah.srt", WARNINGS)
    result = invoke(name, "--fps", "50", "--max-cps", "40", "--duration", "3.5", "--json")
    data = json.loads(result.stdout)
    assert [(d["severity"], d["code"], d["line"]) for d in data["files"][0]["diagnostics"]] == [
        ("warning", "past-end", 9)]
    assert result.exit_code == 0


def test_missing_glyphs_are_errors_with_the_font_asked_for(files):
    name = files("nah.srt", "1\n00:00:00,500 --> 00:00:01,800\nfin \ue000\n")
    result = invoke(name)
    assert result.exit_code == 1
    assert "nah.srt:1: error: cue 1 uses characters that font \"Noto Sans\"" in result.stderr
    assert "U+E000" in result.stderr


def test_a_font_that_is_not_installed_is_an_error_on_every_file_not_a_traceback(files):
    result = invoke(files("nah.srt", GOOD), files("tzo.srt", GOOD), "--font", "No Such Font Sans")
    assert result.exit_code == 1
    for name in ("nah.srt", "tzo.srt"):
        assert f'{name}: error: font "No Such Font Sans" is not installed' in result.stderr
        assert f"{name}: 2 cues, 1 error" in result.stdout


def test_usage_errors_exit_2(files):
    assert invoke(files("nah.srt", GOOD), "--lang", "not a language!").exit_code == 2
    assert invoke().exit_code == 2
    assert invoke("nah.srt", "--fps", "0").exit_code == 2


def test_manifest_gives_per_language_thresholds_and_the_masters_length(campaign):
    path = campaign.subtitle("nah", textwrap.dedent(WARNINGS) + textwrap.dedent("""\

        4
        00:00:04,200 --> 00:00:05,200
        despues del final
        """))
    manifest = campaign.write([{"code": "nah", "treatment": "burn", "qc": {"max_cps": 40}}])
    result = invoke(path, "--manifest", manifest, "--json")
    diagnostics = json.loads(result.stdout)["files"][0]["diagnostics"]
    # 25 fps from the master, not assumed; cue 3 allowed by max_cps 40; the master is 4 s long.
    assert [(d["code"], d["line"]) for d in diagnostics] == [("gap", 5), ("past-end", 13)]
    assert "assumed" not in diagnostics[0]["message"]
    assert result.exit_code == 1


def test_validate_reports_qc_warnings_at_the_masters_frame_rate(campaign):
    path = campaign.subtitle("nah", textwrap.dedent(WARNINGS))
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    result = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"{path}:5: warning: cue 2 starts 40 ms (1 frame) after cue 1 ends" in result.stderr
    assert "assumed" not in result.stderr
    assert f"{path}:9: warning: cue 3 reads too fast" in result.stderr


# --- defects found by a subtitler's fresh-user trial ------------------------------------------

def test_a_cue_of_only_a_zero_width_space_has_no_visible_text(files):
    # U+200B is a format character (Cf): the cue was accepted and burned as nothing.
    name = files("nah.srt", "1\n00:00:00,500 --> 00:00:02,000\n\u200b\n\n"
                            "2\n00:00:02,500 --> 00:00:04,000\n\u2060\ufeff \u200d\n\n"
                            "3\n00:00:04,500 --> 00:00:06,000\nTres\n")
    result = invoke(name)
    assert result.exit_code == 1
    assert ("nah.srt:1: error: cue 1 has no visible text: only U+200B (zero width space) "
            "(hint: write the subtitle text, or delete the cue)") in result.stderr, result.stderr
    assert ("nah.srt:5: error: cue 2 has no visible text: only U+200D (zero width joiner), "
            "U+2060 (word joiner), U+FEFF (zero width no-break space)") in result.stderr
    assert result.stdout == "nah.srt: 3 cues, 2 errors, 0 warnings\n"


def test_a_cue_that_starts_and_ends_at_once_has_no_duration(files):
    # It was said to end before it starts, which it does not.
    result = invoke(files("nah.srt", """\
        1
        00:00:08,000 --> 00:00:08,000
        Ni tlakatl
        """))
    assert result.exit_code == 1
    assert ("nah.srt:1: error: cue 1 has no duration: it starts and ends at 00:00:08,000 "
            "(hint: the second time is when") in result.stderr, result.stderr


def test_an_editing_tag_is_quoted_as_typed(files):
    # repr() doubled its backslash: '{\\pos(10,10)}'.
    result = invoke(files("nah.srt", """\
        1
        00:00:00,500 --> 00:00:02,000
        {\\pos(10,10)}Ni tlakatl
        """))
    assert ("nah.srt:1: warning: cue 1 contains the editing tag '{\\pos(10,10)}'; burned-in "
            "subtitles show it as typed") in result.stderr, result.stderr


ROUNDED = """\
    1
    00:00:01,000 --> 00:00:03,010
    Ni tlakatl

    2
    00:00:03,000 --> 00:00:04,520
    amo tlanamakalli
    """


def test_an_overlap_the_frame_snapping_removes_is_no_error(files):
    # Cue 1 ends at 00:00:03,010, moved to frame 75 (00:00:03,000) where cue 2 starts: an
    # overlap error blocked the language all the same. The gap says it, in frames (before: and
    # a frame-grid warning on the one time between frames, which the render rounds as meant).
    result = invoke(files("nah.srt", ROUNDED), "--fps", "25")
    assert result.exit_code == 0, result.output
    assert "nah.srt:5: warning: cue 2 starts 0 ms (0 frames) after cue 1 ends" in result.stderr
    assert "overlaps" not in result.stderr and "nah.srt:1:" not in result.stderr
    assert result.stdout == "nah.srt: 2 cues, 0 errors, 1 warning\n"


def test_an_overlap_of_a_frame_or_more_stays_an_error_on_the_frames(files):
    result = invoke(files("nah.srt", ROUNDED.replace("03,010", "03,040")), "--fps", "25")
    assert result.exit_code == 1
    assert ("nah.srt:5: error: cue 2 (starts 00:00:03,000) overlaps cue 1 (line 1, "
            "00:00:01,000 --> 00:00:03,040) at the bottom of the screen") in result.stderr


def test_without_a_frame_rate_an_overlap_under_a_frame_is_a_warning(files):
    result = invoke(files("nah.srt", ROUNDED))
    assert result.exit_code == 0, result.output
    assert ("nah.srt:5: warning: cue 2 (starts 00:00:03,000) overlaps cue 1 (line 1, ending "
            "00:00:03,010) by 10 ms, less than a frame: most likely a subtitle editor's "
            "rounding; give the video's frame rate (--fps) to know whether it is still there on "
            "the video's frames (hint: end cue 1 at 00:00:03,000)") in result.stderr
    result = invoke(files("tzh.srt", ROUNDED.replace("03,010", "03,021")))
    assert result.exit_code == 1
    assert "tzh.srt:5: error: cue 2 (starts 00:00:03,000) overlaps cue 1" in result.stderr


# A TTML file timed at 29.97 fps, as its parameters say: cue 2 starts one frame (33 ms) after cue
# 1 ends, and cue 3 overlaps cue 2 by 10 ms, which the snapping to those frames removes.
DECLARED_29_97 = """\
    <tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"
        ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001">
      <body><div>
        <p begin="00:00:01:00" end="00:00:03:00">Ni tlakatl</p>
        <p begin="00:00:03:01" end="00:00:05.010">amo tlanamakalli</p>
        <p begin="00:00:05.000" end="00:00:07:00">ipan ni altepetl</p>
      </div></body>
    </tt>
    """


def test_without_fps_a_ttml_file_s_frames_are_counted_at_its_own_rate(files):
    # Counted at 25 fps: '40 ms (1 frame) ... (80 ms at 25 fps) (25 fps assumed ...)', the hint
    # 00:00:02.960 (a frame of 25 fps), and the overlap a warning for want of a frame rate.
    result = invoke(files("tzh.ttml", DECLARED_29_97))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "tzh.ttml:5: warning: cue 2 starts 33 ms (1 frame) after cue 1 ends; leave at least 2 "
        "frames (67 ms at 29.97 fps) (hint: end cue 1 at 00:00:02.969 or earlier, so the eye "
        "sees the subtitle change)",
        "tzh.ttml:6: warning: cue 3 starts 0 ms (0 frames) after cue 2 ends; leave at least 2 "
        "frames (67 ms at 29.97 fps) (hint: end cue 2 at 00:00:04.938 or earlier, so the eye "
        "sees the subtitle change)",
        "tzh.ttml: note: frames are counted at 29.97 fps, the rate the file gives "
        "(ttp:frameRate); give --fps for the video's own",
        no_length("tzh.ttml").strip()]
    assert result.stdout == "tzh.ttml: 3 cues, 0 errors, 2 warnings\n"
    (checked,) = json.loads(invoke("tzh.ttml", "--json").stdout)["files"]
    assert checked["frames_counted_at"] == {"fps": 29.97, "from": "ttp:frameRate"}
    # The video's rate, given, is the one used, and nothing is said of the file's.
    result = invoke("tzh.ttml", "--fps", "25")
    assert "(80 ms at 25 fps)" in result.stderr and "frames are counted" not in result.stderr
    assert json.loads(invoke("tzh.ttml", "--fps", "25", "--json").stdout)["files"][0][
        "frames_counted_at"] == {"fps": 25, "from": "video"}


def test_every_apostrophe_look_alike_is_named_when_mixed(files):
    # Only ’ against ꞌ was reported: the acute accent ´ (typed on Spanish keyboards), the
    # ʻokina ʻ and the grave accent ` went unseen.
    result = invoke(files("mix.srt", """\
        1
        00:00:00,500 --> 00:00:02,000
        Tuꞌun savi

        2
        00:00:02,500 --> 00:00:04,000
        Tu´un savi

        3
        00:00:04,500 --> 00:00:06,000
        Tuʻun savi

        4
        00:00:06,500 --> 00:00:08,000
        Tu`un savi
        """))
    # Mixtec's saltillo first, as its spelling writes it; the slips after, from cue 2 on.
    assert ("mix.srt:5: warning: look-alike apostrophes are mixed: U+A78C ꞌ (Latin small letter "
            "saltillo) 1 time, in the cue at line 1; U+0060 ` (grave accent) 1 time, in the cue at "
            "line 13; U+00B4 ´ (acute accent) 1 time, in the cue at line 5; U+02BB ʻ (modifier "
            "letter turned comma) 1 time, in the cue at line 9 (hint: Mixtec ('mix') is written "
            "with U+A78C ꞌ (Latin small letter saltillo): replace the others with it)"
            ) in result.stderr, result.stderr


def test_text_decoded_twice_is_an_error_at_its_cue_with_what_it_should_read(files):
    # A Windows-1252 file converted to UTF-8 twice passed with "0 errors, 0 warnings"; then
    # with a warning and exit 0, though "TÃ©nek" would be burned as it is.
    result = invoke(files("hus.srt", """\
        1
        00:00:01,000 --> 00:00:04,000
        TÃ©nek kâ€™wajbil Ã±

        2
        00:00:05,000 --> 00:00:08,000
        Batsʼil kʼop
        Â¿QuÃ© pasÃ³? Ê¼a
        """))
    assert result.exit_code == 1, result.output
    hint = ("(hint: the text was converted to UTF-8 twice, read as Windows-1252 or Latin-1 and "
            "saved as UTF-8 again: retype it, or go back to a copy from before the conversion)")
    assert result.stderr.splitlines()[:2] == [
        "hus.srt:1: error: cue 1 looks decoded twice (mojibake): 'TÃ©nek kâ€™wajbil Ã±' should "
        f"probably read 'Tének k’wajbil ñ' {hint}",
        # Pasted into a good file: only the line decoded twice is named.
        "hus.srt:5: error: cue 2 looks decoded twice (mojibake): 'Â¿QuÃ© pasÃ³? Ê¼a' should "
        f"probably read '¿Qué pasó? ʼa' {hint}"]
    assert result.stdout == "hus.srt: 2 cues, 2 errors, 0 warnings\n"


# The letters of the orthographies of Mexico the pipeline serves, each in a cue of its own (a
# cue for each apostrophe-like letter: mixing them is another warning).
ORTHOGRAPHIES = [
    "Nāhuatlahtōlli: ēhēcatl, īxtli, ōme",      # Nahuatl: macrons
    "Ōmpa Āxcān Ēhēcatl Īxtli",
    "Batsʼil kʼop, jaʼ yuʼun chʼul",            # Tsotsil, Tseltal: U+02BC
    "Tuꞌun savi, xiꞌ ndaꞌa NDAꞌA",              # Mixtec: saltillo U+A78C
    "ni³ nej³ chrej³² a³ngo² ná³ kä³",          # Triqui, Mazatec: superscript tone numbers
    "ji⁴ tsa¹ koa⁵ ña³ chi¹²³ nda⁴⁵ ¹²³⁴⁵",
    "a̱ e̱ i̱ o̱ u̱ ɨ̱ ʉ̱ A̱ E̱",                      # combining macron below
    "ɨ ʉ Ɨ Ʉ mbɨ kʉ hñä ndä",                   # barred i and u, Otomí
    "¿Cómo estás? ¡Órale! Ñuu, año, ÑUU",       # Spanish, Mixtec
    "«Sí» “no” — ‘tal vez’… Jñatrjo · maz",
]


def test_the_orthographies_of_mexico_are_not_taken_for_text_decoded_twice(files):
    cues = "".join(f"{i}\n00:00:{2 * i - 2:02d},000 --> 00:00:{2 * i - 1:02d},800\n{text}\n\n"
                   for i, text in enumerate(ORTHOGRAPHIES, 1))
    result = invoke(files("nah.srt", cues), "--json")
    (checked,) = json.loads(result.stdout)["files"]
    assert checked["cues"] == len(ORTHOGRAPHIES)
    assert [d for d in checked["diagnostics"] if d["code"] == "mojibake"] == []
    # The same text decoded twice is found in every cue.
    import ftfy.bad_codecs  # noqa: F401 (registers the codec "sloppy-windows-1252")
    twice = "".join(text.encode("utf-8").decode("sloppy-windows-1252") for text in cues)
    result = invoke(files("tzh.srt", twice), "--json")
    (checked,) = json.loads(result.stdout)["files"]
    assert [d["line"] for d in checked["diagnostics"] if d["code"] == "mojibake"] == \
        list(range(1, 4 * len(ORTHOGRAPHIES), 4))


def test_ftfy_s_undoings_through_other_regions_code_pages_are_not_believed():
    from pipeline.subtitles.mojibake import undone
    assert undone("TÃ©nek kâ€™wajbil Ã±") == "Tének k’wajbil ñ"
    assert undone("Ā¹") is None       # ftfy: through the Baltic Windows-1257, to "¹"
    assert undone("X»í") is None      # ftfy: through MacRoman, to "XȒ"
    assert undone("kà¹ ni") is None   # ftfy: to U+0E60, which Unicode does not assign


def test_the_apostrophes_are_named_as_unicode_names_them():
    import unicodedata
    from pipeline.subtitles.qc import APOSTROPHES
    assert {char: unicodedata.name(char).lower() for char in APOSTROPHES} == \
        {char: name.lower() for char, name in APOSTROPHES.items()}


def test_a_file_of_a_name_the_pipeline_does_not_pick_up_says_so(files):
    # `nah.txt` was accepted as SubRip with 0 errors, and the render never found it.
    result = invoke(files("nah.txt", GOOD))
    assert result.exit_code == 0
    assert ("nah.txt:1: warning: the pipeline picks up only .srt, .vtt, .ass, .ssa, .ttml, .xml "
            "and .dfxp files from a subtitles folder, not nah.txt (hint: rename it to nah.srt)"
            ) in result.stderr, result.stderr
    assert result.stdout == "nah.txt (SubRip): 2 cues, 0 errors, 1 warning\n"
    # Notepad's "Text Documents": nah.srt.txt on disk, nah.srt on screen (a trial was told to
    # rename it to nah.srt.srt).
    result = invoke(files("nah.srt.txt", GOOD))
    assert "not nah.srt.txt (hint: rename it to nah.srt)" in result.stderr, result.stderr
    # Beside the file read, renamed it would replace that one (a trial's tzh.srt.bak).
    files("nah.srt", GOOD)
    for name in ("nah.srt.txt", "nah.srt.bak"):
        result = invoke(files(name, GOOD))
        assert f"not {name} (hint: move it out, or, to use it instead, move nah.srt out and " \
               "rename this one nah.srt)" in result.stderr, result.stderr


def test_webvtt_align_middle_is_read_as_center_with_a_warning(files):
    # The 2013 drafts' spelling was an error that blocked the language.
    result = invoke(files("nah.vtt", """\
        WEBVTT

        00:00:00.500 --> 00:00:02.000 line:0 align:middle
        Ni tlakatl
        """))
    assert result.exit_code == 0, result.output
    assert ("nah.vtt:3: warning: cue 1: align:middle is an old spelling that WebVTT no longer "
            "has; it is read as align:center, where browsers show it too (they ignore the "
            "setting) (hint: write align:center)") in result.stderr, result.stderr
    assert result.stdout == "nah.vtt: 1 cue, 0 errors, 1 warning\n"


UNBALANCED = """\
    1
    00:00:00{sep}500 --> 00:00:03{sep}000
    <i>Ni tlakatl
    amo tlanamakalli

    2
    00:00:03{sep}500 --> 00:00:06{sep}000
    <b>Batsʼil</i> kʼop

    3
    00:00:06{sep}500 --> 00:00:09{sep}000
    <i>Lekil</i> kuxlejal</i>

    4
    00:00:09{sep}500 --> 00:00:12{sep}000
    <u>Jtsʼibatik
    kʼusi</u> <b><i>ja</b></i>
    """


@pytest.mark.parametrize("name, header, sep", [("nah.srt", "", ","),
                                               ("nah.vtt", "WEBVTT\n\n", ".")])
def test_italic_bold_and_underline_tags_that_do_not_pair_up_are_said_at_their_line(
        files, name, header, sep):
    # An unclosed <i> and a <b> closed with </i> were burned to the end of the cue in italics
    # and bold without a word.
    result = invoke(files(name, header + textwrap.dedent(UNBALANCED.format(sep=sep))))
    assert result.exit_code == 0, result.output
    at = len(header.splitlines())
    assert result.stderr.splitlines() == [
        f"{name}:{3 + at}: warning: cue 1: <i> is not closed, so the rest of the cue is shown in "
        "italics (hint: add </i> where it should end)",
        f"{name}:{8 + at}: warning: cue 2: <b> is closed with </i>, which is ignored, so the rest "
        "of the cue is shown in bold (hint: close <b> with </b>)",
        f"{name}:{12 + at}: warning: cue 3: </i> closes no <i> and is ignored (hint: remove </i>, "
        "or add the <i> it closes)",
        no_length(name).rstrip()]
    assert result.stdout == f"{name}: 4 cues, 0 errors, 3 warnings\n"


def test_webvtt_vertical_text_and_regions_are_said_once_each_not_to_be_rendered(files):
    # vertical:rl and region:r1 were burned horizontal, in a row, without a word.
    result = invoke(files("tzh.vtt", """\
        WEBVTT

        REGION
        id:r1
        width:40%
        viewportanchor:10%,10%

        uno
        00:00:00.500 --> 00:00:02.000 region:r1
        Batsʼil kʼop

        00:00:02.500 --> 00:00:04.000 vertical:rl
        Jtsʼibatik

        00:00:04.500 --> 00:00:06.000 vertical:lr line:0
        Kʼusi

        00:00:06.500 --> 00:00:08.000 region:r1 align:left
        Lekil kuxlejal
        """))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "tzh.vtt:9: warning: WebVTT regions are not rendered (their width, lines and scrolling): "
        "2 cues name one (region:r1) and go to the top, middle or bottom row nearest their "
        "region's viewportanchor, unless their own line: says otherwise; their align: and "
        "position: put them left, centre or right (hint: place the cues with line:, position: "
        "and align: instead of a region)",
        "tzh.vtt:12: warning: vertical text is not rendered: 2 cues ask for it (vertical:rl and "
        "vertical:lr) and are shown horizontal, placed by their line:, position: and align: as "
        "horizontal text is (hint: write these cues horizontal, without vertical:)",
        no_length("tzh.vtt").rstrip()]
    assert result.stdout == "tzh.vtt: 4 cues, 0 errors, 2 warnings\n"
    from pipeline.subtitles.formats import read_subtitles
    assert [cue.text for cue in read_subtitles("tzh.vtt").cues] == [
        "{\\an8}Batsʼil kʼop", "Jtsʼibatik", "{\\an8}Kʼusi", "{\\an7}Lekil kuxlejal"]


def test_youtube_s_webvtt_and_amara_s_dfxp_are_read_with_what_was_left_out_at_its_line(
        tmp_path, monkeypatch):
    # Both were refused: YouTube's lines of one space ended cues ("expected a timing line"),
    # Amara's regions in pixels were an error per length of every paragraph.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nah.vtt").write_text(YOUTUBE_VTT, encoding="utf-8")   # dedent empties " "
    (tmp_path / "tzo.dfxp").write_text(AMARA_DFXP, encoding="utf-8")
    result = invoke("nah.vtt", "tzo.dfxp", "--duration", "4")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["nah.vtt: 3 of 4 cues read, 0 errors, 6 warnings",
                                          "tzo.dfxp: 2 cues, 0 errors, 3 warnings"]
    lines = result.stderr.splitlines()
    pixels = ("is placed in pixels but the document gives no tts:extent: shown at the default "
              "place (hint: give the region's tts:origin and tts:extent in percentages, or set "
              'tts:extent on <tt> to the size its pixels are counted in (e.g. tts:extent="640px '
              '360px"))')
    for line in [
            "nah.vtt:6: note: 2 lines of only spaces left out of cue text",
            "nah.vtt:9: warning: cue 2 has only spaces for text: it shows nothing and is left "
            "out (hint: delete the cue)",
            "nah.vtt:15: warning: the line before the identifier line '4' has only spaces: "
            "WebVTT players end a cue only at an empty line, so they show '4' as the last line "
            "of the cue before; it is read here as the next cue's identifier (hint: delete the "
            "spaces, leaving the line empty)",
            f"tzo.dfxp:13: warning: region 'amara-subtitle-area' {pixels}",
            f"tzo.dfxp:14: warning: region 'r1' {pixels}"]:
        assert line in lines, result.stderr
    assert "error" not in result.stderr


@pytest.mark.parametrize("name, text", [
    ("d.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nuno\n\n00:00:03.000 -> 00:00:04.000"
              "\ndos\n\n00:00:05,000 --> 00:00:06.000\ntres\n"),
    ("d.srt", "1\n00:00:01,000 --> 00:00:02,000\nuno\n\n2\n00:00:03,000 -> 00:00:04,000\ndos\n\n"
              "3\n00:00:05,000 --> 00:00:06\ntres\n"),
    ("d.ass", ASS_HEADER + "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,uno\n"
                           "Dialogue: 0,0:00:03.00,00:04,Default,,0,0,0,,dos\n"
                           "Dialogue: 0,0:00:05.00,0:00:06.00,Default,0,0,0,,tres\n"),
    ("d.ttml", '<tt xmlns="http://www.w3.org/ns/ttml"><body><div>\n'
               '<p begin="1s" end="2s">uno</p>\n<p begin="3s" end="cuatro">dos</p>\n'
               '<p begin="5s">tres</p>\n</div></body></tt>\n'),
])
def test_the_summary_counts_the_cues_of_the_file_not_only_those_read(files, name, text):
    # A 3-cue file with 2 cues in error was summarised as "1 cue, 2 errors".
    result = invoke(files(name, text), "--json")
    data = json.loads(result.stdout)["files"][0]
    assert (data["cues"], data["cues_in_file"], data["errors"]) == (1, 3, 2), result.output
    result = invoke(name)
    assert result.stdout.startswith(f"{name}: 1 of 3 cues read, 2 errors, "), result.output


def test_ttml_frames_past_the_frame_rate_are_errors_on_their_line(files):
    # end="00:00:04:35" at 29.97 fps was read as 5.168 s without a word.
    result = invoke(files("nah.ttml", """\
        <?xml version="1.0" encoding="UTF-8"?>
        <tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"
            ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001" ttp:subFrameRate="2">
          <body><div>
            <p begin="00:00:01:00" end="00:00:02:29.1">uno</p>
            <p begin="00:00:03:00" end="00:00:04:35">dos</p>
            <p begin="00:00:05:00" end="00:00:06:10.2">tres</p>
          </div></body>
        </tt>
        """))
    assert result.exit_code == 1
    assert ("nah.ttml:6: error: end='00:00:04:35' counts frame 35, but at 29.97 fps "
            "(ttp:frameRate) a second has frames 0 to 29 (hint: check the frame number and "
            "ttp:frameRate, or write the time as HH:MM:SS.mmm)") in result.stderr, result.stderr
    assert ("nah.ttml:7: error: end='00:00:06:10.2' counts sub-frame 2, but ttp:subFrameRate "
            "is 2 (sub-frames 0 to 1)") in result.stderr
    assert result.stdout == "nah.ttml: 1 of 3 cues read, 2 errors, 0 warnings\n"


def test_ttml_sub_frames_count_in_the_sub_frame_rate(tmp_path):
    from pipeline.subtitles.formats import read_subtitles
    path = tmp_path / "nah.ttml"
    path.write_text(textwrap.dedent("""\
        <tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"
            ttp:frameRate="25" ttp:subFrameRate="2">
          <body><div><p begin="00:00:01:00" end="00:00:02:12.1">uno</p></div></body>
        </tt>
        """), encoding="utf-8")
    (cue,) = read_subtitles(path).cues
    assert (cue.start, cue.end) == (1000, 2500)    # 12.5 frames at 25 fps: 500 ms


def test_srt_tags_subrip_has_not_are_warned_and_character_references_decoded(files):
    # <s>, <span>, <ruby> were burned as typed without a word, and &lt;entidad&gt; was burned
    # as "&lt;entidad&gt;" and counted as 14 characters.
    name = files("nah.srt", """\
        1
        00:00:01,000 --> 00:00:04,000
        <b>Negrita</b> y &lt;entidad&gt; <s>tachado</s>

        2
        00:00:05,000 --> 00:00:08,000
        <s>tachado</s> <span>x</span> <ruby>a</ruby>
        Tu&#xA78C;un&nbsp;&amp; &nota
        """)
    result = invoke(name, "--max-line-chars", "36", "--max-cps", "20", "--duration", "10")
    # Tags shown as typed are counted (cue 2's 44 characters); a decoded reference as the
    # character it shows: cue 1's line is 34 characters, not 40.
    assert result.stderr.splitlines() == [
        "nah.srt:3: warning: cue 1 has the tag <s>, which SubRip does not have (only <i>, <b>, "
        "<u> and <font>): burned subtitles show it as typed (hint: remove the tags, or use <i>, "
        "<b> or <u>)",
        "nah.srt:5: warning: cue 2, text line 1, has 44 characters (at most 36) (hint: break "
        "the line in two at a natural pause, or shorten it)",
        "nah.srt:7: warning: cue 2 has the tags <s>, <span> and <ruby>, which SubRip does not "
        "have (only <i>, <b>, <u> and <font>): burned subtitles show them as typed (hint: "
        "remove the tags, or use <i>, <b> or <u>)"]
    from pipeline.subtitles.formats import read_subtitles
    from pipeline.subtitles.model import plain_text
    first, second = read_subtitles(name).cues
    # Tags SubRip has not are text, as the decoded reference is (model.escaped): 34 on screen.
    assert first.text == "<b>Negrita</b> y &lt;entidad> &lt;s>tachado&lt;/s>"
    assert plain_text(first) == "Negrita y <entidad> <s>tachado</s>"
    assert second.text.split("\n")[1] == "Tu\ua78cun\xa0& &nota"   # "&not" needs its ";"


def test_spanish_quotes_typed_as_angle_brackets_are_told_how_to_type(files):
    # A trial's translator wrote «» as << >>: the hint said to use <i>, <b> or <u>.
    name = files("tzo.srt", """\
        1
        00:00:01,000 --> 00:00:04,000
        Dijo: <<Kʼusi chaval>>
        """)
    (line,) = [line for line in invoke(name, "--duration", "10").stderr.splitlines()
               if ": warning: " in line]
    assert line.endswith("cue 1 has the tag <kʼusi>, which SubRip does not have (only <i>, <b>, "
                         "<u> and <font>): burned subtitles show it as typed (hint: if they are "
                         "quotation marks, type « and » (typed as << and >> they read as a tag))")


# A pasted paragraph (burned on 5 lines at the small profile's frame), a cue holding only a
# no-break space and one holding only empty italics: two reading errors and a layout error.
PARAGRAPH = """\
    1
    00:00:00,500 --> 00:00:02,000
    {paragraph}

    2
    00:00:02,200 --> 00:00:02,900
    \u00a0

    3
    00:00:03,000 --> 00:00:03,600
    <i></i>
    """.format(paragraph=" ".join(["Ni tlakatl amo tlanamakalli ipan ni altepetl"] * 6))


def test_validate_reports_the_layout_and_qc_of_a_file_with_reading_errors(campaign):
    """Every problem `check` finds in one run, not the reading errors first and the rest
    after they are fixed."""
    path = campaign.subtitle("nah", textwrap.dedent(PARAGRAPH))
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    checked = invoke(path, "--manifest", manifest)
    result = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 1
    # All but the frame-grid note, which is for translators only (the render snaps times).
    wanted = [line for line in checked.stderr.splitlines() if "between the frames" not in line]
    assert f"{path}:1: error: cue 1 would be burned on more than twice" in checked.stderr
    assert any("reads too fast" in line for line in wanted)
    assert [line for line in wanted if line not in result.stderr] == []


# Timed to frames 300-460 of a 24000/1001 fps video (each time the frame's, rounded down): far
# enough into the file for 23.98 taken as itself to put the frames 2 ms away.
NTSC_FRAMES = """\
    1
    00:00:12,512 --> 00:00:14,180
    Ni tlakatl

    2
    00:00:15,015 --> 00:00:16,683
    amo tlanamakalli

    3
    00:00:17,517 --> 00:00:19,185
    ipan ni altepetl
    """


# Times typed by hand, as translators deliver them for a 29.97 fps phone video: every one lies
# between two of its frames (1.500 s is 1.5 ms before frame 45), and the render puts each on the
# nearest frame, as meant.
TYPED_AT_29_97 = {
    "oto.ass": ASS_HEADER + "".join(f"Dialogue: 0,{start},{end},Default,,0,0,0,,{text}\n"
                                    for start, end, text in [
                                        ("0:00:01.50", "0:00:04.00", "Ya jä'i hinxi di pot'i"),
                                        ("0:00:04.20", "0:00:07.80", "Ya bätsi hinxi di pot'i"),
                                        ("0:00:08.00", "0:00:12.00", "Hingi dä pot'i")]),
    "zap.srt": "1\n00:00:01,500 --> 00:00:04,000\nBinni guidxilayú\n\n"
               "2\n00:00:04,200 --> 00:00:07,800\nLas niñas y los niños\n\n"
               "3\n00:00:08,000 --> 00:00:12,000\nLlama: 800 553 3000\n",
    "mix.vtt": "WEBVTT\n\n00:00:01.500 --> 00:00:04.000\nÑuu savi\n\n"
               "00:00:04.200 --> 00:00:07.800\nÑa̱ ñaꞌa\n\n"
               "00:00:08.000 --> 00:00:12.000\n800 553 3000\n",
    "tzh.ttml": '<?xml version="1.0" encoding="UTF-8"?>\n<tt xmlns="http://www.w3.org/ns/ttml" '
                'xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:frameRate="30" '
                'ttp:frameRateMultiplier="1000 1001" xml:lang="tzh"><body><div>\n'
                '<p begin="00:00:01:15" end="00:00:04:00">Bats\'il winik</p>\n'
                '<p begin="00:00:04:06" end="00:00:07:24">Te ach\'ixetik</p>\n'
                '<p begin="8s" end="12s">800 553 3000</p>\n</div></body></tt>\n',
}


def test_times_typed_by_hand_on_a_29_97_fps_video_are_no_frame_grid_warning(files):
    # Before: every one of these files got 'N cue times fall between the frames of the 29.97
    # fps video', in ASS as 'cue 1 starts at 0:00:01.50 (frame 45), not 0:00:01.50'.
    names = [files(name, text) for name, text in TYPED_AT_29_97.items()]
    result = invoke(*names, "--fps", "29.97", "--duration", "15")
    assert result.exit_code == 0, result.output
    assert "frame" not in result.stderr, result.stderr
    assert result.stdout.splitlines() == [
        "oto.ass: 3 cues, 0 errors, 0 warnings", "zap.srt: 3 cues, 0 errors, 0 warnings",
        "mix.vtt: 3 cues, 0 errors, 0 warnings", "tzh.ttml: 3 cues, 0 errors, 0 warnings"]


@pytest.mark.parametrize("typed", ["23.976", "23.98", "24000/1001", "23.976023976"])
def test_fps_as_subtitlers_write_23_976(files, typed):
    result = invoke(files("nah.srt", NTSC_FRAMES), "--fps", typed, "--duration", "20")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "nah.srt: 3 cues, 0 errors, 0 warnings\n"


def test_fps_that_is_no_frame_rate_is_a_usage_error(files):
    path = files("nah.srt", NTSC_FRAMES)
    for typed in ("fast", "24000/0", "-25", "0/1001"):
        result = invoke(path, "--fps", typed)
        assert result.exit_code == 2, typed
        assert "is not a frame rate: give a number such as 25 or 23.976" in result.stderr
    # Timed to 23.976 fps frames (every 4th, so every 5th of 29.97 too: both are named): on a
    # 24 fps video, every time is between frames.
    assert ("the cue times seem timed to a 23.976 or 29.97 fps video, not to this 24 fps one"
            in invoke(path, "--fps", "24").stderr)


# A cue an hour late: the classic slip (a file timed to a tape's timecode, an hour for a minute).
HOUR_OFF = """\
    1
    00:00:00,500 --> 00:00:01,800
    Ni tlakatl

    2
    01:00:02,000 --> 01:00:03,000
    amo tlanamakalli
    """
PAST_END = "cue 2 starts at 01:00:02,000, after the end of the video (00:00:04,000)"
NO_SPOT = ("warning: its folder, 'elsewhere', is no spot of campaign.yaml (spots: spot): the "
           "video's length and frame rate are not known, so cues after its end are not found "
           "(hint: keep the file in the folder named after its spot's id, {subtitles}/<spot id>/,"
           " or name the spot with --spot ID (or give --duration SECONDS))")


def test_check_with_a_manifest_says_when_the_file_matches_no_spot(campaign):
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    path = campaign.root / "elsewhere/nah.srt"
    path.parent.mkdir()
    path.write_text(textwrap.dedent(HOUR_OFF), encoding="utf-8")
    result = invoke(path, "--manifest", manifest)
    assert result.exit_code == 0
    subtitles = campaign.root / "subtitles"
    assert f"{path}: {NO_SPOT.format(subtitles=subtitles)}\n" in result.stderr
    assert f"{path}:5: warning: cue 2 starts at 01:00:02,000, an hour or more into" \
        in result.stderr
    assert result.stdout == f"{path}: 2 cues, 0 errors, 2 warnings\n"
    # Named with --spot, the file is checked against that spot's master.
    named = invoke(path, "--manifest", manifest, "--spot", "spot")
    assert f"{path}:5: error: {PAST_END}" in named.stderr
    assert (named.exit_code, "no spot" in named.stderr) == (1, False)
    unknown = invoke(path, "--manifest", manifest, "--spot", "spto")
    assert unknown.exit_code == 2
    assert "--spot spto: no spot of that name in " in unknown.stderr
    assert "(spots there: spot)" in unknown.stderr
    assert invoke(path, "--spot", "spot").exit_code == 2


def test_check_with_a_manifest_says_when_the_spots_master_is_missing(campaign):
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    path = campaign.subtitle("nah", textwrap.dedent(HOUR_OFF))
    (campaign.root / "media/spot.mp4").unlink()
    result = invoke(path, "--manifest", manifest)
    master = campaign.root / "media/spot.mp4"
    assert f"{path}: warning: the master of spot 'spot', {master}, is not there: the video's " \
           "length and frame rate are not known, so cues after its end are not found (hint: " \
           "put the master there (every variant of the spot needs it); until then, `pipeline " \
           "check` takes the video's length as --duration SECONDS)\n" in result.stderr
    given = invoke(path, "--manifest", manifest, "--duration", "4")
    assert f"{path}:5: error: {PAST_END}" in given.stderr
    assert "master" not in given.stderr


def test_check_without_the_videos_length_says_so_once_a_file_and_warns_of_an_hour_late(files):
    result = invoke(files("nah.srt", HOUR_OFF), files("tzh.srt", GOOD))
    assert result.exit_code == 0
    assert result.stderr == (
        "nah.srt:5: warning: cue 2 starts at 01:00:02,000, an hour or more into the video: a "
        "spot is seconds to minutes long (hint: check the hours of the times (a file timed to a "
        "tape's timecode starts at 01:00:00:00: subtract it in your editor), or give "
        "--manifest (a file timed to its master's own timecode is read from there) or the "
        "video's length with --duration)\n" + no_length("nah.srt") + no_length("tzh.srt"))
    assert PAST_END in invoke("nah.srt", "--duration", "4").stderr


def test_check_with_a_manifest_says_when_the_language_is_not_in_it(campaign):
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    path = campaign.subtitle("tzh", textwrap.dedent(GOOD))
    result = invoke(path, "--manifest", manifest)
    assert result.exit_code == 0
    assert f"{path}: warning: language 'tzh' is not in campaign.yaml (languages: nah): no " \
           "variant uses this file; checked with the campaign's own settings (hint: name the " \
           "file after its language's code in the manifest, in lower case (nah.srt), or give " \
           "it with --lang)\n" in result.stderr
    assert "not in" not in invoke(path, "--manifest", manifest, "--lang", "nah").stderr
    # A name that is no language code is said as a name, not as "language 'subtitulos_final'".
    named = campaign.subtitle("subtitulos_final", textwrap.dedent(GOOD))
    assert f"{named}: warning: the file's name, subtitulos_final.srt, names no language of " \
           "campaign.yaml (languages: nah): no variant uses this file" in \
        invoke(named, "--manifest", manifest).stderr


def test_check_with_a_manifest_says_a_name_no_variant_reads_as_validate_does(campaign):
    # HUS.SRT was said to be of a language 'HUS' the manifest lacks, beside a list naming hus.
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    capitals = campaign.subtitle("NAH", textwrap.dedent(GOOD), suffix=".SRT")
    result = invoke(capitals, "--manifest", manifest)
    assert result.exit_code == 0
    assert f"{capitals}: warning: not used: the name must be lower-case (checked as language " \
           "'nah') (hint: rename it to nah.srt)\n" in result.stderr, result.stderr
    assert "is not in" not in result.stderr
    version = campaign.subtitle("nah-v2", textwrap.dedent(GOOD))
    result = invoke(version, "--manifest", manifest)
    assert f"{version}: warning: not used: language 'nah' is read from nah.<format> only " \
           "(checked as language 'nah') (hint: to use this version, rename it to nah.srt)\n" \
        in result.stderr, result.stderr
    assert "not used" not in invoke(capitals, "--manifest", manifest, "--lang", "nah").stderr
    # Notepad's nah.srt.txt: said once, as validate says it (a trial's had it twice, the
    # second in general words, with the same hint).
    typed = campaign.subtitle("nah", textwrap.dedent(GOOD), suffix=".srt.txt")
    said = invoke(typed, "--manifest", manifest).stderr
    assert f"{typed}: warning: not used: named as a text file (.txt after .srt)" in said, said
    assert "picks up only" not in said and "picks up only" in invoke(typed).stderr


def test_check_with_a_manifest_says_the_language_has_two_files_as_validate_does(campaign):
    # A translator's Aegisub mix.ass beside the older mix.srt: check said "0 errors", exit 0,
    # where validate blocks the language, and preview removes its old preview.
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    old = campaign.subtitle("nah", textwrap.dedent(GOOD))
    new = campaign.subtitle("nah", ASS, suffix=".ass")
    line = manifest.read_text().splitlines().index("- code: nah") + 1
    said = f"{manifest}:{line}: error: language 'nah' has 2 subtitle files for spot 'spot': "
    for path in (new, old):
        result = invoke(path, "--manifest", manifest)
        assert result.exit_code == 1, result.output
        assert said in result.stderr and "keep only the one to use" in result.stderr, \
            result.stderr
    validate = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert validate.exit_code == 1 and said in validate.stderr, validate.stderr
    old.unlink()
    assert invoke(new, "--manifest", manifest).exit_code == 0


def test_a_video_or_a_sound_given_as_subtitles_is_named_for_what_it_is(files, tmp_path):
    # A dub recorded on a phone as a video: "this is not a text file: it has NUL bytes on both
    # even and odd offsets (4323 in its first 65536 bytes)", of no help to a translator.
    from tests.conftest import ffmpeg
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x64:duration=1", "-f", "lavfi", "-i",
           "sine=duration=1", "-c:v", "libx264", "-c:a", "aac", str(tmp_path / "yua.mp4"))
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-f", "wav", str(tmp_path / "yua.srt"))
    result = invoke("yua.mp4", "yua.srt")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == [
        "yua.mp4: error: this is a video (MP4): neither a subtitle file (text) nor a recording "
        "(sound alone) (hint: a dub or voice-over is delivered as sound alone, a WAV, FLAC, MP3 "
        "or M4A file: to take the video's sound, in a terminal: ffmpeg -n -i yua.mp4 -vn "
        "yua.wav)",
        "yua.srt: error: this is not a text file: it is a sound recording (WAV) (hint: "
        "a recording is checked as one by its name: rename it yua.wav)"], result.stderr
    # Beside a recording of its name, never written over (a trial's command was), and from
    # another folder, by its path.
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", str(tmp_path / "yua.wav"))
    (tmp_path / "elsewhere").mkdir()
    os.chdir(tmp_path / "elsewhere")
    result = invoke(str(tmp_path / "yua.mp4"))
    assert (f"(hint: a dub or voice-over is delivered as sound alone (in a terminal: ffmpeg -n -i "
            f"{tmp_path}/yua.mp4 -vn {tmp_path}/yua-video.wav); yua.wav, beside it, is already a "
            "recording: listen to both, and keep the one to use as yua.wav)") in result.stderr, \
        result.stderr


def test_a_phone_video_is_told_the_name_its_language_s_recording_is_read_under(files, tmp_path):
    # A third trial's VID_0001.mp4, checked with --lang yua, was told to write VID_0001.wav,
    # which validate never reads as yua's recording.
    from tests.conftest import ffmpeg
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x64:duration=1", "-f", "lavfi", "-i",
           "sine=duration=1", "-c:v", "libx264", "-c:a", "aac", str(tmp_path / "VID_0001.mp4"))
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-f", "wav", str(tmp_path / "final.srt"))
    result = invoke("VID_0001.mp4", "final.srt", "--lang", "yua")
    assert result.exit_code == 1
    assert ("hint: a dub or voice-over is delivered as sound alone, a WAV, FLAC, MP3 or M4A "
            "file: to take the video's sound, in a terminal: ffmpeg -n -i VID_0001.mp4 -vn "
            "yua.wav)") in result.stderr, result.stderr
    assert "(hint: a recording is checked as one by its name: rename it yua.wav)" \
        in result.stderr, result.stderr
    # Without the language: its sound taken, and the WAV still to be named.
    result = invoke("VID_0001.mp4")
    assert ("M4A file named after its language's code (tzo.wav, yua.wav, ...): to take the "
            "video's sound, in a terminal: ffmpeg -n -i VID_0001.mp4 -vn VID_0001.wav; then "
            "rename VID_0001.wav after its language, or check the video again with --lang)"
            ) in result.stderr, result.stderr
    # The command does what it says: the WAV it writes is read as yua's recording.
    subprocess.run(["ffmpeg", "-v", "error", "-n", "-i", str(tmp_path / "VID_0001.mp4"), "-vn",
                    str(tmp_path / "yua.wav")], check=True)
    result = invoke("yua.wav")
    assert result.exit_code == 0 and "PCM 16-bit audio in a WAV container" in result.stdout \
        and "not read" not in result.stderr, result.stderr


def test_a_word_document_given_as_subtitles_is_named_for_what_it_is(files, tmp_path):
    # A trial's .docx picked by mistake: "25 % of its first 8 bytes are control characters".
    import zipfile
    import zlib

    with zipfile.ZipFile(tmp_path / "mix.docx", "w", zipfile.ZIP_DEFLATED) as document:
        document.writestr("[Content_Types].xml", "<Types/>")
        document.writestr("word/document.xml", zlib.compress(b"Tu\xea\x9e\x8cun savi" * 400))
    result = invoke("mix.docx")
    assert result.exit_code == 1
    assert "mix.docx: error: this is not a text file: it is a Word document (DOCX) (hint: " \
           "subtitles are a text file a subtitle editor saves" in result.stderr, result.stderr
    # A ZIP is most likely the subtitle files sent together.
    with zipfile.ZipFile(tmp_path / "mix.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mix.srt", zlib.compress(b"1\n00:00:01,000 --> 00:00:02,000\n" * 300))
    result = invoke("mix.zip")
    assert "mix.zip: error: this is not a text file: it is a ZIP archive (ZIP) (hint: unzip " \
           "it and give the subtitle file it holds" in result.stderr, result.stderr


def test_a_font_no_style_can_have_is_one_error_naming_its_styles(campaign):
    # An Aegisub file, its styles in Arial (not installed), was one error a style: the same
    # words three to five times. Now one error a font, at its first style's line, naming the
    # styles the file's lines use (Cursiva, in Arial too, styles no line) and their lines.
    manifest = campaign.write([{"code": "amu", "treatment": "burn",
                                "style": {"from_file": True}}])
    path = campaign.subtitle("amu", AEGISUB_ASS, suffix=".ass")
    result = invoke(path, "--manifest", manifest)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(
        f"{path}:22: error: the font \"Arial\" is not installed, and 3 styles of the file use "
        "it: 'Default' (2 lines), 'Cartel' (1 line) and 'Narrador' (1 line); fontconfig would "
        "draw \"Noto Sans\" (")
    assert (") in its place, so these subtitles are not burned until the font is installed or "
            "the styles name an installed one (hint: install \"Arial\" (its .ttf or .otf file "
            "in ~/.local/share/fonts), or change the font of these 3 styles in the file to an "
            "installed one, such as the campaign's \"Noto Sans\")") in errors[0], errors[0]
    assert errors[0].count("Arial") == 2 and "Cursiva" not in errors[0]
    assert "fonts-noto-core" not in result.stderr


def test_without_fps_a_file_timed_to_29_97_fps_frames_is_counted_on_them(tmp_path):
    # A trial's correct 29.97 fps file, its 2-frame gaps (67 ms) counted at an assumed 25 fps,
    # was told three times of 1-frame gaps of 40 ms, and given times off its frames.
    def frame(n):      # frame n's start at 30000/1001 fps, as editors write it (ms, rounded)
        return round(n * 1001 / 30)

    def srt_time(ms):
        return f"00:00:{ms // 1000:02d},{ms % 1000:03d}"

    spans = [(15, 74), (76, 136), (138, 200), (202, 262), (264, 329)]     # 2-frame gaps
    text = "".join(f"{n}\n{srt_time(frame(a))} --> {srt_time(frame(b))}\nLínea {n}\n\n"
                   for n, (a, b) in enumerate(spans, 1))
    path = tmp_path / "eng.srt"
    path.write_text(text, encoding="utf-8")
    said = invoke(path).stderr
    assert "frames are counted at 29.97 fps, the rate all the file's times are on" in said, said
    assert "gap" not in said and "after cue" not in said, said
    # With the video's rate given, that one: its gaps are 2 frames at 29.97 too.
    assert "after cue" not in invoke(path, "--fps", "29.97").stderr
    # Times on 25 fps's frames are counted there, as assumed, with no such note.
    plain = tmp_path / "nah.srt"
    plain.write_text("".join(f"{n}\n{srt_time(a * 40)} --> {srt_time(b * 40)}\nLínea {n}\n\n"
                             for n, (a, b) in enumerate(spans, 1)), encoding="utf-8")
    assert "frames are counted at" not in invoke(plain).stderr


def test_without_its_campaign_a_file_s_uninstalled_style_font_is_noted(campaign):
    # A trial's Aegisub file (its styles in Arial) passed a plain check; its language was then
    # blocked in the campaign that took its styles (`from_file`).
    path = campaign.subtitle("amu", AEGISUB_ASS, suffix=".ass")
    result = invoke(path)
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.stderr.splitlines() if "Arial" in line]
    assert line.startswith(f"{path}:22: note: where a campaign takes this file's own styles (a "
                           "language's style: {from_file: true}): the font \"Arial\" is not "
                           "installed, and 3 styles of the file use it"), line
    # Checked for a campaign that does not take them: not said (its styles are not used).
    manifest = campaign.write([{"code": "amu", "treatment": "burn"}])
    assert "Arial" not in invoke(path, "--manifest", manifest).stderr


def test_a_font_s_error_is_said_in_a_spanish_terminal(campaign, monkeypatch):
    # A trial's Spanish check said it in English but for "sugerencia": check rebuilt the error
    # from its English text, its messages lost.
    monkeypatch.setattr("pipeline.cli.language.terminal_language", lambda: "es")
    manifest = campaign.write([{"code": "amu", "treatment": "burn",
                                "style": {"from_file": True}}])
    path = campaign.subtitle("amu", AEGISUB_ASS, suffix=".ass")
    result = invoke(path, "--manifest", manifest)
    (line,) = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert line.startswith(f'{path}:22: error: la tipografía "Arial" no está instalada y 3 '
                           "estilos del archivo la usan: 'Default' (2 líneas)"), line
    assert '(sugerencia: instale "Arial"' in line, line


def test_two_missing_fonts_are_an_error_each_and_one_style_says_style(campaign):
    manifest = campaign.write([{"code": "amu", "treatment": "burn",
                                "style": {"from_file": True}}])
    text = AEGISUB_ASS.replace("Style: Narrador,Arial,", "Style: Narrador,Comic Sans MS,")
    path = campaign.subtitle("amu", text, suffix=".ass")
    errors = [line for line in invoke(path, "--manifest", manifest).stderr.splitlines()
              if ": error: " in line]
    assert [line.split(": error: ")[0] for line in errors] == [f"{path}:22", f"{path}:25"]
    assert "2 styles of the file use it: 'Default' (2 lines) and 'Cartel' (1 line);" in errors[0]
    assert ('the font "Comic Sans MS" is not installed, and 1 style of the file uses it: '
            "'Narrador' (1 line); fontconfig") in errors[1]
    assert "or the style names an installed one (hint:" in errors[1]
    assert "or change the style's font in the file" in errors[1]


def test_validate_blocks_the_language_once_with_the_grouped_error(campaign):
    # The render's planning reads the file as check does: one error, and the catalog's reason
    # for every variant it blocks is that one error (the page says it in a station's words).
    path = campaign.subtitle("amu", AEGISUB_ASS, suffix=".ass")
    manifest = campaign.write([{"code": "amu", "treatment": "burn",
                                "style": {"from_file": True}}])
    result = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == [line for line in errors if line.startswith(f"{path}:22: error: the font")]
    assert len(errors) == 1, result.stderr


def test_a_file_that_is_no_subtitles_is_said_to_be_so_once(files, tmp_path):
    # A script was 'x_script.txt (SubRip)', hinted 'rename it to x_script.srt', and a README
    # got an error per paragraph (58); a .docx was SubRip too.
    script = files("x_script.txt", """\
        Guion del spot

        LOCUTOR: Los seres humanos no están a la venta.

        Fin.
        """)
    readme = files("nah.srt", "# Notas\n\n" + "\n\n".join(f"Párrafo {n}." for n in range(58)))
    (tmp_path / "guion.docx").write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" * 40)
    result = invoke(script, readme, "guion.docx")
    assert result.exit_code == 1
    said = ("error: this is not a subtitle file: it is in none of the formats read here (SubRip, "
            "WebVTT, ASS, SSA or TTML); no line of it gives a cue's times (hint: subtitles give "
            "each text the times it is shown, as 00:00:01,500 --> 00:00:03,000: save them from "
            "a subtitle editor (Subtitle Edit, Aegisub) in one of those formats)\n")
    assert result.stderr == f"x_script.txt: {said}nah.srt: {said}guion.docx: error: this is " \
        "not a text file: it is a Word document (DOCX) (hint: subtitles are a text file a " \
        "subtitle editor saves: paste the text into Subtitle Edit or Aegisub, time it, and " \
        "save it as SubRip (.srt))\n", result.stderr   # no cue read: no length to miss
    assert result.stdout == ("x_script.txt: 0 cues, 1 error, 0 warnings\n"
                             "nah.srt: 0 cues, 1 error, 0 warnings\n"
                             "guion.docx: 0 cues, 1 error, 0 warnings\n")
    # A SubRip file whose every timing line is broken is still told cue by cue.
    broken = invoke(files("tzh.srt", "1\n00:00:01 --> 00:00:02\nuno\n\n2\n00:00:03 --> "
                                     "00:00:04\ndos\n"))
    assert broken.stderr.count("malformed timing line") == 2, broken.stderr


# Cue 2 covers half of frame 25 at 25 fps (1000-1040 ms): on no frame, left out of the render.
NO_FRAME = """\
    1
    00:00:00,100 --> 00:00:01,000
    Ni tlakatl

    2
    00:00:01,010 --> 00:00:01,030
    amo

    3
    00:00:02,000 --> 00:00:03,000
    tlanamakalli
    """


def test_a_cue_on_no_frame_is_said_at_its_line_instead_of_its_speed_and_duration(files):
    result = invoke(files("nah.srt", NO_FRAME), "--fps", "25", "--json")
    diagnostics = json.loads(result.stdout)["files"][0]["diagnostics"]
    assert [(d["code"], d["line"]) for d in diagnostics if d["line"] == 5] == [("no-frame", 5)]
    result = invoke("nah.srt", "--fps", "25")
    assert result.exit_code == 0, result.output
    assert ("nah.srt:5: warning: cue 2 (00:00:01,010 --> 00:00:01,030) falls between two frames "
            "at 25 fps: it is never shown (hint: lengthen it to at least one frame, 40 ms at 25 "
            "fps: end it at 00:00:01,040 or later; or delete it (YouTube's rolling captions have "
            "such cues between two others)") in result.stderr, result.stderr
    # In WebVTT, its times as WebVTT writes them (at the cue's identifier line); at 29.97 fps
    # 1010-1020 ms is under a third of frame 30 (1001.0-1034.4 ms), which the nearest frame
    # boundaries of its times put it on before.
    vtt = files("nah.vtt", "WEBVTT\n\n" + textwrap.dedent(NO_FRAME).replace(",", ".")
                .replace("01.030", "01.020"))
    result = invoke(vtt, "--fps", "29.97")
    assert ("nah.vtt:7: warning: cue 2 (00:00:01.010 --> 00:00:01.020) falls between two frames "
            "at 29.97 fps: it is never shown (hint: lengthen it to at least one frame, 33.4 ms at "
            "29.97 fps: end it at 00:00:01.034 or later; or delete it") in result.stderr, \
        result.stderr
    # A cue of one frame written to the millisecond is shown, and said as too short only.
    result = invoke(files("one.srt", NO_FRAME.replace("01,010 --> 00:00:01,030",
                                                      "01,000 --> 00:00:01,040")), "--fps", "25")
    assert "never shown" not in result.stderr and "one.srt:5: warning: cue 2 is on screen for " \
        "only 0.040 s" in result.stderr, result.stderr


def test_validate_says_a_cue_on_no_frame_at_the_masters_frame_rate(campaign):
    path = campaign.subtitle("nah", textwrap.dedent(NO_FRAME))
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    result = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"{path}:5: warning: cue 2 (00:00:01,010 --> 00:00:01,030) falls between two " \
        "frames at 25 fps: it is never shown" in result.stderr, result.stderr
    assert "assumed" not in result.stderr


def test_a_file_of_no_cue_on_a_frame_blocks_its_language(campaign):
    # Rendered, a soft variant carried an empty track, a 0-byte .srt and a header-only .vtt.
    path = campaign.subtitle("tzo", "1\n00:00:01,010 --> 00:00:01,020\nnunca\n")
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"},
                               {"code": "nah", "treatment": "burn"}])
    result = CliRunner().invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert f"{path}:1: error: no cue of the file is on a frame at 25 fps: none of it would be " \
        "shown (hint: lengthen its cues to a frame at least)" in result.stderr, result.stderr
    assert "1 blocked" in result.output, result.output
    # Without the video's rate (25 fps assumed), each cue is warned of, the file not refused.
    result = invoke(str(path))
    assert result.exit_code == 0 and "never shown" in result.stderr, result.stderr


# --- the help's examples, on the demo ---------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def help_examples() -> list[str]:
    """The command lines of `check --help`'s examples, a line continued with `\\` joined."""
    text = check.help.split("Examples")[1].split(":", 1)[1].replace("\\\n", " ")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_the_help_says_what_check_does_before_its_two_ways():
    # It began "... without a manifest." and then described --manifest.
    first = check.help.split("\n\n")[0]
    assert "manifest" not in first and first.startswith("Check subtitle files and recordings")
    assert "Two ways. On its own" in check.help.split("\n\n")[1]
    assert check.help.index("On its own") < check.help.index("--manifest")


def test_every_file_the_help_names_is_the_demo_s():
    # It named tzh.vtt and mix.ass, which the demo does not have (it has tzh.srt, mix.srt).
    examples = help_examples()
    assert len(examples) >= 6 and all(line.startswith("pipeline check ") for line in examples)
    named = [word for line in examples for word in shlex.split(line)[2:]
             if "/" in word and not word.startswith("audio/")]      # audio/: `make demo-media`'s
    assert named and all(glob.glob(str(ROOT / word)) for word in named), named


@pytest.mark.e2e
def test_every_example_of_the_help_runs_on_a_fresh_demo(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts/make_demo_media.py")], check=True,
                   capture_output=True)
    for folder in ("manifests", "subtitles", "media", "audio"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for line in help_examples():
        ran = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True,
                             text=True)
        assert ran.returncode == 0 and "Traceback" not in ran.stderr, (line, ran.stderr)
        assert ": error: " not in ran.stderr, (line, ran.stderr)


def run_bounded(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`pipeline ARGS` in a process of at most 1 GiB of memory and 60 s: a read of /dev/zero
    or of a FIFO, if the command tried one, fails the test instead of the machine."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))
    try:
        return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, text=True,
                              capture_output=True, timeout=60, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        pytest.fail(f"pipeline {shlex.join(args)} was still reading after 60 s")


@pytest.mark.parametrize("name", ["zero.srt", "fifo.srt", "zero.wav", "fifo.vtt"])
def test_a_pipe_or_a_device_is_refused_not_read(tmp_path, name):
    # A link to /dev/zero took 1.2 GB of memory a second; a FIFO no one writes hung.
    path = tmp_path / name
    if name.startswith("zero"):
        os.symlink("/dev/zero", path)
    else:
        os.mkfifo(path)
    result = run_bounded("check", name, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    what = "recording" if name.endswith(".wav") else "subtitle file"
    assert result.stderr.splitlines()[0] == (
        f"{name}: error: the {what} is not a regular file (hint: name the file itself, not a "
        "pipe or a device)"), result.stderr
