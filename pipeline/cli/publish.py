"""`pipeline publish` and `pipeline verify`: plain Click commands that `cli/main.py` adds to its group.

They parse options, call one core function each, and print; errors become
`PATH: error: MESSAGE` lines on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import TARGET_URL, Checked, echo, emit, fails_cleanly, verbosity
from pipeline.errors import PipelineError
from pipeline.manifest import Manifest, load_manifest
from pipeline.messages import N_, plural
from pipeline.publish.i18n import Formats
from pipeline.publish.upload import ObjectResult, PublishReport, parse_duration
from pipeline.publish.upload import publish as publish_campaign
from pipeline.publish.verify import verify as verify_catalog

_size = Formats("en").size  # the terminal speaks English, like every diagnostic


def _object_line(result: ObjectResult) -> None:
    if result.action == "not attempted":
        return  # counted in the summary; the error above says why
    size = _size(result.bytes) if result.bytes else ""
    echo(f"  {result.action:<14} {result.key}  {size}".rstrip())


def _summary(report: PublishReport) -> str:
    """One line; when something went wrong, every object is in exactly one of its counts (they
    add up to the total it gives) and the problems are counted as the errors below show them."""
    unchanged = len(report.skipped)
    if report.ok and report.dry_run:
        return (f"{report.campaign}: dry run: {len(report.uploaded)} object(s) would be uploaded "
                f"({_size(report.bytes_uploaded)}), {unchanged} unchanged, to {report.target}")
    if report.ok and not report.uploaded:
        return (f"{report.campaign}: nothing to upload, all {unchanged} objects already up to "
                f"date at {report.target}")
    parts = [f"{len(report.uploaded)} {'would be uploaded' if report.dry_run else 'uploaded'} "
             f"({_size(report.bytes_uploaded)})", f"{unchanged} unchanged"]
    parts += [f"{count} {action}" for action in ("failed", "not attempted")
              if (count := report.count(action))]
    summary = f"{report.campaign}: {'dry run: ' if report.dry_run else ''}{', '.join(parts)}"
    if report.ok:
        return f"{summary}, to {report.target}"
    return (f"{summary} of {len(report.objects)} objects, to {report.target}; "
            + plural(len(report.problems), "problem"))


def _pruned(report: PublishReport) -> str:
    """One line after the summary: what --prune removed, or would."""
    if not report.removed:
        return f"{report.campaign}: no withdrawn object to remove at {report.target}"
    count = plural(len(report.removed), "withdrawn object")
    if report.dry_run:
        return f"{report.campaign}: dry run: {count} would be removed from {report.target}"
    return f"{report.campaign}: removed {count} from {report.target}"


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
@click.argument("manifests", nargs=-1, required=True, metavar="MANIFEST...",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--to", metavar="URL", type=TARGET_URL,
              help=N_("s3://bucket/prefix, or file://path relative to the current folder "
                      "(default: the manifest's publish.to, file://../dist from the "
                      "manifest's folder)."))
@click.option("--endpoint-url", metavar="URL",
              help=N_("An S3-compatible store (MinIO, Ceph, R2); default: $AWS_ENDPOINT_URL, "
                      "else AWS."))
@click.option("--presign", metavar="DURATION", type=Checked("duration", parse_duration),
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
            report = publish_campaign(manifest, to, endpoint_url, presign, dry_run,
                                      progress=None if verbosity().quiet else _object_line,
                                      prune=prune, along=along)
        except PipelineError as exc:
            for diagnostic in exc.diagnostics:
                emit(diagnostic)
            failed = True
            continue
        if not verbosity().quiet:
            for key in report.removed:
                echo(f"  {'would remove' if dry_run else 'removed':<14} {key}")
        echo(_summary(report))
        if prune and (report.ok or report.removed):   # removed before a deletion failed too
            echo(_pruned(report))
        if report.catalog_updated and report.page_url:
            # A private bucket's plain address answers 403: where its presigned one is.
            link = (f" (private: its presigned address, valid as long as its links, is in "
                    f"{report.page_link}: send that to the stations)") if report.page_link else ""
            echo(f"  page: {report.page_url}{link}")
        for diagnostic in report.diagnostics:
            emit(diagnostic)
        hidden = [d for d in report.diagnostics if d.severity == "warning"]
        if hidden and verbosity().quiet:   # said, if not shown: they may be why a page is stale
            echo(f"{report.campaign}: {plural(len(hidden), 'warning')} not shown (-q)",
                       err=True)
        failed = failed or not report.ok
    if failed:
        raise click.exceptions.Exit(1)


@click.command(help=N_("""Check that every published variant is byte for byte what was rendered.

Reads catalog.json from a folder, a file:// or http(s):// URL, or
s3://bucket/prefix/campaign, fetches every variant it lists and compares its
size and sha256 with the catalog. Exit code 1 if any differs or is missing.

\b
Examples:
  pipeline verify dist/blue-heart
  pipeline verify https://spots.example.org/campaigns/blue-heart/catalog.json
  pipeline verify s3://spots/campaigns/blue-heart"""))
@click.argument("source", metavar="URL_OR_DIR")
@click.option("--endpoint-url", metavar="URL",
              help=N_("An S3-compatible store, for s3:// sources; default: $AWS_ENDPOINT_URL, "
                      "else AWS."))
@fails_cleanly
def verify(source: str, endpoint_url: str | None) -> None:
    report = verify_catalog(source, endpoint_url)
    for check in report.checks:
        status = "ok" if check.ok else "FAILED"
        size = _size(check.bytes) if check.bytes else ""
        echo(f"  {status:<7} {check.file}  {size}  {check.describe()}".rstrip())
        if not check.ok:
            hint = f" (hint: {check.hint})" if check.hint else ""
            echo(f"{check.file}: error: {check.message}{hint}", err=True)
    if not report.checks:
        echo(f"{report.source}: error: the catalog lists no variants", err=True)
    passed = len(report.checks) - len(report.failures)
    echo(f"{report.campaign or report.source}: {passed} of {len(report.checks)} variants "
               f"verified at {report.source}")
    if not report.ok:
        raise click.exceptions.Exit(1)
