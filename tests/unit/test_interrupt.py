"""SIGINT/SIGTERM as a request to stop: the first is noted, a second aborts unless shielded."""

from __future__ import annotations

import os
import signal

from runner.interrupt import AGAIN, Interrupt, signals_stop


def test_first_signal_is_noted_once_and_the_old_handlers_come_back():
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    said: list[str] = []
    stop = Interrupt()
    with signals_stop(stop, said.append, "stopping"):
        assert not stop()
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop() and stop.signal == "SIGTERM"
    assert said == ["stopping"]
    assert {s: signal.getsignal(s) for s in before} == before


def test_any_number_of_signals_at_any_moment_never_raise_and_are_said_once():
    """A second (or tenth) Ctrl-C must not cut a run short: it would lose what was measured,
    or the record of hosts already upgraded."""
    stop, said = Interrupt(), []
    with signals_stop(stop, said.append, "stopping"):
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGINT, signal.SIGINT):
            os.kill(os.getpid(), sig)  # none of them raises KeyboardInterrupt
    assert stop() and stop.signal == "SIGINT" and stop.count == 4
    assert said == ["stopping", AGAIN]
