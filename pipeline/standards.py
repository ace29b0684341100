"""Loudness standards a broadcast profile is held to, and the verdict on a measured programme.

- EBU R128 (2023): programme loudness -23 LUFS +-0.5 LU (live: +-1 LU), maximum true peak
  -1 dBTP; alignment tone at -18 dBFS (EBU R68).
- ATSC A/85 (2013): -24 LKFS +-2 LU, true peak at most -2 dBTP; alignment tone at -20 dBFS
  (SMPTE RP 155).
- EBU R128 s1 (2016), for short-form content (advertisements, promotions, trailers): maximum
  short-term loudness (3 s window) of the target + 5 LU, so that a spot at the right integrated
  loudness cannot shout for a few seconds. Held to every spot up to SHORT_FORM seconds, whichever
  standard the profile names (the issue asks for it; stations under A/85 apply the same idea).

Figures are measured by ffmpeg's `ebur128` meter (ITU-R BS.1770-4), on the programme only: a
master's leader (bars and tone) is not part of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.media.loudness import Loudness


# What a loudness figure is written in where no standard names its unit: EBU R128's name for
# ITU-R BS.1770-4's measure.
DEFAULT_UNIT = "LUFS"


@dataclass(frozen=True)
class Standard:
    name: str              # as a profile names it
    title: str             # as a certificate cites it
    target: float          # in `unit`
    tolerance: float       # LU either side
    true_peak: float       # dBTP ceiling
    tone: float            # dBFS of the alignment tone
    # What the standard calls the loudness unit (the same BS.1770 measure): A/85 writes LKFS.
    unit: str = DEFAULT_UNIT


STANDARDS: dict[str, Standard] = {
    "ebu-r128": Standard("ebu-r128", "EBU R128 (2023)", -23.0, 0.5, -1.0, -18.0),
    "atsc-a85": Standard("atsc-a85", "ATSC A/85:2013", -24.0, 2.0, -2.0, -20.0, "LKFS"),
}


def loudness_unit(standard_name: str | None) -> str:
    """The unit a profile's loudness figures are written in: the one its standard writes for
    the ITU-R BS.1770-4 measure (ATSC A/85:2013 LKFS, EBU R128 LUFS: one measure, two names,
    as EBU Tech 3341 says), LUFS for a profile that names no standard. Differences between
    two figures are LU in both."""
    standard = STANDARDS.get(standard_name or "")
    return standard.unit if standard else DEFAULT_UNIT


def record_unit(record: dict) -> str:
    """The unit of a variant's record's loudness figures: its profile's standard's, as the
    record names it (`loudness_standard`, written with the certificate)."""
    return loudness_unit((record.get("loudness_standard") or {}).get("name"))


SHORT_TERM_ABOVE_TARGET = 5.0      # LU: EBU R128 s1's maximum short-term loudness over the target
SHORT_FORM = 120.0                 # seconds: spots up to this long are short-form content (R128 s1)


@dataclass(frozen=True)
class Check:
    """One rule of a standard against what the meter measured."""

    rule: str                      # e.g. "integrated loudness"
    measured: float | None
    unit: str
    limit: str                     # the rule in words, e.g. "-23.0 ± 0.5"
    passed: bool

    def to_json(self) -> dict:
        return {"rule": self.rule, "measured": self.measured, "unit": self.unit,
                "limit": self.limit, "passed": self.passed}


def short_form(seconds: float) -> bool:
    return seconds <= SHORT_FORM


def short_term_limit(standard_name: str | None, seconds: float) -> float | None:
    """EBU R128 s1's maximum short-term loudness (LUFS) for a programme of `seconds` held to the
    named standard; None when it has no standard or is longer than short-form content."""
    standard = STANDARDS.get(standard_name or "")
    if standard is None or not short_form(seconds):
        return None
    return standard.target + SHORT_TERM_ABOVE_TARGET


def verdict(standard: Standard, loudness: Loudness, seconds: float) -> list[Check]:
    """Each rule of `standard` (and R128 s1's for a short-form programme of `seconds`) checked
    against `loudness`. Undefined loudness (silence) fails the integrated rule: a spot without
    sound is not what a station airs."""
    checks = [
        Check("integrated loudness", loudness.integrated, standard.unit,
              f"{standard.target:.1f} ± {standard.tolerance:g}",
              loudness.defined and abs(loudness.integrated - standard.target) <= standard.tolerance),
        Check("true peak", loudness.true_peak, "dBTP", f"≤ {standard.true_peak:.1f}",
              loudness.true_peak is None or loudness.true_peak <= standard.true_peak),
    ]
    limit = short_term_limit(standard.name, seconds)
    if limit is not None:
        checks.append(Check("maximum short-term loudness (EBU R128 s1)", loudness.max_short_term,
                            standard.unit, f"≤ {limit:.1f}",
                            loudness.max_short_term is None or loudness.max_short_term <= limit))
    return checks


def failures(checks: list[Check]) -> str | None:
    """The failed rules with their figures, in one sentence; None when all pass."""
    failed = [f"{c.rule} {_figure(c)} (must be {c.limit} {c.unit})" for c in checks if not c.passed]
    return "; ".join(failed) or None


def _figure(check: Check) -> str:
    return "undefined" if check.measured is None else f"{check.measured:.1f} {check.unit}"
