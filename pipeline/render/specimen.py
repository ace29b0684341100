"""A specimen for native-speaker reviewers: every distinct character of a language's file,
burned exactly as the render burns it, with its code points underneath.

One look tells a reviewer whether the orthography is right: each letter with its marks (a̱, ʉ̱,
ẍ), each apostrophe-like letter (ʼ, ꞌ, '), each tone number, drawn by the same `ass` filter
with complex shaping, in the same font, at the same em in pixels as on the profile's frame, with
the same outline and colours, and labelled `U+0061 U+0331` so that look-alikes are told apart.
One ffmpeg draws every cell: each character and its label is an ASS event placed with `\\pos`.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Iterable

import ffmpeg

from pipeline.files import atomic_output, write_atomically
from pipeline.manifest import Language
from pipeline.media.ffmpeg import run_ffmpeg
from pipeline.profiles import Profile
from pipeline.subtitles.burn import burn_in, escape_text, script_header
from pipeline.subtitles.fonts import Font, ass_font_size, resolve_font, text_width, uncovered
from pipeline.subtitles.model import Cue, plain_text
from pipeline.subtitles.normalise import GRAPHEME

MAX_WIDTH = 1600        # px: the specimen is at most this wide; rows are added as needed
LABEL_EM = 0.28         # the code points' em, as a fraction of the text's (at least MIN_LABEL)
MIN_LABEL = 12          # px
BACKGROUND = "0x404040"  # mid grey: both the text and its outline stand out
LABEL_FONT = "Noto Sans"  # the labels' font when the language's has no Latin letters or digits
LABEL_CHARS = "U+0123456789ABCDEF px em as on x (),·"


def distinct_graphemes(cues: Iterable[Cue]) -> list[str]:
    """Every character a reader sees in the cues (extended grapheme clusters, spaces left out),
    letters first, each next to its variants (a, á, a̱), then digits and punctuation."""
    seen = dict.fromkeys(g for cue in cues for g in GRAPHEME.findall(plain_text(cue))
                         if not g.isspace())

    def order(grapheme: str) -> tuple:
        base = unicodedata.normalize("NFD", grapheme)
        return (not base[0].isalpha(), base.casefold(), base)

    return sorted(seen, key=order)


def code_points(grapheme: str) -> str:
    return " ".join(f"U+{ord(char):04X}" for char in grapheme)


def label_font(font: Font) -> Font:
    """The font of the code points and the title: the language's own when it has their Latin
    letters and digits, else Noto Sans. (Left to libass, a font without them falls back to
    another font, at a size computed for this one's line height and wider than measured: the
    labels of an Arabic specimen ran into each other.)"""
    return font if not uncovered(LABEL_CHARS, font) else resolve_font(LABEL_FONT)


def specimen_script(graphemes: list[str], language: Language, font: Font,
                    profile: Profile) -> tuple[str, int, int]:
    """(ASS script, width, height) of the specimen: a grid of cells, one per grapheme; the labels
    in `label_font(font)`, which the caller puts in the `ass` filter's fontsdir."""
    em = language.style.size * profile.height
    label_em = max(MIN_LABEL, em * LABEL_EM)
    labels = label_font(font)
    cell_width = math.ceil(max([text_width(g, font, em) for g in graphemes] +
                               [text_width(code_points(g), labels, label_em) for g in graphemes]
                               + [em]) + em * 0.6)
    cell_height = math.ceil(em * 1.9 + label_em * 1.6)
    columns = max(1, min(len(graphemes), MAX_WIDTH // cell_width))
    rows = math.ceil(len(graphemes) / columns)
    title_height = math.ceil(label_em * 2.5)
    width = _even(columns * cell_width)
    height = _even(title_height + rows * cell_height)
    # The script's frame is the specimen, but the em and outline are the profile frame's.
    style = replace(language.style, size=em / height,
                    outline=language.style.outline * profile.height / height)
    label_style = rf"\fs{ass_font_size(labels, label_em):.2f}\bord0" + \
        ("" if labels == font else rf"\fn{labels.family}")
    title = escape_text(f"{language.code} · {language.name} · {font.family}, "
                        f"{em:.0f} px em as on {profile.width}x{profile.height} ({profile.name})",
                        labels)
    events = [_event(rf"{{\an7\pos({label_em:.0f},{label_em * 0.6:.0f}){label_style}}}{title}")]
    for number, grapheme in enumerate(graphemes):
        row, column = divmod(number, columns)
        centre = column * cell_width + cell_width / 2
        top = title_height + row * cell_height
        events.append(_event(rf"{{\an2\pos({centre:.1f},{top + em * 1.55:.1f})}}"
                             + escape_text(grapheme, font)))
        events.append(_event(rf"{{\an8\pos({centre:.1f},{top + em * 1.75:.1f}){label_style}}}"
                             + code_points(grapheme)))
    return script_header(style, font, width, height) + "".join(events), width, height


def _even(value: int) -> int:
    return value + value % 2


def _event(text: str) -> str:
    return f"Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,{text}\n"


def write_specimen(cues: Iterable[Cue], language: Language, font: Font, profile: Profile,
                   work: Path, fontsdir: Path, target: Path) -> Path:
    """Write the specimen PNG of the cues' characters (see the module's docstring)."""
    graphemes = distinct_graphemes(cues)
    script, width, height = specimen_script(graphemes, language, font, profile)
    ass = work / "specimen.ass"
    write_atomically(ass, script)
    with atomic_output(target) as partial:
        source = ffmpeg.input(f"color=c={BACKGROUND}:s={width}x{height}:d=1:r=1", f="lavfi")
        graph = burn_in(source, ass, fontsdir, samples="rgb").output(
            str(partial), vframes=1, f="image2", vcodec="png")
        run_ffmpeg(["-loglevel", "error", *ffmpeg.compile(graph, cmd="ffmpeg")[1:]],
                   what=f"drawing the specimen {target.name}", path=target)
    return target
