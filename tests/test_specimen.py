"""The reviewers' specimen: every distinct character of the file, burned as it will air (font,
em in pixels, shaping), each labelled with its code points."""

from __future__ import annotations

import re

import numpy as np
import pytest
from click.testing import CliRunner
from fontTools.ttLib import TTFont
from PIL import Image

from pipeline.cli.preview import preview
from pipeline.profiles import BUILTIN_PROFILES
from pipeline.render.specimen import (code_points, distinct_graphemes, label_font,
                                      specimen_script, write_specimen)
from pipeline.manifest import Language, Style
from pipeline.subtitles.burn import ass_fontsdir
from pipeline.subtitles.fonts import bold_variant, em_from_ass_font_size, resolve_font
from pipeline.subtitles.model import Cue
from tests.conftest import ASS

INVENTORY = "1\n00:00:00,520 --> 00:00:02,000\n<i>Hñähñu</i> a̱ ʼ H\n\n" \
            "2\n00:00:02,520 --> 00:00:03,600\nJä'i, 1.\n"


def test_graphemes_are_distinct_letters_first_each_beside_its_variants():
    cues = [Cue(1, 0, 1, "<i>Hñähñu</i> a̱ ʼ H", 1), Cue(2, 1, 2, "Jä'i, 1.", 5)]
    assert distinct_graphemes(cues) == ["ä", "a̱", "H", "h", "i", "J", "ñ", "u", "ʼ", "'", ",",
                                        ".", "1"]
    assert code_points("a̱") == "U+0061 U+0331"


def test_no_break_spaces_are_shown_as_the_invisible_characters_are():
    # U+00A0 (typed, &nbsp; in SRT or \h in ASS) had no cell: it looks like a space, but holds
    # two words on one line. The space, and tabs and line breaks, stay out.
    cues = [Cue(1, 0, 1, "Tu\u00adun\u00a0ka\u200bni\u200e\tjä\u202fa\nb", 1)]
    graphemes = distinct_graphemes(cues)
    assert {"\u00a0", "\u202f", "\u00ad", "\u200b", "\u200e"} <= set(graphemes)
    assert not {" ", "\t", "\n"} & set(graphemes)
    script, _, _ = specimen_script(cues, Language("nah", "Nahuatl", "burn"),
                                   resolve_font("Noto Sans"), BUILTIN_PROFILES["web"])
    assert "}\u00a0\n" in script and "U+00A0" in script


def test_the_script_is_at_the_profiles_em_and_has_every_cell():
    language = Language("ote", "Hñähñu", "burn")
    font = resolve_font("Noto Sans")
    script, width, height = specimen_script([Cue(1, 0, 1, "a̱ ä ʼ", 1)], language, font,
                                            BUILTIN_PROFILES["web"])
    assert width % 2 == 0 and height % 2 == 0 and width <= 1600
    assert script.count("Dialogue:") == 1 + 2 * 3          # the title, each character and label
    assert "a\u0331" in script and "U+0061 U+0331" in script
    assert "Fontsize" in script and "shaping" not in script


