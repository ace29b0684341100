"""The page's languages: gettext catalogs read with Babel, and figures written for a locale.

Messages are written in English in the templates and in Python (marked with `N_`); Spanish is a
gettext catalog, `locale/es/LC_MESSAGES/page.po`, kept with `make translations` (pybabel
extract/update). No `.mo` file is committed or built: Babel reads the `.po` and compiles it in
memory once per process, so a fresh clone needs no build step and a stale `.mo` can never be
served. A fuzzy or empty translation falls back to the English text.

Language names: what the community writes comes from the manifest; the name in the page's
language comes from the `languages` catalog of that locale (Spanish names of Mexico's languages
as INALI's catalogue writes them, which CLDR lacks), else from CLDR through `langcodes` and
`language_data`. Never the English name on a page in another language: see `language_name`.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from fractions import Fraction
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Collection

import langcodes
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from babel.units import format_unit
from language_data.names import code_to_names

from pipeline.errors import Diagnostic, warning
from pipeline.manifest import PAGE_LANGUAGES, Language, Manifest
# N_ re-exported: the page's modules mark with it.
from pipeline.messages import N_, SOURCE_LANGUAGE, Items, Message, say  # noqa: F401

if TYPE_CHECKING:
    from jinja2 import Environment

LOCALE_DIR = Path(__file__).parent / "locale"

# Typed in place of what people write: apostrophes and glottal-stop letters are skipped, barred
# vowels read as plain ones (ɨ, ʉ of Rarámuri, Mixtec, Mazahua), and every accent is dropped.
IGNORED = "'\u2018\u2019\u02bc\ua78b\ua78c\u00b4`\u02bb\u02b9"
FOLD_FROM, FOLD_TO = "\u0268\u0289\u00f8\u0142\u0111", "iuold"
_IGNORED = re.compile(f"[{re.escape(IGNORED)}]")
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)

def fold(text: str) -> str:
    """Lower case, no accents or apostrophes ("Hñähñu" -> "hnahnu"); page.js does the same."""
    text = unicodedata.normalize("NFKD", text.lower()).translate(_FOLD)
    text = "".join(c for c in text if not unicodedata.category(c).startswith("M"))
    return " ".join(_IGNORED.sub("", text).split())


@cache
def read_catalog(language: str, domain: str) -> Catalog:
    """The `.po` of `domain` in `language`, read once a process (the translations compiled
    from it, the families of languages named in it)."""
    source = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    with open(source, "rb") as handle:
        return read_po(handle, locale=language, domain=domain, abort_invalid=True)


def translated(msgid: str, language: str, domain: str = "page") -> bool:
    """Whether `msgid` (a plural message's singular) has a translation in `language` that is
    not fuzzy: gettext gives the msgid back for one it has not, which a word the same in both
    languages ("error", "%(count)s error") cannot be told from."""
    message = read_catalog(language, domain).get(msgid)
    strings = (message.string if isinstance(message.string, tuple) else (message.string,)) \
        if message is not None else ()
    return message is not None and not message.fuzzy and all(strings) and bool(strings)


@cache
def translations(language: str, domain: str = "page") -> gettext.NullTranslations:
    """The compiled catalog of `domain` in `language`; the source language has none.

    Raises `OSError` or `babel.messages.pofile.PoFileError` when a shipped catalog is missing or
    broken: a packaging mistake, not a user's.
    """
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    compiled = BytesIO()
    write_mo(compiled, read_catalog(language, domain), use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


@cache
def template_environment(folder: Path, language: str) -> Environment:
    """Jinja2 templates of `folder` in `language`: autoescaped, strict about undefined names,
    with `_()` translating through the page's catalog (the page, the loudness certificate)."""
    # Imported here: every command loads this module (its N_, the language names), and only
    # the page and the certificates render templates (jinja2's import is 40 ms of each start).
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(folder), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(language), newstyle=True)
    return env


def named_in(code: str, language: str) -> str | None:
    """The name of the language `code` written in `language` ("tzo" in "es": "tsotsil"): the
    `languages` catalog of `language`, else CLDR's; None when neither names it in `language`.

    langcodes alone would answer every code: where CLDR has no name in `language` it gives the
    English one ("San Jerónimo Tecóatl Mazatec"), which is what this refuses; and for a code it
    does not know, "Unknown language [xyz]" even in English.
    """
    curated = translations(language, "languages").gettext(code)
    if curated != code:
        return curated
    tag = langcodes.Language.get(code)
    names = code_to_names(tag.language)
    if not any(written == language or written.startswith(language + "-") for written in names):
        return None
    return tag.display_name(language)


def language_name(code: str, language: str, own: str | None = None) -> str:
    """The name of the language `code` written in `language`, else `own`, the manifest's (the
    community's) name for it, else the code.

    Not English: a Spanish-speaking station operator reads the community's own name, the name
    the spot's card and slate already carry and the one the community will recognise on air,
    better than an English name that is neither hers nor theirs ("San Jerónimo Tecóatl Mazatec");
    the code alone says nothing to her, so it comes last. Where the name falls back, the card
    shows the community's name once and the code beside it. `validate` warns of it
    (`unnamed_languages`).
    """
    return named_in(code, language) or own or code


