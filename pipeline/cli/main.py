"""The `pipeline` command: parses options, calls one core function, prints.

Domain errors become `PATH:LINE: error: MESSAGE` on stderr and exit code 1; Click's usage
errors stay exit code 2.
"""

from __future__ import annotations

import copy
import functools
import importlib
import sys
from contextlib import nullcontext
from pathlib import Path

import click

from pipeline import __version__
from pipeline.cli.common import (
    TARGET_URL,
    campaign_locked,
    echo,
    emit,
    fails_cleanly,
    left_out_summary,
    name_the_environment_variable,
    verbosity,
    verbosity_options,
    with_selectors,
)
from pipeline.cli.language import (
    help_text,
    said,
    said_reasons,
    speak_help,
    widest,
    word,
    word_or,
)
from pipeline.cli.outcomes import kept_when_stopped, record_times, report_outcomes
from pipeline.cli.progress import make_reporter, planning
from pipeline.cli.plan_report import (
    PLAN_STATUS,
    TO_COMPLETE,
    plan_json,
    plan_masters,
    plan_summary,
    report_plan_diagnostics,
    report_strays,
    report_summary,
    said_counts,
    unplanned_summary,
)
from pipeline.messages import N_, N_plural, say, say_count
from pipeline.publish.catalog import write_catalog_through
from pipeline.render.batch import render_plan
from pipeline.render.inputs import PROBES_AT_ONCE
from pipeline.render.machine import default_jobs
from pipeline.render.plan import build_plan
from pipeline.render.remote import Store
from pipeline.render.variants import Selection

# The metavar Click would write ("MANIFESTS..."), as a msgid: said in the terminal's language.
MANIFESTS = click.argument("manifests", nargs=-1, required=True, metavar=N_("MANIFESTS..."),
                           type=click.Path(dir_okay=False, path_type=Path))

# How many of a variant's reasons its one line in `plan` (and `render --dry-run`) says: a
# blocked one's errors are said in full above it, one a line, and counted past its first.
ERRORS_ON_A_LINE = {"blocked": 1}


