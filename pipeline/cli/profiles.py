"""`pipeline profiles`: the output profiles a manifest may name, or those a manifest renders,
all or those named, each in a line (`pipeline/profile_sheet.py`)."""

from __future__ import annotations

import json as json_module
from pathlib import Path

import click

from pipeline.cli.common import echo, fails_cleanly
from pipeline.cli.language import said, widest, word
from pipeline.errors import CommandLineError
from pipeline.manifest import load_manifest
from pipeline.messages import N_, Items, say
from pipeline.profile_sheet import LABELS, describe
from pipeline.profiles import BUILTIN_PROFILES, Profile


@click.command(help=N_("""List the output profiles: the built-in ones a manifest may name, or
with MANIFEST those it renders, its overrides applied; with PROFILE names, those alone.

\b
Examples:
  pipeline profiles
  pipeline profiles messaging vertical
  pipeline profiles manifests/blue-heart.yaml web
  pipeline profiles --json | jq '.[] | select(.medium=="audio") | .name'"""))
@click.argument("names", nargs=-1, metavar=N_("[MANIFEST] [PROFILE]..."))
@click.option("--json", is_flag=True, help=N_("Print every setting of each profile as JSON."))
@fails_cleanly
def profiles(names: tuple[str, ...], json: bool) -> None:
    # A manifest is a file (a YAML one, even not there yet: its error is the manifest's);
    # a trial's `pipeline profiles web` was read as a manifest named "web".
    manifest = Path(names[0]) if names and (Path(names[0]).suffix.lower() in (".yaml", ".yml")
                                            or Path(names[0]).is_file()) else None
    known = load_manifest(manifest).profiles if manifest is not None \
        else tuple(BUILTIN_PROFILES.values())
    chosen = _named(known, names[1:] if manifest is not None else names,
                    str(manifest) if manifest is not None else None)
    if json:
        echo(json_module.dumps([{"name": p.name, "base": p.base, **p.settings(),
                                 "soft_subtitles": p.soft_subtitles} for p in chosen], indent=2))
        return
    width = widest(LABELS.values())
    for profile in chosen:
        # Not in the f-string, where the catalog's extraction does not see it.
        based = ", " + word(N_("based on")) + f" {profile.base}" if profile.base else ""
        echo(f"{profile.name} (.{profile.extension}{based})")
        for key, line in describe(profile).items():
            echo(f"  {word(LABELS[key]):<{width}}  {said(line)}")


def _named(known: tuple[Profile, ...], names: tuple[str, ...],
           manifest: str | None) -> tuple[Profile, ...]:
    """The profiles of `known` that `names` name, in their order (every one without names);
    a `CommandLineError` naming those `known` lacks, and the ones it has."""
    by_name = {profile.name: profile for profile in known}
    missing = [name for name in dict.fromkeys(names) if name not in by_name]
    if missing:
        message = (say(N_("%(names)s: no profile of that name in %(manifest)s (its profiles: "
                          "%(known)s)"), names=Items(tuple(missing)), manifest=manifest,
                       known=Items(tuple(by_name)))
                   if manifest else
                   say(N_("%(names)s: no built-in profile of that name (they are: %(known)s)"),
                       names=Items(tuple(missing)), known=Items(tuple(by_name))))
        raise CommandLineError(message, "PROFILE",
                               say(N_("give the manifest first to list its own profiles"))
                               if not manifest else None)
    return tuple(by_name[name] for name in dict.fromkeys(names)) or known
