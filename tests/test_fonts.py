"""Font resolution as libass does it, glyph coverage, and HarfBuzz measurement."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fontTools import subset

from pipeline.errors import PipelineError
from pipeline.subtitles import fonts
from pipeline.subtitles.fonts import (
    Font,
    ascent_em,
    ass_font_size,
    bold_variant,
    em_from_ass_font_size,
    resolve_font,
    style_font_hint,
    text_width,
)
from pipeline.subtitles.glyphs import fonts_with, missing_glyphs
from pipeline.subtitles.model import Cue

NOTO = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"


@pytest.fixture(scope="module")
def noto() -> Font:
    return resolve_font("Noto Sans")


def test_resolves_a_family_through_fontconfig(noto):
    assert noto.family == "Noto Sans"
    assert noto.path.name == "NotoSans-Regular.ttf" and noto.path.is_file()


def test_family_names_are_matched_loosely_on_case_and_spaces():
    assert resolve_font("noto  sans").path.name == "NotoSans-Regular.ttf"


def test_unknown_family_names_the_substitute():
    with pytest.raises(PipelineError) as caught:
        resolve_font("Noto Sans Foo")
    message = str(caught.value)
    assert 'font "Noto Sans Foo" is not installed' in message
    assert 'fontconfig would substitute "' in message
    assert "fonts-noto-core" in caught.value.hint


def test_a_missing_font_s_hint_helps_with_that_font(monkeypatch):
    # 'apt-get install fonts-noto-core' was the hint for Arial too.
    with pytest.raises(PipelineError) as caught:
        resolve_font("Arial Foo")
    assert "fonts-noto-core" not in caught.value.hint
    assert caught.value.hint.startswith("install it (its .ttf or .otf file in ~/.local/share/")
    # A style of the translator's file: the campaign's font is named when it is installed, and
    # what is installed only when that is short.
    hint = str(style_font_hint("Arial", "Noto Sans"))
    assert hint.startswith('install "Arial" (its .ttf or .otf file in ~/.local/share/fonts), or '
                           "change the style's font in the file to an installed one, such as "
                           'the campaign\'s "Noto Sans"')
    assert "installed:" not in hint     # this machine has Noto's many families
    monkeypatch.setattr(fonts, "installed_families", lambda: ("DejaVu Sans", "Noto Sans"))
    assert str(style_font_hint("Arial", "No Such Font Sans")).endswith(
        "change the style's font in the file to an installed one (installed: DejaVu Sans, "
        "Noto Sans)")


def test_a_font_file_is_used_directly_with_its_family_name():
    font = resolve_font(NOTO)
    assert font == Font("Noto Sans", Path(NOTO))


def test_a_missing_font_file_is_an_error(tmp_path):
    with pytest.raises(PipelineError, match="font file not found"):
        resolve_font(str(tmp_path / "nope.ttf"))


def test_bold_variant_is_the_same_family(noto):
    bold = bold_variant(noto)
    assert bold.family == "Noto Sans" and bold.path.name == "NotoSans-Bold.ttf"


def test_private_use_character_is_reported_with_its_cue_line(noto, tmp_path):
    cues = [Cue(1, 0, 1000, "ok", 1), Cue(2, 1000, 2000, "ma\ue000x\ue000\n<i>ꞌ</i>", 5)]
    (problem,) = missing_glyphs(cues, noto, tmp_path / "nah.srt")
    assert (problem.severity, problem.line, problem.code) == ("error", 5, "glyph")
    assert problem.path == tmp_path / "nah.srt"
    assert "U+E000 ('\\ue000')" in problem.message
    assert problem.message.count("U+E000") == 1
    assert '"Noto Sans"' in problem.message and "NotoSans-Regular.ttf" in problem.message
    assert problem.hint.startswith("no installed font has them")     # nothing has U+E000


def test_invisible_characters_pasted_from_phones_are_not_asked_of_the_font(noto, tmp_path):
    # An emoji's variation selector (U+FE0F after ©), a joiner, a soft hyphen: HarfBuzz draws
    # none of them (U+FE0F, which Noto Sans lacks, blocked the file with an empty-looking error).
    cues = [Cue(1, 0, 1000, "Tu\u00adun \u00a9\ufe0f ka\u200dni", 1)]
    assert missing_glyphs(cues, noto, tmp_path / "mix.srt") == []


def test_the_hint_names_an_installed_font_that_has_the_missing_characters(noto, tmp_path):
    (problem,) = missing_glyphs([Cue(1, 0, 1, "البشر ليسوا للبيع.", 2)], noto, tmp_path / "ar.srt")
    assert "U+0627" in problem.message
    assert '"Noto Sans Arabic"' in problem.hint and "style: {font: ...}" in problem.hint
    assert fonts_with("ا")[0] == "Noto Sans Arabic"             # Noto Sans families first
    assert "Noto Sans" in fonts_with("a") and fonts_with("\ue000") == []
    assert not missing_glyphs([Cue(1, 0, 1, "البشر", 2)], resolve_font("Noto Sans Arabic"),
                              tmp_path / "ar.srt")


def test_the_hint_names_fonts_that_have_every_character_of_the_file(tmp_path):
    # Arabic with Latin letters and brackets: Noto Sans has no Arabic, Noto Sans Arabic no
    # Latin letters or brackets. Each error's hint named the other font, and following it only
    # moved the error. The hint now names fonts that have the whole file, and one of them does.
    cues = [Cue(1, 0, 1, "مرحبا بالعالم 2024 (نص)", 1), Cue(2, 1, 2, "أهلاً CNN وسهلاً", 5)]
    for font in (resolve_font("Noto Sans"), resolve_font("Noto Sans Arabic")):
        # (Noto Sans Arabic's missing brackets are symbols: drawn from a fallback, a warning.)
        problems = [p for p in missing_glyphs(cues, font, tmp_path / "ar.srt")
                    if p.severity == "error"]
        assert problems and all("every character of the file" in p.hint for p in problems)
        named = re.search(r'\("([^"]+)"', problems[0].hint).group(1)
        assert not missing_glyphs(cues, resolve_font(named), tmp_path / "ar.srt"), named


def test_missing_combining_mark_is_reported(tmp_path):
    # A Noto Sans cut down to basic Latin: U+0331 (combining macron below) would be a box.
    latin = tmp_path / "NotoSans-Latin.ttf"
    subset.main([NOTO, f"--output-file={latin}", "--unicodes=U+0020-007E"])
    font = resolve_font(str(latin))
    (problem,) = missing_glyphs([Cue(1, 0, 1, "ax\u0331 ẍ", 3)], font, tmp_path / "x.srt")
    assert problem.line == 3
    assert "U+0331 ('\u0331'), U+1E8D ('ẍ')" in problem.message


def test_characters_of_the_languages_we_serve_are_in_noto_sans(noto, tmp_path):
    # saltillo, combining macron below, x with diaeresis, barred u (and the precomposed forms)
    text = "\ua78c \u0331 x\u0331 \u1e8d x\u0308 \u0289 ñáéíóú <b>ꞌ</b>"
    assert missing_glyphs([Cue(1, 0, 1, text, 1)], noto, tmp_path / "x.srt") == []


def test_text_width_grows_with_text_and_size(noto):
    widths = [text_width("tlaka"[:n], noto, 40) for n in range(1, 6)]
    assert widths == sorted(widths) and widths[0] > 0
    assert text_width("tlaka", noto, 80) == pytest.approx(2 * widths[-1])


def test_combining_mark_adds_no_width(noto):
    assert text_width("x\u0331", noto, 50) == pytest.approx(text_width("x", noto, 50), abs=0.01)


def test_text_width_is_the_widest_line(noto):
    assert text_width("a\nlonger", noto, 20) == text_width("longer", noto, 20)


def test_ass_font_size_follows_the_win_metrics(noto):
    # Noto Sans: usWinAscent 1069 + usWinDescent 293 over 1000 units per em.
    assert ass_font_size(noto, 100) == pytest.approx(136.2)
    assert em_from_ass_font_size(noto, ass_font_size(noto, 54)) == pytest.approx(54)
    # libass draws the baseline the win ascent below a line's top, in both faces.
    assert ascent_em(noto) == ascent_em(bold_variant(noto)) == pytest.approx(1.069)
