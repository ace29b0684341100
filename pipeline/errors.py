"""One family of domain errors, and the diagnostics they are reported as.

Core modules raise these (or collect `Diagnostic`s); only the CLI turns them into
`PATH:LINE: error: MESSAGE` lines and exit code 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal

from pipeline.messages import N_, Message, message_from_json, say

# A note is no problem: what the pipeline decided for the user (a file read from its master's
# timecode), said where the user looks and counted neither as an error nor as a warning.
Severity = Literal["error", "warning", "note"]
SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning"), "note": N_("note")}


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a user's file: where it is, what is wrong, how to fix it."""

    severity: Severity
    message: str
    path: Path | str | None = None
    line: int | None = None
    hint: str | None = None
    code: str | None = None  # a short stable name for tools (`--json`), e.g. "overlap"
    # `message` and `hint` as templates and parameters, for the page and a Spanish terminal to
    # say in their language (cli/language.py); None where they are English only.
    detail: Message | None = field(default=None, compare=False)
    hint_detail: Message | None = field(default=None, compare=False)

    @property
    def said_message(self) -> Message | str:
        """The message to say inside another: its template where it has one (its Spanish)."""
        return self.detail or self.message

    @property
    def where(self) -> str:
        """"PATH:LINE: ", "PATH: " or nothing: how a line of `format` begins."""
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}: " if self.line else f"{self.path}: "

    @property
    def said_line(self) -> Message:
        """`format()`'s line as a message to say inside another: its severity, text and hint in
        the reader's language (a Spanish terminal's reasons read "error: ... (hint: ...)" in
        English inside Spanish)."""
        line = say(N_("%(where)s%(severity)s: %(message)s"), where=self.where,
                   severity=say(SEVERITY_WORDS[self.severity]), message=self.said_message)
        if not self.hint:
            return line
        return say(N_("%(line)s (hint: %(hint)s)"), line=line, hint=self.hint_detail or self.hint)

    def format(self) -> str:
        text = f"{self.where}{self.severity}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def to_json(self) -> dict:
        return {
            "severity": self.severity,
            "path": str(self.path) if self.path is not None else None,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
            "code": self.code,
            **({"detail": self.detail.to_json()} if self.detail is not None else {}),
            **({"hint_detail": self.hint_detail.to_json()} if self.hint_detail is not None
               else {}),
        }


def diagnostic_from_json(data) -> Diagnostic:
    """A diagnostic written by `Diagnostic.to_json` (in a record), its messages kept to be said
    in the terminal's language (a trial's render and watch said a variant's warnings in
    English under Spanish labels); other text as a warning."""
    if isinstance(data, dict):
        return Diagnostic(data.get("severity", "warning"), str(data.get("message", "")),
                          data.get("path"), data.get("line"), data.get("hint"), data.get("code"),
                          message_from_json(data.get("detail")),
                          message_from_json(data.get("hint_detail")))
    return Diagnostic("warning", str(data))


def _diagnostic(severity: Severity, message: str | Message, path, line,
                hint: str | Message | None, code: str | None) -> Diagnostic:
    """Given `Message`s, their English texts, and the messages kept to be said in Spanish."""
    return Diagnostic(severity, str(message), path, line, None if hint is None else str(hint),
                      code, message if isinstance(message, Message) else None,
                      hint if isinstance(hint, Message) else None)


def error(message: str | Message, path=None, line=None, hint=None, code=None) -> Diagnostic:
    return _diagnostic("error", message, path, line, hint, code)


def warning(message: str | Message, path=None, line=None, hint=None, code=None) -> Diagnostic:
    return _diagnostic("warning", message, path, line, hint, code)


def note(message: str | Message, path=None, line=None, hint=None, code=None) -> Diagnostic:
    return _diagnostic("note", message, path, line, hint, code)


class Reason(str):
    """Why a variant is as planned (stale, blocked, skipped): its English text, which `plan
    --json`, the catalog, the page's English words and every sentence joining reasons read,
    and the message or diagnostic it was made from (`source`), for a terminal to say it in its
    language (cli/language.py `said_reason`): a Spanish terminal's `plan` said every reason in
    English. A str as markupsafe's `Markup` is one, so that each of those readers is unchanged."""

    source: Message | Diagnostic

    def __new__(cls, source: Message | Diagnostic) -> Reason:
        made = super().__new__(cls, source.format() if isinstance(source, Diagnostic)
                               else str(source))
        made.source = source
        return made


def reason_message(reason: str) -> Message | str:
    """A reason (a `Reason`, or plain text) as a message to say inside another: the message or
    the diagnostic's line it was made from, else its text."""
    source = getattr(reason, "source", None)
    if isinstance(source, Diagnostic):
        return source.said_line
    return source if isinstance(source, Message) else str(reason)


