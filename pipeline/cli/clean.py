"""`pipeline clean`: the files under a campaign's output folder that belong to no variant of
its manifest (render/strays.py), and the intermediates under its spots' `.work/` that none
uses (render/intermediates.py), listed, and deleted only when asked."""

from __future__ import annotations

import os
from contextlib import nullcontext
from pathlib import Path

import click

from pipeline.cli.common import echo, emit, fails_cleanly, say_waiting, verbosity
from pipeline.cli.language import said
from pipeline.errors import PipelineError, ValidationError
from pipeline.manifest import Manifest, load_manifest
from pipeline.messages import N_, Message, N_plural, say, say_count
from pipeline.render.intermediates import (
    delete_unused,
    size_text,
    unjudged_warning,
    unused_intermediates,
)
from pipeline.render.lock import campaign_lock
from pipeline.render.plan import build_plan
from pipeline.render.strays import delete_strays, stray_files


@click.command(help=N_("""List files under each campaign's output folder that belong to no
variant of its manifest (a spot, language or profile removed or renamed), and the
intermediates under its spots' .work/ folders (shared pictures, levelled audio tracks,
posters) that no variant uses now (a profile removed or renamed, settings changed); delete
them with --delete.

Only names the pipeline gives (<spot>.<lang>.<...> in a spot's folder, the files a stray
record names, the .<name>.partial-<pid>-... files of a render that was killed, and in
.work/ <spot>.<profile>.<key>.picture.mp4, <spot>.<key>.audio.<ext> and
poster-<key>.jpg) are considered; anything else in the output folder is left alone, and
a folder deleting them leaves empty (a renamed spot's, its .work/) is removed.
The manifests' inputs are planned (from the cache when unchanged) to know which
intermediates are used; a spot with a blocked variant keeps its .work/ as it is. Stray
files are never published, since publish goes by the catalog. Paths go to stdout, one a
line, relative to the current folder when under it (as `git ls-files` gives them).

\b
Examples:
  pipeline clean manifests/blue-heart.yaml
  pipeline clean manifests/*.yaml --delete"""))
@click.argument("manifests", nargs=-1, required=True, metavar=N_("MANIFEST..."),
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--delete", is_flag=True,
              help=N_("Delete the files listed (without it, only list them)."))
@fails_cleanly
def clean(manifests: tuple[Path, ...], delete: bool) -> None:
    loaded, problems = [], []
    for path in manifests:       # every manifest read first: none is cleaned if one is wrong
        try:
            loaded.append(load_manifest(path))
        except PipelineError as exc:
            problems += exc.diagnostics
    if problems:
        raise ValidationError(problems)
    failed = False
    # Deleting waits for a render of the campaign to end (render/lock.py): which files and
    # intermediates are used is judged from the folder as it is, which that render changes.
    folders = [m.campaign_dir for m in loaded if m.campaign_dir.is_dir()]
    with campaign_lock(folders, "clean --delete", on_wait=say_waiting) if delete else nullcontext():
        for manifest in loaded:
            if delete:
                strays, folders, errors = delete_strays(manifest)
            else:
                strays, folders, errors = stray_files(manifest), [], []
            _list(strays, folders)
            for diagnostic in errors:
                emit(diagnostic)
            failed = failed or bool(errors)
            size = sum(path.stat().st_size for path in strays if path.exists())
            if delete:
                told = say_count(N_plural("%(count)s file of no variant deleted%(failed)s",
                                          "%(count)s files of no variant deleted%(failed)s"),
                                 len(strays), count=len(strays), failed=_not_deleted(errors))
            elif strays:
                # "them" in both: the English as it always was.
                told = say_count(N_plural("%(count)s file of no variant (%(size)s), not "
                                          "deleted: --delete deletes them",
                                          "%(count)s files of no variant (%(size)s), not "
                                          "deleted: --delete deletes them"),
                                 len(strays), count=len(strays), size=size_text(size))
            else:
                told = say(N_("every file belongs to a variant"))
            if strays or errors or not verbosity().quiet:
                echo(f"{manifest.campaign_dir}: {said(told)}", err=True)
            failed = _clean_intermediates(manifest, delete) or failed
    if failed:
        raise click.exceptions.Exit(1)


def _list(files: list[Path], folders: list[Path]) -> None:
    """The files listed or deleted, then the folders deleting them left empty and removed,
    each with a closing slash (as `ls -p` marks a folder)."""
    for path in files:
        echo(str(path))
    for folder in folders:
        echo(os.path.join(folder, ""))


def _clean_intermediates(manifest: Manifest, delete: bool) -> bool:
    """List (or delete) the campaign's intermediates that no variant uses, with their size;
    whether any could not be deleted."""
    plan = build_plan([manifest.path])
    plan.save_caches()          # what planning hashed and probed, as `plan` keeps it
    unused = unused_intermediates(manifest, plan.variants)
    unjudged = unjudged_warning(manifest, unused)
    if unjudged is not None:
        emit(unjudged)
    size, freed = unused.size, unused.freed     # before anything is deleted
    paths, folders, errors = delete_unused(manifest, unused) if delete else (unused.paths, [], [])
    _list(paths, folders)
    for diagnostic in errors:
        emit(diagnostic)
    # Hard links (a renamed profile's picture, linked under its new name) free nothing.
    linked = say(N_(" (%(freed)s of it freed by deleting them: the rest is hard-linked to "
                    "files in use)"), freed=size_text(freed)) if freed != size else ""
    if delete:
        told = say_count(N_plural("%(count)s intermediate file under .work/ of no variant "
                                  "deleted, %(freed)s freed%(failed)s",
                                  "%(count)s intermediate files under .work/ of no variant "
                                  "deleted, %(freed)s freed%(failed)s"), len(paths),
                         count=len(paths), freed=size_text(freed), failed=_not_deleted(errors))
    elif paths:
        told = say_count(N_plural("%(count)s intermediate file, %(size)s%(linked)s, under "
                                  ".work/ is used by no variant, not deleted: --delete "
                                  "deletes them",
                                  "%(count)s intermediate files, %(size)s%(linked)s, under "
                                  ".work/ are used by no variant, not deleted: --delete "
                                  "deletes them"), len(paths), count=len(paths),
                         size=size_text(size), linked=linked)
    elif unused.unjudged:
        # Not "every intermediate": the warning above says some spots' were not examined (a
        # trial read the two lines as a contradiction).
        told = say(N_("every intermediate under the .work/ folders examined is used by a "
                      "variant"))
    else:
        told = say(N_("every intermediate under .work/ is used by a variant"))
    if paths or errors or not verbosity().quiet:
        echo(f"{manifest.campaign_dir}: {said(told)}", err=True)
    return bool(errors)


def _not_deleted(errors: list) -> Message | str:
    """", 2 could not be": the files a deletion left, said after its count."""
    return say(N_(", %(count)s could not be"), count=len(errors)) if errors else ""
