"""An upgrade: plan -> window -> waves -> pre-checks -> apt -> post-checks -> halt / rollback
-> record -> inventory -> commit.

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

SIGINT: the first one lets the apt calls in flight finish (killing apt half-way would leave
dpkg half-configured), then stops; the run is recorded as ``interrupted`` and committed, so
the archive stays valid. A second SIGINT aborts at once.

The inventory follows reality: every host whose installed versions are known after the run
(upgraded, rolled back, failed with the new version in place) gets its declared
``software:`` versions rewritten in ``inventory/hosts/`` and committed with the record.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from .. import archive, checks
from ..checks.base import Measurement, Result, Status
from ..errors import Exit, PatrolError
from .waves import exceeds, split_labelled
from .window import describe, is_open, next_open, zone_for

Clock = Callable[[], datetime]
Play = Callable[..., Any]  # runner.execute.run_play's signature
Say = Callable[[str], None]


class Outcome(StrEnum):
    UPGRADED = "upgraded"
    UNCHANGED = "unchanged"  # already at the planned versions; post-checks passed
    SKIPPED_PRECHECK = "skipped-precheck"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    ROLLED_BACK = "rolled-back"
    ROLLBACK_FAILED = "rollback-failed"
    INTERRUPTED = "interrupted"  # apt ran, the run stopped before its post-checks
    NOT_STARTED = "not-started"  # its wave never started (halt, interrupt)
    OUTSIDE_WINDOW = "outside-window"
    WOULD_UPGRADE = "would-upgrade"  # --check
    WOULD_NOT_CHANGE = "would-not-change"  # --check


SUCCESS = frozenset({Outcome.UPGRADED, Outcome.UNCHANGED})
WAVE_FAILURES = frozenset({Outcome.FAILED, Outcome.UNREACHABLE})


class OutsideWindow(PatrolError):
    """No targeted host's window is open; ``opens`` is when the first one next opens."""

    def __init__(self, message: str, opens: datetime) -> None:
        super().__init__(message, exit_code=Exit.FAILED)
        self.opens = opens


@dataclass
class Rollback:
    ok: bool
    after: dict[str, str | None] | None
    post_checks: dict[str, Result]
    message: str = ""


@dataclass
class HostUpgrade:
    host: str
    wave: int | None
    outcome: Outcome = Outcome.NOT_STARTED
    before: dict[str, str | None] = field(default_factory=dict)
    after: dict[str, str | None] | None = None
    pre_checks: dict[str, Result] = field(default_factory=dict)
    post_checks: dict[str, Result] = field(default_factory=dict)
    rollback: Rollback | None = None
    message: str = ""
    window_opens: datetime | None = None

    @property
    def installed(self) -> dict[str, str | None] | None:
        """What is installed now, as far as the run knows."""
        if self.rollback is not None and self.rollback.after is not None:
            return self.rollback.after
        return self.after


@dataclass
class WaveResult:
    number: int
    spec: str
    hosts: list[str]
    started: bool = False
    failures: int = 0
    halted: bool = False
    rolled_back: list[str] = field(default_factory=list)


@dataclass
class UpgradeRun:
    run_id: str
    plan: str
    check: bool
    packages: dict[str, str]
    hosts: dict[str, HostUpgrade]
    waves: list[WaveResult]
    result: str = "completed"  # completed / halted / interrupted
    halted_after_wave: int | None = None
    record_path: str = ""
    record_sha256: str = ""
    commit: str | None = None
    inventory_files: list[str] = field(default_factory=list)
    inventory_changes: dict[str, dict[str, str]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for h in self.hosts.values() if h.outcome is outcome)

    @property
    def exit_code(self) -> int:
        if self.result == "interrupted":
            return 130
        ok = {Outcome.WOULD_UPGRADE, Outcome.WOULD_NOT_CHANGE} if self.check else SUCCESS
        return int(Exit.OK if all(h.outcome in ok for h in self.hosts.values()) else Exit.FAILED)


# -- interrupts --------------------------------------------------------------------------------


