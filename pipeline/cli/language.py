"""The terminal's language: what a command says, in Spanish where the user's locale is Spanish.

Translators and station staff run `check` and `watch` in a Spanish desktop; an encoding error
told in English was the thing they understood least. The language is the one gettext would
choose (GNU gettext's order: `LANGUAGE`'s first entry, unless the locale is C or POSIX; then
`LC_ALL`, `LC_MESSAGES`, `LANG`). A diagnostic whose message (or hint) was written as a
`Message` is said from the page's Spanish catalog (`locale/es/LC_MESSAGES/page.po`, one
catalog for both); one written as plain English, or whose translation is missing, stays
English, so nothing is lost. The severity words are gcc's Spanish ones ("error", "aviso",
"nota"). What tools read (`--json`) stays English.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Mapping

from pipeline.errors import Diagnostic
# Not publish/i18n.py's names at the top: Babel is loaded only for a Spanish terminal.
from pipeline.messages import N_, SOURCE_LANGUAGE, Message

# The languages a terminal is spoken to in: the page's catalogs that have a translation.
SPOKEN = ("es",)

# Severity and hint words, as `Diagnostic.format` writes them in English.
WORDS = {"error": N_("error"), "warning": N_("warning"), "note": N_("note"),
         "hint": N_("hint")}


def language_of(environ: Mapping[str, str]) -> str:
    """The language code ("es", "en") of a locale environment, as GNU gettext picks it."""
    locale = next((environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG")
                   if environ.get(name)), "")
    if locale in ("", "C", "POSIX") or locale.startswith(("C.", "POSIX.")):
        return SOURCE_LANGUAGE   # LANGUAGE is ignored in the C locale, as gettext does
    first = (environ.get("LANGUAGE") or "").split(":")[0] or locale
    code = first.split(".")[0].split("@")[0].split("_")[0].lower()
    return code if code in SPOKEN else SOURCE_LANGUAGE


@cache
def terminal_language() -> str:
    return language_of(os.environ)


def said(message: Message | str | None, english: str | None = None) -> str:
    """`message` in the terminal's language, else `english` (its English text; by default
    `str(message)`: plain text is said as it is)."""
    english = str(message) if english is None else english
    language = terminal_language()
    if language == SOURCE_LANGUAGE or not isinstance(message, Message):
        return english
    from pipeline.publish.wording import localised
    return localised(message.to_json(), language) or english


def word(english: str) -> str:
    """One of `WORDS` in the terminal's language."""
    language = terminal_language()
    if language == SOURCE_LANGUAGE:
        return english
    from pipeline.publish.i18n import translations
    return translations(language).gettext(english)


def diagnostic_line(diagnostic: Diagnostic) -> str:
    """`Diagnostic.format()` in the terminal's language: `PATH:LINE: aviso: ... (sugerencia:
    ...)`, each part said in Spanish where it has a translation."""
    if terminal_language() == SOURCE_LANGUAGE:
        return diagnostic.format()
    d = diagnostic
    text = f"{d.where}{word(d.severity)}: {said(d.detail, d.message)}"
    if d.hint:
        text += f" ({word('hint')}: {said(d.hint_detail, d.hint)})"
    return text
