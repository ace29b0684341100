"""SRT cues to ASS: frame geometry, wrapping inside the title-safe area, escaping, and one real
burn through `burn_in` (ffmpeg's `ass` filter, in `tests/mediacheck.burned_frames`)."""

from __future__ import annotations

import itertools
import random
import re
import subprocess
from pathlib import Path

import ffmpeg
import pytest
from fontTools import subset

from pipeline.errors import PipelineError
from pipeline.manifest import Box, QcSettings, Style
from pipeline.subtitles.burn import (
    ass_colour,
    ass_fontsdir,
    ass_time,
    burn_in,
    coloured,
    write_ass,
)
from pipeline.subtitles.linebreak import Layout, _break_lines, box_padding_px, layout_cue
from pipeline.subtitles.fonts import (
    DRAWN_APART,
    Font,
    ass_font_size,
    drawn_apart,
    em_from_ass_font_size,
    line_height_em,
    resolve_font,
    text_width,
)
from pipeline.subtitles.glyphs import fonts_with, missing_glyphs
from pipeline.subtitles.model import Cue
from tests.mediacheck import FFMPEG, burned_frames

LONG = ("Tlen nochi tlakamej tlen tlaltikpak nemij ayik moneki makinnamakakan, "
        "ni tlakamej ni siuamej, ni konemej")
LONG_WORD = "Nemaktilistlahtolnamakaltikpakayotl" * 2


@pytest.fixture(scope="module")
def noto() -> Font:
    return resolve_font("Noto Sans")


def write(tmp_path: Path, cues, font: Font, style: Style = Style(), width: int = 1920,
          height: int = 1080, qc: QcSettings | None = None) -> str:
    path = tmp_path / "subtitles.ass"
    write_ass(cues, path, style=style, width=width, height=height, font=font, qc=qc)
    return path.read_text(encoding="utf-8")


def field(script: str, key: str) -> str:
    return re.search(rf"^{key}: (.*)$", script, re.MULTILINE).group(1)


def style_fields(script: str) -> dict[str, str]:
    names = [n.strip() for n in re.search(r"^\[V4\+ Styles\]\nFormat: (.*)$", script,
                                          re.MULTILINE).group(1).split(",")]
    return dict(zip(names, field(script, "Style").split(",")))


def dialogue_texts(script: str) -> list[str]:
    return [line.split(",", 9)[9] for line in script.splitlines() if line.startswith("Dialogue:")]


def shown_lines(text: str) -> list[str]:
    """The lines libass draws: override blocks dropped, escapes undone."""
    text = re.sub(r"(?<!\\)\{[^}]*\}", "", text)
    return [line.replace("\\{", "{").replace("\\}", "}").replace("\u2060", "")
            for line in text.split("\\N")]


def em_of(text: str, font: Font, style_em: float) -> float:
    """The em a Dialogue is set at: the style's, or that of its \\fs override."""
    override = re.match(r"(?:\{\\an\d\})?\{\\fs([\d.]+)\}", text)
    return em_from_ass_font_size(font, float(override.group(1))) if override else style_em


def test_play_resolution_is_the_frame_and_style_follows_the_manifest(tmp_path, noto):
    style = Style(size=0.05, outline=3, position="top", color="#FFCC00",
                  outline_color="#102030", bold=True)
    script = write(tmp_path, [Cue(1, 0, 1000, "uno", 1)], noto, style, 1080, 1920)
    assert (field(script, "PlayResX"), field(script, "PlayResY")) == ("1080", "1920")
    assert field(script, "WrapStyle") == "2"
    assert field(script, "ScaledBorderAndShadow") == "yes"
    fields = style_fields(script)
    assert fields["Fontname"] == "Noto Sans"
    # A portrait frame's text is sized by its short side, the width: 0.05 of its height was a
    # 96 px em, 10 ems across the title-safe width.
    assert float(fields["Fontsize"]) == pytest.approx(ass_font_size(noto, 0.05 * 1080), abs=0.01)
    assert fields["PrimaryColour"] == "&H0000CCFF" and fields["OutlineColour"] == "&H00302010"
    assert fields["Bold"] == "-1" and fields["Alignment"] == "8"
    assert float(fields["Outline"]) == pytest.approx(3, abs=0.01)
    assert int(fields["MarginL"]) >= 0.05 * 1080 and int(fields["MarginR"]) >= 0.05 * 1080
    assert int(fields["MarginV"]) >= 0.05 * 1920


