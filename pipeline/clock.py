"""Clock numbers: the identifier a station's traffic department files a spot under.

A manifest gives a pattern (`clock: "BH-{spot}-{lang}-{profile}"`) for every variant, or a
language gives its own (a pattern or a plain value). Placeholders are `{campaign}`, `{spot}`,
`{lang}` and `{profile}`; the expanded number must be usable as a file name and in MXF/MOV
metadata: letters, digits and '-' (capitals allowed, as clock numbers are usually written),
starting with a letter or digit, at most 63 characters.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from pipeline.messages import N_, Message, say

FIELDS = ("campaign", "spot", "lang", "profile")
CLOCK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")
HINT = say(N_("use letters, digits and '-' with the placeholders {campaign}, {spot}, {lang} "
              "and {profile}, e.g. \"BH-{spot}-{lang}\""))
# A station files each spot and language under its own number (a pattern without {spot} or
# {lang} gives one number to several).
DUPLICATE_HINT = say(N_("one number per spot and language: put {spot} and {lang} in the "
                        "pattern, or give the language its own 'clock:' value"))


@dataclass(frozen=True)
class ClockPattern:
    pattern: str
    line: int | None = None        # where the manifest gives it

    def expand(self, campaign: str, spot: str, lang: str, profile: str) -> str:
        return self.pattern.format(campaign=campaign, spot=spot, lang=lang, profile=profile)


def pattern_problem(pattern: str) -> Message | None:
    """Why `pattern` cannot be expanded (unbalanced braces, an unknown placeholder, a format
    spec), or None."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        # Python's own words for what is wrong (as the OS's): a parameter, in English.
        return say(N_("clock pattern %(pattern)s is malformed: %(problem)s"),
                   pattern=repr(pattern), problem=str(exc))
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in FIELDS:
            return say(N_("clock pattern %(pattern)s uses an unknown placeholder %(name)s"),
                       pattern=repr(pattern), name=f"{{{name}}}")
        if spec or conversion:
            return say(N_("clock pattern %(pattern)s formats %(name)s: write the placeholder "
                          "alone"), pattern=repr(pattern), name=f"{{{name}}}")
    return None


def clock_problem(value: str) -> Message | None:
    """Why an expanded clock number is not usable, or None."""
    if CLOCK.match(value):
        return None
    return say(N_("clock number %(value)s is not usable in file names and metadata"),
               value=repr(value))
