"""An inspection: checklist -> selected hosts -> execute -> judge -> findings -> record -> commit.

Each step is a function over plain data; the executor (``play``) is a parameter, so the whole
path runs against a fake fleet in unit tests, and only ``runner.execute`` touches hosts. The
skeleton every run shares (lock, valid estate, run id, estate commit, header, seal, commit)
is ``runner.run``'s; the clock comes in through its ``RunContext``. How hosts are reached is
the estate's, unless the caller passes ``connections`` (the lab's, when the user opts in).

A run always ends in a record. SIGINT/SIGTERM (``interrupt.py``) stop Ansible at once; a
play that outlives its deadline (``play_deadline``) is stopped too. Either way the hosts that
answered are judged, the others are recorded as not measured (their status files, findings
and unreachable counters untouched), and the record says how the run ended (``ended``).
An interrupted run commits and the command exits 130.

Nothing measured is lost: the run skeleton's pre-flight refuses, before any host is touched,
a checkout that could not keep the results; the run's files are computed before any is
written, and a write that still fails sends them all to the spool in ``.git/`` (the next run
commits them). With ``commit=False`` the run is a preview: judged and returned, nothing
written. The run's plays use no secret field (``NEEDS_SECRETS``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import archive, checks, hostkeys, inspect_bmc
from . import shard as shards
from .archive import safe_file_name
from .archive.records import run_record, unreachable_runs
from .archive.status import read_status, status_files
from .clock import Clock, utc_now
from .errors import Exit, PatrolError
from .findings import as_shown, context_of
from .interrupt import Interrupt, signals_stop
from .results import HostResult, Result, Status, not_measured, summarise
from .run import (
    RunContext,
    begin,
    load_valid_estate,
    lock_and_load,
    require_secrets,
    sealed_record,
)
from .run import commit as commit_run
from .run import header as run_header

if TYPE_CHECKING:
    from .checks import PlannedMeasurement
    from .checks.base import ParamsModel
    from .estate import Estate
    from .estate.models import Check, Checklist, Host
    from .execute import HostOutcome
    from .findings.model import Transition

Play = Callable[..., Any]  # runner.execute.run_play's signature
NEEDS_SECRETS: frozenset[str] = frozenset()  # inspect.yml uses no become: no secret is read

__all__ = ["InspectRun", "Selection", "build_inventory", "commit_summary", "inspect",
           "judge_host", "load_valid_estate", "run_files", "select", "write_run"]

@dataclass
class Selection:
    """The checklist, its hosts and, per host, the checks that apply and what to measure."""

    checklist_name: str
    checklist: Checklist
    hosts: list[Host]
    checks: dict[str, list[Check]]  # host -> checks
    measurements: dict[str, list[PlannedMeasurement]]  # host -> module input
    pinned: frozenset[str] = frozenset()  # hosts reached through pinned host keys only


@dataclass
class InspectRun:
    run_id: str
    checklist: str
    results: dict[str, HostResult]
    summary: dict[str, Any]
    record_path: str
    record_sha256: str
    commit: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    findings: list[Transition] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)  # opened by this run (via monitoring)
    measured: dict[str, HostResult] = field(default_factory=dict)
    ended: str = ""  # "interrupted" or "deadline" when the play was stopped early
    interrupted: str = ""  # a signal ("SIGINT", "SIGTERM") arrived during the run: exit 130


def _check_params(check: Check) -> ParamsModel:
    """The params the loader already validated; validating again per host is wasted work."""
    parsed = getattr(check, "parsed_params", None)
    if parsed is not None:
        return parsed
    return checks.get(check.kind).Params.model_validate(check.params or {})


def select(estate: Estate, checklist_name: str, limit: str | None,
           shard: tuple[int, int] | None = None, site: str | None = None) -> Selection:
    """Hosts of the checklist narrowed by ``limit``, ``site`` and ``shard`` (I of N, by host
    name: ``runner.shard``); per host, the checks that apply."""
    from .estate.selector import parse_selector

    checklist = estate.checklists.get(checklist_name)
    if checklist is None:
        known = ", ".join(sorted(estate.checklists)) or "none"
        raise PatrolError(f"unknown checklist {checklist_name!r}; known: {known}")
    hosts = estate.select(checklist.hosts)
    if limit is not None and not limit.strip():
        raise PatrolError("--limit '': give a host selector (e.g. role=web), or leave --limit "
                          "out to inspect every host of the checklist")
    if limit:
        try:
            narrow = parse_selector(limit)
        except ValueError as exc:
            raise PatrolError(f"--limit {limit!r}: {exc}") from None
        hosts = [h for h in hosts if narrow.matches(h)]
    if site is not None:
        if site not in estate.sites:
            known = ", ".join(sorted(estate.sites)) or "none"
            raise PatrolError(f"--site {site!r}: no such site; known: {known}")
        hosts = [h for h in hosts if h.site == site]
    if shard is not None:
        hosts = [h for h in hosts if shards.of(h.name, shard[1]) == shard[0]]
    if not hosts and shard is not None and not limit and site is None:
        # a shard the hash left empty is still recorded: its cycle counts every shard
        return Selection(checklist_name, checklist, [], {}, {})
    if not hosts:
        raise PatrolError(f"checklist {checklist_name!r} with --limit {limit!r} selects no hosts")
    for host in hosts:  # refuse before measuring, not after, a name unfit for reports/
        safe_file_name(host.name)
    per_host: dict[str, list[Check]] = {}
    measurements: dict[str, list[PlannedMeasurement]] = {}
    for host in hosts:
        applicable = [c for c in checklist.checks if c.hosts is None or c.hosts.matches(host)]
        per_host[host.name] = applicable
        measurements[host.name] = checks.plan_measurements(
            [(c.id, c.kind, _check_params(c)) for c in applicable], host,
            {c.id: c.timeout for c in applicable},
        )
    pinned = frozenset(h.name for h in hosts if hostkeys.is_pinned(estate, h))
    return Selection(checklist_name, checklist, hosts, per_host, measurements, pinned)


def judge_host(sel: Selection, host: Host, outcome: HostOutcome | None,
               bmc: Any = None) -> HostResult:
    """One host's module output -> a verdict per check (unreachable is never a fail);
    ``bmc``: its BMC reading, for the checks the controller measures (``inspect_bmc``)."""
    from .execute import HostState

    applicable = sel.checks[host.name]
    severities = {c.id: str(getattr(c.severity, "value", c.severity)) for c in applicable}
    if outcome is None:
        return HostResult(host.name, False, {}, "no result: the play ended early", severities)
    if outcome.state is HostState.UNREACHABLE:
        refused = hostkeys.refused(str(outcome.result.get("msg") or outcome.message))
        if refused is not None:  # a key other than the pinned one: a finding, never accepted
            return HostResult(host.name, True, {hostkeys.HOST_KEY_CHECK: Result(
                Status.FAIL, None, refused)}, "", {**severities, hostkeys.HOST_KEY_CHECK:
                                                   hostkeys.HOST_KEY_SEVERITY})
        return HostResult(host.name, False, {}, outcome.message.splitlines()[0][:200]
                          if outcome.message else "unreachable", severities)
    if outcome.state is HostState.FAILED or "values" not in outcome.result:
        reason = f"measuring failed: {outcome.message or 'no values returned'}"[:300]
        verdicts = {c.id: Result(Status.ERROR, None, reason) for c in applicable}
        return HostResult(host.name, True, verdicts, "", severities)
    specs = [(c.id, c.kind, _check_params(c)) for c in applicable]
    values = dict(outcome.result["values"] or {})
    for mid in checks.controller_ids(specs, host):
        values[mid] = bmc if bmc is not None else {"error": inspect_bmc.NO_BMC}
    verdicts = checks.judge_all(specs, host, values)
    if host.name in sel.pinned:  # connected through the pinned keys: closes a refused-key finding
        verdicts = {**dict(verdicts), hostkeys.HOST_KEY_CHECK: Result(
            Status.PASS, None, "the host offered its pinned key")}
        severities[hostkeys.HOST_KEY_CHECK] = hostkeys.HOST_KEY_SEVERITY
    seconds = checks.check_seconds(specs, host, outcome.result.get("seconds"))
    elapsed = outcome.result.get("elapsed")
    return HostResult(host.name, True, dict(verdicts), "", severities, check_seconds=seconds,
                      host_seconds=float(elapsed) if isinstance(elapsed, int | float) else None)


@dataclass
class _NoPlay:
    """The play of a shard without hosts: nothing ran, nothing was stopped."""

    error: str = ""
    stopped: str = ""
    ansible_seconds: float = 0.0


_NOTHING_TO_PLAY = _NoPlay()
PLAY_OVERHEAD = 30  # s per host beyond its probes: connecting, Python starting, the module


def play_deadline(sel: Selection, forks: int, connect_timeout: int) -> int:
    """Seconds the play may take: hosts go in batches of ``forks``, and a host needs at most
    its connection, its probes' timeouts one after the other, and some overhead."""
    per_host = max(
        (sum(m.get("timeout", checks.DEFAULT_TIMEOUT) for m in ms) for ms in
         sel.measurements.values()), default=0)
    batches = -(-len(sel.hosts) // max(forks, 1))
    return batches * (connect_timeout + per_host + PLAY_OVERHEAD)


def build_inventory(estate: Estate, sel: Selection,
                    connections: Mapping[str, Mapping[str, Any]] | None = None
                    ) -> dict[str, Any]:
    """The estate's inventory with each selected host's measurements; ``connections`` (host
    -> Ansible connection vars, e.g. the lab's when the user opts in) go over the estate's."""
    from .inventory import build_inventory as estate_inventory

    conn = connections or {}
    extra = {
        h.name: {**conn.get(h.name, {}), "patrol_measurements": sel.measurements[h.name]}
        for h in sel.hosts
    }
    return estate_inventory(estate, extra_hostvars=extra, become=False)  # no play uses become


def inspect(
    root: Path,
    checklist_name: str,
    *,
    limit: str | None = None,
    shard: tuple[int, int] | None = None,
    site: str | None = None,
    now: Clock = utc_now,
    env: Mapping[str, str] | None = None,
    ctx: RunContext | None = None,
    play: Play | None = None,
    connections: Mapping[str, Mapping[str, Any]] | None = None,
    commit: bool = True,
    push: bool = False,
    on_host: Callable[[HostResult], None] | None = None,
    on_start: Callable[[Selection], None] | None = None,
    forks: int = 20,
    timeout: int = 10,
    say: Callable[[str], None] = lambda _text: None,
    interrupt: Interrupt | None = None,
) -> InspectRun:
    """Lock -> select -> execute (``play``, the executor) -> judge -> record -> commit.

    ``ctx`` fixes the clock, run ids and trigger (default: this machine's, with ``now`` and
    ``env``); ``play`` is ``runner.execute.run_play`` unless a test gives a fake fleet.
    ``interrupt``: a caller that handles signals itself (tests) passes its own; otherwise
    SIGINT/SIGTERM are handled here.
    """
    import contextlib
    import time

    t0 = time.perf_counter()
    ctx = ctx or RunContext.here(Path(root), clock=now, env=env)
    root = ctx.root
    if play is None:
        from .execute import run_play as play
    stop = interrupt or Interrupt()
    message = "interrupt: stopping Ansible, then recording what was measured"
    intent = archive.Intent(writes=commit, commits=commit, push=push and commit)
    with lock_and_load(ctx, intent) as opened, (signals_stop(stop, say, message)
                                                if interrupt is None
                                                else contextlib.nullcontext()):
        estate = opened.estate
        records = opened.reports_root(ctx)
        sel = select(estate, checklist_name, limit, shard, site)
        require_secrets(sel.hosts, NEEDS_SECRETS)
        bmcs = inspect_bmc.targets(root, [(h, [(c.id, c.kind, _check_params(c)) for c in
                                               sel.checks[h.name]]) for h in sel.hosts],
                                   connections, estate.models)
        inspect_bmc.require(bmcs)  # BMC passwords and CAs: before any host is touched
        if on_start:
            on_start(sel)
        begun = begin(ctx, checklist_name, opened.started)
        started = begun.started
        inventory = build_inventory(estate, sel, connections)
        hosts_by_name = {h.name: h for h in sel.hosts}
        reads = inspect_bmc.start(bmcs, inventory["_meta"]["hostvars"])
        waivers = context_of(estate)
        results: dict[str, HostResult] = {}

        def arrived(name: str, outcome: HostOutcome | None) -> None:
            host = hosts_by_name.get(name)
            if host is None:
                return
            ok = outcome is not None and outcome.state.value == "ok"
            bmc = inspect_bmc.value(reads, estate, host) if ok else None
            results[name] = judge_host(sel, host, outcome, bmc)
            if on_host:
                on_host(as_shown(results[name], checklist_name, started, waivers))

        deadline = play_deadline(sel, forks, timeout)
        outcome = _NOTHING_TO_PLAY if not hosts_by_name else play(
            "inspect.yml",
            inventory,
            limit=sorted(hosts_by_name),
            forks=forks,
            timeout=timeout,
            on_host=arrived,
            cancel=stop,
            deadline=deadline,
        )
        reads.close()
        if outcome.error:
            raise PatrolError(f"Ansible reached no host:\n{outcome.error}", exit_code=Exit.FAILED)
        stopped = getattr(outcome, "stopped", "")
        unanswered = {
            "interrupted": f"the run was interrupted ({stop.signal or 'signal'}) first",
            "deadline": f"no answer within the play's deadline of {deadline} s",
        }.get(stopped)
        for name in hosts_by_name:
            if name in results:
                continue
            if unanswered is None:
                arrived(name, None)
                continue
            severities = {c.id: str(getattr(c.severity, "value", c.severity))
                          for c in sel.checks[name]}
            results[name] = not_measured(name, unanswered, severities)
            if on_host:
                on_host(results[name])
        finished = ctx.now()
        extra: dict[str, Any] = {
            "checklist": checklist_name,
            "cadence": str(getattr(sel.checklist.cadence, "value", sel.checklist.cadence)),
            "limit": limit,
            **({"shard": shards.name(*shard)} if shard else {}),
            **({"site": site} if site else {}),
        }
        if stopped:
            extra["ended"] = stopped
        header = run_header(ctx, begun, finished, extra)
        run = InspectRun(begun.run_id, checklist_name, results, summarise(results), "", "")
        run.ended = stopped
        run.measured = relabelable(results)  # as judged, before waivers relabel anything
        run.timings["ansible"] = float(getattr(outcome, "ansible_seconds", 0.0))
        run.timings["preflight"] = opened.preflight_seconds

        def write_and_commit() -> str | None:
            if not commit:  # a preview: judged, nothing written
                run_files(records, run, header, started, estate, finished)
                return None
            written = write_run(records, run, header, started, estate, finished)
            return commit_run(records, written, commit_summary(run), run.run_id,
                              estate=begun.estate_commit,
                              record=(run.record_path, run.record_sha256),
                              sign=opened.signing_key)

        with stop.shielded():  # a second signal now would cost the measured results
            run.commit = write_and_commit()
            if push and commit:
                run.commit = archive.push(records, lambda: write_and_commit() or "")
        run.interrupted = stop.signal
        run.timings["total"] = time.perf_counter() - t0
        return run


def write_run(
    root: Path,
    run: InspectRun,
    header: dict[str, Any],
    started: datetime,
    estate: Estate,
    now: datetime,
) -> list[str]:
    """Judge findings and write the run's files, the record first and status and findings
    after it (a kill in between leaves a complete record, and the next run rewrites the
    rest); a failed write spools them all. Returns every path to commit."""
    files = run_files(root, run, header, started, estate, now)
    archive.write_or_spool(root, files, run.run_id)
    return list(files)


def relabelable(results: Mapping[str, HostResult]) -> dict[str, HostResult]:
    """A copy of ``results`` that waivers can relabel while the original stays as judged.
    Relabelling replaces a check's (frozen) ``Result`` in its host's ``checks``; it never
    changes a result or a measured value, so those are shared and only each host's result and
    its ``checks`` are copied (a deep copy walked every measured value: ~3 ms per copy on 20
    hosts, twice per run)."""
    return {name: replace(hr, checks=dict(hr.checks)) for name, hr in results.items()}


def run_files(
    root: Path,
    run: InspectRun,
    header: dict[str, Any],
    started: datetime,
    estate: Estate,
    now: datetime,
) -> dict[str, bytes]:
    """Judge findings and compute every file the run writes (path -> bytes, record first),
    writing nothing; ``run`` gets its findings, summary, record path and hash."""
    from . import findings as fnd
    from .findings import store as findings_store
    from .incidents import auto
    from .incidents import store as incident_store
    from .incidents.policy import calendars, dues

    old_status = read_status(root, run.results)
    # a push retry writes the run again on another tip: start from the judged results,
    # not from the ones the previous attempt's waivers relabelled
    run.results = relabelable(run.measured) if run.measured else run.results
    store = findings_store.load(root)
    before = {fid: findings_store.to_doc(f) for fid, f in store.items()}
    transitions = fnd.apply_run(
        store,
        run_id=run.run_id,
        checklist=run.checklist,
        results=run.results,
        unreachable_runs={n: unreachable_runs(old_status[n], hr) for n, hr in run.results.items()},
        now=now,
        ctx=context_of(estate),
    )
    run.summary = summarise(run.results)  # waivers may have relabelled results
    run.findings = transitions
    incidents = incident_store.load(root)
    opened = auto.from_findings(incidents, store, transitions, estate, run.run_id, now)
    # a finding open as a warning that this run reads critical (the second PSU failed)
    opened += auto.from_worsened(incidents, store, run.results, estate, run.run_id, now)
    followed = auto.follow_waivers(incidents, store, transitions, now)  # waived: paused
    run.incidents = [i.id for i in opened]
    steps = ([{"incident": i.id, "finding": i.finding, "event": "opened"} for i in opened]
             + [{"incident": i.id, "finding": i.finding, "event": event}
                for i, event in followed])
    touched = [*opened, *(i for i, _ in followed if i not in opened)]
    resolved = auto.resolve_replaced(  # a part replaced and a clean reading end an incident
        incidents, store, transitions,
        inspect_bmc.replaced_parts(root, incidents, store, transitions, now), run.run_id, now)
    steps += [{"incident": i.id, "finding": i.finding, "event": "resolved"} for i in resolved]
    touched += [i for i in resolved if i not in touched]
    changed = findings_store.changed_ids(store, before)
    previous = archive.latest_record(root)
    body = run_record(
        run_id=run.run_id,
        kind="inspect",
        header=header,
        results=run.results,
        summary=run.summary,
        previous=previous,
        extra={"findings": findings_store.entries(transitions, store, changed),
               **({"incidents": steps} if steps else {})},
    )
    rel, data, digest = sealed_record(run.run_id, started, body)
    run.record_path, run.record_sha256 = rel, digest
    cals = calendars(estate)
    return {rel: data, **status_files(run.checklist, run.run_id, run.results, old_status),
            **findings_store.documents(store, changed),
            **incident_store.documents(touched, {i.id: dues(i, cals, now) for i in touched}),
            **owed_files(root, estate, run.run_id, now, transitions, store,
                         {i.id: (i, dues(i, cals, now)) for i in opened})}


def owed_files(root: Path, estate: Estate, run_id: str, now: datetime,
               transitions: list[Transition], store: dict[str, Any],
               opened: dict[str, Any]) -> dict[str, bytes]:
    """The run's outbox file: what its finding moves and the incidents it opened owe."""
    from .notify import dispatch, events
    from .notify.deliver import environment

    found = events.from_transitions(transitions, store, estate)
    found += [events.incident_opened(inc, d) for inc, d in opened.values()]
    return dispatch.owe(root, estate, run_id, now, found, environment())


def commit_summary(run: InspectRun) -> str:
    s = run.summary
    failing = s["checks"]["fail"] + s["checks"]["error"]
    unreachable = s["hosts_unreachable"]
    text = f"inspect({run.checklist}): {s['hosts_passing']}/{s['hosts']} hosts pass"
    text += f", {failing} check{'s' if failing != 1 else ''} failing"
    if unreachable:
        text += f", {unreachable} unreachable"
    if run.incidents:
        text += f", {len(run.incidents)} incident{'s' if len(run.incidents) != 1 else ''} opened"
    if s.get("hosts_not_measured"):
        text += f", {s['hosts_not_measured']} not measured"
    if run.ended:
        text += ", interrupted" if run.ended == "interrupted" else ", play deadline reached"
    return text
