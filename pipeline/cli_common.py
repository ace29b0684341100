"""What every command module shares: printing diagnostics, and turning errors into exit codes."""

from __future__ import annotations

import functools
import sys

import click

from .errors import Diagnostic, PipelineError


def emit(diagnostic: Diagnostic) -> None:
    click.echo(diagnostic.format(), err=True)


def fails_cleanly(command):
    """Turn domain errors (and OS errors on users' files) into diagnostics and exit 1."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except PipelineError as exc:
            for diagnostic in exc.diagnostics:
                emit(diagnostic)
            sys.exit(1)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"{where}error: {exc.strerror or exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted: no partial files were left under final names", err=True)
            sys.exit(130)
    return wrapper
