"""Published variants rendered before their inputs or settings changed, and what changed.

Publish sends such a variant's file as it was rendered (the one approved before): a station
downloading it must be told it is an earlier version, or it airs subtitles since corrected
without knowing. Publish warns of them (freshness.py), and each one's catalog entry carries
`outdated` (`catalog_entries`), which the page says on the file's row in its language.

A variant is outdated when the manifest's plan has it stale (its inputs or settings changed:
`reason` "changed", rendering makes it again) or blocked (an input now has an error: "blocked",
it cannot be made again until that is fixed); not when only a file beside it is to be made
again from it (`VariantPlan.remake`): its file is current. An input of its record that is gone
now (a recording taken out of the audio folder) is said as removed, not as changed: no fix is
under way, a new version waits for it to be delivered again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipeline.fingerprint import HashCache
from pipeline.messages import N_plural
from pipeline.publish.i18n import N_, Formats, translations
from pipeline.publish.public_warnings import without_paths
from pipeline.render.status import changed_keys, output_problem
from pipeline.render.variants import Plan, VariantPlan

CHANGED, BLOCKED = "changed", "blocked"
INPUTS = "inputs"   # what changed when the plan does not say which input

# What changed, in stable words (the catalog's `what`), and as the page says each.
WHAT = {
    "subtitles": N_("the subtitles"),
    "dub recording": N_("the dub's recording"),
    "voice-over recording": N_("the voice-over's recording"),
    "master": N_("the master"),
    "music bed": N_("the music bed"),
    "font": N_("the font"),   # the subtitles' or the TV slate's
    "settings": N_("the settings"),
    "subtitle settings": N_("the subtitle settings"),
    "software": N_("the software that generates the files"),
    INPUTS: N_("the files it is made from"),
}
# What a language's subtitle files are made from: its subtitles, timed to the master (its
# frames, its programme's start) by the software. Every file carrying them an earlier version
# by one of these, they are earlier versions too (cards.py): a trial's re-cut master had its
# MP4s said earlier and, beside them, the old cut's subtitle files said nothing.
SIDECAR_SOURCES = frozenset({"subtitles", "master", "software", "subtitle settings", INPUTS})
# The settings their files are written by (render/status.py's): a change of one is said as
# "subtitle settings", on them and on the files carrying them, the others' as "settings".
SIDECAR_SETTINGS = frozenset({"sidecars", "cues_within_master", "subtitle_language_tag"})
# The label before the sentence, and the sentence for each reason, taking `what` (a list).
LABEL = N_("Earlier version")
# An input removed: the files are the last made, and none newer comes until it is delivered
# again (the sentence says why), where "Earlier version" said a newer one is on its way.
LABEL_REMOVED = N_("Last version for now")
SENTENCES = {
    CHANGED: N_("%(what)s changed after this file was generated; the new version is not "
                "available yet."),
    BLOCKED: N_("%(what)s changed after this file was generated; the new version has an "
                "error that is being fixed."),
}
# Said once for every file of a language (cards.Card.shared_outdated).
SENTENCES_ALL = {
    CHANGED: N_("%(what)s changed after these files were generated; the new versions are not "
                "available yet."),
    BLOCKED: N_("%(what)s changed after these files were generated; the new versions have an "
                "error that is being fixed."),
}
# An input removed (its file gone), by how many are: for one file, and for all of a language's.
REMOVED = N_plural("the file of %(what)s was removed after this file was generated; a new "
                   "version can be generated only when it is delivered again.",
                   "the files of %(what)s were removed after this file was generated; a new "
                   "version can be generated only when they are delivered again.")
REMOVED_ALL = N_plural("the file of %(what)s was removed after these files were generated; "
                       "new versions can be generated only when it is delivered again.",
                       "the files of %(what)s were removed after these files were generated; "
                       "new versions can be generated only when they are delivered again.")

# A plan's input roles (render/planner.py `_add_input`) in those words; "audio" is the dub's or
# the voice-over's recording, by the language's treatment.
ROLES = {"subtitles": "subtitles", "master": "master", "music_bed": "music bed",
         "font": "font", "slate_font": "font"}
# A stale variant's reasons as render/status.py's `what_changed` writes them.
_ROLE_REASON = re.compile(r"^(?:(\S+) changed \(|new input: (\S+)$|input dropped: (\S+)$)")
_OTHER_REASONS = (("render version ", "software"), ("ffmpeg version changed", "software"))


@dataclass(frozen=True)
class Outdated:
    """A published variant's plan, stale or blocked, and its record (what was rendered)."""
    plan: VariantPlan
    record: dict
    cache: HashCache        # the manifest's: hashes of inputs as the plan read them

    @property
    def key(self) -> tuple[str, str, str]:
        return self.record["spot"], self.record["language"], self.record["profile"]

    @property
    def reason(self) -> str:
        return BLOCKED if self.plan.status == "blocked" else CHANGED

    @cached_property     # a blocked one's hashes its inputs
    def what(self) -> list[str]:
        """What changed, in `WHAT`'s words, each once, "inputs" when nothing says which."""
        found = self._blocked_what() if self.reason == BLOCKED else self._stale_what()
        return list(dict.fromkeys(found)) or [INPUTS]

    def _stale_what(self) -> list[str]:
        found = []
        for reason in self.plan.reasons:
            role = _ROLE_REASON.match(reason)
            if role:
                found.append(self._word(next(name for name in role.groups() if name)))
            found += [word for start, word in _OTHER_REASONS if reason.startswith(start)]
            if reason.startswith("settings changed"):
                found += self._settings_what()
        return found

    def _settings_what(self) -> list[str]:
        """"subtitle settings" when a key of SIDECAR_SETTINGS changed, "settings" when
        another did."""
        keys = {key.split(".")[0] for key in changed_keys(self.record.get("settings") or {},
                                                          self.plan.settings)}
        sidecar = keys & SIDECAR_SETTINGS
        return ((["settings"] if keys - sidecar or not sidecar else []) +
                (["subtitle settings"] if sidecar else []))

    @cached_property
    def removed(self) -> list[str]:
        """Of a blocked one's `what`, the inputs of its record whose file is gone now, each
        once (a stale one's plan has what replaced them: a file renamed, a role dropped)."""
        if self.reason != BLOCKED:
            return []
        return list(dict.fromkeys(self._word(role) for role, item in
                                  self.record.get("inputs", {}).items()
                                  if not Path(item["path"]).exists()))

    def _blocked_what(self) -> list[str]:
        """The inputs of its record that are gone or other bytes now (a blocked plan stops
        at the error, before it has hashed them all); else the manifest's settings when the
        error is in the manifest."""
        found = [self._word(role) for role, item in self.record.get("inputs", {}).items()
                 if _differs(Path(item["path"]), item.get("sha256"), self.cache)]
        manifest = self.plan.variant.manifest.path
        if not found and any(d.path is not None and Path(d.path) == manifest
                             for d in self.plan.problems if d.severity == "error"):
            return ["settings"]
        return found

    def _word(self, role: str) -> str:
        if role == "audio":
            return ("voice-over recording" if self.plan.variant.language.treatment == "mix"
                    else "dub recording")
        return ROLES.get(role.split(":")[0], INPUTS)

    @property
    def text(self) -> str:
        """The English page's label and sentence, with no path of the machine that rendered."""
        return without_paths(": ".join(page_note(self.entry, "en")))

    @property
    def entry(self) -> dict:
        entry = {"reason": self.reason, "what": self.what}
        return {**entry, "removed": self.removed} if self.removed else entry

    def to_json(self) -> dict:
        return {**self.entry, "text": self.text}


