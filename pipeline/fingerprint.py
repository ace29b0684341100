"""Content hashes that are computed once: a file is hashed again only when its stat moved.

Like git's index, the cache trusts a file's size, mtime, ctime, inode and device and keeps its
sha256: `cp -p` or `touch -r` can give another file the same size and mtime, but not the same
ctime (which only the kernel sets) and inode. It also keeps the loudness measured for a given
audio source so a master is analysed once, not once per variant.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

from pipeline.files import remove_abandoned_partials, write_atomically

CACHE_NAME = ".pipeline-cache.json"
CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_json(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _stamp(stat: os.stat_result) -> dict:
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "ctime_ns": stat.st_ctime_ns,
            "inode": stat.st_ino, "device": stat.st_dev}


def _read_tables(path: Path) -> tuple[dict, dict]:
    """The cache file's tables (files, measures); what cannot be read, or is not of this shape
    (`[1, 2]`, `null`, `{"files": []}` typed in by hand: an internal error of every command),
    is left out, as a file of broken JSON is: those files are hashed and measured again."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}, {}
    if not isinstance(data, dict):
        return {}, {}
    files, measures = data.get("files"), data.get("measures")
    files = {key: entry for key, entry in files.items() if isinstance(entry, dict)
             and isinstance(entry.get("sha256"), str)} if isinstance(files, dict) else {}
    measures = {key: value for key, value in measures.items()
                if isinstance(value, dict)} if isinstance(measures, dict) else {}
    return files, measures


class HashCache:
    """sha256 of files and loudness of audio sources, persisted in one JSON file. `fresh`
    (`render --force`): nothing saved before is trusted; every file is hashed and every source
    measured again, and what other runs saved is kept for them."""

    def __init__(self, path: Path, *, fresh: bool = False):
        self.path = path
        self._lock = threading.Lock()
        self._computing: dict[str, threading.Lock] = {}
        self._dirty = False
        saved = _read_tables(path)
        self._saved: tuple[dict, dict] = saved if fresh else ({}, {})
        self._files, self._measures = ({}, {}) if fresh else saved

    def sha256(self, path: Path) -> str:
        path = Path(path).resolve()
        stamp = _stamp(path.stat())
        key = str(path)
        with self._lock:
            entry = self._files.get(key)
            if entry and all(entry.get(name) == value for name, value in stamp.items()):
                return entry["sha256"]
        digest = sha256_file(path)
        with self._lock:
            self._files[key] = stamp | {"sha256": digest}
            self._dirty = True
        return digest

    def known(self, path: Path, digest: str) -> None:
        """`path`'s sha256 is `digest`, computed by the caller from the bytes it just wrote (a
        render's output, hashed for its record): the next plan does not read it again. A file
        changed later has another stamp, and is hashed then."""
        path = Path(path).resolve()
        stamp = _stamp(path.stat())
        with self._lock:
            self._files[str(path)] = stamp | {"sha256": digest}
            self._dirty = True

    def remembered(self, key: str, compute) -> dict:
        """`compute()` once per key, kept across runs (the key must change when the answer may).

        Threads asking for the same key wait for the first one's answer instead of computing
        it again (two variants sharing an audio track are often rendered side by side).
        """
        with self._lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            known = self.measure(key)
            if known is None:
                known = compute()
                self.remember(key, known)
        return known

    def measure(self, key: str) -> dict | None:
        with self._lock:
            return self._measures.get(key)

    def remember(self, key: str, value: dict) -> None:
        with self._lock:
            self._measures[key] = value
            self._dirty = True

    def save(self) -> None:
        """Written atomically. An output folder that cannot be written is left without a
        cache (the next run hashes again): its variants fail, and say why, on their own."""
        with self._lock:
            # A save killed before its rename left its partial file: nothing else reads it.
            remove_abandoned_partials(self.path)
            if not self._dirty:
                return
            files, measures = self._saved
            try:
                write_atomically(self.path, json.dumps({"files": files | self._files,
                                                        "measures": measures | self._measures}))
            except OSError:
                return
            self._dirty = False
