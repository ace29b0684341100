"""What `pipeline render` prints once its variants are done: a table of those rendered, the
QC warnings under the variants they are on, the blocked variants with their reasons, the
counts, and each failure's diagnostics, said once for the variants one error failed.

It is separate from the commands (cli/main.py) because it is a concern of its own, the shape
of a batch's report: grouping repeated warnings, blocks and failures so that a campaign of
many languages and profiles reads as a few causes, and fitting the table to the terminal.
"""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from dataclasses import dataclass
from typing import Collection

from pipeline.cli.common import echo, emit, shorten, shorten_paths
from pipeline.cli.language import diagnostic_line, said, said_reason, widest, word
from pipeline.errors import Diagnostic
from pipeline.messages import N_, N_plural, say, say_count
from pipeline.render.reporting import Outcome
from pipeline.render.stored_record import read_record
from pipeline.render.variants import Plan
from pipeline.render.record import LIMITED, limited_once
from pipeline.standards import record_unit


def report_outcomes(outcomes: list[Outcome], quiet: bool) -> int:
    """A summary table on stdout; on stderr, the QC warnings of each variant just rendered (or
    failed) under its name, a count of those up to date that carry some, each blocked variant
    with its reasons, the counts, and every failure's diagnostics, once for the variants that
    failed by the same error. Returns failures."""
    failures = [o for o in outcomes if o.status == "failed"]
    rendered = sorted((o for o in outcomes if o.status in ("rendered", "remade", "failed")),
                      key=lambda o: o.plan.variant.key)
    if not quiet:
        if rendered:
            print_table(rendered)
        print_warnings(rendered)
        kept = [o for o in outcomes if o.status == "up-to-date" and o.warnings]
        if kept:
            echo(said(say_count(N_plural(
                "QC warnings on %(count)s up-to-date variant (listed in catalog.json; --force "
                "renders it again)", "QC warnings on %(count)s up-to-date variants (listed in "
                "catalog.json; --force renders them again)"), len(kept), count=len(kept))),
                err=True)
        # Their errors were printed before the render, far above by now: named again here,
        # once for the variants one cause blocks (a master cut short blocks all of its spot's).
        blocked_by: dict[tuple[str, ...], list[str]] = {}
        for o in outcomes:
            if o.status == "blocked":
                blocked_by.setdefault(tuple(said_reason(reason) for reason in o.plan.reasons),
                                      []).append(o.plan.variant.key)
        for reasons, keys in sorted(blocked_by.items(), key=lambda item: min(item[1])):
            say_blocked(reasons, sorted(keys))
    counts = {status: sum(1 for o in outcomes if o.status == status) for status in COUNTED}
    # Only --fail-fast leaves variants not started, and only a deleted poster, certificate or
    # sidecar variants remade: their counts are there when they say something.
    echo(", ".join(said(say_count(COUNTED[status], n, count=n)) for status, n in counts.items()
                   if n or status not in ("remade", "not started")), err=True)
    held = sorted(o.plan.variant.key for o in outcomes if o.status == "not started")
    if held and not quiet:
        say_list(said(say_count(N_plural("not started (--fail-fast): %(count)s variant: "
                                         "%(variants)s", "not started (--fail-fast): %(count)s "
                                         "variants: %(variants)s"), len(held), count=len(held),
                                variants=", ".join(held))))
    # One error may fail several variants (their shared audio track, the one ffmpeg run that
    # made a group's pictures), or one cause each of them the same way (a truncated master):
    # said once, with the variants it failed.
    failed_by: dict[tuple, list[Outcome]] = {}
    group_of: dict[tuple, tuple] = {}   # an error's diagnostics -> the group it was put in
    for o in failures:
        # The same error first (a group's ffmpeg run names its variants, so its shape differs
        # from variant to variant), then the same shape.
        key = group_of.setdefault(tuple(o.error.diagnostics), _shape(o))
        failed_by.setdefault(key, []).append(o)
    for members in failed_by.values():
        for diagnostic in members[0].error.diagnostics:
            emit(diagnostic)
        if len(members) > 1:
            same = all(o.error.diagnostics == members[0].error.diagnostics for o in members)
            say_list(said(say(N_("  %(count)s variants failed with it: %(variants)s") if same
                              else N_("  %(count)s variants failed the same way: %(variants)s"),
                              count=len(members),
                              variants=", ".join(sorted(o.plan.variant.key for o in members)))))
    return len(failures) + counts["blocked"] + counts["not started"]


