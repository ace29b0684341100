"""Publishing a campaign: its files, then its catalog and page.

Order matters to broadcasters: variants, posters and sidecars go up first, `catalog.json` and
`index.html` last, and only when everything else arrived, so a catalog never lists an object that
is not there and a failed publish leaves the previous catalog in place; a file that replaces a
previous render is staged, and moved to its address just before the catalog (`staging.py`).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Collection

from pipeline.errors import PipelineError, StorageError, error, warning
from pipeline.files import atomic_output
from pipeline.fingerprint import sha256_file
from pipeline.manifest import Manifest
from pipeline.messages import N_, N_plural, say, say_count
from pipeline.publish.bundles import (
    SUMS_SUFFIX,
    URLS_SUFFIX,
    Bundle,
    bundle_stems,
    language_bundles,
)
from pipeline.publish.catalog import (
    CATALOG_NAME,
    build_catalog,
    catalog_bytes,
    expected_variants,
    file_media,
    keep_generated,
    load_records,
    record_files,
    relative_url,
)
from pipeline.publish.freshness import publish_warnings
from pipeline.publish.missing import catalog_entries, missing_variants
from pipeline.publish.outdated import catalog_entries as outdated_entries
from pipeline.publish.outdated import changed_since_rendered
from pipeline.publish.page import PAGE_LINK_NAME, PAGE_NAME, page_names, render_pages
from pipeline.publish.reach import closed_page, related_warnings
from pipeline.publish.storage import open_target
from pipeline.publish.report import LocalFile, ObjectResult, Progress, PublishReport
from pipeline.publish.staging import clear_staged, move_into_place, put_files
from pipeline.publish.target import Target, content_type
from pipeline.publish.held_back import HELD_BACK, replaced_unlisted
from pipeline.publish.withdrawn import look_for_withdrawn, not_pruned
from pipeline.render.plan import build_plan
from pipeline.render.variants import Variant

PRESIGN_MAX_SECONDS = 7 * 24 * 3600  # SigV4 presigned URLs cannot live longer


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


_DURATION = re.compile(r"^(?:\d+[smhd])+$|^\d+$")


NO_CACHE = "no-cache"  # the catalog and page change in place; variants never change under a name


def parse_duration(text: str) -> int:
    """`90m`, `12h`, `7d`, `1h30m` or plain seconds; at most 7 days."""
    compact = re.sub(r"\s+", "", text.lower())
    if not _DURATION.match(compact):
        raise StorageError(say(N_("presign duration %(text)s is not like 90m, 12h or 7d"),
                               text=repr(text)),
                           hint=say(N_("a number followed by s, m, h or d")))
    seconds = int(compact) if compact.isdigit() else sum(
        int(number) * _UNITS[unit] for number, unit in re.findall(r"(\d+)([smhd])", compact))
    if seconds <= 0:
        raise StorageError(say(N_("presign duration %(text)s is zero"), text=repr(text)))
    if seconds > PRESIGN_MAX_SECONDS:
        raise StorageError(say(N_("presign duration %(text)s is longer than 7 days, the most a "
                                  "SigV4 presigned URL can last"), text=repr(text)),
                           hint=say(N_("use --presign 7d or less")))
    return seconds




def publish(manifest: Manifest, to: str | None = None, endpoint_url: str | None = None,
            presign: str | None = None, dry_run: bool = False, progress: Progress | None = None,
            *, target: Target | None = None, prune: bool = False,
            along: Collection[str] = ()) -> PublishReport:
    """Put every rendered variant, poster and sidecar, then the catalog and the page; then look
    for withdrawn objects (under the campaign, not put or kept by this publish) and, with
    `prune`, remove them, only when everything else arrived.

    Objects whose sha256 already matches are left alone. Raises `PipelineError` when nothing can
    start (bad records, bad options); failures of single objects are in the report. `along`:
    the campaigns the same command publishes (their pages are not said missing).
    """
    try:
        presign_seconds = parse_duration(presign) if presign else None
        # `publish.to` is relative to the manifest, like every path in it; `--to` to where one is.
        target = target or open_target(to or manifest.publish_to,
                                       Path.cwd() if to else manifest.path.parent, endpoint_url)
    except PipelineError as exc:
        exc.path = exc.path or manifest.path
        raise
    records = load_records(manifest)
    if not records:
        raise PipelineError(say(N_("nothing to publish: no variant of this campaign has been "
                                   "rendered")),
                            manifest.path, hint=say(N_("run 'pipeline render' first")))
    report = PublishReport(manifest.campaign, target.location(manifest.campaign), dry_run)
    try:
        _publish_to(target, manifest, records, report, presign_seconds, progress, prune, along)
    except KeyboardInterrupt as stop:
        stop.report = report      # what was done before Ctrl-C, for the command to say
        raise
    return report


def _publish_to(target: Target, manifest: Manifest, records: list[dict], report: PublishReport,
                presign_seconds: int | None, progress: Progress | None, prune: bool,
                along: Collection[str]) -> None:
    """`publish`'s work once its target is open, into `report`."""
    dry_run = report.dry_run
    # One plan, and one look for what is missing, for the warnings and the catalog's
    # variants_missing (planning probes every input; each missing one's failure memo is read).
    plan = build_plan([manifest.path])
    unmade = missing_variants(manifest, records, plan)
    report.diagnostics += publish_warnings(manifest, records, plan, unmade)
    missing = catalog_entries(unmade)
    # The files published as rendered before their inputs changed, marked on the page too.
    outdated = outdated_entries(changed_since_rendered(records, plan)[1])
    if presign_seconds and not target.supports_presign:
        report.diagnostics.append(warning(say(N_("--presign has no effect on a folder target")),
                                          manifest.path))
        presign_seconds = None
    files = _local_files(manifest, records, report, progress)
    staged = put_files(target, files, report, dry_run, progress)
    held_back = bool(report.failures) or not _put_catalog(
        target, manifest, records, (missing, outdated), files, staged, presign_seconds, report,
        dry_run, progress)
    if held_back:
        # Counted as objects too, so that the summary's counts add up to every object.
        for name in _catalog_names(manifest, records):
            report.add(ObjectResult(f"{manifest.campaign}/{name}", None, "not attempted"),
                    progress)
        problems = len(report.problems)
        report.diagnostics.append(error(
            # A first publish has no previous catalog (a media team's trial's new bucket).
            say(N_("catalog not updated at %(target)s: %(problems)s above; broadcasters still "
                   "see what was published there before, if anything"), target=report.target,
                problems=say_count(N_plural("%(count)s problem", "%(count)s problems"), problems,
                                   count=problems)), manifest.path,
            hint=say(N_("fix them and publish again; objects already up are not sent twice")),
            code=HELD_BACK))
    if not dry_run and not report.catalog_written:     # a failure held it back, or its put
        report.diagnostics += replaced_unlisted(manifest, report.target, report.objects)
    if report.catalog_updated or dry_run:     # a dry run is where a broken link is best said
        report.diagnostics += related_warnings(manifest, target, bool(presign_seconds), along)
    if report.ok:
        sent = {(r["spot"], r["language"], r["profile"]) for r in records}
        unsent = [Variant(manifest, *made) for made in expected_variants(manifest)
                  if (made[0].id, made[1].code, made[2].name) not in sent]
        found = look_for_withdrawn(target, manifest, {o.key for o in report.objects}, prune,
                                   dry_run, unsent)
        report.removed = found.removed
        report.diagnostics += found.diagnostics
        if not dry_run:
            report.diagnostics += clear_staged(target, found.staged)
    elif prune:
        # Not looked for either: the previous catalog, still the page, may link any of them.
        report.diagnostics.append(not_pruned(manifest, len(report.problems)))


