"""TTML time expressions and the `ttp:` parameters they are counted in: frame rate (with its
multiplier), sub-frame rate, tick rate and time base.

A clock time's frames are counted in the effective frame rate (`ttp:frameRate` times
`ttp:frameRateMultiplier`) and must be less than it, its sub-frames less than
`ttp:subFrameRate` (TTML2 §10.3.1 <timeExpression>; IMSC1 keeps TTML's time expressions):
`00:00:04:35` at 29.97 fps names no frame, and read as 4 s + 35 frames it would move the
cue's end past the next second unnoticed.
"""

from __future__ import annotations

import re
from collections import Counter
from fractions import Fraction

CLOCK = re.compile(r"(\d{2,}):(\d{2}):(\d{2})(?:(\.\d+)|:(\d{2,})(?:\.(\d+))?)?$")
OFFSET = re.compile(r"(\d+(?:\.\d+)?)(h|m|s|ms|f|t)$")
TIME_HINT = 'write times as HH:MM:SS.mmm (e.g. begin="00:00:01.500") or as 1.5s'


class TimeParameters:
    """The `ttp:` timing parameters of a `<tt>` root and reading times with them; mixed into
    the reader (`ttml._Reader`), which gives `root`, `ttp` (the parameter namespaces a `ttp:`
    attribute is looked for in, in order) and `fail(message, element, hint, code)`."""

    def read_time_parameters(self) -> None:
        self.notations: Counter[str] = Counter()   # how many times each notation writes
        self.frame_rate = self._frame_rate()
        self.sub_frame_rate = int(self._number("subFrameRate", 1)) or 1
        self.tick_rate = self._number("tickRate", self.frame_rate or 1)
        self.units = {"h": Fraction(3600), "m": Fraction(60), "s": Fraction(1),
                      "ms": Fraction(1, 1000), "t": 1 / Fraction(self.tick_rate),
                      "f": 1 / Fraction(self.frame_rate or 1)}

    def parameter(self, name: str) -> str | None:
        """The root's `ttp:{name}`, in the first of the `ttp` namespaces that has it."""
        return next((value for namespace in self.ttp
                     if (value := self.root.get(f"{{{namespace}}}{name}")) is not None), None)

    def _number(self, name: str, default: float) -> float:
        value = self.parameter(name)
        if value is None:
            return default
        try:
            return float(value)
        except ValueError:
            self.fail(f"ttp:{name} must be a number, not {value!r}", self.root)
            return default

    def _frame_rate(self) -> Fraction | None:
        """The effective frame rate: ttp:frameRate times ttp:frameRateMultiplier."""
        rate = self._number("frameRate", 0) or None
        rate = Fraction(rate).limit_denominator(1000) if rate else None
        multiplier = self.parameter("frameRateMultiplier")
        if rate and multiplier:
            numerator, _, denominator = multiplier.partition(" ")
            try:
                rate *= Fraction(int(numerator), int(denominator or 1))
            except (ValueError, ZeroDivisionError):
                self.fail(f"ttp:frameRateMultiplier must be two whole numbers, not {multiplier!r}",
                          self.root)
        base = self.parameter("timeBase")
        if base not in (None, "media"):
            self.fail(f"ttp:timeBase {base!r} is not supported: times must be media times",
                      self.root, 'use ttp:timeBase="media" (the default)', "timing")
        return rate

    def time(self, element, name: str) -> Fraction | None:
        """`begin`, `end` or `dur` of `element` in seconds; None when absent or wrong (reported)."""
        value = element.get(name)
        if value is None:
            return None
        value = value.strip()
        clock, offset = CLOCK.match(value), OFFSET.match(value)
        if clock:
            hours, minutes, seconds, fraction, frames, subframes = clock.groups()
            if int(minutes) > 59 or int(seconds) > 60:
                clock = None
            else:
                total = Fraction(int(hours) * 3600 + int(minutes) * 60 + int(seconds))
                if fraction:
                    total += Fraction(fraction)
                if frames:
                    counted = self._frames(element, name, value, int(frames),
                                           int(subframes) if subframes else 0)
                    if counted is None:
                        return None
                    total += counted
                self.notations["frames" if frames else "clock"] += 1
                return total
        if offset:
            count, unit = Fraction(offset.group(1)), offset.group(2)
            if unit == "f" and not self.frame_rate:
                self.fail(f"{name}={value!r} counts frames, but the file gives no ttp:frameRate",
                          element, TIME_HINT, "timing")
                return None
            self.notations[unit] += 1
            return count * self.units[unit]
        self.fail(f"malformed TTML time {name}={value!r}", element, TIME_HINT, "timing")
        return None

    def _frames(self, element, name: str, value: str, frames: int,
                subframes: int) -> Fraction | None:
        """Seconds of a clock time's frames and sub-frames; None when they name no frame
        (reported)."""
        if not self.frame_rate:
            self.fail(f"{name}={value!r} counts frames, but the file gives no ttp:frameRate",
                      element, TIME_HINT, "timing")
            return None
        if frames >= self.frame_rate:
            last = -(-self.frame_rate // 1) - 1     # the highest whole number below the rate
            self.fail(f"{name}={value!r} counts frame {frames}, but at {_rate(self.frame_rate)} "
                      f"fps (ttp:frameRate) a second has frames 0 to {last}", element,
                      "check the frame number and ttp:frameRate, or write the time as "
                      "HH:MM:SS.mmm", "timing")
            return None
        if subframes >= self.sub_frame_rate:
            self.fail(f"{name}={value!r} counts sub-frame {subframes}, but ttp:subFrameRate is "
                      f"{self.sub_frame_rate} (sub-frames 0 to {self.sub_frame_rate - 1})",
                      element, "check the sub-frame number and ttp:subFrameRate", "timing")
            return None
        return (frames + Fraction(subframes, self.sub_frame_rate)) / self.frame_rate


def _rate(rate: Fraction) -> str:
    return f"{float(rate):.3f}".rstrip("0").rstrip(".")   # 25, 29.97
