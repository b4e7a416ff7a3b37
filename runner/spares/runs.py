"""The runs of this package, on the run skeleton (``runner/run.py``): a stock movement
(edit ``inventory/spares.yaml``, record, commit) and the two checks (coverage or lifecycle ->
findings -> record -> commit). Each holds the run lock and refuses an invalid estate before it
changes anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .. import archive
from ..errors import PatrolError
from ..findings import store as findings_store
from ..findings.model import Transition
from ..findings.policy import host_zones, policy_of
from ..notify.dispatch import owed_for_moves
from ..run import (
    Begun,
    EstateEdit,
    Opened,
    RunContext,
    begin,
    edit_on_branch,
    estate_edit_refusal,
    header,
    lock_and_load,
    push_edit,
    sealed_record,
    with_estate_edit,
    write_record,
)
from ..run import commit as commit_run
from . import records
from .coverage import coverage
from .findings import apply_lifecycle, apply_shortfalls
from .hardware import demand
from .lifecycle import lifecycle
from .movements import STOCK_FILE, Movement, edit_stock, movement


@dataclass
class Outcome:
    """What a run did, for the command to print."""

    run_id: str
    record: str
    commit: str | None = None
    movement: Movement | None = None
    transitions: list[Transition] = field(default_factory=list)
    problems: int = 0  # short commitments, or hosts past a date
    estate_edit: EstateEdit | None = None  # the estate edit's own branch (archive branch)


def pending_change(records: Path, estate_commit: str | None, part: str, depot: str) -> int:
    """The stock change of movements the archive holds that were made on ``estate_commit``
    itself: their edits are branches for pull requests, so the estate's stock file does not
    have them yet. A movement is made on the stock this reads (compare-and-swap: a push the
    remote rejects reads it again on the new tip, ``_move_on_branches``)."""
    if estate_commit is None:
        return 0
    base = records / archive.RUNS
    total = 0
    for path in sorted(base.glob("*/*/*-spares-*.yaml")) if base.is_dir() else []:
        rel = path.relative_to(records).as_posix()
        doc = archive.read_yaml_file(records, rel)
        moved = doc.get("movement") if doc.get("kind") == "spares-movement" else None
        estate = doc.get("estate") if isinstance(doc.get("estate"), dict) else {}
        if (isinstance(moved, dict) and estate.get("commit") == estate_commit
                and (moved.get("part"), moved.get("depot")) == (part, depot)
                and isinstance(moved.get("change"), int)):
            total += moved["change"]
    return total


def move_stock(ctx: RunContext, action: str, part: str, depot: str, *, quantity: int,
               reason: str, host: str | None, commit: bool, push: bool = False) -> Outcome:
    """Use or receive parts: check, edit the one quantity line, record, commit (with
    ``commit=False`` the edit and record stay for the user, or the next run, to commit).
    With an archive branch the edit is committed on its own branch for a PR and the record
    on the archive branch (``_move_on_branches``); ``push`` pushes both."""
    intent = archive.Intent(writes=True, commits=commit, push=push and commit)
    with lock_and_load(ctx, intent, reaches_hosts=False) as opened:
        begun = begin(ctx, f"spares-{action}", opened.started)
        if commit:
            estate_edit_refusal(opened, begun, push)
        on_branches = commit and opened.records is not None
        pending = pending_change(opened.reports_root(ctx), begun.estate_commit, part,
                                 depot) if on_branches else 0
        m = movement(opened.estate, action, part, depot, quantity=quantity, reason=reason,
                     host=host, pending=pending)
        path = ctx.root / STOCK_FILE
        text = path.read_text(encoding="utf-8")
        new = edit_stock(text, m)  # may refuse: before anything is written
        if on_branches:
            return _move_on_branches(ctx, opened, begun, m, new, push, text,
                                     (action, part, depot, quantity, reason, host))
        if commit and begun.estate_dirty:  # the commit must hold this movement and no more
            raise PatrolError("the estate has uncommitted changes; commit or stash them first "
                              "(or use --no-commit)")
        records_dir = opened.reports_root(ctx)
        archive.atomic_write(path, new.encode("utf-8"))
        body = records.movement_record(m, begun.run_id, header(ctx, begun, ctx.now(),
                                                               {"action": action}),
                                       archive.latest_record(records_dir))
        rel, digest = write_record(records_dir, begun.run_id, begun.started, body)
        out = Outcome(begun.run_id, rel, movement=m)
        if commit:
            out.commit = commit_run(ctx.root, [STOCK_FILE, rel], m.summary(), begun.run_id,
                                    estate=begun.estate_commit, record=(rel, digest),
                                    sign=opened.signing_key)
        return out


def _move_on_branches(ctx: RunContext, opened: Opened, begun: Begun, m: Movement, new: str,
                      push: bool, text: str, asked: tuple[Any, ...]) -> Outcome:
    """The archive-branch case: ``inventory/spares.yaml`` edited on ``patrol/estate/<run>``
    (the checkout untouched), the record naming that branch on the archive branch. The
    archive is where two clones meet: with ``push``, the record is pushed first, and when the
    remote's archive moved, the stock is read again there and the movement checked again
    (``pending_change``) — the last part cannot be taken twice; the edit's branch is made
    again for the new quantity, and pushed only once the record is."""
    from ..archive import estate_branch

    records_dir = opened.reports_root(ctx)
    edit = edit_on_branch(ctx, opened, begun, {STOCK_FILE: new.encode("utf-8")}, m.summary())
    out = Outcome(begun.run_id, "", movement=m, estate_edit=edit)
    action, part, depot, quantity, reason, host = asked

    def attempt() -> str:
        moved = out.movement
        assert moved is not None and out.estate_edit is not None
        pending = pending_change(records_dir, begun.estate_commit, part, depot)
        try:
            again = movement(opened.estate, action, part, depot, quantity=quantity,
                             reason=reason, host=host, pending=pending)
        except PatrolError as exc:
            estate_branch.discard(ctx.root, out.estate_edit.branch, out.estate_edit.commit)
            raise PatrolError(f"{exc} (another run's movement reached the archive first; "
                              f"the estate edit {out.estate_edit.branch} was not pushed and "
                              "is removed)", exit_code=exc.exit_code) from None
        if again.after != moved.after:  # the stock moved meanwhile: edit it from there
            estate_branch.discard(ctx.root, out.estate_edit.branch, out.estate_edit.commit)
            out.movement = again
            out.estate_edit = edit_on_branch(ctx, opened, begun,
                                             {STOCK_FILE: edit_stock(text, again).encode()},
                                             again.summary())
        moved = out.movement
        body = records.movement_record(moved, begun.run_id, header(
            ctx, begun, ctx.now(), {"action": moved.action}), archive.latest_record(records_dir))
        out.record, digest = write_record(records_dir, begun.run_id, begun.started,
                                          with_estate_edit(body, out.estate_edit))
        return commit_run(records_dir, [out.record], moved.summary(), begun.run_id,
                          estate=begun.estate_commit, record=(out.record, digest),
                          sign=opened.signing_key)

    out.commit = attempt()
    if push:
        out.commit = archive.push(records_dir, attempt)
        assert out.estate_edit is not None
        push_edit(ctx, out.estate_edit)
    return out


@dataclass(frozen=True)
class Judged:
    """A check's verdict: findings moved, how many problems, the commit summary, and the
    record body given its run id, header and previous record."""

    moves: list[Transition]
    problems: int
    summary: str
    record: Callable[[str, dict[str, Any], tuple[str, str] | None], dict[str, Any]]


Judge = Callable[[Any, dict[str, Any], str, datetime], Judged]


def _check(ctx: RunContext, label: str, judge: Judge, commit: bool, push: bool) -> Outcome:
    """Judge, write the record and the moved findings, commit; with ``push``, push, and when
    another run pushed first, judge and record again on its tip (never a force push).
    ``commit=False`` is a preview: judged and reported, nothing written."""
    intent = archive.Intent(writes=commit, commits=commit, push=push and commit)
    with lock_and_load(ctx, intent, reaches_hosts=False) as opened:
        begun = begin(ctx, label, opened.started)
        records = opened.reports_root(ctx)
        out = Outcome(begun.run_id, "")

        def attempt() -> str:
            store = findings_store.load(records)  # as the (possibly new) tip has them
            j = judge(opened.estate, store, begun.run_id, begun.started)
            body = j.record(begun.run_id, header(ctx, begun, ctx.now(), {}),
                            archive.latest_record(records))
            rel, data, digest = sealed_record(begun.run_id, begun.started, body)
            out.transitions, out.problems = j.moves, j.problems
            if not commit:
                return ""
            out.record = rel
            changed = archive.write_or_spool(records, {rel: data, **findings_store.documents(
                store, {t.finding for t in j.moves}), **owed_for_moves(
                records, opened.estate, begun.run_id, begun.started, j.moves, store)},
                begun.run_id)
            out.commit = commit_run(records, [rel, *changed], j.summary, begun.run_id,
                                    estate=begun.estate_commit, record=(rel, digest),
                                    sign=opened.signing_key)
            return out.commit

        attempt()
        if push and commit:
            out.commit = archive.push(records, attempt)
        return out


def spares_check(ctx: RunContext, commit: bool, push: bool = False) -> Outcome:
    """Open a finding per commitment short at a site, close those covered again."""

    def judge(estate: Any, store: dict[str, Any], run_id: str, now: datetime) -> Judged:
        cov = coverage(estate, demand=demand(store, estate))  # failed parts count as demand
        zones = {s: str(site.timezone) for s, site in estate.sites.items()}
        moves = apply_shortfalls(store, cov, run=run_id, now=now,
                                 policy=policy_of(estate.service),
                                 equipment=estate.service.equipment, site_tz=zones)
        short = cov.short

        def record(run: str, head: dict[str, Any], prev: Any) -> dict[str, Any]:
            return records.spares_check_record(run, head, prev, cov.lines, short, moves)

        return Judged(moves, len(short),
                      f"spares check: {len(short)} of {len(cov.lines)} commitments short", record)

    return _check(ctx, "spares-check", judge, commit, push)


def lifecycle_check(ctx: RunContext, commit: bool, push: bool = False) -> Outcome:
    """Open a finding per host past end of life or out of warranty, close the rest."""

    def judge(estate: Any, store: dict[str, Any], run_id: str, now: datetime) -> Judged:
        life = lifecycle(estate, now.date(), timedelta(0))
        past = life.past
        moves = apply_lifecycle(store, life, run=run_id, now=now,
                                policy=policy_of(estate.service),
                                equipment=estate.service.equipment, host_tz=host_zones(estate))

        def record(run: str, head: dict[str, Any], prev: Any) -> dict[str, Any]:
            return records.lifecycle_check_record(run, head, prev, past, moves)

        eol = sum(e.what == "end_of_life" for e in past)
        return Judged(moves, len(past), f"lifecycle check: {eol} host(s) past end of life, "
                                        f"{len(past) - eol} out of warranty", record)

    return _check(ctx, "lifecycle-check", judge, commit, push)
