"""SIGINT/SIGTERM as a request to stop: the first is noted, a second aborts unless shielded."""

from __future__ import annotations

import os
import signal

import pytest

from runner.interrupt import Interrupt, signals_stop


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


def test_a_second_signal_aborts_unless_the_record_is_being_written():
    stop = Interrupt()
    with signals_stop(stop, lambda _t: None, "stopping"):
        os.kill(os.getpid(), signal.SIGINT)
        with stop.shielded():
            os.kill(os.getpid(), signal.SIGINT)  # noted, not raised
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert stop.signal == "SIGINT"
