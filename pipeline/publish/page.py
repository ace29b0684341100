"""The broadcasters' page: static and self-contained, one file per page language.

`index.html` is in the manifest's `publish.page_language` (Spanish unless it says otherwise) and
`index.<lang>.html` in each other language, all rendered from the same catalog through Jinja2's
i18n extension (`i18n.py` holds the catalogs). Two static pages rather than both languages in
one keep the page light (1,000 variants) and work without script; a tiny script in the head
sends a reader of the default page to the language they chose before (localStorage), and the
switcher is a plain link. Every string is escaped by Jinja2, and a strict Content-Security-
Policy admits only the page's own hashed script and style.
"""

from __future__ import annotations

import base64
import hashlib
import shlex
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlsplit

import langcodes
from markupsafe import Markup, escape

from pipeline.manifest import PAGE_LANGUAGES, alpha3
from pipeline.publish.cards import page_model, search_names
from pipeline.publish.catalog import CATALOG_NAME
from pipeline.publish.contact import page_contact
from pipeline.publish.deliverables import (CROPPED, MEDIA, SUBTITLE_LABELS, SUBTITLE_USES,
                                           extension, subtitle_kind)
from pipeline.publish.figures import WORDS, figures_shown, headroom_db, unit_title
from pipeline.publish.i18n import (FOLD_FROM, FOLD_TO, IGNORED, N_, Formats, language_name,
                                   name_language, native_name, template_environment)
from pipeline.publish.reasons import GENERIC, OTHER
from pipeline.publish.outdated import page_note
from pipeline.publish.qc_kinds import corrected_kinds
from pipeline.publish.wording import for_station, localised, profile_labels, without_place

if TYPE_CHECKING:
    from jinja2 import Environment   # imported where templates render (i18n.template_environment)

TEMPLATES = Path(__file__).parent / "templates"


PAGE_NAME = "index.html"
# Where `publish --presign` keeps the page's presigned address, beside the rendered campaign.
PAGE_LINK_NAME = "page-link.txt"


TREATMENTS = {
    "burn": N_("Subtitles drawn into the picture: always on screen."),
    # The track shows unasked (its file's default): a viewer may turn it off.
    "soft": N_("Subtitles shown unless viewers turn them off, also given as separate files."),
    "dub": N_("Dubbed: a voice in the language replaces the original sound."),
    "mix": N_("Voice-over in the language, mixed over the spot's music."),
}


def page_names(default_language: str = PAGE_LANGUAGES[0]) -> dict[str, str]:
    """File name of the page in each language: `index.html` for the default one."""
    return {language: PAGE_NAME if language == default_language else f"index.{language}.html"
            for language in PAGE_LANGUAGES}


def render_pages(catalog: dict, default_language: str = PAGE_LANGUAGES[0],
                 link: Callable[[str], str] | None = None) -> dict[str, str]:
    """Every page language's HTML, by file name (see `page_names`). `link`: the address each
    page gives another by its file name (a presigned URL in a private bucket, where a
    relative link would be refused); the name itself without it."""
    spots = page_model(catalog)
    names = page_names(default_language)
    return {names[language]: render_page(catalog, language, names, spots, link)
            for language in PAGE_LANGUAGES}


