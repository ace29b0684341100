"""`pipeline profiles`: the output profiles a manifest may name, or those a manifest renders,
each in a line (`pipeline/profile_sheet.py`)."""

from __future__ import annotations

import json as json_module
from pathlib import Path

import click

from pipeline.cli.common import echo, fails_cleanly
from pipeline.cli.language import said, widest, word
from pipeline.manifest import load_manifest
from pipeline.messages import N_
from pipeline.profile_sheet import LABELS, describe
from pipeline.profiles import BUILTIN_PROFILES


@click.command(help=N_("""List the output profiles: the built-in ones a manifest may name, or
with MANIFEST those it renders, its overrides applied.

\b
Examples:
  pipeline profiles
  pipeline profiles manifests/blue-heart.yaml
  pipeline profiles --json | jq '.[] | select(.medium=="audio") | .name'"""))
@click.argument("manifest", required=False, metavar=N_("[MANIFEST]"),
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", is_flag=True, help=N_("Print every setting of each profile as JSON."))
@fails_cleanly
def profiles(manifest: Path | None, json: bool) -> None:
    chosen = (load_manifest(manifest).profiles if manifest is not None
              else tuple(BUILTIN_PROFILES.values()))
    if json:
        echo(json_module.dumps([{"name": p.name, "base": p.base, **p.settings(),
                                 "soft_subtitles": p.soft_subtitles} for p in chosen], indent=2))
        return
    width = widest(LABELS.values())
    for profile in chosen:
        based = f", {word(N_('from'))} {profile.base}" if profile.base else ""
        echo(f"{profile.name} (.{profile.extension}{based})")
        for key, line in describe(profile).items():
            echo(f"  {word(LABELS[key]):<{width}}  {said(line)}")
