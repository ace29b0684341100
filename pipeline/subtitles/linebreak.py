"""Line breaking of burned cues: text to words, wrapped inside the title-safe width.

Lines are broken by us, measuring real advances with HarfBuzz (`fonts.py`), not by libass,
which only knows the margins: every line must stay inside the title-safe area (the central 90 %
of the frame), balanced as a subtitler would break it, and a word too long for any line is
shrunk rather than cut off at the frame's edge. The breaking is O(n log W + n k) in words
(issue 15: a pasted paragraph must not freeze `check`).

A written line longer than the language's `max_line_chars` (Netflix TTSG's 42 characters) is
broken too, though it would fit the width, when the cue then keeps to `max_lines`: a line of
64 characters across 88 % of the frame is hard to read in the time a subtitle is shown. And a
line broken in two breaks where a subtitler would (TTSG, "Line Treatment"): after a comma or a
full stop rather than mid-clause, and not after a short word (an article, a preposition, a
particle: "a la / venta", "amo / xikmaka"), when the two lines stay balanced (`NATURAL_RATIO`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from pipeline.manifest import QcSettings, Style
from pipeline.subtitles.fonts import (Font, advance, bold_variant, covers, drawn_apart,
                                      text_width, units_per_em)
from pipeline.subtitles.model import FORMAT_TAG, SAFE_AREA, SAFE_MARGIN, Cue, clear_rows, literal
from pipeline.subtitles.normalise import graphemes

SHRINK_SLACK = 0.98            # a shrunk word is set a little under the limit, for rounding
# A break after punctuation, or one moved off a short word, is taken while the shorter of the
# two lines is at least this share of the longer (a full line over an orphan reads worse).
NATURAL_RATIO = 0.6
# Part of a burned variant's fingerprint (render/status.py): a change to where lines break
# re-renders the burned variants, and no other. 2: a natural break within max_line_chars.
# (A pillarboxed picture's own title-safe width is in its variants' settings, `picture_width`:
# only theirs changed.)
LAYOUT_VERSION = 2
SHORT_WORD = 3                 # graphemes: "a", "la", "de", "en", "amo", "ni", "the"
CLAUSE_END = ",.;:!?…"
SRT_TO_ASS_TAG = {"<i>": r"{\i1}", "</i>": r"{\i0}", "<b>": r"{\b1}", "</b>": r"{\b0}",
                  "<u>": r"{\u1}", "</u>": r"{\u0}"}
# libass reads "\N", "\n" and "\h" as line breaks and spaces even after a literal backslash; a
# word joiner (default-ignorable, zero width) between them keeps the backslash a backslash.
JOINER_CANDIDATES = ("\u2060", "\u200b", "\ufeff")


class _Tag(str):
    """An ASS override already in ASS syntax (e.g. `{\\i1}`): zero width, never escaped."""


Word = list[str]  # text pieces and `_Tag`s, no spaces


@dataclass(frozen=True)
class Layout:
    """How cues are wrapped on one frame: the em, the title-safe width, the face measured."""

    em_px: float
    max_width: float
    measure_font: Font
    joiner: str
    max_chars: int | None = None   # graphemes a line may hold (None: the width alone decides)
    max_lines: int = 2             # lines a cue may take when lines are broken for max_chars
    # Letters the font draws wrong, written as their parts (`fonts.drawn_apart`).
    apart: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def for_cues(cls, style: Style, font: Font, width: int, height: int,
                 cues: Iterable[Cue], qc: QcSettings | None = None,
                 picture_width: int | None = None) -> "Layout":
        """The layout a whole file is burned with: measured with the bold face when bold is
        used anywhere in it (it is wider, and too wide is worse); lines over `qc`'s
        `max_line_chars` broken too (see the module's docstring); as wide as the title-safe
        area of the picture's `picture_width` columns (`safe_margins`)."""
        bold = style.bold or any("<b>" in cue.text.lower() for cue in cues)
        edge = edge_px(style, font, width, height)
        columns = picture_columns(width, picture_width)[1]
        return cls(em_px(style, width, height), columns * SAFE_AREA - 2 * edge,
                   bold_variant(font) if bold else font, font_joiner(font),
                   qc.max_line_chars if qc else None, qc.max_lines if qc else 2,
                   drawn_apart(font))


def em_px(style: Style, width: int, height: int) -> float:
    """The text's em in pixels on a `width` x `height` frame: `style.size` of its short side,
    the height of a landscape or square frame and the width of a portrait one.

    libass scales text by the frame's height over PlayResY alone (ass_render.c: font_scale =
    orig_height / PlayResY; our scripts' PlayRes is the frame, so that is 1), so nothing but this
    keeps portrait text in proportion. At 0.05 of a portrait frame's height, the em of a
    720x1280 frame was 64 px: 10 ems across its title-safe width, a 29-character line ("¿Sabes
    de alguien en peligro?", 886 px) drawn on two lines and a two-line cue on three. Of its
    width, 36 px: about 38 characters of Noto Sans fit a line, so a line within Netflix TTSG's
    42 takes at most two; and on a phone, which shows a portrait frame's width across the same
    short side of its screen that holds a landscape frame's height, the text is as large as in
    the landscape variant."""
    return style.size * min(width, height)


def outline_px(style: Style, width: int, height: int) -> float:
    """The outline is given at 1080 lines (of the short side, as the em) and scales with it."""
    return style.outline * min(width, height) / 1080


def shadow_px(style: Style, width: int, height: int) -> float:
    """The drop shadow's offset, down and right, scaled as the outline is."""
    return style.shadow * min(width, height) / 1080


def box_padding_px(style: Style, font: Font, width: int, height: int) -> float:
    """The room a box leaves around the text, past its outline: half a space of the font at
    the style's em (0.13 em in Noto Sans, 7 px at 1080), what the BBC asked of caption
    backgrounds ("the equivalent of the width of half a space in the selected font" at each end
    of a line: W3C Media Accessibility User Requirements, BBC's comments on CC-10, 2014)."""
    return em_px(style, width, height) * advance(" ", font) / units_per_em(font) / 2


def edge_px(style: Style, font: Font, width: int, height: int) -> float:
    """How far burned text reaches past its glyphs, in frame pixels: its outline, then the
    box's padding or, without a box, the shadow's offset (libass draws no shadow behind a box:
    its BorderStyle 4 pads the box by the Shadow value instead). The title-safe margins and the
    width lines may take count it on every side: a centred line's shadow reaches right as far
    as that line could, and a line placed at a margin must keep its shadow or box inside."""
    reach = box_padding_px(style, font, width, height) if style.box else shadow_px(style, width,
                                                                                   height)
    return outline_px(style, width, height) + reach


def picture_columns(width: int, picture_width: int | None) -> tuple[int, int]:
    """(the black bar left of the picture, the picture's width) in a `width` px frame, of a
    picture `picture_width` px wide centred in it as `geometry.fit` pads it (None: the whole
    width)."""
    columns = min(picture_width or width, width)
    return (width - columns) // 2, columns


def safe_margins(width: int, height: int, edge: float,
                 picture_width: int | None = None) -> tuple[int, int, int]:
    """The least MarginL/MarginR, and MarginV at the top and at the bottom, in frame pixels,
    that keep text drawn `edge` pixels past its glyphs (`linebreak.edge_px`) inside title-safe:
    of the picture's columns when a narrower picture is centred between black bars
    (`picture_width`, a pillarbox: EBU R 95's areas are of the picture, and text over a bar is
    cut off when a station cuts the 4:3 centre out of a 16:9 frame), on the frame's rows (a
    letterboxed picture's subtitles may sit in the bar below it, as cinema's are), clear of
    what the apps of a portrait frame lay over it (`model.clear_rows`)."""
    bar, columns = picture_columns(width, picture_width)
    top, bottom = clear_rows(width, height)
    return (bar + math.ceil(columns * SAFE_MARGIN + edge), math.ceil(height * top + edge),
            math.ceil(height * bottom + edge))


# --- text to words ----------------------------------------------------------------------------

def _lines_of_words(text: str) -> list[list[Word]]:
    """Split SRT text into lines of words, turning SRT tags into ASS tags attached to words."""
    lines: list[list[Word]] = [[[]]]
    for piece in re.split(f"({FORMAT_TAG.pattern})", text, flags=re.IGNORECASE):
        if not piece:
            continue
        if FORMAT_TAG.fullmatch(piece):
            tag = SRT_TO_ASS_TAG.get(piece.lower())
            if tag:  # <font> is dropped: the style decides colours
                lines[-1][-1].append(_Tag(tag))
            continue
        for char in literal(piece).replace("\t", " "):
            if char == "\n":
                lines.append([[]])
            elif char == " ":
                lines[-1].append([])
            elif lines[-1][-1] and not isinstance(lines[-1][-1][-1], _Tag):
                lines[-1][-1][-1] += char
            else:
                lines[-1][-1].append(char)
    return [_merge_tag_only_words(words) for words in lines]


def _merge_tag_only_words(words: list[Word]) -> list[Word]:
    """Glue words without text (runs of spaces, a lone tag) to a neighbour, so no extra spaces."""
    merged: list[Word] = []
    pending: Word = []
    for word in words:
        if any(not isinstance(piece, _Tag) for piece in word):
            merged.append(pending + word)
            pending = []
        else:
            pending += word
    if pending:
        if merged:
            merged[-1] += pending
        else:
            merged.append(pending)
    return merged


def _plain(words: list[Word]) -> str:
    return " ".join("".join(piece for piece in word if not isinstance(piece, _Tag))
                    for word in words)


def escape_piece(piece: str, joiner: str, apart: Mapping[str, str]) -> str:
    """A text piece as ASS dialogue text that libass draws as written (`{`, `\\N`, `\\h`
    kept literal with `joiner`, a letter the font draws wrong written as its parts, `apart`:
    `fonts.drawn_apart`); an ASS override tag passes as it is."""
    if isinstance(piece, _Tag):
        return piece
    out = []
    for position, char in enumerate(piece):
        if char in "{}":
            out.append("\\" + char)
        elif char == "\\":
            following = piece[position + 1:position + 2]
            # At the end of a piece the next output may be a tag's "{": guard that too.
            out.append("\\" + joiner if following in ("N", "n", "h", "") else "\\")
        else:
            out.append(apart.get(char, char))
    return "".join(out)


def _ass_line(words: list[Word], layout: Layout) -> str:
    return " ".join("".join(escape_piece(piece, layout.joiner, layout.apart) for piece in word)
                    for word in words)


# --- wrapping ---------------------------------------------------------------------------------

def _break_lines(widths: Sequence[int], gaps: Sequence[int], limit: float) -> list[int]:
    """Where a run of words breaks into lines: the index of each line's first word.

    `widths[i]` is the advance of word i and `gaps[i]` that of the space after it, in integer
    units (the last gap is not drawn). The fewest lines that fit `limit`; among those, the
    longest line as short as possible (two lines of similar length rather than a full line and
    an orphan); among those, the most even: the least sum of squared shortfalls from the longest
    line, the minimum-raggedness cost of Knuth and Plass ("Breaking paragraphs into lines",
    1981). A word wider than `limit` gets a line of its own, and so does every other word then.

    Time O(n log W + n k) for n words, k words on a line and W the limit in units: a binary
    search on the longest line with one greedy pass per step, then one pass of the raggedness
    programme, which only looks back as far as a line can reach.
    """
    count = len(widths)
    starts = [0]
    for width, gap in zip(widths, gaps):
        starts.append(starts[-1] + width + gap)

    def span(first: int, end: int) -> int:  # the drawn width of words first..end-1
        return starts[end] - starts[first] - gaps[end - 1]

    cap = math.floor(limit)
    if count < 2 or span(0, count) <= cap:
        return [0]
    if max(widths) > cap:
        return list(range(count))

    def greedy_lines(longest: int) -> int:
        lines, first = 1, 0
        for end in range(2, count + 1):
            if span(first, end) > longest:
                lines, first = lines + 1, end - 1
        return lines

    fewest = greedy_lines(cap)
    too_short, enough = max(widths) - 1, cap  # the shortest longest line lies in (too_short, enough]
    while enough - too_short > 1:
        middle = (too_short + enough) // 2
        if greedy_lines(middle) <= fewest:
            enough = middle
        else:
            too_short = middle
    # cost[end]: (lines, raggedness) of the best breaking of words 0..end-1 under `enough`;
    # on a tie the earlier break wins, leaving the lower line the longer (bottom-heavy).
    cost: list[tuple[int, int]] = [(0, 0)]
    line_start = [0]
    for end in range(1, count + 1):
        best, best_first = None, end - 1
        first = end - 1
        while first >= 0 and span(first, end) <= enough:
            lines, ragged = cost[first]
            candidate = (lines + 1, ragged + (enough - span(first, end)) ** 2)
            if best is None or candidate <= best:
                best, best_first = candidate, first
            first -= 1
        cost.append(best)
        line_start.append(best_first)
    breaks, end = [], count
    while end > 0:
        end = line_start[end]
        breaks.append(end)
    return breaks[::-1]


def layout_cue(text: str, layout: Layout) -> tuple[list[str], float]:
    """(ASS lines, em in pixels) for one cue: wrapped, and shrunk if one word cannot fit.

    Each word and each pair of neighbours is shaped once (the pair gives the space between
    them, kerning included), and line widths are sums of those: exact, and linear in the words.
    """
    lines = _lines_of_words(text)
    font, em = layout.measure_font, layout.em_px
    counts = [graphemes(_plain(words)) for words in lines]
    too_long = layout.max_chars is not None and max(counts, default=0) > layout.max_chars
    if not too_long and text_width("\n".join(map(_plain, lines)), font, em) <= layout.max_width:
        return [_ass_line(words, layout) for words in lines], em  # fits as written
    upem = units_per_em(font)
    widths = [[advance(_plain([word]), font) for word in words] for words in lines]
    widest_word = max((width for line in widths for width in line), default=0) * em / upem
    if widest_word > layout.max_width:
        em *= layout.max_width / widest_word * SHRINK_SLACK
    limit = layout.max_width * upem / em
    gaps = [[advance(_plain(pair), font) - left - right
             for pair, left, right in zip(zip(words, words[1:]), line, line[1:])] + [0]
            for words, line in zip(lines, widths)]
    breaks = [_break_lines(line, gap, limit) for line, gap in zip(widths, gaps)]
    if too_long:
        breaks = _by_characters(breaks, widths, gaps, counts, limit, layout)
    wrapped = []
    for words, line, gap, firsts in zip(lines, widths, gaps, breaks):
        if len(firsts) == 2:
            firsts = [0, _natural_break(words, line, gap, firsts[1], limit, layout.max_chars)]
        wrapped += [words[a:b] for a, b in zip(firsts, firsts[1:] + [len(words)])]
    return [_ass_line(words, layout) for words in wrapped], em


def _by_characters(breaks: list[list[int]], widths, gaps, counts: list[int], limit: float,
                   layout: Layout) -> list[list[int]]:
    """`breaks` with each written line of more than `layout.max_chars` graphemes broken under
    that many too (the width the line's own average character gives them), as long as the cue
    keeps to `layout.max_lines` lines (or to its written lines, when it has more)."""
    allowed = max(layout.max_lines, len(breaks))
    breaks = list(breaks)
    for n, (line, gap, count) in enumerate(zip(widths, gaps, counts)):
        if count <= layout.max_chars:
            continue
        drawn = sum(line) + sum(gap[:-1])
        firsts = _break_lines(line, gap, min(limit, drawn * layout.max_chars / count))
        if sum(map(len, breaks)) - len(breaks[n]) + len(firsts) <= allowed:
            breaks[n] = firsts
    return breaks


def _natural_break(words: list[Word], widths, gaps, balanced: int, limit: float,
                   max_chars: int | None = None) -> int:
    """Where a line broken in two breaks (the second line's first word): `balanced` (the most
    even break, `_break_lines`), unless a subtitler's break keeps both lines within `limit`
    (font units) and `max_chars` graphemes (or within the balanced break's longer line, when
    that is longer), and the shorter at least NATURAL_RATIO of the longer: after punctuation
    when `balanced` is not, else off a short word `balanced` ends the first line with. The most
    even of those wins. Linear in the words."""
    texts = [_plain([word]) for word in words]
    chars = [0]                    # graphemes of words 0..n-1 with the spaces between them
    for text in texts:
        chars.append(chars[-1] + graphemes(text) + 1)

    def longest(first: int) -> int:     # the longer line's graphemes, broken before `first`
        return max(chars[first] - 1, chars[-1] - chars[first] - 1)

    most_chars = max(max_chars or 0, longest(balanced)) if max_chars else math.inf

    def kind(first: int) -> int:   # 0: after punctuation, 1: plain, 2: after a short word
        before = texts[first - 1]
        if before and before[-1] in CLAUSE_END:
            return 0
        return 2 if graphemes(before) <= SHORT_WORD else 1

    starts = [0]
    for width, gap in zip(widths, gaps):
        starts.append(starts[-1] + width + gap)
    total = starts[-1] - gaps[-1]
    best, best_key = balanced, (kind(balanced), 0.0)    # only a better kind of break wins
    for first in range(1, len(words)):
        top = starts[first] - gaps[first - 1]
        bottom = total - starts[first]
        evenness = min(top, bottom) / max(top, bottom, 1)
        key = (kind(first), -evenness)
        if key[0] < best_key[0] or (key[0] == best_key[0] and best != balanced and key < best_key):
            if (max(top, bottom) <= limit and evenness >= NATURAL_RATIO
                    and longest(first) <= most_chars):
                best, best_key = first, key
    return best


def font_joiner(font: Font) -> str:
    """The first zero-width joiner `font` has a glyph for ("" if none)."""
    return next((char for char in JOINER_CANDIDATES if covers(font, char)), "")