def of_subtitles(entry: dict | None) -> dict | None:
    """A variant's `outdated` as its subtitle files have it: what changed kept to what they are
    made from (`SIDECAR_SOURCES`; a removed recording is none of theirs); None when nothing
    of theirs changed."""
    what = [word for word in (entry or {}).get("what", ()) if word in SIDECAR_SOURCES]
    if not what:
        return None
    removed = [word for word in entry.get("removed", ()) if word in SIDECAR_SOURCES]
    if what == list(entry["what"]) and removed == list(entry.get("removed", ())):
        return entry        # the variant's own note, said once for all its files alike
    kept = {key: value for key, value in entry.items() if key not in ("removed", "text")}
    return {**kept, "what": what} | ({"removed": removed} if removed else {})


def page_note(entry: dict | None, language: str, files: int = 1) -> tuple[str, str] | None:
    """The page's label and sentence, in `language`, for a file whose catalog entry has
    `outdated` (`entry`), or for all the `files` of a language that have it alike; None for a
    current one. Words a later catalog may add are said as "the files it is made from". An entry
    with `removed` says those inputs were removed (what else changed waits for them)."""
    if not entry:
        return None
    catalog = translations(language)
    removed = entry.get("removed")
    words = dict.fromkeys(WHAT.get(word, WHAT[INPUTS])
                          for word in removed or entry.get("what") or [INPUTS])
    what = {"what": Formats(language).list(catalog.gettext(w) for w in words)}
    if removed:
        singular, plural = REMOVED if files == 1 else REMOVED_ALL
        sentence = catalog.ngettext(singular, plural, len(words)) % what
        return catalog.gettext(LABEL_REMOVED), sentence
    sentences = SENTENCES if files == 1 else SENTENCES_ALL
    sentence = sentences.get(entry.get("reason"), sentences[CHANGED])
    return catalog.gettext(LABEL), catalog.gettext(sentence) % what


def _differs(path: Path, sha256: str | None, cache: HashCache) -> bool:
    try:
        return cache.sha256(path) != sha256
    except OSError:      # gone, or unreadable now
        return True


def changed_since_rendered(records: list[dict], plan: Plan) -> tuple[list[VariantPlan],
                                                                       list[Outdated]]:
    """(the rendered variants only a file beside which is to be made again, those rendered
    before their inputs or settings changed), from the manifest's plan, in its order."""
    by_key = {(r["spot"], r["language"], r["profile"]): r for r in records}
    incomplete, old = [], []
    for planned in plan.variants:
        variant = planned.variant
        record = by_key.get((variant.spot.id, variant.language.code, variant.profile.name))
        if planned.status == "up-to-date" or record is None:
            continue
        cache = plan.caches[variant.manifest.output_dir]
        if output_problem(variant, record, cache):
            # Its file is no longer the one rendered: publishing refuses it with its own
            # error; "published as rendered before its inputs changed" beside it said both.
            continue
        if planned.remake:
            incomplete.append(planned)
        else:
            old.append(Outdated(planned, record, cache))
    return incomplete, old


def catalog_entries(old: list[Outdated]) -> dict[tuple[str, str, str], dict]:
    """Each outdated variant's catalog `outdated`, by (spot, language, profile)."""
    return {item.key: item.to_json() for item in old}
