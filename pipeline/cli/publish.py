"""`pipeline publish` and `pipeline verify`: plain Click commands that `cli/main.py` adds to its group.

They parse options, call one core function each, and print; errors become
`PATH: error: MESSAGE` lines on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import TARGET_URL, Checked, echo, emit, fails_cleanly, verbosity
from pipeline.cli.language import said, terminal_language, widest, word
from pipeline.errors import PipelineError
from pipeline.manifest import Manifest, load_manifest
from pipeline.messages import N_, Items, N_plural, say, say_count
from pipeline.publish.i18n import Formats
from pipeline.publish.held_back import interrupted
from pipeline.publish.report import ObjectResult, PublishReport
from pipeline.publish.upload import parse_duration
from pipeline.publish.upload import publish as publish_campaign
from pipeline.publish.verify import verify as verify_catalog

# What is done to each object (ObjectResult.action), as its line says it.
ACTIONS = {"uploaded": N_("uploaded"), "unchanged": N_("unchanged"),
           "would upload": N_("would upload"), "failed": N_("failed"),
           "removed": N_("removed"), "would remove": N_("would remove")}


def _size(size: int) -> str:
    """Bytes as the terminal's language writes them ("26.7 MB")."""
    return Formats(terminal_language()).size(size)


def _object_line(result: ObjectResult) -> None:
    if result.action == "not attempted":
        return  # counted in the summary; the error above says why
    if result.action == "unchanged" and not verbosity().verbose:
        return  # counted in the summary: a trial's re-publish printed 1,048 such lines
    _action_line(result.action, result.key, _size(result.bytes) if result.bytes else "")


def _action_line(action: str, key: str, size: str = "") -> None:
    width = widest(ACTIONS.values(), 14)
    echo(f"  {word(ACTIONS.get(action, action)):<{width}} {key}  {size}".rstrip())


def _summary(report: PublishReport) -> str:
    """One line, in the terminal's language; when something went wrong, every object is in
    exactly one of its counts (they add up to the total it gives) and the problems are counted
    as the errors below show them."""
    unchanged = len(report.skipped)
    if report.ok and report.dry_run:
        return said(say_count(N_plural(
            "%(campaign)s: dry run: %(count)s object would be uploaded (%(size)s), %(unchanged)s "
            "unchanged, to %(target)s", "%(campaign)s: dry run: %(count)s objects would be "
            "uploaded (%(size)s), %(unchanged)s unchanged, to %(target)s"), len(report.uploaded),
            campaign=report.campaign, count=len(report.uploaded),
            size=_size(report.bytes_uploaded), unchanged=unchanged, target=report.target))
    if report.ok and not report.uploaded:
        return said(say(N_("%(campaign)s: nothing to upload, all %(count)s objects already up "
                           "to date at %(target)s"), campaign=report.campaign, count=unchanged,
                        target=report.target))
    # Each count with its plural forms: Spanish agrees ("1 subido", "3 subidos").
    parts = [say_count(N_plural("%(count)s would be uploaded (%(size)s)",
                                "%(count)s would be uploaded (%(size)s)") if report.dry_run else
                       N_plural("%(count)s uploaded (%(size)s)", "%(count)s uploaded (%(size)s)"),
                       len(report.uploaded), count=len(report.uploaded),
                       size=_size(report.bytes_uploaded)),
             say_count(N_plural("%(count)s unchanged", "%(count)s unchanged"), unchanged,
                       count=unchanged)]
    parts += [say_count(forms, count, count=count) for action, forms in (
        ("failed", N_plural("%(count)s failed", "%(count)s failed")),
        ("not attempted", N_plural("%(count)s not attempted", "%(count)s not attempted")))
        if (count := report.count(action))]
    summary = say(N_("%(campaign)s: dry run: %(counts)s") if report.dry_run else
                  N_("%(campaign)s: %(counts)s"), campaign=report.campaign,
                  counts=Items(tuple(parts)))
    if report.ok:
        return said(say(N_("%(summary)s, to %(target)s"), summary=summary,
                        target=report.target))
    return said(say(N_("%(summary)s of %(total)s objects, to %(target)s; %(problems)s"),
                    summary=summary, total=len(report.objects), target=report.target,
                    problems=say_count(N_plural("%(count)s problem", "%(count)s problems"),
                                       len(report.problems), count=len(report.problems))))


