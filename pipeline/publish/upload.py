"""Publishing a campaign: its files, then its catalog and page.

Order matters to broadcasters: variants, posters and sidecars go up first, `catalog.json` and
`index.html` last, and only when everything else arrived, so a catalog never lists an object that
is not there and a failed publish leaves the previous catalog in place.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Collection

from pipeline.errors import Diagnostic, PipelineError, StorageError, error, warning
from pipeline.files import atomic_output
from pipeline.fingerprint import sha256_file
from pipeline.manifest import Manifest
from pipeline.messages import N_, N_plural, say, say_count
from pipeline.publish.bundles import SUMS_SUFFIX, URLS_SUFFIX, language_bundles
from pipeline.publish.catalog import (
    CATALOG_NAME,
    build_catalog,
    catalog_bytes,
    expected_variants,
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
from pipeline.publish.target import Target, TargetUnavailable
from pipeline.publish.held_back import HELD_BACK, replaced_unlisted
from pipeline.publish.withdrawn import NOT_PRUNED, look_for_withdrawn, not_pruned
from pipeline.render.plan import build_plan
from pipeline.render.variants import Variant

PRESIGN_MAX_SECONDS = 7 * 24 * 3600  # SigV4 presigned URLs cannot live longer


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


_DURATION = re.compile(r"^(?:\d+[smhd])+$|^\d+$")


CONTENT_TYPES = {".mp4": "video/mp4", ".mov": "video/quicktime", ".mxf": "application/mxf",
                 ".jpg": "image/jpeg", ".png": "image/png", ".wav": "audio/wav",
                 ".mp3": "audio/mpeg", ".mp2": "audio/mpeg", ".ogg": "audio/ogg",
                 ".opus": "audio/ogg",
                 ".srt": "application/x-subrip", ".vtt": "text/vtt; charset=utf-8",
                 ".ttml": "application/ttml+xml; charset=utf-8",
                 ".xml": "application/ttml+xml; charset=utf-8",   # EBU-TT, the only XML put
                 ".txt": "text/plain; charset=utf-8", ".sha256sums": "text/plain; charset=utf-8",
                 ".json": "application/json; charset=utf-8", ".html": "text/html; charset=utf-8"}




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


@dataclass
class ObjectResult:
    key: str                 # below the target's root: <campaign>/<spot>/<file>
    path: Path | None        # the local file; None for the catalog and the page
    action: str              # uploaded | unchanged | would upload | failed | not attempted
    bytes: int = 0
    message: str | None = None
    replaced: bool = False   # uploaded over another version: the previous catalog's


@dataclass
class PublishReport:
    campaign: str
    target: str
    dry_run: bool = False
    objects: list[ObjectResult] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    catalog_updated: bool = False     # the catalog and the page
    page_url: str | None = None
    # The file beside the rendered campaign that holds the page's presigned address (--presign).
    page_link: Path | None = None
    # Withdrawn objects (publish/withdrawn.py) that --prune removed; in a dry run, would.
    removed: list[str] = field(default_factory=list)

    @property
    def uploaded(self) -> list[ObjectResult]:
        return [o for o in self.objects if o.action in ("uploaded", "would upload")]

    @property
    def skipped(self) -> list[ObjectResult]:
        return [o for o in self.objects if o.action == "unchanged"]

    @property
    def failures(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def problems(self) -> list[Diagnostic]:
        """The errors that went wrong, without those that only say what was held back because
        of them (the catalog, --prune): what "N problems" counts."""
        return [d for d in self.failures if d.code not in (HELD_BACK, NOT_PRUNED)]

    @property
    def catalog_written(self) -> bool:
        """Whether `catalog.json` is this publish's (put, or the same already there)."""
        return any(o.key == f"{self.campaign}/{CATALOG_NAME}" and o.action in ("uploaded",
                                                                              "unchanged")
                   for o in self.objects)

    def count(self, action: str) -> int:
        return sum(1 for o in self.objects if o.action == action)

    @property
    def bytes_uploaded(self) -> int:
        return sum(o.bytes for o in self.uploaded)

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class _LocalFile:
    key: str
    path: Path
    sha256: str
    size: int


Progress = Callable[[ObjectResult], None]


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
    _put_all(target, files, report, dry_run, progress)
    if report.failures:
        # Counted as objects too, so that the summary's counts add up to every object.
        for name in _catalog_names(manifest, records):
            _record(report, ObjectResult(f"{manifest.campaign}/{name}", None, "not attempted"),
                    progress)
        problems = len(report.problems)
        report.diagnostics.append(error(
            say(N_("catalog not updated at %(target)s: %(problems)s above; broadcasters still "
                   "see the previous catalog"), target=report.target,
                problems=say_count(N_plural("%(count)s problem", "%(count)s problems"), problems,
                                   count=problems)), manifest.path,
            hint=say(N_("fix them and publish again; objects already up are not sent twice")),
            code=HELD_BACK))
    else:
        _put_catalog(target, manifest, records, (missing, outdated), files, presign_seconds,
                     report, dry_run, progress)
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
    elif prune:
        # Not looked for either: the previous catalog, still the page, may link any of them.
        report.diagnostics.append(not_pruned(manifest, len(report.problems)))


