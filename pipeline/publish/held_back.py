"""What a publish cut short leaves at its target, said where the media team looks: a failure
holds the catalog back (the previous one stays the page's), and objects already put replaced
their previous render under it; Ctrl-C may stop it before or after the catalog.

A file that replaces a previous render waits under the staging folder until every file is up
(`publish/staging.py`): a publish cut short while uploading replaced nothing. Cut short while
those files are moved into place, or before the catalog is put, it leaves the ones moved new
under the previous catalog (only versioned addresses would avoid it, and the contract fixes each
file's address): they are named, and publishing again mends it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.errors import Diagnostic, error
from pipeline.manifest import Manifest
from pipeline.messages import N_, Items, N_plural, say, say_count

if TYPE_CHECKING:     # report.py imports this module
    from pipeline.publish.report import ObjectResult, PublishReport

HELD_BACK = "catalog-not-updated"   # the code of the errors that say so
LISTED_REPLACED = 5


def interrupted(manifest: Manifest, report: PublishReport | None) -> list[Diagnostic]:
    """What a publish Ctrl-C cut short left (`report`: what it had done; None: stopped before
    its target was open): a trial's Ctrl-C was told only that no partial files were left."""
    if report is None or report.dry_run:
        return []
    if report.catalog_written:
        return [error(say(N_("publish interrupted after the catalog at %(target)s was updated"),
                          target=report.target), manifest.path,
                      hint=say(N_("publish again to finish; objects already up are not sent "
                                  "twice")))]
    return [error(say(N_("publish interrupted: the catalog at %(target)s was not updated"),
                      target=report.target), manifest.path,
                  hint=say(N_("publish again; objects already up are not sent twice")))] + \
        replaced_unlisted(manifest, report.target, report.objects)


def replaced_unlisted(manifest: Manifest, target: str,
                      objects: list[ObjectResult]) -> list[Diagnostic]:
    """An error naming the objects a publish cut short (by a failure, or Ctrl-C) replaced with
    their new render under the previous catalog, which still gives their old sizes and
    checksums: a trial's station would have downloaded files its page's checksums refuse,
    told only that broadcasters "still see the previous catalog"."""
    replaced = [o.key for o in objects if o.replaced]
    if not replaced:
        return []
    listed = Items(tuple(replaced[:LISTED_REPLACED]) + (
        (say_count(N_plural("%(count)s more", "%(count)s more"), len(replaced) - LISTED_REPLACED,
                   count=len(replaced) - LISTED_REPLACED),)
        if len(replaced) > LISTED_REPLACED else ()), ", ")
    return [error(say_count(N_plural(
        "%(count)s file at %(target)s is its new render, which the catalog there does not "
        "describe (it gives the previous one's size and sha256): %(keys)s",
        "%(count)s files at %(target)s are their new render, which the catalog there does not "
        "describe (it gives the previous ones' sizes and sha256s): %(keys)s"), len(replaced),
        count=len(replaced), target=target, keys=listed), manifest.path,
        hint=say(N_("publish again as soon as it can complete: until then a station's checksum "
                    "check of these files fails")), code=HELD_BACK)]