class Interrupt:
    """Set by the first SIGINT; polled between steps and by ansible-runner's cancel callback."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self) -> bool:
        return self.requested


@contextmanager
def sigint_stops_gracefully(interrupt: Interrupt, say: Say) -> Iterator[Interrupt]:
    """First Ctrl-C: finish the apt calls in flight, then stop and record. Second: abort."""
    try:
        previous = signal.getsignal(signal.SIGINT)

        def handler(_signum: int, _frame: Any) -> None:
            if interrupt.requested:
                raise KeyboardInterrupt
            interrupt.requested = True
            say("interrupt: letting the apt calls in flight finish, then stopping "
                "(Ctrl-C again to abort at once)")

        signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: nobody can send us SIGINT there anyway
        yield interrupt
        return
    try:
        yield interrupt
    finally:
        signal.signal(signal.SIGINT, previous)


# -- planning ----------------------------------------------------------------------------------


def find_plan(estate: Any, name: str) -> tuple[str, Any]:
    """A plan by file stem (``patrol-agent-1.1``) or by path (``policies/upgrades/x.yaml``)."""
    stem = Path(name).stem if name.endswith((".yaml", ".yml")) else name
    plan = estate.upgrades.get(stem)
    if plan is None:
        known = ", ".join(sorted(estate.upgrades)) or "none"
        raise PatrolError(f"unknown upgrade plan {name!r}; known: {known}", exit_code=Exit.USAGE)
    return stem, plan


def _params(check: Any) -> Any:
    kind = checks.get(check.kind)
    parsed = getattr(check, "parsed_params", None)
    return parsed if isinstance(parsed, kind.Params) else kind.Params.model_validate(
        check.params or {})


def check_specs(plan_checks: list[Any]) -> list[tuple[str, str, Any]]:
    return [(c.id, c.kind, _params(c)) for c in plan_checks]


def rollback_specs(specs: list[tuple[str, str, Any]], planned: Mapping[str, str],
                   before: Mapping[str, str | None]) -> list[tuple[str, str, Any]]:
    """The post-checks after a rollback: ``package_version`` checks of the plan's packages
    expect the recorded previous versions (a package that was not installed is dropped,
    the versions comparison covers it)."""
    out = []
    for cid, kind, params in specs:
        if kind == "package_version":
            wanted = {}
            for name, version in params.packages.items():
                if name not in planned:
                    wanted[name] = version
                elif before.get(name) is not None:
                    wanted[name] = before[name]
            if not wanted:
                continue
            params = params.model_copy(update={"packages": wanted})
        out.append((cid, kind, params))
    return out


def versions_measurement(packages: Mapping[str, Any]) -> dict[str, Any]:
    m = Measurement("packages", {"names": sorted(packages)})
    return {"id": checks.measurement_id(m), "probe": m.probe, "args": dict(m.args)}


def measurements(specs: list[tuple[str, str, Any]], host: Any,
                 packages: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The checks' measurements plus the installed-versions probe, one module call."""
    planned = checks.plan_measurements(specs, host)
    probe = versions_measurement(packages)
    if all(m["id"] != probe["id"] for m in planned):
        planned.append(probe)
    return planned


def _judge(specs: list[tuple[str, str, Any]], host: Any, values: Mapping[str, Any]
           ) -> dict[str, Result]:
    return checks.judge_all(specs, host, values) if specs else {}


def _failing(results: Mapping[str, Result]) -> list[str]:
    return [f"{cid}: {r.reason}" for cid, r in sorted(results.items())
            if r.status is not Status.PASS]


def _versions(values: Mapping[str, Any], packages: Mapping[str, Any]
              ) -> dict[str, str | None] | None:
    value = values.get(versions_measurement(packages)["id"])
    if not isinstance(value, dict) or "error" in value:
        return None
    return {name: value.get(name) for name in sorted(packages)}


def _first_line(text: str, default: str) -> str:
    return (text.strip().splitlines() or [default])[0][:300]


# -- the run -----------------------------------------------------------------------------------