@pytest.mark.parametrize("width, height", [(1920, 1080), (1080, 1920), (640, 360)])
def test_long_text_is_wrapped_inside_the_safe_width(tmp_path, noto, width, height):
    script = write(tmp_path, [Cue(1, 0, 1000, LONG, 1)], noto, Style(size=0.06), width, height)
    (text,) = dialogue_texts(script)
    lines = shown_lines(text)
    em = em_of(text, noto, 0.06 * min(width, height))    # of the short side (linebreak.em_px)
    widths = [text_width(line, noto, em) for line in lines]
    assert len(lines) >= 2
    assert max(widths) <= 0.9 * width
    assert " ".join(lines) == LONG  # nothing lost, every break at a space
    if len(lines) == 2:  # balanced: not a full line and an orphan
        assert min(widths) / max(widths) > 0.7


def test_lines_that_fit_keep_their_breaks(tmp_path, noto):
    script = write(tmp_path, [Cue(1, 0, 1000, "Ni tlakatl\namo se tlamantli", 1)], noto)
    assert dialogue_texts(script) == ["Ni tlakatl\\Namo se tlamantli"]


def burned_lines(tmp_path, text: str, font: Font, qc: QcSettings | None = QcSettings(),
                 style: Style = Style()):
    (script,) = dialogue_texts(write(tmp_path, [Cue(1, 0, 1000, text, 1)], font, style, qc=qc))
    return shown_lines(script)


def test_a_line_over_the_character_limit_is_broken_though_it_fits_the_width(tmp_path, noto):
    # A trial's 64 characters were burned on one line across 88 % of the frame (TTSG: 42):
    # 1721 px, which fits 1728 px less a 2 px outline each side. (The default look's outline and
    # shadow take 4.5 px a side, and the width alone would break it.)
    text = "Los seres humanos no están a la venta en ninguna parte del mundo"
    thin = Style(outline=2, shadow=0)
    assert burned_lines(tmp_path, text, noto, None, thin) == [text]   # the width alone: fits
    assert burned_lines(tmp_path, text, noto, None) != [text]
    lines = burned_lines(tmp_path, text, noto)
    assert " ".join(lines) == text and len(lines) == 2
    assert all(len(line) <= 42 for line in lines), lines
    # Not after a short word: the most even break ("... a la / venta ...") splits an article
    # from its noun.
    assert lines == ["Los seres humanos no están a la venta", "en ninguna parte del mundo"]
    # A limit of its own, per language.
    assert len(burned_lines(tmp_path, text, noto, QcSettings(max_line_chars=70), thin)) == 1


def test_the_character_limit_never_takes_a_cue_past_its_lines(tmp_path, noto):
    # 106 characters need 3 lines of 42; 2 lines fit the frame's width, and a cue may take 2.
    lines = burned_lines(tmp_path, LONG, noto)
    assert len(lines) == 2 and " ".join(lines) == LONG


def test_a_natural_break_never_takes_a_line_over_the_character_limit(tmp_path, noto):
    # A translator's 75 characters broke after the first comma into 29 and 46 characters, over
    # the 42 the break was made for; no comma break keeps both lines within 42, so the most
    # even break stands.
    text = "Ayāc quinamacaz in ītlācayo, ayāc quicōhuaz in ītlahtōl, ayāc quitlacuepaz."
    lines = burned_lines(tmp_path, text, noto)
    assert lines == ["Ayāc quinamacaz in ītlācayo, ayāc",
                     "quicōhuaz in ītlahtōl, ayāc quitlacuepaz."], lines


