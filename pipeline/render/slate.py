"""The slate: one still picture in the campaign's look that says what a master is.

Campaign, spot title, the language's name as its community writes it and in Spanish, its code,
treatment, duration, clock number, the loudness measured, the programme's start timecode and the
date, labelled in the page's language (the manifest's `publish: {page_language}`).

The text is an ASS script drawn by libass through the `ass` filter with complex (HarfBuzz)
shaping, in the campaign's subtitle font, on Blue Heart blue: what subtitles go through, so a
combining mark sits on its letter here too. Before anything renders, every character is checked
against the font (`slate_problems`), as subtitle glyphs are.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import ffmpeg

from pipeline.errors import Diagnostic, error
from pipeline.files import write_atomically
from pipeline.media.loudness import Loudness
from pipeline.media.timecode import counted_on, rate_text
from pipeline.publish.i18n import N_, language_name, translations
from pipeline.render.variants import Variant
from pipeline.standards import STANDARDS, loudness_unit
from pipeline.subtitles.burn import HEADER, ass_colour, ass_fontsdir, burn_in, escape_text
from pipeline.subtitles.fonts import (Font, ascent_em, ass_font_size, bold_variant, text_width,
                                      uncovered)
from pipeline.subtitles.glyphs import font_hint, listed

Stream = ffmpeg.nodes.FilterableStream

BACKGROUND = "0x0B3D91"       # Blue Heart blue, the demo master's background
TITLE_SIZE = 0.060            # em as a fraction of the frame height
ROW_SIZE = 0.036
TOP = 0.10                    # the title's top, as a fraction of the height (inside title-safe)
ROWS_TOP = 0.26
ROW_STEP = 0.072
LEFT = 0.08                   # label column, as a fraction of the width
VALUE = 0.34                  # value column
RIGHT = 0.92                  # nothing past this (title-safe: 5 % of each side, and a margin)

TREATMENTS = {"burn": N_("Subtitles drawn into the picture"),
              # A master carries no subtitle track (render/treatments.py build_master): the
              # slate, only on masters, says where the subtitles are (a trial's station read
              # "a separate track" and found none).
              "soft": N_("Subtitles in separate files only, none in this file"),
              "dub": N_("Dubbed"), "mix": N_("Voice-over on the music")}


@dataclass(frozen=True)
class SlateFacts:
    """What is known of a master once its sound is levelled: the slate's figures."""

    frames: int                    # of the programme
    rate: Fraction
    clock: str | None
    loudness: Loudness | None      # of the programme, by the meter
    timecode: str | None           # of the programme's first frame
    date: str                      # ISO date of the render, in UTC


def duration_text(frames: int, rate: Fraction, gettext) -> str:
    """The slate's duration: seconds, then frames at the rate as an engineer says it ("6.00 s ·
    150 frames at 25 fps", "... at 29.97 fps"), in the page's language through `gettext`."""
    return gettext(N_("%(seconds)s s · %(frames)s frames at %(rate)s fps")) % {
        "seconds": f"{float(frames / rate):.2f}", "frames": frames, "rate": rate_text(rate)}


def rows(variant: Variant, facts: SlateFacts) -> tuple[str, list[tuple[str, str]]]:
    """The slate's title and its (label, value) rows, in the page's language."""
    t = translations(variant.manifest.page_language).gettext
    language = variant.language
    spanish = language_name(language.code, "es", language.name)
    names = language.name if spanish.casefold() == language.name.casefold() \
        else f"{language.name} · {spanish}"
    table = [
        # "Title", not the page's "spot": a trial's Spanish slate said "Anuncio" where every
        # page and file says "spot".
        (t(N_("Title")), variant.spot.title_in(variant.manifest.page_language)),
        (t(N_("Language")), names),
        (t(N_("Language code")), language.code),
        (t(N_("Treatment")), t(TREATMENTS[variant.treatment])),
        (t(N_("Duration")), duration_text(facts.frames, facts.rate, t)),
        (t(N_("Clock number")), facts.clock or "—"),
        (t(N_("Loudness")), _loudness(variant, facts.loudness)),
        # Its first and last frames: a station books it to the last (a trial's master control
        # read the start alone here).
        (t(N_("Programme")), f"{facts.timecode} – "
                             f"{counted_on(facts.timecode, facts.rate, facts.frames - 1)}"
         if facts.timecode and facts.frames else facts.timecode or "—"),
        # The render's date in UTC, said so: a trial's master control read it against the
        # page's publication time in Mexico's zone, a day earlier.
        (t(N_("Date (UTC)")), facts.date),
    ]
    return variant.manifest.title_in(variant.manifest.page_language), table