@dataclass
class _Context:
    estate: Any
    plan: Any
    stem: str
    hosts: dict[str, Any]  # name -> Host
    play: Play
    say: Say
    interrupt: Callable[[], bool]
    forks: int
    timeout: int

    def inventory(self, per_host: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
        from .. import lab
        from ..inventory import build_inventory

        lab_vars = lab.ansible_vars()
        extra = {h: {**lab_vars.get(h, {}), **dict(v)} for h, v in per_host.items()}
        return build_inventory(self.estate, extra_hostvars=extra)

    def run(self, playbook: str, per_host: Mapping[str, Mapping[str, Any]], *,
            check_mode: bool = False,
            cancel: Callable[[dict[str, list[Any]]], bool] | None = None,
            ) -> dict[str, list[Any]]:
        """One play over the hosts of ``per_host``; every task result of every host, in
        order. ``cancel`` sees the results so far and says whether to stop the play now."""
        events: dict[str, list[Any]] = {h: [] for h in per_host}

        def arrived(name: str, outcome: Any) -> None:
            if name in events:
                events[name].append(outcome)

        self.play(playbook, self.inventory(per_host), limit=sorted(per_host),
                  check_mode=check_mode, forks=self.forks, timeout=self.timeout,
                  on_host=arrived, cancel=(lambda: cancel(events)) if cancel else None)
        return events


def _unreachable(events: list[Any]) -> Any | None:
    from ..execute import HostState

    return next((e for e in events if e.state is HostState.UNREACHABLE), None)


def _split(events: list[Any]) -> tuple[list[Any], Any | None]:
    """(apt task results, the measuring result): the measuring module returns ``values``."""
    measured = next((e for e in events if "values" in e.result), None)
    return [e for e in events if "values" not in e.result], measured


def _pre_checks(ctx: _Context, names: list[str], results: dict[str, HostUpgrade]
                ) -> list[str]:
    """Measure the pre-checks and installed versions; the names that may be upgraded."""
    specs = check_specs(ctx.plan.pre_checks)
    per_host = {n: {"patrol_measurements": measurements(specs, ctx.hosts[n], ctx.plan.packages)}
                for n in names}
    events = ctx.run("inspect.yml", per_host, cancel=lambda _so_far: ctx.interrupt())
    passing = []
    for name in names:
        hu = results[name]
        got = events[name]
        if not got:
            hu.message = "no result: the run was interrupted" if ctx.interrupt() else \
                "no result: the play ended early"
            hu.outcome = Outcome.NOT_STARTED if ctx.interrupt() else Outcome.FAILED
            continue
        if (down := _unreachable(got)) is not None:
            hu.outcome, hu.message = Outcome.UNREACHABLE, _first_line(down.message, "unreachable")
            continue
        _apt, measured = _split(got)
        if measured is None:
            hu.outcome = Outcome.SKIPPED_PRECHECK
            hu.message = f"measuring failed: {_first_line(got[-1].message, 'no values')}"
            continue
        values = measured.result["values"]
        hu.pre_checks = _judge(specs, ctx.hosts[name], values)
        before = _versions(values, ctx.plan.packages)
        failing = _failing(hu.pre_checks)
        if before is None:
            failing.append("cannot read the installed versions")
        else:
            hu.before = before
        if failing:
            hu.outcome, hu.message = Outcome.SKIPPED_PRECHECK, "; ".join(failing)[:500]
            continue
        passing.append(name)
    return passing


def _apt_vars(pins: Mapping[str, str | None], *, downgrade: bool) -> dict[str, Any]:
    return {
        "patrol_apt_packages": [f"{p}={v}" for p, v in sorted(pins.items()) if v is not None],
        "patrol_apt_remove": sorted(p for p, v in pins.items() if v is None),
        "patrol_allow_downgrade": downgrade,
    }


def _upgrade(ctx: _Context, names: list[str], results: dict[str, HostUpgrade]) -> None:
    """apt to the planned versions, then the post-checks, on every host of ``names``."""
    planned = dict(ctx.plan.packages)
    specs = check_specs(ctx.plan.post_checks)
    per_host = {n: {**_apt_vars(planned, downgrade=False),
                    "patrol_measurements": measurements(specs, ctx.hosts[n], planned)}
                for n in names}

    def cancel(so_far: dict[str, list[Any]]) -> bool:
        # never while apt runs: only once every host's apt call has returned
        return ctx.interrupt() and all(so_far[n] for n in names)

    events = ctx.run("upgrade.yml", per_host, cancel=cancel)
    for name in names:
        _judge_upgrade(results[name], events[name], specs, ctx.hosts[name], planned,
                       ctx.interrupt())


def _judge_upgrade(hu: HostUpgrade, got: list[Any], specs: list[tuple[str, str, Any]],
                   host: Any, planned: Mapping[str, str], interrupted: bool) -> None:
    from ..execute import HostState

    if not got:
        hu.outcome = Outcome.INTERRUPTED if interrupted else Outcome.FAILED
        hu.message = "no result: the play ended before apt returned"
        return
    if (down := _unreachable(got)) is not None:
        hu.outcome, hu.message = Outcome.UNREACHABLE, _first_line(down.message, "unreachable")
        return
    apt, measured = _split(got)
    failed = next((e for e in apt if e.state is not HostState.OK), None)
    if failed is not None:
        hu.outcome, hu.message = Outcome.FAILED, f"apt: {_first_line(failed.message, 'failed')}"
        return
    if measured is None:
        hu.after = dict(planned)  # apt pinned these versions and returned ok
        hu.outcome = Outcome.INTERRUPTED
        hu.message = "apt done; interrupted before the post-checks"
        return
    values = measured.result["values"]
    hu.post_checks = _judge(specs, host, values)
    hu.after = _versions(values, planned)
    failing = _failing(hu.post_checks)
    if hu.after is None:
        failing.append("cannot read the installed versions")
    else:
        failing += [f"{p} is {hu.after.get(p)} after the upgrade, planned {v}"
                    for p, v in sorted(planned.items()) if hu.after.get(p) != v]
    if failing:
        hu.outcome, hu.message = Outcome.FAILED, "; ".join(failing)[:500]
        return
    unchanged = all(hu.before.get(p) == v for p, v in planned.items())
    hu.outcome = Outcome.UNCHANGED if unchanged else Outcome.UPGRADED


def _rollback(ctx: _Context, names: list[str], results: dict[str, HostUpgrade]) -> None:
    """Back to the recorded previous versions (apt downgrade), then post-checked again."""
    from ..execute import HostState

    planned = dict(ctx.plan.packages)
    post = check_specs(ctx.plan.post_checks)
    per_host: dict[str, dict[str, Any]] = {}
    specs_of: dict[str, list[tuple[str, str, Any]]] = {}
    for n in names:
        before = results[n].before
        pins = {p: before.get(p) for p in planned if before.get(p) != planned[p]}
        specs_of[n] = rollback_specs(post, planned, before)
        per_host[n] = {**_apt_vars(pins, downgrade=True),
                       "patrol_measurements": measurements(specs_of[n], ctx.hosts[n], planned)}
    events = ctx.run("upgrade.yml", per_host)  # never cancelled: a half rollback helps no one
    for n in names:
        hu, got = results[n], events[n]
        if not got or (down := _unreachable(got)) is not None:
            reason = "no result" if not got else _first_line(down.message, "unreachable")
            hu.rollback = Rollback(False, None, {}, f"rollback: {reason}")
            hu.outcome = Outcome.ROLLBACK_FAILED
            continue
        apt, measured = _split(got)
        failed = next((e for e in apt if e.state is not HostState.OK), None)
        if failed is not None or measured is None:
            why = failed.message if failed is not None else "no values"
            hu.rollback = Rollback(False, None, {}, f"rollback apt: {_first_line(why, 'failed')}")
            hu.outcome = Outcome.ROLLBACK_FAILED
            continue
        values = measured.result["values"]
        checked = _judge(specs_of[n], ctx.hosts[n], values)
        after = _versions(values, planned)
        failing = _failing(checked)
        if after != {p: hu.before.get(p) for p in sorted(planned)}:
            failing.append(f"installed after rollback: {after}, recorded before: {hu.before}")
        hu.rollback = Rollback(not failing, after, checked, "; ".join(failing)[:500])
        hu.outcome = Outcome.ROLLED_BACK if not failing else Outcome.ROLLBACK_FAILED


def _zones(ctx: _Context) -> dict[str, Any]:
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
        f"at {at.strftime('%Y-%m-%dT%H:%M:%SZ')}; nothing was run. It next opens "
        + "; ".join(parts), ordered[0][0])


