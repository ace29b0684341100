"""Where published files go: one small interface, two targets (a local folder, an S3 bucket).

Keys are `/`-separated paths below the target's root (`<campaign>/<spot>/<file>`); the target
adds its own prefix. Every object carries the sha256 of its bytes:

- `LocalTarget` (`file://path`) keeps it in a `<file>.sha256` sidecar in `sha256sum` format, so a
  broadcaster can also run `sha256sum -c`. A sidecar older than its file is ignored: a file edited
  in place after publishing is treated as unknown and copied again. (Extended attributes were the
  other option; they vanish on copies, archives and many file systems.)
- `S3Target` (`s3://bucket/prefix`, in `publish/s3.py`) stores it as user metadata `x-amz-meta-sha256`.

Messages name the bucket, endpoint and key, never a credential, signature or presigned URL.
"""

from __future__ import annotations

import hashlib
import mimetypes
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

from pipeline.errors import StorageError
from pipeline.files import work_folder
from pipeline.messages import N_, say

MiB = 1024 * 1024


READ_CHUNK = MiB

CONTENT_TYPES = {".mp4": "video/mp4", ".mov": "video/quicktime", ".mxf": "application/mxf",
                 ".jpg": "image/jpeg", ".png": "image/png", ".wav": "audio/wav",
                 ".mp3": "audio/mpeg", ".mp2": "audio/mpeg", ".ogg": "audio/ogg",
                 ".opus": "audio/ogg",
                 ".srt": "application/x-subrip", ".vtt": "text/vtt; charset=utf-8",
                 ".ttml": "application/ttml+xml; charset=utf-8",
                 ".xml": "application/ttml+xml; charset=utf-8",   # EBU-TT, the only XML put
                 ".txt": "text/plain; charset=utf-8", ".sha256sums": "text/plain; charset=utf-8",
                 ".json": "application/json; charset=utf-8", ".html": "text/html; charset=utf-8"}


# Below a campaign's folder: where a file that replaces a previous render waits until every
# file of its publish is up (publish/staging.py). Never an object of the campaign.
STAGING = ".staging"


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    sha256: str | None                 # from the object's metadata; None when not recorded
    etag: str | None = None
    checksum_sha256: str | None = None  # computed by the store (base64), when it returns one
    checksum_type: str | None = None
    encrypted: bool = False             # SSE-KMS / SSE-C: the ETag is not an MD5 then


class TargetUnavailable(StorageError):
    """The target cannot be used at all (no bucket, no access, unreachable): stop, do not retry."""


class Target(ABC):
    """A place objects are put: local folder or bucket."""

    supports_presign = False
    public_urls = False  # url() is an address other machines can fetch (a bucket's, not file://)
    # Serves an object's bytes as stored, with the Content-Encoding it was put with: a page is
    # put gzip-compressed (a bucket); a folder's web server compresses on its own, or not.
    stores_encoding = False

    @abstractmethod
    def head(self, key: str) -> ObjectInfo | None:
        """Size and sha256 of an existing object, None when there is none."""

    @abstractmethod
    def put(self, key: str, local_path: Path, sha256: str, content_type: str,
            cache_control: str | None = None, content_encoding: str | None = None) -> ObjectInfo:
        """Store `local_path` under `key` and confirm it arrived intact; raise `StorageError`.
        `content_encoding` (`gzip`) is said with it where `stores_encoding`."""

    @abstractmethod
    def move(self, source: str, key: str, size: int, sha256: str) -> ObjectInfo:
        """Put the object at `source` at `key` instead, within the target (no byte sent again),
        and check that it is the `size` bytes of `sha256`; raises `StorageError`."""

    @abstractmethod
    def get_bytes(self, key: str) -> bytes | None:
        """The whole object (for small ones: catalogs), None when there is none."""

    @abstractmethod
    def read_chunks(self, key: str) -> Iterator[bytes]:
        """The object's bytes, streamed; `StorageError` when it cannot be read."""

    @abstractmethod
    def list_keys(self, folder: str) -> list[str]:
        """Every object's key below `folder/` (a key without its trailing `/`), sorted, in one
        pass over the listing; `StorageError` when it cannot be listed."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object (nothing when there is none); `StorageError` when it cannot be."""

    @abstractmethod
    def url(self, key: str, presign_seconds: int | None = None, download: bool = False) -> str:
        """Where a browser gets the object; presigned for that long when asked. `download`: a
        presigned URL also asks the store to name the file (Content-Disposition) after the key."""

    @abstractmethod
    def location(self, key: str = "") -> str:
        """A display name for messages: never carries credentials or signatures."""

    def put_bytes(self, key: str, data: bytes, content_type: str,
                  cache_control: str | None = None, content_encoding: str | None = None
                  ) -> ObjectInfo:
        with work_folder("put") as folder:
            path = Path(folder) / Path(key).name
            path.write_bytes(data)
            return self.put(key, path, hashlib.sha256(data).hexdigest(), content_type,
                            cache_control, content_encoding)

    def __str__(self) -> str:
        return self.location()


def _check_key(key: str) -> list[str]:
    parts = key.split("/")
    if not key or key.startswith("/") or "\\" in key or any(p in ("", ".", "..") for p in parts):
        raise StorageError(f"refusing object key {key!r}: keys are relative paths without '..'")
    return parts


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def staged_key(key: str) -> str:
    """Where `<campaign>/<file>` waits before it replaces the object at `key`:
    `<campaign>/.staging/<file>`."""
    campaign, _, rest = key.partition("/")
    return f"{campaign}/{STAGING}/{rest}"


def redact_url(url: str | None) -> str:
    """An endpoint or URL fit for a message: no user info, no query (signatures live there)."""
    if not url:
        return "?"
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def check_endpoint(endpoint: str | None) -> None:
    """`TargetUnavailable` for an endpoint address carrying a user name or password: they would
    go wherever the endpoint goes, the terminal and the page's links and wget lines that
    stations get (a trial's minio password was in catalog.json, index.html and urls.txt).
    boto3 signs with the AWS keys, not with them. The message shows neither."""
    if endpoint and "@" in urlsplit(endpoint).netloc:
        raise TargetUnavailable(
            say(N_("the endpoint address %(endpoint)s carries a user name or password: it "
                   "would be printed and published in the page's links"),
                endpoint=redact_url(endpoint).replace("://", "://…@", 1)),
            hint=say(N_("give the endpoint without them, and the credentials as "
                        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")))


def check_target_url(url: str) -> None:
    """Raise `StorageError` for a URL no target here writes to: an `s3://` without a bucket, or
    another scheme than `s3://` and `file://`. Called for `--to` and `--store` before any
    manifest is read, so that a wrong value is said to be the command line's (exit 2)."""
    if url.startswith("s3://"):
        if not url[len("s3://"):].partition("/")[0]:
            raise StorageError(say(N_("no bucket in %(url)s"), url=repr(url)),
                               hint=say(N_("write %(form)s"), form="s3://bucket/prefix"))
    elif url in ("file://", "file://localhost", "file://localhost/"):
        # It published into whatever folder the command ran in.
        raise StorageError(say(N_("no folder in %(url)s"), url=repr(url)),
                           hint=say(N_("write %(form)s, e.g. %(example)s"), form="file://path",
                                    example="file://../dist"))
    elif "://" in url and not url.startswith("file://"):
        raise StorageError(say(N_("cannot publish to %(url)s: unsupported scheme"),
                               url=redact_url(url)),
                           hint=say(N_("use %(s3)s for object storage or %(folder)s for a folder"),
                                    s3="s3://bucket/prefix", folder="file://path"))
