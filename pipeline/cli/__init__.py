"""The `pipeline` command line: Click commands over the core modules."""

from pipeline.cli.main import cli, main

__all__ = ["cli", "main"]
