"""What a station meets at the page's address: whether it opens to anyone (a private bucket's
does not), whether the page's download command works run again there (it asks with HEAD),
and whether the pages it links to (the manifest's `publish.related`) are there.

The page links each related campaign's page beside its own folder (`../<campaign>/index.html`).
A trial's station, sent the radio campaign's page from a bucket the video campaign was never
published to, followed its link to a 404; and a presigned page, which leaves the links out (a
plain link into a private bucket is refused), said nothing of them. Publish says both.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Collection
from urllib.parse import urlsplit

from pipeline.errors import Diagnostic, StorageError, warning
from pipeline.manifest import Manifest
from pipeline.messages import N_, N_plural, Items, say, say_count
from pipeline.publish.page import PAGE_LINK_NAME, PAGE_NAME
from pipeline.publish.target import Target, redact_url


def status_for_anyone(url: str, timeout: float = 10.0, method: str = "GET") -> int | None:
    """The HTTP status `url` answers a browser with no credentials (a GET of its first byte, as
    a browser GETs: a HEAD was refused 403 by a bucket whose policy lets anyone GET, a trial's
    local S3 server; `method` HEAD asks as wget -N does), or None where it cannot tell: not an
    http(s) address, no answer in `timeout` seconds."""
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    asked = urllib.request.Request(url, headers={"Range": "bytes=0-0"}, method=method)
    try:
        with urllib.request.urlopen(asked, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def related_warnings(manifest: Manifest, target: Target, presigned: bool,
                     along: Collection[str] = ()) -> list[Diagnostic]:
    """A warning for the related campaigns a page published to `target` cannot link: all of
    them on a presigned page, else those with no page at the target yet and not published by
    the same command (`along`: `make publish` puts the demo's three, each related to the
    others, one after the other). One HEAD request per related campaign; a `StorageError` is
    said as not knowing."""
    if not manifest.related:
        return []
    if presigned:
        return [warning(say(N_("the page does not link the campaigns of publish.related "
                               "(%(campaigns)s): a presigned page cannot link another campaign's "
                               "page, which needs signed links of its own"),
                            campaigns=Items(tuple(manifest.related))), manifest.path,
                        hint=say(N_("send the stations each campaign's presigned page too (its "
                                    "%(file)s)"), file=PAGE_LINK_NAME))]
    absent = []
    for campaign in (c for c in manifest.related if c not in along):
        try:
            if target.head(f"{campaign}/{PAGE_NAME}") is None:
                absent.append(campaign)
        except StorageError:
            continue    # a link not checked is no broken link said
    if not absent:
        return []
    return [warning(say_count(N_plural("publish.related names %(campaigns)s, whose page is not "
                                       "at %(target)s: the page's links answer 404 until they "
                                       "are published there",
                                       "publish.related names %(campaigns)s, whose pages are not "
                                       "at %(target)s: the page's links answer 404 until they "
                                       "are published there"),
                              len(absent), campaigns=Items(tuple(absent)),
                              target=target.location()), manifest.path,
                    hint=say(N_("publish the related campaigns' manifests to the same place "
                                "(%(option)s)"), option="--to"))]


def closed_page(url: str, manifest: Manifest) -> list[Diagnostic]:
    """A warning when the page's plain address, the one publish gives, answers a browser
    without credentials 401 or 403: a private bucket's (a trial's publish said its page's
    address and exit 0; stations got "Access Denied", and only `verify` told why)."""
    status = status_for_anyone(url)
    if status not in (401, 403):
        return head_refused(url, manifest) if status is not None and status < 400 else []
    return [warning(say(N_("the page's address answers HTTP %(status)s to a browser: stations "
                           "cannot open %(url)s"), status=status, url=redact_url(url)),
                    manifest.path,
                    hint=say(N_("the bucket is private: publish with --presign 7d and send the "
                                "stations the address it keeps in %(file)s, or let anyone read "
                                "the campaign's prefix (a bucket policy)"), file=PAGE_LINK_NAME))]


def head_refused(url: str, manifest: Manifest) -> list[Diagnostic]:
    """A warning when anyone may GET the page but not HEAD it: the page's download command,
    run again after a cut (wget -N, which asks with HEAD for the files it has), fails there.
    The local S3 server of the README's steps (moto) does so under a bucket policy; AWS S3
    and MinIO allow HEAD wherever they allow GET."""
    status = status_for_anyone(url, method="HEAD")
    if status not in (401, 403):
        return []
    return [warning(say(N_("the server answers HEAD with HTTP %(status)s where it lets anyone "
                           "GET %(url)s: the page's download command, run again where files are "
                           "(after a cut), fails there"), status=status, url=redact_url(url)),
                    manifest.path,
                    hint=say(N_("serve the campaign from a server that allows HEAD where it "
                                "allows GET (AWS S3, MinIO), or tell the stations to run it in an "
                                "empty folder")))]