def _pruned(report: PublishReport) -> str:
    """One line after the summary: what --prune removed, or would."""
    if not report.removed:
        return said(say(N_("%(campaign)s: no withdrawn object to remove at %(target)s"),
                        campaign=report.campaign, target=report.target))
    forms = (N_plural("%(campaign)s: dry run: %(count)s withdrawn object would be removed from "
                      "%(target)s", "%(campaign)s: dry run: %(count)s withdrawn objects would "
                      "be removed from %(target)s") if report.dry_run else
             N_plural("%(campaign)s: removed %(count)s withdrawn object from %(target)s",
                      "%(campaign)s: removed %(count)s withdrawn objects from %(target)s"))
    return said(say_count(forms, len(report.removed), campaign=report.campaign,
                          count=len(report.removed), target=report.target))


def _loaded(manifests: tuple[Path, ...]) -> dict[Path, Manifest | PipelineError]:
    """Each manifest read once, or why it cannot be: the campaigns of those that load are each
    other's related pages, put by the same run; the others' errors are said in their turn."""
    found: dict[Path, Manifest | PipelineError] = {}
    for path in manifests:
        try:
            found[path] = load_manifest(path)
        except PipelineError as exc:
            found[path] = exc
    return found


@click.command(help=N_("""Upload rendered variants, posters and sidecars, then catalog.json and
index.html.

Each file goes to <prefix>/<campaign>/<spot>/<file> with its sha256 in the object's
metadata; a file whose sha256 already matches is not uploaded again, so publishing
twice is safe. The catalog goes last, and only if everything else arrived.
Credentials come from the standard AWS chain (environment, profile, instance role).

Objects under <prefix>/<campaign>/ that the new catalog no longer lists (a language,
profile or spot withdrawn from the manifest) can still be downloaded by a station with
their address: a warning names them, and --prune removes them.

\b
Examples:
  pipeline publish manifests/blue-heart.yaml
  pipeline publish manifests/*.yaml --to s3://spots/campaigns
  pipeline publish manifests/blue-heart.yaml --to s3://private-spots --presign 7d
  pipeline publish manifests/blue-heart.yaml --to s3://spots --endpoint-url http://127.0.0.1:9000
  pipeline publish manifests/blue-heart.yaml --to s3://spots/campaigns --prune --dry-run"""))
@click.argument("manifests", nargs=-1, required=True, metavar=N_("MANIFEST..."),
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--to", metavar=N_("URL"), type=TARGET_URL,
              help=N_("s3://bucket/prefix, or file://path relative to the current folder "
                      "(default: the manifest's publish.to, file://../dist from the "
                      "manifest's folder)."))
@click.option("--endpoint-url", metavar=N_("URL"),
              help=N_("An S3-compatible store (MinIO, Ceph, R2); default: $AWS_ENDPOINT_URL, "
                      "else AWS."))
@click.option("--presign", metavar=N_("DURATION"), type=Checked("duration", parse_duration),
              help=N_("Put presigned links valid this long (90m, 12h, 7d; at most 7d) in the "
                      "catalog, for a private bucket."))
@click.option("--prune", is_flag=True,
              help=N_("Remove the withdrawn objects under the campaign (not in this publish's "
                      "catalog), once everything else arrived; with --dry-run, say which."))