def _local_files(manifest: Manifest, records: list[dict], report: PublishReport,
                 progress: Progress | None) -> list[_LocalFile]:
    """Every file to publish, hashed; a variant that no longer matches its record is refused
    (an object that failed)."""
    files: dict[str, _LocalFile] = {}
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
                _record(report, ObjectResult(key, path, "failed", 0, problem.message), progress)
                continue
            files[relative] = _LocalFile(key, path, sha256, size)
    return list(files.values())


def _put_all(target: Target, files: list[_LocalFile], report: PublishReport, dry_run: bool,
             progress: Progress | None) -> None:
    for position, item in enumerate(files):
        try:
            result = _put_one(target, item, dry_run)
        except TargetUnavailable as exc:
            report.diagnostics.append(error(exc.said_message, item.path, hint=exc.said_hint))
            _record(report, ObjectResult(item.key, item.path, "failed", 0, exc.message), progress)
            for rest in files[position + 1:]:
                _record(report, ObjectResult(rest.key, rest.path, "not attempted"), progress)
            return
        except StorageError as exc:
            report.diagnostics.append(error(exc.said_message, item.path, hint=exc.said_hint))
            result = ObjectResult(item.key, item.path, "failed", 0, exc.message)
        _record(report, result, progress)


def _put_one(target: Target, item: _LocalFile, dry_run: bool) -> ObjectResult:
    existing = target.head(item.key)
    if existing and existing.sha256 == item.sha256 and existing.size == item.size:
        return ObjectResult(item.key, item.path, "unchanged", item.size)
    if dry_run:
        return ObjectResult(item.key, item.path, "would upload", item.size)
    target.put(item.key, item.path, item.sha256, content_type(item.path.name))
    return ObjectResult(item.key, item.path, "uploaded", item.size, replaced=existing is not None)


def _record(report: PublishReport, result: ObjectResult, progress: Progress | None) -> None:
    report.objects.append(result)
    if progress:
        progress(result)


def _put_catalog(target: Target, manifest: Manifest, records: list[dict],
                 planned: tuple[list[dict], dict], files: list[_LocalFile],
                 presign_seconds: int | None, report: PublishReport, dry_run: bool,
                 progress: Progress | None) -> None:
    """The language lists, the other languages' pages, then `catalog.json` and `index.html`.
    `planned`: the catalog's `variants_missing` and each outdated variant's `outdated`."""
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
        bundles = language_bundles(records, hashes, lambda relative: absolute(relative, download=True)
                                   or relative_url(relative))
        catalog = build_catalog(manifest, records, url_for, hashes=hashes, missing=missing,
                                outdated=outdated)
        catalog["bundles"] = [{"language": b.language, "files": len(b.files), "bytes": b.size,
                               "sha256sums": {"file": b.sums_name, "url": url_for(b.sums_name)},
                               "urls": {"file": b.urls_name, "url": url_for(b.urls_name),
                                        "absolute": absolute(b.urls_name, download=True)}}
                              for b in bundles]
        if presign_seconds:
            expires = datetime.now(timezone.utc) + timedelta(seconds=presign_seconds)
            catalog["expires"] = expires.strftime("%Y-%m-%dT%H:%M:%SZ")
        catalog = keep_generated(catalog, target.get_bytes(f"{campaign}/{CATALOG_NAME}"))
        pages = render_pages(catalog, manifest.page_language, absolute if presign_seconds else None)
        small = [item for b in bundles for item in ((b.urls_name, b.urls), (b.sums_name, b.sums))]
        small += [(name, html.encode("utf-8")) for name, html in pages.items() if name != PAGE_NAME]
        small += [(CATALOG_NAME, catalog_bytes(catalog)), (PAGE_NAME, pages[PAGE_NAME].encode("utf-8"))]
        for putting, data in small:
            _record(report, _put_small(target, f"{campaign}/{putting}", data, dry_run), progress)
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
                _record(report, ObjectResult(f"{campaign}/{name}", None, action, 0,
                                             exc.message if action == "failed" else None), progress)


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
    languages = dict.fromkeys(record["language"] for record in records)
    lists = [name for language in languages
             for name in (f"{language}{URLS_SUFFIX}", f"{language}{SUMS_SUFFIX}")]
    pages = [name for name in page_names(manifest.page_language).values() if name != PAGE_NAME]
    return [*lists, *pages, CATALOG_NAME, PAGE_NAME]


def _put_small(target: Target, key: str, data: bytes, dry_run: bool) -> ObjectResult:
    sha256 = hashlib.sha256(data).hexdigest()
    existing = target.head(key)
    if existing and existing.sha256 == sha256 and existing.size == len(data):
        return ObjectResult(key, None, "unchanged", len(data))
    if dry_run:
        return ObjectResult(key, None, "would upload", len(data))
    target.put_bytes(key, data, content_type(key), cache_control=NO_CACHE)
    return ObjectResult(key, None, "uploaded", len(data))


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
