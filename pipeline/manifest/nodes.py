"""Typed values out of YAML nodes, with every problem collected on its line.

The manifest is composed into nodes by the safe loader, never constructed: each scalar is read
as the schema says (`no` stays the language code `no`, `1:30` stays a string), not by YAML 1.1's
resolver.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields, replace
from pathlib import Path
from typing import get_args

import langcodes
import yaml

from pipeline.errors import Diagnostic, error
from pipeline.files import resolved, spelt_on_disk
from pipeline.manifest.language_names import alpha3
from pipeline.manifest.model import SLUG, Concern
from pipeline.manifest.settings import HTML_COLOUR, Box
from pipeline.messages import N_, Items, Message, meant, say
from pipeline.profiles import Container, Fit, Leader, Medium, Scan, SoftSubtitles
from pipeline.ranges import Range
from pipeline.subtitles.normalise import nfc

# Profile fields typed by a named Literal: their choices.
NAMED_CHOICES = {"Fit": get_args(Fit), "Scan": get_args(Scan), "Medium": get_args(Medium),
                 "Container": get_args(Container), "SoftSubtitles": get_args(SoftSubtitles)}
# A profile's `leader:` keys (profiles.Leader's fields).
LEADER_KEYS = tuple(field.name for field in fields(Leader))

# What a value is, as messages name it: a key as written (`publish.to`, `crop.width`), or words
# (`the manifest`, `a language`) as a `Message`, said in the terminal's language.
What = str | Message


def key_of(where: What, key: str) -> What:
    """`where.key`, the key `key` of the mapping `where`; a message where `where` is one."""
    if isinstance(where, str):
        return f"{where}.{key}"
    return say(N_("%(where)s.%(key)s"), where=where, key=key)


class NodeReader:
    """Collects diagnostics while turning YAML nodes into typed values."""

    def __init__(self, path: Path):
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self.concerns: dict[Diagnostic, Concern] = {}    # of one entry alone
        # {where: keys} whose value `dataclass_fields` refused (mistyped, out of range) and left
        # at the base's: a later check of that entry does not judge a value nobody wrote.
        self.refused: dict[str, set[str]] = {}

    def fail(self, node: yaml.Node | None, message: Message,
             hint: Message | str | None = None) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.diagnostics.append(error(message, self.path, line, hint))

    def concern(self, since: int, what: str, name: str | None) -> None:
        """The diagnostics found since the `since`th are of the entry `what` named `name` (a
        spot, language or profile) alone; of the whole manifest when it has no name."""
        if name is not None:
            self.concerns.update((d, (what, name)) for d in self.diagnostics[since:])

    @property
    def shared(self) -> list[Diagnostic]:
        """The diagnostics of no one entry: those of what every variant shares."""
        return [d for d in self.diagnostics if d not in self.concerns]

    def mapping(self, node: yaml.Node, where: str, allowed: dict[str, bool]) -> dict[str, tuple]:
        """{key: (key_node, value_node)}; reports duplicates, unknown and missing keys.

        `allowed` maps each key to whether it is required.
        """
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, say(N_("%(where)s must be a mapping of keys to values"), where=where))
            return {}
        items: dict[str, tuple] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or key not in allowed:
                keys, near = Items(tuple(sorted(allowed))), meant(key, allowed)
                self.fail(key_node, say(N_("unknown key %(key)s in %(where)s"), key=repr(key),
                                        where=where),
                          say(N_("did you mean %(key)s? allowed keys: %(keys)s"),
                              key=repr(near), keys=keys) if near else
                          say(N_("allowed keys: %(keys)s"), keys=keys))
            elif key in items:
                first = items[key][0].start_mark.line + 1
                self.fail(key_node, say(N_("duplicate key %(key)s in %(where)s (first given on "
                                           "line %(line)s)"), key=repr(key), where=where,
                                        line=first),
                          say(N_("keep one of them")))
            else:
                items[key] = (key_node, value_node)
        for key, required in allowed.items():
            if required and key not in items:
                self.fail(node, say(N_("missing required key %(key)s in %(where)s"),
                                    key=repr(key), where=where))
        return items

    def scalar(self, node: yaml.Node, what: What) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, say(N_("%(what)s must be a single value, not a list or mapping"),
                                what=what))
            return None
        return node.value

    def text(self, node: yaml.Node, what: What) -> str | None:
        value = self.scalar(node, what)
        if value is not None and is_null(node):
            self.fail(node, say(N_("%(what)s is empty"), what=what))
            return None
        return value

    def display_text(self, node: yaml.Node, what: What) -> str | None:
        """A title or name: it reaches the catalog, records and file metadata in Unicode NFC,
        like subtitle text (paths and codes are left exactly as typed)."""
        value = self.text(node, what)
        return nfc(value) if value is not None else None

    def localised_text(self, node: yaml.Node, what: What, languages: tuple[str, ...]
                       ) -> dict[str, str] | None:
        """A title given plainly (every language's) or per language, `{es: ..., en: ...}`
        with codes from `languages`: each language's text, as `display_text`; None when wrong."""
        if isinstance(node, yaml.ScalarNode):
            value = self.display_text(node, what)
            return None if value is None else {language: value for language in languages}
        if not isinstance(node, yaml.MappingNode) or not node.value:
            self.fail(node, say(N_("%(what)s must be text, or a mapping of a language code to "
                                   "text (%(languages)s)"), what=what, languages=Items(languages)),
                      say(N_("e.g. %(what)s: {es: \"...\", en: \"...\"}"), what=what))
            return None
        titles: dict[str, str] = {}
        for key_node, value_node in node.value:
            code = self.scalar(key_node, say(N_("a language of %(what)s"), what=what))
            if code is None:
                continue
            if code not in languages:
                self.fail(key_node, say(N_("%(what)s has an unknown language %(code)s"),
                                        what=what, code=repr(code)),
                          say(N_("the page's languages are %(languages)s"),
                              languages=Items(languages)))
                continue
            if code in titles:
                self.fail(key_node, say(N_("%(what)s gives language %(code)s twice"), what=what,
                                        code=repr(code)))
                continue
            value = self.display_text(value_node, key_of(what, code))
            if value is not None:
                titles[code] = value
        return titles or None

    def slug(self, node: yaml.Node, what: What) -> str | None:
        return self._written(node, what, SLUG, N_("%(what)s %(value)s is not a valid id"),
                             say(N_("use lower-case letters, digits and '-', starting with a "
                                    "letter or digit (at most 63 characters); ids become folder "
                                    "names and object keys")))

    def _written(self, node: yaml.Node, what: What, pattern: re.Pattern, problem: str,
                 hint: Message) -> str | None:
        """The text of `node` when `pattern` matches all of it; else None, and `problem` (a
        template of `what` and `value`) said."""
        value = self.text(node, what)
        if value is not None and not pattern.fullmatch(value):
            self.fail(node, say(problem, what=what, value=repr(value)), hint)
            return None
        return value

    def number(self, node: yaml.Node, what: What, kind: Callable = float,
               minimum: float | None = None, maximum: float | None = None):
        value = self.scalar(node, what)
        if value is None:
            return None
        try:
            number = kind(value)
        except ValueError:
            self.fail(node, say(N_("%(what)s must be a number, got %(value)s"), what=what,
                                value=repr(value)))
            return None
        problem = Range(minimum, maximum).problem(what, number)
        if problem:
            self.fail(node, problem)
            return None
        return number

    def boolean(self, node: yaml.Node, what: What) -> bool | None:
        value = self.scalar(node, what)
        if value in ("true", "false"):
            return value == "true"
        if value is not None:
            self.fail(node, say(N_("%(what)s must be true or false, got %(value)s"), what=what,
                                value=repr(value)))
        return None

    def choice(self, node: yaml.Node, what: What, choices: tuple[str, ...]) -> str | None:
        value = self.text(node, what)
        if value is not None and value not in choices:
            near = meant(value, choices)
            self.fail(node, say(N_("%(what)s %(value)s is not one of: %(choices)s"), what=what,
                                value=repr(value), choices=Items(tuple(choices), choice=True)),
                      say(N_("did you mean %(choice)s?"), choice=repr(near)) if near else None)
            return None
        return value

    def relative_path(self, node: yaml.Node, what: What, base: Path) -> Path | None:
        """A path relative to the manifest's folder; existence is checked per variant by the plan."""
        value = self.text(node, what)
        if value is None:
            return None
        if not value.strip():
            # '' is the manifest's own folder: `master: ""` was said to be "a folder".
            self.fail(node, say(N_("%(what)s is empty: give a file's path"), what=what),
                      say(N_("relative paths start from the manifest's folder")))
            return None
        return resolved(spelt_on_disk(resolved(base / value)))     # its links, once found

    def language_code(self, node: yaml.Node, what: What) -> str | None:
        value = self.text(node, what)
        use = say(N_("use the language's ISO 639-3 code, e.g. 'nah' or 'yua'"))
        if value is not None and not langcodes.tag_is_valid(value):
            self.fail(node, say(N_("%(what)s %(value)s is not a valid ISO 639-3 code or BCP 47 "
                                   "tag"), what=what, value=repr(value)), use)
            return None
        if value is not None:
            try:
                alpha3(value)
            except (LookupError, langcodes.tag_parser.LanguageTagError):
                # Well-formed but naming no language (private use 'x-foo', unassigned 'zz',
                # 'xyzzy'): every file's language tag (MP4, MXF, WAV) is ISO 639-2/3's three
                # letters, which it has none of; the render failed on it as an internal error.
                self.fail(node, say(N_("%(what)s %(value)s names no language ISO 639 has a code "
                                       "for, which every file's language tag needs"), what=what,
                                    value=repr(value)), use)
                return None
        return value

    def dataclass_fields(self, node: yaml.Node, where: What, cls, base,
                         ranges: dict[str, Range] | None = None):
        """A copy of `base` (a dataclass instance) with the keys in `node` replaced, typed by `cls`
        and each checked against its range in `ranges` (default: `cls.RANGES`)."""
        types = {f.name: f.type for f in fields(cls)}
        items = self.mapping(node, where, {name: False for name in types if name not in ("name",)})
        values = {}
        ranges = getattr(cls, "RANGES", {}) if ranges is None else ranges
        for key, (_, value_node) in items.items():
            annotation = str(types[key])
            if is_null(value_node) and not annotation.startswith("Leader"):
                # null drops the base's value where a field may have none (docs/manifest.md:
                # "or null": no timecode, no standard, the master's fps); elsewhere it is a
                # mistake, said (before: `crf: null` kept the base's crf without a word).
                if "None" in annotation:
                    values[key] = None
                else:
                    self.fail(value_node, say(N_("%(what)s cannot be null: give a value, or leave "
                                                 "the key out for the default"),
                                              what=key_of(where, key)))
                continue
            said = len(self.diagnostics)
            value = self.typed(value_node, key_of(where, key), annotation)
            problem = ranges[key].problem(key, value) if key in ranges and value is not None \
                else None
            if problem:
                self.fail(value_node, say(N_("%(problem)s (%(where)s)"), problem=problem,
                                          where=where))
            # A value read wrong is said; None read right (`box: false`) is a value.
            if problem or len(self.diagnostics) > said:
                self.refused.setdefault(str(where), set()).add(key)
            else:
                values[key] = value
        return replace(base, **values)

    def typed(self, node: yaml.Node, what: What, annotation: str):
        annotation = str(annotation)
        if annotation.startswith("Literal["):
            choices = tuple(re.findall(r"'([^']*)'", annotation))
            return self.choice(node, what, choices)
        if annotation.startswith("bool"):
            return self.boolean(node, what)
        if annotation.startswith("int"):
            return self.number(node, what, int, minimum=0)
        if annotation.startswith("float"):
            return self.number(node, what, float)
        if annotation in NAMED_CHOICES:
            return self.choice(node, what, NAMED_CHOICES[annotation])
        if annotation.startswith("Leader"):
            return self.leader(node, what)
        if annotation.startswith("Box"):
            return self.box(node, what)
        if annotation == "Colour":
            return self.colour(node, what)
        return self.text(node, what)

    def colour(self, node: yaml.Node, what: What) -> str | None:
        """`#RRGGBB`, as HTML writes colours (before: `color: red` passed validate and failed
        the render)."""
        return self._written(node, what, HTML_COLOUR,
                             N_("%(what)s %(value)s is not a colour of the form #RRGGBB"),
                             say(N_("write colours as in HTML, e.g. \"#FFFFFF\" for white "
                                    "(quoted: YAML reads # as a comment)")))

    def box(self, node: yaml.Node, what: What) -> Box | None:
        """`true` (a box of `Box`'s defaults), `false` (none), or `{color: "#RRGGBB", opacity:
        0 to 1}`: keys left out keep `Box`'s defaults."""
        if isinstance(node, yaml.ScalarNode):
            if node.value not in ("true", "false"):
                self.fail(node, say(N_("%(what)s must be true, false or a mapping of color and "
                                       "opacity, got %(value)s"), what=what,
                                    value=repr(node.value)),
                          say(N_('e.g. box: true, or box: {color: "#000000", opacity: 0.6}')))
            return Box() if node.value == "true" else None
        return self.dataclass_fields(node, what, Box, Box())

    def leader(self, node: yaml.Node, what: What) -> Leader | None:
        """`{bars: S, slate: S, black: S, tone: dBFS}`: parts left out are not in the leader;
        `null` (or `none`) is no leader."""
        if isinstance(node, yaml.ScalarNode) and node.value in ("null", "~", "", "none"):
            return Leader()
        keys = self.mapping(node, what, {key: False for key in LEADER_KEYS})
        values = {}
        for key, (_, value_node) in keys.items():
            if key == "tone":
                number = self.number(value_node, key_of(what, "tone"), float, minimum=-60.0,
                                     maximum=0.0)
            else:
                number = self.number(value_node, key_of(what, key), float, minimum=0.0,
                                     maximum=60.0)
            if number is not None:
                values[key] = number
        return Leader(**values)

    def sequence(self, node: yaml.Node, what: What) -> list[yaml.Node]:
        """The items of a non-empty YAML list (an empty or missing one is reported)."""
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.fail(node, say(N_("%(what)s must be a non-empty list"), what=what))
            return []
        return node.value

    def unique(self, seen: dict, key: str | None, node: yaml.Node, what: What) -> bool:
        """Whether `key` is new (None counts as new); one given twice is reported. `seen` maps
        the keys met so far to their line."""
        if key is None:
            return True
        if key in seen:
            self.fail(node, say(N_("%(what)s %(key)s is listed twice (first on line %(line)s)"),
                                what=what, key=repr(key), line=seen[key]))
            return False
        seen[key] = node.start_mark.line + 1
        return True


def is_null(node: yaml.Node) -> bool:
    """Whether `node` is YAML's null written plainly (`null`, `~`, nothing), not a quoted text."""
    return (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"
            and node.style is None)
