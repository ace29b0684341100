"""A QC warning said in the page's language, from the template and parameters its record keeps
(`pipeline/messages.py`): the translated msgid (`locale/es/LC_MESSAGES/page.po`), filled with
the figures written as the locale writes them (CLDR through Babel: "63,840 muestras"), lists
joined as the locale joins them ("3, 7 y 9") and counted phrases in its plural forms (ngettext).

The English page keeps each warning's English text as the record has it (the figures as the
checks wrote them, "lines 3, 7"), so nothing is said here in the source language. A warning
whose template, or a part of it, has no translation, or whose parameters do not fill it, is
not said at all: the page shows its English text instead, marked `lang="en"`.
"""

from __future__ import annotations

import re
from collections import Counter

from babel.lists import format_list
from babel.numbers import format_decimal

from pipeline.publish.deliverables import kind_of
from pipeline.publish.i18n import (N_, SOURCE_LANGUAGE, formatting_locale, translated,
                                   translations)

# Python's format spec of a figure (messages.Number): sign, decimals, or "d" for a count.
_SPEC = re.compile(r"^(?P<sign>\+?)(?:\.(?P<digits>\d+)f|(?P<kind>[dg]))$")
# A template's placeholders: what is left around them is the words it needs translated.
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


class _Unsaid(Exception):
    """A template or figure the page's language cannot say: the English text is shown."""


def localised(detail, language: str, source: bool = False) -> str | None:
    """`detail` (a `Message.to_json()`) in `language`; None where the English text is shown.
    With `source`, in English too, from the template (a reason the page words itself, not a
    check's English text)."""
    if (language == SOURCE_LANGUAGE and not source) or not isinstance(detail, dict):
        return None
    try:
        return _say(detail, language)
    except (_Unsaid, KeyError, TypeError, ValueError):
        return None


def _say(message: dict, language: str) -> str:
    catalog = translations(language)
    template, plural = message["template"], message.get("plural")
    text = catalog.gettext(template) if plural is None else \
        catalog.ngettext(template, plural, message["n"])
    # "%(problem)s (%(lines)s)" is the same in every language: its words are its parameters'.
    said = language == SOURCE_LANGUAGE or translated(template, language) or \
        (plural is None and not any(c.isalpha() for c in _PLACEHOLDER.sub("", template)))
    if not said:
        raise _Unsaid(template)
    params = {name: _value(value, language) for name, value in message.get("params", {}).items()}
    return text % params


def _value(value, language: str) -> str:
    if isinstance(value, str):
        return value        # a file name, a time, a cue's text, a code: as the file has it
    if isinstance(value, bool) or not isinstance(value, (int, float, dict)):
        raise _Unsaid(repr(value))
    if isinstance(value, int):
        return str(value)   # a cue, line or paragraph number: as the file numbers it
    if isinstance(value, float):
        raise _Unsaid(repr(value))   # a figure without its precision
    if "template" in value:
        return _say(value, language)
    if "list" in value:
        items = [_value(item, language) for item in value["list"]]
        # Items that hold commas of their own are kept apart by semicolons, as in English.
        if value.get("join") == "; ":
            return "; ".join(items)
        return format_list(items, style=value.get("style", "standard"),
                           locale=formatting_locale(language))
    return _figure(value["number"], value["format"], language)


def _figure(number: float, spec: str, language: str) -> str:
    """`number` with as many decimals as the English text gives it, in the locale's digits."""
    match = _SPEC.match(spec)
    if match is None:
        raise _Unsaid(spec)
    if match["kind"] == "g":
        return format_decimal(number, locale=formatting_locale(language))
    digits = int(match["digits"] or 0)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    if match["sign"]:
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(number, pattern, locale=formatting_locale(language))


# A profile a warning names, as the page names its file: "«Radio, MP3»", not "radio-mp3", the
# manifest's id, which a station never sees (a trial's page said "del perfil radio-mp3").
QUOTED = N_("“%(name)s”")


def profile_labels(catalog: dict, language: str) -> dict[str, str]:
    """{profile id: the label of its files on the page, in `language`}, of every variant the
    catalog has or lacks (`variants_missing`). A label several profiles share (two made from
    `proxy`) is followed by the id, which their files' names carry: "Video ligero (narrow)".
    Translated here, not as a message of the warning: "Radio, MP3" is the same in Spanish,
    which `localised` would take for no Spanish."""
    gettext = translations(language).gettext
    labels = {variant["profile"]: gettext(kind_of({"file": "", **variant}).label)
              for variant in catalog.get("variants_missing", []) + catalog["variants"]}
    shared = Counter(labels.values())
    return {profile: label if shared[label] == 1 else f"{label} ({profile})"
            for profile, label in labels.items()}


def for_station(detail, labels: dict[str, str]):
    """A warning's `detail` as a station reads it: without its `where` (the translator's file
    and line, a file no station has: the page offers files written anew, named otherwise) and
    with the profiles it names (a `profiles` list) as the page labels their files. A profile
    with no label (none of its files in the catalog) keeps its id."""
    if not isinstance(detail, dict):
        return detail
    return _relabelled({key: value for key, value in detail.items() if key != "where"}, labels)


# The parameters that list profiles: `profiles`, and `names` in the loudness range's "N LU of
# profiles ..." of each limit, nested in its `limits` (a page named them by id there).
PROFILE_LISTS = ("profiles", "names")


def _relabelled(message, labels: dict[str, str]):
    """`message` (a template and parameters, nested messages in them) with the profiles its
    PROFILE_LISTS name as the page labels their files."""
    if isinstance(message, list):
        return [_relabelled(item, labels) for item in message]
    if not isinstance(message, dict):
        return message
    params = message.get("params")
    if isinstance(params, dict):
        message = {**message, "params": {
            key: ({**value, "list": [_label(item, labels) for item in value["list"]]}
                  if key in PROFILE_LISTS and isinstance(value, dict) and "list" in value
                  else _relabelled(value, labels)) for key, value in params.items()}}
    elif "list" in message:
        message = {**message, "list": _relabelled(message["list"], labels)}
    return message


def _label(profile, labels: dict[str, str]):
    # The framing check names them as Python writes them ('proxy'), the loudness check bare.
    name = profile.strip("'") if isinstance(profile, str) else profile
    if name not in labels:
        return profile
    return {"template": QUOTED, "params": {"name": labels[name]}}


def without_place(text: str, detail) -> str:
    """A warning's text (the record's, in English) without the `where` it starts with."""
    where = detail.get("where") if isinstance(detail, dict) else None
    return text[len(where) + 2:] if where and text.startswith(f"{where}: ") else text
