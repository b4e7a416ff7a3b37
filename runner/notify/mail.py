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
import threading
from collections import deque
from dataclasses import dataclass
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


# whole strings only (``fullmatch``): ``$`` alone would let a final newline through
ADDRESS = re.compile(r"[^\s<>@,;:\"\\()\[\]]+@[^\s<>@,;:\"\\()\[\]]+")


def message(server: Server, mail: Mail) -> bytes:
    """The message as the bytes SMTP carries: a few fixed headers, the subject on one line
    (RFC 2047 words when it is not ASCII), the body in base64. Built by hand: the ``email``
    package's header registry costs about 2 ms a message, most of a batch's time."""
    for who in (server.sender, mail.to):
        if not ADDRESS.fullmatch(who):
            raise ValueError("not an email address: " + who.encode("unicode_escape").decode())
    title = " ".join(mail.title.split())  # one line, whatever the title held
    domain = server.sender.rpartition("@")[2]
    head = (f"From: {server.sender}\r\nTo: {mail.to}\r\nSubject: {subject(title)}\r\n"
            f"Date: {formatdate(usegmt=True)}\r\nMessage-ID: {make_msgid(domain=domain)}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n")
    body = base64.encodebytes(mail.body.encode("utf-8")).replace(b"\n", b"\r\n")
    return head.encode("ascii") + body


WORD_BYTES = 45  # UTF-8 bytes per encoded word: 60 characters of base64, 72 with its markers
FIRST_WORD_BYTES = 39  # the first shares its line with "Subject: ": 9 + 64 characters


def subject(title: str) -> str:
    """A one-line title as the Subject header's value, folded within 76 characters a line:
    ASCII at its spaces, anything else as base64 RFC 2047 words of whole characters, one per
    line, which every reader joins back without a space. By hand: ``email.header.Header``
    costs a twentieth of a millisecond a subject (a quarter in Chinese), more than the SMTP
    client's own work for the message."""
    if title.isascii():
        lines, line, room = [], "", 76 - len("Subject: ")
        for word in title.split(" "):
            if line and len(line) + 1 + len(word) > room:
                lines.append(line)
                line, room = word, 75
            else:
                line = f"{line} {word}" if line else word
        return "\r\n ".join([*lines, line])
    data, words, at, limit = title.encode("utf-8"), [], 0, FIRST_WORD_BYTES
    while at < len(data):
        end = min(at + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # not inside a character
            end -= 1
        words.append(data[at:end])
        at, limit = end, WORD_BYTES
    return "\r\n ".join("=?utf-8?b?" + base64.b64encode(w).decode("ascii") + "?="
                         for w in words)


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")  # RFC 5321's Domain, two labels at least


def ehlo_name(sock: socket.socket) -> str:
    """The name this end gives in EHLO, asking no DNS: the host's name when it is
    fully qualified, else the connection's own address as an RFC 5321 address literal.
    ``smtplib``'s default, ``socket.getfqdn()``, is a reverse lookup per connection, which
    stalls a delivery for the resolver's timeout on a runner whose DNS does not answer."""
    name = socket.gethostname()
    if _DOMAIN.fullmatch(name) and not name.rsplit(".", 1)[1].isdigit():  # not an IPv4
        return name
    address = str(sock.getsockname()[0]).split("%", 1)[0]  # an IPv6 zone is not in a literal
    return f"[IPv6:{address}]" if ":" in address else f"[{address}]"


def _connect(server: Server, timeout: float, context: ssl.SSLContext | None) -> smtplib.SMTP:
    """A connection ready for its first message: greeted, secured, logged in."""
    host = server.host.strip("[]")
    # given a local_hostname, smtplib asks no DNS for one; the real one is known once connected
    if server.security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, server.port, timeout=timeout,
                                                context=context, local_hostname="localhost")
    else:
        client = smtplib.SMTP(host, server.port, timeout=timeout, local_hostname="localhost")
    try:
        client.local_hostname = ehlo_name(client.sock)
        if server.security == "starttls":
            client.starttls(context=context)
    except BaseException:
        client.close()
        raise
    if server.user:
        client.login(server.user, server.password or "")
    client.ehlo_or_helo_if_needed()
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


class _Lost(Exception):
    """The connection failed after a message's content went out: whether the server took the
    message is unknown, so it is not sent again in this delivery (the next one retries it)."""


NOT_SENT = "the delivery stopped before this message was sent"
UNCONFIRMED = ("the connection to the SMTP server was lost before it confirmed the message "
               "(it may have arrived): ")


def _reset(client: smtplib.SMTP, code: int) -> None:
    """After a refusal, as ``sendmail`` does: RSET, or close when the server is closing."""
    if code == 421:
        client.close()
    else:
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            client.rset()


