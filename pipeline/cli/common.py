"""What every command module shares: verbosity options, printing diagnostics and other lines
for a person (paths as they know them), and turning errors into exit codes."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import signal
import sys
import threading
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

import click

from pipeline.cli import STOP_SIGNALS, HeldInterrupt
from pipeline.cli.language import diagnostic_line, said, word
from pipeline.errors import CommandLineError, Diagnostic, PipelineError, internal_error, note
from pipeline.manifest import load_manifest
from pipeline.manifest.model import Concern
from pipeline.publish.target import check_target_url
from pipeline.messages import N_, Items, Message, N_plural, say, say_count
from pipeline.render.lock import Holder, campaign_lock
from pipeline.render.strays import remove_abandoned
from pipeline.render.variants import FILTERS


@dataclass
class Verbosity:
    """`-v` (repeatable) and `-q`, wherever they were typed: before or after the subcommand."""

    verbose: int = 0
    quiet: bool = False

    @property
    def level(self) -> int:
        if self.verbose >= 2:
            return logging.DEBUG
        if self.verbose == 1:
            return logging.INFO
        return logging.ERROR if self.quiet else logging.WARNING


def verbosity(ctx: click.Context | None = None) -> Verbosity:
    ctx = ctx or click.get_current_context(silent=True)
    if ctx is None:
        return Verbosity()
    return ctx.find_root().ensure_object(Verbosity)


def _set_verbosity(ctx: click.Context, param: click.Parameter, value) -> None:
    state = verbosity(ctx)
    if param.name == "verbose":
        state.verbose += value
    elif value:
        state.quiet = True
    logging.basicConfig(format="%(message)s", stream=_CurrentStderr())
    # -v and -vv are the pipeline's own lines (its ffmpeg commands); the libraries' stay at
    # warnings: a trial's `publish -vv` had fontTools' "Decompiling 'maxp' table" among them.
    logging.getLogger().setLevel(max(state.level, logging.WARNING))
    logging.getLogger("pipeline").setLevel(state.level)


class _CurrentStderr:
    """Whatever `sys.stderr` is when a line is logged, not when logging was set up: while the
    progress bars are drawn, rich puts its own there, which prints above the bars instead of
    through them."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def verbosity_options(command):
    """`-v/--verbose` and `-q/--quiet`, accepted by the group and by every subcommand."""
    command = click.option("-q", "--quiet", is_flag=True, expose_value=False, is_eager=True,
                           callback=_set_verbosity,
                           help=N_("Only errors and the final summary."))(command)
    return click.option("-v", "--verbose", count=True, expose_value=False, is_eager=True,
                        callback=_set_verbosity,
                        help=N_("Show more: -v the ffmpeg commands, -vv debug details."))(command)


# The one manifest a translator's command (preview, watch) reads.
MANIFEST = click.argument("manifest", metavar=N_("MANIFEST"),
                          type=click.Path(dir_okay=False, path_type=Path))


# Each parameter is named after its option, so that Click's auto_envvar_prefix reads
# PIPELINE_RENDER_LANG for --lang (PIPELINE_WATCH_LANG for watch's), as the contract's
# PIPELINE_<OPTION> promises.
SELECTORS = [
    click.option("--spot", multiple=True, metavar=N_("ID"),
                 help=N_("Only this spot (repeatable).")),
    click.option("--lang", multiple=True, metavar=N_("CODE"),
                 help=N_("Only this language (repeatable).")),
    click.option("--profile", multiple=True, metavar=N_("NAME"),
                 help=N_("Only this profile (repeatable).")),
]


def with_selectors(command):
    """`--spot`, `--lang` and `--profile`, as `plan`, `render` and `watch` take them."""
    for option in reversed(SELECTORS):
        command = option(command)
    return command