# How many of a blocked variant's errors the closing summary says again: all of them were said
# before the render, one a line; a subtitle file's six made a line of 900 characters here.
SAID_AGAIN = 3


def record_times(plan: Plan) -> dict[str, int | None]:
    """Each variant to render's record's modification time (ns; None: none), before the render:
    a record there already may carry the planned fingerprint (`--force`, a file missing beside
    it) before anything is made."""
    def written(path) -> int | None:
        try:
            return path.stat().st_mtime_ns
        except OSError:
            return None
    return {v.variant.key: written(v.variant.record_path)
            for v in plan.variants if v.status == "stale"}


def kept_when_stopped(plan: Plan, before: dict[str, int | None]) -> str:
    """What a render stopped by Ctrl-C kept, in the terminal's language: the variants to render
    whose record was written since `before` (`record_times`) with their fingerprint, of all of
    them. A media team's trial stopped at "49.9 %" and was told only that no partial file was
    left: the 5 kept were radio MP3s, and 6 minutes of shared burns started over."""
    todo = [v for v in plan.variants if v.status == "stale"]
    now = record_times(plan)
    kept = sum(1 for v in todo if now.get(v.variant.key) != before.get(v.variant.key)
               and (read_record(v.variant.record_path) or {}).get("fingerprint") == v.fingerprint)
    return said(say_count(N_plural(
        "%(kept)s of %(count)s variant to render was made and kept before the stop; render "
        "again for the rest (%(left)s), from its start: work in progress is not kept",
        "%(kept)s of %(count)s variants to render were made and kept before the stop; render "
        "again for the rest (%(left)s), from their start: work in progress is not kept"),
        len(todo), kept=kept, count=len(todo), left=len(todo) - kept))


def say_blocked(reasons: tuple[str, ...], keys: list[str]) -> None:
    """The closing summary's lines for the variants `keys` blocked by the same `reasons` (said
    in the terminal's language): one error on the line that names them, the variants under it;
    several errors one a line under the variants, the first `SAID_AGAIN` and a count of the
    rest."""
    if len(reasons) <= 1:
        reason = reasons[0] if reasons else ""
        say_list(said(say(N_("blocked %(variant)s: %(reasons)s"), variant=keys[0],
                          reasons=reason)) if len(keys) == 1 else
                 said(say(N_("blocked %(count)s variants: %(reasons)s"), count=len(keys),
                          reasons=reason)))
    else:
        say_list(said(say_count(N_plural("blocked %(variant)s by %(count)s error:",
                                         "blocked %(variant)s by %(count)s errors:"),
                                len(reasons), variant=keys[0], count=len(reasons)))
                 if len(keys) == 1 else
                 said(say_count(N_plural("blocked %(variants)s variants by %(count)s error:",
                                         "blocked %(variants)s variants by %(count)s errors:"),
                                len(reasons), variants=len(keys), count=len(reasons))))
    if len(keys) > 1:     # under the line that counts them, apart from the errors
        say_list(f"  {', '.join(keys)}")
    if len(reasons) > 1:
        for reason in reasons[:SAID_AGAIN]:
            say_list(f"  - {reason}")
        left = len(reasons) - SAID_AGAIN
        if left > 0:
            say_list(said(say_count(N_plural("  - and %(count)s more, said above",
                                             "  - and %(count)s more, said above"),
                                    left, count=left)))


# How many variants ended each way, as the summary line counts them ("3 rendered, 0 up-to-date").
COUNTED = {"rendered": N_plural("%(count)s rendered", "%(count)s rendered"),
           "remade": N_plural("%(count)s remade", "%(count)s remade"),
           "up-to-date": N_plural("%(count)s up-to-date", "%(count)s up-to-date"),
           "failed": N_plural("%(count)s failed", "%(count)s failed"),
           "blocked": N_plural("%(count)s blocked", "%(count)s blocked"),
           "not started": N_plural("%(count)s not started", "%(count)s not started")}
# A variant's status, in a column of its own (the table's, watch's lines).
STATUS = {"rendered": N_("rendered"), "failed": N_("failed"), "blocked": N_("blocked"),
          "remade": N_("remade"), "up-to-date": N_("up to date")}


