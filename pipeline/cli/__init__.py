"""The `pipeline` command line: Click commands over the core modules (`main.py`)."""

import signal


class HeldInterrupt:
    """The SIGINT handler from the first instant of the console script until a command takes
    over (`common.interrupts_once`, which then ends the command at once): a Ctrl-C pressed
    meanwhile is remembered, not raised in the middle of an import, where a library's bare
    `except:` may swallow it (the render then ran on as if no key had been pressed), nor in
    Click's parsing, which answers "Aborted!" and exit 1."""

    def __init__(self) -> None:
        self.pressed = False

    def __call__(self, signum, frame) -> None:
        self.pressed = True


def main() -> None:
    """The console script, and `python -m pipeline`."""
    signal.signal(signal.SIGINT, HeldInterrupt())
    from pipeline.cli.main import main as run
    run()
