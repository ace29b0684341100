"""Running the real `pipeline` command in a pseudo-terminal, as people type it.

`run` starts the venv's console script under a pty of a chosen size (pexpect), with the
environment the test asks for (NO_COLOR, TERM, COLUMNS...), reads everything it writes, can
press Ctrl-C on that terminal at a chosen moment (the terminal's VINTR character: the line
discipline sends SIGINT to the whole foreground process group, ffmpeg included, exactly as a
keyboard does), and returns the raw output, the exit status and the final screen as a VT100
emulator (pyte) draws it.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pexpect
import pyte

# The console script installed beside the interpreter running the tests (the venv's).
PIPELINE = Path(sys.executable).with_name("pipeline")

# Control sequences: CSI (ESC [ ... final byte), OSC (ESC ] ... BEL/ST), and two-byte escapes.
CSI = re.compile(r"\x1b\[([0-?]*)[ -/]*([@-~])")
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
# Cursor movement and erasing: what a redrawing display uses and a dumb terminal cannot do.
CURSOR_FINALS = set("ABCDEFGHJKSTfsu") | {"l", "h"}


def colour_codes(output: str) -> list[str]:
    """The SGR sequences in `output` that set a colour (foreground or background, any palette)."""
    found = []
    for params, final in CSI.findall(output):
        if final != "m":
            continue
        codes = [int(c) for c in params.split(";") if c.isdigit()]
        if any(30 <= c <= 49 or 90 <= c <= 107 for c in codes):
            found.append(params)
    return found


def cursor_codes(output: str) -> list[str]:
    """The CSI sequences in `output` that move the cursor, erase, or hide/show it."""
    return [params + final for params, final in CSI.findall(output) if final in CURSOR_FINALS]


def plain(output: str) -> str:
    """`output` without control sequences, line ends as `\\n`."""
    return ESCAPES.sub("", output).replace("\r\n", "\n")


def drawn_lines(output: str) -> list[str]:
    """Every line as it was drawn: split at line ends and at carriage returns (a redraw starts
    at the line's beginning), escapes removed."""
    return [piece for line in plain(output).split("\n") for piece in line.split("\r")]


@dataclass
class TerminalRun:
    """What a command did on the terminal."""

    args: list[str]
    output: str                     # everything written to the terminal, escapes included
    status: int                     # exit code, or 128 + signal number when killed by one
    screen: list[str]               # the final screen, one string per row, right-stripped
    history: list[str] = field(default_factory=list)   # rows scrolled off the top, oldest first
    steps: list[float] = field(default_factory=list)   # when each step was taken, in seconds
    seconds: float = 0.0

    @property
    def text(self) -> str:
        """The output without control sequences."""
        return plain(self.output)

    @property
    def all_rows(self) -> list[str]:
        """Everything the terminal shows and showed: history then screen, trailing blanks cut."""
        rows = self.history + self.screen
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def describe(self) -> str:
        """For assertion messages: the command, its status and what is left on the terminal."""
        return (f"$ pipeline {' '.join(self.args)}  -> exit {self.status}, "
                f"steps at {self.steps}\n" + "\n".join(self.all_rows))


Moment = Callable[[str], bool]            # given the output so far: is it time?
Action = Callable[[pexpect.spawn], object]


def default_interrupt_signals() -> None:
    """Ctrl-C and Ctrl-\\ as a terminal session has them: a test run started in the background
    of a non-interactive shell (a CI job, `cmd &`) inherits SIGINT ignored, and so would the
    program in the pty, which then could not be interrupted at all."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def ctrl_c(child: pexpect.spawn) -> None:
    """Press Ctrl-C on the terminal: its VINTR character, so the kernel's line discipline sends
    SIGINT to the terminal's foreground process group (the command and its ffmpegs)."""
    child.sendintr()


def ctrl_c_held(child: pexpect.spawn, presses: int = 40, every: float = 0.025) -> None:
    """Ctrl-C pressed `presses` times, `every` seconds apart: an impatient user's presses land
    anywhere in the handling of the first one, including the narrow moments between steps."""
    for _ in range(presses):
        child.sendintr()
        time.sleep(every)


def run(args: list[str], *, cwd: Path, env: dict[str, str | None] | None = None,
        columns: int = 100, rows: int = 40, timeout: float = 120.0,
        steps: list[tuple[Moment, Action]] = (), stdout_to_pipe: bool = False,
        stderr_to: Path | None = None) -> TerminalRun:
    """Run `pipeline ARGS` on a `columns` x `rows` pseudo-terminal and wait for it to end.

    `env` is laid over the test's own environment (None removes a variable); `COLUMNS` and
    `LINES` follow the pty's size unless `env` sets them. `steps` are taken in order: each
    action runs once, as soon as its moment says yes (asked after every read and every 0.1 s).
    `stdout_to_pipe` runs it as `pipeline ARGS | cat` does (stdout a pipe, stderr still the
    terminal; the exit code is pipeline's: pipefail); `stderr_to` sends stderr to that file, so
    the terminal shows stdout alone. Raises `TimeoutError` (after killing the process group) if
    the command runs longer than `timeout` seconds.
    """
    assert PIPELINE.exists(), f"{PIPELINE} not found: install the project with `make setup-test`"
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PYTEST_CURRENT_TEST", "NO_COLOR", "FORCE_COLOR")}
    environment.update({"TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)})
    for key, value in (env or {}).items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    program, argv = str(PIPELINE), list(args)
    if stdout_to_pipe or stderr_to:
        script = 'set -o pipefail; "$0" "$@"'
        script += f" 2>{shlex.quote(str(stderr_to))}" if stderr_to else ""
        script += " | cat" if stdout_to_pipe else ""
        program, argv = "/bin/bash", ["-c", script, str(PIPELINE), *args]
    started = time.monotonic()
    child = pexpect.spawn(program, argv, cwd=str(cwd), env=environment,
                          dimensions=(rows, columns), encoding="utf-8", codec_errors="replace",
                          echo=False, preexec_fn=default_interrupt_signals)
    chunks: list[str] = []
    pending = list(steps)
    taken: list[float] = []
    try:
        while True:
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"pipeline {' '.join(args)} still running after {timeout} s:\n"
                                   + plain("".join(chunks))[-3000:])
            try:
                chunks.append(child.read_nonblocking(65536, timeout=0.1))
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                break
            if pending and pending[0][0]("".join(chunks)):
                _, action = pending.pop(0)
                taken.append(round(time.monotonic() - started, 2))
                action(child)
    finally:
        if child.isalive():
            os.killpg(child.pid, signal.SIGKILL)
        child.close()
    status = child.exitstatus if child.exitstatus is not None else 128 + (child.signalstatus or 0)
    output = "".join(chunks)
    screen, history = _draw(output, columns, rows)
    return TerminalRun(list(args), output, status, screen, history, taken,
                       time.monotonic() - started)


def typed(folder: Path, *args) -> TerminalRun:
    """`pipeline ARGS` in `folder` as a user types it, on a terminal wide enough (400 columns)
    that no message wraps; a traceback fails the test."""
    result = run([str(a) for a in args], cwd=folder, columns=400)
    assert "Traceback" not in result.text, result.describe()
    return result


def said(result: TerminalRun) -> list[str]:
    """The lines `result` wrote, blank ones left out."""
    return [line for line in result.text.splitlines() if line.strip()]


def _draw(output: str, columns: int, rows: int) -> tuple[list[str], list[str]]:
    """The final screen and the rows scrolled off it, as a VT100 terminal would show them."""
    screen = pyte.HistoryScreen(columns, rows, history=10_000, ratio=0.5)
    # The pty turned every "\n" into "\r\n" (onlcr); pyte needs no more than that.
    pyte.Stream(screen).feed(output)
    history = ["".join(char.data for char in (line[x] for x in range(columns))).rstrip()
               for line in screen.history.top]
    return [line.rstrip() for line in screen.display], history


def percentages(output: str) -> list[float]:
    """Every percentage the output shows, in the order drawn (e.g. "42.0%" -> 42.0)."""
    return [float(value) for value in re.findall(r"(\d{1,3}(?:\.\d)?)%", plain(output))]


def encoding(name: str, below: float = 80.0) -> Moment:
    """A moment: as soon as the bar of the variant `name`, as last drawn, shows it begun and
    under `below` %: its encode is running, well before its last step (a mux of a few tenths of
    a second)."""
    def moment(output: str) -> bool:
        drawn = [value for line in drawn_lines(output) if name in line
                 for value in percentages(line)]
        return bool(drawn) and 0 < drawn[-1] < below
    return moment


def all_of(*moments: Moment) -> Moment:
    """A moment: as soon as every one of `moments` says yes at once."""
    return lambda output: all(moment(output) for moment in moments)


def has_file(folder: Path, pattern: str) -> Moment:
    """A moment: as soon as a file matching `pattern` exists anywhere under `folder`."""
    return lambda output: folder.exists() and any(folder.rglob(pattern))


def shows(text: str) -> Moment:
    """A moment: as soon as `text` is on the terminal."""
    return lambda output: text in plain(output)


def shows_progress(output: str) -> bool:
    """A moment: as soon as a percentage above 0 and below 100 is on the terminal."""
    return any(0 < value < 100 for value in percentages(output))
