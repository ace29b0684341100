"""WebVTT cue settings as the reader takes them: read with webvtt-py's strict validator, placed
as the nearest keypad row and column with margins, and what is not rendered said once a file.

A mixin of the WebVTT reader (`vtt._Reader`), which gives `regions` (the REGION blocks read,
by id), `unrendered` (filled here) and `fail`/`warn(message, line, hint, code)`.
"""

from __future__ import annotations

import re

from webvtt.errors import MalformedCaptionError
from webvtt.models import CueSettings, Region

from pipeline.messages import N_, Items, N_plural, say, say_count
from pipeline.subtitles.model import Margins, column_at, keypad, line_list, row_at

OLD_ALIGN = re.compile(r"(?<!\S)align:middle(?!\S)")   # W3C WebVTT drafts before 2014
SETTINGS_HINT = say(N_("cue settings are line:, position:, size:, align: and region:, e.g. "
                      "line:0 align:center"))
# What each setting takes (W3C WebVTT, 6.3 "WebVTT cue settings"): the hint for a wrong value.
# Templates: a percent sign is written `%%`.
SETTING_HINTS = {
    "line": say(N_("line: takes a line number (line:0 is the top, line:-1 the bottom) or a "
                   "percentage from 0%% to 100%% of the height, optionally followed by ,start "
                   ",center or ,end")),
    "position": say(N_("position: takes a percentage from 0%% to 100%% of the width, optionally "
                       "followed by ,line-left ,center or ,line-right")),
    "size": say(N_("size: takes a percentage from 0%% to 100%% of the width")),
    "align": say(N_("align: takes start, center, end, left or right")),
}


def line_box(at: float, line_align: str) -> tuple[str, float]:
    """(row, margin) of a cue box whose edge or centre is at `at` (a fraction of the height
    from the top) as WebVTT places a percentage `line:` (W3C WebVTT, "apply WebVTT cue
    settings", snap-to-lines false): its line alignment `start` (the default) puts the box's
    top there, `center` its centre, `end` its bottom. Exact, whatever the box's height; the
    burn moves a box that would leave the title-safe area back inside, as browsers move it
    back inside the video."""
    if line_align == "end":
        return "bottom", 1 - at
    if line_align == "center":
        return "middle", at - 0.5
    return "top", at


