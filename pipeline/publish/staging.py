"""Putting a campaign's files so that a publish cut short leaves what stations download as the
live catalog describes it.

A file new at its address is put there (no catalog lists it yet). A file that replaces a
previous render, which the live catalog still describes by size and sha256, is put under
`<campaign>/.staging/` first (`target.staged_key`), and moved to its address only once every
file is up, just before the catalog that describes it: server-side (S3's CopyObject, a rename
in a folder), a fraction of a second a file; a stop among the moves lets them and the catalog
end first (`upload._put_catalog`). Uploading in place, an operations trial's publish
over a slow line left replaced files at the stations' addresses for minutes, and for good when
it was stopped, while the page gave the previous ones' checksums. A staged file a publish cut
short left is not sent again by the next one; what no publish uses any more is removed once a
publish completes.
"""

from __future__ import annotations

from pipeline.errors import Diagnostic, StorageError, error, warning
from pipeline.publish.report import LocalFile, ObjectResult, Progress, PublishReport
from pipeline.publish.target import Target, TargetUnavailable, content_type, staged_key


def put_files(target: Target, files: list[LocalFile], report: PublishReport, dry_run: bool,
              progress: Progress | None) -> list[tuple[LocalFile, ObjectResult]]:
    """Put each of `files` (new ones at their key, replacements staged), each said into
    `report` as it is done; returns the staged ones, for `move_into_place`. A target that cannot
    be used stops it (the rest "not attempted"); a failed file is said and the others go on."""
    staged = []
    for position, item in enumerate(files):
        try:
            result = _put_one(target, item, dry_run)
        except TargetUnavailable as exc:
            report.diagnostics.append(error(exc.said_message, item.path, hint=exc.said_hint))
            report.add(ObjectResult(item.key, item.path, "failed", 0, exc.message), progress)
            for rest in files[position + 1:]:
                report.add(ObjectResult(rest.key, rest.path, "not attempted"), progress)
            break
        except StorageError as exc:
            report.diagnostics.append(error(exc.said_message, item.path, hint=exc.said_hint))
            result = ObjectResult(item.key, item.path, "failed", 0, exc.message)
        if result.staged:
            staged.append((item, result))
        report.add(result, progress)
    return staged


def _put_one(target: Target, item: LocalFile, dry_run: bool) -> ObjectResult:
    existing = target.head(item.key)
    if existing and existing.sha256 == item.sha256 and existing.size == item.size:
        return ObjectResult(item.key, item.path, "unchanged", item.size)
    if dry_run:
        return ObjectResult(item.key, item.path, "would upload", item.size)
    if existing is None:
        target.put(item.key, item.path, item.sha256, content_type(item.path.name))
        return ObjectResult(item.key, item.path, "uploaded", item.size)
    waiting = target.head(staged_key(item.key))
    if waiting and (waiting.size, waiting.sha256) == (item.size, item.sha256):
        # Sent by a publish cut short: not sent again (no byte counted).
        return ObjectResult(item.key, item.path, "uploaded", 0, staged=True)
    target.put(staged_key(item.key), item.path, item.sha256, content_type(item.path.name))
    return ObjectResult(item.key, item.path, "uploaded", item.size, staged=True)


def move_into_place(target: Target, staged: list[tuple[LocalFile, ObjectResult]],
                    report: PublishReport) -> None:
    """Move each staged file to its address (its result then `replaced`), stopping at the
    first that fails (said into `report`, which holds the catalog back): the fewer files are
    new under the previous catalog, the fewer a station's check refuses."""
    for item, result in staged:
        try:
            target.move(staged_key(item.key), item.key, item.size, item.sha256)
        except StorageError as exc:
            report.diagnostics.append(error(exc.said_message, item.path, hint=exc.said_hint))
            result.action, result.message = "failed", exc.message
            return
        result.staged, result.replaced = False, True


def clear_staged(target: Target, keys: list[str]) -> list[Diagnostic]:
    """Remove `keys`, files that wait under the staging folder once a publish completed (a
    publish cut short staged them, and this one did not use them). A failure is a warning:
    nothing links to them."""
    try:
        for key in keys:
            target.delete(key)
    except StorageError as exc:
        return [warning(exc.said_message, hint=exc.said_hint)]
    return []
