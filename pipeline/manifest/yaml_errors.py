"""What a YAML syntax error in a manifest is, said in the operator's words at the line to fix.

PyYAML names what its scanner or parser met ("expected <block end>, but found '<block mapping
start>'", "found character '\\t' that cannot start any token"), in English, with no word on
what to change: a media team's trial met seven of them, the only messages of the manifest
without a hint, English in a Spanish terminal. The slips an operator makes are few (a tab, a
line indented out of step, an unquoted ': ' or '#' in a value, a key without its space, a quote
or bracket left open); each is said with its fix, and PyYAML's words after it for anything
else. The line is the one to fix: a key without ': ' is noticed lines later, where the next
key is read, and said where the key started (PyYAML's context mark).
"""

from __future__ import annotations

import re

import yaml

from pipeline.messages import N_, Message, say

_ANY = say(N_("check the indentation (spaces only, each key of a mapping and each '- ' of a "
              "list in the column of the others) and put in quotes a value that holds ': ', "
              "' #', '{' or '['"))
# (PyYAML's problem, what it is, the fix, whether the line is the context's, and whether the
# context's line must differ from the problem's (True), be it (False) or either (None)): the
# first that matches wins.
_SLIPS = (
    (re.compile(r"found character '\\t'"),
     N_("invalid YAML: a tab: YAML indents with spaces only"),
     N_("replace the tab with spaces"), False, None),
    # A '[' or '{' left open reads the next line's key as its next item.
    (re.compile(r"^expected ',' or '[}\]]', but got"),
     N_("invalid YAML: a '[' or '{' opened on this line is never closed"),
     N_("close it on the line it opens"), True, True),
    (re.compile(r"^expected ',' or '[}\]]', but got '[^<]"),
     N_("invalid YAML: a ':' or '{' inside a value of a list or mapping written in brackets"),
     N_("put the value in quotes: name: \"...\""), False, False),
    (re.compile(r"^expected <block end>, but found '<scalar>'"),
     N_("invalid YAML: text where none can go: after a value's closing quote, or on a line "
        "without 'key: '"),
     N_("put the whole value in the quotes, or write 'key: value'"), False, None),
    (re.compile(r"^expected <block end>"),
     N_("invalid YAML: this line is not in step with the lines above it (its column %(column)s)"),
     N_("start each key of a mapping, and each '- ' of a list, in the same column as the "
        "others of it"), False, None),
    (re.compile(r"^mapping values are not allowed here"),
     N_("invalid YAML: a ': ' where no key can start: this line is indented more than the key "
        "above it, or a value holds ': ' unquoted"),
     N_("line the key up with the keys above it, or put the value in quotes"), False, None),
    (re.compile(r"^could not find expected ':'"),
     N_("invalid YAML: a key without ': ' after it (a colon, then a space)"),
     N_("write 'key: value', with a space after the colon"), True, None),
    (re.compile(r"end of stream|<stream end>"),
     N_("invalid YAML: a quote, '[' or '{' opened on this line is never closed"),
     N_("close it on the line it opens"), True, None),
    (re.compile(r"^found unknown escape character"),
     N_("invalid YAML: a backslash in a value in double quotes, which YAML reads as an escape"),
     N_("write the value in single quotes, or the backslash twice"), False, None),
)


def yaml_problem(exc: yaml.YAMLError) -> tuple[Message, int | None, Message]:
    """(what is wrong, the line to fix (1-based; None when PyYAML gives none), the fix) of a
    YAML error from composing a manifest."""
    problem = getattr(exc, "problem", None) or str(exc)
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    apart = context is not None and mark is not None and context.line != mark.line
    for pattern, said, fix, at_context, lines_apart in _SLIPS:
        if pattern.search(problem) and lines_apart in (None, apart):
            where = context if at_context and context is not None else mark
            return (say(said, column=mark.column + 1 if mark else "?"),
                    _text_line(where) if where else None, say(fix))
    # PyYAML's own words for anything else: a parameter, in English.
    return (say(N_("invalid YAML: %(problem)s"), problem=problem),
            mark.line + 1 if mark else None, _ANY)


def _text_line(mark) -> int:
    """The 1-based line of `mark`, or, at the end of the file, of the last line with text: what
    is left open at the end is on it (a trial's one-line `campaign: [` was said at line 2)."""
    buffer, pointer = getattr(mark, "buffer", None), getattr(mark, "pointer", None)
    if not isinstance(buffer, str) or pointer is None or buffer[pointer:].strip("\0 \t\r\n"):
        return mark.line + 1
    return buffer[:len(buffer[:pointer].rstrip("\0 \t\r\n"))].count("\n") + 1
