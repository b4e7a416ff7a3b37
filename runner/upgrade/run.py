"""An upgrade: plan -> window -> waves -> pre-checks -> apt -> post-checks -> halt / rollback
-> record -> inventory -> commit (the run skeleton is ``runner.run``'s: the estate commit is
captured when the run begins, before the inventory is rewritten).

Per wave there are two plays, whatever the wave's size: ``inspect.yml`` measures the
pre-checks and the installed versions (one round trip), then ``upgrade.yml`` pins the
plan's versions with apt and measures the post-checks (two round trips). Judging happens
here, with the same check kinds as inspections. A wave whose failures (failed post-checks,
failed apt calls, unreachable hosts) exceed ``halt.max_failures`` stops the plan: no further
wave starts and, with ``rollback: true``, that wave's upgraded hosts get their recorded
previous versions back (``upgrade.yml`` again, with ``allow_downgrade``) and are post-checked
again, the ``package_version`` post-checks expecting the previous versions.

Windows (see ``window.py``): the plan runs only on hosts whose window is open at ``now``;
with none open it refuses (``OutsideWindow``) and says when it next opens. Hosts whose
window is closed (another site's night) are recorded ``outside-window``; each wave re-checks
the window before it starts.

SIGINT or SIGTERM (``runner/interrupt.py``): the first one lets the apt calls in flight finish
(killing apt half-way would leave dpkg half-configured), then stops; the run is recorded as
``interrupted`` and committed, so the archive stays valid. Further signals change nothing:
hosts were upgraded, so the record is always written (committed, or spooled).

The inventory follows reality: every host whose installed versions are known after the run
(upgraded, rolled back, failed with the new version in place) gets its declared
``software:`` versions rewritten in ``inventory/hosts/`` and committed with the record.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import archive, versions
from ..archive.estate_branch import tree_files as estate_files
from ..clock import Clock, iso, utc_now
from ..errors import Exit, PatrolError
from ..interrupt import Interrupt, signals_stop
from ..run import (
    Begun,
    Opened,
    RunContext,
    begin,
    edit_on_branch,
    estate_edit_refusal,
    lock_and_load,
    push_edit,
    require_secrets,
    with_estate_edit,
    write_record,
)
from ..run import commit as commit_run
from ..run import header as run_header
from .model import (
    SUCCESS,
    WAVE_FAILURES,
    HostUpgrade,
    Outcome,
    OutsideWindow,
    UpgradeRun,
    WaveResult,
)
from .plays import (
    Context,
    Play,
    Say,
    apt_vars,
    first_line,
    pre_checks,
    rollback,
    unreachable,
    upgrade_wave,
)
from .waves import exceeds, split_labelled
from .window import describe, is_open, next_open, zone_for

NEEDS_SECRETS: frozenset[str] = frozenset()  # upgrade.yml uses no become: no secret is read

__all__ = ["Interrupt", "Outcome", "OutsideWindow", "UpgradeRun", "commit_summary", "upgrade"]


# -- the run -----------------------------------------------------------------------------------


def find_plan(estate: Any, name: str) -> tuple[str, Any]:
    """A plan by file stem (``patrol-agent-1.1``) or by path (``policies/upgrades/x.yaml``)."""
    stem = Path(name).stem if name.endswith((".yaml", ".yml")) else name
    plan = estate.upgrades.get(stem)
    if plan is None:
        known = ", ".join(sorted(estate.upgrades)) or "none"
        raise PatrolError(f"unknown upgrade plan {name!r}; known: {known}", exit_code=Exit.USAGE)
    return stem, plan


def _zones(ctx: Context) -> dict[str, Any]:
    zones = {}
    for name, host in ctx.hosts.items():
        site = ctx.estate.sites.get(host.site)
        zones[name] = zone_for(ctx.plan.window, site.timezone if site is not None else None)
    return zones


def refusal(stem: str, plan: Any, zones: Mapping[str, Any], hosts: Mapping[str, Any],
            at: datetime) -> OutsideWindow:
    """The message for a plan whose window is closed everywhere, with its next opening."""
    openings: dict[str, tuple[datetime, Any, list[str]]] = {}
    for name in sorted(zones):
        zone = zones[name]
        key = str(zone)
        if key not in openings:
            openings[key] = (next_open(plan.window, zone, at), zone, [])
        openings[key][2].append(hosts[name].site)
    ordered = sorted(openings.values(), key=lambda o: o[0])
    parts = []
    for opens, zone, sites in ordered:
        local = opens.astimezone(zone)
        where = ", ".join(sorted(set(sites)))
        parts.append(f"{opens.strftime('%Y-%m-%dT%H:%MZ')} ({local.strftime('%a %H:%M')} "
                     f"{zone}, {where})")
    return OutsideWindow(
        f"upgrade plan {stem!r} is outside its maintenance window {describe(plan.window)} "
        f"at {iso(at)}; nothing was run. It next opens "
        + "; ".join(parts), ordered[0][0])


def upgrade(
    root: Path,
    plan_name: str,
    *,
    now: Clock = utc_now,
    check: bool = False,
    commit: bool = True,
    env: Mapping[str, str] | None = None,
    ctx: RunContext | None = None,
    say: Say = lambda _text: None,
    play: Play | None = None,
    connections: Mapping[str, Mapping[str, Any]] | None = None,
    interrupt: Callable[[], bool] | None = None,
    forks: int = 20,
    timeout: int = 10,
    push: bool = False,
) -> UpgradeRun:
    """Run (or with ``check`` preview) an upgrade plan; see the module docstring.

    ``ctx`` fixes the clock, run ids and trigger (default: this machine's, with ``now`` and
    ``env``); ``play`` is the executor; ``connections`` (host -> Ansible connection vars)
    go over the estate's, e.g. the lab's when the user opts in. With an archive branch the
    inventory edit goes on its own branch for a PR (``_record``); ``push`` pushes it and the
    record.
    """
    t0 = time.perf_counter()
    rc = ctx or RunContext.here(Path(root), clock=now, env=env)
    root = rc.root
    if play is None:
        from ..execute import run_play as play
    # an upgrade changes hosts, so its record is written even with commit=False (the next
    # run commits it); only --check writes nothing
    intent = archive.Intent(writes=not check, commits=commit and not check,
                            push=push and commit and not check)
    with lock_and_load(rc, intent) as opened:
        estate = opened.estate
        stem, plan = find_plan(estate, plan_name)
        # the estate commit, captured before the run rewrites the inventory
        begun = begin(rc, stem, opened.started)
        if commit and not check:
            estate_edit_refusal(opened, begun, push)
        targeted = {h.name: h for h in estate.select(plan.targets)}
        if not targeted:
            raise PatrolError(f"upgrade plan {stem!r} targets no hosts", exit_code=Exit.USAGE)
        require_secrets(targeted.values(), NEEDS_SECRETS)
        own = Interrupt()
        ctx = Context(estate, plan, stem, targeted, play, say, interrupt or own, forks, timeout,
                      dict(connections or {}))
        zones = _zones(ctx)
        started = begun.started
        in_window = [n for n in sorted(targeted) if is_open(plan.window, zones[n], started)]
        if not in_window and not check:
            raise refusal(stem, plan, zones, targeted, started)
        run = UpgradeRun(begun.run_id, stem, check, dict(plan.packages), {}, [])
        if check:
            if not in_window:
                closed = refusal(stem, plan, zones, targeted, started)
                say(f"note: the window is closed now; it opens {iso(closed.opens)}. "
                    "--check previews anyway")
            _preview(ctx, run, sorted(targeted))
            run.timings["total"] = time.perf_counter() - t0
            return run
        for name in sorted(set(targeted) - set(in_window)):
            run.hosts[name] = HostUpgrade(name, None, Outcome.OUTSIDE_WINDOW,
                                          window_opens=next_open(plan.window, zones[name],
                                                                 started))
        for number, (spec, names) in enumerate(split_labelled(in_window, list(plan.waves)), 1):
            run.waves.append(WaveResult(number, spec, names))
            for name in names:
                run.hosts[name] = HostUpgrade(name, number)
        message = ("interrupt: letting the apt calls in flight finish, then stopping; the "
                   "record is written whatever follows")
        with signals_stop(own, say, message) if interrupt is None else nullcontext():
            _waves(ctx, run, zones, rc.clock)
            with own.shielded():
                finished = rc.now()
                on_branch = commit and opened.records is not None
                try:
                    written = _inventory_follows(rc, opened, begun, run, targeted, on_branch)
                except (OSError, PatrolError) as exc:  # the record matters more: keep it
                    written = []
                    say(f"warning: the inventory could not follow the upgrade ({exc}); the "
                        "record keeps the installed versions: update inventory/hosts by hand")
                _record(rc, opened, run, ctx.plan, begun, finished, commit,
                        [] if on_branch else written, push)
        run.timings["total"] = time.perf_counter() - t0
        return run


def _waves(ctx: Context, run: UpgradeRun, zones: Mapping[str, Any], now: Clock) -> None:
    for wave in run.waves:
        if ctx.interrupt():
            run.result = "interrupted"
            return
        at = now()
        names = []
        for name in wave.hosts:
            if is_open(ctx.plan.window, zones[name], at):
                names.append(name)
            else:
                hu = run.hosts[name]
                hu.outcome = Outcome.OUTSIDE_WINDOW
                hu.window_opens = next_open(ctx.plan.window, zones[name], at)
        if not names:
            continue
        wave.started = True
        ctx.say(f"wave {wave.number} ({wave.spec}): {', '.join(names)}")
        passing = pre_checks(ctx, names, run.hosts)
        if passing and not ctx.interrupt():
            upgrade_wave(ctx, passing, run.hosts)
        for name in wave.hosts:
            _say_host(ctx.say, run.hosts[name])
        wave.failures = sum(1 for n in wave.hosts if run.hosts[n].outcome in WAVE_FAILURES)
        if ctx.interrupt():
            run.result = "interrupted"
            return
        if exceeds(wave.failures, len(wave.hosts), ctx.plan.halt.max_failures):
            wave.halted = True
            run.result, run.halted_after_wave = "halted", wave.number
            ctx.say(f"wave {wave.number}: {wave.failures} failure(s), more than "
                    f"max_failures {ctx.plan.halt.max_failures}: halting")
            if ctx.plan.rollback:
                back = [n for n in wave.hosts if run.hosts[n].outcome
                        in (Outcome.UPGRADED, Outcome.FAILED) and run.hosts[n].before]
                if back:
                    ctx.say(f"wave {wave.number}: rolling back {', '.join(back)}")
                    rollback(ctx, back, run.hosts)
                    wave.rolled_back = back
                    for name in back:
                        _say_host(ctx.say, run.hosts[name])
            return


def _say_host(say: Say, hu: HostUpgrade) -> None:
    change = ", ".join(f"{p} {hu.before.get(p)} -> {(hu.installed or {}).get(p)}"
                       for p in sorted(hu.before)) if hu.before else ""
    text = f"  {hu.host:<16} {hu.outcome.value:<17} {change}".rstrip()
    if hu.outcome not in SUCCESS and hu.message:
        text += f"\n      {hu.message}"
    if hu.rollback is not None and hu.rollback.message:
        text += f"\n      {hu.rollback.message}"
    say(text)


def _preview(ctx: Context, run: UpgradeRun, names: list[str]) -> None:
    """--check: pre-checks and versions measured (read-only), apt in check mode, no record."""
    for name in names:
        run.hosts[name] = HostUpgrade(name, None)
    for number, (spec, wave) in enumerate(split_labelled(names, list(ctx.plan.waves)), 1):
        run.waves.append(WaveResult(number, spec, wave))
        for name in wave:
            run.hosts[name].wave = number
    passing = pre_checks(ctx, names, run.hosts)
    planned = dict(ctx.plan.packages)
    if passing:
        per_host = {n: {**apt_vars(planned, downgrade=False), "patrol_measurements": []}
                    for n in passing}
        events = ctx.run("upgrade.yml", per_host, check_mode=True)
        from ..execute import HostState

        for name in passing:
            hu, got = run.hosts[name], events[name]
            down = unreachable(got) if got else None
            failed = next((e for e in got if e.state is not HostState.OK), None)
            if not got or down is not None:
                hu.outcome = Outcome.UNREACHABLE
                hu.message = first_line(down.message if down else "", "no result")
            elif failed is not None:
                hu.outcome, hu.message = Outcome.FAILED, f"apt: {first_line(failed.message, '')}"
            elif any(e.result.get("changed") for e in got):
                hu.outcome, hu.after = Outcome.WOULD_UPGRADE, dict(planned)
            else:
                hu.outcome, hu.after = Outcome.WOULD_NOT_CHANGE, dict(planned)
    if ctx.interrupt():
        run.result = "interrupted"
    for wave in run.waves:
        ctx.say(f"wave {wave.number} ({wave.spec}):")
        for name in wave.hosts:
            hu = run.hosts[name]
            moves = ", ".join(f"{p} {hu.before.get(p) or '(none)'} -> {v}"
                              for p, v in sorted(planned.items()))
            line = f"  {name:<16} {hu.outcome.value:<17} {moves}"
            if hu.outcome not in (Outcome.WOULD_UPGRADE, Outcome.WOULD_NOT_CHANGE):
                line = f"  {name:<16} {hu.outcome.value:<17} {hu.message}"
            ctx.say(line.rstrip())


# -- afterwards: inventory, record, commit -----------------------------------------------------


def _inventory_follows(rc: RunContext, opened: Opened, begun: Begun, run: UpgradeRun,
                       targeted: Mapping[str, Any], on_branch: bool) -> list[str]:
    """Declared versions := installed versions, for every host where the run knows them:
    in the checkout, or (``on_branch``: main is protected) on the edit's own branch, made
    from the estate commit the run started from (``run.estate_edit``)."""
    from .inventory_edit import update_inventory

    changes: dict[str, dict[str, str]] = {}
    for name, hu in sorted(run.hosts.items()):
        installed = hu.installed
        if not installed:
            continue
        declared = dict(targeted[name].software)
        diff = {p: v for p, v in installed.items()
                if v is not None and not versions.same(declared.get(p), v)}
        if diff:
            changes[name] = diff
    if not on_branch:
        written, done = update_inventory(rc.root, changes)
        run.inventory_files, run.inventory_changes = written, done
        return written
    if not changes:
        return []
    with tempfile.TemporaryDirectory(prefix="patrol-inventory-") as tmp:
        scratch = Path(tmp)
        assert begun.estate_commit is not None  # estate_edit_refusal saw to it
        for rel, data in estate_files(rc.root, begun.estate_commit, "inventory/hosts").items():
            (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
            (scratch / rel).write_bytes(data)
        written, done = update_inventory(scratch, changes)
        files = {rel: (scratch / rel).read_bytes() for rel in written}
    if files:  # the record lists the files only once the branch holds them
        run.estate_edit = edit_on_branch(rc, opened, begun, files, commit_summary(run))
    run.inventory_files, run.inventory_changes = written, done
    return written


def commit_summary(run: UpgradeRun) -> str:
    total = len(run.hosts)
    done = run.count(Outcome.UPGRADED) + run.count(Outcome.UNCHANGED)
    text = f"upgrade({run.plan}): {done}/{total} hosts upgraded"
    if run.result == "halted":
        text += f", halted after wave {run.halted_after_wave}"
    if run.result == "interrupted":
        text += ", interrupted"
    for outcome, label in ((Outcome.ROLLED_BACK, "rolled back"),
                           (Outcome.ROLLBACK_FAILED, "rollback failed"),
                           (Outcome.FAILED, "failed"), (Outcome.UNREACHABLE, "unreachable"),
                           (Outcome.SKIPPED_PRECHECK, "skipped by pre-check"),
                           (Outcome.OUTSIDE_WINDOW, "outside the window"),
                           (Outcome.NOT_STARTED, "not started")):
        if n := run.count(outcome):
            text += f", {n} {label}"
    return text


def _record(rc: RunContext, opened: Opened, run: UpgradeRun, plan: Any, begun: Begun,
            finished: datetime, commit: bool, inventory_files: list[str], push: bool) -> None:
    """Seal and write the record (naming the inventory edit's branch when there is one) and
    commit it with the inventory files it carries; with ``push``, push the edit's branch and
    the record, the record re-made on a moved tip."""
    from ..archive.upgrade_record import upgrade_record

    records = opened.reports_root(rc)

    def attempt() -> str:
        header = run_header(rc, begun, finished, {"plan": run.plan})
        body = with_estate_edit(upgrade_record(run, plan, header,
                                               archive.latest_record(records)), run.estate_edit)
        run.record_path, run.record_sha256 = write_record(records, run.run_id, begun.started,
                                                          body)
        if not commit:
            return ""
        return commit_run(records, [run.record_path, *inventory_files], commit_summary(run),
                          run.run_id, estate=begun.estate_commit,
                          record=(run.record_path, run.record_sha256),
                          sign=opened.signing_key)

    run.commit = attempt() or None
    if push and commit:
        if run.estate_edit is not None:
            push_edit(rc, run.estate_edit)
        run.commit = archive.push(records, attempt)
