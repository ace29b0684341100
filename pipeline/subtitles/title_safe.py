"""Whether a burned cue fits the title-safe area of the frame it is burned into, measured at
the real font and wrapped exactly as the burner wraps it, and the frames that check is made on
(every frame a manifest's variants of a spot burn the text into).

It is separate from the other QC rules (subtitles/qc.py), which count characters, lines and
milliseconds in the text alone: this family lays the cue out in pixels with the font, the
style and the frame (subtitles/burn.py, subtitles/linebreak.py), and only for burned
languages. A cue the frame cannot hold at all is an error, not a warning: it would be burned
cut off.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, NamedTuple

from pipeline.errors import Diagnostic, error, warning
from pipeline.manifest import QcSettings, Style
from pipeline.media.geometry import LEAST_FILL, Geometry, placement
from pipeline.messages import N_, Items, Message, Number, say
from pipeline.profiles import Profile
from pipeline.subtitles.burn import cue_layout, cue_margins
from pipeline.subtitles.file_styles import FileStyles
from pipeline.subtitles.fonts import Font, line_height_em, text_width
from pipeline.subtitles.linebreak import Layout, edge_px, layout_cue, picture_columns
from pipeline.subtitles.model import ALIGNMENT_TAG, Cue, clear_rows
from pipeline.subtitles.normalise import graphemes


# A cue shrunk under this share of its size to fit a word is no longer read: a pasted 520-letter
# "word" was burned 3 px high, and the render only warned. (Netflix TTSG sets one size for all
# subtitles; half of it is already far from what viewers were given elsewhere.)
LEAST_SHRINK = 0.5
# The hint of a cue too tall for the frame.
SPLIT_IT = say(N_("split it into cues of one or two lines each, timed with the speech"))


class BurnedFrame(NamedTuple):
    """A frame subtitles are burned into (pixels), and the width of a narrower picture centred
    in it between black bars (a pillarbox; None: the picture spans the frame), whose own
    title-safe area the text keeps to (`linebreak.safe_margins`)."""

    width: int
    height: int
    picture_width: int | None = None


def burned_frame(profile: Profile, geometry: Geometry | None) -> BurnedFrame:
    """The frame of `profile` (as oriented for the picture) with the columns a master of
    `geometry` covers in it, as `geometry.fit` places it (None: not known, the whole width).

    A picture that leaves most of the frame to bars (`geometry.LEAST_FILL`: a phone's portrait
    video in 16:9, 608 px of 1920, whose title-safe width holds some 18 characters of Noto Sans
    a line at 0.05: two lines of 42 would take six) keeps the frame's width: its lines run over
    the bars, readable, not stacked over the picture; its variants are told the profile does not
    suit it (the `bars` warning). A 4:3 picture in 16:9 covers 75 % and gets its own."""
    if geometry is None:
        return BurnedFrame(profile.width, profile.height)
    place = placement(geometry, profile)
    pillarbox = place.width < profile.width and place.fill >= LEAST_FILL
    return BurnedFrame(profile.width, profile.height, place.width if pillarbox else None)


class Fitter:
    """Wraps each cue as `ass.write_ass` does and reports what will not fit the title-safe area."""

    def __init__(self, style: Style, font: Font, width: int, height: int, cues: list[Cue],
                 file_styles: dict, qc: QcSettings | None = None,
                 picture_width: int | None = None):
        self.layout = Layout.for_cues(style, font, width, height, cues, qc, picture_width)
        self.file_styles = FileStyles(file_styles, width, height, picture_width)
        self.style, self.font, self.width, self.height = style, font, width, height
        self.picture_width = picture_width

    def check(self, cue: Cue, lines: list[str], path, qc: QcSettings) -> list[Diagnostic]:
        """`lines`: the cue's text lines as shown (see `qc._lines`)."""
        _, own = self.file_styles.of(cue)
        edge = own.edge if own else edge_px(self.style, self.font, self.width, self.height)
        margins = cue_margins(cue, self.width, self.height, edge, self.picture_width)
        layout = cue_layout(own.layout if own else self.layout, margins, self.width, edge,
                            self.picture_width)
        measure = layout.measure_font
        frame = {"width": self.width, "height": self.height}
        # The style's size is of the frame's short side (linebreak.em_px).
        of_side = (N_('at %(size)s of the width in "%(font)s" on a %(width)sx%(height)s frame')
                   if self.width < self.height else
                   N_('at %(size)s of the height in "%(font)s" on a %(width)sx%(height)s frame'))
        where = (say(N_('in style %(style)s ("%(font)s") on a %(width)sx%(height)s frame'),
                     style=repr(cue.style), font=own.font.family, **frame) if own else
                 say(of_side, size=Number(self.style.size), font=self.font.family, **frame))
        if self.picture_width is not None:
            # Why the width is small: the title-safe area is the picture's, not the frame's.
            where = say(N_("%(where)s, whose picture is %(picture)s px wide between black bars"),
                        where=where,
                        picture=picture_columns(self.width, self.picture_width)[1])
        # Lines that fit as written are burned as written: one measure, no wrapping. (Runs of
        # spaces make these lines wider than the burner's, never narrower.) Unless one is
        # longer than the layout's max_chars, which the burner breaks too.
        if (layout.max_chars is None or max(map(graphemes, lines), default=0) <= layout.max_chars) \
                and text_width("\n".join(lines), measure, layout.em_px) <= layout.max_width:
            return self._too_tall(cue, len(lines), layout.em_px, measure, where, path, qc, edge)
        wrapped, em = layout_cue(ALIGNMENT_TAG.sub("", cue.text), layout)
        safe = Number(layout.max_width, ".0f")
        if em < layout.em_px:
            words = [word for line in lines for word in line.split()]
            widest = max(words, key=lambda word: text_width(word, measure, layout.em_px))
            if em < layout.em_px * LEAST_SHRINK:
                return [error(
                    say(N_("cue %(cue)s: the word %(word)s is %(width)s px wide %(where)s, where "
                           "%(safe)s px fit: the whole cue would be drawn at %(share)s %% of its "
                           "size, too small to read"), cue=cue.index, word=repr(widest[:40] + (
                               "…" if len(widest) > 40 else "")),
                        width=Number(text_width(widest, measure, layout.em_px), ".0f"),
                        safe=safe, where=where, share=Number(100 * em / layout.em_px, ".0f")),
                    path, cue.line,
                    say(N_("break the word with spaces or hyphens, or shorten it")), "fit")]
            return [warning(
                say(N_("cue %(cue)s: the word %(word)s is wider than the title-safe area "
                       "(%(frames)s); the whole cue will be drawn smaller"), cue=cue.index,
                    word=repr(widest), frames=_frames(say(
                        N_("%(width)s px of %(safe)s px %(where)s"),
                        width=Number(text_width(widest, measure, layout.em_px), ".0f"),
                        safe=safe, where=where), "; ")), path, cue.line,
                say(N_("hyphenate or shorten the word")), "fit")]
        too_tall = self._too_tall(cue, len(wrapped), em, measure, where, path, qc, edge)
        if too_tall:
            return too_tall
        if len(wrapped) > max(qc.max_lines, len(lines)):
            widest = max(lines, key=lambda line: text_width(line, measure, layout.em_px))
            return [warning(
                say(N_("cue %(cue)s does not fit the title-safe width: %(frames)s (at most "
                       "%(limit)s)"), cue=cue.index, limit=qc.max_lines, frames=_frames(say(
                        N_("a line is %(width)s px wide, %(safe)s px fit %(where)s, so it will "
                           "be drawn on %(lines)s lines"),
                        width=Number(text_width(widest, measure, layout.em_px), ".0f"),
                        safe=safe, where=where, lines=len(wrapped)), "; ")), path, cue.line,
                say(N_("shorten the text, or split the cue into two cues")), "fit")]
        return []

    def _too_tall(self, cue: Cue, count: int, em: float, measure: Font, where: Message,
                  path, qc: QcSettings, edge: float = 0.0) -> list[Diagnostic]:
        """An error when `count` lines at `em` px are taller than the title-safe height (EBU
        R 95's 90 %; a portrait frame's band between its apps' overlays, `model.clear_rows`):
        lines would be cut off the frame (a pasted paragraph burned 21 lines into a 360-line
        frame, its first line above the top edge); or when they are more than twice
        `qc.max_lines`: a burned block no viewer can turn off, over the picture (a pasted
        paragraph of 800 characters took 12 lines of a 1080-line frame, over the spot's
        title). Up to twice the limit is a warning (`check`): a song's verse, a sign. The
        outline and shadow or box (`edge`, linebreak.edge_px) are drawn above the first line and
        below the last."""
        line = em * line_height_em(measure)
        usable = self.height * (1 - sum(clear_rows(self.width, self.height))) - 2 * edge
        if count * line <= usable:
            if count <= 2 * qc.max_lines:
                return []
            # The verdict first, then each frame's figures: the frames said after it, apart
            # (a trial's two frames, joined by "and" mid-sentence, read as one).
            return [error(
                say(N_("cue %(cue)s would be burned on more than twice the %(limit)s lines a "
                       "cue may take (qc: max_lines), over the picture (a pasted paragraph?): "
                       "%(frames)s"), cue=cue.index, limit=qc.max_lines,
                    frames=_frames(say(N_("%(lines)s lines %(where)s"), lines=count,
                                       where=where), "; ")), path, cue.line,
                SPLIT_IT, "fit")]
        return [error(
            say(N_("cue %(cue)s cannot fit the frame: its text takes %(frames)s: the rest would "
                   "be cut off"), cue=cue.index, frames=_frames(say(
                       N_("%(lines)s lines, %(height)s px, and %(fit)s fit the title-safe height "
                          "%(where)s"), lines=count, height=Number(count * line + 2 * edge, ".0f"),
                       fit=max(0, int(usable // line)), where=where), "; ")), path, cue.line,
            SPLIT_IT, "fit")]


def _frames(said: Message, join: str) -> Items:
    """What a fit problem says of one frame, as the list `merged_frames` adds the other frames'
    to (`join`: "; " between parts that hold commas themselves)."""
    return Items((said,), join, None if join == "; " else " and ")


def merged_frames(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """`diagnostics` with the fit problems a cue has on several frames said once, at the first,
    naming each frame (`Fitter.check`'s `frames`): a pasted paragraph checked on a campaign of
    a 1920x1080 and a 640x360 frame was one error twice, once a frame. Problems of different
    kinds (too tall for one frame, too many lines on another) stay apart."""
    return list(frame_merges(diagnostics))


def frame_merges(diagnostics: Iterable[Diagnostic]) -> dict[Diagnostic, tuple[Diagnostic, ...]]:
    """Each of `merged_frames(diagnostics)`, with the diagnostics it says (itself alone when
    it merges none): what a variant was told of its own frame is part of what is said of all."""
    merged: dict = {}
    parts: dict = {}
    for diagnostic in diagnostics:
        detail = diagnostic.detail
        if diagnostic.code != "fit" or detail is None or "frames" not in detail.params:
            merged[id(diagnostic)], parts[id(diagnostic)] = diagnostic, [diagnostic]
            continue
        others = tuple(sorted((k, str(v)) for k, v in detail.params.items() if k != "frames"))
        key = (diagnostic.severity, str(diagnostic.path), diagnostic.line, diagnostic.hint,
               detail.template, others)
        parts.setdefault(key, []).append(diagnostic)
        first = merged.setdefault(key, diagnostic)
        if first is diagnostic:
            continue
        said, new = first.detail.params["frames"], detail.params["frames"]
        items = tuple({str(part): part for part in said.items + new.items}.values())
        message = Message(detail.template, {**detail.params, "frames": replace(said, items=items)})
        merged[key] = replace(first, message=str(message), detail=message)
    return {diagnostic: tuple(parts[key]) for key, diagnostic in merged.items()}


def burned_frames(profiles: Iterable, geometry: Geometry | None,
                  treatment: str = "burn") -> list[BurnedFrame]:
    """Each frame a `treatment` language's subtitles are burned into by `profiles`
    (`Profile.burns`: a `burn` language's by every video profile, a `soft` one's by those that
    burn them; `burned_frame`: with the columns a pillarboxed picture covers), once each, in
    the manifest's order, turned as the render turns it for a master of `geometry`
    (`Profile.oriented`: `messaging` is 720x1280 for a phone's portrait video); None, the
    master not known: as the manifest writes them. Audio profiles have no frame. Validate fits
    a file on each (its variants of that frame are told, or blocked); `check --manifest` and
    `watch` on them all."""
    aspect = None if geometry is None else float(geometry.display_aspect)
    frames = (burned_frame(p if aspect is None else p.oriented(aspect), geometry)
              for p in profiles if p.burns(treatment))
    return list(dict.fromkeys(frames))
