"""A variant's last failed render, remembered: a failed render leaves no file and no record, so
without this `plan` said "not rendered yet" and `publish` could only guess, for a variant that
had failed three times.

The memo is `<spot>.<lang>.<profile>.failed.json`, beside where the variant's record goes:
written (atomically) when the variant fails, deleted when it renders. It lives beside the
record rather than in the hash cache so that it is in sight of whoever looks at the folder, and
a cache reset (`render --force`) does not forget it. `render/strays.py` counts it as its
variant's file while the variant is in the manifest, as a stray once it is not.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from pipeline.errors import PipelineError, Reason
from pipeline.files import write_atomically
from pipeline.messages import N_, say

if TYPE_CHECKING:     # variants.py holds a Failure in each plan
    from pipeline.render.variants import Variant, VariantPlan

@dataclass(frozen=True)
class Failure:
    """When the variant last failed, and the first line of its error, at its file."""

    when: str                   # UTC, as a record's `rendered_at`
    message: str
    path: str | None = None
    line: int | None = None
    fingerprint: str = ""       # of the plan that failed: tells whether anything changed since

    @property
    def where(self) -> str | None:
        if self.path is None:
            return None
        return f"{self.path}:{self.line}" if self.line else self.path

    def describe(self, fingerprint: str | None = None) -> Reason:
        """`its last render failed (WHEN): MESSAGE, at PATH:LINE`, and, given the fingerprint
        planned now, whether the inputs or settings changed since (the fix may be in). The
        error's own words stay as the render said them (English)."""
        changed = fingerprint and self.fingerprint and fingerprint != self.fingerprint
        return Reason(say(N_("its last render failed (%(when)s): %(message)s%(at)s%(since)s"),
                          when=self.when, message=self.message,
                          at=say(N_(", at %(where)s"), where=self.where) if self.where else "",
                          since=say(N_("; its inputs or settings changed since")) if changed
                          else ""))

    def to_json(self) -> dict:
        return asdict(self)


def remember_failure(plan: VariantPlan, error: PipelineError) -> None:
    """Write the memo of `plan`'s variant failing with `error`; OSError if it cannot be."""
    first = next((d for d in error.diagnostics if d.severity == "error"), None)
    message = first.message if first else error.message
    failure = Failure(
        when=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        # The first line: ffmpeg's own words follow it, and `render` showed them in full.
        message=(message.strip().splitlines() or ["failed"])[0],
        path=str(first.path) if first and first.path is not None else None,
        line=first.line if first else None, fingerprint=plan.fingerprint)
    variant = plan.variant
    memo = {"campaign": variant.manifest.campaign, "spot": variant.spot.id,
            "language": variant.language.code, "profile": variant.profile.name,
            "failed": failure.to_json()}
    write_atomically(variant.failure_path, json.dumps(memo, indent=2, ensure_ascii=False) + "\n")


def forget_failure(variant: Variant) -> None:
    """The variant rendered: its memo goes; OSError if it cannot."""
    variant.failure_path.unlink(missing_ok=True)


def read_failure(variant: Variant) -> Failure | None:
    """The variant's last failure, or None when it has none. A memo that cannot be read is
    said to be so (never a reason to stop: it is a note)."""
    path = variant.failure_path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Failure("at an unknown time", f"its memo cannot be read ({exc.strerror or exc})",
                       str(path))
    try:
        failed = json.loads(text)["failed"]
        line = failed.get("line")
        return Failure(when=str(failed["when"]), message=str(failed["message"]),
                       path=None if failed.get("path") is None else str(failed["path"]),
                       line=line if isinstance(line, int) else None,
                       fingerprint=str(failed.get("fingerprint") or ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        return Failure("at an unknown time", "its memo is not one this pipeline wrote", str(path))
