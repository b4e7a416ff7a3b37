"""The run skeleton every run shares: inspections, upgrades, escalations and compliance runs.

A run is made in one order, here and nowhere else:

1. ``RunContext``: the clock, ``today`` (for validation: waivers expire), the run-id factory,
   and who triggered it (CI variables or the local user, read once at the boundary).
2. ``lock_and_load``: take the checkout's run lock, read the clock once (the run's start;
   ``today`` is its UTC date), load the estate as of that day and refuse an invalid one
   before any host is touched; then the pre-flight: verify the archive's tip (a broken tip
   is refused with the ``patrol audit verify`` message) and find the signing key (refuse
   when the service policy requires signatures and there is none, else say so once).
3. ``begin``: the start time, the run id and the estate commit, captured *before* the run
   changes anything (an upgrade rewrites the inventory; the record must name the estate it
   was made from, not the one it left behind).
4. ``header`` / ``write_record`` / ``commit``: the record header every kind shares, the seal
   over the record, the atomic write, and the signed commit with its ``Patrol-*`` trailers.
   Every kind of run goes through these: every Patrol commit adds a record.
"""

from __future__ import annotations

import os
import sys
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
    """A run holding the lock: the valid estate, the instant the run started and the key its
    commits are signed with (None: unsigned)."""

    estate: Any
    started: datetime
    signing_key: str | None = None
    records: Path | None = None  # whose reports/ the run reads and writes (the archive branch's)

    def reports_root(self, ctx: RunContext) -> Path:
        return self.records or ctx.root


SIGNING_ENV = "PATROL_SIGNING_KEY"


def signing_key(ctx: RunContext) -> str | None:
    """The SSH key Patrol signs with: ``PATROL_SIGNING_KEY`` (CI, from a secret), else the
    repository's own ``user.signingkey``."""
    return ctx.env.get(SIGNING_ENV) or archive.config_value(ctx.root, "user.signingkey")


def archive_policy(estate: Any) -> Any:
    """``archive:`` of the service policy (require_signatures, branch)."""
    return getattr(getattr(estate, "service", None), "archive", None)


def records_root(ctx: RunContext, estate: Any) -> tuple[Path, str | None]:
    """Where the run's records go: the estate's own reports/, or the archive branch's
    worktree; and the estate revision a record's estate commit must be an ancestor of."""
    from .archive import branch

    policy = archive_policy(estate)
    if policy is None or not policy.branch:
        return ctx.root, None
    return branch.records_root(ctx.root, policy.branch), archive.resolve_head(ctx.root)


def preflight(ctx: RunContext, estate: Any) -> tuple[str | None, Path]:
    """What must hold before any host is touched: a sound archive tip and, when the policy
    requires it, a signing key. Returns the key (None: this run's commits are unsigned) and
    the directory whose reports/ the run writes."""
    from .archive import tip

    records, estate_ref = records_root(ctx, estate)
    checked = tip.check(records, estate_ref)
    if checked.breaks:
        lines = "\n".join(f"  {b.text()}" for b in checked.breaks[:20])
        more = len(checked.breaks) - 20
        raise PatrolError(
            f"the archive is broken; nothing was measured (see `patrol audit verify`):\n{lines}"
            + (f"\n  ... and {more} more" if more > 0 else ""),
            exit_code=Exit.FAILED)
    key = signing_key(ctx)
    policy = archive_policy(estate)
    if key is None:
        if policy is not None and policy.require_signatures:
            raise PatrolError(
                f"policies/service.yaml requires signed records, and no signing key is set "
                f"({SIGNING_ENV} or git config user.signingkey); nothing was measured",
                exit_code=Exit.FAILED)
    elif not Path(key).expanduser().exists() and not key.startswith(("ssh-", "key::")):
        raise PatrolError(f"signing key {key} does not exist", exit_code=Exit.ENVIRONMENT)
    return key, records


@contextmanager
def lock_and_load(ctx: RunContext) -> Iterator[Opened]:
    """Hold the run lock for the whole run; read the clock once, load the estate, pre-flight."""
    with archive.run_lock(ctx.root):
        started = ctx.now()
        estate = load_valid_estate(ctx.root, today(started))
        key, records = preflight(ctx, estate)
        yield Opened(estate, started, key, None if records == ctx.root else records)


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


_UNSIGNED_SAID: set[str] = set()


def commit(root: Path, paths: Iterable[str], summary: str, run_id: str, *,
           estate: str | None, record: tuple[str, str], sign: str | None = None) -> str:
    """Commit the run's files with its trailers (``Patrol-Run``, ``Patrol-Estate``,
    ``Patrol-Record`` with the hash of ``record`` = (path, sha256)), signed with ``sign``.
    Every Patrol commit adds a record: that is what ``patrol audit verify`` demands."""
    from .archive import tip

    if sign is None and run_id not in _UNSIGNED_SAID:  # once per run, even over push retries
        _UNSIGNED_SAID.add(run_id)
        print(f"patrol: no signing key ({SIGNING_ENV} or git config user.signingkey): "
              f"{run_id} is committed unsigned", file=sys.stderr)
    trailers = {"Patrol-Run": run_id, "Patrol-Estate": estate or "none",
                "Patrol-Record": f"sha256:{record[1]}"}
    parent = archive.resolve_head(root)
    sha = archive.commit(root, paths, summary, trailers, sign_key=sign)
    tip.advance(root, parent, sha, tip.Tip(record[0], record[1]))
    return sha


def record_findings(ctx: RunContext, opened: Opened, kind: str, store: dict[str, Any],
                    moves: list[Any], summary: str, *, commit: bool,
                    extra: dict[str, Any] | None = None) -> str | None:
    """A run that only moves findings (escalation, waiver lapse, cadence breach): when any
    finding file changes, a sealed record names each one and both are committed together.
    Nothing moved: no record, no commit. Returns the commit's sha (None: not committed)."""
    from .archive.records import findings_record
    from .findings import store as findings_store

    ids = {m.finding for m in moves}
    if not ids:
        return None
    begun = begin(ctx, kind, opened.started)
    root = opened.reports_root(ctx)
    body = findings_record(run_id=begun.run_id, kind=kind,
                           header=header(ctx, begun, ctx.now(), {}),
                           previous=archive.latest_record(root),
                           findings=findings_store.entries(moves, store, set()), extra=extra)
    rel, digest = write_record(root, begun.run_id, begun.started, body)
    changed = findings_store.save(root, store, ids)
    if not commit:
        return None
    return _commit(root, [rel, *changed], summary, begun.run_id,
                   estate=begun.estate_commit, record=(rel, digest), sign=opened.signing_key)


_commit = commit  # for functions whose ``commit`` parameter (commit or not) hides it


def refuse_estate_edit_on_archive_branch(opened: Opened, what: str) -> None:
    """A run that edits the estate commits the edit with its record; with an archive branch
    the two belong to different branches, and the estate edit needs a PR: refuse up front."""
    if opened.records is not None:
        raise PatrolError(f"{what} edits the estate and commits it with its record; with "
                          "archive.branch set in policies/service.yaml that is not supported: "
                          "run it with --no-commit and open a PR for the estate change",
                          exit_code=Exit.USAGE)
