"""`verify`: a published catalog's files checked against their sha256, from a folder, a
bucket or any HTTP(S) URL."""

from __future__ import annotations

import gzip
import hashlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, quote, urljoin, urlsplit, urlunsplit

from pipeline.errors import Diagnostic, PipelineError, StorageError, error
from pipeline.messages import N_, Message, say
from pipeline.publish.catalog import CATALOG_NAME
from pipeline.publish.s3 import S3Target
from pipeline.publish.storage import LocalTarget, open_target
from pipeline.publish.target import Target, redact_url
from pipeline.standards import DEFAULT_UNIT


# Query parameters that make a URL presigned: SigV4's, and SigV2's that some stores still sign.
PRESIGNED_QUERY = {"x-amz-signature", "signature"}


@dataclass
class VariantCheck:
    file: str
    spot: str
    language: str
    profile: str
    ok: bool
    bytes: int | None = None
    problem: Diagnostic | None = None  # why it is not as rendered, at the file
    duration: float | None = None      # seconds, as the catalog says
    loudness: float | None = None      # integrated, as the catalog says
    loudness_unit: str = DEFAULT_UNIT  # its unit, the profile's standard's (LKFS for ATSC A/85)

    @property
    def message(self) -> str:
        return self.problem.message if self.problem else ""

    @property
    def hint(self) -> str | None:
        return self.problem.hint if self.problem else None

    def describe(self) -> str:
        """The catalog's duration and loudness, as a station reads them: "20.000 s, -23.0 LUFS"
        ("-24.0 LKFS" for an ATSC A/85 profile's)."""
        parts = []
        if self.duration is not None:
            parts.append(f"{self.duration:.3f} s")
        if self.loudness is not None:
            parts.append(f"{self.loudness:.1f} {self.loudness_unit}")
        return ", ".join(parts)


@dataclass
class VerifyReport:
    source: str
    campaign: str = ""
    checks: list[VariantCheck] = field(default_factory=list)
    # The other files a station takes with a variant: each attached file (subtitles, a
    # loudness certificate) once, and each language's checksum lists, read against the
    # catalog (a trial's edited SRT and a list with a wrong line were "364 of 364 variants
    # verified"). Their `profile` is "".
    files: list[VariantCheck] = field(default_factory=list)

    @property
    def failures(self) -> list[VariantCheck]:
        return [c for c in self.checks + self.files if not c.ok]

    @property
    def ok(self) -> bool:
        return bool(self.checks) and not self.failures


class _Source:
    """Where a published catalog and its files are read from."""

    location: str

    def catalog(self) -> bytes:
        raise NotImplementedError

    def chunks(self, variant: dict) -> Iterator[bytes]:
        raise NotImplementedError


class _TargetSource(_Source):
    """A folder or a bucket prefix: files are read by their catalog path, not by URL."""

    def __init__(self, target: Target, catalog_key: str):
        self.target, self.catalog_key = target, catalog_key
        self.location = target.location(catalog_key)

    def catalog(self) -> bytes:
        data = self.target.get_bytes(self.catalog_key)
        if data is None:
            raise StorageError(say(N_("no catalog at %(location)s"), location=self.location),
                               hint=say(N_("give the folder or s3://bucket/prefix/campaign that "
                                           "holds catalog.json")))
        return data

    def chunks(self, variant: dict) -> Iterator[bytes]:
        folder = self.catalog_key.rpartition("/")[0]
        return self.target.read_chunks(f"{folder}/{variant['file']}" if folder else variant["file"])


class _HttpSource(_Source):
    """A catalog URL: files are downloaded by their `url`, relative ones against the catalog's."""

    TIMEOUT = 60

    def __init__(self, url: str):
        self.url = url
        self.location = redact_url(url)

    def catalog(self) -> bytes:
        with self._open(self.url) as response:
            return response.read()

    def chunks(self, variant: dict) -> Iterator[bytes]:
        url = urljoin(self.url, variant.get("url") or quote(variant["file"], safe="/"))
        if urlsplit(url).scheme not in ("http", "https"):
            raise StorageError(say(N_("refusing to follow a non-HTTP link for %(file)s"),
                                   file=variant["file"]))
        with self._open(url) as response:
            try:
                yield from iter(lambda: response.read(1 << 20), b"")
            except OSError as exc:
                raise StorageError(say(N_("download of %(url)s broke off: %(reason)s"),
                                       url=redact_url(url), reason=str(exc))) from None

    def _open(self, url: str):
        try:
            return urllib.request.urlopen(url, timeout=self.TIMEOUT)  # noqa: S310 (http(s) only)
        except urllib.error.HTTPError as exc:
            hint = _refused_hint(url) if exc.code == 403 else None
            raise StorageError(say(N_("%(url)s answered HTTP %(code)s"), url=redact_url(url),
                                   code=exc.code), hint=hint) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StorageError(say(N_("cannot download %(url)s: %(reason)s"), url=redact_url(url),
                                   reason=str(reason))) from None


