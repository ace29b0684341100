"""Files under a campaign's output folder that belong to no variant of its manifest: those of a
spot, language or profile since removed or renamed, or a certificate left when a profile lost
its loudness standard. They are never published (publish goes by the catalog) and never
deleted unasked: `plan` and `render` say how many there are, `pipeline clean` lists them and,
with `--delete`, deletes them. The one exception is the hidden partial files of a render
killed outright, which the next render deletes (`remove_abandoned`), saying so.

Only names the pipeline gives are considered, each in a folder directly under the campaign's
(a spot's): `<spot>.<lang>.<...>` (variants, records, posters, certificates, sidecars,
previews, the memos of failed renders), ending as they do (`MADE_SUFFIXES`), the files a
stray record names (a clock-numbered variant), and the hidden partial files
(`.<name>.partial-<pid>-...`) of a render killed outright (SIGKILL), whose process no longer
runs. Anything else there, other hidden files, symbolic links and folders are left alone.

The same list guards the inputs (`WrittenFiles`): a master named at a variant's own output
(`out/<campaign>/s1/s1.tzo.proxy.mp4`) was replaced by that variant's render, which exited 0;
the studio's one copy was gone, and every later render re-encoded its own output. Planning
refuses an input that resolves to a file the pipeline writes, and warns of one elsewhere under
the output folder, which `clean --delete` or a later profile's file could reach.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path
from typing import Callable, get_args

from pipeline.errors import Diagnostic, RenderError, error, warning
from pipeline.files import process_running
from pipeline.fingerprint import CACHE_NAME
from pipeline.manifest import Manifest
from pipeline.messages import N_, Items, N_plural, say, say_count
from pipeline.profiles import Container
from pipeline.publish.catalog import CATALOG_NAME, expected_variants
from pipeline.publish.page import PAGE_LINK_NAME
from pipeline.render.certificate import certificate_paths, standard_of
from pipeline.render.ebutt_sidecar import ebutt_path
from pipeline.render.lock import LOCK_NAME
from pipeline.render.record import names_beside
from pipeline.render.stored_record import read_record
from pipeline.render.variants import Variant, preview_paths
from pipeline.subtitles.master_clock import SUFFIX as EBUTT_SUFFIX
from pipeline.subtitles.sidecars import SIDECAR_SUFFIXES

SPOT_INPUTS = ("master", "music_bed")     # input roles a spot names; the others a language's
LISTED = 3   # names a warning shows; `pipeline clean` lists them all


def stray_files(manifest: Manifest) -> list[Path]:
    """The files under `manifest.campaign_dir` the pipeline made for no variant the manifest has
    now, sorted."""
    campaign = manifest.campaign_dir
    if not campaign.is_dir():
        return []
    owned = owned_files(manifest)
    strays = []
    for folder in sorted(campaign.iterdir()):
        if folder.name.startswith(".") or folder.is_symlink() or not folder.is_dir():
            continue
        files = {entry.name for entry in folder.iterdir() if not entry.name.startswith(".")
                 and not entry.is_symlink() and entry.is_file()}
        made = {name for name in files if _named_by_pipeline(folder.name, name)}
        for name in sorted(made):
            if name.endswith(".json") and folder / name not in owned:
                made |= files & _named_in(folder / name)
        strays += sorted(folder / name for name in made if folder / name not in owned)
    return strays + abandoned_partials(campaign)


# `files.partial_path`'s names (`.<stem>.partial-<pid>-<thread><suffix>`) and a remote
# worker's download (`.<name>.partial-<pid>`).
PARTIAL = re.compile(r"^\..+\.partial-(\d+)(?:-\d+)?(?:\.[^.]*)?$")


def abandoned_partials(campaign: Path) -> list[Path]:
    """The partial files under `campaign` (in it, its spots' folders and their `.work/`) of
    processes that no longer run: a render killed outright (SIGKILL, the machine's power)
    before it could remove them. Those of a running process, a render or a preview, are its
    own, and left alone."""
    folders = [campaign] + [folder for folder in sorted(campaign.iterdir())
                            if not folder.name.startswith(".") and folder.is_dir()
                            and not folder.is_symlink()]
    folders += [folder / ".work" for folder in folders[1:] if (folder / ".work").is_dir()]
    found = []
    for folder in folders:
        for entry in folder.iterdir():
            named = PARTIAL.match(entry.name)
            if named and not entry.is_symlink() and entry.is_file() \
                    and not process_running(int(named.group(1))):
                found.append(entry)
    return sorted(found)


# A partial file written this long ago or more is no other machine's running write: a process
# of another host or PID namespace writing to a shared folder (its `process_running` cannot be
# seen from here) writes its file many times a second.
ABANDONED_AFTER = 120     # seconds since its last write


def remove_abandoned(campaign: Path) -> list[Path]:
    """Delete `abandoned_partials(campaign)` not written for `ABANDONED_AFTER` seconds, those
    that can be, and return them: called by a render holding the campaign's lock, no other
    render of it is running. A trial's render killed outright left one in `.work/`, and every
    later `plan` and `render` (a cron's mail) warned of it until someone ran `clean --delete`."""
    if not campaign.is_dir():
        return []
    removed, now = [], time.time()
    for path in abandoned_partials(campaign):
        try:
            if now - path.stat().st_mtime < ABANDONED_AFTER:
                continue    # said as a stray until it is old enough
            path.unlink()
        except OSError:
            continue        # still a stray, said as one
        removed.append(path)
    return removed


# The endings of the files the pipeline writes: its containers, sidecars (an EBU-TT one is
# .ebutt.xml), records and memos (.json), posters (.jpg), previews and loudness plots (.png,
# .mp4, .m4a) and certificates (.html). A trial's notes kept beside a variant,
# s1.nah.notes.txt, were listed for `clean --delete` to remove.
MADE_SUFFIXES = frozenset(get_args(Container)) | set(SIDECAR_SUFFIXES) | {
    EBUTT_SUFFIX.rpartition(".")[2], "json", "jpg", "png", "m4a", "html"}


def _named_by_pipeline(spot: str, name: str) -> bool:
    """`<spot>.<lang>.<suffix>` and longer, ending as a file the pipeline writes: what the
    pipeline calls a spot's files."""
    parts = name.split(".")
    return len(parts) >= 3 and parts[0] == spot and all(parts) \
        and parts[-1].lower() in MADE_SUFFIXES


def _named_in(record_path: Path) -> set[str]:
    """The plain names a record gives its variant's files (never a path elsewhere)."""
    record = read_record(record_path)
    if not isinstance(record, dict):
        return set()
    names = [record.get("file")]
    with contextlib.suppress(AttributeError, TypeError):   # a record not of this pipeline's shape
        names += names_beside(record)
    return {name for name in names if isinstance(name, str) and "/" not in name
            and "\\" not in name and name not in ("", ".", "..")}


def owned_files(manifest: Manifest) -> set[Path]:
    """Every file a variant of the manifest makes, or its record says it made."""
    owned: set[Path] = {manifest.campaign_dir / name for name in (CATALOG_NAME, PAGE_LINK_NAME)}
    for spot, language, profile in expected_variants(manifest):
        variant = Variant(manifest, spot, language, profile)
        # What its next render writes (its record may be gone, or not written yet), and what
        # its record names (a file of another extension until it is rendered again).
        owned |= variant_files(variant) | set(preview_paths(manifest, spot, language))
        owned |= {variant.folder / name for name in _named_in(variant.record_path)}
    return owned


def variant_files(variant: Variant) -> set[Path]:
    """The files a render of `variant` writes: its file, record, poster, failure memo,
    certificates (of a profile with a loudness standard), sidecars (of a language not burned)
    and EBU-TT (of a TV master's)."""
    files = {variant.output, variant.record_path, variant.poster_path, variant.failure_path}
    if standard_of(variant.profile) is not None:     # else a certificate is a stray's
        files |= set(certificate_paths(variant))
    if variant.language.treatment != "burn":         # a burned language has no sidecars
        files |= {variant.sidecar_path(suffix) for suffix in SIDECAR_SUFFIXES}
    if variant.treatment != "burn" and variant.profile.timecode is not None:
        files.add(ebutt_path(variant))                # a TV master's EBU-TT, if not burned
    return files


def in_the_way(variant: Variant) -> RenderError | None:
    """The error of a variant one of whose files (`variant_files`) cannot be put in place: a
    folder there (a rename cannot replace it), or a file where its folder goes. Found before
    its render starts: the OSError came at the end of a shared picture group's ffmpeg run,
    naming a temporary file, and failed every variant of the group."""
    if variant.folder.exists() and not variant.folder.is_dir():
        return RenderError(say(N_("a file is in the way of %(variant)s's folder"),
                               variant=variant.stem), variant.folder,
                           hint=say(N_("move or delete it: the variant's files go in a folder "
                                       "there")))
    for path in sorted(variant_files(variant)):
        if path.is_dir() and not path.is_symlink():
            return RenderError(say(N_("a folder is in the way of %(variant)s's file"),
                                   variant=variant.stem), path,
                               hint=say(N_("move or delete the folder: a file goes there")))
    return None


def stray_warning(manifest: Manifest, strays: list[Path]) -> Diagnostic | None:
    """What `plan` and `render` say about the campaign's stray files, the first few named."""
    if not strays:
        return None
    names = [str(path.relative_to(manifest.campaign_dir)) for path in strays[:LISTED]]
    more = ", ..." if len(strays) > LISTED else ""
    killed = say(N_(" or partial files of a render that was killed")) \
        if any(PARTIAL.match(path.name) for path in strays) else ""
    return warning(say_count(N_plural(
        "%(n)s file here belongs to no variant of %(manifest)s (%(files)s%(more)s): left from a "
        "spot, language or profile removed or renamed%(killed)s; never published",
        "%(n)s files here belong to no variant of %(manifest)s (%(files)s%(more)s): left from a "
        "spot, language or profile removed or renamed%(killed)s; never published"),
        len(strays), n=len(strays), manifest=manifest.path.name, files=Items(tuple(names)),
        more=more, killed=killed), manifest.campaign_dir,
        hint=say(N_("%(command)s lists them, and deletes them with --delete"),
                 command=f"'pipeline clean {manifest.path}'"), code="stray-files")


def delete_strays(manifest: Manifest) -> tuple[list[Path], list[Path], list[Diagnostic]]:
    """Delete the campaign's stray files, as `stray_files` finds them now: (deleted, the
    folders this left empty and removed, an error for each that could not be)."""
    campaign = manifest.campaign_dir.resolve()
    # Found by listing the campaign's own folders, not following links: this only guards the
    # one promise a delete must keep, nothing outside the output folder.
    return delete_files(stray_files(manifest), lambda path: campaign in path.resolve().parents,
                        manifest.campaign_dir)


# What a file browser leaves in a folder it showed (Finder's, Windows Explorer's, and macOS's
# AppleDouble `._NAME` beside a file copied to a foreign disk): a folder holding nothing else
# is empty to its owner (a trial's emptied spot folder stayed, kept by its `.DS_Store`).
BROWSER_LEFTOVERS = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def delete_files(paths: list[Path], inside: Callable[[Path], bool], root: Path
                 ) -> tuple[list[Path], list[Path], list[Diagnostic]]:
    """Delete each of `paths` that `inside` accepts (the output folder's own): (deleted, the
    folders removed, an error for each that could not be, or was outside). The folders under
    `root` (the campaign's) this leaves empty, or holding only a file browser's leftovers
    (BROWSER_LEFTOVERS), are removed too: a renamed spot's folder and its `.work/` were left
    behind, empty (a trial's `clean --delete`)."""
    deleted, problems = [], []
    for path in paths:
        if not inside(path):
            problems.append(error(say(N_("not deleted: outside the campaign's output folder")),
                                  path))
            continue
        try:
            path.unlink()
        except FileNotFoundError:      # gone meanwhile: nothing to delete
            continue
        except OSError as exc:
            problems.append(error(say(N_("not deleted: %(reason)s"),
                                      reason=exc.strerror or str(exc)), path,
                                  hint=say(N_("check the folder's permissions"))))
            continue
        deleted.append(path)
    return deleted, _remove_emptied({path.parent for path in deleted}, root), problems


def _remove_emptied(folders: set[Path], root: Path) -> list[Path]:
    """Each of `folders` strictly under `root`, and then its parents, removed while empty but
    for a file browser's leftovers: the folders removed, deepest first."""
    removed = []
    for folder in sorted(folders, key=lambda folder: len(folder.parts), reverse=True):
        while root in folder.parents:
            try:
                entries = list(folder.iterdir())
                leftovers = [entry for entry in entries
                             if entry.name in BROWSER_LEFTOVERS or entry.name.startswith("._")]
                if len(leftovers) < len(entries):
                    break               # a file kept, or written meanwhile: the folder stays
                for entry in leftovers:
                    entry.unlink()
                folder.rmdir()
            except OSError:             # gone, not empty after all, or not ours to remove
                break
            removed.append(folder)
            folder = folder.parent
    return removed


def _entry(path: Path) -> str:
    """Where a write to `path` lands: its folder resolved, its own name kept. A render replaces
    the name (os.replace), so a link there is replaced, not the file it points to."""
    return os.path.join(os.path.realpath(path.parent), path.name)


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


class WrittenFiles:
    """The files a manifest's renders write, found once and only when an input lies under its
    output folder (most inputs do not; listing every variant's files costs a stat each)."""

    def __init__(self, manifest: Manifest):
        self.manifest = manifest
        self._output = os.path.realpath(manifest.output_dir)
        self._campaign = os.path.realpath(manifest.campaign_dir)
        self._written: set[str] | None = None

    def _files(self) -> set[str]:
        if self._written is None:
            written = owned_files(self.manifest) | {self.manifest.output_dir / CACHE_NAME,
                                                    self.manifest.campaign_dir / LOCK_NAME}
            self._written = {_entry(path) for path in written}
        return self._written

    def problems(self, variant: Variant, role: str, path: Path) -> list[Diagnostic]:
        """An error when the variant's input `role` (`render/planner.py`'s `_add_input`: "master",
        "subtitles", ...) at `path`, links resolved, is a file a render writes; a warning when
        it lies elsewhere in the campaign's folder (where `clean --delete` deletes); else none.
        Said at the spot's line for its master and music bed, else at the language's."""
        real = os.path.realpath(path)
        if not _inside(real, self._output):
            return []
        spot, language = variant.spot, variant.language
        line, what = ((spot.line, say(N_("%(role)s of spot %(spot)s"),
                                      role=role.replace("_", " "), spot=repr(spot.id)))
                      if role in SPOT_INPUTS else
                      (language.line, say(N_("%(role)s of language %(language)s"), role=role,
                                          language=repr(language.code))))
        if real in self._files():
            return [error(say(N_("%(what)s is a file the pipeline writes: %(path)s; rendering "
                                 "would replace it"), what=what, path=str(path)),
                          self.manifest.path, line,
                          say(N_("keep inputs outside the output folder (output_dir); move the "
                                 "file and name it there")), "input-overwritten")]
        if not _inside(real, self._campaign):     # `output_dir: .` beside the inputs is usual
            return []
        return [warning(say(N_("%(what)s lies inside the campaign's output folder (%(folder)s): "
                               "%(path)s"), what=what, folder=str(self.manifest.campaign_dir),
                            path=str(path)), self.manifest.path, line,
                        say(N_("keep inputs outside output_dir: %(command)s or a later render "
                               "may remove or replace files there"),
                            command="'pipeline clean --delete'"), "input-in-output")]
