"""A language's names and codes, as CLDR and the ISO 639 tables (through langcodes) give them:
its name for itself (`autonym`), whether CLDR knows it, whether its code names a group of
languages, its three-letter code for container tags and its BCP 47 tag.
"""

from __future__ import annotations

import importlib.util
import os

import langcodes

_AUTONYMS: dict[str, str] = {}    # looked up, or known already (render/planner.py's cache)


def autonym(code: str) -> str:
    """A language's name for itself, from CLDR through langcodes. Asked only when a name is
    needed: the names' table takes 0.13 s to load, more than the rest of a no-op run's planning."""
    if code not in _AUTONYMS:
        _AUTONYMS[code] = langcodes.Language.get(code).autonym()
    return _AUTONYMS[code]


def own_name_known(code: str) -> bool:
    """Whether CLDR writes the language's name in the language itself: else `autonym` is its
    English name ("Zapotec", "Otomian languages"), which a Spanish page shows as the
    community's (a trial's page). Loads the names' table, as `autonym`."""
    from language_data.names import code_to_names

    language = langcodes.Language.get(code).language
    return any(written == language or written.startswith(language + "-")
               for written in code_to_names(language))


def group_of_languages(code: str) -> bool:
    """Whether `code` names several languages: an ISO 639-3 macrolanguage (`zap`, 58 Zapotec
    languages) or an ISO 639-5 collective code (`oto`, "Otomian languages")."""
    from langcodes.data_dicts import MACROLANGUAGES

    return code in set(MACROLANGUAGES.values()) or \
        langcodes.Language.get(code).display_name("en").endswith(" languages")


def known_autonyms(names: dict[str, str]) -> None:
    """Autonyms found earlier (kept in a render cache, see `autonym_table`): `autonym` answers
    them without loading the table."""
    _AUTONYMS.update(names)


def autonym_table() -> str:
    """What changes when langcodes' table of names does (the `language_data` module it reads),
    without loading it: part of the key of a remembered autonym."""
    origin = importlib.util.find_spec("language_data.name_data").origin
    stat = os.stat(origin)
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def alpha3(code: str) -> str:
    """ISO 639-2/3 code for container language tags (MP4/MOV carry three letters)."""
    return langcodes.Language.get(code).to_alpha3()


def bcp47(code: str) -> str:
    """The code as a BCP 47 tag in its shortest form (`spa` is `es`), for `xml:lang`."""
    return langcodes.standardize_tag(code)