def test_a_line_broken_in_two_breaks_after_a_comma_when_the_lines_stay_balanced(tmp_path, noto):
    text = ("Nochi tlakamej ipan ni tlaltikpak, amo xikmaka se siuatl, amo xikmaka se konetl, "
            "amo xikmaka ni se tlakatl")
    lines = burned_lines(tmp_path, text, noto)
    assert lines == ["Nochi tlakamej ipan ni tlaltikpak, amo xikmaka se siuatl,",
                     "amo xikmaka se konetl, amo xikmaka ni se tlakatl"], lines
    # A comma that would leave an orphan is no reason: the most even break stands.
    assert burned_lines(tmp_path, LONG, noto)[0].endswith("moneki")


def test_a_word_too_wide_for_any_line_shrinks_the_cue(tmp_path, noto):
    script = write(tmp_path, [Cue(1, 0, 1000, f"{LONG_WORD} uno", 1)], noto, width=640, height=360)
    (text,) = dialogue_texts(script)
    em = em_of(text, noto, 0.05 * 360)
    assert em < 0.05 * 360
    assert all(text_width(line, noto, em) <= 0.9 * 640 for line in shown_lines(text))


def test_override_syntax_in_the_text_is_escaped(tmp_path, noto):
    cue = Cue(1, 0, 1000, "{\\b1}bold? <i>no</i> a\\Nb c\\<b>d</b> {\\an8}", 1)
    (text,) = dialogue_texts(write(tmp_path, [cue], noto))
    assert text.startswith("{\\an8}")  # the SRT convention for "top" is honoured
    assert "\\{\\b1\\}bold?" in text
    assert "{\\i1}no{\\i0}" in text
    assert "a\\\u2060Nb" in text  # a literal backslash-N is not a line break
    assert "c\\\u2060{\\b1}d{\\b0}" in text  # nor does it escape the tag that follows
    assert shown_lines(text) == ["{\\b1}bold? no a\\Nb c\\d"]


def exhaustive_breaks(widths, gaps, limit):
    """The objective `_break_lines` promises, by trying every set of breaks: fewest lines within
    `limit`, then the shortest longest line, then the least sum of squared shortfalls."""
    def span(first, end):
        return sum(widths[first:end]) + sum(gaps[first:end - 1])

    best = None
    for count in range(len(widths)):
        for inner in itertools.combinations(range(1, len(widths)), count):
            firsts = [0, *inner]
            spans = [span(a, b) for a, b in zip(firsts, [*inner, len(widths)])]
            if max(spans) <= limit:
                longest = max(spans)
                cost = (len(spans), longest, sum((longest - w) ** 2 for w in spans))
                best = min(best or cost, cost)
    return best


def objective(firsts, widths, gaps):
    spans = [sum(widths[a:b]) + sum(gaps[a:b - 1])
             for a, b in zip(firsts, [*firsts[1:], len(widths)])]
    return len(spans), max(spans), sum((max(spans) - w) ** 2 for w in spans)


def test_line_breaking_finds_the_best_breaks_of_an_exhaustive_search():
    generator = random.Random(15)
    for _ in range(400):
        count = generator.randint(1, 10)
        widths = [generator.randint(0, 300) for _ in range(count)]
        gaps = [generator.choice([60, 60, 55, 70]) for _ in range(count - 1)] + [0]
        limit = generator.uniform(max(widths), sum(widths) + sum(gaps) + 10)
        firsts = _break_lines(widths, gaps, limit)
        assert firsts[0] == 0 and firsts == sorted(set(firsts))
        assert objective(firsts, widths, gaps) == exhaustive_breaks(widths, gaps, limit)


def test_a_word_wider_than_the_limit_puts_every_word_on_its_own_line():
    assert _break_lines([100, 500, 100], [10, 10, 0], 300) == [0, 1, 2]


