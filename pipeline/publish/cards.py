"""The page's model: the catalog's variants gathered into one card per spot and language.

A card holds the language's names, its treatment, its deliverables (one per variant, ordered
masters first, with each variant's QC warnings and loudness certificate: publish/file_row.py),
the language's subtitle files, what a browser can preview in place (a video and a sound), the
media it serves (TV, radio, web, messaging) and a search key. Nothing here depends on the page's
language: the template translates labels and formats figures per locale.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pipeline.manifest import PAGE_LANGUAGES
from pipeline.publish.deliverables import (MEDIA, SUBTITLE_LABELS, attachment_role,
                                           burned_for_phones, for_card, kind_of, subtitle_kind)
from pipeline.publish.file_row import Deliverable, PageWarning
from pipeline.publish.i18n import fold, language_name
from pipeline.publish.manifest_order import manifest_order
from pipeline.publish.outdated import of_subtitles
from pipeline.publish.previews import Preview, previews


@dataclass(frozen=True)
class Unavailable:
    """Files of a card's language the manifest makes and the catalog does not have (its
    `variants_missing`), for one reason and one medium: said, with why, where they would be;
    named by their profiles' labels on the page (two sharing one, by their ids too)."""
    profiles: tuple[str, ...]
    medium: str
    entry: dict     # the first's variants_missing entry: reason, reason_text, reason_detail


@dataclass
class Card:
    spot: str
    spot_title: str
    language: str
    community_name: str
    treatment: str | None
    deliverables: list[Deliverable] = field(default_factory=list)
    subtitles: list[dict] = field(default_factory=list)
    video: Preview | None = None
    audio: Preview | None = None
    bundle: dict | None = None
    unavailable: list[Unavailable] = field(default_factory=list)
    also_called: tuple[str, ...] = ()     # the manifest's other names of the language
    # Each subtitle file's `outdated` when every variant carrying it was rendered before its
    # subtitles changed (it is their old text), else None.
    subtitles_outdated: dict[str, dict | None] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.spot}-{self.language}"

    def also_called_besides(self, *shown: str) -> list[str]:
        """The manifest's other names of the language but those the card `shown` already
        (a trial's "maya · también llamado maya"), as the search folds them."""
        said = {fold(name) for name in shown}
        return [name for name in self.also_called if fold(name) not in said]

    @property
    def forced(self) -> bool:
        """Whether the language's subtitles are a forced narrative (catalog
        `forced_subtitles`): the spot's on-screen text, for every viewer to read."""
        return any(d.variant.get("forced_subtitles") for d in self.deliverables)

    @property
    def sdh(self) -> bool:
        """Whether the language's subtitles are for the deaf and hard of hearing (catalog
        `sdh`): they say the sounds and who speaks."""
        return any(d.variant.get("sdh") for d in self.deliverables)

    @property
    def media(self) -> list[str]:
        present = {d.kind.medium for d in self.deliverables} | {u.medium for u in self.unavailable}
        return [medium for medium in MEDIA if medium in present]

    @property
    def duration(self) -> float | None:
        """The programme's length, what a station books: never a master's file length, which
        counts its leader too (a catalog older than `programme_duration` gives the length of a
        file without a leader, when it has one)."""
        programme = next((d.variant["programme_duration"] for d in self.deliverables
                          if d.variant.get("programme_duration") is not None), None)
        if programme is not None:
            return programme
        plain = [d for d in self.deliverables if not d.variant.get("leader_duration")]
        return next((d.variant["duration"] for d in plain or self.deliverables
                     if d.variant.get("duration") is not None), None)

    @property
    def leaders(self) -> list[tuple[float, list[str]]]:
        """Seconds of bars, slate and black before the programme in the card's TV masters, each
        with the labels of the masters that have it; [] without a leader. The subtitle files
        other than a master's EBU-TT are timed from the programme's start, that far into the
        master's file (a trial's station would have loaded the SRT against the MXF, every cue
        12 s early). One entry with every master: said of "the TV master" (`leader_of_all`)."""
        by_seconds: dict[float, list[str]] = {}
        for d in self.deliverables:
            if d.variant.get("leader_duration"):
                by_seconds.setdefault(d.variant["leader_duration"], []).append(d.kind.label)
        return sorted(by_seconds.items())

    @property
    def leader_of_all(self) -> float | None:
        """The one leader of every TV master of the card, else None (see `leaders`)."""
        masters = [d for d in self.deliverables if d.kind.medium == "tv"]
        seconds = {d.variant.get("leader_duration") for d in masters}
        return seconds.pop() if len(seconds) == 1 and None not in seconds else None

    @property
    def shared_warnings(self) -> list[PageWarning]:
        """The QC warnings on every one of the card's files (two or more), as
        `Deliverable.warnings` gives them: said once for the language, not under each file. A
        dub's delivery problems (its length, its dead air, its DC offset) are the same in each
        file made of it; listed under each, the warnings a station must read were repeated three
        times and the one about a single file (its loudness range) was lost among them."""
        if len(self.deliverables) < 2:
            return []
        others = [{text for *_, text in d.warnings} for d in self.deliverables[1:]]
        return [w for w in self.deliverables[0].warnings if all(w[-1] in o for o in others)]

    @property
    def shared_outdated(self) -> dict | None:
        """The catalog's `outdated` when every file of the card (two or more, subtitle files
        too) has the same one: said once at the card's top. On each row, a language's two
        videos and three subtitle files showed one sentence five times."""
        notes = [d.outdated for d in self.deliverables] + [
            self.subtitles_outdated.get(s["file"]) for s in self.subtitles]
        if len(notes) < 2 or not notes[0]:
            return None
        return notes[0] if all(note == notes[0] for note in notes[1:]) else None

    def row_outdated(self, outdated: dict | None) -> dict | None:
        """A row's `outdated`, unless the card says it once for all (`shared_outdated`)."""
        return None if self.shared_outdated else outdated

    def own_warnings(self, deliverable: Deliverable) -> list[PageWarning]:
        """`deliverable`'s QC warnings but those on every file of the card (`shared_warnings`)."""
        shared = {text for *_, text in self.shared_warnings}
        return [w for w in deliverable.warnings if w[-1] not in shared]

    @property
    def still(self) -> dict | None:
        """Of a card with no video to preview (a TV campaign's masters alone), the variant
        whose poster the page shows instead: a trial's master control saw no picture of what
        it was to air, the poster published beside it."""
        if self.video is not None:
            return None
        return next((d.variant for d in self.deliverables if d.variant.get("poster_url")), None)

    @property
    def search(self) -> str:
        return search_names(self.language, self.community_name, self.also_called)


