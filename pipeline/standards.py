"""Loudness standards a broadcast profile is held to, and the verdict on a measured programme.

- EBU R128 (2023): programme loudness -23 LUFS +-0.5 LU (live: +-1 LU), maximum true peak
  -1 dBTP; alignment tone at -18 dBFS (EBU R68).
- ATSC A/85:2013: -24 LKFS +-2 dB (the target and its tolerance as this codebase models A/85;
  its sections are not cited here, not having been checked against the document), true peak
  at most -2 dBTP; alignment tone at -20 dBFS (SMPTE RP 155).
- EBU R128 s1 (2016), for short-form content (advertisements, promotions, trailers): maximum
  short-term loudness (3 s window) of the target + 5 LU, so that a spot at the right integrated
  loudness cannot shout for a few seconds. Held to every spot up to SHORT_FORM seconds, whichever
  standard the profile names (the issue asks for it). Under R128 it is R128's own supplement;
  A/85 has no such rule, so under A/85 it is a house rule, after s1, said as one: apart from
  A/85's rules, never as A/85's.

Both standards measure by ITU-R BS.1770 with its gating: an absolute gate at -70 LUFS (-70 LKFS
in A/85's words), then a relative one 10 LU under the loudness of the blocks the first passes.
Figures are measured by ffmpeg's `ebur128` meter (ITU-R BS.1770-4), on the programme only: a
master's leader (bars and tone) is not part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from pipeline.media.loudness import Loudness
from pipeline.messages import N_
from pipeline.profiles import Profile


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
    unit: str              # what it calls the loudness unit (one BS.1770 measure): A/85 LKFS
    # Where it sets its target and tolerance, and its true-peak ceiling, as a certificate cites
    # them (marked for `make translations`: the certificate says them in the page's language).
    target_source: str
    true_peak_source: str
    # Whose rule the short-term limit of its short-form spots is: the standard's own (R128's
    # supplement s1), or a house rule after s1 held beside a standard that has none (A/85).
    short_form_source: str
    short_form_house: bool


STANDARDS: dict[str, Standard] = {
    "ebu-r128": Standard("ebu-r128", "EBU R128 (2023)", -23.0, 0.5, -1.0, -18.0, "LUFS",
                         N_("EBU R128 (2023)"), N_("EBU R128 (2023)"), N_("EBU R128 s1"), False),
    "atsc-a85": Standard("atsc-a85", "ATSC A/85:2013", -24.0, 2.0, -2.0, -20.0, "LKFS",
                         N_("ATSC A/85:2013"), N_("ATSC A/85:2013"),
                         N_("house rule for short-form spots, after EBU R128 s1"), True),
}


def loudness_unit(standard_name: str | None) -> str:
    """The unit a profile's loudness figures are written in: the one its standard writes for
    the ITU-R BS.1770-4 measure (ATSC A/85:2013 LKFS, EBU R128 LUFS: one measure, two names,
    as EBU Tech 3341 says), LUFS for a profile that names no standard. Differences between
    two figures are LU in both."""
    standard = STANDARDS.get(standard_name or "")
    return standard.unit if standard else DEFAULT_UNIT


def input_unit(profiles: Iterable[Profile]) -> str:
    """The unit a message about an input's loudness (a dub's level, a master's silence) writes
    it in: that of the loudness standards `profiles` name when they all write the same one (a
    campaign for ATSC A/85 stations alone: LKFS), else LUFS, EBU R128's name for the measure,
    also where no profile names a standard. An input feeds every profile in play, so no one
    profile's unit is its own."""
    units = {loudness_unit(profile.loudness_standard) for profile in profiles
             if profile.loudness_standard}
    return units.pop() if len(units) == 1 else DEFAULT_UNIT


def loudest(profiles: Iterable[Profile]) -> tuple[Profile, ...]:
    """Those of `profiles` with the highest target: what a delivery going to each is levelled
    up to at the most (how much levelling lifts its noise floor)."""
    profiles = tuple(profiles)
    target = max(profile.loudness for profile in profiles)
    return tuple(profile for profile in profiles if profile.loudness == target)


def record_unit(record: dict) -> str:
    """The unit of a variant's record's loudness figures: its profile's standard's, as the
    record names it (`loudness_standard`, written with the certificate)."""
    return loudness_unit((record.get("loudness_standard") or {}).get("name"))


SHORT_TERM_ABOVE_TARGET = 5.0      # LU: EBU R128 s1's maximum short-term loudness over the target
SHORT_FORM = 120.0                 # seconds: spots up to this long are short-form content (R128 s1)


# The rules' names, as records keep them and certificates show them (in the page's language).
INTEGRATED, TRUE_PEAK, SHORT_TERM = (N_("integrated loudness"), N_("true peak"),
                                     N_("maximum short-term loudness"))
LOUDNESS_RANGE = N_("loudness range")
# Whose the loudness-range limit is: the profile's (profiles.Profile.loudness_range); neither
# EBU R128 nor ATSC A/85:2013 sets one. Past it a variant gets a QC warning, not a refusal.
PROFILE_LIMIT = N_("the profile's own limit (a QC warning)")