def test_wrapped_lines_are_as_few_as_the_shaped_text_allows(noto):
    # Measured again by shaping each line whole: word widths summed must not have made a line
    # wider than the limit, nor used more lines than filling each line greedily does.
    layout = Layout.for_cues(Style(), noto, 960, 540, [])
    words = (LONG + " " + LONG.upper()).split() * 3
    lines, em = layout_cue(" ".join(words), layout)
    assert em == layout.em_px
    assert max(text_width(line, noto, em) for line in lines) <= layout.max_width
    greedy = [[]]
    for word in words:
        if text_width(" ".join(greedy[-1] + [word]), noto, em) > layout.max_width:
            greedy.append([])
        greedy[-1].append(word)
    assert len(lines) == len(greedy) and " ".join(lines) == " ".join(words)


def test_ass_times_never_start_early():
    assert ass_time(0) == "0:00:00.00"
    assert ass_time(1005) == "0:00:01.01"
    assert ass_time(1010) == "0:00:01.01"
    assert ass_time(3_723_456) == "1:02:03.46"


def test_colours_must_be_html_hex():
    assert ass_colour("#12abEF") == "&H00EFAB12"
    with pytest.raises(PipelineError, match="#RRGGBB"):
        ass_colour("white")


def test_a_script_is_coloured_when_it_draws_anything_but_greys(tmp_path, noto):
    # Greys are the same Y'CbCr in BT.601 and BT.709: such a script is burned without the
    # matrix change around the `ass` filter (burn_in); any other colour needs it.
    white = write(tmp_path, [Cue(1, 0, 1000, "Hola", 1)], noto)
    assert not coloured(white)
    assert coloured(write(tmp_path, [Cue(1, 0, 1000, "Hola", 1)], noto, Style(color="#FFFF00")))
    assert coloured(write(tmp_path, [Cue(1, 0, 1000, "Hola", 1)], noto, Style(outline_color="#000080")))
    events = white.index("[Events]")
    for tags, expected in [(r"{\1c&H00FFFF&}", True), (r"{\c&HFF&}", True), (r"{\3c&H0000FF}", True),
                           (r"{\4c&H808080&}", False), (r"{\clip(0,0,9,9)\1a&HFF&}", False),
                           (r"{\c}", False), (r"{\2c&Hzz&}", False)]:
        script = white[:events] + white[events:].replace("Hola", tags + "Hola")
        assert coloured(script) is expected, tags
    # Aegisub's default style: white, with a red SecondaryColour that only karaoke draws.
    style_line = next(line for line in white.splitlines() if line.startswith("Style: Default"))
    fields = style_line.split(",")
    fields[4] = "&H000000FF"
    aegisub = white.replace(style_line, ",".join(fields))
    assert not coloured(aegisub)
    assert coloured(aegisub.replace("Hola", r"{\k20}Hola"))
    decimal = white.replace(ass_colour("#FFFFFF"), str(0x0000FF), 1)   # SSA's decimal colours
    assert coloured(decimal) and not coloured(white.replace(ass_colour("#FFFFFF"), "16777215", 1))


def test_fontsdir_holds_only_the_font(tmp_path, noto):
    folder = ass_fontsdir(noto, tmp_path)
    (tmp_path / "other.txt").write_text("x")
    assert [p.name for p in folder.iterdir()] == ["NotoSans-Regular.ttf"]
    assert ass_fontsdir(noto, tmp_path) == folder  # idempotent