def render_page(catalog: dict, language: str, names: dict[str, str] | None = None,
                spots: list | None = None, link: Callable[[str], str] | None = None) -> str:
    """The page in one language; `names` are the file names of all of them (`page_names`),
    linked by `link(name)` when given, as is the catalog its `pipeline verify` line names (a
    station checking a private bucket's campaign has no other address for it)."""
    names = names or page_names()
    css, head_js, js = _asset("page.css"), _asset("head.js"), _asset("page.js")
    csp = ("default-src 'none'; img-src * data: blob: file:; media-src * blob: file:; "
           f"style-src '{_csp_hash(css)}'; script-src '{_csp_hash(head_js)}' '{_csp_hash(js)}'; "
           "base-uri 'none'; form-action 'none'")
    pages = [{"language": other, "file": link(names[other]) if link else names[other],
              "name": native_name(other)}
             for other in PAGE_LANGUAGES]
    spots = page_model(catalog) if spots is None else spots
    present = {medium for spot in spots for card in spot.cards for medium in card.media}
    labels = profile_labels(catalog, language)
    source = catalog.get("source_language") if catalog.get("source_language") != "und" else None
    return _environment(language).get_template("index.html.j2").render(
        catalog=catalog, spots=spots, page_language=language, pages=pages,
        catalog_link=link(CATALOG_NAME) if link else None,
        # A catalog older than `titles` has the one title for every page.
        campaign_title=(catalog.get("titles") or {}).get(language, catalog.get("title")),
        is_default=names[language] == PAGE_NAME, fmt=Formats(language),
        language_name=lambda code, own=None: language_name(code, language, own),
        name_language=name_language,
        # A QC warning in the page's language (None: its English text), and that English text,
        # each without the translator's file it was found in, and naming profiles by their files.
        warning_said=lambda detail: localised(for_station(detail, labels), language),
        # What a station does of it (qc_kinds.station_action), in English too.
        station_action=lambda action: localised(for_station(action, labels), language,
                                                source=True),
        warning_text=without_place,
        # A file's label, followed by its profile's id where two profiles share it (a trial's
        # "Video web" twice, a profile of the campaign's own made from `web`).
        profile_label=labels.__getitem__,
        corrected_kinds=corrected_kinds(),
        # Why a file is not available (a catalog's variants_missing entry), in the page's words.
        unavailable_reason=lambda entry: unavailable_reason(entry, language),
        # A file published as rendered before its inputs changed (the catalog's `outdated`).
        earlier_version=lambda entry, files: page_note(entry, language, files),
        # Whom to ask (the catalog's `contact`; None without it): under the title, and at the
        # end of the notes of an earlier version and of a file not available yet.
        contact=page_contact(catalog.get("contact"), language),
        # The languages of the cards, those with no file yet too, as the filter counts them (a
        # radio trial's page said "11 lenguas" above "Se muestran 13 de 13 lenguas").
        languages={card.language for spot in spots for card in spot.cards},
        # The languages of the cards, the list of those to go to counts (a card's language may
        # have no file yet: said on its card).
        card_languages=len({card.language for spot in spots for card in spot.cards}),
        # The manifest's languages with no variant here (none in a catalog older than the key).
        missing=[f"{language_name(item['code'], language, item['name'])} ({item['code']})"
                 for item in catalog.get("languages_missing", [])],
        media=MEDIA, media_present=[medium for medium in MEDIA if medium in present],
        # The pages of the campaigns the manifest names (`publish.related`), beside this one's
        # folder; not from a private bucket's presigned page, where a plain link is refused.
        # Each with what its search finds there, a language's names apart from the next's
        # ("|"; None: not known, offered for any): a trial's station searching Tseltal was sent
        # from the radio page to the video page and back, neither with a Tseltal sound file.
        related=[] if link else [
            {"url": f"../{entry['campaign']}/{PAGE_NAME}",
             "title": (entry.get("titles") or {}).get(language) or entry["campaign"],
             "search": None if entry.get("languages") is None else "|".join(
                 search_names(item["code"], item["name"], item.get("also_called", ()))
                 for item in entry["languages"])}
            for entry in catalog.get("related", [])],
        # The spots' own language, a subtitled card's sound (None: not said in the catalog).
        source_language=source,
        # A spot's title with none of its own in the page's language is the spots' language's:
        # marked so (WCAG 3.1.2), a trial's English screen reader mispronounced it.
        title_language=langcodes.standardize_tag(source) if source and
        alpha3(source) != alpha3(language) else None,
        # What the loudness figures mean: each unit's <abbr>, and a section for those shown.
        unit_title=unit_title, figures=figures_shown(catalog), figure_words=WORDS,
        headroom_db=headroom_db,
        treatments=TREATMENTS, cropped=CROPPED, subtitle_labels=SUBTITLE_LABELS,
        subtitle_uses=SUBTITLE_USES,
        fold={"ignore": IGNORED, "from": FOLD_FROM, "to": FOLD_TO}, extension=extension,
        subtitle_kind=subtitle_kind, alpha3=alpha3,
        css=Markup(css), head_js=Markup(head_js), js=Markup(js), csp=csp)


def unavailable_reason(entry: dict, language: str) -> str:
    """Why a file is not available (a catalog's variants_missing entry), in `language`: its
    `reason_detail`, else (a catalog older than its words, or words the page's language lacks)
    what the page says of any file for its `reason`; never the English `reason_text`."""
    return (localised(entry.get("reason_detail"), language, True)
            or localised({"template": GENERIC.get(entry.get("reason"), OTHER)}, language, True)
            or GENERIC.get(entry.get("reason"), OTHER))


@cache
def _environment(language: str) -> Environment:
    env = template_environment(TEMPLATES, language)
    env.filters.update(safe_url=safe_url, shell_quote=shlex.quote, clock_breaks=clock_breaks,
                       basename=lambda file: file.rsplit("/", 1)[-1])
    return env


# A clock number's run of letters and digits longer than this may break inside, every so many.
CLOCK_RUN = 8


def clock_breaks(number: str) -> Markup:
    """A clock number, escaped, with a soft hyphen after each of its hyphens (and every
    CLOCK_RUN characters of a longer run without one): where a number longer than a line may
    break, which page.css marks. A hyphen keeps the soft hyphen after it on its line (UAX 14,
    LB21): a number never breaks unmarked at a hyphen of its own, read as hyphenation."""
    def pieces(run: str) -> str:
        return "\u00ad".join(run[at:at + CLOCK_RUN] for at in range(0, len(run), CLOCK_RUN))

    return escape("-\u00ad".join(pieces(run) for run in str(number).split("-")))


@cache
def _asset(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def safe_url(url: str | None) -> str:
    """Only the catalog's own kinds of link: relative, http(s) or file; anything else is inert."""
    if not url:
        return "#"
    scheme = urlsplit(url).scheme.lower()
    return url if scheme in ("", "http", "https", "file") else "#"

