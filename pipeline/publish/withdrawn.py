"""What a publish leaves behind at its target: objects under `<campaign>/` that it neither put
nor kept (a language withdrawn from the manifest, a profile renamed, a spot dropped, a file
name no render makes any more).

The page stops linking them, but a station that saved a link, or fetched a `<lang>.urls.txt`
earlier, can still download them and air them: they are named in a warning, and removed with
`--prune`. One listing of the campaign's folder and a set difference find them; no request is
made per object but the deletions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from pipeline.errors import Diagnostic, StorageError, error, warning
from pipeline.manifest import Manifest
from pipeline.messages import N_, N_plural, Items, Message, say, say_count
from pipeline.publish.storage import LocalTarget
from pipeline.publish.target import STAGING, Target, TargetUnavailable
from pipeline.render.variants import Variant

SHOWN = 10                  # withdrawn files named in the warning; the rest are counted

NOT_PRUNED = "not-pruned"   # the code of the error that says --prune removed nothing, and why

PRUNE_HINT = say(N_("'pipeline publish --prune' removes them; '--prune --dry-run' says which it "
                    "would"))


@dataclass
class Withdrawal:
    """Withdrawn objects found after a publish, and what `--prune` did with them."""

    keys: list[str] = field(default_factory=list)     # `<campaign>/<file>`, sorted
    # Not sent by this publish, but of a variant the manifest still makes (blocked, or not
    # rendered here): left in place, as the variant is not withdrawn.
    spared: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # of those, removed (in a dry run: would be)
    # Under the campaign's staging folder: a publish's own waiting files, never withdrawn
    # objects (publish/staging.py); those found once a publish completed are no one's.
    staged: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def look_for_withdrawn(target: Target, manifest: Manifest, kept: set[str], prune: bool = False,
                       dry_run: bool = False, unsent: Iterable[Variant] = ()) -> Withdrawal:
    """Objects below `<campaign>/` at `target` whose key is not in `kept` (every key the publish
    put or found up to date, catalog and page included); removed when `prune` (named only, in a
    `dry_run`). Call it only after a publish in which everything arrived: the catalog it wrote
    is then the page stations see, and nothing else under the campaign is linked from it.
    The objects of `unsent`, variants the manifest still makes that this publish did not send
    (blocked, or not rendered on this machine), are `spared`: a translator's broken save, or a
    publish from a machine that rendered one language, never removes another's last good
    files.

    Raises nothing: a listing that fails is a warning (the check could not be made; write-only
    credentials are common), an error when `prune` asked for the removal; a deletion that fails
    is an error.
    """
    found, campaign = Withdrawal(), manifest.campaign
    where = target.location(campaign)
    if isinstance(target, LocalTarget) and _overlaps(target, manifest):
        found.diagnostics.append(_not_looked_for(
            say(N_("%(target)s holds the rendered campaign itself: its records and caches are "
                   "not published objects"), target=where), manifest, prune,
            hint=say(N_("publish to a folder of its own (%(key)s, %(option)s)"),
                     key="publish.to", option="--to")))
        return found
    try:
        listed = target.list_keys(campaign)
    except StorageError as exc:
        found.diagnostics.append(_not_looked_for(exc.said_message, manifest, prune,
                                                 exc.said_hint))
        return found
    # A store is trusted to list what is there, not to have honoured the prefix: nothing
    # outside the campaign's folder is ever named, let alone deleted.
    left = sorted(key for key in set(listed) - kept if key.startswith(f"{campaign}/"))
    found.staged = [key for key in left if key.startswith(f"{campaign}/{STAGING}/")]
    left = [key for key in left if not key.startswith(f"{campaign}/{STAGING}/")]
    owners = _names_of(unsent)
    found.spared = [key for key in left if _owner(key, campaign) & owners]
    found.keys = [key for key in left if not _owner(key, campaign) & owners]
    if found.spared and prune:
        found.diagnostics.append(warning(
            say_count(N_plural("%(count)s object at %(target)s of variants the manifest still "
                               "makes, not sent by this publish (said above), left in place: "
                               "%(names)s",
                               "%(count)s objects at %(target)s of variants the manifest still "
                               "makes, not sent by this publish (said above), left in place: "
                               "%(names)s"),
                      len(found.spared), count=len(found.spared), target=where,
                      names=_names(found.spared, campaign)), manifest.path,
            hint=say(N_("render them, or take them out of the manifest to withdraw them"))))
    if not found.keys:
        return found
    if not prune:
        found.diagnostics.append(warning(
            say(N_("%(objects)s: %(names)s; a station with their address (a saved link, an "
                   "earlier %(lists)s) can still download them and air them"),
                objects=_still_there(found.keys, where, dry_run),
                names=_names(found.keys, campaign), lists="<lang>.urls.txt"),
            manifest.path, hint=PRUNE_HINT))
        return found
    if dry_run:
        found.removed = list(found.keys)
        return found
    _remove(target, found, manifest)
    return found


def _names_of(variants: Iterable[Variant]) -> set[str]:
    """What `_owner` finds in the keys of `variants`' files: `<spot>/<spot>.<lang>.` (the
    variant's files and its language's sidecars), `<spot>/<clock>.` (a file named by its
    clock number) and `<lang>.` (the language's lists at the campaign's top)."""
    names = set()
    for variant in variants:
        spot, code = variant.spot.id, variant.language.code
        names |= {f"{spot}/{spot}.{code}.", f"{code}."}
        if variant.clock:
            names.add(f"{spot}/{variant.clock}.")
    return names


def _owner(key: str, campaign: str) -> set[str]:
    """The `_names_of` forms a key below `<campaign>/` may belong to, read off its name: a set
    lookup a key, not a search over the variants."""
    folder, _, name = key.removeprefix(f"{campaign}/").rpartition("/")
    parts = name.split(".")
    if not folder:
        return {f"{parts[0]}."}
    return {f"{folder}/{'.'.join(parts[:2])}.", f"{folder}/{parts[0]}."}


def not_pruned(manifest: Manifest, problems: int) -> Diagnostic:
    """Why `--prune` removed nothing after a publish that did not fully arrive: the previous
    catalog is still the page, and it links files this publish would have called withdrawn."""
    return error(say(N_("--prune removed nothing: %(problems)s above; withdrawn objects are "
                        "removed only after a publish in which everything arrived, as the "
                        "previous catalog may still link them"),
                     problems=say_count(N_plural("%(count)s problem", "%(count)s problems"),
                                        problems, count=problems)), manifest.path,
                 hint=say(N_("fix them and publish again with --prune")), code=NOT_PRUNED)


def _remove(target: Target, found: Withdrawal, manifest: Manifest) -> None:
    for position, key in enumerate(found.keys):
        try:
            target.delete(key)
        except TargetUnavailable as exc:   # every other deletion would fail the same way
            rest = found.keys[position + 1:]
            message, hint = exc.said_message, exc.said_hint
            if rest:
                message = say(N_("%(problem)s; %(objects)s not attempted"), problem=message,
                              objects=_count(rest))
            found.diagnostics.append(error(message, manifest.path, hint=hint))
            return
        except StorageError as exc:
            message, hint = exc.said_message, exc.said_hint
            found.diagnostics.append(error(message, manifest.path, hint=hint))
            continue
        found.removed.append(key)


def _not_looked_for(reason: Message | str, manifest: Manifest, prune: bool,
                    hint: Message | str | None) -> Diagnostic:
    message = say(N_("withdrawn objects not looked for: %(reason)s"), reason=reason)
    if prune:
        return error(say(N_("--prune removed nothing: %(problem)s"), problem=message),
                     manifest.path, hint=hint)
    return warning(say(N_("%(problem)s; one still there can be downloaded by a station with its "
                          "address"), problem=message), manifest.path, hint=hint)


def _overlaps(target: LocalTarget, manifest: Manifest) -> bool:
    published = (target.root / manifest.campaign).resolve()
    rendered = manifest.campaign_dir.resolve()
    return published.is_relative_to(rendered) or rendered.is_relative_to(published)


def _count(keys: list[str]) -> Message:
    return say_count(N_plural("%(count)s withdrawn object", "%(count)s withdrawn objects"),
                     len(keys), count=len(keys))


def _still_there(keys: list[str], where: str, dry_run: bool) -> Message:
    if dry_run:
        return say_count(N_plural("%(count)s object at %(target)s would be withdrawn, not in the "
                                  "catalog this publish would write",
                                  "%(count)s objects at %(target)s would be withdrawn, not in "
                                  "the catalog this publish would write"),
                         len(keys), count=len(keys), target=where)
    return say(N_("%(objects)s still at %(target)s, no longer in its catalog"),
               objects=_count(keys), target=where)


def _names(keys: list[str], campaign: str) -> Items | Message:
    """The first `SHOWN` keys below the campaign, then how many more."""
    names = [key.removeprefix(f"{campaign}/") for key in keys]
    more = len(names) - SHOWN
    if more > 0:
        return say(N_("%(files)s and %(count)s more"), files=", ".join(names[:SHOWN]), count=more)
    return Items(tuple(names))