class LazyGroup(click.Group):
    """Commands defined in other modules are imported when run (or listed by --help), so that
    `render` does not pay for the publishing and translators' stacks (boto3's, Jinja's, the
    file watcher's): ~0.1 s a start. Click's documented "lazily loading subcommands" pattern."""

    LAZY = {"clean": "pipeline.cli.clean", "check": "pipeline.cli.translate",
            "preview": "pipeline.cli.preview", "watch": "pipeline.cli.translate",
            "publish": "pipeline.cli.publish", "verify": "pipeline.cli.publish",
            "profiles": "pipeline.cli.profiles"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.LAZY:
            return super().get_command(ctx, name)
        return _imported_command(self.LAZY[name], name)

    def invoke(self, ctx: click.Context):
        try:   # a subcommand's options are parsed, and Click's own checks raised, in here
            return super().invoke(ctx)
        except click.BadParameter as exc:
            name_the_environment_variable(exc)
            raise


def _imported_command(module: str, name: str) -> click.Command:
    # Said in the terminal's language of the moment on a copy: the module's own command keeps
    # its English (a test's Spanish `preview` left the next test's `preview --help` Spanish).
    return speak_help(copy.deepcopy(_with_options(module, name)))


@functools.cache   # options are added once, however often a command is looked up (tests do)
def _with_options(module: str, name: str) -> click.Command:
    return verbosity_options(getattr(importlib.import_module(module), name))


@click.group(cls=LazyGroup, context_settings={"auto_envvar_prefix": "PIPELINE",
                                               "help_option_names": ["-h", "--help"]},
             help=N_("""Render every language variant of a campaign from its manifest.

\b
Examples:
  pipeline validate manifests/blue-heart.yaml
  pipeline plan manifests/*.yaml
  pipeline render manifests/blue-heart.yaml --lang nah -j 2

-v and -q go before or after the command's name."""))
@verbosity_options
@click.version_option(__version__, "--version", prog_name="pipeline")
def cli() -> None:
    # The help is Click's `help=`, not this function's docstring: a msgid said in the
    # terminal's language (`speak_help`), as every command's.
    pass


@cli.command(help=N_("""Check manifests, media, subtitles and fonts; render nothing.

Every problem is reported in one run as PATH:LINE: error: MESSAGE.

\b
Example:
  pipeline validate manifests/blue-heart.yaml"""))
@MANIFESTS
@fails_cleanly
def validate(manifests: tuple[Path, ...]) -> None:
    plan = build_plan(manifests)
    # What planning hashed, probed and analysed, kept as `plan` keeps it: a translator's
    # validate run again decoded every input again (a trial's 49: 9-12 s a run, 0.7 s now).
    plan.save_caches()
    report_plan_diagnostics(plan)
    echo(f"{plan_summary(plan)}; {said_counts(plan)}", err=True)
    if plan.errors:
        sys.exit(1)


@cli.command("plan", help=N_("""Show every variant (spot x language x profile) and whether it
must be rendered.

\b
Example:
  pipeline plan manifests/blue-heart.yaml --lang nah
  pipeline plan manifests/blue-heart.yaml --json | jq '.variants[] | select(.status=="stale")'"""))
@MANIFESTS
@with_selectors
@click.option("--json", is_flag=True, help=N_("Print the plan as JSON."))
@fails_cleanly
def plan_command(manifests, spot, lang, profile, json: bool) -> None:
    plan = build_plan(manifests, selection=Selection(spot, lang, profile))
    plan.save_caches()
    masters = plan_masters(plan)
    whole = not (spot or lang or profile)
    if json:
        click.echo(plan_json(plan, masters, whole))
    else:
        report_plan_diagnostics(plan)
        # What no spot makes (a radio spot's subtitled languages, a video spot's radio
        # profiles) is listed when asked for: a trial's 21-language campaign printed 476 such
        # lines among its 364 variants. The summary counts them; --json lists them.
        shown = verbosity().verbose or not whole
        listed = plan.variants + (plan.skipped if shown else [])
        width = max((len(v.variant.key) for v in listed), default=0)   # columns line up
        said_width = widest([*PLAN_STATUS.values(), TO_COMPLETE], 11)
        for v in listed:
            reasons = f"  ({said_reasons(v.reasons, ERRORS_ON_A_LINE.get(v.status))})" \
                if v.reasons else ""
            status = word_or(PLAN_STATUS[v.status], TO_COMPLETE) if v.remake \
                else word(PLAN_STATUS[v.status])
            echo(f"{status:<{said_width}} {v.variant.key:<{width}} "
                 f"{v.variant.treatment:<5}{reasons}")
        # How each master's picture will be read (scan, shape) and where its timecode and
        # its masters' start, on stderr: stdout stays one line per variant for scripts. Not
        # with -q (errors and the summary only).
        for (campaign, spot), (master, starts) in ({} if verbosity().quiet else masters).items():
            echo(said(say(N_("master %(spot)s: %(summary)s"), spot=f"{campaign}/{spot}",
                          summary=master.summary_message())), err=True)
            for name, (file, programme) in starts.items():
                echo("  " + said(say(N_("profile %(profile)s: file from %(file)s, programme "
                                        "from %(programme)s"), profile=repr(name), file=file,
                                     programme=programme)), err=True)
        report_strays(plan, whole)
        if plan.skipped and not shown:
            echo(said(say_count(N_plural(
                "%(count)s variant no spot makes (not applicable, skipped) is not listed: "
                "'plan -v' lists it with its reason",
                "%(count)s variants no spot makes (not applicable, skipped) are not listed: "
                "'plan -v' lists them with their reasons"), len(plan.skipped),
                count=len(plan.skipped))), err=True)
        report_summary(plan)
    if plan.errors:
        sys.exit(1)


@cli.command(help=N_("""Render every stale variant; keep going past failures and report them
all at the end.

\b
Examples:
  pipeline render manifests/blue-heart.yaml
  pipeline render manifests/blue-heart.yaml --lang nah --profile web --force
  pipeline render manifests/blue-heart.yaml --strict
  pipeline render manifests/*.yaml -j 2 --dry-run
  pipeline render manifests/*.yaml --executor dask --scheduler tcp://10.0.0.5:8786
  pipeline render manifests/*.yaml --executor dask --scheduler tcp://10.0.0.5:8786 \\
      --store s3://render-cache/blue-heart"""))
@MANIFESTS
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, metavar=N_("N"),
              help=help_text(N_("Render jobs at once, never more picture encodes than cores "
                                "(default: one more than cores, fewer if memory is short). "
                                "Planning probes up to %(probes)s inputs at once whatever -j "
                                "says."), probes=PROBES_AT_ONCE))
@with_selectors
@click.option("--force", is_flag=True, help=N_("Render even what is up to date."))
@click.option("--dry-run", is_flag=True,
              help=N_("Print what would be rendered, and why; run nothing."))
@click.option("--fail-fast", is_flag=True, help=N_("Stop at the first failed variant."))
@click.option("--wait", type=click.FloatRange(0), default=None, metavar=N_("SECONDS"),
              help=N_("Wait at most this long for another render of the campaign to finish, "
                      "then fail (default: as long as it takes)."))