def _local_files(manifest: Manifest, records: list[dict], report: PublishReport,
                 progress: Progress | None) -> list[LocalFile]:
    """Every file to publish, hashed; a variant that no longer matches its record is refused
    (an object that failed)."""
    files: dict[str, LocalFile] = {}
    refused: set[str] = set()
    for record in records:
        for index, relative in enumerate(record_files(record)):
            if relative in files or relative in refused:
                continue  # sidecars are shared by a language's profiles
            path, problem = manifest.campaign_dir / relative, None
            try:
                size, sha256 = path.stat().st_size, sha256_file(path)
            except OSError as exc:
                problem = error(say(N_("cannot read: %(reason)s"), reason=str(exc.strerror or exc)),
                                path, hint=say(N_("render the variant again")))
            if not problem and index == 0 and (size, sha256) != (record["bytes"], record["sha256"]):
                problem = error(say(N_("the file no longer matches its render record (size or "
                                       "sha256 changed since it was rendered)")), path,
                                hint=say(N_("render it again; it is not published")))
            key = f"{manifest.campaign}/{relative}"
            if problem:
                refused.add(relative)
                report.diagnostics.append(problem)
                report.add(ObjectResult(key, path, "failed", 0, problem.message), progress)
                continue
            files[relative] = LocalFile(key, path, sha256, size)
    return list(files.values())