def upgrade(
    root: Path,
    plan_name: str,
    *,
    now: Clock,
    check: bool = False,
    commit: bool = True,
    env: Mapping[str, str] | None = None,
    say: Say = lambda _text: None,
    play: Play | None = None,
    interrupt: Callable[[], bool] | None = None,
    forks: int = 20,
    timeout: int = 10,
) -> UpgradeRun:
    """Run (or with ``check`` preview) an upgrade plan; see the module docstring."""
    from ..inspect import load_valid_estate, new_run_id

    t0 = time.perf_counter()
    root = Path(root)
    if play is None:
        from ..execute import run_play as play
    with archive.run_lock(root):
        estate = load_valid_estate(root)
        stem, plan = find_plan(estate, plan_name)
        targeted = {h.name: h for h in estate.select(plan.targets)}
        if not targeted:
            raise PatrolError(f"upgrade plan {stem!r} targets no hosts", exit_code=Exit.USAGE)
        own = Interrupt()
        ctx = _Context(estate, plan, stem, targeted, play, say, interrupt or own, forks, timeout)
        zones = _zones(ctx)
        started = now()
        in_window = [n for n in sorted(targeted) if is_open(plan.window, zones[n], started)]
        if not in_window and not check:
            raise refusal(stem, plan, zones, targeted, started)
        run = UpgradeRun(new_run_id(started, stem), stem, check, dict(plan.packages), {}, [])
        if check:
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
        if interrupt is None:
            with sigint_stops_gracefully(own, say):
                _waves(ctx, run, zones, now)
        else:
            _waves(ctx, run, zones, now)
        finished = now()
        written = _inventory_follows(root, run, targeted)
        _record(root, run, ctx, started, finished, env, commit, written)
        run.timings["total"] = time.perf_counter() - t0
        return run


