"""A large batch of email goes to one SMTP server through a few connections at once, each
message taken by one of them: a connection the server cuts before a message's content went
out is opened again and the message sent on it; one cut after the content leaves that message
recorded failed (unconfirmed, owed again), never sent twice in one delivery; a refusal fails
its message alone. Through a real SMTP server on loopback (aiosmtpd) that misbehaves."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from unittest import mock

from runner.notify import dispatch, mail, outbox
from runner.notify.routes import FILE
from tests.unit.notify.servers import Keeper, Mailbox, smtp_server

AT = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
LOST = 13  # the server keeps its message, then drops the connection without an answer
REJECTED = 20  # the server answers its content with 554
REFUSED = 30  # the server refuses its recipient (550)


class Misbehaving(Keeper):
    """Cuts each connection at its ``cut_every``-th RCPT (0: never), before the content;
    with ``lose``, keeps eng{LOST}'s message and drops the connection without an answer;
    answers eng{REJECTED}'s content with 554 and refuses eng{REFUSED} (550)."""

    def __init__(self, box: Mailbox, cut_every: int, lose: bool) -> None:
        super().__init__(box)
        self.cut_every, self.lose, self.cuts = cut_every, lose, 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        session.rcpts = getattr(session, "rcpts", 0) + 1
        if session.rcpts == self.cut_every:
            self.cuts += 1
            server.transport.close()
            return "250 OK"  # never reaches the client
        if address == f"eng{REFUSED}@example.com":
            return "550 no such mailbox"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if envelope.rcpt_tos == [f"eng{REJECTED}@example.com"]:
            return "554 rejected"
        answer = await super().handle_DATA(server, session, envelope)
        if self.lose and envelope.rcpt_tos == [f"eng{LOST}@example.com"]:
            server.transport.close()  # kept, but the client never hears so
        return answer


@contextmanager
def misbehaving(cut_every: int = 0, lose: bool = True) -> Iterator[tuple[Mailbox, Misbehaving]]:
    handlers: list[Misbehaving] = []

    def handler(box: Mailbox) -> Misbehaving:
        handlers.append(Misbehaving(box, cut_every, lose))
        return handlers[-1]

    with smtp_server(handler=handler) as box:
        yield box, handlers[0]


def received(box: Mailbox) -> Counter[str]:
    """How many times each recipient's message arrived."""
    return Counter(to for tos, _ in box.messages for to in tos)


def estate() -> Any:
    email = mock.Mock(server=mock.Mock(env="S"), sender="patrol@example.com",
                      security="none", user=None, password=None)
    return SimpleNamespace(files={FILE: SimpleNamespace(model=mock.Mock(email=email))},
                           sites={})


def owed(count: int) -> list[outbox.Pending]:
    return [outbox.Pending({"key": f"k{n:03d}", "event": "finding.warned", "lang": "en",
                            "facts": {"check": f"check-{n:03d}", "host": "web-01"}},
                           f"email:eng{n}@example.com", None, 0, None) for n in range(count)]


def deliver(box: Mailbox, count: int) -> tuple[dict[str, None], dict[str, str]]:
    out = dispatch.send_items(owed(count), estate(), lambda: AT, {"S": f"127.0.0.1:{box.port}"})
    doc = out.document("notify-1") or {}
    return ({d["to"]: None for d in doc.get("delivered", [])},
            {d["to"]: d["reason"] for d in doc.get("failed", [])})


def test_a_large_batch_goes_through_a_few_connections_each_message_once():
    with misbehaving(lose=False) as (box, _):
        delivered, failed = deliver(box, 100)
    everyone = {f"email:eng{n}@example.com" for n in range(100)}
    bad = {f"email:eng{n}@example.com" for n in (REJECTED, REFUSED)}
    assert set(delivered) == everyone - bad
    assert set(failed) == bad
    assert box.greetings == 4  # one connection per 25 messages, at most four
    counts = received(box)
    assert set(counts.values()) == {1}
    assert set(counts) == {to.removeprefix("email:") for to in everyone} - {
        f"eng{REJECTED}@example.com", f"eng{REFUSED}@example.com"}


def test_connections_cut_mid_batch_lose_nothing_and_send_nothing_twice():
    with misbehaving(cut_every=4) as (box, server):
        delivered, failed = deliver(box, 60)
    assert server.cuts >= 3  # every connection was cut at its fourth recipient
    lost, rejected, refused = (f"email:eng{n}@example.com" for n in (LOST, REJECTED, REFUSED))
    assert set(failed) == {lost, rejected, refused}
    assert "may have arrived" in failed[lost]
    assert "554" in failed[rejected] and "550" in failed[refused]
    assert set(delivered) == {f"email:eng{n}@example.com" for n in range(60)} - set(failed)
    counts = received(box)  # the lost one arrived once; nothing arrived twice
    assert set(counts.values()) == {1}
    assert set(counts) == {to.removeprefix("email:") for to in delivered} | {
        lost.removeprefix("email:")}


def test_a_server_that_cuts_every_fresh_connection_leaves_the_rest_owed():
    with misbehaving(cut_every=1) as (box, _):
        delivered, failed = deliver(box, 30)
    assert delivered == {} and len(failed) == 30  # nothing went; all stay owed
    assert box.messages == []
    assert all("may have arrived" not in why for why in failed.values())



@dataclass
class Relay:
    port: int
    held: list[socket.socket] = field(default_factory=list)  # connections never answered


@contextmanager
def greeting_only_the_first(port: int) -> Iterator[Relay]:
    """A TCP relay to ``port`` on loopback that relays its first connection and holds every
    later one open, unanswered, until the block ends: a server slow to greet them."""
    listener = socket.create_server(("127.0.0.1", 0))
    relay = Relay(listener.getsockname()[1])

    def pump(a: socket.socket, b: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := a.recv(65536):
                b.sendall(data)
        with contextlib.suppress(OSError):
            b.shutdown(socket.SHUT_WR)

    def accept() -> None:
        with contextlib.suppress(OSError):
            first, _ = listener.accept()
            upstream = socket.create_connection(("127.0.0.1", port))
            for a, b in ((first, upstream), (upstream, first)):
                threading.Thread(target=pump, args=(a, b), daemon=True).start()
            while True:
                relay.held.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield relay
    finally:
        listener.close()
        for held in relay.held:
            held.close()


def still_open(held: socket.socket) -> bool:
    """Whether the client end of a held connection is still open (it has sent nothing)."""
    held.setblocking(False)
    try:
        return held.recv(1) != b""
    except BlockingIOError:
        return True


def test_a_further_connection_slow_to_open_is_not_waited_for():
    with smtp_server() as box, greeting_only_the_first(box.port) as relay:
        server = mail.Server("127.0.0.1", relay.port, "none", "patrol@example.com")
        mails = [mail.Mail(f"eng{n}@example.com", "t", "b") for n in range(100)]
        assert mail.send_batch(server, mails, timeout=60) == [None] * 100
        assert box.greetings == 1 and len(box.messages) == 100  # all through the first
        # returned while the further connections still waited for their greeting (waiting
        # for them would have taken their 60 s timeout, and they would have hung up)
        while len(relay.held) < 3:  # the relay accepts the three further connections
            time.sleep(0.01)
        assert all(still_open(held) for held in relay.held)
