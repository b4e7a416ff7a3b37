"""The Redfish boundary: the only module that talks to BMCs.

The client is the standard library's HTTPS (``execute_redfish_node``'s, the same one an
execution node runs): a Redfish session (``POST .../Sessions``, ``X-Auth-Token``, ``DELETE``
at the end) and GETs over one HTTPS connection per BMC; Patrol needs GETs and a session,
nothing more. It was DMTF's ``redfish`` client over ``requests`` (not sushy: no OpenStack
stack behind it); it read the same components (``tests/unit/test_bmc_node_reads.py``), but
``requests`` cost ~0.5 ms of the controller's CPU per GET and a reading makes ~30, and its
import another ~80 ms per run: ~2.5x the CPU of the stdlib client per BMC.

A reading runs on the controller's side, never over the host's SSH (a site reached through an
execution node has its BMCs read by that node: ``read_via_node``, ``execute_redfish_node``):
``start_reads`` starts one thread per BMC (one Redfish session each) before the play and
returns at once, so the SSH side of an inspection waits for nothing; ``Reads.get(host)`` waits
for one BMC at most until the reads' deadline. Every BMC is read within ``timeout`` seconds or
is an error for the check that needs it ("did not answer within N s"), never for the host.

What a reading is (plain JSON, judged by ``runner/checks/hardware_health.py``)::

    {"read_at": "2026-12-07T04:00:00Z", "service": {"vendor": ..., "version": ...},
     "components": [{"path": "/redfish/v1/Chassis/1U/Power#/PowerSupplies/1",
                     "category": "power", "name": "Power Supply Bay 2", "health": "Critical",
                     "state": "Enabled", "message": "...", "part_number": "...",
                     "failure_predicted": false, "operation": null, "reading": null,
                     "thresholds": {}}, ...],
     "events": [{"path": ..., "severity": "Critical", "created": ..., "message": ...}]}

or ``{"error": "why it could not be read"}``. Passwords come from ``{env: VAR}`` or ``!vault``
(decrypted with ``ANSIBLE_VAULT_PASSWORD_FILE``, as Ansible would) and never leave this
module; TLS is verified against the estate's pinned CA, else certifi's CA bundle (a node: its
system's CAs), unless the estate says ``verify: false``.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

READ_TIMEOUT = 30  # s a whole BMC reading may take (each request gets what is left, ≤ 10 s)
MAX_WORKERS = 32
GRACE = 11  # s past the deadline a reading may still be in its last request (≤ 10 s each)


@dataclass(frozen=True)
class Target:
    """How to reach one host's BMC, resolved from the estate (and the lab, when opted in)."""

    host: str
    address: str
    port: int = 443
    username: str = ""
    password: str | None = None
    cafile: str | None = None  # a pinned CA; None with verify -> the system's CAs
    verify: bool = True
    problem: str = ""  # why it cannot be read at all (an unset {env: VAR}, a missing CA file)
    # where the host's model keeps its parts (parts -> location, ``RedfishLayout``); () reads
    # each wherever the BMC has it
    layout: tuple[tuple[str, str], ...] = ()
    model: str = ""

    @property
    def base_url(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"https://{host}:{self.port}"

    def __repr__(self) -> str:  # never print the password
        return f"Target({self.host!r}, {self.base_url!r})"


def resolve_secret(secret: Any, env: Mapping[str, str] | None = None) -> tuple[str | None, str]:
    """(the secret's value, "") or (None, why not): ``{env: VAR}`` or an ansible-vault value."""
    env = os.environ if env is None else env
    name = getattr(secret, "env", None)
    if name is not None:
        value = env.get(name)
        return (value, "") if value else (None, f"the environment variable {name} is not set")
    ciphertext = getattr(secret, "ciphertext", None)
    if ciphertext is None:
        return None, "no password"
    password_file = env.get("ANSIBLE_VAULT_PASSWORD_FILE")
    if not password_file:
        return None, "a !vault password needs ANSIBLE_VAULT_PASSWORD_FILE"
    try:
        from ansible.parsing.vault import VaultLib, VaultSecret

        key = Path(password_file).expanduser().read_bytes().strip()
        plain = VaultLib([("default", VaultSecret(key))]).decrypt(ciphertext)
    except Exception as exc:  # a wrong vault password is the user's to fix, not a crash
        return None, f"cannot decrypt the !vault password: {type(exc).__name__}"
    return plain.decode(), ""


def layout_of(model: Any) -> tuple[tuple[str, str], ...]:
    """A hardware model's declared Redfish locations (``redfish:``) as (parts, location)."""
    declared = getattr(model, "redfish", None)
    if declared is None:
        return ()
    return tuple((k, str(v)) for k, v in declared.model_dump().items() if v is not None)


def target_of(host: Any, root: Path, override: Mapping[str, Any] | None = None,
              env: Mapping[str, str] | None = None, model: Any = None) -> Target | None:
    """The estate's ``bmc:`` of ``host`` as a Target (None without one); ``override`` (the
    lab's, when the user opts in) replaces address, port, username, password and CA file;
    ``model`` (the host's hardware model) says where its parts live."""
    bmc = getattr(host, "bmc", None)
    if bmc is None and not override:
        return None
    over = dict(override or {})
    problem = ""
    password = over.get("password")
    if password is None and bmc is not None:
        password, problem = resolve_secret(bmc.password, env)
    cafile = over.get("cafile")
    verify = bool(over.get("verify", True))
    if cafile is None and bmc is not None:
        verify = bool(bmc.tls.verify)
        if bmc.tls.ca is not None:
            path = Path(root) / bmc.tls.ca
            cafile = str(path)
            if not path.is_file():
                problem = problem or f"the pinned CA {bmc.tls.ca} is not in the estate"
    return Target(
        host=host.name,
        address=str(over.get("address", getattr(bmc, "address", ""))),
        port=int(over.get("port", getattr(bmc, "port", 443))),
        username=str(over.get("username", getattr(bmc, "username", ""))),
        password=password, cafile=cafile, verify=verify, problem=problem,
        layout=layout_of(model), model=str(getattr(model, "id", "") or ""))


class _Deadline(Exception):
    pass


class _Reader:
    """One BMC session: GETs by path, each within what is left of the reading's time."""

    def __init__(self, client: Any, ends: float) -> None:
        self.client = client
        self.ends = ends
        self.cache: dict[str, dict[str, Any]] = {}

    def get(self, path: str) -> dict[str, Any]:
        path = path.split("#", 1)[0]
        if path in self.cache:
            return self.cache[path]
        left = self.ends - time.monotonic()
        if left <= 0:
            raise _Deadline()
        resp = self.client.get(path, timeout=min(left, 10), max_retry=0)
        if resp.status != 200:
            raise RuntimeError(f"GET {path}: HTTP {resp.status}")
        body = resp.dict
        if not isinstance(body, dict):
            raise RuntimeError(f"GET {path}: not a JSON object")
        self.cache[path] = body
        return body

    def members(self, link: Any) -> list[dict[str, Any]]:
        """The members of a collection linked as ``{"@odata.id": ...}`` (none when absent)."""
        if not isinstance(link, dict) or "@odata.id" not in link:
            return []
        coll = self.get(link["@odata.id"])
        return [self.get(m["@odata.id"]) for m in coll.get("Members", [])
                if isinstance(m, dict) and "@odata.id" in m]


def _status(item: Mapping[str, Any]) -> tuple[str | None, str | None, str]:
    status = item.get("Status") or {}
    messages = [str(c.get("Message")) for c in status.get("Conditions") or []
                if isinstance(c, dict) and c.get("Message")]
    return status.get("Health"), status.get("State"), "; ".join(messages)


def _component(category: str, path: str, item: Mapping[str, Any], **extra: Any
               ) -> dict[str, Any]:
    health, state, message = _status(item)
    out = {"path": path, "category": category,
           "name": str(item.get("Name") or item.get("Id") or path.rsplit("/", 1)[-1]),
           "health": health, "state": state, "message": message,
           "part_number": item.get("PartNumber") or item.get("SparePartNumber"),
           "failure_predicted": bool(item.get("FailurePredicted", False)),
           "operation": None, "reading": None, "thresholds": {}}
    out.update(extra)
    return out


def _path(item: Mapping[str, Any], fallback: str) -> str:
    return str(item.get("@odata.id") or fallback)


class _Layout:
    """Where to read each kind of part (``Target.layout``) and which declared locations the
    BMC turned out to have, so a declared one it lacks is said, not read as "no parts"."""

    def __init__(self, declared: Mapping[str, str]) -> None:
        self.declared = dict(declared)
        self.found: set[str] = set()

    def use(self, parts: str, location: str, present: bool, fallback: bool) -> bool:
        """Read ``parts`` at ``location``: the declared one only, else the BMC's (``present``)
        when it is the default choice (``fallback``)."""
        want = self.declared.get(parts)
        if want is None:
            return present and fallback
        if want != location:
            return False
        if present:
            self.found.add(parts)
        return present

    def missing(self) -> list[dict[str, str]]:
        return [{"parts": p, "location": loc} for p, loc in sorted(self.declared.items())
                if p not in self.found]


def _chassis(r: _Reader, chassis: Mapping[str, Any], layout: _Layout | None = None
             ) -> list[dict[str, Any]]:
    """Power supplies and fans (where the model says, else the newer subsystems when present,
    else Power/Thermal), drives and memory when the model keeps them in the chassis, and the
    temperatures with the thresholds the BMC publishes."""
    lay = layout or _Layout({})
    out: list[dict[str, Any]] = []
    if lay.use("power_supplies", "Chassis/PowerSubsystem", "PowerSubsystem" in chassis, True):
        sub = r.get(chassis["PowerSubsystem"]["@odata.id"])
        out += [_component("power", _path(p, ""), p) for p in r.members(sub.get("PowerSupplies"))]
    elif lay.use("power_supplies", "Chassis/Power", "Power" in chassis, True):
        power = r.get(chassis["Power"]["@odata.id"])
        out += [_component("power", _path(p, ""), p) for p in power.get("PowerSupplies") or []]
    thermal = r.get(chassis["Thermal"]["@odata.id"]) if "Thermal" in chassis else {}
    if lay.use("fans", "Chassis/ThermalSubsystem", "ThermalSubsystem" in chassis, True):
        sub = r.get(chassis["ThermalSubsystem"]["@odata.id"])
        out += [_component("fan", _path(f, ""), f) for f in r.members(sub.get("Fans"))]
    elif lay.use("fans", "Chassis/Thermal", "Fans" in thermal, True):
        out += [_component("fan", _path(f, ""), f) for f in thermal.get("Fans") or []]
    if lay.use("drives", "Chassis/Drives", "Drives" in chassis, False):
        out += [_component("disk", _path(d, ""), d) for d in r.members(chassis.get("Drives"))]
    if lay.use("memory", "Chassis/Memory", "Memory" in chassis, False):
        out += [_component("memory", _path(m, ""), m) for m in r.members(chassis.get("Memory"))]
    for t in thermal.get("Temperatures") or []:
        limits = {k: t[k] for k in ("UpperThresholdNonCritical", "UpperThresholdCritical",
                                    "UpperThresholdFatal") if isinstance(t.get(k), int | float)}
        out.append(_component("temperature", _path(t, ""), t, reading=t.get("ReadingCelsius"),
                              thresholds=limits))
    return out


def _storage(r: _Reader, storage: Mapping[str, Any], layout: _Layout | None = None
             ) -> list[dict[str, Any]]:
    lay = layout or _Layout({})
    out = [_component("controller", _path(c, ""), c)
           for c in storage.get("StorageControllers") or []]
    if lay.use("drives", "Systems/Storage", bool(storage.get("Drives")), True):
        for link in storage.get("Drives") or []:
            drive = r.get(link["@odata.id"])
            out.append(_component("disk", link["@odata.id"], drive))
    for volume in r.members(storage.get("Volumes")):
        ops = [o for o in volume.get("Operations") or [] if isinstance(o, dict)]
        op = None
        if ops:
            name = ops[0].get("Operation") or ops[0].get("OperationName")
            op = {"name": str(name), "percent": ops[0].get("PercentageComplete")}
        out.append(_component("volume", _path(volume, ""), volume, operation=op))
    return out


def _system(r: _Reader, system: Mapping[str, Any], layout: _Layout | None = None
            ) -> list[dict[str, Any]]:
    lay = layout or _Layout({})
    out = [_component("system", _path(system, ""), system,
                      rollup=(system.get("Status") or {}).get("HealthRollup"))]
    out += [_component("processor", _path(p, ""), p) for p in r.members(system.get("Processors"))]
    if lay.use("memory", "Systems/Memory", "Memory" in system, True):
        out += [_component("memory", _path(m, ""), m) for m in r.members(system.get("Memory"))]
    for storage in r.members(system.get("Storage")):
        out += _storage(r, storage, lay)
    return out


def _events(r: _Reader, manager: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for service in r.members(manager.get("LogServices")):
        for entry in r.members(service.get("Entries")):
            out.append({"path": _path(entry, ""), "severity": entry.get("Severity"),
                        "created": entry.get("Created"),
                        "message": str(entry.get("Message") or "")})
    return out


def read_resources(r: _Reader, layout: Mapping[str, str]) -> dict[str, Any]:
    """Walk the service from its root: systems, chassis and managers' event logs, reading
    each kind of part where ``layout`` (parts -> location) says; ``missing`` lists declared
    locations the BMC does not have."""
    lay = _Layout(layout)
    root = r.get("/redfish/v1")
    components: list[dict[str, Any]] = []
    for system in r.members(root.get("Systems")):
        components += _system(r, system, lay)
    for chassis in r.members(root.get("Chassis")):
        components += _chassis(r, chassis, lay)
    events = []
    for manager in r.members(root.get("Managers")):
        events += _events(r, manager)
    service = {"vendor": root.get("Vendor"), "version": root.get("RedfishVersion")}
    out: dict[str, Any] = {"service": service, "components": components, "events": events}
    if lay.missing():
        out["missing"] = lay.missing()
    return out


def read(target: Target, timeout: float = READ_TIMEOUT,
         now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> dict[str, Any]:
    """One BMC's reading (see the module docstring), or ``{"error": ...}``; never raises.
    The client is the one an execution node runs (``execute_redfish_node``): one session over
    one HTTPS connection, TLS verified against the pinned CA, else certifi's CA bundle (as
    before, through ``requests``), unless the estate says ``verify: false``."""
    if target.problem:
        return {"error": f"BMC {target.address}: {target.problem}"}
    from . import execute_redfish_node as client

    cafile = target.cafile or (_ca_bundle() if target.verify else None)
    reading = client.read_one(
        {"address": target.address, "port": target.port, "username": target.username,
         "password": target.password, "verify": bool(cafile) or target.verify,
         "cafile": cafile,
         "layout": target.layout}, timeout, walk=sys.modules[__name__])
    if "error" in reading:
        return reading
    verified = reading.pop("verified")
    if target.layout:
        reading["model"] = target.model
    return {"read_at": now().strftime("%Y-%m-%dT%H:%M:%SZ"), **reading, "verified": verified}


def _ca_bundle() -> str | None:
    """The CAs a BMC without a pinned CA is verified against: certifi's bundle, which
    ``requests`` (DMTF's client, the controller's before) used; None (the machine's own CAs)
    without certifi, so a missing package never turns a reading into an exception."""
    try:
        from certifi import where
    except ImportError:
        return None
    return str(where())


NODE_CONNECT_TIMEOUT = 10  # s for ssh to reach an execution node


def node_job(targets: list[Target], timeout: float) -> bytes:
    """What the node's ``python3 -c BOOT`` reads on stdin: the code (this module's walk and
    ``execute_redfish_node``) and the targets, passwords and pinned CAs included (as PEM
    text: the node has no copy of the estate). Sent on ssh's stdin, never in argv."""
    from . import execute_redfish_node

    job = {"timeout": timeout, "targets": [
        {"host": t.host, "address": t.address, "port": t.port, "username": t.username,
         "password": t.password, "verify": t.verify, "layout": [list(x) for x in t.layout],
         "cadata": Path(t.cafile).read_text() if t.cafile else None} for t in targets]}
    code = {name: Path(module.__file__ or "").read_text()
            for name, module in (("patrol_redfish", sys.modules[__name__]),
                                 ("patrol_redfish_node", execute_redfish_node))}
    return (json.dumps({**code, "job": job}) + "\n").encode()


def node_argv(node: str, ssh_args: str) -> list[str]:
    """ssh to the node running the reads' bootstrap: no target, password or CA in argv."""
    import shlex

    from . import execute_node, execute_redfish_node

    return [*execute_node.ssh_argv(node, ssh_args, NODE_CONNECT_TIMEOUT),
            f"python3 -c {shlex.quote(execute_redfish_node.BOOT)}"]


def read_via_node(node: str, ssh_args: str, targets: list[Target],
                  timeout: float = READ_TIMEOUT,
                  now: Callable[[], datetime] = lambda: datetime.now(UTC)
                  ) -> dict[str, dict[str, Any]]:
    """Host -> reading of ``targets``, read by the execution node ``node`` (``user@host:port``,
    reached with ``ssh_args`` like its plays): the node runs the reads in parallel and sends
    the readings back (``execute_redfish_node``). A node that cannot be reached, or answers
    nothing, is an error of each of its hosts' checks, with the node's reason."""
    import subprocess

    ready = [t for t in targets if not t.problem]
    out = {t.host: {"error": f"BMC {t.address}: {t.problem}"} for t in targets if t.problem}
    if not ready:
        return out
    argv = node_argv(node, ssh_args)
    why = ""
    got: dict[str, Any] = {}
    try:
        proc = subprocess.run(argv, input=node_job(ready, timeout), capture_output=True,
                              timeout=timeout + NODE_CONNECT_TIMEOUT, check=False)
        lines = proc.stdout.decode(errors="replace").strip().splitlines()
        try:
            parsed = json.loads(lines[-1]) if lines else {}
            got = parsed if isinstance(parsed, dict) else {}
        except ValueError:
            got = {}
        said = [ln for ln in proc.stderr.decode(errors="replace").splitlines() if ln.strip()]
        why = (said[-1] if said else f"ssh ended with {proc.returncode}")[:200]
    except subprocess.TimeoutExpired:
        why = f"no answer within {timeout + NODE_CONNECT_TIMEOUT:g} s"
    except OSError as exc:
        why = f"ssh could not start: {exc}"
    stamp = now().strftime("%Y-%m-%dT%H:%M:%SZ")
    for t in ready:
        reading = got.get(t.host)
        if not isinstance(reading, dict):
            out[t.host] = {"error": f"BMC {t.address} (read by execution node {node}): the "
                                    f"node returned no reading: {why}"}
        elif "error" in reading:
            out[t.host] = {"error": f"{reading['error']} (read by execution node {node})"}
        else:
            if t.layout:
                reading["model"] = t.model
            out[t.host] = {"read_at": stamp, **reading, "via": node}
    return out


class Reads:
    """BMC readings under way: ``get(host)`` waits for one until the reads' deadline."""

    def __init__(self, futures: Mapping[str, Future[dict[str, Any]]], ends: float,
                 timeout: float, pool: ThreadPoolExecutor | None,
                 addresses: Mapping[str, str] | None = None, grace: float = GRACE) -> None:
        self._futures = dict(futures)
        self._grace = grace
        self._addresses = dict(addresses or {})
        self._ends = ends
        self._timeout = timeout
        self._pool = pool
        self._lock = threading.Lock()

    def __contains__(self, host: str) -> bool:
        return host in self._futures

    def get(self, host: str) -> dict[str, Any] | None:
        future = self._futures.get(host)
        if future is None:
            return None
        try:  # a reading ends by itself at most one request (GRACE) after the deadline
            return future.result(timeout=max(self._ends - time.monotonic(), 0) + self._grace)
        except Exception:
            bmc = " ".join(filter(None, ("BMC", self._addresses.get(host))))
            return {"error": f"{bmc} did not answer within {self._timeout:g} s"}

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None


def start_reads(targets: Iterable[Target], timeout: float = READ_TIMEOUT,
                reader: Callable[[Target, float], dict[str, Any]] | None = None,
                grace: float = GRACE, via: Mapping[str, tuple[str, str]] | None = None
                ) -> Reads:
    """Start reading every BMC in parallel (one thread and session each); return at once.
    ``via``: host -> (execution node, its ssh args) for hosts of a site reached through a
    node; their BMCs are read by that node, one job per node (``read_via_node``)."""
    targets = list(targets)
    read_one = reader or read
    if not targets:
        return Reads({}, time.monotonic(), timeout, None)
    via = via or {}
    direct = [t for t in targets if t.host not in via]
    by_node: dict[tuple[str, str], list[Target]] = {}
    for t in targets:
        if t.host in via:
            by_node.setdefault(via[t.host], []).append(t)
    pool = ThreadPoolExecutor(max_workers=max(min(len(direct) + len(by_node), MAX_WORKERS), 1),
                              thread_name_prefix="patrol-bmc")
    futures = {t.host: pool.submit(read_one, t, timeout) for t in direct}
    for (node, args), group in sorted(by_node.items()):
        job = pool.submit(read_via_node, node, args, group, timeout)
        for t in group:
            futures[t.host] = _share(job, t.host)
    # a node's reads end within its ssh connect time after the BMCs' deadline
    extra = NODE_CONNECT_TIMEOUT if by_node else 0
    return Reads(futures, time.monotonic() + timeout + extra, timeout, pool,
                 {t.host: t.address for t in targets}, grace)


def _share(job: Future[dict[str, dict[str, Any]]], host: str) -> Future[dict[str, Any]]:
    """One host's reading out of a node's job, as a future of its own."""
    mine: Future[dict[str, Any]] = Future()

    def done(f: Future[dict[str, dict[str, Any]]]) -> None:
        try:
            mine.set_result(f.result().get(host) or {"error": "the node returned no reading"})
        except BaseException as exc:  # cancelled or failed: the reading's own error
            mine.set_exception(exc)

    job.add_done_callback(done)
    return mine