def search_names(code: str, community_name: str, also_called=()) -> str:
    """What the page's search finds a language by, folded (`fold`): its community's name, its
    code, its other names and its name in each page language."""
    names = [community_name, code, *also_called,
             *(language_name(code, page) for page in PAGE_LANGUAGES)]
    return fold(" ".join(names))


@dataclass
class SpotCards:
    id: str
    title: str
    cards: list[Card] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)   # by page language; else `title`


def page_model(catalog: dict) -> list[SpotCards]:
    """Spots in manifest order, each with a card per language in manifest order: a language's
    card holds its files, and those it lacks (`variants_missing`) said unavailable; a language
    with none of its files on a spot has a card saying so."""
    spots: dict[str, SpotCards] = {}
    cards: dict[tuple[str, str], Card] = {}
    bundles = {bundle["language"]: bundle for bundle in catalog.get("bundles", [])}
    also = catalog.get("also_called") or {}
    missing = catalog.get("variants_missing", [])
    for variant in catalog["variants"] + missing:
        spot = spots.setdefault(variant["spot"], SpotCards(
            variant["spot"], variant["spot_title"], titles=variant.get("spot_titles") or {}))
        key = (variant["spot"], variant["language"])
        if key not in cards:
            cards[key] = Card(variant["spot"], variant["spot_title"], variant["language"],
                              variant["language_name"],
                              variant.get("language_treatment", variant.get("treatment")),
                              bundle=bundles.get(variant["language"]),
                              also_called=tuple(also.get(variant["language"], ())))
            spot.cards.append(cards[key])
        if "reason" in variant:
            _add_unavailable(cards[key], variant)
        else:
            _add(cards[key], variant)
    # Both lists are in manifest order, and a spot's missing language goes where it would be.
    rank = manifest_order([[v["spot"] for v in catalog["variants"]], [m["spot"] for m in missing]])
    order = manifest_order([[v["language"] for v in variants if v["spot"] == spot]
                            for spot in spots for variants in (catalog["variants"], missing)])
    for spot in spots.values():
        spot.cards.sort(key=lambda card: order[card.language])
    for card in cards.values():
        # The language's bundle is its files on every spot: not offered where it has none.
        card.bundle = card.bundle if card.deliverables else None
        card.deliverables.sort(key=lambda d: d.kind.order)
        kinds = for_card([d.kind for d in card.deliverables])
        files = [(kind, d.variant) for d, kind in zip(card.deliverables, kinds)]
        card.deliverables = [replace(d, kind=kind, burned=burned_for_phones(files, kind.medium))
                             for d, kind in zip(card.deliverables, kinds)]
        card.subtitles.sort(key=lambda s: list(SUBTITLE_LABELS).index(subtitle_kind(s["file"])))
        card.video, card.audio = previews(card.deliverables, card.subtitles)
    return sorted(spots.values(), key=lambda spot: rank[spot.id])


def _add_unavailable(card: Card, entry: dict) -> None:
    kind = kind_of({"file": "", **entry})
    for at, group in enumerate(card.unavailable):
        if (group.medium, group.entry["reason_text"]) == (kind.medium, entry["reason_text"]):
            card.unavailable[at] = Unavailable((*group.profiles, entry["profile"]), kind.medium,
                                               group.entry)
            return
    card.unavailable.append(Unavailable((entry["profile"],), kind.medium, entry))


def _add(card: Card, variant: dict) -> None:
    by_role: dict[str, list[dict]] = {}
    for attachment in variant.get("sidecars", []):
        if subtitle_kind(attachment["file"]) == "ebutt":
            # A master's own, timed to its timecode: its row says which master it goes with.
            attachment = {**attachment, "master": kind_of(variant), "profile": variant["profile"],
                          "timecode": (variant.get("master") or {}).get("programme_timecode")}
        by_role.setdefault(attachment_role(attachment["file"]), []).append(attachment)
    known = {s["file"] for s in card.subtitles}
    card.subtitles += [s for s in by_role.get("subtitles", []) if s["file"] not in known]
    old = of_subtitles(variant.get("outdated"))
    for subtitles in by_role.get("subtitles", []):
        # One variant rendered since wrote the file anew: it is no longer the old text.
        earlier = card.subtitles_outdated.get(subtitles["file"], old)
        card.subtitles_outdated[subtitles["file"]] = old if earlier and old else None
    card.deliverables.append(Deliverable(variant, kind_of(variant),
                                         next(iter(by_role.get("certificate", [])), None),
                                         next(iter(by_role.get("plot", [])), None)))
