"""BMC reads on a site's execution node: the node runs them and returns the readings.

A site reached through an execution node is a network the controller has no route to, and its
BMCs sit on the site's management network, which only the node reaches. So the controller
sends the node one job over the same SSH it streams plays over (``execute_redfish.
read_via_node``): ``python3 -c BOOT`` there, with the job on stdin as one JSON line: this
module's source, ``execute_redfish``'s (whose walk of the Redfish tree is the controller's
own, so both read the same components the same way) and the targets with their passwords and
pinned CAs (as PEM text). Nothing is written on the node: the code, the passwords and the CAs
live in that one process's memory and die with it; the readings come back as one JSON line.

Why the standard library's HTTPS client: a node carries only its image (python3,
ansible-runner), and Patrol installs nothing on it; the controller reads its own BMCs with
the same client (``execute_redfish.read``), a fraction of the CPU of DMTF's over
``requests``. The client below is the part of DMTF's that the walk uses: a Redfish session
(``POST .../Sessions``, ``X-Auth-Token``, ``DELETE`` at the end) and GETs over one HTTPS
connection per BMC, TLS verified against the pinned CA (the controller: or certifi's
bundle) or the node's system CAs.

Stdlib only, no import of ``runner``: this file runs as ``patrol_redfish_node`` on the node,
beside ``execute_redfish`` as ``patrol_redfish``.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import sys
import threading
import time
from typing import Any

BOOT = ("import sys,json,types\n"
        "d=json.loads(sys.stdin.buffer.readline())\n"
        "for n in ('patrol_redfish','patrol_redfish_node'):\n"
        "    m=types.ModuleType(n); sys.modules[n]=m; exec(compile(d[n],n,'exec'),m.__dict__)\n"
        "sys.modules['patrol_redfish_node'].main(d['job'])\n")
SESSIONS = "/redfish/v1/SessionService/Sessions"


class Response:
    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.dict = body


class Session:
    """One Redfish session over one HTTPS connection (the surface ``_Reader`` uses)."""

    def __init__(self, address: str, port: int, context: ssl.SSLContext, timeout: float) -> None:
        self.conn = http.client.HTTPSConnection(address, port, timeout=timeout, context=context)
        self.token = ""
        self.location = ""

    def _request(self, method: str, path: str, body: Any = None, timeout: float | None = None
                 ) -> tuple[int, dict[str, str], Any]:
        if timeout is not None:
            self.conn.timeout = timeout
            if self.conn.sock is not None:
                self.conn.sock.settimeout(timeout)
        headers = {"Accept": "application/json", "OData-Version": "4.0"}
        if self.token:
            headers["X-Auth-Token"] = self.token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, parsed

    def login(self, username: str, password: str) -> None:
        status, headers, _ = self._request("POST", SESSIONS,
                                           {"UserName": username, "Password": password})
        if status == 401:
            raise PermissionError("401")
        if status not in (200, 201) or not headers.get("x-auth-token"):
            raise RuntimeError(f"POST {SESSIONS}: HTTP {status}")
        self.token = headers["x-auth-token"]
        self.location = headers.get("location", "")

    def get(self, path: str, timeout: float | None = None, max_retry: int | None = None
            ) -> Response:
        status, _, body = self._request("GET", path, timeout=timeout)
        return Response(status, body)

    def logout(self) -> None:
        try:
            if self.location:
                loc = self.location.split("://", 1)[-1]
                path = loc[loc.index("/"):] if "://" in self.location else loc
                self._request("DELETE", path, timeout=5)
        except (OSError, http.client.HTTPException, ValueError):
            pass  # a session the BMC expires itself
        finally:
            self.conn.close()


def _context(target: dict[str, Any]) -> ssl.SSLContext:
    """Verified against ``cafile`` (the controller's: a pinned CA, or the CA bundle it has
    always used) or ``cadata`` (a node's: the pinned CA as PEM text), else the system's CAs;
    not verified only when the estate says ``verify: false``."""
    if not target.get("verify", True):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    if target.get("cafile"):
        return ssl.create_default_context(cafile=target["cafile"])
    if target.get("cadata"):
        return ssl.create_default_context(cadata=target["cadata"])
    return ssl.create_default_context()


def _why(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "its TLS certificate is not trusted (pin its CA with tls: {ca: FILE})"
    if isinstance(exc, PermissionError):
        return "the BMC refused the credentials (HTTP 401)"
    if isinstance(exc, http.client.RemoteDisconnected | ConnectionResetError | ssl.SSLEOFError):
        return "it closed the connection without answering"
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:200]


def read_one(target: dict[str, Any], timeout: float, walk: Any = None) -> dict[str, Any]:
    """One BMC's reading as ``execute_redfish.read`` gives it (without ``read_at``: the
    controller stamps it), or ``{"error": ...}``; never raises. ``walk``: the module with
    the Redfish walk (``execute_redfish``; on a node, ``patrol_redfish``)."""
    walk = walk or sys.modules["patrol_redfish"]
    address = target["address"]
    ends = time.monotonic() + timeout
    session = None
    try:
        session = Session(address, int(target["port"]), _context(target), min(timeout, 10))
        session.login(target["username"], target["password"] or "")
        reading: dict[str, Any] = walk.read_resources(
            walk._Reader(session, ends), dict(target.get("layout") or {}))
        reading["verified"] = bool(target.get("verify", True))
        return reading
    except Exception as exc:  # every failure of one BMC stays with its check
        if isinstance(exc, walk._Deadline | socket.timeout | TimeoutError) \
                or time.monotonic() >= ends:
            return {"error": f"BMC {address} did not answer within {timeout:g} s"}
        return {"error": f"BMC {address}: {_why(exc)}"}
    finally:
        if session is not None:
            session.logout()


def main(job: dict[str, Any]) -> None:
    """Read every target in parallel (one thread and session each); print host -> reading."""
    timeout = float(job["timeout"])
    out: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()

    def one(target: dict[str, Any]) -> None:
        reading = read_one(target, timeout)
        with lock:
            out[target["host"]] = reading

    threads = [threading.Thread(target=one, args=(t,), daemon=True) for t in job["targets"]]
    for t in threads:
        t.start()
    ends = time.monotonic() + timeout + 1
    for t in threads:
        t.join(max(ends - time.monotonic(), 0))
    with lock:
        for target in job["targets"]:
            out.setdefault(target["host"], {
                "error": f"BMC {target['address']} did not answer within {timeout:g} s"})
        sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