class Checked(click.ParamType):
    """An option's value that `check` refuses with a `PipelineError` is a command-line mistake
    (exit 2), not a manifest's error: `--to` and `--store` of a kind nothing here writes to
    (ftp://, s3:// without a bucket), a `--presign` duration too long."""

    def __init__(self, name: str, check: Callable[[str], object]):
        self.name, self._check = name, check

    def convert(self, value, param, ctx):
        try:
            self._check(value)
        except PipelineError as exc:
            # In the terminal's language, as `usage_error` says the core's (a Spanish terminal
            # read "Valor inválido para '--store': cannot publish to ...").
            hint = f" ({word('hint')}: {said(exc.said_hint, exc.hint)})" if exc.hint else ""
            self.fail(said(exc.said_message, exc.message) + hint, param, ctx)
        return value


TARGET_URL = Checked("url", check_target_url)


def shorten_paths(text: str) -> str:
    """`text` with every absolute path under the current folder written relative to it, as
    compilers and linters (gcc, ruff) name files: in /home/ana/campaign,
    `/home/ana/campaign/subtitles/nah.srt:3: error: ...` is `subtitles/nah.srt:3: error: ...`.
    Any other path stays as it is: one elsewhere absolute, since `../../media/x.mp4` climbing
    out of the folder is harder to read than where the file is; and all of them in `/`, where
    `tmp/x` would read as a folder of the reader's project. The manifest loader resolves the
    paths it reads, as `os.getcwd()` is, so each is matched in its absolute form, in the
    message as in the `PATH:LINE:` prefix; the path of a URL (`file:///...`) is left alone.

    Only for what a person reads: `--json`, records and the catalog keep absolute paths, which
    name the same file from any folder a tool runs in."""
    try:
        here = os.getcwd()
    except OSError:         # the current folder was deleted: nothing is under it
        return text
    if here == os.sep:
        return text
    # Where a path starts (not inside another, `/mnt/x/campaign/`, or a URL), and up to the
    # folder's `/`: `/x/campaign-old/a.srt` is not under `/x/campaign`.
    return re.sub(rf"(?<![\w.~/-]){re.escape(os.path.join(here, ''))}", "", text)


# Control characters a person's line shows as `\x07` (a name's BEL, from YAML's "\a", rang the
# terminal's bell and was printed as nothing); new lines and tabs are the line's own.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def echo(text: str = "", err: bool = False) -> None:
    """A line for a person, on stdout or (`err`) stderr, its paths shortened (`shorten_paths`);
    what tools read (`--json`) goes out through `click.echo` as it is. A name's bytes that are
    no UTF-8 (`files.name_not_utf8`) are shown as `\\xf1`, as `ls` and Python show them, and
    control characters (`CONTROL`) likewise."""
    shown = shorten_paths(text).encode("utf-8", "surrogateescape")
    click.echo(CONTROL.sub(lambda match: f"\\x{ord(match[0]):02x}",
                           shown.decode("utf-8", "backslashreplace")), err=err)


def shorten(text: str, width: int) -> str:
    """`text` in at most `width` cells, its beginning replaced by "…" when it is too long: the
    end of a variant's key (language and profile) is what tells variants apart."""
    from rich.cells import cell_len     # here, not above: rich is imported only when needed

    if cell_len(text) <= width:
        return text
    cells = 0
    for index in range(len(text) - 1, -1, -1):
        cells += cell_len(text[index])
        if cells > width - 1:
            return "…" + text[index + 1:]
    return text


def emit(diagnostic: Diagnostic) -> None:
    """A diagnostic on stderr; with -q, errors only."""
    if diagnostic.severity == "error" or not verbosity().quiet:
        echo(diagnostic_line(diagnostic), err=True)


INTERRUPTED = N_("interrupted: no partial files were left under final names")


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where Ctrl-C raises `KeyboardInterrupt`: every clean-up made
    for Ctrl-C (ffmpegs killed, temporary folders and partial files removed, the catalog
    finished) runs for them too, and `fails_cleanly` exits with 128 + `signum`."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def stop_signal(exc: KeyboardInterrupt) -> int:
    """The signal that `exc` stands for (SIGINT unless it is a `Stopped`)."""
    return exc.signum if isinstance(exc, Stopped) else signal.SIGINT


