"""What an S3-compatible store should report of a file once uploaded (`Expected`): its
SHA-256, its checksum (composite over the parts when multipart, as S3 computes it) and its ETag,
from one pass over the file cut into the parts the transfer manager cuts. `S3Target` compares
them with what the store says after each upload."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Expected:
    """What the store should report for a file uploaded in `parts` parts."""

    sha256: str            # hex, of the whole file as read now
    parts: int
    checksum_sha256: str   # base64; composite (checksum of part checksums) when multipart
    etag: str              # MD5, or MD5 of part MD5s with "-N"


def expected_checksums(path: Path, size: int, threshold: int, chunksize: int) -> Expected:
    """`Expected` of the file at `path` (`size` bytes), uploaded in parts of `chunksize` bytes
    from `threshold` bytes on: one pass over the file, parts cut as the transfer manager cuts
    them (it grows them past 10,000 parts)."""
    from s3transfer.utils import ChunksizeAdjuster

    multipart = size >= threshold
    part_size = ChunksizeAdjuster().adjust_chunksize(chunksize, size) if multipart else max(size, 1)
    whole, shas, md5s, parts = hashlib.sha256(), bytearray(), bytearray(), 0
    with open(path, "rb") as handle:
        for part in iter(lambda: handle.read(part_size), b""):
            whole.update(part)
            shas += hashlib.sha256(part).digest()
            md5s += hashlib.md5(part).digest()
            parts += 1
    if not multipart:
        return Expected(whole.hexdigest(), 1, base64.b64encode(whole.digest()).decode(),
                         md5s.hex() or hashlib.md5(b"").hexdigest())
    return Expected(whole.hexdigest(), parts, base64.b64encode(hashlib.sha256(shas).digest()).decode(),
                     f"{hashlib.md5(md5s).hexdigest()}-{parts}")
