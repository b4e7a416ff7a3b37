"""Email through the standard library's SMTP client: the one module that speaks SMTP.

Why not Apprise for email: its email plugin opens a new connection, and builds a new TLS
context, for every message (measured: about 35 ms of CPU per email, most of it the TLS
context), so 100 owed emails tripled an escalation. Here one delivery opens one connection per
server (one TLS context, one STARTTLS or TLS handshake, one login) and sends every message
owed through it; chat channels still go through Apprise (``deliver``).

The server, user and password are secrets: a failure's reason names none of them (``mask``).
A message is plain text (``text/plain; charset=utf-8``) with one Subject: the title and the
body are already escaped (``messages.plain``) and a header never takes a line break.
"""

from __future__ import annotations

import base64
import contextlib
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.header import Header
from email.utils import formatdate, make_msgid


@dataclass(frozen=True)
class Server:
    """How one SMTP server is reached; messages to the same server share one connection."""

    host: str
    port: int
    security: str  # starttls, tls or none (loopback only, checked by ``deliver``)
    sender: str
    user: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class Mail:
    """One message: its recipient's address, title and (escaped) body."""

    to: str
    title: str
    body: str


ADDRESS = re.compile(r"^[^\s<>@,;:\"\\()\[\]]+@[^\s<>@,;:\"\\()\[\]]+$")


def message(server: Server, mail: Mail) -> bytes:
    """The message as the bytes SMTP carries: a few fixed headers, the subject on one line
    (RFC 2047 words when it is not ASCII), the body in base64. Built by hand: the ``email``
    package's header registry costs about 2 ms a message, most of a batch's time."""
    for who in (server.sender, mail.to):
        if not ADDRESS.match(who):
            raise ValueError("not an email address: " + who.encode("unicode_escape").decode())
    title = " ".join(mail.title.split())  # one line, whatever the title held
    subject = Header(title, "us-ascii" if title.isascii() else "utf-8").encode(
        linesep="\r\n")
    domain = server.sender.rpartition("@")[2]
    head = (f"From: {server.sender}\r\nTo: {mail.to}\r\nSubject: {subject}\r\n"
            f"Date: {formatdate(usegmt=True)}\r\nMessage-ID: {make_msgid(domain=domain)}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n")
    body = base64.encodebytes(mail.body.encode("utf-8")).replace(b"\n", b"\r\n")
    return head.encode("ascii") + body


def _connect(server: Server, timeout: float) -> smtplib.SMTP:
    if server.security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(server.host.strip("[]"), server.port,
                                                timeout=timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(server.host.strip("[]"), server.port, timeout=timeout)
        if server.security == "starttls":
            client.starttls(context=ssl.create_default_context())
    if server.user:
        client.login(server.user, server.password or "")
    return client


def why(exc: BaseException) -> str:
    """A failure in a few words (the caller masks secrets in it)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in exc.recipients.values()})
        return f"the SMTP server refused the recipient ({', '.join(map(str, codes))})"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(
            exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"the SMTP server answered {exc.smtp_code}: {text}"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "the SMTP server did not answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "the SMTP server refused the connection"
    if isinstance(exc, ssl.SSLError):
        return f"TLS with the SMTP server failed: {exc.reason or exc}"
    return f"{type(exc).__name__}: {exc}"


def send_batch(server: Server, mails: list[Mail], timeout: float = 10.0) -> list[str | None]:
    """Send ``mails`` through one connection to ``server``; per message None when the server
    accepted it, else the reason (unmasked: the caller masks). A connection lost on the way
    is opened again once; what still fails stays owed for the next delivery."""
    reasons: list[str | None] = [None] * len(mails)
    client: smtplib.SMTP | None = None
    reconnected = False
    i = 0
    while i < len(mails):
        try:
            if client is None:
                client = _connect(server, timeout)
            data = message(server, mails[i])
            client.sendmail(server.sender, [mails[i].to], data)
            i += 1
        except smtplib.SMTPServerDisconnected as exc:
            client = None
            if reconnected:
                reasons[i:] = [why(exc)] * (len(mails) - i)
                break
            reconnected = True
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                smtplib.SMTPSenderRefused, ValueError) as exc:
            reasons[i] = why(exc)  # this message only: the connection is still good
            i += 1
        except (OSError, smtplib.SMTPException) as exc:
            reasons[i:] = [why(exc)] * (len(mails) - i)  # no connection: none of them went
            client = None
            break
    if client is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            client.quit()
    return reasons
