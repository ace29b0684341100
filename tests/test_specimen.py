"""The reviewers' specimen: every distinct character of the file, burned as it will air (font,
em in pixels, shaping), each labelled with its code points."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from fontTools.ttLib import TTFont
from PIL import Image

from pipeline.cli.translate import preview
from pipeline.profiles import BUILTIN_PROFILES
from pipeline.render.specimen import code_points, distinct_graphemes, specimen_script
from pipeline.manifest import Language
from pipeline.subtitles.fonts import resolve_font
from pipeline.subtitles.model import Cue

INVENTORY = "1\n00:00:00,520 --> 00:00:02,000\n<i>Hñähñu</i> a̱ ʼ H\n\n" \
            "2\n00:00:02,520 --> 00:00:03,600\nJä'i, 1.\n"


def test_graphemes_are_distinct_letters_first_each_beside_its_variants():
    cues = [Cue(1, 0, 1, "<i>Hñähñu</i> a̱ ʼ H", 1), Cue(2, 1, 2, "Jä'i, 1.", 5)]
    assert distinct_graphemes(cues) == ["ä", "a̱", "H", "h", "i", "J", "ñ", "u", "ʼ", "'", ",",
                                        ".", "1"]
    assert code_points("a̱") == "U+0061 U+0331"


def test_the_script_is_at_the_profiles_em_and_has_every_cell():
    language = Language("ote", "Hñähñu", "burn")
    font = resolve_font("Noto Sans")
    script, width, height = specimen_script(["a̱", "ä", "ʼ"], language, font,
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
    graphemes = distinct_graphemes([Cue(1, 0, 1, "<i>Hñähñu</i> a̱ ʼ H Jä'i, 1.", 1)])
    script, width, height = specimen_script(graphemes, language, font, BUILTIN_PROFILES["web"])
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
