"""A language code listed more than once in `languages:`: one treatment on some spots, another
on others (burned on the TV spots, dubbed on the radio spot). Each entry names its spots
(`spots:`), no spot in two; a `name` or `also_called` given in one is every entry's."""

from __future__ import annotations

from dataclasses import dataclass, replace

import yaml

from pipeline.manifest.model import Language
from pipeline.manifest.nodes import NodeReader
from pipeline.messages import N_, Items, N_plural, say, say_count


@dataclass
class Entry:
    """An entry of `languages:` as read, for the checks of a code listed more than once."""

    keys: dict                      # its keys' (key node, value node)
    language: Language | None       # None: it cannot be planned
    line: int


def listed_again(reader: NodeReader, code: str, entry: Entry, before: list[Entry]) -> bool:
    """Whether `entry`, of a code listed before (`before`), may be: when it and every earlier
    entry of the code name their spots (`spots:`) and no spot twice, each spot taking one entry
    of the language; else an error at its line. Names given in two entries must agree."""
    first = before[0]
    spots_of = {id(e): _listed_spots(e) for e in (*before, entry)}
    if not all(spots_of.values()):
        reader.fail(entry.keys["code"][1],
                    say(N_("language %(code)s is listed twice (first on line %(line)s)"),
                        code=repr(code), line=first.line),
                    say(N_("to give a language one treatment on some spots and another on "
                           "others, give each of its entries a 'spots:' with different spots")))
        return False
    for other in before:
        shared = tuple(s for s in spots_of[id(entry)] if s in spots_of[id(other)])
        if shared:
            named = Items(tuple(map(repr, shared)), last=" and ")
            reader.fail(entry.keys["code"][1],
                        say_count(N_plural("language %(code)s is listed twice for spot "
                                           "%(spots)s (first on line %(line)s)",
                                           "language %(code)s is listed twice for spots "
                                           "%(spots)s (first on line %(line)s)"), len(shared),
                                  code=repr(code), spots=named, line=other.line),
                        say(N_("a spot takes one entry of a language: leave %(spots)s out of "
                               "the 'spots:' of one of them"), spots=named))
            return False
    agree = True
    for key in ("name", "also_called"):
        given = next((e for e in before if key in e.keys), None)
        if given is None or key not in entry.keys:
            continue
        mine, theirs = _given(entry, key), _given(given, key)
        if mine is not None and theirs is not None and mine != theirs:
            reader.fail(entry.keys[key][0],
                        say(N_("language %(code)s: %(key)s %(value)s differs from the one on "
                               "line %(line)s (%(other)s)"), code=repr(code), key=key,
                            value=_shown(mine), line=given.keys[key][0].start_mark.line + 1,
                            other=_shown(theirs)),
                        say(N_("a language has one %(key)s on every spot: give it in one of its "
                               "entries, or the same in each"), key=key))
            agree = False
    return agree


def _listed_spots(entry: Entry) -> tuple[str, ...]:
    """The spots an entry's `spots:` names (read, or as written when it could not be read)."""
    if entry.language is not None:
        return entry.language.spots
    node = entry.keys.get("spots", (None, None))[1]
    if not isinstance(node, yaml.SequenceNode):
        return ()
    return tuple(str(item.value) for item in node.value if isinstance(item, yaml.ScalarNode))


def _given(entry: Entry, key: str):
    """A `name` or `also_called` an entry gives, as read; None when it could not be read."""
    if entry.language is None:
        return None
    return entry.language.given_name if key == "name" else entry.language.also_called


def _shown(value) -> str:
    return repr(value) if isinstance(value, str) else ", ".join(map(repr, value))


def shared_names(languages: list[Language], entries: dict[str, list[Entry]]
                 ) -> tuple[Language, ...]:
    """The languages, each entry of a code listed more than once with the `name` and
    `also_called` one of them gives: one language, one name, on every spot and the page."""
    shared = {}
    for code, listed in entries.items():
        read = [e.language for e in listed if e.language is not None]
        if len(listed) > 1 and read:
            shared[code] = (next((l.given_name for l in read if l.given_name), None),
                            next((l.also_called for l in read if l.also_called), ()))
    return tuple(replace(l, given_name=shared[l.code][0], also_called=shared[l.code][1])
                 if l.code in shared else l for l in languages)
