"""Live per-host progress: rich on a terminal, plain lines in CI or a pipe.

Reasons and messages are free text from hosts and the estate: every line shows their control
characters as visible escapes (``runner.escape.terminal``), never raw; text of many lines
(``Progress.lines``) keeps its newlines and escapes everything else.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from .escape import terminal, terminal_lines
from .results import HostResult, Status

_MARK = {
    Status.PASS: ("PASS", "green"),
    Status.FAIL: ("FAIL", "red"),
    Status.ERROR: ("ERROR", "magenta"),
    Status.WAIVED: ("WAIVED", "yellow"),
}


def plain_wanted(stream: TextIO, env: dict[str, str] | None = None) -> bool:
    env = dict(os.environ) if env is None else env
    return bool(env.get("CI")) or env.get("TERM") == "dumb" or not stream.isatty()


class Progress:
    """Prints one line per host as its result arrives, then its failing checks indented."""

    def __init__(self, stream: TextIO | None = None, plain: bool | None = None) -> None:
        self.stream = stream or sys.stdout
        self.plain = plain_wanted(self.stream) if plain is None else plain
        self._console = None
        if not self.plain:
            from rich.console import Console

            # no highlighting, no emoji codes: ":fire:" in a reason is shown as written
            self._console = Console(file=self.stream, highlight=False, emoji=False)

    def _line(self, text: str, style: str | None = None) -> None:
        if self._console is not None:
            self._console.print(text, style=style, markup=False)
        else:
            print(text, file=self.stream, flush=True)

    def host(self, hr: HostResult) -> None:
        if not hr.measured:
            self._line(f"{hr.host:<16} NOT MEASURED {hr.message}", "yellow")
            return
        if not hr.reachable:
            self._line(f"{terminal(hr.host):<16} UNREACHABLE  {terminal(hr.message)}", "bold red")
            return
        counts: dict[Status, int] = {}
        for r in hr.checks.values():
            counts[r.status] = counts.get(r.status, 0) + 1
        parts = [f"{counts[s]} {s.value}" for s in Status if counts.get(s)]
        verdict = "ok" if hr.passed else "FAILING"
        self._line(f"{terminal(hr.host):<16} {verdict:<12} {', '.join(parts)}",
                   None if hr.passed else "red")
        for cid in sorted(hr.checks):
            r = hr.checks[cid]
            if r.status is Status.PASS:
                continue
            label, style = _MARK[r.status]
            self._line(f"    {label:<6} {terminal(cid)}: {terminal(r.reason)}", style)

    def text(self, text: str) -> None:
        """One line: a newline in ``text`` shows as ``\\n``, like any control character."""
        self._line(terminal(text))

    def lines(self, text: str) -> None:
        """Text of many lines (``git show``) as it reads: each line escaped on its own line."""
        for line in terminal_lines(text).split("\n"):
            self._line(line)