def _loudness(variant: Variant, loudness: Loudness | None) -> str:
    standard = STANDARDS.get(variant.profile.loudness_standard or "")
    if loudness is None or not loudness.defined:
        return "—"
    text = f"{loudness.integrated:.1f} {loudness_unit(variant.profile.loudness_standard)}"
    if loudness.true_peak is not None:
        text += f" · {loudness.true_peak:.1f} dBTP"
    return text + (f" · {standard.title}" if standard else "")


def slate_text(variant: Variant) -> str:
    """Every character the slate of `variant` can show (its figures are digits and units)."""
    title, table = rows(variant, SlateFacts(0, Fraction(25), variant.manifest.clock_for(
        variant.spot, variant.language, variant.profile), Loudness(-23.0, -1.0, 0.0), None,
        "2026-01-01"))
    return "\n".join([title, *(f"{label} {value}" for label, value in table), "0123456789:;·×—–"])


def slate_problems(variant: Variant, font: Font) -> list[Diagnostic]:
    """An error when the slate's font has no glyph for a character it would show (libass would
    draw a box): on the language's line of the manifest."""
    missing = uncovered(slate_text(variant), font)
    if not missing:
        return []
    return [error(f'the slate of {variant.stem} uses characters that font "{font.family}" '
                  f"({font.path}) does not have: {listed(missing)}", variant.manifest.path,
                  variant.language.line,
                  font_hint(frozenset(missing), "the manifest's top-level `style: {font: ...}`, "
                            "which the slates use"), "glyph")]


def write_slate(variant: Variant, facts: SlateFacts, font: Font, width: int, height: int,
                path: Path) -> None:
    """The slate as an ASS script for a `width` x `height` frame: the title, then a label and a
    value per row, each line shrunk if it would pass the title-safe area's right edge."""
    style = variant.manifest.style
    title, table = rows(variant, facts)
    header = HEADER.format(width=width, height=height, family=font.family,
                           fontsize=ass_font_size(font, ROW_SIZE * height),
                           colour=ass_colour(style.color), outline_colour=ass_colour(style.color),
                           back_colour=ass_colour(style.color), bold=0, border_style=1,
                           outline=0.0, shadow=0.0, alignment=7, margin_h=0, margin_v=0)
    lines = [_line(title, font, LEFT * width, TOP * height, TITLE_SIZE * height,
                   (RIGHT - LEFT) * width, bold=True)]
    for number, (label, value) in enumerate(table):
        y = (ROWS_TOP + number * ROW_STEP) * height
        lines.append(_line(label, font, LEFT * width, y, ROW_SIZE * height,
                           (VALUE - LEFT) * width * 0.95))
        lines.append(_line(value, font, VALUE * width, y, ROW_SIZE * height,
                           (RIGHT - VALUE) * width, bold=True))
    write_atomically(path, header + "".join(lines))


def _line(text: str, font: Font, x: float, y: float, em: float, room: float,
          bold: bool = False) -> str:
    """A line whose top is at `y` at the size `em`; shrunk to fit `room`, it moves down by the
    ascent it lost, so that its baseline stays where the full-size line's would be (on the
    rows' grid, clear of the line above)."""
    face = bold_variant(font) if bold else font
    width = text_width(text, face, em)
    if width > room:
        shrunk = em * room / width
        y += (em - shrunk) * ascent_em(face)
        em = shrunk
    tags = rf"{{\an7\pos({x:.0f},{y:.0f})\fs{ass_font_size(font, em):.2f}\b{int(bold)}}}"
    return f"Dialogue: 0,0:00:00.00,9:59:59.99,Default,,0,0,0,,{tags}{escape_text(text, font)}\n"


def slate_picture(backdrop: Stream, ass: Path, font: Font) -> Stream:
    """`backdrop` (a lavfi `color` source) with the slate drawn by libass, shaped with HarfBuzz,
    as burned subtitles are (`burn_in`), its regular and bold faces in the fonts folder; brought
    to BT.709 after, as the source draws its colour with BT.601's weights."""
    return burn_in(backdrop, ass, ass_fontsdir(font, ass.parent, bold_variant(font)),
                   samples="bt601")