@pytest.mark.e2e
def test_preview_writes_a_specimen_drawn_at_the_render_size(campaign):
    campaign.subtitle("ote", INVENTORY)
    manifest = campaign.write([{"code": "ote", "treatment": "burn"}])
    result = CliRunner().invoke(preview, [str(manifest), "--lang", "ote", "--profile", "web",
                                          "--no-video"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    path = campaign.out / "spot.ote.specimen.png"
    assert f"specimen:      {path}" in result.stdout
    language = Language("ote", "Hñähñu", "burn")
    font = resolve_font("Noto Sans")
    script, width, height = specimen_script([Cue(1, 0, 1, "<i>Hñähñu</i> a̱ ʼ H Jä'i, 1.", 1)],
                                            language, font, BUILTIN_PROFILES["web"])
    image = Image.open(path).convert("L")
    assert image.size == (width, height)

    # Each character stands at the bottom-centre point its event gives, as tall as it is on
    # the web frame: "H" as tall as Noto Sans' capitals at an em of 0.05 x 1080 = 54 px.
    x, y = map(float, re.search(r"\\pos\(([\d.]+),([\d.]+)\)\}H\n", script).groups())
    rows = [row for row in range(int(y) - 54, int(y)) for column in range(int(x) - 27, int(x) + 27)
            if image.getpixel((column, row)) > 200]
    with TTFont(font.path, lazy=True) as ttf:
        cap = ttf["OS/2"].sCapHeight / ttf["head"].unitsPerEm
    assert max(rows) - min(rows) + 1 == pytest.approx(cap * 54, abs=2)


@pytest.mark.e2e
def test_labels_of_a_script_without_latin_letters_stay_in_their_cells(tmp_path):
    """An Arabic font has no 'U', '+' or Latin digits: the labels are set (and measured) in
    Noto Sans; left to libass's fallback they came out wider than measured and ran together."""
    font, latin = resolve_font("Noto Sans Arabic"), resolve_font("Noto Sans")
    assert label_font(font) == latin and label_font(latin) == latin
    language = Language("ar", "العربية", "burn", Style(font="Noto Sans Arabic"))
    cues = [Cue(1, 0, 1, "البشر ليسوا للبيع.", 1)]
    profile = BUILTIN_PROFILES["proxy"]
    script, width, height = specimen_script(cues, language, font, profile)
    target = write_specimen(cues, language, font, profile, tmp_path,
                            ass_fontsdir(font, tmp_path, label_font(font)), tmp_path / "s.png")
    image = Image.open(target).convert("L")
    assert image.size == (width, height)

    # The labels' row: the background between two neighbours is at least half the cells'
    # spacing (0.6 em: 10.8 px at the proxy's 18 px em) wide.
    labels = [(float(x), float(y)) for x, y in re.findall(r"\\an8\\pos\(([\d.]+),([\d.]+)\)", script)]
    top = int(labels[0][1])
    ink = {x for x in range(width) for y in range(top, min(height, top + 20))
           if image.getpixel((x, y)) > 160}
    for (left, _), (right, _) in zip(labels, labels[1:]):
        middle = int((left + right) / 2)
        if middle in ink:
            raise AssertionError(f"the labels at {left:.0f} and {right:.0f} px touch")
        start = max(x for x in range(int(left), middle) if x in ink)
        end = min(x for x in range(middle, int(right)) if x in ink)
        assert end - start - 1 >= 5.4, f"labels at {left:.0f} and {right:.0f} px {end - start - 1} px apart"


@pytest.mark.e2e
def test_a_file_s_own_styles_are_drawn_in_the_specimen(campaign):
    """With `style: {from_file: true}` the render burns the file's styles: so does the
    specimen, each character in the style of the cues it is in. It was drawn in the campaign's
    white, whatever the file said."""
    two_styles = ASS.replace(
        "Style: Default,Noto Sans,24,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,",
        "Style: Default,Noto Sans,48,&H0000FFFF,&H000000FF,&H00000000,&H00000000,-1,") \
        .replace("[Events]", "Style: Sign,Noto Sans,24,&H00FFFF00,&H000000FF,&H00000000,"
                 "&H00000000,0,0,0,0,100,100,0,0,1,2,0,8,10,10,10,1\n\n[Events]") \
        .replace("Default,,0,0,0,,no están a la venta", "Sign,,0,0,0,,VENTA")
    campaign.subtitle("zai", two_styles, suffix=".ass")
    manifest = campaign.write([{"code": "zai", "treatment": "burn", "style": {"from_file": True}}])
    result = CliRunner().invoke(preview, [str(manifest), "--lang", "zai", "--profile", "web",
                                          "--no-video"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    image = Image.open(campaign.out / "spot.zai.specimen.png").convert("RGB")
    red, green, blue = np.asarray(image).astype(int).transpose(2, 0, 1)
    yellow = (red > 200) & (green > 200) & (blue < 60)
    cyan = (red < 60) & (green > 200) & (blue > 200)
    assert yellow.sum() > 2000 and cyan.sum() > 200, (yellow.sum(), cyan.sum())
    # As large as the render draws it on the 1080-line web frame: 48 units of the file's
    # 360-line PlayRes, bold; its first row (a e h L ...) is as tall as the bold face's "h".
    bold = bold_variant(resolve_font("Noto Sans"))
    em = em_from_ass_font_size(bold, 48 * 1080 / 360)
    with TTFont(bold.path, lazy=True) as ttf:
        ascender = ttf["glyf"]["h"].yMax / ttf["head"].unitsPerEm
    rows = np.flatnonzero(yellow.any(axis=1))
    first_row = rows[rows < rows[0] + em * 1.2]
    assert first_row[-1] - first_row[0] + 1 == pytest.approx(ascender * em, abs=3)
