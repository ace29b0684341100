"""The range a numeric setting must fall in, said in the words a manifest's error gives.

A setting out of its range (a negative size cap, a positive true-peak ceiling) used to pass
`validate` and fail only at render, after a full encode, with a message about the file; each
model class lists its settings' ranges (`RANGES`), and the manifest's reader checks every value
given against them, at the value's line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    low: float | None = None
    high: float | None = None
    above: bool = False        # the low end itself is out (a size or a rate must be positive)
    unit: str = ""             # said after the figures, e.g. " LUFS"

    def problem(self, name: str, value: float) -> str | None:
        """`name must be ..., not VALUE`, or None when `value` is in range."""
        below = self.low is not None and (value <= self.low if self.above else value < self.low)
        if math.isfinite(value) and not below and (self.high is None or value <= self.high):
            return None
        return f"{name} must be {self.words()}, not {value:g}{self.unit}"

    def words(self) -> str:
        if self.low == 0 and self.above and self.high is None:
            return "positive"
        if self.low is None and self.high is None:
            return "a finite number"
        if self.low is None:
            return f"at most {self.high:g}{self.unit}"
        low = f"{'more than' if self.above else 'at least'} {self.low:g}{self.unit}"
        if self.high is None:
            return low
        if self.above:
            return f"{low} and at most {self.high:g}{self.unit}"
        return f"between {self.low:g} and {self.high:g}{self.unit}"


POSITIVE = Range(0, above=True)
NOT_NEGATIVE = Range(0)
