"""Answers computed once and errors reported once, for planning (`render/inputs.py`,
`render/planner.py`): a memo keyed by what was asked, which keeps a PipelineError as an answer
so that each variant needing it is blocked while the error is said only the first time.
"""

from __future__ import annotations

from pipeline.errors import Diagnostic, PipelineError, raise_if_errors


class Blocked(Exception):
    """A variant cannot be planned: these diagnostics say why (reported once, where found);
    `warnings`: those found of its files before (its own, as a planned variant's are)."""

    def __init__(self, diagnostics: list[Diagnostic], warnings: list[Diagnostic] = ()):
        super().__init__()
        self.diagnostics = diagnostics
        self.warnings = list(warnings)


class Memo:
    """`diagnostics`: every warning and error said so far, each once; `_memo`: key ->
    (value, PipelineError or None)."""

    def __init__(self):
        self.diagnostics: list[Diagnostic] = []
        self._memo: dict = {}

    def _chain(self, *steps) -> list[tuple]:
        """(key, value, error) of each step, in order, up to the first that fails; a step may
        read the answers of those before it from the memo."""
        answers = []
        for key, compute in steps:
            if key in self._memo:
                continue
            try:
                value = compute()
            except PipelineError as exc:
                answers.append((key, None, exc))
                break
            if value is None:     # not asked of this file (a radio spot's picture)
                break
            self._memo[key] = (value, None)
            answers.append((key, value, None))
        return answers

    def _once(self, key, compute):
        """Memoise `compute()`, remembering a PipelineError so it is reported once."""
        if key not in self._memo:
            try:
                self._memo[key] = (compute(), None)
            except PipelineError as exc:
                self._memo[key] = (None, exc)
                self.diagnostics.extend(exc.diagnostics)
        value, failure = self._memo[key]
        if failure is not None:
            raise Blocked(failure.diagnostics)
        return value

    def _warned(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """`diagnostics`' warnings reported; all of them returned, their errors for the caller
        to raise (`raise_if_errors`) once the file's other checks are said."""
        self.diagnostics.extend(d for d in diagnostics if d.severity != "error")
        return diagnostics

    def _checked(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Errors raise (and block); warnings are reported and returned."""
        raise_if_errors(diagnostics)
        self.diagnostics.extend(diagnostics)
        return diagnostics