def print_warnings(outcomes: list[Outcome], shown: Collection[str] = ()) -> None:
    """On stderr, each QC warning of `outcomes` once, under the variants it is on: a
    language's subtitle warnings are every one of its variants' (21 languages in 6 profiles
    repeated them 126 times), a dub's low sample rate every profile's of it, a master's sound
    every burned and subtitled variant's; a source's limiting once, with each profile's
    figures (`limited_once`). Lines in `shown` (already printed) are left out."""
    limited = _limited_once(outcomes)
    on: dict[str, list[str]] = {}
    for o in outcomes:
        for line in dict.fromkeys(diagnostic_line(limited.get(str(d.path), d)) if d.code == LIMITED
                                  else diagnostic_line(d) for d in o.warnings):
            if line not in shown:
                on.setdefault(line, []).append(o.plan.variant.key)
    warned: dict[tuple[str, ...], list[str]] = {}
    for line, keys in on.items():
        warned.setdefault(tuple(keys), []).append(line)
    for keys, lines in warned.items():
        say_list(f"{', '.join(keys)}: " + said(say_count(N_plural("%(count)s warning",
                                                                  "%(count)s warnings"),
                                                         len(lines), count=len(lines))))
        for line in lines:
            echo(f"  {line}", err=True)


def _limited_once(outcomes: list[Outcome]) -> dict[str, Diagnostic]:
    """{a source's path: its variants' `limited` warnings as one}, where they differ (each
    profile levels its own track: its own figures)."""
    said: dict[str, list] = {}
    for o in outcomes:
        for d in o.warnings:
            if d.code == LIMITED and o.record:
                said.setdefault(str(d.path), []).append(
                    (d, o.plan.variant.profile, o.record["loudness"]))
    return {path: limited_once(found) for path, found in said.items()
            if len({d.message for d, _, _ in found}) > 1}


def _shape(outcome: Outcome) -> tuple:
    """A failure's diagnostics with the variant's own name taken out of them."""
    stem = outcome.plan.variant.stem
    return tuple((d.severity, d.message.replace(stem, "\0"),
                  str(d.path).replace(stem, "\0") if d.path is not None else None,
                  d.line, d.hint, d.code) for d in outcome.error.diagnostics)


def say_list(text: str) -> None:
    """A line that lists variants or their reasons, on stderr, broken to a terminal's width
    (`wrapped`): 21 languages in 6 profiles made one line of 3,000 characters, wrapped by the
    terminal mid-key. Its paths are shortened first (`shorten_paths`, as `echo` would): broken
    at an absolute path's length, a blocked variant's error line ended half-way across."""
    for line in wrapped(shorten_paths(text),
                        shutil.get_terminal_size().columns if sys.stderr.isatty() else None):
        echo(line, err=True)


def wrapped(text: str, width: int | None) -> list[str]:
    """`text` on lines of at most `width` cells, broken at spaces (never at a key's hyphens),
    the lines after the first indented two cells past its indent; `width` None (piped: tools
    and logs read it) keeps it one line."""
    if width is None:
        return [text]
    indent = " " * (len(text) - len(text.lstrip(" ")))
    return textwrap.wrap(text.lstrip(" "), width, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_on_hyphens=False, break_long_words=False) or [text]


@dataclass(frozen=True)
class Row:
    """A rendered variant's row of the table: its campaign and stem, what its render did."""

    campaign: str
    stem: str
    status: str
    seconds: float
    loudness: str
    together: int = 1       # variants one job made at once, `seconds` being the job's

    def cells(self, key: str) -> str:
        """The row's status and seconds after `key`, without its loudness; a job's seconds
        marked `SHARED`: summed, the column would count a job of 4 burns 4 times."""
        status, seconds = _widths()
        return (f"{key} {word(STATUS[self.status]):<{status}} {self.seconds:>{seconds}.1f}"
                f"{SHARED if self.together > 1 else ''}")

    def with_loudness(self, cells: str) -> str:
        """`cells` and the loudness, two cells apart (a shared job's mark takes the first)."""
        return f"{cells}{' ' if self.together > 1 else '  '}{self.loudness}".rstrip()


SHARED = "*"
SHARED_NOTE = N_("%(mark)s made at once with other variants by one job: its seconds are the "
                 "job's")
KEY_LEAST = 12          # a key is shortened no further (the progress bars' least key column)


def _widths() -> tuple[int, int]:
    """The status and seconds columns' widths in the terminal's language: their words' (a
    table's statuses: rendered, remade, failed), at least 9 and 7 cells."""
    status = widest((N_("status"), *(STATUS[s] for s in ("rendered", "remade", "failed"))), 9)
    return status, widest((N_("seconds"),), 7)


