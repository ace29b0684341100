"""Intermediates under each spot's `.work/` that no variant of the manifest uses now: shared
pictures, levelled audio tracks and posters of shared pictures are named for a fingerprint
(the master, the profile's settings, the ffmpeg), so a profile removed or renamed, or a setting
changed, leaves the old ones behind, and `.work/` grew forever without a word. `plan` and
`render` say how many there are and their size; `pipeline clean` lists them and, with
`--delete`, deletes them.

What the variants use is computed from their plans, without rendering: the names the modules
that make these files give them (`shared_picture.shared_picture_target`,
`audio.shared_track_path`, `record.shared_poster_path`). Only files directly in a spot's
`.work/` with those names are considered; anything else there (a partial file, which is
hidden, a user's file, a link, a folder) is left alone. A spot with a blocked variant is not
judged: what its variant would use cannot be known until its inputs are fixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import Diagnostic, warning
from pipeline.manifest import Manifest
from pipeline.messages import N_, Items, N_plural, plural, say, say_count
from pipeline.render.audio import shared_track_path, source_key
from pipeline.render.record import shared_poster_path
from pipeline.render.strays import delete_files
from pipeline.render.shared_picture import shared_picture_target
from pipeline.render.variants import VariantPlan

WORK = ".work"
LISTED = 3    # names a warning shows; `pipeline clean` lists them all
_KEY = "[0-9a-f]{16}"
# <spot>.<profile>.<key>.picture.mp4, <spot>.<key>.audio.<m4a|mka>, poster-<key>.jpg
_PICTURE = re.compile(rf"(?P<spot>[^.]+)\.[^.]+\.{_KEY}\.picture\.mp4")
_TRACK = re.compile(rf"(?P<spot>[^.]+)\.{_KEY}\.audio\.(m4a|mka)")
_POSTER = re.compile(rf"poster-{_KEY}\.jpg")


@dataclass
class Unused:
    """A campaign's intermediates of no variant, and the spots not judged (a blocked variant)."""

    paths: list[Path] = field(default_factory=list)
    unjudged: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(_size(path) for path in self.paths)

    @property
    def freed(self) -> int:
        """Bytes deleting them frees: a file also linked under a name in use (a renamed
        profile's picture, hard-linked to the new name) frees nothing."""
        listed: dict[tuple[int, int], list[Path]] = {}
        for path in self.paths:
            try:
                stat = path.stat()
            except OSError:
                continue
            listed.setdefault((stat.st_dev, stat.st_ino), []).append(path)
        freed = 0
        for paths in listed.values():
            stat = paths[0].stat()
            if stat.st_nlink <= len(paths):
                freed += stat.st_size
        return freed


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:      # deleted meanwhile
        return 0


def size_text(size: int) -> str:
    """Bytes in decimal units, as disks and downloads count them: '12.4 MB', '1.2 GB', '3.5 kB',
    and under a kilobyte '695 bytes' (a subtitle file or a poster, which were '0.0 MB')."""
    if size < 1000:
        return plural(size, "byte")
    value, unit = size / 1e3, "kB"
    for bigger in ("MB", "GB"):
        if round(value, 1) < 1000:      # 999,960 bytes: 1.0 MB, not 1000.0 kB
            break
        value, unit = value / 1e3, bigger
    return f"{value:.1f} {unit}"


def used_intermediates(plan: VariantPlan) -> set[Path]:
    """The `.work/` files the variant's render uses (made, or to be made): its shared audio
    track; for a copy of the master's picture (soft, dub, mix), the shared picture and the
    poster taken from it. Audio-only variants, and radio spots, level their own sound."""
    variant = plan.variant
    if plan.conform is None or variant.profile.audio_only:
        return set()
    used = {shared_track_path(plan, source_key(plan))}
    if variant.treatment == "burn" or variant.profile.mastered:
        return used    # their pictures are made from the master in their own ffmpeg
    target = shared_picture_target(plan)
    picture = target if target is not None else Path(plan.inputs["master"]["path"])
    if target is not None:
        used.add(target)
    if picture.is_file():     # else no poster of it exists yet: any there is of another picture
        used.add(shared_poster_path(plan, picture))
    return used


