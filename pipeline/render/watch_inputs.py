"""Which files `watch` looks at, and which spot and language each belongs to: the manifest,
subtitle files under its subtitles folder and recordings under its audio folder (with a
selection, only its spots' and languages'), from the file-system events of render/watch.py.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import watchfiles

from pipeline.manifest import AUDIO_SUFFIXES, SUBTITLE_SUFFIXES, Manifest
from pipeline.manifest.input_names import meant_for
from pipeline.render.settling import signature
from pipeline.render.variants import Selection

Pair = tuple[str, str]  # (spot id, language code)


def pairs_of(manifest: Manifest, paths: Iterable[Path]) -> set[Pair]:
    """The (spot, language) pairs of `paths`: those whose files are still being copied."""
    return {pair for pair in (affected_pair(manifest, path) for path in paths) if pair}


# A file written this recently (seconds) when watch starts may be a copy still going on.
RECENT = 2.0


def recently_written(manifest: Manifest, selection: Selection | None,
                      seen: set[Path]) -> set[Path]:
    """The watched inputs (subtitle files and recordings, as `InputFilter` takes them) written in
    the last `RECENT` seconds, and `seen`: one walk of the subtitles and audio folders."""
    wanted, since = InputFilter(manifest, selection), time.time() - RECENT
    found = set(seen)
    for folder in {wanted.subtitles, wanted.audio}:     # resolved, as the filter compares
        for parent, _, names in os.walk(folder):
            for name in names:
                path = Path(parent, name)
                if wanted(watchfiles.Change.modified, str(path)):
                    written = signature(path)
                    if written is not None and written[1] / 1e9 >= since:
                        found.add(path)
    return found


@dataclass(frozen=True)
class Watched:
    """What watch looks at, as it says it: the manifest itself, and the subtitles and audio
    folders it names, each None when not there (not watched); with a selection, only its
    spots' and languages' files in them (`InputFilter`)."""

    manifest: Path
    subtitles: Path | None
    audio: Path | None
    selection: Selection | None = None


def watched_inputs(manifest: Manifest, selection: Selection | None = None) -> Watched:
    def there(folder: Path) -> Path | None:
        return folder if folder.is_dir() else None

    return Watched(manifest.path, there(manifest.subtitles_dir), there(manifest.audio_dir),
                   selection)


def watched_roots(manifest: Manifest) -> tuple[Path, ...]:
    """The manifest's folder and its subtitles and audio folders (those that exist)."""
    folders = [manifest.path.parent, manifest.subtitles_dir, manifest.audio_dir]
    resolved = []
    for folder in folders:
        folder = folder.resolve()
        if folder.is_dir() and folder not in resolved:
            resolved.append(folder)
    # A folder inside another watched folder is already watched (recursively).
    return tuple(f for f in resolved if not any(o != f and o in f.parents for o in resolved))


# Files being written under another name, to be renamed when done: a browser's download, an
# editor's swap file or backup. Not a translator's save.
_TRANSIENT = (".part", ".crdownload", ".tmp", ".swp", ".swx", "~")


class InputFilter:
    """Only the manifest itself, subtitle files (`.srt`, `.vtt`, `.ass`, ...) under
    subtitles_dir and audio tracks under audio_dir; with a selection, only those of its spots
    and languages (another translator's saves in a shared folder start nothing). In a spot's
    subtitles folder, also a file of a language's name in no format read (`nah.srt.txt`, as
    Notepad saves it): saved, it is checked and the language's error says how to name it,
    where before nothing at all was said."""

    def __init__(self, manifest: Manifest, selection: Selection | None = None):
        self.manifest = manifest.path.resolve()
        self.subtitles = manifest.subtitles_dir.resolve()
        self.audio = manifest.audio_dir.resolve()
        self.campaign = manifest
        self.selection = selection

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        path = Path(path)
        if path.name.startswith("."):  # editors' and our own temporary files
            return False
        if path == self.manifest:
            return True
        if not ((path.suffix.lower() in SUBTITLE_SUFFIXES and self.subtitles in path.parents)
                or (path.suffix.lower() in AUDIO_SUFFIXES and self.audio in path.parents)
                or self._misnamed_subtitles(path)):
            return False
        pair = affected_pair(self.campaign, path) if self.selection else None
        return pair is None or self.selection.covers(*pair)


    def _misnamed_subtitles(self, path: Path) -> bool:
        return path.parent.parent == self.subtitles and \
            not path.name.lower().endswith(_TRANSIENT) and meant_for(
                path.name, {language.code for language in self.campaign.languages}) is not None


def affected_pair(manifest: Manifest, path: Path) -> Pair | None:
    """(spot, language) of `<subtitles_dir>/<spot>/<code>.vtt` (any subtitle suffix) or
    `<audio_dir>/<spot>/<code>.wav`. A name no variant reads is of the manifest's language it
    is meant for (`NAH.SRT`, `nah-v2.srt`: manifest/input_names.py): a translator watching
    her language is told why her file is not read, as `validate` tells it."""
    codes = {language.code for language in manifest.languages}
    for folder in (manifest.subtitles_dir.resolve(), manifest.audio_dir.resolve()):
        try:
            parts = path.resolve().relative_to(folder).parts
        except ValueError:
            continue
        if len(parts) == 2:
            return parts[0], meant_for(parts[1], codes) or Path(parts[1]).stem
    return None