def interrupted_message(exc: KeyboardInterrupt) -> str:
    """What Ctrl-C (or SIGTERM, SIGHUP) left, in the terminal's language."""
    signum = stop_signal(exc)
    if signum == signal.SIGINT:
        return said(say(INTERRUPTED))
    return said(say(N_("stopped by %(signal)s: no partial files were left under final names"),
                    signal=signal.Signals(signum).name))


@contextlib.contextmanager
def interrupts_once():
    """Within: the first Ctrl-C raises `KeyboardInterrupt` (SIGTERM or SIGHUP: `Stopped`), and
    later ones, of any of the three, are ignored from that instant until the process ends, so
    none can cut the clean-up short (one landing between two of its steps, say just after a
    lock was taken, would leave a traceback, partial files or a thread waiting forever). One
    held since the console script started (`HeldInterrupt`) ends the command at once. Outside
    the main thread, where no handler can be set, a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    interrupted = []

    def interrupt_once(signum, frame) -> None:
        for each in STOP_SIGNALS:
            signal.signal(each, signal.SIG_IGN)
        interrupted.append(True)
        raise KeyboardInterrupt if signum == signal.SIGINT else Stopped(signum)

    previous = {signum: signal.signal(signum, interrupt_once) for signum in STOP_SIGNALS}
    try:
        held = previous[signal.SIGINT]
        if isinstance(held, HeldInterrupt) and held.pressed:
            interrupt_once(held.signum, None)      # received before the command started
        yield
    finally:
        if not interrupted:   # after an interrupt the process is on its way out: keep ignoring
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def environment_variable(ctx: click.Context | None, param: click.Parameter | None) -> str | None:
    """The environment variable `param`'s value was read from, or None when it was typed (or
    defaulted)."""
    if ctx is None or param is None or param.name is None or \
            ctx.get_parameter_source(param.name) != click.core.ParameterSource.ENVIRONMENT:
        return None
    return param.envvar or f"{ctx.auto_envvar_prefix}_{param.name.upper()}"


def usage_error(exc: CommandLineError) -> click.UsageError:
    """A value the core found wrong, as Click reports its own usage errors (exit code 2), saying
    which environment variable gave it when none was typed (`PIPELINE_RENDER_LANG=nahh` read as
    `--lang nahh`)."""
    ctx = click.get_current_context(silent=True)
    hint = f" ({word('hint')}: {said(exc.said_hint, exc.hint)})" if exc.hint else ""
    param = next((p for p in ctx.command.params if exc.option in getattr(p, "opts", ())),
                 None) if ctx is not None else None
    name = environment_variable(ctx, param)
    source = " (" + said(say(N_("from the environment variable %(name)s"), name=name)) + ")" \
        if name else ""
    return click.UsageError(said(exc.said_message, exc.message) + source + hint, ctx)


def name_the_environment_variable(exc: click.BadParameter) -> None:
    """Click's own check of a value (`-j abc`: "Invalid value for '-j' / '--jobs'") names the
    variable it was read from instead of an option nobody typed (`PIPELINE_RENDER_JOBS=abc`)."""
    name = environment_variable(exc.ctx, exc.param)
    if name and exc.param_hint is None:
        exc.param_hint = f"the environment variable {name}"


def fails_cleanly(command):
    """Turn domain errors (and OS errors on users' files) into diagnostics and exit 1, and a
    wrong command-line value into a usage error (exit 2); an unexpected exception is one line
    and exit 1 too, its traceback shown only with -vv."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            with interrupts_once():
                return command(*args, **kwargs)
        except CommandLineError as exc:
            raise usage_error(exc) from None
        except PipelineError as exc:
            for diagnostic in exc.diagnostics:
                emit(diagnostic)
            sys.exit(1)
        except BrokenPipeError:
            # Whoever read the output stopped (`| head`): nothing is wrong to say. The output
            # goes nowhere from now on, so that the interpreter's last flush says nothing too.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            echo(f"{where}error: {exc.strerror or exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt as exc:
            echo(interrupted_message(exc), err=True)
            sys.exit(128 + stop_signal(exc))
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - a bug: one line for users, details with -vv
            if verbosity().verbose >= 2:
                traceback.print_exc()
            for diagnostic in internal_error(exc).diagnostics:
                emit(diagnostic)
            sys.exit(1)
    return wrapper


# What a selection leaves out, by FILTERS' kind: their plural, and one of them named.
_KINDS = {"spot": N_("spots"), "language": N_("languages"), "profile": N_("profiles")}
_NAMED = {"spot": N_plural("spot %(names)s", "spots %(names)s"),
          "language": N_plural("language %(names)s", "languages %(names)s"),
          "profile": N_plural("profile %(names)s", "profiles %(names)s")}
_COUNTED = {"error": N_plural("%(count)s error", "%(count)s errors"),
            "warning": N_plural("%(count)s warning", "%(count)s warnings"),
            "note": N_plural("%(count)s note", "%(count)s notes")}
NOT_SELECTED = N_("not selected")


def left_out_summary(left_out: dict[Diagnostic, set[Concern]], which: str = NOT_SELECTED,
                     see: Message | None = None) -> str | None:
    """One line, in the terminal's language, for the diagnostics of the spots, languages and
    profiles a command left out (`Plan.left_out`): an engineer rendering one profile is not
    shown, nor failed by, another's problems, and is told they are there (`1 error and 2
    warnings in profiles not selected (tv): run without --profile to see them`). `which` is
    a msgid; `see`, what to run instead."""
    if not left_out:
        return None
    counts = Items(tuple(say_count(_COUNTED[severity], n, count=n)
                         for severity in ("error", "warning", "note")
                         if (n := sum(1 for d in left_out if d.severity == severity))),
                   ", ", " and ")
    names = {what: sorted({name for concerns in left_out.values()
                           for kind, name in concerns if kind == what})
             for _, what, _ in FILTERS}
    kinds = [(option, what) for option, what, _ in FILTERS if names[what]]
    listed = Items(tuple(say_count(_NAMED[what], len(names[what]),
                                   names=Items(tuple(names[what]))) if len(kinds) > 1
                         else Items(tuple(names[what])) for _, what in kinds), "; ")
    see = see or say(N_("run without %(options)s"),
                     options=Items(tuple(option for option, _ in kinds), ", ", " and "))
    return said(say(N_("%(counts)s in %(kinds)s %(which)s (%(listed)s): %(see)s to see them"),
                    counts=counts, kinds=Items(tuple(say(_KINDS[what]) for _, what in kinds),
                                               ", ", " and "),
                    which=say(which), listed=listed, see=see))


def say_waiting(holder: Holder) -> None:
    """What a command that waits for another's lock on its campaign says, once, on stderr."""
    started = datetime.fromtimestamp(holder.started).strftime("%H:%M") if holder.started else None
    who = (say(N_("pid %(pid)s, started %(time)s"), pid=holder.pid, time=started)
           if holder.pid and started else say(N_("pid %(pid)s"), pid=holder.pid) if holder.pid
           else say(N_("another process, started %(time)s"), time=started) if started
           else say(N_("another process")))
    # The command's name as it is typed ("render", "clean --delete").
    echo(said(say(N_("%(folder)s: waiting for another %(command)s of this campaign (%(who)s) to "
                     "finish..."), folder=str(holder.folder), command=holder.command or "render",
                  who=who)), err=True)


@contextlib.contextmanager
def campaign_locked(manifest_paths, command: str, wait: float | None = None):
    """Within: the lock of every campaign the manifests name (render/lock.py), waiting for a
    command holding one (at most `wait` seconds), and saying so. A manifest that cannot be
    read locks nothing: the command reports it as it would have."""
    folders = []
    for path in manifest_paths:
        try:
            folders.append(load_manifest(path).campaign_dir)
        except PipelineError:
            continue
    with campaign_lock(folders, command, on_wait=say_waiting, wait=wait):
        for folder in folders:
            removed = remove_abandoned(folder)
            if removed:
                emit(note(say_count(N_plural(
                    "removed %(count)s partial file of a render that was killed (%(names)s)",
                    "removed %(count)s partial files of a render that was killed (%(names)s)"),
                    len(removed), count=len(removed),
                    names=Items(tuple(str(path.relative_to(folder)) for path in removed))),
                    folder))
        yield