def _refused_hint(url: str) -> Message:
    """Why a store refuses a URL: a presigned one has most likely expired; a plain one is of a
    private bucket (the catalog was published without --presign), which no link can open."""
    if _presigned(url):
        return say(N_("the presigned links may have expired"))
    return say(N_("the bucket may be private: verify s3://bucket/prefix/campaign with "
                  "credentials, or publish with --presign"))


def _shown(url_or_dir: str) -> str:
    """An address as errors say it: an HTTP(S) one without its query (`redact_url`)."""
    return redact_url(url_or_dir) if urlsplit(url_or_dir).scheme.lower() in ("http", "https") \
        else url_or_dir


def _presigned(url: str) -> bool:
    return bool({name.lower() for name in parse_qs(urlsplit(url).query)} & PRESIGNED_QUERY)


class _CatalogLink(HTMLParser):
    """The address of a page's link named `catalog.json` (its footer's, beside the `pipeline
    verify` line), as written: relative to the page, or presigned."""

    def __init__(self):
        super().__init__()
        self.href: str | None = None
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open = dict(attrs).get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open and self.href is None and data.strip() == CATALOG_NAME:
            self.href = self._open


def _page_catalog(url: str) -> str | None:
    """The catalog address the page at `url` links to, when it links one on its own host over
    HTTP(S): a presigned page's is signed, and the catalog beside it, unsigned, is refused (a
    trial's `verify` of the page address `publish --presign` gives). None when it links none;
    `StorageError` when the page cannot be read (said of the page, not of a catalog beside it
    that was never asked for)."""
    page = _HttpSource(url).catalog()
    if page[:2] == b"\x1f\x8b":          # published compressed (Content-Encoding: gzip)
        page = gzip.decompress(page)
    parser = _CatalogLink()
    parser.feed(page.decode("utf-8", "replace"))
    if parser.href is None:
        return None
    linked = urljoin(url, parser.href)
    parts, page_parts = urlsplit(linked), urlsplit(url)
    ours = parts.scheme in ("http", "https") and parts.netloc == page_parts.netloc
    return linked if ours else None


def _open_source(url_or_dir: str, endpoint_url: str | None) -> _Source:
    """The catalog `url_or_dir` names: its own address, its folder's, or its page's (a trial
    gave the page's address and was told `.../index.html/catalog.json` answered 404): the one
    the page links to (`_page_catalog`), else the one beside it."""
    parts = urlsplit(url_or_dir)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if parts.path.endswith(".html"):     # a page: the catalog it links, else beside it
            url = _page_catalog(url_or_dir) or urlunsplit(parts._replace(
                path=parts.path.rpartition("/")[0] + "/" + CATALOG_NAME, query="", fragment=""))
        else:
            url = url_or_dir if parts.path.endswith(".json") else \
                url_or_dir.rstrip("/") + "/" + CATALOG_NAME
        return _HttpSource(url)
    if scheme == "s3":
        bucket, _, prefix = url_or_dir[len("s3://"):].partition("/")
        prefix = prefix.strip("/")
        if prefix.endswith(".json"):
            prefix, _, name = prefix.rpartition("/")
        else:
            prefix = prefix.rpartition("/")[0] if prefix.endswith(".html") else prefix
            name = CATALOG_NAME
        if not bucket:
            raise StorageError(say(N_("no bucket in %(url)s"), url=repr(url_or_dir)),
                               hint=say(N_("write s3://bucket/prefix/campaign")))
        return _TargetSource(S3Target(bucket, prefix, endpoint_url=endpoint_url), name)
    target = open_target(url_or_dir, Path.cwd())
    assert isinstance(target, LocalTarget)
    if target.root.suffix == ".json" and target.root.is_file():
        return _TargetSource(LocalTarget(target.root.parent), target.root.name)
    if target.root.suffix == ".html" and target.root.is_file():
        return _TargetSource(LocalTarget(target.root.parent), CATALOG_NAME)
    return _TargetSource(target, CATALOG_NAME)


def verify(url_or_dir: str, endpoint_url: str | None = None) -> VerifyReport:
    """Check every variant a published catalog lists: size and sha256 of the bytes one gets."""
    try:
        source = _open_source(url_or_dir, endpoint_url)
        catalog = json.loads(source.catalog())
        variants = catalog["variants"]
        if not isinstance(variants, list) or not all(isinstance(v, dict) for v in variants):
            raise TypeError
    except PipelineError as exc:      # a presigned address said without its signature
        exc.path = exc.path or _shown(url_or_dir)
        raise
    except (ValueError, KeyError, TypeError):
        raise StorageError(say(N_("not a pipeline catalog")), _shown(url_or_dir)) from None
    report = VerifyReport(source.location, str(catalog.get("campaign", "")))
    for variant in variants:
        report.checks.append(_check(source, variant))
    report.files = _sidecar_checks(source, variants)
    report.files += _list_checks(source, catalog.get("bundles"), variants)
    return report


def _sidecar_checks(source: _Source, variants: list[dict]) -> list[VariantCheck]:
    """Each file attached to the variants (subtitles, certificates), checked once (a language's
    profiles share its subtitles)."""
    checks, seen = [], set()
    for variant in variants:
        sidecars = variant.get("sidecars")
        for sidecar in sidecars if isinstance(sidecars, list) else ():
            if isinstance(sidecar, dict) and sidecar.get("file") not in seen:
                seen.add(sidecar.get("file"))
                checks.append(_check(source, {**sidecar, "spot": variant.get("spot"),
                                              "language": variant.get("language"),
                                              "profile": ""}))
    return checks


