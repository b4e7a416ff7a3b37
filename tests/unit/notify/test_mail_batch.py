"""Email goes through one SMTP connection per server per delivery, not one per message: 100
owed emails cost one TLS context and one handshake, not 100 (the benchmark's 5 % target).
Through a real SMTP server on loopback that counts its connections."""

from __future__ import annotations

from unittest import mock

import pytest

from runner.notify import deliver, mail
from tests.unit.notify.servers import free_port, smtp_server, text_of


def policy(security: str = "none") -> mock.Mock:
    return mock.Mock(email=mock.Mock(server=mock.Mock(env="S"), sender="patrol@example.com",
                                     security=security, user=None, password=None))


def test_every_email_to_one_server_shares_one_connection():
    with smtp_server() as box:
        env = {"S": box.address}
        jobs = [(deliver.target(policy(), f"email:eng{n}@example.com", env), f"title {n}",
                 f"body {n}") for n in range(12)]
        assert deliver.send_all(jobs) == [None] * 12
        assert box.greetings == 1  # one EHLO: one connection for the twelve
        assert sorted(tos[0] for tos, _ in box.messages) == sorted(
            f"eng{n}@example.com" for n in range(12))
        for tos, m in box.messages:
            n = tos[0].removeprefix("eng").split("@")[0]
            subject, body = text_of(m)
            assert (subject, body.rstrip()) == (f"title {n}", f"body {n}")
            assert m["From"] == "patrol@example.com" and m["To"] == tos[0]


def test_a_refused_recipient_fails_alone_and_a_dead_server_fails_all_without_secrets():
    with smtp_server() as box:
        server = mail.Server("127.0.0.1", box.port, "none", "patrol@example.com")
        reasons = mail.send_batch(server, [mail.Mail("a@example.com", "t", "b"),
                                           mail.Mail("refused@example.com", "t", "b"),
                                           mail.Mail("c@example.com", "t", "b")])
        assert reasons[0] is None and reasons[2] is None and "550" in (reasons[1] or "")
        assert [tos for tos, _ in box.messages] == [["a@example.com"], ["c@example.com"]]
    port = free_port()  # nothing listens
    jobs = [(deliver.target(policy(), f"email:x{n}@example.com", {"S": f"127.0.0.1:{port}"}),
             "t", "b") for n in range(3)]
    reasons = deliver.send_all(jobs)
    assert all(reasons) and len(set(reasons)) == 1
    assert str(port) not in reasons[0] and "127.0.0.1" not in reasons[0]


def test_a_recipient_or_title_cannot_forge_a_header():
    with smtp_server() as box:
        server = mail.Server("127.0.0.1", box.port, "none", "patrol@example.com")
        reasons = mail.send_batch(server, [
            mail.Mail("a@example.com\r\nBcc: b@example.com", "t", "b"),
            mail.Mail("c@example.com", "warned\r\nBcc: d@example.com", "b")])
        assert reasons[0] is not None and "not an email address" in reasons[0]
        assert reasons[1] is None
        ((tos, message),) = box.messages
        assert tos == ["c@example.com"] and message["Bcc"] is None
        assert text_of(message)[0] == "warned Bcc: d@example.com"


def test_a_subject_in_any_language_and_length_reads_back_as_its_title():
    """Subjects are folded by hand (``mail.subject``): ASCII at its spaces, anything else as
    RFC 2047 words of whole characters; every reader gets the title back, lines within 76."""
    from email import message_from_bytes, policy

    server = mail.Server("127.0.0.1", 25, "none", "patrol@example.com")
    titles = ["t", "x" * 67, "Warning: check-00001 on web-01 / Frankfurt DC2 nears its "
              "rectification deadline", "警告：web-01 / 杭州数据中心 的 check-00001 即将超过"
              "整改期限", "é", "😀" * 40, "a😀" * 30, "mixed ascii and 中文 " * 8, "中 文 " * 30]
    for title in titles:
        title = " ".join(title.split())
        data = mail.message(server, mail.Mail("a@example.com", title, "body"))
        assert str(message_from_bytes(data, policy=policy.default)["Subject"]) == title
        head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
        folded = head.split("Subject: ", 1)[1].split("\r\nDate: ", 1)[0].split("\r\n")
        assert all(len(line) <= 76 for line in ["Subject: " + folded[0], *folded[1:]]), title


def test_an_address_ending_in_a_line_break_fails_alone_and_spoils_no_other_message():
    """An owner field is estate text: "x@example.com\\n" must fail as what it is, and the
    messages after it on the same connection must still go (no half-open transaction)."""
    with smtp_server() as box:
        server = mail.Server("127.0.0.1", box.port, "none", "patrol@example.com")
        reasons = mail.send_batch(server, [mail.Mail("evil@example.com\n", "t", "b"),
                                           mail.Mail("victim@example.com", "t", "b"),
                                           mail.Mail("third@example.com", "t", "b")],
                                  connections=1)
        assert reasons[0] is not None and "not an email address" in reasons[0]
        assert reasons[1:] == [None, None]
        assert [tos for tos, _ in box.messages] == [["victim@example.com"],
                                                    ["third@example.com"]]



def test_the_greeting_names_this_end_without_asking_dns(monkeypatch):
    """A reverse lookup per connection (smtplib's getfqdn) would stall a delivery on a runner
    whose DNS does not answer: the EHLO name is the host's own name when fully qualified,
    else the connection's address as an address literal."""
    import socket

    def no_dns(*_a: object) -> str:
        raise AssertionError("a DNS lookup for the EHLO name")

    monkeypatch.setattr(socket, "getfqdn", no_dns)
    monkeypatch.setattr(socket, "gethostbyaddr", no_dns)
    with smtp_server() as box:
        server = mail.Server("127.0.0.1", box.port, "none", "patrol@example.com")
        monkeypatch.setattr(socket, "gethostname", lambda: "runner7")
        assert mail.send_batch(server, [mail.Mail("a@example.com", "t", "b")]) == [None]
        monkeypatch.setattr(socket, "gethostname", lambda: "ci-7.ops.example.com")
        assert mail.send_batch(server, [mail.Mail("b@example.com", "t", "b")]) == [None]
        monkeypatch.setattr(socket, "gethostname", lambda: "bad name.example.com")
        assert mail.send_batch(server, [mail.Mail("c@example.com", "t", "b")]) == [None]
        assert box.names == ["[127.0.0.1]", "ci-7.ops.example.com", "[127.0.0.1]"]
        assert len(box.messages) == 3


def test_an_ipv6_connection_names_itself_as_an_ipv6_literal(monkeypatch):
    import socket

    monkeypatch.setattr(socket, "gethostname", lambda: "runner7")
    with socket.socket(socket.AF_INET6) as sock:
        try:
            sock.bind(("::1", 0))
        except OSError:
            pytest.skip("no IPv6 loopback on this machine")
        assert mail.ehlo_name(sock) == "[IPv6:::1]"


@pytest.mark.parametrize("name", ["ci.example.com.", ".example.com", "a..b", "-x.example",
                                  "x-.example", "10.0.0.5", "bad name.example.com", "runner7"])
def test_a_host_name_rfc_5321_does_not_allow_is_not_sent(monkeypatch, name):
    import socket

    monkeypatch.setattr(socket, "gethostname", lambda: name)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        assert mail.ehlo_name(sock) == "[127.0.0.1]"
    monkeypatch.setattr(socket, "gethostname", lambda: "ci-7.ops.example.com")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        assert mail.ehlo_name(sock) == "ci-7.ops.example.com"
