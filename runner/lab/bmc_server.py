"""The lab's BMCs: one HTTPS Redfish service per lab host, all in one process.

Run inside the lab's BMC network namespace (``bmc.py`` starts it) as
``python -m runner.lab.bmc_server CONFIG``; CONFIG (JSON, in the lab's 0700 state dir) names
each BMC's host, address and port, the certificate and key, the credentials file and the lab's
state file, where ``patrol lab bmc HOST FAULT`` records faults. Why the standard library and
not DMTF's mockup server: that server has no TLS client authentication story we need, no
faults, and would be one more dependency in a tool install; this one serves DMTF's own
mockup (``bmc_mockup.py``) the way a BMC does:

- HTTPS only (TLS from the lab's CA), HTTP/1.1 keep-alive;
- the service root, ``/redfish/v1/odata`` and ``$metadata`` open, everything else behind HTTP
  Basic or a Redfish session (``POST /redfish/v1/SessionService/Sessions`` -> ``X-Auth-Token``
  and ``Location``; ``DELETE`` of that location ends it);
- faults and the host's layout read from the state file on every request: hardware faults
  change the resources (``bmc_faults.apply``), the layout moves them where another vendor
  keeps them (``bmc_layouts.apply``), ``down`` closes every connection at once, ``slow``
  delays every answer by ``bmc_faults.SLOW_SECONDS``.
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import json
import secrets
import socket
import ssl
import sys
import threading
import time
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from . import bmc_faults, bmc_layouts, bmc_mockup

OPEN = {"/redfish", "/redfish/v1", "/redfish/v1/odata", "/redfish/v1/$metadata"}
SESSIONS = "/redfish/v1/SessionService/Sessions"
MAX_SESSIONS = 64
METADATA = bmc_layouts.metadata(bmc_mockup.METADATA_XML).encode()


class Faults:
    """Each host's faults and BMC layout from the lab's state file, re-read when it changes."""

    def __init__(self, state_file: Path) -> None:
        self.path = state_file
        self.stamp: tuple[int, int] | None = None
        self.by_host: dict[str, dict[str, str]] = {}
        self.layouts: dict[str, str] = {}
        self.lock = threading.Lock()

    def _refresh(self) -> None:
        try:
            st = self.path.stat()
            stamp = (st.st_mtime_ns, st.st_ino)
            if stamp != self.stamp:
                data = json.loads(self.path.read_text())
                hosts = data.get("hosts", [])
                self.by_host = {h["name"]: dict(h.get("bmc_faults") or {}) for h in hosts}
                self.layouts = {h["name"]: str(h.get("bmc_layout") or bmc_layouts.CLASSIC)
                                for h in hosts}
                self.stamp = stamp
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a state file being replaced: keep what we knew

    def of(self, host: str) -> dict[str, str]:
        with self.lock:
            self._refresh()
            return self.by_host.get(host, {})

    def layout(self, host: str) -> str:
        with self.lock:
            self._refresh()
            return self.layouts.get(host, bmc_layouts.CLASSIC)


class Bmc(ThreadingHTTPServer):
    """One BMC: its address, its sessions, its resources as its faults make them."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, host: str, address: str, port: int, tls: ssl.SSLContext,
                 credentials: tuple[str, str], faults: Faults,
                 base: dict[str, dict[str, Any]]) -> None:
        self.host = host
        self.tls = tls
        self.credentials = credentials
        self.faults = faults
        self.base = base
        self.sessions: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.lock = threading.Lock()
        self.cached: tuple[tuple[tuple[str, str], ...], dict[str, dict[str, Any]]] | None = None
        super().__init__((address, port), Handler)

    def resources(self) -> dict[str, dict[str, Any]]:
        faults = self.faults.of(self.host)
        layout = self.faults.layout(self.host)
        key = (("layout", layout), *sorted(faults.items()))
        with self.lock:
            if self.cached is None or self.cached[0] != key:
                self.cached = (key, bmc_layouts.apply(bmc_faults.apply(self.base, faults),
                                                      layout))
            return self.cached[1]

    def finish_request(self, request: Any, client_address: Any) -> None:
        if "down" in self.faults.of(self.host):
            with contextlib.suppress(OSError):
                request.shutdown(socket.SHUT_RDWR)
            request.close()
            return
        request.settimeout(30)
        # headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK hold every answer for 40 ms
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            conn = self.tls.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            request.close()
            return
        super().finish_request(conn, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away mid-answer is no news


def _error(code: int, message: str) -> dict[str, Any]:
    return {"error": {"code": "Base.1.5.GeneralError", "message": message,
                      "@Message.ExtendedInfo": []}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Bmc
    server_version = "PatrolLabBMC/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _path(self) -> str:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        return path.rstrip("/") or "/"

    def _send(self, code: int, body: Any = None, headers: dict[str, str] | None = None,
              content_type: str = "application/json; charset=utf-8") -> None:
        if "slow" in self.server.faults.of(self.server.host):
            time.sleep(bmc_faults.SLOW_SECONDS)
        data = b""
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        if body is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("OData-Version", "4.0")
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)

    def _authorised(self) -> str | None:
        """The session id or "basic" when the request is authenticated, else None."""
        token = self.headers.get("X-Auth-Token")
        if token:
            with self.server.lock:
                for sid, s in self.server.sessions.items():
                    if hmac.compare_digest(s["token"], token):
                        return sid
            return None
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return None
            want_user, want_password = self.server.credentials
            if hmac.compare_digest(user, want_user) and \
                    hmac.compare_digest(password, want_password):
                return "basic"
        return None

    def _unauthorised(self) -> None:
        self._send(401, _error(401, "authentication required"),
                   {"WWW-Authenticate": 'Basic realm="patrol lab BMC"'})

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, 65536)) if length else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def do_GET(self) -> None:
        path = self._path()
        if path == "/redfish":
            self._send(200, {"v1": "/redfish/v1/"})
            return
        if path == "/redfish/v1/$metadata":
            self._send(200, METADATA,
                       content_type="application/xml; charset=utf-8")
            return
        if path not in OPEN and self._authorised() is None:
            self._unauthorised()
            return
        if path == SESSIONS:
            with self.server.lock:
                members = [{"@odata.id": f"{SESSIONS}/{sid}"} for sid in self.server.sessions]
            body = dict(self.server.resources()[SESSIONS])
            self._send(200, {**body, "Members": members, "Members@odata.count": len(members)})
            return
        if path.startswith(SESSIONS + "/"):
            sid = path.rsplit("/", 1)[1]
            with self.server.lock:
                session = self.server.sessions.get(sid)
            if session is None:
                self._send(404, _error(404, f"no resource at {path}"))
            else:
                self._send(200, session["resource"])
            return
        resource = self.server.resources().get(path)
        if resource is None:
            self._send(404, _error(404, f"no resource at {path}"))
            return
        self._send(200, resource)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        path = self._path()
        body = self._body()
        if path != SESSIONS:
            if self._authorised() is None:
                self._unauthorised()
            else:
                self._send(405, _error(405, "the lab BMC is read-only"), {"Allow": "GET, HEAD"})
            return
        if not isinstance(body, dict):
            self._send(400, _error(400, "a session needs UserName and Password"))
            return
        user, password = str(body.get("UserName", "")), str(body.get("Password", ""))
        want_user, want_password = self.server.credentials
        if not (hmac.compare_digest(user, want_user) and
                hmac.compare_digest(password, want_password)):
            self._send(401, _error(401, "invalid credentials"))
            return
        sid = secrets.token_hex(8)
        token = secrets.token_urlsafe(24)
        location = f"{SESSIONS}/{sid}"
        resource = {"@odata.id": location, "@odata.type": "#Session.v1_7_0.Session",
                    "Id": sid, "Name": "User Session", "UserName": user}
        with self.server.lock:
            self.server.sessions[sid] = {"token": token, "resource": resource}
            while len(self.server.sessions) > MAX_SESSIONS:
                self.server.sessions.popitem(last=False)
        self._send(201, resource, {"X-Auth-Token": token, "Location": location})

    def do_DELETE(self) -> None:
        path = self._path()
        who = self._authorised()
        if who is None:
            self._unauthorised()
            return
        if path.startswith(SESSIONS + "/"):
            sid = path.rsplit("/", 1)[1]
            with self.server.lock:
                gone = self.server.sessions.pop(sid, None)
            if gone is None:
                self._send(404, _error(404, f"no resource at {path}"))
            else:
                self._send(204)
            return
        self._send(405, _error(405, "the lab BMC is read-only"), {"Allow": "GET, HEAD"})

    def do_PATCH(self) -> None:
        self._body()
        if self._authorised() is None:
            self._unauthorised()
            return
        self._send(405, _error(405, "the lab BMC is read-only"), {"Allow": "GET, HEAD"})

    do_PUT = do_PATCH


def serve(config_file: Path) -> None:
    config = json.loads(config_file.read_text())
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.minimum_version = ssl.TLSVersion.TLSv1_2
    tls.load_cert_chain(config["cert"], config["key"])
    creds = json.loads(Path(config["credentials"]).read_text())
    faults = Faults(Path(config["state_file"]))
    base = json.loads(bmc_mockup.RESOURCES_JSON)
    servers = [Bmc(b["host"], b["address"], int(b["port"]), tls,
                   (creds["username"], creds["password"]), faults, base)
               for b in config["bmcs"]]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    Path(config["ready"]).write_text("ready\n")
    for t in threads:
        t.join()


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