def _list_checks(source: _Source, bundles, variants: list[dict]) -> list[VariantCheck]:
    """Each language's `<lang>.SHA256SUMS` (and `<lang>.<medium>.SHA256SUMS`) read line by line
    against the catalog: every file it names is one the catalog lists for that language, with
    the catalog's sha256 (the list is what a station's `sha256sum -c` trusts)."""
    listed: dict[tuple[str, str], str] = {}
    for variant in variants:
        for entry in [variant, *(s for s in variant.get("sidecars") or () if isinstance(s, dict))]:
            if isinstance(entry.get("file"), str):
                listed[str(variant.get("language")), entry["file"].rpartition("/")[2]] = \
                    str(entry.get("sha256"))
    checks = []
    entries = []     # a language's list, then those of its media
    for bundle in bundles if isinstance(bundles, list) else ():
        if isinstance(bundle, dict):
            media = bundle.get("media")
            entries += [(bundle.get("language"), entry) for entry in
                        (bundle, *(media.values() if isinstance(media, dict) else ()))]
    for language, entry in entries:
        sums = entry.get("sha256sums") if isinstance(entry, dict) else None
        if not isinstance(sums, dict) or not isinstance(sums.get("file"), str):
            continue
        language = str(language)
        check = VariantCheck(sums["file"], "", language, "", ok=False)
        try:
            data = b"".join(source.chunks({"file": sums["file"], "url": sums.get("url")}))
        except StorageError as exc:
            check.problem = error(exc.said_message, check.file, hint=exc.said_hint)
            checks.append(check)
            continue
        check.bytes = len(data)
        check.problem = _wrong_line(data, language, listed, check.file)
        check.ok = check.problem is None
        checks.append(check)
    return checks


def _wrong_line(data: bytes, language: str, listed: dict[tuple[str, str], str],
                file: str) -> Diagnostic | None:
    """The first line of a checksum list that the catalog does not vouch for, as an error at
    that line; None when every line names a file of `language` with its catalog sha256."""
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        sha256, _, name = line.partition("  ")
        if not line.strip():
            continue
        expected = listed.get((language, name))
        if expected is None:
            return error(say(N_("%(name)s is not a file the catalog lists for %(language)s"),
                             name=repr(name), language=language), file, number,
                         say(N_("publish again: the list is not what was published")))
        if sha256 != expected:
            return error(say(N_("%(name)s is listed with sha256 %(sha256)s, the catalog says "
                                "%(listed)s"), name=name, sha256=sha256, listed=expected),
                         file, number, say(N_("publish again: the list is not what was "
                                              "published")))
    return None


def _entry_problem(variant: dict) -> Message | None:
    """What makes a catalog entry unusable (a hand-edited or foreign catalog), if anything."""
    if not isinstance(variant.get("file"), str) or not variant["file"]:
        return say(N_("no file"))
    if variant.get("url") is not None and not isinstance(variant["url"], str):
        return say(N_("url is not text"))
    if not isinstance(variant.get("bytes"), int) or isinstance(variant.get("bytes"), bool):
        return say(N_("bytes is not a whole number"))
    if not isinstance(variant.get("sha256"), str):
        return say(N_("sha256 is not text"))
    return None


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _check(source: _Source, variant: dict) -> VariantCheck:
    check = VariantCheck(str(variant.get("file")), str(variant.get("spot")),
                         str(variant.get("language")), str(variant.get("profile")), ok=False,
                         duration=_number(variant.get("duration")),
                         loudness=_number(variant.get("loudness_lufs")),
                         loudness_unit=str(variant.get("loudness_unit", DEFAULT_UNIT)))
    problem = _entry_problem(variant)
    if problem:
        check.problem = error(say(N_("catalog entry is malformed: %(problem)s"),
                                  problem=problem), check.file)
        return check
    digest, size = hashlib.sha256(), 0
    try:
        for chunk in source.chunks(variant):
            digest.update(chunk)
            size += len(chunk)
    except StorageError as exc:
        check.problem = error(exc.said_message, check.file, hint=exc.said_hint)
        return check
    check.bytes = size
    # What a station does of it (an operations trial's size mismatch came with no hint).
    again = say(N_("download it again from the page, and do not air this copy: a download cut "
                   "short or a file changed since it was published is not what was rendered"))
    if size != variant.get("bytes"):
        check.problem = error(say(N_("size is %(size)s bytes, the catalog says %(listed)s"),
                                  size=size, listed=str(variant.get("bytes"))), check.file,
                              hint=again)
    elif digest.hexdigest() != variant.get("sha256"):
        check.problem = error(say(N_("sha256 is %(sha256)s, the catalog says %(listed)s: the "
                                     "file is not what was rendered"),
                                  sha256=digest.hexdigest(), listed=str(variant.get("sha256"))),
                              check.file, hint=again)
    else:
        check.ok = True
    return check