@click.option("--strict", is_flag=True,
              help=N_("Exit 1 when a selected variant carries QC warnings (loudness, subtitles, "
                      "lengths)."))
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help=N_("Where renders run: local processes, or the workers of a Dask cluster."))
@click.option("--scheduler", metavar=N_("ADDRESS"),
              help=N_("The Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask)."))
@click.option("--store", metavar=N_("URL"), type=TARGET_URL,
              help=N_("With --executor dask: move inputs and outputs through this object store "
                      "(s3://bucket/prefix) for workers that share no disk with this machine."))
@click.option("--endpoint-url", metavar=N_("URL"), help=N_("S3-compatible endpoint of --store."))
@fails_cleanly
def render(manifests, jobs, spot, lang, profile, force, dry_run, fail_fast, wait, strict,
           executor, scheduler, store, endpoint_url) -> None:
    if executor == "dask" and not scheduler:
        raise click.UsageError(said(say(N_("--executor dask needs --scheduler ADDRESS"))))
    if store and executor != "dask":
        raise click.UsageError(said(say(N_("--store goes with --executor dask"))))
    # Planning too: a render waiting for another of its campaign plans from what that one
    # left (render/lock.py). A dry run writes nothing a render does: no lock.
    with nullcontext() if dry_run else campaign_locked(manifests, "render", wait):
        with planning(len(manifests), quiet=verbosity().quiet or dry_run):
            plan = build_plan(manifests, force=force, selection=Selection(spot, lang, profile))
        if dry_run:
            report_plan_diagnostics(plan)
            actions = [N_("blocked"), N_("would remake"), N_("would render")]
            width = widest(actions)
            for v in plan.variants:
                if v.status != "up-to-date":
                    action = actions[0 if v.status == "blocked" else 1 if v.remake else 2]
                    echo(f"{word(action):<{width}} "
                         f"{v.variant.key}  "
                         f"({said_reasons(v.reasons, ERRORS_ON_A_LINE.get(v.status))})")
            report_strays(plan, whole=not (spot or lang or profile))
            report_summary(plan)
            plan.save_caches()
            sys.exit(1 if plan.errors else 0)
        # Warnings of the variants about to be rendered are printed with them, after the render.
        later = {d for v in plan.variants if v.status == "stale" for d in v.warnings}
        for diagnostic in plan.diagnostics:
            if diagnostic not in later:
                emit(diagnostic)
        jobs = jobs or default_jobs()
        reporter = make_reporter(plan, quiet=verbosity().quiet)
        before = record_times(plan)
        try:
            with reporter:
                outcomes = render_plan(plan, jobs=jobs, fail_fast=fail_fast, reporter=reporter,
                                       scheduler=scheduler if executor == "dask" else None,
                                       store=Store(store, endpoint_url) if store else None)
        except KeyboardInterrupt:
            echo(kept_when_stopped(plan, before), err=True)
            raise
        finally:
            # Interrupted too: the catalog lists the files in place, those made before the Ctrl-C.
            # A record it cannot list is reported, and the others are listed all the same.
            unlisted = [problem for manifest in plan.manifests
                        for problem in write_catalog_through(manifest)]
            for problem in unlisted:
                emit(problem)
    failed = report_outcomes(outcomes, quiet=verbosity().quiet)
    # After the counts: "0 rendered" alone read as nothing to do.
    for sentence in unplanned_summary(plan) + [left_out_summary(plan.left_out)]:
        if sentence:
            echo(sentence, err=True)
    if plan.errors and not (failed or plan.unplanned or plan.count("blocked")):
        # A trial's "0 rendered, 12 up-to-date, 0 failed, 0 blocked" exited 1 for an error of
        # the page's contact, said above the bars and gone from sight.
        errors = len(dict.fromkeys(plan.errors))
        echo(said(say_count(N_plural("exit code 1: %(count)s error said above",
                                     "exit code 1: %(count)s errors said above"),
                            errors, count=errors)), err=True)
    report_strays(plan, whole=not (spot or lang or profile))   # after the counts: read last
    warned = [o for o in outcomes
              if o.status in ("rendered", "remade", "up-to-date") and o.warnings]
    if strict and warned:
        echo(said(say_count(N_plural("--strict: QC warnings on %(count)s variant",
                                     "--strict: QC warnings on %(count)s variants"),
                            len(warned), count=len(warned))), err=True)
    if failed or plan.errors or unlisted or (strict and warned):
        sys.exit(1)


def main() -> None:
    cli(prog_name="pipeline")


for _command in cli.commands.values():
    speak_help(verbosity_options(_command))
speak_help(cli)


if __name__ == "__main__":
    # `python -m pipeline.cli.main`, as a reader of this file may try: it ran the module and
    # exited 0 with nothing said. The commands are imported by then (this module, as
    # `__main__`); `python -m pipeline` is the entry that holds an early Ctrl-C.
    main()