def name_language(code: str, name: str) -> str:
    """The language a language's `name` on the page is written in, for `lang=`: `code`, else
    English where the name is CLDR's English one (a language the manifest does not name and
    CLDR knows no name of its own of: "Mixtepec Mixtec", which a screen reader read out in
    a Mixtec voice, as a trial's heading marked it)."""
    return "en" if fold(named_in(code, "en") or "") == fold(name) else code


# A page's language as a warning names it ("the Spanish page"), said in the terminal's language.
_PAGE_LANGUAGE_NAMES = {"es": N_("Spanish"), "en": N_("English")}


def _page_language(page: str) -> Message | str:
    if page in _PAGE_LANGUAGE_NAMES:
        return say(_PAGE_LANGUAGE_NAMES[page])
    return Locale(page).get_display_name("en")    # a terminal's line: English


def _each_once(manifest: Manifest) -> list:
    """The manifest's languages, each once: the first entry of a language listed twice (each
    entry for its own spots, with one name)."""
    return [manifest.entries_of(code)[0] for code in manifest.language_codes()]


def unnamed_languages(manifest: Manifest, codes: Collection[str] = ()) -> list[Diagnostic]:
    """A warning for each language of `manifest` (of `codes` only, when given) that a page
    cannot name in its own language (`named_in`): that page shows the manifest's name alone, as
    `language_name` says why."""
    found = []
    for language in _each_once(manifest):
        if codes and language.code not in codes:
            continue
        # English names are the IANA registry's, which names every code a manifest accepts;
        # asking would load CLDR's whole names table (0.17 s) on every plan, a no-op's too.
        for page in (page for page in PAGE_LANGUAGES if page != "en"):
            if named_in(language.code, page) is None:
                # What the code names, in the registry's English: a mistyped code shows here
                # (a trial's 'mxe', Mele-Fila of Vanuatu, named "Ayuujk", Mixe, was told to have
                # its Spanish name added).
                english = langcodes.Language.get(language.code).display_name("en")
                found.append(warning(
                    say(N_("the %(page)s page has no name in %(page)s for %(code)s, %(english)s "
                           "in ISO 639: it shows the manifest's name, %(name)s, alone"),
                        page=_page_language(page), code=repr(language.code), english=english,
                        name=repr(language.name)),
                    manifest.path, language.line,
                    # Who runs the campaign cannot do it in the manifest: the pipeline's
                    # maintainers add the name, as INALI writes it, to the package.
                    hint=say(N_("if %(code)s, %(english)s, is the language you meant, ask the "
                                "pipeline's maintainers to name it in %(file)s"),
                             code=repr(language.code), english=english,
                             file=f"pipeline/publish/locale/{page}/LC_MESSAGES/languages.po"),
                    code="language-name"))
    return found


def nameless_language(manifest: Manifest, language: Language, name: str) -> Diagnostic:
    """A warning for a language the manifest does not name whose code names a group of
    languages (`language_names.group_of_languages`) with no name of its own in CLDR: the page
    would head its cards with the group's English name (a trial's Spanish page: "Zapotec",
    "Otomian languages"), and validate said nothing. (A single language without a name of its own is
    headed with its English name and named in Spanish under it: the test campaigns' way.)"""
    return warning(say(N_("language %(code)s has no name: and its code names a group of "
                          "languages (%(name)s, the page's heading for it): stations cannot tell "
                          "which one it is"), code=repr(language.code), name=repr(name)),
                   manifest.path, language.line,
                   say(N_("use the code of the language the files are in (ISO 639-3) and give "
                          "it a name: as its speakers write it")), "language-name")


# First words of the Spanish names (languages.po) that name no family of languages: a sign
# language's "lengua", a creole, and names taken from a person or a place.
_NOT_FAMILIES = frozenset({"lengua", "lenguas", "criollo", "garza", "solano"})


@cache
def _families() -> dict[str, frozenset[str]]:
    """Each family of Mexico's languages by the word its Spanish names begin with ("mazateco",
    "mazahua", "zapoteco"), folded, with the codes of the names that do (languages.po, INALI's
    names)."""
    families: dict[str, set[str]] = {}
    for message in read_catalog("es", "languages"):
        if message.id and message.string and not message.fuzzy:
            word = fold(message.string).split()[0]
            if word not in _NOT_FAMILIES:
                families.setdefault(word, set()).add(message.id)
    return {word: frozenset(codes) for word, codes in families.items()}