def _transact(client: smtplib.SMTP, sender: str, to: str, data: bytes) -> None:
    """One message through ``client``: ``sendmail``'s MAIL, RCPT and DATA with its SIZE, dot
    stuffing and refusals, told apart by when a connection fails. Before the content went
    out nothing can have arrived (SMTPServerDisconnected and the like: send it again on
    another connection); after, ``_Lost``."""
    size = f" SIZE={len(data)}" if client.does_esmtp and client.has_extn("size") else ""
    client.putcmd("mail", f"FROM:<{sender}>{size}")  # as ``mail``, without its address parser:
    code, reply = client.getreply()  # both addresses are bare ones (``message`` checked them)
    if code != 250:
        _reset(client, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    try:
        client.putcmd("rcpt", f"TO:<{to}>")
    except ValueError:  # a line break smtplib refuses: end this transaction, keep the line
        _reset(client, 0)
        raise
    code, reply = client.getreply()
    if code not in (250, 251):
        _reset(client, code)
        raise smtplib.SMTPRecipientsRefused({to: (code, reply)})
    client.putcmd("data")
    code, reply = client.getreply()
    if code != 354:
        _reset(client, code)
        raise smtplib.SMTPDataError(code, reply)
    content = re.sub(rb"(?m)^\.", b"..", data)
    if not content.endswith(b"\r\n"):
        content += b"\r\n"
    try:
        client.send(content + b".\r\n")
        code, reply = client.getreply()
    except (OSError, smtplib.SMTPException) as exc:
        raise _Lost(why(exc)) from None
    if code != 250:
        _reset(client, code)
        raise smtplib.SMTPDataError(code, reply)


CONNECTIONS = 4  # at most this many connections to one server at once...
PER_CONNECTION = 25  # ...and one more only for every this many messages


def send_batch(server: Server, mails: list[Mail], timeout: float = 10.0,
               connections: int = CONNECTIONS) -> list[str | None]:
    """Send ``mails`` to ``server``; per message None when the server accepted it, else the
    reason (unmasked: the caller masks).

    One connection first: when it cannot be opened, every message fails with why. Then, for a
    larger batch, up to ``connections`` in all, each in a thread of its own taking the next
    message from one queue, so each message is taken once and the round trips of several
    overlap (``smtplib`` has no PIPELINING). A further connection that cannot be opened, or
    opens only once the queue is empty, takes nothing and is not waited for. A connection
    lost before a message's content went out puts the message back in the queue (nothing can
    have arrived) and is opened again if it had carried a message and messages remain; one
    lost after the content went out leaves that message failed, unconfirmed, never sent twice
    in one delivery. Messages no connection is left to take fail with the last connection's
    reason; every failure stays owed for the next delivery."""
    if not mails:
        return []
    context = ssl.create_default_context() if server.security != "none" else None
    try:
        first = _connect(server, timeout, context)
    except (OSError, smtplib.SMTPException) as exc:
        return [why(exc)] * len(mails)
    reasons: list[str | None] = [NOT_SENT] * len(mails)  # None only once the server took it
    todo = deque(range(len(mails)))
    gave_up: list[str] = []
    extra = min(connections, -(-len(mails) // PER_CONNECTION)) - 1
    state = threading.Condition()
    opening, working = [extra], [0]  # further connections being opened (holding nothing), open

    def work(client: smtplib.SMTP | None, carried: bool) -> None:
        """Send from the queue through ``client`` (``carried``: the first connection, which
        may be opened again once even before it carried a message)."""
        while todo:
            if client is None:
                try:
                    client = _connect(server, timeout, context)
                except Exception as exc:  # OSError, SMTPException, or a bug: it takes nothing
                    gave_up.append(why(exc))
                    return
                carried = False
            try:
                i = todo.popleft()
            except IndexError:
                break
            try:
                _transact(client, server.sender, mails[i].to, message(server, mails[i]))
                reasons[i] = None
                carried = True
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                    smtplib.SMTPSenderRefused, ValueError) as exc:
                reasons[i] = why(exc)  # this message only: the connection is still good
                carried = True
            except (OSError, smtplib.SMTPException) as exc:
                todo.appendleft(i)  # not sent: another connection (or this one again) takes it
                client = _close(client)
                if not carried:
                    gave_up.append(why(exc))
                    return
            except Exception as exc:  # _Lost, or a bug: this message may have gone, never twice
                reasons[i] = (UNCONFIRMED + str(exc) if isinstance(exc, _Lost)
                              else f"{type(exc).__name__}: {exc}")
                client = _close(client)
                if not carried or not isinstance(exc, _Lost):
                    gave_up.append(str(exc) if isinstance(exc, _Lost) else reasons[i] or "")
                    return
        _close(client, quit=True)

    def further() -> None:
        client = None
        try:
            if todo:
                client = _connect(server, timeout, context)
        except Exception as exc:  # OSError, SMTPException, or a bug: it takes nothing
            gave_up.append(why(exc))
        with state:
            opening[0] -= 1
            working[0] += client is not None
            state.notify_all()
        if client is not None:
            try:
                work(client, False)
            finally:
                with state:
                    working[0] -= 1
                    state.notify_all()

    for _ in range(extra):
        threading.Thread(target=further, daemon=True).start()
    work(first, True)
    with state:  # a connection still opening once the queue is empty takes nothing: not awaited
        state.wait_for(lambda: not working[0] and (not opening[0] or not todo))
        for i in todo:  # every connection gave up before these were taken
            reasons[i] = gave_up[-1]
    return reasons


def _close(client: smtplib.SMTP | None, quit: bool = False) -> None:
    if client is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            client.quit() if quit else client.close()
