"""The run skeleton every run shares: inspections, upgrades, escalations and compliance runs.

A run is made in one order, here and nowhere else:

1. ``RunContext``: the clock, ``today`` (for validation: waivers expire), the run-id factory,
   and who triggered it (CI variables or the local user, read once at the boundary).
2. ``lock_and_load``: take the checkout's run lock, read the clock once (the run's start;
   ``today`` is its UTC date), load the estate as of that day and refuse an invalid one
   before any host is touched.
3. ``begin``: the start time, the run id and the estate commit, captured *before* the run
   changes anything (an upgrade rewrites the inventory; the record must name the estate it
   was made from, not the one it left behind).
4. ``header`` / ``write_record`` / ``commit``: the record header every kind shares, the seal
   over the record, the atomic write, and the commit with its ``Patrol-*`` trailers.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from . import archive
from .clock import Clock, iso, stamp, utc_now
from .errors import Exit, PatrolError
from .findings.waivers import RUN_TOLERATED
from .trigger import local_identity, trigger_from


def random_suffix() -> str:
    """Six hex digits that keep two runs started in the same second apart."""
    return uuid.uuid4().hex[:6]


@dataclass(frozen=True)
class RunContext:
    """What a run takes from the world, passed in so tests can fix every part of it."""

    root: Path
    clock: Clock = utc_now
    env: Mapping[str, str] = field(default_factory=dict)
    local: str = "unknown@localhost"  # user@host when no CI variables say who
    suffix: Callable[[], str] = random_suffix

    @classmethod
    def here(cls, root: Path, *, clock: Clock = utc_now, env: Mapping[str, str] | None = None,
             suffix: Callable[[], str] = random_suffix) -> RunContext:
        """The context of a run started on this machine: its environment and user."""
        return cls(Path(root), clock, dict(os.environ if env is None else env), local_identity(),
                   suffix)

    def now(self) -> datetime:
        return self.clock()

    def run_id(self, started: datetime, label: str) -> str:
        return f"{stamp(started)}-{label}-{self.suffix()}"

    def trigger(self) -> dict[str, str]:
        return trigger_from(self.env, self.local)


def load_valid_estate(root: Path, today: date) -> Any:
    """The estate, or a clear refusal: nothing runs against an invalid estate."""
    from .estate import NotAnEstate, load_estate

    try:
        estate, problems = load_estate(root, today=today)
    except NotAnEstate as exc:
        raise PatrolError(str(exc)) from None
    errors = [p for p in problems if p.severity == "error" and p.code not in RUN_TOLERATED]
    if errors or estate is None:
        first = errors[0] if errors else "no estate found"
        raise PatrolError(
            f"the estate has {len(errors)} error(s), first: {first}; run `patrol validate`",
            exit_code=Exit.FAILED,
        )
    return estate


def today(at: datetime) -> date:
    """A run's date (UTC), for validation: a waiver dated before it has expired."""
    return at.astimezone(UTC).date()


@dataclass(frozen=True)
class Opened:
    """A run holding the lock: the valid estate and the instant the run started."""

    estate: Any
    started: datetime


@contextmanager
def lock_and_load(ctx: RunContext) -> Iterator[Opened]:
    """Hold the run lock for the whole run; read the clock once and load the estate."""
    with archive.run_lock(ctx.root):
        started = ctx.now()
        yield Opened(load_valid_estate(ctx.root, today(started)), started)


@dataclass(frozen=True)
class Begun:
    """A run's identity, fixed before it changes anything."""

    run_id: str
    started: datetime
    estate_commit: str | None
    estate_dirty: bool


def begin(ctx: RunContext, label: str, started: datetime) -> Begun:
    """Name the run and capture the estate commit; call it before changing anything."""
    run_id = ctx.run_id(started, label)
    sha, dirty = archive.estate_commit(ctx.root)
    return Begun(run_id, started, sha, dirty)


def tools() -> dict[str, str]:
    from . import __version__, execute

    return {"patrol": __version__, "ansible_core": execute.ansible_version()}


def header(ctx: RunContext, begun: Begun, finished: datetime,
           own: Mapping[str, Any]) -> dict[str, Any]:
    """The record header: the run kind's own keys first, then what every run records."""
    return {
        **own,
        "started": iso(begun.started),
        "finished": iso(finished),
        "estate": {"commit": begun.estate_commit, "dirty": begun.estate_dirty},
        "trigger": ctx.trigger(),
        "tools": tools(),
    }


def write_record(root: Path, run_id: str, started: datetime, body: dict[str, Any]
                 ) -> tuple[str, str]:
    """Seal the record body and write it; returns (root-relative path, hash)."""
    data, digest = archive.seal(archive.dump_yaml(body))
    rel = archive.record_path(run_id, started.year, started.month)
    archive.atomic_write(root / rel, data)
    return rel, digest


def commit(root: Path, paths: Iterable[str], summary: str, run_id: str, *,
           estate: str | None = None, record: str | None = None) -> str:
    """Commit the run's files with its trailers (``Patrol-Run``, then the estate commit and
    the record hash when the run wrote a record)."""
    trailers = {"Patrol-Run": run_id}
    if record is not None:
        trailers["Patrol-Estate"] = estate or "none"
        trailers["Patrol-Record"] = f"sha256:{record}"
    return archive.commit(root, paths, summary, trailers)


@dataclass(frozen=True)
class Change:
    """A change recorded outside an inspection (an incident step, an assignment, an
    escalation): its run id, record and commit."""

    run_id: str
    record_path: str
    record_sha256: str
    commit: str | None


def record_change(ctx: RunContext, started: datetime, label: str, kind: str,
                  own: Mapping[str, Any], paths: Iterable[str], summary: str, *,
                  commit_it: bool = True) -> Change:
    """Seal a record of one change onto the chain (after the documents in ``paths`` were
    written) and commit record and documents together: one change, one record, one commit."""
    from .archive.records import FORMAT

    begun = begin(ctx, label, started)
    previous = archive.latest_record(ctx.root)
    body: dict[str, Any] = {"format": FORMAT, "kind": kind, "run": begun.run_id,
                            **header(ctx, begun, ctx.now(), {})}
    body["previous"] = {"record": previous[0], "sha256": previous[1]} if previous else None
    clash = sorted(set(own) & set(body))
    assert not clash, f"a change's own keys may not replace the record header's: {clash}"
    body.update(own)
    rel, digest = write_record(ctx.root, begun.run_id, started, body)
    sha = None
    if commit_it:
        sha = commit(ctx.root, [rel, *paths], summary, begun.run_id,
                     estate=begun.estate_commit, record=digest)
    return Change(begun.run_id, rel, digest, sha)
