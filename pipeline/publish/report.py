"""What a publish did, object by object: what `publish` returns and the CLI says."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipeline.errors import Diagnostic
from pipeline.publish.catalog import CATALOG_NAME
from pipeline.publish.held_back import HELD_BACK
from pipeline.publish.withdrawn import NOT_PRUNED


@dataclass
class ObjectResult:
    key: str                 # below the target's root: <campaign>/<spot>/<file>
    path: Path | None        # the local file; None for the catalog and the page
    action: str              # uploaded | unchanged | would upload | failed | not attempted
    bytes: int = 0
    message: str | None = None
    replaced: bool = False   # put over another version: the previous catalog's
    staged: bool = False     # replacing one, it waits under STAGING until every file is up


@dataclass
class PublishReport:
    campaign: str
    target: str
    dry_run: bool = False
    objects: list[ObjectResult] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    catalog_updated: bool = False     # the catalog and the page
    page_url: str | None = None
    # The file beside the rendered campaign that holds the page's presigned address (--presign).
    page_link: Path | None = None
    # Withdrawn objects (publish/withdrawn.py) that --prune removed; in a dry run, would.
    removed: list[str] = field(default_factory=list)

    @property
    def uploaded(self) -> list[ObjectResult]:
        return [o for o in self.objects if o.action in ("uploaded", "would upload")]

    @property
    def skipped(self) -> list[ObjectResult]:
        return [o for o in self.objects if o.action == "unchanged"]

    @property
    def failures(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def problems(self) -> list[Diagnostic]:
        """The errors that went wrong, without those that only say what was held back because
        of them (the catalog, --prune): what "N problems" counts."""
        return [d for d in self.failures if d.code not in (HELD_BACK, NOT_PRUNED)]

    @property
    def catalog_written(self) -> bool:
        """Whether `catalog.json` is this publish's (put, or the same already there)."""
        return any(o.key == f"{self.campaign}/{CATALOG_NAME}" and o.action in ("uploaded",
                                                                              "unchanged")
                   for o in self.objects)

    def add(self, result: ObjectResult, progress: Progress | None = None) -> None:
        """`result` is done: kept, and said to `progress` (the CLI's line for it)."""
        self.objects.append(result)
        if progress:
            progress(result)

    def count(self, action: str) -> int:
        return sum(1 for o in self.objects if o.action == action)

    @property
    def bytes_uploaded(self) -> int:
        return sum(o.bytes for o in self.uploaded)

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class LocalFile:
    key: str
    path: Path
    sha256: str
    size: int


Progress = Callable[[ObjectResult], None]
