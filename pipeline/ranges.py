"""The range a numeric setting must fall in, said in the words a manifest's error gives.

A setting out of its range (a negative size cap, a positive true-peak ceiling) used to pass
`validate` and fail only at render, after a full encode, with a message about the file; each
model class lists its settings' ranges (`RANGES`), and the manifest's reader checks every value
given against them, at the value's line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pipeline.messages import N_, Message, Number, say


@dataclass(frozen=True)
class Range:
    low: float | None = None
    high: float | None = None
    above: bool = False        # the low end itself is out (a size or a rate must be positive)
    unit: str = ""             # said after the figures, e.g. " LUFS"

    def problem(self, name: str | Message, value: float) -> Message | None:
        """`name must be ..., not VALUE`, or None when `value` is in range."""
        below = self.low is not None and (value <= self.low if self.above else value < self.low)
        if math.isfinite(value) and not below and (self.high is None or value <= self.high):
            return None
        return say(N_("%(name)s must be %(range)s, not %(value)s%(unit)s"), name=name,
                   range=self.words(), value=Number(value, "g"), unit=self.unit)

    def words(self) -> Message:
        if self.low == 0 and self.above and self.high is None:
            return say(N_("positive"))
        if self.low is None and self.high is None:
            return say(N_("a finite number"))
        if self.low is None:
            return say(N_("at most %(high)s%(unit)s"), high=Number(self.high, "g"), unit=self.unit)
        low = say(N_("more than %(low)s%(unit)s") if self.above else
                  N_("at least %(low)s%(unit)s"), low=Number(self.low, "g"), unit=self.unit)
        if self.high is None:
            return low
        if self.above:
            return say(N_("%(low)s and at most %(high)s%(unit)s"), low=low,
                       high=Number(self.high, "g"), unit=self.unit)
        return say(N_("between %(low)s and %(high)s%(unit)s"), low=Number(self.low, "g"),
                   high=Number(self.high, "g"), unit=self.unit)


POSITIVE = Range(0, above=True)
NOT_NEGATIVE = Range(0)