def lit_box(frame: bytes, width: int) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the white text's pixels (the black outline is invisible)."""
    rows = [y for y in range(len(frame) // width) if max(frame[y * width:(y + 1) * width]) > 128]
    columns = [x for x in range(width) if max(frame[x::width]) > 128]
    return columns[0], rows[0], columns[-1], rows[-1]


def test_burned_text_is_inside_title_safe_and_as_tall_as_asked(tmp_path, noto):
    width, height, style = 640, 360, Style(size=0.1)
    folder = tmp_path / "a'b:c,d[e];f=g%h"  # the filter graph must escape all of these
    folder.mkdir()
    ass = folder / "sub.ass"
    write_ass([Cue(1, 0, 1000, "Hxgy", 1), Cue(2, 1000, 1500, LONG, 5),
               Cue(3, 1500, 2000, LONG_WORD, 9)], ass, style=style, width=width, height=height,
              font=noto)
    frames = burned_frames(ass, ass_fontsdir(noto, folder), width, height, 2, rate=4)
    assert len(frames) == 8  # t = 0, 0.25, ... 1.75 s

    for frame in (frames[1], frames[5], frames[7]):  # one frame inside each cue
        left, top, right, bottom = lit_box(frame, width)
        assert 0.05 * width <= left and right < 0.95 * width
        assert 0.05 * height <= top and bottom < 0.95 * height

    _, top, _, bottom = lit_box(frames[1], width)  # "Hxgy": cap height down to the descender
    assert bottom - top + 1 == pytest.approx(style.size * height, rel=0.15)
    _, top, _, bottom = lit_box(frames[5], width)
    assert bottom - top > 1.5 * style.size * height  # wrapped: two lines


@pytest.mark.parametrize("position, align", [("bottom", ""), ("top", ""), ("bottom", "{\\an8}"),
                                             ("bottom", "{\\an5}")])
def test_a_portrait_frame_s_text_keeps_clear_of_its_apps_overlays(tmp_path, noto, position,
                                                                   align):
    # A media team's trial: the vertical profile's text burned 105 px from the bottom of 1920,
    # under the caption and buttons Reels and TikTok lay there (Meta's Reels safe zone keeps
    # the top 14 % and the bottom 35 % clear). Read in the drawn pixels of a 9:32 scale frame.
    width, height = 270, 480
    ass = tmp_path / "sub.ass"
    write_ass([Cue(1, 0, 1000, align + "Hxgy Hxgy\nHxgy", 1)], ass, style=Style(size=0.06,
              position=position), width=width, height=height, font=noto)
    (frame,) = burned_frames(ass, ass_fontsdir(noto, tmp_path), width, height, 0.5, rate=2)
    _, top, _, bottom = lit_box(frame, width)
    assert 0.14 * height <= top and bottom < 0.65 * height, (top, bottom)
    # Where it is drawn: at the band's edge the row asks for, or its middle.
    row = "top" if position == "top" or "an8" in align else "middle" if "an5" in align else "bottom"
    edge = {"top": top - 0.14 * height, "bottom": 0.65 * height - bottom,
            "middle": abs((top + bottom) / 2 - height / 2)}[row]
    assert edge < 0.05 * height, (row, top, bottom)
    # A landscape frame's keeps to title-safe's 5 %, as before.
    write_ass([Cue(1, 0, 1000, "Hxgy", 1)], ass, style=Style(size=0.1), width=480, height=270,
              font=noto)
    (wide,) = burned_frames(ass, ass_fontsdir(noto, tmp_path), 480, 270, 0.5, rate=2)
    assert 0.90 * 270 <= lit_box(wide, 480)[3] < 0.95 * 270


def test_a_tilde_below_is_drawn_below(tmp_path, noto):
    # A translator's trial: "ṵ" (U+1E75, a creaky vowel) was burned as "ũ", the font's glyph
    # built from u and the tilde above; written apart (u + U+0330) HarfBuzz composed it back.
    width, height, style = 640, 360, Style(size=0.15)
    cues = [Cue(1, 0, 1000, "u", 1), Cue(2, 1000, 2000, "\u1e75", 5),
            Cue(3, 2000, 3000, "U", 9), Cue(4, 3000, 4000, "\u1e74", 13)]
    frames = burned_over(tmp_path, noto, cues, style, "black", width, height)
    for plain, marked in ((frames[0], frames[1]), (frames[2], frames[3])):
        _, top, _, bottom = lit_box(plain, width)
        _, marked_top, _, marked_bottom = lit_box(marked, width)
        tall = bottom - top
        assert marked_bottom > bottom + 0.15 * tall, (bottom, marked_bottom)   # a mark below
        assert marked_top >= top - 2, (top, marked_top)                        # none above


def test_a_letter_is_written_apart_only_in_a_font_that_has_its_mark(tmp_path, noto):
    # A font with ṵ but no U+0330 would draw the mark from another font, unsaid.
    assert drawn_apart(noto) == DRAWN_APART
    without = tmp_path / "NotoSans-NoMark.ttf"
    subset.main([noto.path.as_posix(), f"--output-file={without}",
                 "--unicodes=U+0020-007E,U+1E74,U+1E75"])
    assert drawn_apart(resolve_font(str(without))) == {}


def box_of(frame: bytes, width: int, test) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the pixels whose level passes `test`."""
    rows = [y for y in range(len(frame) // width)
            if any(test(level) for level in frame[y * width:(y + 1) * width])]
    columns = [x for x in range(width) if any(test(level) for level in frame[x::width])]
    return columns[0], rows[0], columns[-1], rows[-1]


def burned_over(tmp_path: Path, noto: Font, cues, style: Style, background: str,
                width: int = 640, height: int = 360) -> list[bytes]:
    """Gray frames of `cues` burned with `style` on a `background` picture, one a second."""
    folder = tmp_path / f"burn{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    write_ass(cues, folder / "sub.ass", style=style, width=width, height=height, font=noto)
    seconds = -(-max(cue.end for cue in cues) // 1000)
    return burned_frames(folder / "sub.ass", ass_fontsdir(noto, folder), width, height, seconds,
                         background=background)


def test_a_shadow_is_drawn_down_and_right_past_the_outline(tmp_path, noto):
    # On mid grey: the white fill (lit), and the black outline and shadow (dark), apart. At 360
    # lines, outline 6 and shadow 12 (at 1080) are 2 px and 4 px.
    cues = [Cue(1, 0, 1000, "Hxgy", 1)]
    reach = {}
    for shadow in (0, 12):
        frame = burned_over(tmp_path, noto, cues, Style(size=0.1, outline=6, shadow=shadow),
                            "0x808080")[0]
        lit, dark = box_of(frame, 640, lambda v: v > 200), box_of(frame, 640, lambda v: v < 40)
        reach[shadow] = [lit[0] - dark[0], lit[1] - dark[1], dark[2] - lit[2], dark[3] - lit[3]]
        reach[shadow].append(sum(level < 40 for level in frame))
    left, top, right, bottom, count = reach[0]
    assert 1 <= left <= 3 and 1 <= top <= 3 and 1 <= right <= 3 and 1 <= bottom <= 3  # outline
    # The shadow: the same outline up and left, 4 px more of black down and right.
    assert reach[12][:2] == [left, top]
    assert reach[12][2] - right == pytest.approx(4, abs=1)
    assert reach[12][3] - bottom == pytest.approx(4, abs=1)
    assert reach[12][4] > 1.5 * count


def test_a_box_is_a_translucent_rectangle_behind_the_lines_past_the_outline(tmp_path, noto):
    # libass's BorderStyle 4: one rectangle of the box's colour behind the cue's two lines, as
    # wide as the longer, past the outline by half a space; the outline is kept, no shadow.
    style = Style(size=0.1, outline=6, shadow=12, box=Box("#000000", 0.6))
    frame = burned_over(tmp_path, noto, [Cue(1, 0, 1000, "Hxgy\nHxgy Hxgy", 1)], style,
                        "white")[0]
    left, top, right, bottom = box_of(frame, 640, lambda v: v < 200)
    inside = [frame[y * 640 + x] for y in range(top, bottom + 1) for x in range(left, right + 1)]
    # White under 60 % of black: 255 x 0.4 = 102, most of the rectangle.
    assert sorted(inside)[len(inside) // 2] == pytest.approx(102, abs=3)
    assert sum(level < 40 for level in inside) > 100              # the outline, still drawn
    em, edge = 36, 2 + box_padding_px(style, noto, 640, 360)      # outline and half a space
    assert edge == pytest.approx(2 + 0.13 * em, abs=0.2)
    assert right - left + 1 == pytest.approx(text_width("Hxgy Hxgy", noto, em) + 2 * edge, abs=3)
    assert bottom - top + 1 == pytest.approx(2 * em * line_height_em(noto) + 2 * edge, abs=3)


@pytest.mark.parametrize("look", [{"shadow": 12}, {"shadow": 12, "box": Box("#000000", 0.6)}],
                         ids=["shadow", "box"])
def test_outline_shadow_and_box_are_inside_title_safe(tmp_path, noto, look):
    # Over white, every pixel the text darkens: outline, shadow, box. The margins and the width
    # lines may take count them (linebreak.edge_px): before, a line set at the left margin
    # ({\an7}) had its outline 2 px past title-safe, and a shadow was not counted at all.
    width, height = 640, 360
    texts = ["Hxgy", LONG, LONG_WORD, r"{\an7}" + LONG, r"{\an3}Hxgy gyxH", r"{\an9}Hxgy"]
    cues = [Cue(n + 1, max(0, n * 1000 - 500), n * 1000 + 500, text, 4 * n + 1)
            for n, text in enumerate(texts)]
    frames = burned_over(tmp_path, noto, cues, Style(size=0.1, outline=6, **look), "white")
    assert len(frames) == len(texts)
    for frame in frames:
        left, top, right, bottom = box_of(frame, width, lambda v: v < 250)
        assert 0.05 * width <= left and right < 0.95 * width
        assert 0.05 * height <= top and bottom < 0.95 * height


def _planes(graph, width: int, height: int) -> tuple[list[int], list[int]]:
    """Y' and the two chroma planes (4:2:0) of the one frame `graph` makes, as stored."""
    args = graph.output("pipe:", vframes=1, f="rawvideo", pix_fmt="yuv420p").compile(
        cmd=[FFMPEG, "-hide_banner", "-loglevel", "error"])
    raw = subprocess.run(args, capture_output=True, check=True).stdout
    assert len(raw) == width * height * 3 // 2
    return list(raw[:width * height]), list(raw[width * height:])


def test_coloured_text_is_drawn_as_libass_draws_it_in_r_g_b(tmp_path, noto):
    # The reference: libass drawing in R'G'B' (its colours exact), converted to BT.709 by
    # swscale. burn_in draws in Y'CbCr; their Y' must agree at every pixel, edges included. In
    # 4:2:0, the way back from BT.601 took each pixel's Y' from its 2x2 block's chroma: 19 off
    # at the edges of magenta text, and its black outline pushed to Y' 0, below black.
    width, height = 640, 360
    style = Style(color="#FF00FF", outline=24.0, size=0.2, bold=True)
    ass = tmp_path / "magenta.ass"
    write_ass([Cue(1, 0, 1000, "Hola mundo", 1)], ass, style=style, width=width, height=height,
              font=noto)
    fontsdir = ass_fontsdir(noto, tmp_path)
    green = ffmpeg.input(f"color=c=0x00A000:s={width}x{height}:d=0.04:r=25", f="lavfi")
    to_709 = {"out_color_matrix": "bt709", "out_range": "tv"}
    picture = green.filter("format", "rgb24").filter("scale", **to_709).filter("format", "yuv420p")
    ours, our_chroma = _planes(burn_in(picture, ass, fontsdir), width, height)
    drawn = green.filter("format", "rgb24").filter("ass", filename=str(ass),
                                                   fontsdir=str(fontsdir), shaping="complex")
    reference, chroma = _planes(drawn.filter("scale", **to_709), width, height)
    assert ours[:width] == reference[:width]             # the top row: the picture alone
    assert max(abs(a - b) for a, b in zip(reference, ours)) <= 3
    assert min(ours) >= 16                                # black outline: never below black
    assert sum(abs(a - b) for a, b in zip(chroma, our_chroma)) / len(chroma) < 1.0


def test_a_font_known_only_to_fontsdir_is_the_one_drawn(tmp_path):
    """The `ass` filter takes its fonts from fontsdir, as `subtitles` did: Noto Serif renamed to
    a family no system has draws exactly like Noto Serif, not like fontconfig's fallback (here
    Noto Sans)."""
    from fontTools.ttLib import TTFont

    serif = resolve_font("Noto Serif")
    private = tmp_path / "private" / "PipelineTestSerif.ttf"
    private.parent.mkdir()
    with TTFont(serif.path) as font:
        for record in font["name"].names:
            if record.nameID in (1, 4, 6, 16):
                record.string = "Pipeline Test Serif"
        font.save(private)
    frames = []
    for font in (resolve_font(str(private)), serif):
        folder = tmp_path / font.family.replace(" ", "")
        folder.mkdir()
        ass = folder / "sub.ass"
        write_ass([Cue(1, 0, 1000, "Hxgy a\u0331", 1)], ass, style=Style(size=0.3), width=320,
                  height=120, font=font)
        assert style_fields(ass.read_text(encoding="utf-8"))["Fontname"] == font.family
        frames += burned_frames(ass, ass_fontsdir(font, folder), 320, 120, 1)
    assert max(frames[0]) > 128 and frames[0] == frames[1]


def test_a_symbol_the_font_lacks_is_a_warning_naming_the_font_libass_draws_it_from(tmp_path,
                                                                                   noto):
    # A subtitler's SDH file (♪ around lyrics, as Netflix TTSG writes them) was refused: Noto
    # Sans has no U+266A. libass draws it from fontconfig's fallback; the warning names that
    # font, read here from libass's own log of the burn.
    cue = Cue(1, 0, 1000, "♪ Xkʼot ta jnaʼ ♪", 3)
    (said,) = missing_glyphs([cue], noto, tmp_path / "sdh.srt")
    assert (said.severity, said.code, said.line) == ("warning", "glyph-fallback", 3)
    family = re.search(r"libass draws U\+266A \('♪'\) from \"([^\"]+)\"", said.message).group(1)
    path = tmp_path / "sdh.ass"
    write_ass([cue], path, style=Style(), width=640, height=360, font=noto)
    source = ffmpeg.input("color=c=black:s=640x360:d=1:r=1", f="lavfi")
    args = (burn_in(source, path, ass_fontsdir(noto, tmp_path)).output("-", f="null")
            .compile(cmd=[FFMPEG, "-hide_banner", "-loglevel", "verbose"]))
    log = subprocess.run(args, capture_output=True, text=True, check=True).stderr
    after = log[log.index("Glyph 0x266A not found"):]
    drawn = re.search(r"fontselect: \(.*?\) -> ([^,]+),", after).group(1)
    assert subprocess.run(["fc-query", "--format=%{family[0]}", drawn], capture_output=True,
                          text=True, check=True).stdout == family, (drawn, family)


def test_a_letter_the_font_lacks_stays_an_error_a_control_character_and_an_emoji_say_why(
        tmp_path, noto):
    # A letter from another font breaks the word's look: the language is not burned. An emoji
    # had the hint to install fonts-noto-core, which was installed and has none.
    latin = tmp_path / "NotoSans-Latin.ttf"
    subset.main([noto.path.as_posix(), f"--output-file={latin}", "--unicodes=U+0020-007E"])
    (said,) = missing_glyphs([Cue(1, 0, 1, "tlen ẍ", 2)], resolve_font(str(latin)),
                             tmp_path / "x.srt")
    assert (said.severity, said.code) == ("error", "glyph")
    (control,) = missing_glyphs([Cue(1, 0, 1, "tlen\x1b[0m", 2)], noto, tmp_path / "x.srt")
    assert control.message == ("cue 1 holds control characters, which are no text and would be "
                               "drawn as a box: U+001B ('\\x1b')"), control.message
    (emoji,) = missing_glyphs([Cue(1, 0, 1, "te quiero 💙", 2)], noto, tmp_path / "x.srt")
    if fonts_with("💙"):
        assert emoji.code == "glyph-fallback"    # an emoji font of outlines is installed
    else:
        assert emoji.severity == "error" and "fonts-symbola" in emoji.hint, emoji.format()
