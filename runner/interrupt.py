"""SIGINT and SIGTERM as a request to stop, shared by inspections and upgrades.

The first signal only sets a flag: the executor passes it to ansible-runner as its
``cancel_callback`` (ansible-runner then kills the play's process group and installs no
handler of its own), and the run records what it has, commits, and exits 130. A second
signal aborts at once (``KeyboardInterrupt``) — except inside ``shielded()``, where the
record is being written and committed: there it is noted and the writing finishes, so an
impatient second Ctrl-C cannot cost the measured results. The previous handlers come back
when the run ends.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupt:
    """Set by the first signal; polled between steps and by ansible-runner's cancel callback."""

    def __init__(self) -> None:
        self.requested = False
        self.signal = ""  # "SIGINT" / "SIGTERM" once requested
        self._shielded = False

    def __call__(self) -> bool:
        return self.requested

    def request(self, signum: int) -> bool:
        """Note a signal; True when it is the first one."""
        first = not self.requested
        self.requested = True
        self.signal = self.signal or signal.Signals(signum).name
        return first

    @contextmanager
    def shielded(self) -> Iterator[None]:
        """Signals while writing the record are noted, never raised."""
        self._shielded = True
        try:
            yield
        finally:
            self._shielded = False


@contextmanager
def signals_stop(interrupt: Interrupt, say: Callable[[str], None], message: str
                 ) -> Iterator[Interrupt]:
    """Install the handler for SIGINT and SIGTERM; restore the previous ones afterwards."""
    try:
        previous = {s: signal.getsignal(s) for s in SIGNALS}

        def handler(signum: int, _frame: Any) -> None:
            if interrupt.request(signum):
                say(message)
            elif not interrupt._shielded:
                raise KeyboardInterrupt

        for s in SIGNALS:
            signal.signal(s, handler)
    except ValueError:  # not the main thread: nobody can send us a signal there anyway
        yield interrupt
        return
    try:
        yield interrupt
    finally:
        for s, old in previous.items():
            signal.signal(s, old if old is not None else signal.SIG_DFL)
