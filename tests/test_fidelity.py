"""Every orthography we ship burns right: for each language of the demo campaign, its
character-inventory cue goes through the real path (reader, ASS writer, `ass` filter) and, from
the pixels, each diacritic's ink lies over its own base letter where HarfBuzz puts it for the
same font and size, and the file typed decomposed (NFD) burns to the same pixels."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
import regex
import uharfbuzz as hb

from pipeline.manifest import load_manifest
from pipeline.subtitles.burn import ass_fontsdir, write_ass
from pipeline.subtitles.fonts import Font, resolve_font
from pipeline.subtitles.model import Cue, plain_text
from pipeline.subtitles.formats import read_subtitles
from tests.mediacheck import burned_frames

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = load_manifest(ROOT / "manifests/blue-heart.yaml")
SPOT = MANIFEST.spots[0]
LANGUAGES = [language for language in MANIFEST.languages
             if MANIFEST.subtitle_files(SPOT, language)]
W, H, EM = 960, 144, 48          # a wide strip: the inventory line never wraps
LIT = 160                        # white text; the dark outline is not counted
DARK = 60                        # ...and where nothing was drawn
GAP = 0.2 * EM                   # ink closer than this belongs to one diacritic (the dots of ä)
TOLERANCE = 1.5                  # px: libass places glyphs to 1/8 px and antialiases


def inventory_line(cues) -> str:
    """The last line of the cue listing the language's characters."""
    (cue,) = [cue for cue in cues if "caracteres" in cue.text]
    return plain_text(cue).split("\n")[-1].strip()


def strip_marks(text: str) -> str:
    """Each letter without its diacritics: the base letters alone, at the same advances."""
    return unicodedata.normalize("NFC", "".join(
        char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char)))


def burn(tmp_path: Path, texts: list[str], language, font: Font) -> list[bytes]:
    """One gray frame per text, each burned as its own cue through the render's writer and filter."""
    cues = [Cue(n, n * 1000, n * 1000 + 1000, text, 1) for n, text in enumerate(texts)]
    ass = tmp_path / "inventory.ass"
    style = replace(language.style, size=EM / H)
    write_ass(cues, ass, style=style, width=W, height=H, font=font, language=language.code)
    return burned_frames(ass, ass_fontsdir(font, tmp_path), W, H, len(texts))


def columns(mask: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """(first, last) column of each group of columns holding pixels of `mask`."""
    used = sorted({x for x, _ in mask})
    runs: list[tuple[int, int]] = []
    for x in used:
        if runs and x - runs[-1][1] <= GAP:
            runs[-1] = (runs[-1][0], x)
        else:
            runs.append((x, x))
    return runs


def lit(frame: bytes) -> set[tuple[int, int]]:
    return {(i % W, i // W) for i, value in enumerate(frame) if value > LIT}


def added(frame: bytes, without: bytes) -> set[tuple[int, int]]:
    """Text pixels of `frame` where `without` has none (antialiased edges left out)."""
    return {(i % W, i // W) for i, (value, other) in enumerate(zip(frame, without))
            if value > LIT and other < DARK}


def shaped(text: str, font: Font):
    """HarfBuzz's glyphs for `text` at an em of EM px: (cluster, ink left, ink right, mark) in
    px from the pen's start, the total advance, shaped as libass shapes (complex shaping)."""
    face = hb.Face(hb.Blob.from_file_path(str(font.path)))
    hb_font = hb.Font(face)
    scale = EM / face.upem
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(hb_font, buffer, {})
    glyphs, pen = [], 0
    previous_cluster = None
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions):
        extents = hb_font.get_glyph_extents(info.codepoint)
        left = (pen + position.x_offset + extents.x_bearing) * scale
        glyphs.append((info.cluster, left, left + extents.width * scale,
                       info.cluster == previous_cluster))
        previous_cluster = info.cluster
        pen += position.x_advance
    return glyphs, pen * scale


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_each_diacritic_sits_over_its_own_letter_and_nfd_burns_like_nfc(tmp_path, language):
    source = MANIFEST.subtitle_path(SPOT, language)
    decomposed = tmp_path / source.name
    decomposed.write_text(unicodedata.normalize("NFD", source.read_text(encoding="utf-8")),
                          encoding="utf-8")
    line = inventory_line(read_subtitles(source).cues)
    font = resolve_font(language.style.font)
    full, from_nfd, bare = burn(tmp_path, [line, inventory_line(read_subtitles(decomposed).cues),
                                           strip_marks(line)], language, font)

    assert from_nfd == full, "the decomposed file burns differently"

    glyphs, advance = shaped(line, font)
    bare_glyphs, bare_advance = shaped(strip_marks(line), font)
    assert abs(advance - bare_advance) < 0.5     # the letters stand where they stood
    # HarfBuzz's coordinates to the frame's: the bare line's first ink column.
    offset = min(x for x, _ in lit(bare)) - min(left for _, left, _, _ in bare_glyphs)

    accented = [match for match in regex.finditer(r"\X", line)
                if strip_marks(match.group()) != match.group()]
    marks = columns(added(full, bare))          # ink the diacritics add
    assert len(marks) == len(accented), (line, marks)
    for match, (first, last) in zip(accented, marks):
        own = [g for g in glyphs if g[0] == match.start()]
        base = own[0]
        middle = (first + last) / 2 - offset
        assert base[1] - TOLERANCE <= middle <= base[2] + TOLERANCE, \
            f"{match.group()!r}: diacritic at {middle:.1f} px, its letter spans {base[1]:.1f}-{base[2]:.1f}"
        for mark in own[1:]:     # a combining mark HarfBuzz positions itself: right where it says
            assert abs(middle - (mark[1] + mark[2]) / 2) <= TOLERANCE, (match.group(), middle, mark)
