"""SIGINT and SIGTERM as a request to stop, shared by inspections and upgrades.

The first signal only sets a flag: the executor passes it to ansible-runner as its
``cancel_callback`` (ansible-runner then kills the play's process group and installs no
handler of its own), and the run records what it has, commits, and exits 130. Every further
signal, at any moment, is only counted and said: a run that measured (or, worse, upgraded
hosts) must reach its record, and an exception raised from a signal handler can land
anywhere — inside a wave whose hosts were upgraded, between writing a record and committing
it. (Before the handler is installed nothing is measured yet; to stop a run that will not
stop, SIGKILL it: what it wrote is then in the spool, see ``archive/spool.py``.) The
previous handlers come back when the run ends.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)
AGAIN = ("patrol: already stopping; the measured results are being recorded (a signal "
         "never costs them)")


class Interrupt:
    """Set by the first signal; polled between steps and by ansible-runner's cancel callback."""

    def __init__(self) -> None:
        self.requested = False
        self.signal = ""  # "SIGINT" / "SIGTERM" once requested
        self.count = 0  # every signal received, the first included

    def __call__(self) -> bool:
        return self.requested

    def request(self, signum: int) -> bool:
        """Note a signal; True when it is the first one."""
        first = not self.requested
        self.requested = True
        self.count += 1
        self.signal = self.signal or signal.Signals(signum).name
        return first

    @contextmanager
    def shielded(self) -> Iterator[None]:
        """Where the record is written and committed. Signals never raise anywhere now; this
        marks the place that must not be cut short, for readers and for tests."""
        yield


@contextmanager
def signals_stop(interrupt: Interrupt, say: Callable[[str], None], message: str
                 ) -> Iterator[Interrupt]:
    """Install the handler for SIGINT and SIGTERM; restore the previous ones afterwards."""
    try:
        previous = {s: signal.getsignal(s) for s in SIGNALS}

        def handler(signum: int, _frame: Any) -> None:
            if interrupt.request(signum):
                say(message)
            elif interrupt.count == 2:  # said once; more signals change nothing
                say(AGAIN)

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