def unused_intermediates(manifest: Manifest, plans: list[VariantPlan]) -> Unused:
    """The pipeline's files directly in `<campaign>/<spot>/.work/` that none of `plans` (the
    manifest's whole plan, not a selection of it) uses, sorted."""
    unused = Unused()
    campaign = manifest.campaign_dir
    if not campaign.is_dir():
        return unused
    mine = [p for p in plans if p.variant.manifest.campaign_dir == campaign]
    blocked = {p.variant.spot.id for p in mine if p.status == "blocked"}
    used = {path for p in mine if p.status in ("up-to-date", "stale")
            for path in used_intermediates(p)}
    for folder in sorted(campaign.iterdir()):
        work = folder / WORK
        if folder.name.startswith(".") or folder.is_symlink() or not folder.is_dir() \
                or work.is_symlink() or not work.is_dir():
            continue
        if folder.name in blocked:
            unused.unjudged.append(folder.name)
            continue
        unused.paths += sorted(path for path in work.iterdir()
                               if _named_by_pipeline(folder.name, path.name)
                               and not path.is_symlink() and path.is_file() and path not in used)
    return unused


def _named_by_pipeline(spot: str, name: str) -> bool:
    for pattern in (_PICTURE, _TRACK):
        found = pattern.fullmatch(name)
        if found:
            return found["spot"] == spot
    return _POSTER.fullmatch(name) is not None


def unused_warning(manifest: Manifest, unused: Unused) -> Diagnostic | None:
    """What `plan` and `render` say about the campaign's unused intermediates."""
    if not unused.paths:
        return None
    names = [str(path.relative_to(manifest.campaign_dir)) for path in unused.paths[:LISTED]]
    more = ", ..." if len(unused.paths) > LISTED else ""
    count = len(unused.paths)
    return warning(say_count(N_plural(
        "%(n)s intermediate file, %(size)s, under .work/ is used by no variant of %(manifest)s "
        "(%(files)s%(more)s): left from a profile removed or renamed, or settings since changed",
        "%(n)s intermediate files, %(size)s, under .work/ are used by no variant of %(manifest)s "
        "(%(files)s%(more)s): left from a profile removed or renamed, or settings since changed"),
        count, n=count, size=size_text(unused.size), manifest=manifest.path.name,
        files=Items(tuple(names)), more=more), manifest.campaign_dir,
        hint=say(N_("%(command)s lists them, and deletes them with --delete"),
                 command=f"'pipeline clean {manifest.path}'"), code="unused-intermediates")


def unjudged_warning(manifest: Manifest, unused: Unused) -> Diagnostic | None:
    """What `clean` says of the spots whose `.work/` it did not judge."""
    if not unused.unjudged:
        return None
    return warning(say_count(N_plural(
        ".work/ of %(spots)s not examined: its blocked variants would use intermediates nobody "
        "can name until their inputs are fixed",
        ".work/ of %(spots)s not examined: their blocked variants would use intermediates "
        "nobody can name until their inputs are fixed"), len(unused.unjudged),
        spots=Items(tuple(unused.unjudged))), manifest.campaign_dir,
        hint=say(N_("%(command)s says why they are blocked"),
                 command=f"'pipeline validate {manifest.path}'"))


def delete_unused(manifest: Manifest, unused: Unused
                  ) -> tuple[list[Path], list[Path], list[Diagnostic]]:
    """Delete the files `unused` lists: (deleted, the folders this left empty and removed, an
    error for each that could not be)."""
    campaign = manifest.campaign_dir.resolve()
    # Found by listing the spots' own `.work/` folders, links not followed: this only guards
    # the one promise a delete must keep, nothing outside the output folder.
    return delete_files(unused.paths, lambda path: path.parent.name == WORK
                        and path.resolve().parent.parent.parent == campaign,
                        manifest.campaign_dir)
