"""The catalog's entries of the campaigns a manifest names beside its own (`publish.related`):
read from their catalogs in the same output folder, so the page links to each with its titles
and languages; a campaign not rendered there, or a catalog of another shape, is named by its id.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.manifest import PAGE_LANGUAGES


def related_entry(campaign: str, catalog: Path) -> dict:
    """The catalog's `related` entry of a campaign the manifest names (`publish.related`):
    `campaign` (its id, the folder its page is in beside this one's), `titles` (per page
    language) and `languages` (those it has files of: `code`, `name`, `also_called`), from its
    `catalog` (its catalog.json in the same output folder) when it was rendered there; both null
    when not, and the page names it by its id and offers it for any language."""
    try:
        other = json.loads(catalog.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        other = None
    return {"campaign": campaign, "titles": _related_titles(other),
            "languages": _related_languages(other)}


# What a related campaign's catalog is read for: anything else in it (an older or edited one,
# a key of another shape) gives null, never a publish that stops.
_READ_WRONG = (AttributeError, KeyError, TypeError, ValueError)


def _related_titles(other) -> dict[str, str] | None:
    try:
        titles = other.get("titles") or {language: other["title"] for language in PAGE_LANGUAGES}
        return {str(k): str(v) for k, v in titles.items()}
    except _READ_WRONG:
        return None


def _related_languages(other) -> list[dict] | None:
    try:
        also = other.get("also_called") or {}
        names = {str(v["language"]): str(v["language_name"]) for v in other["variants"]}
        listed = {code: also.get(code) for code in names}
        return [{"code": code, "name": name,
                 "also_called": [str(n) for n in listed[code]]
                 if isinstance(listed[code], list) else []}
                for code, name in names.items()]
    except _READ_WRONG:
        return None