def _waves(ctx: _Context, run: UpgradeRun, zones: Mapping[str, Any], now: Clock) -> None:
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
        passing = _pre_checks(ctx, names, run.hosts)
        if passing and not ctx.interrupt():
            _upgrade(ctx, passing, run.hosts)
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
                    _rollback(ctx, back, run.hosts)
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


def _preview(ctx: _Context, run: UpgradeRun, names: list[str]) -> None:
    """--check: pre-checks and versions measured (read-only), apt in check mode, no record."""
    for name in names:
        run.hosts[name] = HostUpgrade(name, None)
    for number, (spec, wave) in enumerate(split_labelled(names, list(ctx.plan.waves)), 1):
        run.waves.append(WaveResult(number, spec, wave))
        for name in wave:
            run.hosts[name].wave = number
    passing = _pre_checks(ctx, names, run.hosts)
    planned = dict(ctx.plan.packages)
    if passing:
        per_host = {n: {**_apt_vars(planned, downgrade=False), "patrol_measurements": []}
                    for n in passing}
        events = ctx.run("upgrade.yml", per_host, check_mode=True)
        from ..execute import HostState

        for name in passing:
            hu, got = run.hosts[name], events[name]
            down = _unreachable(got) if got else None
            failed = next((e for e in got if e.state is not HostState.OK), None)
            if not got or down is not None:
                hu.outcome = Outcome.UNREACHABLE
                hu.message = _first_line(down.message if down else "", "no result")
            elif failed is not None:
                hu.outcome, hu.message = Outcome.FAILED, f"apt: {_first_line(failed.message, '')}"
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


def _inventory_follows(root: Path, run: UpgradeRun, targeted: Mapping[str, Any]) -> list[str]:
    """Declared versions := installed versions, for every host where the run knows them."""
    from .inventory_edit import update_inventory

    changes: dict[str, dict[str, str]] = {}
    for name, hu in sorted(run.hosts.items()):
        installed = hu.installed
        if not installed:
            continue
        declared = dict(targeted[name].software)
        diff = {p: v for p, v in installed.items()
                if v is not None and declared.get(p) != v}
        if diff:
            changes[name] = diff
    written, done = update_inventory(root, changes)
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


def _record(root: Path, run: UpgradeRun, ctx: _Context, started: datetime, finished: datetime,
            env: Mapping[str, str] | None, commit: bool, inventory_files: list[str]) -> None:
    from .. import execute
    from ..inspect import _patrol_version
    from ..record import iso
    from ..trigger import trigger_from
    from .record import upgrade_record

    estate_sha, estate_dirty = archive.estate_commit(root)
    header = {
        "plan": run.plan,
        "started": iso(started),
        "finished": iso(finished),
        "estate": {"commit": estate_sha, "dirty": estate_dirty},
        "trigger": trigger_from(dict(os.environ if env is None else env)),
        "tools": {"patrol": _patrol_version(), "ansible_core": execute.ansible_version()},
    }
    body = upgrade_record(run, ctx.plan, header, archive.latest_record(root))
    data, digest = archive.seal(archive.dump_yaml(body))
    rel = archive.record_path(run.run_id, started.year, started.month)
    archive.atomic_write(root / rel, data)
    run.record_path, run.record_sha256 = rel, digest
    if commit:
        run.commit = archive.commit(root, [rel, *inventory_files], commit_summary(run), {
            "Patrol-Run": run.run_id,
            "Patrol-Estate": estate_sha or "none",
            "Patrol-Record": f"sha256:{digest}",
        })
