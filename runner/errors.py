"""One error type for every user mistake, so the CLI can print it cleanly and pick the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Exit(IntEnum):
    """Exit codes documented in the README; every command returns one of these."""

    OK = 0
    FAILED = 1  # invalid estate, failing checks, unreachable hosts, halted upgrade
    USAGE = 2  # bad arguments, unknown checklist, missing files
    ENVIRONMENT = 3  # the machine cannot do it: not root, missing tool, lab already up
    INTERRUPTED = 130  # SIGINT/SIGTERM: what was measured is still recorded and committed


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the estate, located at file:line:column (1-based)."""

    file: str
    line: int
    column: int
    message: str
    severity: str = "error"  # "error" or "warning"
    code: str = ""  # a stable name for problems callers treat specially
    # What the problem is about, named by its own identity (``hosts(web-02).address``), never
    # by a list index or a line: what CI fingerprints hash (``runner.formats.fingerprints``).
    subject: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"


class PatrolError(Exception):
    """A user-facing failure: printed as one clean message, never as a traceback."""

    def __init__(
        self,
        message: str,
        *,
        exit_code: Exit = Exit.USAGE,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.file = file
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        return f"{self.file}:{self.line or 1}:{self.column or 1}: {self.message}"
