"""The plays of one wave and how their results are judged: pre-checks (``inspect.yml``),
upgrade and rollback (``upgrade.yml``). Measuring is the check kinds' (``runner.checks``);
the installed versions come from the same one-call module's ``packages`` probe.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import checks, versions
from ..checks.base import Measurement
from ..results import Result, Status
from .model import HostUpgrade, Outcome, Rollback

Play = Callable[..., Any]  # runner.execute.run_play's signature
Say = Callable[[str], None]


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


def first_line(text: str, default: str) -> str:
    return (text.strip().splitlines() or [default])[0][:300]


@dataclass
class Context:
    estate: Any
    plan: Any
    stem: str
    hosts: dict[str, Any]  # name -> Host
    play: Play
    say: Say
    interrupt: Callable[[], bool]
    forks: int
    timeout: int
    connections: dict[str, Any] = field(default_factory=dict)  # host -> connection vars
    last_error: str = ""  # Ansible's own output when a play gave no host a result

    def no_result(self) -> str:
        detail = first_line(self.last_error.strip().splitlines()[-1] if self.last_error.strip()
                            else "", "")
        return "no result: the play ended early" + (f" ({detail})" if detail else "")

    def inventory(self, per_host: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
        from ..inventory import build_inventory

        extra = {h: {**self.connections.get(h, {}), **dict(v)} for h, v in per_host.items()}
        return build_inventory(self.estate, extra_hostvars=extra, become=False)  # nor here

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

        outcome = self.play(playbook, self.inventory(per_host), limit=sorted(per_host),
                            check_mode=check_mode, forks=self.forks, timeout=self.timeout,
                            on_host=arrived,
                            cancel=(lambda: cancel(events)) if cancel else None)
        self.last_error = str(getattr(outcome, "error", "") or "")
        return events


def unreachable(events: list[Any]) -> Any | None:
    from ..execute import HostState

    return next((e for e in events if e.state is HostState.UNREACHABLE), None)


def _split(events: list[Any]) -> tuple[list[Any], Any | None]:
    """(apt task results, the measuring result): the measuring module returns ``values``."""
    measured = next((e for e in events if "values" in e.result), None)
    return [e for e in events if "values" not in e.result], measured


def pre_checks(ctx: Context, names: list[str], results: dict[str, HostUpgrade]
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
            hu.message = ("no result: the run was interrupted" if ctx.interrupt()
                          else ctx.no_result())
            hu.outcome = Outcome.NOT_STARTED if ctx.interrupt() else Outcome.FAILED
            continue
        if (down := unreachable(got)) is not None:
            hu.outcome, hu.message = Outcome.UNREACHABLE, first_line(down.message, "unreachable")
            continue
        _apt, measured = _split(got)
        if measured is None:
            hu.outcome = Outcome.SKIPPED_PRECHECK
            hu.message = f"measuring failed: {first_line(got[-1].message, 'no values')}"
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


def apt_vars(pins: Mapping[str, str | None], *, downgrade: bool) -> dict[str, Any]:
    return {
        "patrol_apt_packages": [f"{p}={v}" for p, v in sorted(pins.items()) if v is not None],
        "patrol_apt_remove": sorted(p for p, v in pins.items() if v is None),
        "patrol_allow_downgrade": downgrade,
    }


def upgrade_wave(ctx: Context, names: list[str], results: dict[str, HostUpgrade]) -> None:
    """apt to the planned versions, then the post-checks, on every host of ``names``."""
    planned = dict(ctx.plan.packages)
    specs = check_specs(ctx.plan.post_checks)
    per_host = {n: {**apt_vars(planned, downgrade=False),
                    "patrol_measurements": measurements(specs, ctx.hosts[n], planned)}
                for n in names}

    def cancel(so_far: dict[str, list[Any]]) -> bool:
        # never while apt runs: only once every host's apt call has returned
        return ctx.interrupt() and all(so_far[n] for n in names)

    events = ctx.run("upgrade.yml", per_host, cancel=cancel)
    for name in names:
        _judge_upgrade(results[name], events[name], specs, ctx.hosts[name], planned,
                       ctx.interrupt(), ctx.no_result())


def _judge_upgrade(hu: HostUpgrade, got: list[Any], specs: list[tuple[str, str, Any]],
                   host: Any, planned: Mapping[str, str], interrupted: bool,
                   no_result: str) -> None:
    from ..execute import HostState

    if not got:
        hu.outcome = Outcome.INTERRUPTED if interrupted else Outcome.FAILED
        hu.message = no_result
        return
    if (down := unreachable(got)) is not None:
        hu.outcome, hu.message = Outcome.UNREACHABLE, first_line(down.message, "unreachable")
        return
    apt, measured = _split(got)
    failed = next((e for e in apt if e.state is not HostState.OK), None)
    if failed is not None:
        hu.outcome, hu.message = Outcome.FAILED, f"apt: {first_line(failed.message, 'failed')}"
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
                    for p, v in sorted(planned.items()) if not versions.same(hu.after.get(p), v)]
    if failing:
        hu.outcome, hu.message = Outcome.FAILED, "; ".join(failing)[:500]
        return
    unchanged = all(versions.same(hu.before.get(p), v) for p, v in planned.items())
    hu.outcome = Outcome.UNCHANGED if unchanged else Outcome.UPGRADED


def rollback(ctx: Context, names: list[str], results: dict[str, HostUpgrade]) -> None:
    """Back to the recorded previous versions (apt downgrade), then post-checked again."""
    from ..execute import HostState

    planned = dict(ctx.plan.packages)
    post = check_specs(ctx.plan.post_checks)
    per_host: dict[str, dict[str, Any]] = {}
    specs_of: dict[str, list[tuple[str, str, Any]]] = {}
    for n in names:
        before = results[n].before
        pins = {p: before.get(p) for p in planned if not versions.same(before.get(p), planned[p])}
        specs_of[n] = rollback_specs(post, planned, before)
        per_host[n] = {**apt_vars(pins, downgrade=True),
                       "patrol_measurements": measurements(specs_of[n], ctx.hosts[n], planned)}
    events = ctx.run("upgrade.yml", per_host)  # never cancelled: a half rollback helps no one
    for n in names:
        hu, got = results[n], events[n]
        if not got or (down := unreachable(got)) is not None:
            reason = ctx.no_result() if not got else first_line(down.message, "unreachable")
            hu.rollback = Rollback(False, None, {}, f"rollback: {reason}")
            hu.outcome = Outcome.ROLLBACK_FAILED
            continue
        apt, measured = _split(got)
        failed = next((e for e in apt if e.state is not HostState.OK), None)
        if failed is not None or measured is None:
            why = failed.message if failed is not None else "no values"
            hu.rollback = Rollback(False, None, {}, f"rollback apt: {first_line(why, 'failed')}")
            hu.outcome = Outcome.ROLLBACK_FAILED
            continue
        values = measured.result["values"]
        checked = _judge(specs_of[n], ctx.hosts[n], values)
        after = _versions(values, planned)
        failing = _failing(checked)
        if after is None or not all(versions.same(after.get(p), hu.before.get(p))
                                    for p in planned):
            failing.append(f"installed after rollback: {after}, recorded before: {hu.before}")
        hu.rollback = Rollback(not failing, after, checked, "; ".join(failing)[:500])
        hu.outcome = Outcome.ROLLED_BACK if not failing else Outcome.ROLLBACK_FAILED