def _put_catalog(target: Target, manifest: Manifest, records: list[dict],
                 planned: tuple[list[dict], dict], files: list[LocalFile],
                 staged: list[tuple[LocalFile, ObjectResult]], presign_seconds: int | None,
                 report: PublishReport, dry_run: bool, progress: Progress | None) -> bool:
    """The `staged` files moved into place, then the language lists, the other languages'
    pages, `catalog.json` and `index.html`, all made first: from the first move to the catalog
    only transfers pass, and a Ctrl-C (SIGTERM, SIGHUP) among them lets them end before it
    stops the command, as render finishes its catalog (later ones are ignored:
    `cli.common.interrupts_once`). An operations trial's Ctrl-C there left replaced files
    under the previous catalog, its checksum lists failing. False when a move failed (the
    catalog held back); a failure of the catalog's own objects is said here. `planned`: the
    catalog's `variants_missing` and each outdated variant's `outdated`."""
    missing, outdated = planned
    campaign = manifest.campaign
    hashes = {item.key.removeprefix(f"{campaign}/"): (item.size, item.sha256) for item in files}

    def absolute(relative: str, download: bool = False) -> str | None:
        key = f"{campaign}/{relative}"
        if presign_seconds:
            return target.url(key, presign_seconds, download=download)
        return target.url(key) if target.public_urls else None

    url_for = absolute if presign_seconds else relative_url
    putting = None
    try:
        catalog = build_catalog(manifest, records, url_for, hashes=hashes, missing=missing,
                                outdated=outdated)
        bundles = language_bundles(
            records, hashes, lambda relative: absolute(relative, download=True)
            or relative_url(relative), file_media(manifest, records).get)
        catalog["bundles"] = _bundle_entries(bundles, url_for,
                                             lambda name: absolute(name, download=True))
        if presign_seconds:
            expires = datetime.now(timezone.utc) + timedelta(seconds=presign_seconds)
            catalog["expires"] = expires.strftime("%Y-%m-%dT%H:%M:%SZ")
        catalog = keep_generated(catalog, target.get_bytes(f"{campaign}/{CATALOG_NAME}"))
        pages = render_pages(catalog, manifest.page_language, absolute if presign_seconds else None)
        small = [item for b in bundles for item in ((b.urls_name, b.urls), (b.sums_name, b.sums))]
        small += [(name, html.encode("utf-8")) for name, html in pages.items() if name != PAGE_NAME]
        small += [(CATALOG_NAME, catalog_bytes(catalog)), (PAGE_NAME, pages[PAGE_NAME].encode("utf-8"))]

        def to_the_catalog(again: bool = False) -> bool:
            nonlocal putting
            left = [pair for pair in staged if not pair[1].replaced]
            if again:       # a move the stop cut may have ended: its file is in place
                for item, result in left:
                    there = target.head(item.key)
                    if there is not None and (there.size, there.sha256) == (item.size,
                                                                            item.sha256):
                        result.staged, result.replaced = False, True
                left = [pair for pair in left if not pair[1].replaced]
            move_into_place(target, left, report)
            if report.failures:
                return False
            while small:
                putting, data = small[0]
                result = _put_small(target, f"{campaign}/{putting}", data, dry_run)
                small.pop(0)        # put: not again if a stop comes now
                report.add(result, progress)
            return True

        try:
            if not to_the_catalog():
                return False
        except KeyboardInterrupt:
            with contextlib.suppress(StorageError):     # the stop is what is said then
                to_the_catalog(again=True)
            raise
        report.catalog_updated = not dry_run
        report.page_url = target.url(f"{campaign}/{PAGE_NAME}")
        if presign_seconds and not dry_run:
            report.page_link = _keep_page_link(manifest, absolute(PAGE_NAME))
        elif not dry_run:
            report.diagnostics += closed_page(report.page_url, manifest)
    except StorageError as exc:
        report.diagnostics.append(error(say(N_("catalog: %(problem)s"), problem=exc.said_message),
                                        manifest.path, hint=exc.said_hint))
        done = {o.key for o in report.objects}
        for name in _catalog_names(manifest, records):
            if f"{campaign}/{name}" not in done:
                action = "failed" if name == putting else "not attempted"
                report.add(ObjectResult(f"{campaign}/{name}", None, action, 0,
                                             exc.message if action == "failed" else None), progress)
    return True


