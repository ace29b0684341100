"""Where published files go: one small interface, two targets (a local folder, an S3 bucket).

Keys are `/`-separated paths below the target's root (`<campaign>/<spot>/<file>`); the target
adds its own prefix. Every object carries the sha256 of its bytes:

- `LocalTarget` (`file://path`) keeps it in a `<file>.sha256` sidecar in `sha256sum` format, so a
  broadcaster can also run `sha256sum -c`. A sidecar older than its file is ignored: a file edited
  in place after publishing is treated as unknown and copied again. (Extended attributes were the
  other option; they vanish on copies, archives and many file systems.)
- `S3Target` (`s3://bucket/prefix`, in `s3.py`) stores it as user metadata `x-amz-meta-sha256`.

Messages name the bucket, endpoint and key, never a credential, signature or presigned URL.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

from .errors import StorageError
from .files import atomic_output, write_atomically

MiB = 1024 * 1024
READ_CHUNK = MiB

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

    @abstractmethod
    def head(self, key: str) -> ObjectInfo | None:
        """Size and sha256 of an existing object, None when there is none."""

    @abstractmethod
    def put(self, key: str, local_path: Path, sha256: str, content_type: str,
            cache_control: str | None = None) -> ObjectInfo:
        """Store `local_path` under `key` and confirm it arrived intact; raise `StorageError`."""

    @abstractmethod
    def get_bytes(self, key: str) -> bytes | None:
        """The whole object (for small ones: catalogs), None when there is none."""

    @abstractmethod
    def read_chunks(self, key: str) -> Iterator[bytes]:
        """The object's bytes, streamed; `StorageError` when it cannot be read."""

    @abstractmethod
    def url(self, key: str, presign_seconds: int | None = None) -> str:
        """Where a browser gets the object; presigned for that long when asked."""

    @abstractmethod
    def location(self, key: str = "") -> str:
        """A display name for messages: never carries credentials or signatures."""

    def put_bytes(self, key: str, data: bytes, content_type: str,
                  cache_control: str | None = None) -> ObjectInfo:
        with tempfile.TemporaryDirectory(prefix="pipeline-put-") as folder:
            path = Path(folder) / Path(key).name
            path.write_bytes(data)
            return self.put(key, path, hashlib.sha256(data).hexdigest(), content_type, cache_control)

    def __str__(self) -> str:
        return self.location()


def _check_key(key: str) -> list[str]:
    parts = key.split("/")
    if not key or key.startswith("/") or "\\" in key or any(p in ("", ".", "..") for p in parts):
        raise StorageError(f"refusing object key {key!r}: keys are relative paths without '..'")
    return parts


# --- a local folder -------------------------------------------------------------------------

class LocalTarget(Target):
    """A folder: `file://../dist` in a manifest, or a USB disk mounted for a broadcaster."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*_check_key(key))

    @staticmethod
    def _sidecar(path: Path) -> Path:
        return path.with_name(path.name + ".sha256")

    def head(self, key: str) -> ObjectInfo | None:
        path = self._path(key)
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        return ObjectInfo(key, stat.st_size, self._recorded_sha256(path, stat.st_mtime_ns))

    def _recorded_sha256(self, path: Path, file_mtime_ns: int) -> str | None:
        sidecar = self._sidecar(path)
        try:
            if sidecar.stat().st_mtime_ns < file_mtime_ns:
                return None
            text = sidecar.read_text(encoding="ascii").split()
        except (OSError, UnicodeDecodeError):
            return None
        return text[0] if text and re.fullmatch(r"[0-9a-f]{64}", text[0]) else None

    def put(self, key: str, local_path: Path, sha256: str, content_type: str,
            cache_control: str | None = None) -> ObjectInfo:
        dest = self._path(key)
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            size = self._copy_atomically(local_path, dest, sha256)
            write_atomically(self._sidecar(dest), f"{sha256}  {dest.name}\n")
        except OSError as exc:
            raise StorageError(f"cannot write {dest}: {exc.strerror or exc}",
                               hint="check that the folder is writable and the disk has room") from None
        return ObjectInfo(key, size, sha256)

    @staticmethod
    def _copy_atomically(source: Path, dest: Path, sha256: str) -> int:
        """Copy, hashing on the way: the bytes put in place are the bytes that were checked."""
        with atomic_output(dest) as partial:
            digest, size = hashlib.sha256(), 0
            with open(source, "rb") as src, open(partial, "wb") as out:
                for chunk in iter(lambda: src.read(READ_CHUNK), b""):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != sha256:
                raise StorageError(f"{source} changed while it was being published",
                                   hint="publish again once nothing writes to it")
        return size

    def get_bytes(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageError(f"cannot read {self._path(key)}: {exc.strerror or exc}") from None

    def read_chunks(self, key: str) -> Iterator[bytes]:
        path = self._path(key)
        try:
            with open(path, "rb") as handle:
                yield from iter(lambda: handle.read(READ_CHUNK), b"")
        except OSError as exc:
            raise StorageError(f"cannot read {path}: {exc.strerror or exc}") from None

    def url(self, key: str, presign_seconds: int | None = None) -> str:
        return self._path(key).resolve().as_uri()

    def location(self, key: str = "") -> str:
        return str(self._path(key)) if key else str(self.root)


# --- URLs: redacted for messages, parsed into a target --------------------------------------

def redact_url(url: str | None) -> str:
    """An endpoint or URL fit for a message: no user info, no query (signatures live there)."""
    if not url:
        return "?"
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def open_target(url: str, base_dir: Path, endpoint_url: str | None = None, **s3_options) -> Target:
    """`file://path` (relative to `base_dir`), a plain path, or `s3://bucket/prefix`."""
    if url.startswith("s3://"):
        bucket, _, prefix = url[len("s3://"):].partition("/")
        if not bucket:
            raise StorageError(f"no bucket in {url!r}", hint="write s3://bucket/prefix")
        from .s3 import S3Target  # not at the top: s3.py imports this module

        return S3Target(bucket, prefix, endpoint_url=endpoint_url, **s3_options)
    if url.startswith("file://"):
        rest = url[len("file://"):]
        if rest.startswith("localhost/"):
            rest = rest[len("localhost"):]
        return LocalTarget((base_dir / rest).resolve() if rest else base_dir.resolve())
    if "://" in url:
        raise StorageError(f"cannot publish to {redact_url(url)}: unsupported scheme",
                           hint="use s3://bucket/prefix for object storage or file://path for a folder")
    return LocalTarget((base_dir / url).resolve())
