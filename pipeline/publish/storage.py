"""Opening a publishing target by URL, and the local-folder target (`file://path`)."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote

from pipeline.errors import StorageError
from pipeline.files import atomic_output, resolved, special_file, write_atomically, written_now
from pipeline.messages import N_, say
from pipeline.publish.s3 import S3Target
from pipeline.publish.target import READ_CHUNK, ObjectInfo, Target, _check_key, check_target_url


SIDECAR = ".sha256"


def _raise(exc: OSError) -> None:
    # os.walk passes over a folder it cannot read; a listing with holes would hide objects.
    raise exc


class LocalTarget(Target):
    """A folder: `file://../dist` in a manifest, or a USB disk mounted for a broadcaster."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*_check_key(key))

    @staticmethod
    def _sidecar(path: Path) -> Path:
        return path.with_name(path.name + SIDECAR)

    @staticmethod
    def _refuse_special(path: Path) -> None:
        """`StorageError` for a pipe or a device where a file is read: a variant linked to
        /dev/zero was hashed without end by `verify`."""
        if special_file(path):
            # files.NOT_REGULAR's words, after the file's name.
            raise StorageError(say(N_("%(name)s is not a regular file"), name=path.name), path,
                               hint=say(N_("put the file itself there, not a pipe or a device")))

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
            cache_control: str | None = None, content_encoding: str | None = None) -> ObjectInfo:
        dest = self._path(key)
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            size = self._copy_atomically(local_path, dest, sha256)
            write_atomically(self._sidecar(dest), f"{sha256}  {dest.name}\n")
        except OSError as exc:
            raise StorageError(say(N_("cannot write %(path)s: %(reason)s"), path=str(dest),
                                   reason=str(exc.strerror or exc)),
                               hint=say(N_("check that the folder is writable and the disk has "
                                           "room"))) from None
        return ObjectInfo(key, size, sha256)

    def move(self, source: str, key: str, size: int, sha256: str) -> ObjectInfo:
        """A rename, then its sidecar's (newer than the file, so read: `_recorded_sha256`)."""
        staged, dest = self._path(source), self._path(key)
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, dest)
            os.replace(self._sidecar(staged), self._sidecar(dest))
        except OSError as exc:
            raise StorageError(say(N_("cannot write %(path)s: %(reason)s"), path=str(dest),
                                   reason=str(exc.strerror or exc)),
                               hint=say(N_("check that the folder is writable"))) from None
        self._remove_empty_folders(staged)
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
                raise StorageError(say(N_("%(path)s changed while it was being published"),
                                       path=str(source)),
                                   hint=say(N_("publish again once nothing writes to it")))
        return size

    def get_bytes(self, key: str) -> bytes | None:
        self._refuse_special(self._path(key))
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageError(say(N_("cannot read %(path)s: %(reason)s"),
                                   path=str(self._path(key)), reason=str(exc.strerror or exc))
                               ) from None

    def read_chunks(self, key: str) -> Iterator[bytes]:
        path = self._path(key)
        self._refuse_special(path)
        try:
            with open(path, "rb") as handle:
                yield from iter(lambda: handle.read(READ_CHUNK), b"")
        except OSError as exc:
            raise StorageError(say(N_("cannot read %(path)s: %(reason)s"), path=str(path),
                                   reason=str(exc.strerror or exc))) from None

    def list_keys(self, folder: str) -> list[str]:
        top, keys = self._path(folder), []
        if not top.is_dir():
            return []  # nothing was ever published there
        try:
            # Symbolic links to folders are not followed: what they point at is not below `folder`.
            for where, _, names in os.walk(top, onerror=_raise):
                present = set(names)
                for name in names:
                    # A sidecar is this target's own record of its file's sha256, not an object;
                    # one whose file is gone is left over, and listed so that it can be removed.
                    if name.endswith(SIDECAR) and name[:-len(SIDECAR)] in present \
                            or written_now(name):
                        continue
                    keys.append("/".join(Path(where, name).relative_to(self.root).parts))
        except OSError as exc:
            raise StorageError(say(N_("cannot list %(path)s: %(reason)s"), path=str(top),
                                   reason=str(exc.strerror or exc)),
                               hint=say(N_("check that the folder is readable"))) from None
        return sorted(keys)

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
            self._sidecar(path).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(say(N_("cannot delete %(path)s: %(reason)s"), path=str(path),
                                   reason=str(exc.strerror or exc)),
                               hint=say(N_("check that the folder is writable"))) from None
        self._remove_empty_folders(path)

    def _remove_empty_folders(self, path: Path) -> None:
        # A dropped spot's folder would be left empty, and a served folder's index still shows it.
        for folder in path.parents:
            if folder == self.root:
                break
            try:
                folder.rmdir()
            except OSError:
                break  # not empty: something else is published there

    def url(self, key: str, presign_seconds: int | None = None, download: bool = False) -> str:
        return self._path(key).resolve().as_uri()

    def location(self, key: str = "") -> str:
        return str(self._path(key)) if key else str(self.root)


def open_target(url: str, base_dir: Path, endpoint_url: str | None = None, **s3_options) -> Target:
    """`file://path` (relative to `base_dir`), a plain path, or `s3://bucket/prefix`. An
    absolute `file:///...` is a URI (RFC 8089), its `%20` and `%CC%83` decoded: the page address
    `publish` prints (`Path.as_uri`) and browsers show; a trial's `verify` of it, its folder's
    name with a space, looked for `.../Campan%CC%83a%20trata/...`."""
    check_target_url(url)
    if url.startswith("s3://"):
        bucket, _, prefix = url[len("s3://"):].partition("/")
        return S3Target(bucket, prefix, endpoint_url=endpoint_url, **s3_options)
    if url.startswith("file://"):
        rest = url[len("file://"):]
        if rest.startswith("localhost/"):
            rest = rest[len("localhost"):]
        if rest.startswith("/"):
            rest = unquote(rest, errors="surrogateescape")     # %F1: a name's own byte
        return LocalTarget(resolved(base_dir / rest) if rest else resolved(base_dir))
    return LocalTarget(resolved(base_dir / url))