@dataclass(frozen=True)
class Check:
    """One rule a programme is held to, against what the meter measured."""

    rule: str                      # INTEGRATED, TRUE_PEAK, SHORT_TERM or LOUDNESS_RANGE
    measured: float | None
    unit: str                      # of `measured`
    limit: str                     # the rule in words, with units: "-23.0 LUFS ± 0.5 LU"
    passed: bool
    source: str                    # whose rule: "ATSC A/85:2013"
    house: bool = False            # a house rule held beside the standard's, not one of them
    # Broken, a QC warning only: never a breach, nor part of the standard's verdict (a record
    # without the key, from before it, holds no such check).
    advisory: bool = False

    def to_json(self) -> dict:
        return {"rule": self.rule, "measured": self.measured, "unit": self.unit,
                "limit": self.limit, "passed": self.passed, "source": self.source,
                "house": self.house, "advisory": self.advisory}


def short_form(seconds: float) -> bool:
    return seconds <= SHORT_FORM


def short_term_limit(standard_name: str | None, seconds: float) -> float | None:
    """The maximum short-term loudness (in the standard's unit) of EBU R128 s1, or of the house
    rule after it, for a programme of `seconds` held to the named standard; None when it has
    no standard or is longer than short-form content."""
    standard = STANDARDS.get(standard_name or "")
    if standard is None or not short_form(seconds):
        return None
    return standard.target + SHORT_TERM_ABOVE_TARGET


def short_term_rule(standard_name: str | None) -> str:
    """Whose the short-term limit of the named standard's short-form spots is, in words: "EBU
    R128 s1", or for ATSC A/85, which has none, "the house rule for short-form spots, after EBU
    R128 s1"."""
    standard = STANDARDS[standard_name]
    return f"the {standard.short_form_source}" if standard.short_form_house \
        else standard.short_form_source


def verdict(standard: Standard, loudness: Loudness, seconds: float) -> list[Check]:
    """Each rule of `standard` checked against `loudness`, each citing its source, and for a
    short-form programme of `seconds` the short-term rule (EBU R128 s1's, or the house rule
    after it: `Standard.short_form_house`). Undefined loudness (silence) fails the integrated
    rule: a spot without sound is not what a station airs."""
    unit = standard.unit
    checks = [
        Check(INTEGRATED, loudness.integrated, unit,
              f"{standard.target:.1f} {unit} ± {standard.tolerance:g} LU",
              loudness.defined and abs(loudness.integrated - standard.target) <= standard.tolerance,
              standard.target_source),
        Check(TRUE_PEAK, loudness.true_peak, "dBTP", f"≤ {standard.true_peak:.1f} dBTP",
              loudness.true_peak is None or loudness.true_peak <= standard.true_peak,
              standard.true_peak_source),
    ]
    limit = short_term_limit(standard.name, seconds)
    if limit is not None:
        checks.append(Check(SHORT_TERM, loudness.max_short_term, unit, f"≤ {limit:.1f} {unit}",
                            loudness.max_short_term is None or loudness.max_short_term <= limit,
                            standard.short_form_source, standard.short_form_house))
    return checks


def range_checks(limit: float, loudness: Loudness) -> list[Check]:
    """The profile's loudness-range `limit` (LU) against the programme's range (LRA, as EBU
    Tech 3342 measures it), held beside the standard's rules as the profile's own and advisory:
    where record.output_warnings warns of the same range. Nothing for a programme whose loudness
    is undefined (silence has no range; its warning is another)."""
    if not loudness.defined:
        return []
    return [Check(LOUDNESS_RANGE, loudness.lra, "LU", f"≤ {limit:g} LU", loudness.lra <= limit,
                  PROFILE_LIMIT, house=True, advisory=True)]


def failures(checks: list[Check]) -> str | None:
    """The failed rules with their figures, in one sentence; None when all pass."""
    failed = [f"{c.rule} {_figure(c)} (must be {c.limit})" for c in checks if not c.passed]
    return "; ".join(failed) or None


def breaches(standard: Standard, checks: list[Check]) -> str | None:
    """What a programme breaks, by whose rule, with the figures: "EBU R128 s1: maximum
    short-term loudness -12.4 LUFS (must be ≤ -18.0 LUFS)"; a house rule said as one, "the
    house rule for short-form spots, after EBU R128 s1 (ATSC A/85:2013 has none): ..."; None
    when it breaks nothing. An advisory check broken is no breach (`Check.advisory`)."""
    broken: dict[str, list[Check]] = {}
    for check in checks:
        if not check.passed and not check.advisory:
            whose = f"the {check.source} ({standard.title} has none)" if check.house \
                else check.source
            broken.setdefault(whose, []).append(check)
    return "; and ".join(f"{whose}: {failures(rules)}" for whose, rules in broken.items()) or None


def _figure(check: Check) -> str:
    return "undefined" if check.measured is None else f"{check.measured:.1f} {check.unit}"
