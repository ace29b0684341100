"""Whether the pages a campaign's page links to (the manifest's `publish.related`) are there.

The page links each related campaign's page beside its own folder (`../<campaign>/index.html`).
A trial's station, sent the radio campaign's page from a bucket the video campaign was never
published to, followed its link to a 404; and a presigned page, which leaves the links out (a
plain link into a private bucket is refused), said nothing of them. Publish says both.
"""

from __future__ import annotations

from typing import Collection

from pipeline.errors import Diagnostic, StorageError, warning
from pipeline.manifest import Manifest
from pipeline.publish.page import PAGE_NAME
from pipeline.publish.target import Target


def related_warnings(manifest: Manifest, target: Target, presigned: bool,
                     along: Collection[str] = ()) -> list[Diagnostic]:
    """A warning for the related campaigns a page published to `target` cannot link: all of
    them on a presigned page, else those with no page at the target yet and not published by
    the same command (`along`: `make publish` puts the demo's three, each related to the
    others, one after the other). One HEAD request per related campaign; a `StorageError` is
    said as not knowing."""
    if not manifest.related:
        return []
    names = ", ".join(manifest.related)
    if presigned:
        return [warning(f"the page does not link the campaigns of publish.related ({names}): a "
                        "presigned page cannot link another campaign's page, which needs signed "
                        "links of its own", manifest.path,
                        hint="send the stations each campaign's presigned page too (its "
                             "page-link.txt)")]
    absent = []
    for campaign in (c for c in manifest.related if c not in along):
        try:
            if target.head(f"{campaign}/{PAGE_NAME}") is None:
                absent.append(campaign)
        except StorageError:
            continue    # a link not checked is no broken link said
    if not absent:
        return []
    pages = "whose page is" if len(absent) == 1 else "whose pages are"
    return [warning(f"publish.related names {', '.join(absent)}, {pages} not at "
                    f"{target.location()}: the page's links answer 404 until they are "
                    "published there", manifest.path,
                    hint="publish the related campaigns' manifests to the same place (--to)")]
