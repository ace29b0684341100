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

from pipeline.errors import SEVERITY_WORDS, Diagnostic, Reason
# Not publish/i18n.py's names at the top: Babel is loaded only for a Spanish terminal.
from pipeline.messages import N_, N_plural, SOURCE_LANGUAGE, Message, say_count

# The languages a terminal is spoken to in: the page's catalogs that have a translation.
SPOKEN = ("es",)

# Click's own words (its modules say them through gettext's default domain): the usage line,
# its errors, the frame of `--help`. Their msgids are Click's, said from the same catalog
# (`speak_click`); a trial's Spanish terminal read "Usage: ... Error: Missing argument".
CLICK = (N_("Usage:"), N_("Options"), N_("Commands"), N_("Show this message and exit."),
         N_("Error: {message}"), N_("Try '{command} {option}' for help."),
         N_("Invalid value for {param_hint}: {message}"), N_("Missing argument"),
         N_("Missing option"), N_("No such option {name!r}."), N_("No such command {name!r}."),
         N_("Missing command."), N_("Aborted!"), N_("file"), N_("directory"), N_("path"),
         N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a directory."),
         N_("{name} {filename!r} is a file."), N_("{value!r} is not a valid {number_type}."),
         N_("{value} is not in the range {range}."), N_("%(prog)s, version %(version)s"),
         N_("Show the version and exit."), N_("default: {default}"),
         N_plural("Got unexpected extra argument ({args})",
                  "Got unexpected extra arguments ({args})"),
         N_plural("Option {name!r} requires an argument.",
                  "Option {name!r} requires {nargs} arguments."),
         N_plural("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"))

# Click's metavars of a command's usage line ("Usage: pipeline [OPTIONS] COMMAND [ARGS]..."),
# which Click does not ask gettext for; the commands' own are marked where they are given
# (`metavar=N_("SECONDS")`). A trial's Spanish help read "Uso: pipeline check [OPTIONS] FILE..."
# and "--duration SECONDS" where the messages said "--duration SEGUNDOS".
METAVARS = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."))

# Severity and hint words, as `Diagnostic.format` writes them in English.
WORDS = {**SEVERITY_WORDS, "hint": N_("hint")}


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
    """A msgid with no parameters (one of `WORDS`, a label) in the terminal's language."""
    language = terminal_language()
    if language == SOURCE_LANGUAGE:
        return english
    from pipeline.publish.i18n import translations
    return translations(language).gettext(english)


def word_or(english: str, msgid: str) -> str:
    """`english` in an English terminal (a word scripts read: the contract's), else `msgid`
    in the terminal's language."""
    return english if terminal_language() == SOURCE_LANGUAGE else word(msgid)


def widest(msgids, least: int = 0) -> int:
    """Cells of the widest of `msgids` in the terminal's language, at least `least`: a column
    of words (a status, a label) as wide in Spanish as its longest word."""
    return max(least, *(len(word(msgid)) for msgid in msgids))


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


def said_reason(reason: str) -> str:
    """A variant's reason (`Reason`: a message or a diagnostic) in the terminal's language;
    plain text as it is."""
    source = reason.source if isinstance(reason, Reason) else None
    return diagnostic_line(source) if isinstance(source, Diagnostic) else said(source, reason)


def said_reasons(reasons, most: int | None = None) -> str:
    """Reasons joined as `plan` and `render` show them on a variant's line, in the terminal's
    language; past `most`, the rest counted ("...; and 4 more errors"): a subtitle file's five
    errors, already said one a line, made a line of 900 characters for each of its variants."""
    shown = [said_reason(reason) for reason in reasons[:most]]
    if most is not None and len(reasons) > most:
        left = len(reasons) - most
        shown.append(said(say_count(N_plural("and %(count)s more error", "and %(count)s more "
                                             "errors"), left, count=left)))
    return "; ".join(shown)


# The templates of help texts written with values (`help_text`), by their English text.
_TEMPLATES: dict[str, tuple[str, dict]] = {}


def help_text(template: str, **values) -> str:
    """An option's help written as a template and its values, `help_text(N_("up to
    %(probes)s inputs"), probes=4)`: its English text, by which `speak_help` finds the
    template to translate (Click keeps a help as a plain string)."""
    text = template % values
    _TEMPLATES[text] = (template, values)
    return text


def speak_help(command):
    """`command` (a Click command or group) with its help and its options', and the metavars
    of its usage line and options (`METAVARS`, the commands' own), said in the terminal's
    language where the catalog has them: each is written as a msgid (`N_`), and Click formats
    what it is given, at `--help` and in its usage errors. A translator's `check --help` was
    English under Spanish headings. Nothing in an English terminal; returns `command`."""
    language = terminal_language()
    if language == SOURCE_LANGUAGE:
        return command
    from pipeline.publish.i18n import translations
    gettext = translations(language).gettext
    for part in (command, *command.params):
        text = getattr(part, "help", None)
        if text in _TEMPLATES:
            template, values = _TEMPLATES[text]
            part.help = gettext(template) % values
        elif text:
            part.help = gettext(text)
        if isinstance(getattr(part, "metavar", None), str):
            part.metavar = gettext(part.metavar)
    for name in ("options_metavar", "subcommand_metavar"):
        if isinstance(getattr(command, name, None), str):
            setattr(command, name, gettext(getattr(command, name)))
    return command


def speak_click() -> None:
    """Click's own words (`CLICK`) in the terminal's language, from before its commands are
    imported (a `click.Path` names its kind when it is made). Click asks gettext's default
    domain, which reads a compiled catalog from a folder: a catalog of those words alone is
    written to a temporary folder, removed at exit. Nothing in an English terminal, nor where
    no temporary folder can be made (Click's words then stay English)."""
    language = terminal_language()
    if language == SOURCE_LANGUAGE:
        return
    import atexit
    import gettext
    import shutil
    import tempfile
    from pathlib import Path

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from pipeline.publish.i18n import read_catalog

    page = read_catalog(language, "page")
    words = Catalog(locale=language)
    for msgid in CLICK:
        message = page.get(msgid if isinstance(msgid, str) else msgid[0])
        if message is not None and message.string:
            words.add(msgid, message.string)
    try:
        folder = Path(tempfile.mkdtemp(prefix="pipeline-words-"))
    except OSError:
        return
    atexit.register(shutil.rmtree, folder, True)
    compiled = folder / language / "LC_MESSAGES" / "messages.mo"
    try:
        compiled.parent.mkdir(parents=True)
        with open(compiled, "wb") as handle:
            write_mo(handle, words)
    except OSError:         # a full disk: English, as without the folder
        return
    gettext.bindtextdomain("messages", str(folder))
