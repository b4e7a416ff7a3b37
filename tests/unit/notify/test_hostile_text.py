"""A hostile finding reason (mentions, Slack controls, a Markdown link, HTML, control
characters) reaches each channel inert: through a real SMTP server and a real webhook on
loopback, and through Apprise's DingTalk, WeCom, Feishu/Lark and Slack plugins with the HTTP
post captured (those services cannot be reached from a test)."""

from __future__ import annotations

import json
import re
from typing import Any
from unittest import mock

import pytest

from runner.notify import deliver
from runner.notify.messages import render
from tests.unit.notify.servers import smtp_server, text_of, webhook_server

HOSTILE = ("disk full @all <!channel> <@U123> [click](http://evil.example) <b>bold</b> "
           "**loud** `code` <at>everyone</at>\x1b[31m red\x07\r\nSubject: forged")
ENTRY = {"key": "finding.warned:web-01/disk-space:2026-11-20T06:00:00Z",
         "event": "finding.warned", "site": "hz-dc1", "owner": "ops@example.com",
         "facts": {"finding": "web-01/disk-space", "host": "web-01", "check": "disk-space",
                   "reason": HOSTILE, "since": "2026-11-20T06:00:00Z",
                   "due": "2026-11-21T06:00:00Z"}}


def assert_inert(text: str, markup: bool | str = True) -> None:
    """No live mention, no followable link, no control character, no forged header; with
    ``markup`` (chat channels) no Markdown link, HTML tag or Slack control either."""
    assert re.search(r"(?<![\w.])@(all|U123|everyone)", text) is None  # no live mention
    assert "http://evil" not in text
    for live in ("\x1b", "\x07", "\nSubject: forged", "\r\nSubject"):
        assert live not in text, live
    if markup == "slack":  # Slack links only as <url|text>; [text](url) is no link there
        assert "<http" not in text
    elif markup:
        assert re.search(r"(?<!\\)\]\(", text) is None  # a Markdown link
        for live in ("<!channel>", "<@U123>", "<b>", "<at>"):
            assert live not in text, live


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("dialect", ["text", "markdown", "slack", "teams"])
def test_rendered_messages_carry_the_reason_inert(dialect, lang):
    title, body = render(ENTRY, lang, dialect, {})
    assert_inert(title + body, markup=dialect != "text")
    assert "disk full" in body and "web-01" in title


def test_email_through_a_real_smtp_server_is_plain_and_inert():
    with smtp_server() as box:
        policy = mock.Mock(email=mock.Mock(server=mock.Mock(env="S"), sender="p@example.com",
                                           security="none", user=None, password=None))
        t = deliver.target(policy, "email:zhang.min@example.com", {"S": box.address})
        title, body = render(ENTRY, "zh-CN", t.dialect, {})
        assert deliver.send(t, title, body) is None
        (tos, message), = box.messages
        assert tos == ["zhang.min@example.com"]
        assert message.get_content_type() == "text/plain"
        assert len(message.get_all("Subject")) == 1  # no header forged from the reason
        subject, text = text_of(message)
        assert_inert(subject + text, markup=False)
        assert "disk full" in text


def test_a_json_webhook_on_loopback_receives_the_reason_inert():
    with webhook_server() as hook:
        t = deliver.Target(hook.url, deliver.dialect_of(hook.url), (hook.url,))
        title, body = render(ENTRY, "en", t.dialect, {})
        assert deliver.send(t, title, body) is None
        (payload,) = hook.bodies
        assert_inert(json.dumps(payload, ensure_ascii=False).replace("\\n", "\n"))
        assert "disk full" in payload["message"]


CHATS = {"dingtalk": "dingtalk://abcdef0123456789abcdef/",
         "wecombot": "wecombot://botkey123456/",
         "feishu": "feishu://abcdef0123456789/",
         "lark": "lark://abcdef0123456789/",
         "slack": "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/"}


@pytest.mark.parametrize("name", sorted(CHATS))
def test_chat_channels_receive_the_reason_inert(name):
    sent: list[Any] = []

    def post(*args: Any, data: Any = None, **kw: Any) -> Any:
        sent.append(data.decode() if isinstance(data, bytes) else str(data))
        reply = mock.Mock(status_code=200, content=b"ok", text="ok")
        reply.json = lambda: {"ok": True, "errcode": 0, "code": 0}
        return reply

    url = CHATS[name]
    t = deliver.Target(url, deliver.dialect_of(url), (url,))
    title, body = render(ENTRY, "zh-CN", t.dialect, {})
    with mock.patch("requests.post", post), \
            mock.patch("requests.request", post):
        assert deliver.send(t, title, body) is None
    (payload,) = sent
    decoded = json.dumps(json.loads(payload), ensure_ascii=False)
    assert_inert(decoded.replace("\\n", "\n").replace("\\r", "\r"),
                 markup="slack" if name == "slack" else True)
    assert "disk full" in decoded
    assert '"isAtAll": true' not in decoded


def test_a_failure_reason_names_no_secret():
    url = "json://127.0.0.1:9/hook-s3cr3t-token"  # the discard port: nothing answers
    t = deliver.Target(url, "markdown", (url,))
    reason = deliver.send(t, "t", "b", timeout=2.0)
    assert reason is not None and "s3cr3t" not in reason and "127.0.0.1:9" not in reason


def test_plain_smtp_is_refused_to_a_remote_server():
    policy = mock.Mock(email=mock.Mock(server=mock.Mock(env="S"), sender="p@example.com",
                                       security="none", user=None, password=None))
    with pytest.raises(deliver.Undeliverable, match="loopback"):
        deliver.target(policy, "email:a@example.com", {"S": "mail.example.com:25"})


def test_teams_through_a_real_https_webhook_on_loopback_receives_the_reason_inert(
        monkeypatch):
    """Microsoft Teams takes messages through its Workflows webhooks (Apprise's
    ``workflows://``; the old Office 365 connectors are retired): an Adaptive Card posted over
    HTTPS, here to a real server on loopback whose certificate the client is told to trust.
    Apprise turns any ``<at>NAME</at>`` in the text into a Teams mention entity: none may
    come from the reason."""
    with webhook_server(tls=True) as hook:
        assert hook.ca is not None
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", hook.ca)  # verified TLS, not verify=no
        url = f"workflows://127.0.0.1:{hook.port}/wf-0123abcd/s1gnature-t0ken/?image=no"
        t = deliver.Target(url, deliver.dialect_of(url), (url,))
        title, body = render(ENTRY, "zh-CN", t.dialect, {})
        assert deliver.send(t, title, body) is None
        (payload,) = hook.bodies
        (path,) = hook.paths
    assert path.startswith("/workflows/wf-0123abcd/triggers/manual/paths/invoke?")
    assert "sig=s1gnature-t0ken" in path
    (card,) = [a["content"] for a in payload["attachments"]]
    assert card["type"] == "AdaptiveCard"
    assert "entities" not in card["msteams"]  # no mention made from estate text
    texts = [b["text"] for b in card["body"] if b["type"] == "TextBlock"]
    assert_inert("\n".join(texts))
    assert "web-01" in texts[0]
    # a reader sees the reason as written: no backslash escape, which Teams shows on some
    # clients; word joiners (invisible) are what break the markup
    assert re.search(r"\\[\\`*_\[\]<>#|~&()]", "".join(texts)) is None
    assert HOSTILE.split("\x1b")[0] in "".join(texts).replace("\u2060", "")
