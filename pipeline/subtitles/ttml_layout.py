"""Where a TTML region puts its text: `tts:origin`, `tts:extent` and `tts:displayAlign` as the
nearest keypad row and column with margins (the burn and the sidecars place text in rows).
`tts:displayAlign` picks the row; the margin is then the region's edge on that row's side,
since how tall the text is (its size, its wrapping) is the burner's to say.

Lengths are percentages, cells (`ttp:cellResolution`) or pixels. A pixel is a fraction of the
frame only against the root's `tts:extent` in pixels (IMSC1 requires one wherever pixels are
used; without it, what a pixel is depends on the player): a region placed in pixels without it
(Amara's DFXP export writes `tts:extent="560px 62px"` and no root extent) goes where the
campaign's style puts subtitles, with one warning a region, rather than refusing the file or
guessing a frame size that could put it anywhere.

A mixin of the TTML reader (`ttml._Reader`), which gives `root`, `path`, `parsed`, `regions`
(id -> (own styles, style references, line)), `resolve(element, own)`, `own_styles(element)`,
`parameter(name)` (`ttml_time.TimeParameters`) and `fail(message, element, hint, code)`.
"""

from __future__ import annotations

import re

from pipeline.errors import warning
from pipeline.messages import N_, say
from pipeline.subtitles.model import Margins, keypad, row_at

LENGTH = re.compile(r"(-?\d+(?:\.\d+)?)(%|px|c)$")
PIXELS_HINT = say(N_("give the region's tts:origin and tts:extent in percentages, or set "
                     'tts:extent on <tt> to the size its pixels are counted in (e.g. '
                     'tts:extent="640px 360px")'))


class Layout:
    def read_layout(self) -> None:
        self.cells = self._pair(self.parameter("cellResolution"), (32, 15))
        # The root's tts:extent as written, and as pixels when it is in pixels.
        self.extent, _ = self.own_styles(self.root)[0].values.get("extent", (None, 0))
        self.pixels = (self._pair(self.extent, (0, 0))
                       if self.extent and self.extent.endswith("px") else None)
        self.unplaced: set[str] = set()     # regions in pixels warned of, once each

    def _pair(self, value: str | None, default: tuple[float, float]) -> tuple[float, float]:
        try:
            first, second = (float(v.rstrip("px")) for v in value.split()) if value else default
            return first, second
        except ValueError:
            self.fail(say(N_("expected two numbers, not %(value)s"), value=repr(value)),
                      self.root)
            return default

    def length(self, value: str, axis: int, element) -> float | None:
        """One length of `tts:origin` or `tts:extent` as a fraction of the frame (pixels only
        with the root's extent in pixels: see `placement`)."""
        match = LENGTH.match(value)
        if not match:
            self.fail(say(N_("cannot read the length %(value)s"), value=repr(value)), element,
                      say(N_("use percentages, e.g. 10%% 80%%")))
            return None
        number, unit = float(match.group(1)), match.group(2)
        if unit == "%":
            return number / 100
        if unit == "c":
            return number / self.cells[axis]
        return number / self.pixels[axis]

    def placement(self, region_id: str, element, column: str) -> tuple[int | None, Margins | None]:
        """The keypad alignment and margins nearest to where the region puts its text."""
        if region_id not in self.regions:
            self.fail(say(N_("region %(region)s is not defined"), region=repr(region_id)),
                      element, say(N_("define it in <head><layout>")), "region")
            return None, None
        own, references, line = self.regions[region_id]
        values = self.resolve(element, (own, references)).values
        written = []
        for name, default in (("origin", "0% 0%"), ("extent", "100% 100%")):
            parts = values.get(name, (default, 0))[0].split()
            if len(parts) != 2:
                self.fail(say(N_("tts:%(name)s of region %(region)s needs two lengths"),
                              name=name, region=repr(region_id)), element)
                return None, None
            written += parts
        if self.pixels is None and any(part.endswith("px") for part in written):
            self._in_pixels(region_id, line)
            return keypad("bottom", column), None
        box = [self.length(part, at % 2, element) for at, part in enumerate(written)]
        if None in box:
            return None, None
        x, y, width, height = box
        display = values.get("displayAlign", ("before", 0))[0]
        anchor = {"before": y, "center": y + height / 2, "after": y + height}.get(display, y)
        row, _ = row_at(anchor)
        # The row's edge of the text is kept on the region's: the text's height is the burner's
        # (its size, its wrapping), so a region in the lower third has its text end at the
        # region's bottom, whatever its displayAlign; the anchor's own distance from the edge
        # put a bottom band's text ("0% 80%", "100% 20%", before) above the band, over the
        # picture. In the upper third, the text starts at the region's top.
        vertical = {"top": y, "bottom": 1 - y - height}.get(row, 0.0)
        left = x if column == "left" else 0.0
        right = 1 - x - width if column == "right" else 0.0
        return keypad(row, column), Margins(max(left, 0.0), max(right, 0.0), max(vertical, 0.0))

    def _in_pixels(self, region_id: str, line: int) -> None:
        """The warning, once a region at its line, that its pixels cannot be placed."""
        if region_id in self.unplaced:
            return
        self.unplaced.add(region_id)
        if self.extent is None:
            message = say(N_("region '%(region)s' is placed in pixels but the document gives no "
                             "tts:extent: shown at the default place"), region=region_id)
        else:
            message = say(N_("region '%(region)s' is placed in pixels but the document's "
                             "tts:extent (%(extent)s) is not in pixels: shown at the default "
                             "place"), region=region_id, extent=self.extent)
        self.parsed.diagnostics.append(warning(message, self.path, line, PIXELS_HINT,
                                               "unrendered-settings"))


def text_column(text_align: str) -> str:
    """The keypad column of a `tts:textAlign`. The specification's default is "start", but
    subtitle tools say "center" when they mean it and files without it are meant centred."""
    return {"left": "left", "start": "left", "right": "right", "end": "right"}.get(
        text_align, "center")
