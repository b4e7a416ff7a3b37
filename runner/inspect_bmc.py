"""The inspection's BMC side: which hosts' BMCs to read, started before the play, and each
reading joined with the spare parts of the host's model for the judge.

Why beside ``inspect.py`` and not in it: the SSH side must not wait for the BMCs, so the reads
start before the play (``start``) and each host's reading is picked up when its play result
arrives (``value``). Only hosts with a check measured by the controller (``hardware_health``)
are read. The lab, when the user opts in, passes each BMC's address, CA and credentials as
``patrol_bmc`` among its connection vars (``runner/inventory.py`` keeps them out of Ansible).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import checks
from .errors import Exit, PatrolError

if TYPE_CHECKING:
    from .estate import Estate
    from .estate.models import Host
    from .execute_redfish import Reads, Target

LAB_KEY = "patrol_bmc"
NO_BMC = ("no bmc: declared for this host; declare its BMC, or narrow the check with "
          "hosts: to the hosts that have one")


def needs_bmc(host: Host, specs: list[Any]) -> bool:
    return bool(checks.controller_ids(specs, host))


def targets(root: Path, hosts: list[tuple[Host, list[Any]]],
            connections: Mapping[str, Mapping[str, Any]] | None = None,
            models: Mapping[str, Any] | None = None) -> list[Target]:
    """The BMC of every host (with its check specs) that needs one and declares one, with
    where its hardware model (``models``: id -> model) keeps its parts."""
    from . import execute_redfish

    out = []
    for host, specs in hosts:
        if not needs_bmc(host, specs):
            continue
        override = (connections or {}).get(host.name, {}).get(LAB_KEY)
        model = (models or {}).get(host.hardware.model)
        target = execute_redfish.target_of(host, root, override, model=model)
        if target is not None:
            out.append(target)
    return out


def require(targets: list[Target], shown: int = 10) -> None:
    """Pre-flight, before any host or BMC is touched: every BMC the run reads has its password
    (``{env: VAR}`` set, ``!vault`` decryptable) and its pinned CA; otherwise one message per
    cause naming the hosts, not one error per host's hardware check."""
    by_problem: dict[str, list[str]] = {}
    for t in targets:
        if t.problem:
            by_problem.setdefault(t.problem, []).append(t.host)
    if not by_problem:
        return
    causes = []
    for problem, names in sorted(by_problem.items()):
        names = sorted(names)
        more = f" and {len(names) - shown} more" if len(names) > shown else ""
        causes.append(f"{problem} (the BMC of {', '.join(names[:shown])}{more})")
    raise PatrolError("cannot read the BMCs of this run: " + "; ".join(causes)
                      + ". Set the variable (for a !vault password, ANSIBLE_VAULT_PASSWORD_FILE)"
                      ", or leave those hosts out with --limit; no host was touched",
                      exit_code=Exit.FAILED)


def start(targets: list[Target], hostvars: Mapping[str, Mapping[str, Any]] | None = None
          ) -> Reads:
    """Start reading every BMC of ``targets`` (see ``targets``), in parallel; return at once.
    A host whose inventory vars (``hostvars``) name an execution node has its BMC read by that
    node, as its play runs there: the controller has no route to that site."""
    from . import execute_redfish

    via = {t.host: (str(hv["patrol_node"]), str(hv.get("patrol_node_ssh_args") or ""))
           for t in targets if (hv := (hostvars or {}).get(t.host) or {}).get("patrol_node")}
    return execute_redfish.start_reads(targets, via=via)


def value(reads: Reads, estate: Estate, host: Host) -> dict[str, Any]:
    """The host's reading with the spares of its model, or why there is none."""
    from .spares.hardware import spares_for

    if host.name not in reads:
        return {"error": NO_BMC}
    reading = reads.get(host.name) or {"error": "the BMC was not read"}
    if "error" in reading:
        return reading
    return {**reading, "spares": spares_for(estate, host)}


def parts_used(root: Path, hosts: set[str], since: datetime, now: datetime
               ) -> dict[str, list[dict[str, Any]]]:
    """Host -> the parts used on it (``patrol spares use ... --host``) from ``since`` to
    ``now``, from the archive's movement records: what closes a hardware incident."""
    from .report.period import Month
    from .report.sources import read_records

    if not hosts:
        return {}
    months, month, last = [], Month(since.year, since.month), Month(now.year, now.month)
    while month <= last:
        months.append(month)
        month = month.next()
    out: dict[str, list[dict[str, Any]]] = {}
    for record in read_records(root, months):
        m = record.doc.get("movement") if record.kind == "spares-movement" else None
        if not isinstance(m, dict) or m.get("action") != "use" or m.get("host") not in hosts:
            continue
        if since <= record.finished <= now:
            out.setdefault(str(m["host"]), []).append(
                {"at": record.finished, "part": m.get("part"), "depot": m.get("depot"),
                 "run": record.doc.get("run")})
    return out


def replaced_parts(root: Path, incidents: Mapping[str, Any], findings: Mapping[str, Any],
                   transitions: list[Any], now: datetime) -> dict[str, list[dict[str, Any]]]:
    """``parts_used`` for the hosts whose findings just closed with an incident still open
    (nothing read when none did): what ``incidents.auto.resolve_replaced`` needs."""
    open_by_finding = {i.finding: i for i in incidents.values()
                       if i.finding and i.resolved_at is None}
    closing = [open_by_finding[t.finding] for t in transitions
               if t.after == "closed" and t.finding in open_by_finding and t.finding in findings]
    if not closing:
        return {}
    hosts = {h for inc in closing for h in inc.hosts}
    return parts_used(root, hosts, min(inc.opened_at for inc in closing), now)