class CueSettingsReader:
    regions: dict[str, Region]
    # Cue settings read but not rendered, said once a file (`unrendered_warnings`): the setting
    # -> (timing line, what the cue wrote) of each cue writing it, in the file's order.
    unrendered: dict[str, list[tuple[int, str]]]

    def settings(self, written: str, number: int, index: int) -> CueSettings:
        """The settings cue `index` writes after its times on line `number`; one that is
        wrong (a misspelt name, a value out of range) is said and left out, as W3C WebVTT's
        parser and browsers leave it out, the cue kept (it was refused, and its language
        blocked, for `positon:10%`)."""
        if OLD_ALIGN.search(written):
            # The 2013 drafts' spelling, still written by some tools; the specification and
            # browsers dropped it (they ignore the setting, so the text is centred).
            self.warn(say(N_("cue %(cue)s: align:middle is an old spelling that WebVTT no longer "
                             "has; it is read as align:center, where browsers show it too "
                             "(they ignore the setting)"), cue=index), number,
                      say(N_("write align:center")), "settings")
            written = OLD_ALIGN.sub("align:center", written)
        try:
            return CueSettings.from_string(written, strict=True)
        except MalformedCaptionError:
            pass
        kept = []
        for token in written.split():
            try:
                CueSettings.from_string(token, strict=True)
                kept.append(token)
            except MalformedCaptionError:
                name = token.split(":", 1)[0]
                self.warn(say(N_("cue %(cue)s: the cue setting %(setting)s is misspelt or out of "
                                 "range; it is left out, as browsers leave it out"), cue=index,
                              setting=f"'{token}'"),
                          number, SETTING_HINTS.get(name, SETTINGS_HINT), "bad-setting")
        return CueSettings.from_string(" ".join(kept), strict=True)

    def note_unrendered(self, settings: CueSettings, number: int) -> None:
        """Notes the settings of a cue read, its timing on line `number`, that are not
        rendered, for `unrendered_warnings`."""
        defined = settings.region if settings.region in self.regions else None
        # size:100% is the default box, the full width: what every cue is laid out in anyway.
        narrower = settings.size if settings.size and float(settings.size[:-1]) < 100 else None
        for name, value in (("vertical", settings.vertical), ("region", defined),
                            ("size", narrower)):
            if value:
                self.unrendered.setdefault(name, []).append((number, f"{name}:{value}"))

    def unrendered_warnings(self) -> None:
        """One warning a file for each cue setting it uses that the pipeline does not render,
        with how many cues use it, at the first one's timing line: vertical text (W3C WebVTT,
        the `vertical` cue setting), regions (`region`, with a REGION block) and a cue box
        narrower than the width (`size`). The burn and the sidecars place horizontal text in
        rows, as wide as the title-safe area (`placement`, `vtt.cue_settings`,
        `imsc.region_box`); the warning says where these cues go instead."""
        for name, found in self.unrendered.items():
            number, count = found[0][0], len(found)
            settings = Items(tuple(dict.fromkeys(written for _, written in found)), ", ", " and ")
            if name == "vertical":
                message = say_count(N_plural(
                    "vertical text is not rendered: %(count)s cue asks for it (%(settings)s) and "
                    "is shown horizontal, placed by its line:, position: and align: as horizontal "
                    "text is",
                    "vertical text is not rendered: %(count)s cues ask for it (%(settings)s) and "
                    "are shown horizontal, placed by their line:, position: and align: as "
                    "horizontal text is"), count, count=count, settings=settings)
                hint = say(N_("write these cues horizontal, without vertical:"))
            elif name == "size":
                # The lines are named: a narrower box breaks lines elsewhere, cue by cue. One
                # cue's is the warning's own (`PATH:LINE:`), not said again.
                message = say(N_("cue box widths are not applied: %(count)s cue sets one "
                                 "(%(settings)s) and is laid out over the full title-safe width "
                                 "instead"), count=count, settings=settings) if count == 1 else \
                    say_count(N_plural(
                        "cue box widths are not applied: %(count)s cue sets one (%(settings)s at "
                        "%(lines)s) and is laid out over the full title-safe width instead",
                        "cue box widths are not applied: %(count)s cues set one (%(settings)s at "
                        "%(lines)s) and are laid out over the full title-safe width instead"),
                        count, count=count, settings=settings,
                        lines=line_list([line for line, _ in found]))
                hint = say(N_("break the lines by hand where the narrower box would, and remove "
                              "size:"))
            else:
                message = say_count(N_plural(
                    "WebVTT regions are not rendered (their width, lines and scrolling): "
                    "%(count)s cue names one (%(settings)s) and goes to the top, middle or bottom "
                    "row nearest the region's viewportanchor, unless its own line: says "
                    "otherwise; its align: and position: put it left, centre or right",
                    "WebVTT regions are not rendered (their width, lines and scrolling): "
                    "%(count)s cues name one (%(settings)s) and go to the top, middle or bottom "
                    "row nearest their region's viewportanchor, unless their own line: says "
                    "otherwise; their align: and position: put them left, centre or right"),
                    count, count=count, settings=settings)
                hint = say(N_("place the cues with line:, position: and align: instead of a "
                              "region"))
            self.warn(message, number, hint, "unrendered-settings")

    def placement(self, settings: CueSettings, number: int, index: int
                  ) -> tuple[int | None, Margins | None]:
        """The keypad alignment and margins closest to the cue's settings (or its region's).
        A percentage line is placed exactly (`line_box`); a line number counts lines
        of text from the title-safe edge, as WebVTT stacks line boxes from the video's
        (`Margins.lines`: `line:0` the first line at the top, `line:-1` the last at the
        bottom, `line:-3` two lines above it)."""
        row, column, vertical, left, right, lines = "bottom", "center", 0.0, 0.0, 0.0, 0
        region = self.regions.get(settings.region) if settings.region else None
        if settings.region and region is None:
            self.fail(say(N_("cue %(cue)s names region %(region)s, which no REGION block "
                             "defines"), cue=index, region=repr(settings.region)), number,
                      say(N_("define the region before the first cue")), "settings")
        if region is not None and region.viewportanchor:
            x, y = (float(v.rstrip("%")) / 100 for v in region.viewportanchor.split(","))
            row, vertical = row_at(y)
        if settings.line:
            value, _, line_align = settings.line.partition(",")
            if value.endswith("%"):
                # line:50% puts the box's top at half the height, as browsers do, not its middle
                row, vertical = line_box(float(value[:-1]) / 100, line_align)
            else:   # a line number: from the top when positive, from the bottom when negative
                number = int(value)
                row, vertical = ("bottom" if number < 0 else "top"), 0.0
                lines = abs(number) if number not in (0, -1) else 0   # 0, -1: at the edge
        align = settings.align or "center"
        if align in ("left", "start"):
            column = "left"
        elif align in ("right", "end"):
            column = "right"
        if settings.position:
            at = float(settings.position.partition(",")[0].rstrip("%")) / 100
            if column == "left":
                left = at
            elif column == "right":
                right = 1 - at
            else:
                column = column_at(at)
        return keypad(row, column), Margins(left, right, vertical, lines)