def in_file_order(diagnostics: Iterable[Diagnostic],
                  first: Iterable[Path | str] = ()) -> list[Diagnostic]:
    """`diagnostics` as a reader goes through the files: those of no file, then those of the
    files in `first` (the manifests, which every other file is read through) in that order,
    then every other file's by path; each file's by line, a line's errors before its warnings
    (`check`'s order). A stable sort: what one line is told keeps the order it was found in,
    however many checks (reading, QC, fit on each frame, frame grid) found them."""
    rank = {str(path): at for at, path in enumerate(first)}

    def place(d: Diagnostic) -> tuple:
        path = "" if d.path is None else str(d.path)
        return (-1 if d.path is None else rank.get(path, len(rank)), path, d.line or 0,
                d.severity != "error")

    return sorted(diagnostics, key=place)


class Findings:
    """What a check found, split by severity (for classes with a `diagnostics` tuple)."""

    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")

    @property
    def notes(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "note")


class PipelineError(Exception):
    """Base of every error a user can cause; carries where it happened, a hint and a code (a
    short stable name, as a `Diagnostic`'s, for what the page says of a variant it blocks)."""

    def __init__(self, message: str | Message, path: Path | str | None = None,
                 line: int | None = None, hint: str | Message | None = None,
                 code: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.path = path
        self.line = line
        self.hint = None if hint is None else str(hint)
        self.code = code
        # The messages themselves, to be said in Spanish (`Diagnostic.detail`).
        self._said = (message, hint)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [error(self._said[0], self.path, self.line, self._said[1], self.code)]

    @property
    def said_message(self) -> str | Message:
        """The message as it was given (a `Message` keeps its Spanish), for a diagnostic that
        says this error elsewhere: `error(exc.said_message, path, hint=exc.said_hint)`."""
        return self._said[0]

    @property
    def said_hint(self) -> str | Message | None:
        return self._said[1]

    def __str__(self) -> str:
        return "\n".join(d.format() for d in self.diagnostics)


class ValidationError(PipelineError):
    """Several problems found at once (a manifest, a subtitle file): every one is reported."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self._diagnostics = list(diagnostics)
        first = next((d for d in self._diagnostics if d.severity == "error"), None)
        super().__init__(first.message if first else "validation failed",
                         first.path if first else None, first.line if first else None)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self._diagnostics


class ManifestError(PipelineError):
    """A manifest that cannot be read or does not follow the schema."""


class SubtitleError(PipelineError):
    """A subtitle file that cannot be used."""


class FontNotInstalled(SubtitleError):
    """A font family fontconfig does not have: libass would draw another in its place.
    `family` is the family asked for, `substitute` the one drawn instead and its file, as
    said (`"Noto Sans" (/usr/share/fonts/.../NotoSans-Regular.ttf)`)."""

    def __init__(self, family: str, substitute: str, hint: str | Message | None = None):
        super().__init__(say(N_("font %(family)s is not installed; fontconfig would substitute "
                                "%(substitute)s"), family=f'"{family}"', substitute=substitute),
                         hint=hint)
        self.family = family
        self.substitute = substitute


class MediaError(PipelineError):
    """A media file ffprobe cannot read, or a missing ffmpeg."""


class RenderError(PipelineError):
    """ffmpeg failed or produced something that did not pass the checks."""

    def __init__(self, message: str | Message, path=None, line=None, hint=None,
                 stderr_tail: str = ""):
        super().__init__(message, path, line, hint)
        self.stderr_tail = stderr_tail

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Its message and hint as given (a `Message` is said in Spanish), ffmpeg's own last
        lines below it as ffmpeg wrote them."""
        message = self.said_message
        if self.stderr_tail:
            message = say(N_("%(message)s\n  ffmpeg said:\n    %(lines)s"), message=message,
                          lines="\n    ".join(self.stderr_tail.splitlines()))
        return [error(message, self.path, self.line, self.said_hint, self.code)]


class StorageError(PipelineError):
    """An upload, download or object-store problem (never carries secrets)."""


class CommandLineError(PipelineError):
    """A value typed on the command line that cannot be right: it names nothing the manifests
    have, or a kind of URL nothing here writes to. Raised by the core, which knows what exists;
    the CLI reports it as a usage error (exit code 2), since no file is wrong."""

    def __init__(self, message: str | Message, option: str, hint: str | Message | None = None):
        super().__init__(message, hint=hint)
        self.option = option


class InternalError(PipelineError):
    """An exception nobody planned for (a bug), as one line for users."""


def internal_error(exc: BaseException, path: Path | str | None = None) -> InternalError:
    """`exc` as a one-line failure naming its kind, with the way to see the details."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    reason = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return InternalError(f"internal error: {reason}", path,
                         hint="this is a bug in the pipeline; re-run with -vv to see the details")


def raise_if_errors(diagnostics: Iterable[Diagnostic]) -> None:
    diagnostics = list(diagnostics)
    if any(d.severity == "error" for d in diagnostics):
        raise ValidationError(diagnostics)
