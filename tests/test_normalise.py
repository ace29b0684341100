"""One normalisation: whatever form a translator's file uses, everything written is NFC, QC counts
the same, and a file mixing both forms of a letter gets one warning naming the lines."""

from __future__ import annotations

import json
import subprocess
import unicodedata

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.manifest import Style
from pipeline.subtitles.burn import write_ass
from pipeline.subtitles.fonts import resolve_font
from pipeline.subtitles.file_check import check_file
from pipeline.subtitles.formats import read_subtitles
from pipeline.subtitles.model import Cue
from pipeline.subtitles.normalise import composed_cues
from tests.mediacheck import FFMPEG

NFC_SRT = ("1\n00:00:00,500 --> 00:00:01,800\nHñähñu: ä ë ö é\n\n"
           "2\n00:00:02,000 --> 00:00:03,600\nya̱ jä'i, ʉ̱ ẍ\n")
NFD_SRT = unicodedata.normalize("NFD", NFC_SRT)


def nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def nfc_text(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_fixture_really_differs():
    assert NFD_SRT != NFC_SRT and not nfc(NFD_SRT) and nfc(NFC_SRT)


def test_the_reader_gives_nfc_and_leaves_the_file_alone(tmp_path):
    path = tmp_path / "ote.srt"
    path.write_text(NFD_SRT, encoding="utf-8")
    before = path.read_bytes()
    subtitles = read_subtitles(path)
    assert [cue.text for cue in subtitles.cues] == [cue.text for cue in read_subtitles(_write(
        tmp_path / "nfc.srt", NFC_SRT)).cues]
    assert all(nfc(cue.text) for cue in subtitles.cues)
    assert "a\u0331" in subtitles.cues[1].text      # no composed form: stays as typed
    assert not subtitles.warnings                   # one form throughout: nothing to say
    assert path.read_bytes() == before


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_qc_and_the_ass_script_are_identical_for_either_form(tmp_path):
    long = "ä" * 30 + " " + "ö" * 30       # too long a line, too fast, and a wrap to measure
    text = f"1\n00:00:00,500 --> 00:00:01,300\n{long}\n"
    results = []
    scripts = []
    for form in ("NFC", "NFD"):
        path = _write(tmp_path / f"{form}.srt", unicodedata.normalize(form, text))
        results.append([d.message for d in check_file(path, frames=[(640, 360)]).diagnostics])
        ass = tmp_path / f"{form}.ass"
        write_ass(read_subtitles(path).cues, ass, style=Style(), width=640, height=360,
                  font=resolve_font("Noto Sans"))
        scripts.append(ass.read_text(encoding="utf-8"))
    assert results[0] == results[1]
    assert any("61 characters" in message for message in results[0]), results[0]
    assert scripts[0] == scripts[1] and nfc(scripts[0])


def test_a_file_mixing_forms_gets_one_warning_with_the_lines(tmp_path):
    composed, decomposed = "ä", "a\u0308"
    text = "".join(f"{n}\n00:00:0{n},000 --> 00:00:0{n},900\n{word}\n\n" for n, word in enumerate(
        [f"j{composed}", f"b{composed}", f"t{decomposed}", "é", "e\u0301", "a\u0331"], 1))
    path = _write(tmp_path / "ote.srt", text)
    result = CliRunner().invoke(cli, ["check", str(path)])
    lines = [line for line in result.stderr.splitlines() if "two Unicode forms" in line]
    assert len(lines) == 1, result.stderr
    # The slip (the rarer form) is where the warning points: cue 3 starts on line 9.
    assert lines[0].startswith(f"{path}:9: warning: the same letter is typed in two Unicode forms")
    assert ("ä composed (U+00E4) in the cues at lines 1, 5, decomposed (U+0061 + U+0308) in the "
            "cue at line 9") in lines[0]
    assert ("é composed (U+00E9) in the cue at line 13, decomposed (U+0065 + U+0301) in the cue "
            "at line 17") in lines[0]
    assert "U+0331" not in lines[0]
    assert result.exit_code == 0            # a warning: the file can be used


@pytest.mark.e2e
def test_sidecars_track_and_catalog_are_written_nfc(campaign):
    campaign.subtitle("maz", NFD_SRT)
    manifest = campaign.write([{"code": "maz", "name": unicodedata.normalize("NFD", "Jñatrjo"),
                                "treatment": "soft"}])
    source = (campaign.root / "subtitles/spot/maz.srt").read_bytes()
    result = CliRunner().invoke(cli, ["render", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for sidecar in ("spot.maz.srt", "spot.maz.vtt"):
        text = (campaign.out / sidecar).read_text(encoding="utf-8")
        assert "Hñähñu" in text and nfc(text), sidecar
    track = subprocess.run([FFMPEG, "-v", "error", "-i", str(campaign.out / "spot.maz.small.mp4"),
                            "-map", "0:s:0", "-f", "srt", "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "Hñähñu" in track and nfc(track)
    catalog = json.loads((campaign.root / "build/test-campaign/catalog.json").read_text())
    assert catalog["variants"][0]["language_name"] == "Jñatrjo"
    assert (campaign.root / "subtitles/spot/maz.srt").read_bytes() == source


# A trial's Wixárika cue: the line break typed between a letter and its combining macron below.
STRANDED = "1\n00:00:00,000 --> 00:00:00,900\nniukieya pa\n\u0331di ʼiyari\n"


def test_a_mark_that_starts_a_line_goes_back_on_the_letter_before_the_break(tmp_path):
    path = _write(tmp_path / "hch.srt", STRANDED + "\n2\n00:00:01,000 --> 00:00:01,900\n"
                                                   "\u0331\u0301di\n")
    before = path.read_bytes()
    subtitles = read_subtitles(path)
    assert [cue.text for cue in subtitles.cues] == ["niukieya pa\u0331\ndi ʼiyari",
                                                    "\u0331\u0301di"]
    mended, alone = [d for d in subtitles.warnings if "mark" in d.code]
    assert (mended.code, alone.code) == ("stranded-mark", "mark-without-letter")
    assert mended.line == 1 and mended.message == (
        "cue 1: a line starts with U+0331 (combining macron below), a mark of the letter before "
        "the line break: it is drawn there, 'a̱' at the end of the line above")
    # A cue's first letter has no letter before it: said, left as typed (nothing to move to),
    # its marks named in the order typed.
    assert alone.line == 6 and alone.message.startswith(
        "cue 2: a line starts with U+0331 (combining macron below), U+0301 (combining acute "
        "accent), marks with no letter before them")
    assert path.read_bytes() == before


@pytest.mark.parametrize("typed, mended", [
    # Each line in italics, as subtitle editors write them; the mark before the closing tag.
    ("<i>niukieya pa</i>\n<i>\u0331di</i>", "<i>niukieya pa\u0331</i>\n<i>di</i>"),
    ("<i>pa</i>\n\u0331di", "<i>pa\u0331</i>\ndi"),
    ("pa\n\u0331", "pa\u0331"),                   # a line of the mark alone is gone with it
    ("pa\n\u0301\u0331di", "pá\u0331\ndi"),       # marks in the order typed, composed
])
def test_a_stranded_mark_goes_back_on_its_letter_through_the_line_s_tags(typed, mended):
    (cue,), (found,) = composed_cues([Cue(1, 0, 900, typed, 1)], "hch.srt")
    assert cue.text == nfc_text(mended) and found.code == "stranded-mark", found


@pytest.mark.parametrize("typed", ["pa \n\u0331di", "pa\n \u0331di"])
def test_a_space_between_a_letter_and_its_stranded_mark_goes_first(typed):
    # Either side of the break: the space left out (said), then the mark put back on its
    # letter (said); a reviewer: the mark after a line's leading space was left alone, then
    # the space removed, and the mark drawn on nothing, unsaid.
    (cue,), found = composed_cues([Cue(1, 0, 900, typed, 1)], "hch.srt")
    assert cue.text == nfc_text("pa\u0331\ndi")
    assert sorted(d.code for d in found) == ["spaces", "stranded-mark"], found


@pytest.mark.parametrize("typed", ["{\\an8}\u0331di", " \u0331di", "a\n\n\u0331b"])
def test_a_mark_with_no_letter_before_it_is_said_and_left(typed):
    # After a cue's tags, at its start (a space before it left out), after an empty line: no
    # letter to take it.
    (cue,), found = composed_cues([Cue(1, 0, 900, typed, 1)], "hch.srt")
    assert cue.text == typed.lstrip(" ")
    assert [d.code for d in found] == ["mark-without-letter"] + ["spaces"] * typed.startswith(" ")


@pytest.mark.parametrize("typed, tidied", [
    ("Tlaneltokilistli  ika tlakamej ", "Tlaneltokilistli ika tlakamej"),
    (" <i>amo</i>\n<i> tlanamakalo </i> ", "<i>amo</i>\n<i>tlanamakalo</i>"),
    ("{\\an8} LÍNEA   800\n- Sí.", "{\\an8}LÍNEA 800\n- Sí."),
    ("oui\u00a0!", None),                # a no-break space is typed on purpose: kept
    ("a\n \nb", None),                   # a line of spaces alone is no edge of a text
])
def test_spaces_at_a_line_s_edges_or_two_in_a_row_are_left_out_and_said(typed, tidied):
    # A subtitler's checker flags each; libass draws them: a centred line with a space at its
    # end stands off centre, and a double space is a wider gap between two words.
    (cue,), found = composed_cues([Cue(7, 0, 900, typed, 31)], "nah.srt")
    assert cue.text == (typed if tidied is None else tidied)
    assert [(d.code, d.line, d.severity) for d in found] == \
        ([] if tidied is None else [("spaces", 31, "warning")])


@pytest.mark.e2e
def test_a_mark_that_starts_a_line_is_burned_on_its_letter(tmp_path):
    # libass drew the stranded macron on nothing: the frame was the one of "pa" / "di".
    from pipeline.subtitles.burn import ass_fontsdir
    from tests.mediacheck import burned_frames

    noto = resolve_font("Noto Sans")
    frames = {}
    alone = "1\n00:00:00,000 --> 00:00:00,900\n\u0331di ʼiyari\n"
    for name, text in {"stranded": STRANDED, "typed": STRANDED.replace("pa\n\u0331", "pa\u0331\n"),
                       "without": STRANDED.replace("\u0331", ""), "alone": alone,
                       "alone without": alone.replace("\u0331", "")}.items():
        folder = tmp_path / name
        folder.mkdir()
        write_ass(read_subtitles(_write(folder / "hch.srt", text)).cues, folder / "a.ass",
                  style=Style(), width=640, height=360, font=noto)
        (frames[name],) = burned_frames(folder / "a.ass", ass_fontsdir(noto, folder), 640, 360, 1)
    assert frames["typed"] != frames["without"]        # the macron shows
    assert frames["stranded"] == frames["typed"]
    # One that starts a cue is drawn alone, as its warning says (a stray mark, not nothing).
    assert frames["alone"] != frames["alone without"]