@click.option("--dry-run", is_flag=True, help=N_("Show what would be uploaded; upload nothing."))
@fails_cleanly
def publish(manifests: tuple[Path, ...], to: str | None, endpoint_url: str | None,
            presign: str | None, prune: bool, dry_run: bool) -> None:
    failed = False
    loaded = _loaded(manifests)
    along = frozenset(m.campaign for m in loaded.values() if isinstance(m, Manifest))
    for manifest in loaded.values():
        try:
            if isinstance(manifest, PipelineError):
                raise manifest
            # -q: only errors, warnings and the summary, as `render -q`.
            try:
                report = publish_campaign(manifest, to, endpoint_url, presign, dry_run,
                                          progress=None if verbosity().quiet else _object_line,
                                          prune=prune, along=along)
            except KeyboardInterrupt as stop:
                for diagnostic in interrupted(manifest, getattr(stop, "report", None)):
                    emit(diagnostic)
                raise
        except PipelineError as exc:
            for diagnostic in exc.diagnostics:
                emit(diagnostic)
            failed = True
            continue
        if not verbosity().quiet:
            for key in report.removed:
                _action_line("would remove" if dry_run else "removed", key)
        echo(_summary(report))
        if prune and (report.ok or report.removed):   # removed before a deletion failed too
            echo(_pruned(report))
        if report.catalog_updated and report.page_url:
            # A private bucket's plain address answers 403: where its presigned one is.
            link = say(N_(" (private: its presigned address, valid as long as its links, is "
                          "in %(file)s: send that to the stations)"),
                       file=str(report.page_link)) if report.page_link else ""
            echo("  " + said(say(N_("page: %(url)s%(link)s"), url=report.page_url, link=link)))
        for diagnostic in report.diagnostics:
            emit(diagnostic)
        hidden = [d for d in report.diagnostics if d.severity == "warning"]
        if hidden and verbosity().quiet:   # said, if not shown: they may be why a page is stale
            echo(said(say_count(N_plural("%(campaign)s: %(count)s warning not shown (-q)",
                                         "%(campaign)s: %(count)s warnings not shown (-q)"),
                                len(hidden), campaign=report.campaign, count=len(hidden))),
                 err=True)
        failed = failed or not report.ok
    if failed:
        raise click.exceptions.Exit(1)


VERIFIED = (N_("ok"), N_("FAILED"))     # a file's line: as it was rendered, or not


@click.command(help=N_("""Check that every published variant is byte for byte what was rendered.

Reads catalog.json from a folder, a file:// or http(s):// URL, or
s3://bucket/prefix/campaign, fetches every variant it lists and compares its
size and sha256 with the catalog. Exit code 1 if any differs or is missing.

\b
Examples:
  pipeline verify dist/blue-heart
  pipeline verify https://spots.example.org/campaigns/blue-heart/catalog.json
  pipeline verify s3://spots/campaigns/blue-heart"""))
@click.argument("source", metavar=N_("URL_OR_DIR"))
@click.option("--endpoint-url", metavar=N_("URL"),
              help=N_("An S3-compatible store, for s3:// sources; default: $AWS_ENDPOINT_URL, "
                      "else AWS."))
@fails_cleanly
def verify(source: str, endpoint_url: str | None) -> None:
    report = verify_catalog(source, endpoint_url)
    width = widest(VERIFIED, 7)
    for check in report.checks + report.files:
        if check.ok and verbosity().quiet:
            continue          # -q: the files that failed and the summary (a station's script)
        status = word(VERIFIED[0] if check.ok else VERIFIED[1])
        # The catalog's size and figures, of a file found to be its bytes; of one that is not
        # (missing, other bytes), they would read as measured on it: its error says what it is.
        size = _size(check.bytes) if check.bytes and check.ok else ""
        echo(f"  {status:<{width}} {check.file}  {size}  "
             f"{check.describe() if check.ok else ''}".rstrip())
        if check.problem is not None:
            emit(check.problem)
    if not report.checks:
        echo(f"{report.source}: {word('error')}: "
             + said(say(N_("the catalog lists no variants"))), err=True)
    passed = sum(1 for check in report.checks if check.ok)
    echo(said(say_count(N_plural("%(what)s: %(passed)s of %(count)s variant verified at "
                                 "%(source)s", "%(what)s: %(passed)s of %(count)s variants "
                                 "verified at %(source)s"), len(report.checks),
                        what=report.campaign or report.source, passed=passed,
                        count=len(report.checks), source=report.source)))
    if report.files:
        passed = sum(1 for check in report.files if check.ok)
        echo(said(say_count(N_plural("%(what)s: %(passed)s of %(count)s attached file "
                                     "(subtitles, certificates) and checksum list verified",
                                     "%(what)s: %(passed)s of %(count)s attached files "
                                     "(subtitles, certificates) and checksum lists verified"),
                            len(report.files),
                            what=report.campaign or report.source, passed=passed,
                            count=len(report.files))))
    if not report.ok:
        raise click.exceptions.Exit(1)