def _header(key_width: int) -> str:
    status, seconds = _widths()
    return (f"{word(N_('variant')):<{key_width}} {word(N_('status')):<{status}} "
            f"{word(N_('seconds')):>{seconds}}")


def print_table(rendered: list[Outcome]) -> None:
    """One row per variant, fitted to the terminal's width (`table_lines`)."""
    rows = [Row(o.plan.variant.manifest.campaign, o.plan.variant.stem, o.status, o.seconds,
                loudness_text(o.record["loudness"], record_unit(o.record)) if o.record else "",
                o.together)
            for o in rendered]
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    echo()
    for line in table_lines(rows, width):
        echo(line)
    if any(row.together > 1 for row in rows):
        for line in wrapped(said(say(SHARED_NOTE, mark=SHARED)), width):
            echo(line)


def table_lines(rows: list[Row], width: int | None) -> list[str]:
    """The table's lines: each variant's whole key, status, seconds and loudness on its row.
    Where such a row would be wider than a terminal `width` cells wide (a terminal wraps it
    mid-row onto a second line), the keys lose their campaign, said once on a line above its
    variants, and are shortened from the left if they must; a loudness that does not fit on
    its row goes under it. Each variant's status stays on its row. `width` None (piped
    output: tools and logs read it) keeps every row whole."""
    keys = [f"{row.campaign}/{row.stem}" for row in rows]
    variant, loudness = word(N_("variant")), "  " + word(N_("loudness"))
    key_width = max(len(variant), *map(len, keys))
    whole = [_header(key_width) + loudness] + [
        row.with_loudness(row.cells(f"{key:<{key_width}}"))
        for key, row in zip(keys, rows)]
    if width is None or max(map(len, whole)) <= width:
        return whole
    indent = "  "           # a variant under its campaign's line
    key_width = max(len(variant), *(len(indent + row.stem) for row in rows))
    marked = any(row.together > 1 for row in rows)
    columns = len(_header(0)) - len(variant)     # the status and seconds, with their spaces
    key_width = min(key_width, max(KEY_LEAST, width - columns - marked))
    header = _header(key_width)
    lines = [header + (loudness if len(header) + len(loudness) <= width else "")]
    campaign = None
    for row in rows:
        if row.campaign != campaign:
            campaign = row.campaign
            lines.append(shorten(f"{campaign}/", width))
        room = key_width - len(indent)
        line = row.cells(f"{indent}{shorten(row.stem, room):<{room}}")
        if len(row.with_loudness(line)) <= width:
            lines.append(row.with_loudness(line))
            continue
        # Under its row, indented past the key's start; a long one (a mono file's dual-mono
        # note) on more lines, broken at spaces but never between a figure and its unit
        # (textwrap breaks at ASCII spaces only, not at no-break ones).
        lines.append(line)
        kept = re.sub(r"(\d) ", "\\1\u00a0", row.loudness)
        lines += [part.replace("\u00a0", " ") for part in textwrap.wrap(
            kept, width, initial_indent=2 * indent, subsequent_indent=2 * indent,
            break_on_hyphens=False, break_long_words=False)]
    return lines


def loudness_text(loudness: dict, unit: str) -> str:
    """The meter's figures in `unit` (the profile's standard's: LKFS for ATSC A/85), or what
    they are when undefined (silence)."""
    if loudness.get("integrated_lufs") is None:
        return said(say(N_("silent (loudness undefined)")))
    text = f"{loudness['integrated_lufs']:.1f} {unit} {loudness['true_peak_dbtp']:.1f} dBTP"
    if loudness.get("measured_as") == "dual-mono":
        # Any meter reads a mono file's one channel 3 LU lower: say which figure this is.
        single = loudness.get("single_channel_lufs")
        text += " (" + said(say(N_("mono measured as dual mono; %(level)s %(unit)s on one "
                                   "channel, BS.1770"), level=f"{single:.1f}", unit=unit)
                            if single is not None else
                            say(N_("mono measured as dual mono; undefined on one channel, "
                                   "BS.1770"))) + ")"
    if loudness.get("aimed_lufs") is not None:
        # Under its target on purpose: a radio trial read -23.4 LUFS with no word as a miss.
        text += " (" + said(say(N_("levelled to %(aim)s %(unit)s, under its target, so that its "
                                   "loudest 3 s stay under the short-term limit for spots"),
                                aim=f"{loudness['aimed_lufs']:.2f}", unit=unit)) + ")"
    return text
