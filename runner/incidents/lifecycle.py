"""Each step of an incident, on plain data: checked first, then applied (a refused step
changes nothing). Every step logs the time it states (``at``: when it happened, e.g. a phone
call logged later) and the real time it was written (``written``).

The states: open -> responded (remote response) -> on-site (an engineer arrived; arriving
also meets an unmet response clock) -> resolved (with a note). ``wait`` pauses both clocks
from any active state; ``resume`` returns to the state it paused. ``closed`` is terminal
like resolved. Steps on a resolved incident are refused, as is a step stated before the
incident's latest step (or its opening).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..errors import PatrolError
from .model import CLOCKS, DONE, Clock, Incident, Pause, State


def _log(inc: Incident, event: str, at: datetime, written: datetime,
         **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"event": event, "at": at, "written": written}
    entry.update({k: v for k, v in extra.items() if v is not None})
    inc.history.append(entry)
    return entry


def name(value: str | None, what: str) -> str:
    """A person's name or address: refused when empty (someone must answer for it)."""
    if value is None or not value.strip():
        raise PatrolError(f"{what} is empty: say who (a name or an address)")
    return value.strip()


def _active(inc: Incident, step: str, at: datetime) -> None:
    if inc.state in DONE:
        raise PatrolError(f"incident {inc.id} is {inc.state.value}: cannot {step} it")
    if at < inc.last_at:
        raise PatrolError(f"--at {at:%Y-%m-%dT%H:%M:%SZ} is before incident {inc.id}'s latest "
                          f"step ({inc.last_at:%Y-%m-%dT%H:%M:%SZ}); steps are logged in order")


def new(iid: str, *, hosts: list[str], site: str, summary: str, severity: str, level: str,
        reported_by: str, via: str, owner: str, limits: dict[str, Any], at: datetime,
        written: datetime, finding: str | None = None) -> Incident:
    if not summary.strip():
        raise PatrolError("--summary is empty: say what is wrong")
    inc = Incident(iid, sorted(hosts), site, summary.strip(), severity, level,
                   name(reported_by, "--reported-by"), via, owner, at, State.OPEN,
                   {c: Clock(limits[c]) for c in CLOCKS}, finding=finding)
    _log(inc, "opened", at, written, by=inc.reported_by, via=via, finding=finding)
    return inc


def _meet(inc: Incident, clock_name: str, who: str, at: datetime, step: str) -> None:
    """Meet a clock once: a second ``respond`` or ``arrive`` is refused, naming the first."""
    _active(inc, step, at)
    clock = inc.clocks[clock_name]
    if clock.met_at is not None:
        raise PatrolError(f"incident {inc.id}: {clock_name.replace('_', '-')} already met at "
                          f"{clock.met_at:%Y-%m-%dT%H:%M:%SZ} by {clock.met_by}")
    clock.met_at, clock.met_by = at, who


def respond(inc: Incident, by: str, note: str | None, at: datetime, written: datetime) -> None:
    by = name(by, "--by")
    _meet(inc, "response", by, at, "respond to")
    if inc.state is State.OPEN:
        inc.state = State.RESPONDED
    elif inc.state is State.WAITING and inc.resumes_to is State.OPEN:
        inc.resumes_to = State.RESPONDED
    _log(inc, "responded", at, written, by=by, note=note)


def arrive(inc: Incident, engineer: str, at: datetime, written: datetime) -> None:
    engineer = name(engineer, "--engineer")
    _meet(inc, "on_site", engineer, at, "arrive at")
    response = inc.clocks["response"]
    if response.met_at is None:  # someone on site has responded, too
        response.met_at, response.met_by = at, engineer
    if inc.state is State.WAITING:
        inc.resumes_to = State.ON_SITE
    else:
        inc.state = State.ON_SITE
    _log(inc, "arrived", at, written, by=engineer)


def wait(inc: Incident, reason: str, at: datetime, written: datetime) -> None:
    if not reason or not reason.strip():
        raise PatrolError("--reason is empty: say what the customer is to do")
    _active(inc, "wait on", at)
    if inc.state is State.WAITING:
        raise PatrolError(f"incident {inc.id} is already waiting on the customer")
    inc.resumes_to, inc.state = inc.state, State.WAITING
    inc.pauses.append(Pause(at, None, reason.strip()))
    _log(inc, "waiting", at, written, reason=reason.strip())


def resume(inc: Incident, at: datetime, written: datetime) -> None:
    _active(inc, "resume", at)
    if inc.state is not State.WAITING:
        raise PatrolError(f"incident {inc.id} is {inc.state.value}, not waiting: nothing to "
                          "resume")
    inc.pauses[-1].end = at
    inc.state, inc.resumes_to = inc.resumes_to or State.OPEN, None
    _log(inc, "resumed", at, written)


def resolve(inc: Incident, note: str, by: str, at: datetime, written: datetime) -> None:
    if not note or not note.strip():
        raise PatrolError("--note is empty: say how it was resolved")
    _active(inc, "resolve", at)
    if inc.state is State.WAITING:
        inc.pauses[-1].end = at
    inc.state, inc.resumes_to = State.RESOLVED, None
    inc.resolved_at, inc.resolved_by, inc.resolution = at, by, note.strip()
    _log(inc, "resolved", at, written, by=by, note=note.strip())


def assign(inc: Incident, to: str, by: str, at: datetime, written: datetime) -> None:
    to = name(to, "--to")
    if inc.state in DONE:
        raise PatrolError(f"incident {inc.id} is {inc.state.value}: cannot assign it")
    before, inc.owner = inc.owner, to
    _log(inc, "assigned", at, written, by=by, owner=to, previous_owner=before)