def _bundle_entries(bundles: list[Bundle], url_for, absolute) -> list[dict]:
    """The catalog's `bundles`: one a language (its files, bytes and two lists), with a
    language's bundles by medium under its `media` (`bundles.language_bundles`)."""
    entries: dict[str, dict] = {}
    for bundle in bundles:
        entry = {"files": len(bundle.files), "bytes": bundle.size,
                 "sha256sums": {"file": bundle.sums_name, "url": url_for(bundle.sums_name)},
                 "urls": {"file": bundle.urls_name, "url": url_for(bundle.urls_name),
                          "absolute": absolute(bundle.urls_name)}}
        if bundle.medium is None:
            entries[bundle.language] = {"language": bundle.language, **entry}
        else:
            entries[bundle.language].setdefault("media", {})[bundle.medium] = entry
    return list(entries.values())


def _keep_page_link(manifest: Manifest, url: str) -> Path:
    """The page's presigned address, in `PAGE_LINK_NAME` beside the rendered campaign, readable
    by its owner alone. A private bucket answers 403 at the page's plain address; the presigned
    one is what the stations are sent. It is a bearer link and names the access key, so it is
    never printed, nor logged (s3.py)."""
    path = manifest.campaign_dir / PAGE_LINK_NAME
    with atomic_output(path) as partial:
        partial.touch(mode=0o600)
        partial.write_text(url + "\n", encoding="utf-8")
    return path


def _catalog_names(manifest: Manifest, records: list[dict]) -> list[str]:
    """What `_put_catalog` puts beside the files, in its order: each language's lists, the
    pages in the other languages, `catalog.json`, then `index.html`."""
    lists = [name for stem in bundle_stems(records, file_media(manifest, records).get)
             for name in (f"{stem}{URLS_SUFFIX}", f"{stem}{SUMS_SUFFIX}")]
    pages = [name for name in page_names(manifest.page_language).values() if name != PAGE_NAME]
    return [*lists, *pages, CATALOG_NAME, PAGE_NAME]


def _put_small(target: Target, key: str, data: bytes, dry_run: bool) -> ObjectResult:
    # A page to a bucket goes gzip-compressed, said by its Content-Encoding, which every browser
    # reads: a 21-language page is 1.0 MB, 20 s over a community radio's 400 kbit/s line, and
    # under a tenth of it compressed. mtime=0: the same page is the same bytes, found unchanged.
    encoding = "gzip" if target.stores_encoding and key.endswith(".html") else None
    if encoding:
        data = gzip.compress(data, compresslevel=9, mtime=0)
    sha256 = hashlib.sha256(data).hexdigest()
    existing = target.head(key)
    if existing and existing.sha256 == sha256 and existing.size == len(data):
        return ObjectResult(key, None, "unchanged", len(data))
    if dry_run:
        return ObjectResult(key, None, "would upload", len(data))
    target.put_bytes(key, data, content_type(key), cache_control=NO_CACHE,
                     content_encoding=encoding)
    return ObjectResult(key, None, "uploaded", len(data))
