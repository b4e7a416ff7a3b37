"""Real servers on loopback for the notification tests: an SMTP server (aiosmtpd) that keeps
every message it accepts, and a webhook receiver (http.server) that keeps every body."""

from __future__ import annotations

import email
import json
import socket
import ssl
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    port: int
    messages: list[tuple[list[str], Message]] = field(default_factory=list)
    greetings: int = 0  # EHLO/HELO seen: one per connection (two with STARTTLS)
    names: list[str] = field(default_factory=list)  # the name each greeting gave

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def to(self, rcpt: str) -> list[Message]:
        return [m for tos, m in self.messages if rcpt in tos]


class Keeper:
    """An aiosmtpd handler that keeps every message it accepts in ``box``, counts greetings
    and refuses ``refused@`` mailboxes."""

    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:
        self.box.greetings += 1
        self.box.names.append(hostname)
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server: Any, session: Any, envelope: Any,
                          hostname: str) -> str:
        self.box.greetings += 1
        self.box.names.append(hostname)
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address.startswith("refused@"):  # a mailbox the server does not have
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.box.messages.append((list(envelope.rcpt_tos),
                                  email.message_from_bytes(envelope.content)))
        return "250 OK"


@contextmanager
def smtp_server(port: int | None = None, handler: Callable[[Mailbox], Keeper] = Keeper
                ) -> Iterator[Mailbox]:
    """A server on loopback with ``handler`` (a ``Keeper`` that may misbehave)."""
    from aiosmtpd.controller import Controller

    box = Mailbox(port or free_port())
    controller = Controller(handler(box), hostname="127.0.0.1", port=box.port,
                            server_hostname="smtp.test")  # its greeting: no DNS asked
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def text_of(message: Message) -> tuple[str, str]:
    """(subject, body) of a plain-text message, decoded."""
    from email.header import decode_header, make_header

    subject = str(make_header(decode_header(message["Subject"])))
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return subject, payload.decode(message.get_content_charset() or "utf-8")


@dataclass
class Hook:
    port: int
    bodies: list[Any] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # each request's path and query
    ca: str | None = None  # with TLS: the certificate a client must trust (a file)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/hook"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (openssl), for a TLS server on loopback."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


@contextmanager
def webhook_server(tls: bool = False) -> Iterator[Hook]:
    """A webhook receiver on loopback; ``tls``: HTTPS with a fresh self-signed certificate
    (``Hook.ca``), for plugins that only speak https (Teams' Workflows)."""
    hook = Hook(0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            hook.paths.append(self.path)
            hook.bodies.append(json.loads(data))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.port = server.server_address[1]
    with tempfile.TemporaryDirectory(prefix="patrol-hook-") as tmp:
        if tls:
            cert, key = self_signed(Path(tmp))
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            server.socket = context.wrap_socket(server.socket, server_side=True)
            hook.ca = str(cert)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield hook
        finally:
            server.shutdown()
            server.server_close()
