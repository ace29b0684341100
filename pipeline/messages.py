"""Messages written once, in English, where a check finds a problem, and said again in the
page's language from their template and parameters.

A `Message` is a gettext msgid with named placeholders (`%(cue)s`, marked with `N_` so that
`make translations` extracts it) and the values that fill them: names, times and cue texts as
they are, numbers as numbers with the precision the English text gives them, lists of items,
and other messages (a word such as "dub", a phrase counted in the singular or the plural).
`str()` of it is the English text the terminal, the records and the catalog show; `to_json()`
is what a record keeps so that the page can say it in Spanish (publish/wording.py) with the
locale's numbers ("63,840" in Mexico), lists ("3, 7 y 9") and plural forms (ngettext).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Callable, Union


SOURCE_LANGUAGE = "en"   # the language msgids are written in


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural form (ngettext's two msgids) for extraction."""
    return singular, plural


@dataclass(frozen=True)
class Number:
    """A figure and the Python format spec the English text writes it with (".1f", "+.4f",
    "g", "d"); the page writes it with as many decimals in its locale."""

    value: float
    spec: str = "g"

    def __str__(self) -> str:
        return format(self.value, self.spec)

    def to_json(self) -> dict:
        return {"number": self.value, "format": self.spec}


@dataclass(frozen=True)
class Items:
    """A list said as one phrase. In English, `join` between the items and `last` before the
    last one (as each message always wrote it); in the page's language, the locale's list
    ("a, b y c", CLDR's `standard`) or, for `join="; "`, items that hold commas themselves,
    the same semicolons."""

    items: tuple
    join: str = ", "
    last: str | None = None
    # One of them, not all: the locale's "or" list ("burn, soft, dub o mix"; a trial's Spanish
    # read "no es uno de: burn, soft, dub y mix").
    choice: bool = False

    def __str__(self) -> str:
        texts = [str(item) for item in self.items]
        if self.last is None or len(texts) < 2:
            return self.join.join(texts)
        return self.join.join(texts[:-1]) + self.last + texts[-1]

    def to_json(self) -> dict:
        return {"list": [_json(item) for item in self.items],
                **({"join": "; "} if self.join == "; " else {}),
                **({"style": "or"} if self.choice else {})}


@dataclass(frozen=True)
class Message:
    """A template (a msgid) and its parameters; with `plural`, the msgid of the plural form,
    chosen by `count` as ngettext does."""

    template: str
    params: dict = field(default_factory=dict)
    plural: str | None = None
    count: int | None = None

    def __str__(self) -> str:
        template = self.plural if self.plural is not None and self.count != 1 else self.template
        return template % {name: str(value) for name, value in self.params.items()}

    def to_json(self) -> dict:
        found = {"template": self.template, "params": {k: _json(v) for k, v in self.params.items()}}
        if self.plural is not None:
            found |= {"plural": self.plural, "n": self.count}
        return found

    def map_text(self, change: Callable[[str], str]) -> Message:
        """The message with `change` applied to every text parameter (names, times, cue text)."""
        return Message(self.template, {k: _map(v, change) for k, v in self.params.items()},
                       self.plural, self.count)


Param = Union[str, int, Number, Items, Message]


def plural(count: int, noun: str) -> str:
    """A count and its English noun, in the plural unless one: "1 cue", "3 cues", "0 errors"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def say(template: str, /, **params) -> Message:
    return Message(template, params)


def say_count(forms: tuple[str, str], count: int, /, **params) -> Message:
    """`forms` (from `N_plural`) in the singular when `count` is 1, else in the plural."""
    return Message(forms[0], params, forms[1], count)


def message_from_json(data) -> Message | None:
    """The `Message` a record keeps (`Message.to_json()`), so that a diagnostic read back from
    a record is said in the terminal's language as when it was found (its English text is the
    diagnostic's own); None for anything else. `to_json()` of the result is `data`."""
    if not isinstance(data, dict) or not isinstance(data.get("template"), str):
        return None
    params = {name: _from_json(value) for name, value in (data.get("params") or {}).items()}
    return Message(data["template"], params, data.get("plural"), data.get("n"))


def _from_json(value):
    if isinstance(value, dict) and "template" in value:
        return message_from_json(value)
    if isinstance(value, dict) and "number" in value:
        return Number(value["number"], value.get("format", "g"))
    if isinstance(value, dict) and "list" in value:
        return Items(tuple(_from_json(item) for item in value["list"]),
                     "; " if value.get("join") == "; " else ", ", choice=value.get("style") == "or")
    return value


def _json(value):
    return value.to_json() if hasattr(value, "to_json") else value


def _map(value, change: Callable[[str], str]):
    if isinstance(value, str):
        return change(value)
    if isinstance(value, Message):
        return value.map_text(change)
    if isinstance(value, Items):
        return Items(tuple(_map(item, change) for item in value.items), value.join, value.last,
                     value.choice)
    return value


# How near a name must be to one of the names allowed to be offered as the one meant (difflib's
# ratio): one slip of a short name ('dubb' 0.86, 'treatement' 0.95, 'radio_mp3' 0.89), not
# another name ('podcast' and 'broadcast' 0.75, a radio trial's profile of its own).
MEANT = 0.8


def meant(value: str | None, allowed) -> str | None:
    """The one of `allowed` that `value` is a slip of (its case; a letter more, less or changed
    in a name of five letters or more: MEANT), or None."""
    if not isinstance(value, str):
        return None
    cased = [name for name in allowed if name.lower() == value.lower()]
    return (cased or difflib.get_close_matches(value, list(allowed), n=1, cutoff=MEANT) or
            [None])[0]
