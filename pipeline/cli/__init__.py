"""The `pipeline` command line: Click commands over the core modules (`main.py`)."""

import signal


# What ends a command as Ctrl-C does: a service manager's stop (SIGTERM) and a closed terminal
# or ssh session (SIGHUP) too. Left to their default, they killed the process on the spot: its
# ffmpegs ran on under PID 1, its temporary folders and partial files stayed.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class HeldInterrupt:
    """The handler of `STOP_SIGNALS` from the first instant of the console script until a
    command takes over (`common.interrupts_once`, which then ends the command at once): a
    Ctrl-C pressed (or a stop sent) meanwhile is remembered, not raised in the middle of an
    import, where a library's bare `except:` may swallow it (the render then ran on as if no
    key had been pressed), nor in Click's parsing, which answers "Aborted!" and exit 1."""

    def __init__(self) -> None:
        self.signum: int | None = None    # the first signal received

    @property
    def pressed(self) -> bool:
        return self.signum is not None

    def __call__(self, signum, frame) -> None:
        if self.signum is None:
            self.signum = signum


def main() -> None:
    """The console script, and `python -m pipeline`."""
    held = HeldInterrupt()
    for signum in STOP_SIGNALS:
        signal.signal(signum, held)
    from pipeline.cli.language import speak_click
    speak_click()
    from pipeline.cli.main import main as run
    run()
