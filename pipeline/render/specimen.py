"""A specimen for native-speaker reviewers: every distinct character of a language's file,
burned exactly as the render burns it, with its code points underneath.

One look tells a reviewer whether the orthography is right: each letter with its marks (a̱, ʉ̱,
ẍ), each apostrophe-like letter (ʼ, ꞌ, '), each tone number, drawn by the same `ass` filter
with complex shaping, in the same font, at the same em in pixels as on the profile's frame, with
the same outline and colours, and labelled `U+0061 U+0331` so that look-alikes are told apart.
One ffmpeg draws every cell: each character and its label is an ASS event placed with `\\pos`.
A file burned with its own styles (`style: {from_file: true}`) gets a section per style its cues
use, each character in that style (font, size, weight, colours), as the render draws it.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

import ffmpeg

from pipeline.files import atomic_output, write_atomically
from pipeline.manifest import Language
from pipeline.media.ffmpeg import run_ffmpeg
from pipeline.messages import N_, Message, Number, say
from pipeline.profiles import Profile
from pipeline.subtitles.burn import burn_in, escape_text, script_header
from pipeline.subtitles.file_styles import FileStyles, StyleFont
from pipeline.subtitles.fonts import Font, ass_font_size, resolve_font, text_width, uncovered
from pipeline.subtitles.linebreak import em_px, outline_px, shadow_px
from pipeline.subtitles.model import Cue, plain_text
from pipeline.subtitles.normalise import GRAPHEME

MAX_WIDTH = 1600        # px: the specimen is at most this wide; rows are added as needed
LABEL_EM = 0.28         # the code points' em, as a fraction of the text's (at least MIN_LABEL)
MIN_LABEL = 12          # px
BACKGROUND = "0x404040"  # mid grey: both the text and its outline stand out
LABEL_FONT = "Noto Sans"  # the labels' font when the language's has no Latin letters or digits
LABEL_CHARS = "U+0123456789ABCDEF px em as on x (),·"


# Left out of the specimen: the space, and the tab and line break the burn draws as a space and
# a new line. Every other space is shown, as the invisible characters are (U+00AD, U+200B,
# U+200E): a no-break space (U+00A0, ASS's \h) or a narrow one (U+202F) looks like a space but
# is another character, which holds two words on one line.
ORDINARY_SPACES = {" ", "\t", "\n"}


def distinct_graphemes(cues: Iterable[Cue]) -> list[str]:
    """Every character a reader sees in the cues (extended grapheme clusters, but
    `ORDINARY_SPACES`), letters first, each next to its variants (a, á, a̱), then the others
    (digits, punctuation, other spaces, invisible characters) by code point."""
    seen = dict.fromkeys(g for cue in cues for g in GRAPHEME.findall(plain_text(cue))
                         if g not in ORDINARY_SPACES)

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


@dataclass(frozen=True)
class _Section:
    """The cells of the graphemes drawn in one style: the campaign's (`Default`) or one of the
    translator's file's."""

    style: str            # its name in the script
    graphemes: list[str]
    font: Font            # the face the text is drawn and measured in
    em: float             # px, as on the profile's frame
    heading: Message      # what the section's title says of the style


def _sections(cues: list[Cue], language: Language, font: Font, profile: Profile,
              styles: FileStyles) -> list[_Section]:
    """One section per style the cues are drawn in, in the order the file first uses them."""
    groups: dict[str | None, list[Cue]] = {}
    for cue in cues:
        groups.setdefault(cue.style if cue.style in styles.scaled else None, []).append(cue)
    found = {name: distinct_graphemes(members) for name, members in groups.items()}
    sections = []
    for name, graphemes in ({name: g for name, g in found.items() if g} or {None: []}).items():
        if name is None:
            em = em_px(language.style, profile.width, profile.height)
            sections.append(_Section("Default", graphemes, font, em,
                                     say(N_("%(family)s, %(em)s px em"), family=font.family,
                                         em=Number(em, ".0f"))))
            continue
        own = styles.scaled[name]
        sections.append(_Section(styles.names[name], graphemes,
                                 own.layout.measure_font, own.layout.em_px,
                                 say(N_("style %(style)s: %(family)s, %(em)s px em"), style=name,
                                     family=own.font.family,
                                     em=Number(own.layout.em_px, ".0f"))))
    return sections


def specimen_script(cues: list[Cue], language: Language, font: Font, profile: Profile,
                    file_styles: dict[str, StyleFont] | None = None,
                    words: Callable[[Message], str] = str) -> tuple[str, int, int]:
    """(ASS script, width, height) of the specimen: for each style the cues are drawn in (the
    campaign's; with `file_styles`, each of the translator's file's as the render scales it to
    the profile's frame), a title, then a grid of cells, one per grapheme; the labels in
    `label_font(font)`, which the caller puts in the `ass` filter's fontsdir. `words` says the
    titles' messages (in English by default; `preview` gives the terminal's language)."""
    styles = FileStyles(file_styles or {}, profile.width, profile.height)
    sections = _sections(cues, language, font, profile, styles)
    labels = label_font(font)
    placed, top, width = [], 0, 0
    for section in sections:
        em, graphemes = section.em, section.graphemes
        label_em = max(MIN_LABEL, em * LABEL_EM)
        cell_width = math.ceil(max([text_width(g, section.font, em) for g in graphemes] +
                                   [text_width(code_points(g), labels, label_em) for g in graphemes]
                                   + [em]) + em * 0.6)
        cell_height = math.ceil(em * 1.9 + label_em * 1.6)
        columns = max(1, min(len(graphemes), MAX_WIDTH // cell_width))
        placed.append((section, top, label_em, cell_width, cell_height, columns))
        top += math.ceil(label_em * 2.5) + math.ceil(len(graphemes) / columns) * cell_height
        width = max(width, columns * cell_width)
    width, height = _even(width), _even(top)
    # The script's frame is the specimen, but the em and outline are the profile frame's.
    em = em_px(language.style, profile.width, profile.height)
    # The shadow too; a box's padding is of the em, which is the profile frame's already.
    to_specimen = 1080 / min(width, height)
    style = replace(language.style, size=em / min(width, height),
                    outline=outline_px(language.style, profile.width, profile.height) * to_specimen,
                    shadow=shadow_px(language.style, profile.width, profile.height) * to_specimen)
    events = []
    for section, top, label_em, cell_width, cell_height, columns in placed:
        # Labels are plain: no outline, shadow or box (alpha FF: a box of BorderStyle 4 is
        # drawn from BackColour, whatever the outline).
        label_style = rf"\fs{ass_font_size(labels, label_em):.2f}\bord0\shad0\4a&HFF&" + \
            ("" if labels == font else rf"\fn{labels.family}")
        title = escape_text(words(say(N_("%(code)s · %(name)s · %(style)s as on %(size)s "
                                         "(%(profile)s)"), code=language.code, name=language.name,
                                      style=section.heading,
                                      size=f"{profile.width}x{profile.height}",
                                      profile=profile.name)), labels)
        at = rf"\an7\pos({label_em:.0f},{top + label_em * 0.6:.0f})"
        events.append(_event(f"{{{at}{label_style}}}{title}"))
        top += math.ceil(label_em * 2.5)
        for number, grapheme in enumerate(section.graphemes):
            row, column = divmod(number, columns)
            centre = column * cell_width + cell_width / 2
            cell_top = top + row * cell_height
            events.append(_event(rf"{{\an2\pos({centre:.1f},{cell_top + section.em * 1.55:.1f})}}"
                                 + escape_text(grapheme, section.font), section.style))
            events.append(_event(rf"{{\an8\pos({centre:.1f},{cell_top + section.em * 1.75:.1f})"
                                 rf"{label_style}}}" + code_points(grapheme)))
    header = script_header(style, font, width, height)
    header = header.replace("\n\n[Events]", "".join(styles.lines) + "\n\n[Events]")
    return header + "".join(events), width, height


def _even(value: int) -> int:
    return value + value % 2


def _event(text: str, style: str = "Default") -> str:
    return f"Dialogue: 0,0:00:00.00,0:00:01.00,{style},,0,0,0,,{text}\n"


def write_specimen(cues: Iterable[Cue], language: Language, font: Font, profile: Profile,
                   work: Path, fontsdir: Path, target: Path,
                   file_styles: dict[str, StyleFont] | None = None,
                   words: Callable[[Message], str] = str) -> Path:
    """Write the specimen PNG of the cues' characters (see the module's docstring), each in
    the style it is drawn in (`file_styles`: the translator's, with `style: {from_file: true}`),
    its titles said by `words` (`specimen_script`)."""
    script, width, height = specimen_script(list(cues), language, font, profile, file_styles,
                                            words)
    ass = work / "specimen.ass"
    write_atomically(ass, script)
    with atomic_output(target) as partial:
        source = ffmpeg.input(f"color=c={BACKGROUND}:s={width}x{height}:d=1:r=1", f="lavfi")
        graph = burn_in(source, ass, fontsdir, samples="rgb").output(
            str(partial), vframes=1, f="image2", vcodec="png")
        run_ffmpeg(["-loglevel", "error", *ffmpeg.compile(graph, cmd="ffmpeg")[1:]],
                   what=f"drawing the specimen {target.name}", path=target)
    return target
