"""`pipeline clean`: the files under a campaign's output folder that belong to no variant of
its manifest, listed, and deleted only when asked (render/strays.py)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import emit, fails_cleanly, verbosity
from pipeline.errors import PipelineError, ValidationError
from pipeline.manifest import load_manifest
from pipeline.render.strays import delete_strays, stray_files


@click.command()
@click.argument("manifests", nargs=-1, required=True, metavar="MANIFEST...",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--delete", is_flag=True,
              help="Delete the files listed (without it, only list them).")
@fails_cleanly
def clean(manifests: tuple[Path, ...], delete: bool) -> None:
    """List files under each campaign's output folder that belong to no variant of its manifest
    (a spot, language or profile removed or renamed); delete them with --delete.

    Only names the pipeline gives (<spot>.<lang>.<...> in a spot's folder, and the files a stray
    record names) are considered; anything else in the output folder is left alone. Stray files
    are never published, since publish goes by the catalog. Paths go to stdout, one a line.

    \b
    Examples:
      pipeline clean manifests/blue-heart.yaml
      pipeline clean manifests/*.yaml --delete
    """
    loaded, problems = [], []
    for path in manifests:       # every manifest read first: none is cleaned if one is wrong
        try:
            loaded.append(load_manifest(path))
        except PipelineError as exc:
            problems += exc.diagnostics
    if problems:
        raise ValidationError(problems)
    failed = False
    for manifest in loaded:
        if delete:
            strays, errors = delete_strays(manifest)
        else:
            strays, errors = stray_files(manifest), []
        for path in strays:
            click.echo(str(path))
        for diagnostic in errors:
            emit(diagnostic)
        failed = failed or bool(errors)
        size = sum(path.stat().st_size for path in strays if path.exists())
        if delete:
            said = f"{len(strays)} file{'s' if len(strays) != 1 else ''} of no variant deleted" \
                + (f", {len(errors)} could not be" if errors else "")
        elif strays:
            said = f"{len(strays)} file{'s' if len(strays) != 1 else ''} of no variant " \
                   f"({size / 1e6:.1f} MB), not deleted: --delete deletes them"
        else:
            said = "every file belongs to a variant"
        if strays or errors or not verbosity().quiet:
            click.echo(f"{manifest.campaign_dir}: {said}", err=True)
    if failed:
        raise click.exceptions.Exit(1)