def misnamed_languages(manifest: Manifest, codes: Collection[str] = ()) -> list[Diagnostic]:
    """A warning for each language of `manifest` (of `codes` only, when given) whose `name`
    names another family of languages in Spanish and not the code's own: "Ayuuk (mazateco)"
    for `maz`, which is Mazahua (a trial's manifest; the page then said "mazahua · maz" under
    it, and the code decides the subtitles' and tracks' language tags)."""
    families = _families()
    found = []
    for language in _each_once(manifest):
        if (codes and language.code not in codes) or not language.given_name:
            continue
        own = {word for word, named in families.items() if language.code in named}
        words = set(re.findall(r"\w+", fold(language.given_name)))
        other = sorted(words & families.keys() - own)
        if own and other and not words & own:
            family_codes = sorted(families[other[0]])
            found.append(warning(
                say(N_("language %(code)s is named %(name)s, which says %(families)s; %(code)s "
                       "is %(own)s"), code=repr(language.code), name=repr(language.given_name),
                    families=Items(tuple(other)), own=str(named_in(language.code, "es"))),
                manifest.path, language.line,
                # The codes are names, and "..." where there are more: one text in every language.
                hint=say(N_("check the code: %(family)s is %(codes)s"), family=other[0],
                         codes=", ".join(family_codes[:6])
                         + (", ..." if len(family_codes) > 6 else "")),
                code="language-name"))
    return found


def native_name(language: str) -> str:
    """A page language's name in itself, for the language switcher ("español", "English")."""
    return Locale(language).get_display_name(language)


# The page's Spanish is written for Mexico's stations: its figures, dates and lists as Mexico
# writes them (CLDR es_MX: "-1,234.5", "10:00:00 a.m."), not as Spain does ("-1.234,5"); its
# words are the one Spanish catalog, locale/es.
REGIONS = {"es": "es_MX"}


def formatting_locale(language: str) -> str:
    """The CLDR locale that writes the figures of a page in `language` ("es": "es_MX")."""
    return REGIONS.get(language, language)


@dataclass(frozen=True)
class Formats:
    """Sizes, durations, levels and dates as a reader of `language` writes them (CLDR, via
    Babel, in `formatting_locale`)."""

    language: str

    @property
    def locale(self) -> str:
        return formatting_locale(self.language)

    def size(self, size: int | None) -> str:
        """Bytes in decimal units (kB, MB, GB: 1000-based, as disks and downloads count them)."""
        if size is None:
            return "?"
        for unit, scale in (("gigabyte", 1e9), ("megabyte", 1e6), ("kilobyte", 1e3)):
            if size >= scale:
                return format_unit(size / scale, f"digital-{unit}", "short", format="#,##0.#",
                                   locale=self.locale)
        # CLDR's short English byte is "byte" whatever the count ("695 byte"), and its Spanish
        # one a bare "B": the long form has the plural ("1 byte", "695 bytes").
        return format_unit(size, "digital-byte", "long", locale=self.locale)

    def duration(self, seconds: float | None) -> str:
        """A spot's length: tenths of a second under a minute, then minutes and seconds."""
        if seconds is None:
            return "?"
        if seconds < 60:
            return format_unit(round(seconds, 1), "duration-second", "short", format="#,##0.#",
                               locale=self.locale)
        minutes, rest = divmod(round(seconds), 60)
        parts = [format_unit(minutes, "duration-minute", "short", locale=self.locale)]
        if rest:
            parts.append(format_unit(rest, "duration-second", "short", locale=self.locale))
        # "1 min 30 s": Babel 2.19 has no "unit-short" list pattern for Spanish.
        return format_list(parts, style="unit-narrow", locale=self.locale)

    def list(self, items, style: str = "standard") -> str:
        """`items` joined as the locale joins a list ("a, b y c"; with `style` "or", "a, b o
        c")."""
        return format_list(list(items), style=style, locale=self.locale)

    def decimal(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return "?"
        return format_decimal(value, "#,##0." + "0" * digits, locale=self.locale)

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def figure(self, value: float) -> str:
        """A figure with the decimals it has, up to three: "48", "44.1" (kHz), "23.976"
        (es_MX writes them so too; Spain's Spanish would write "44,1")."""
        return format_decimal(value, "#,##0.###", locale=self.locale)

    def frame_rate(self, rate: str) -> str:
        """A rate written "N/D" frames a second as people say it: "25", "29.97", "23.976".
        As a float: Babel reads a value through `Decimal(str(value))`, which takes "25" but
        not a Fraction's "30000/1001", and publish failed on every NTSC master."""
        return self.figure(float(Fraction(rate)))

    def datetime(self, iso: str | None) -> str:
        """`2026-11-29T10:00:00Z` as a date and time in UTC, the catalog's zone."""
        moment = _parse_utc(iso)
        if moment is None:
            return iso or "?"
        return format_datetime(moment, "long", tzinfo=timezone.utc, locale=self.locale)

    def date(self, iso: str | None) -> str:
        moment = _parse_utc(iso)
        return format_date(moment, "long", locale=self.locale) if moment else (iso or "?")


def _parse_utc(iso: str | None) -> datetime | None:
    try:
        return datetime.strptime(iso or "", "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def clock_comment(clock: str, language: str) -> tuple[str, str]:
    """The comment a file carries its clock number in, in the page's `language` ("clave del
    spot BH-..."), which a station's automation shows its operators (a trial's read "clock
    number ..." in English), and that language's ISO 639-2 code, an ID3 comment's ("und"
    for one without)."""
    text = translations(language).gettext(N_("clock number %(clock)s")) % {"clock": clock}
    try:
        code = langcodes.Language.get(language).to_alpha3()
    except LookupError:
        code = "und"
    return text, code
