"""Content hashes that are computed once: a file is hashed again only when its size or mtime moved.

Like git's index, the cache trusts (size, mtime_ns) and keeps the sha256; it also keeps the
loudness measured for a given audio source so a master is analysed once, not once per variant.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

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


class HashCache:
    """sha256 of files and loudness of audio sources, persisted in one JSON file."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._computing: dict[str, threading.Lock] = {}
        self._dirty = False
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            data = {}
        self._files: dict = data.get("files", {})
        self._measures: dict = data.get("measures", {})

    def sha256(self, path: Path) -> str:
        path = Path(path).resolve()
        stat = path.stat()
        key = str(path)
        with self._lock:
            entry = self._files.get(key)
            if entry and entry["size"] == stat.st_size and entry["mtime_ns"] == stat.st_mtime_ns:
                return entry["sha256"]
        digest = sha256_file(path)
        with self._lock:
            self._files[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
            self._dirty = True
        return digest

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
        with self._lock:
            if not self._dirty:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"files": self._files, "measures": self._measures}))
            os.replace(temporary, self.path)
            self._dirty = False
