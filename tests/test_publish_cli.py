"""`pipeline publish` and `pipeline verify` as users run them (through the command group, with
-q and the environment): what they print when nothing changed, and when the store cannot be
used at all: a wrong secret key, an endpoint nobody listens on."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from tests.s3server import (  # noqa: F401
    aws_env,
    bucket,
    campaign,
    free_port,
    media,
    s3_server,
    variant_cache,
)
from tests.test_publish import LISTS_AND_PAGES, OBJECTS, target_for

ALL = OBJECTS + LISTS_AND_PAGES


def invoke(*args, env=None):
    return CliRunner(env=env).invoke(cli, [str(a) for a in args])


def counts(summary: str) -> dict[str, int]:
    """The summary's counts by what they count ("uploaded", "unchanged", "failed", ...)."""
    return {what: int(n) for n, what in
            re.findall(r"(\d+) (uploaded|unchanged|failed|not attempted)", summary)}


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line]


def test_quiet_publish_prints_the_summary_alone(campaign):
    first = invoke("publish", campaign.path, "-q")
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[0].startswith(f"blue-heart: {ALL} uploaded")
    assert "  uploaded " not in first.stdout
    again = invoke("-q", "publish", campaign.path)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == \
        f"blue-heart: nothing to upload, all {ALL} objects already up to date at " \
        f"{campaign.path.parent.parent / 'dist' / 'blue-heart'}"
    assert not [line for line in again.stdout.splitlines() if line.startswith("  unchanged")]
    assert again.stderr == ""
    loud = invoke("publish", campaign.path)     # without -q: one line per object, as before
    assert len([line for line in loud.stdout.splitlines() if line.startswith("  unchanged")]) \
        == ALL
