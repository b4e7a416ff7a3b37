"""Delivery: through Apprise for chat systems and webhooks (the one module that imports it,
the ``notify`` extra), through ``mail`` (the standard library's SMTP client) for email.

Why Apprise: one maintained library (BSD-2, releases every few weeks) that already speaks
plain JSON/form webhooks and the chat systems customers use — DingTalk, WeCom (企业微信),
Feishu/Lark, Slack, Microsoft Teams (through its Workflows webhooks, ``workflows://``) — each as
one URL, so a new channel is a URL in the vault, not code. Its plugins take a title and a body
and a format; Patrol escapes the body itself (``messages``) for the dialect the URL's scheme
speaks. Email does not go through Apprise: its plugin builds a connection and a TLS context per
message; ``mail`` sends every email owed to one server through one connection (a few for a
large batch).

Secrets: the SMTP server, a channel's URL (its token is in it), the SMTP user and password
come only from ``{env: VAR}`` or ``!vault`` and live only in this module's memory: never in a
record, a log line or an error. A failure's reason is Apprise's warning (or the SMTP client's)
with every secret (and every part of a URL) masked. Plain SMTP (``security: none``) is refused
unless the server is a loopback address.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from ..errors import Exit, PatrolError
from . import mail

APPRISE_MISSING = ("delivering notifications needs Apprise, which this install of Patrol "
                   "lacks: pip install 'patrol-gitops[notify]'")
MASK = "***"


def require_apprise(find: Any = None) -> None:
    """Refuse (exit 3) before the lock and the estate when this install has no Apprise."""
    if find is None:
        from importlib.util import find_spec as find
    if find("apprise") is None:
        raise PatrolError(APPRISE_MISSING, exit_code=Exit.ENVIRONMENT)


class Undeliverable(Exception):
    """A recipient this machine cannot reach now; the message stays owed (the reason is
    recorded, and names no secret)."""


def secret_value(secret: Any, env: Mapping[str, str]) -> str | None:
    """An ``{env: VAR}``'s value, or a ``!vault`` value decrypted with the vault password
    (``ANSIBLE_VAULT_PASSWORD_FILE``, read by Ansible's vault library, as the plays do)."""
    if secret is None:
        return None
    name = getattr(secret, "env", None)
    if name is not None:
        return env.get(name) or None
    password_file = env.get("ANSIBLE_VAULT_PASSWORD_FILE")
    if not password_file:
        raise Undeliverable("a !vault value needs ANSIBLE_VAULT_PASSWORD_FILE")
    try:
        from ansible.parsing.vault import VaultLib, VaultSecret
    except ImportError:
        raise Undeliverable("a !vault value needs Ansible's vault: pip install "
                            "'patrol-gitops[ansible]'") from None
    try:
        password = Path(password_file).expanduser().read_bytes().strip()
        plain = VaultLib([("default", VaultSecret(password))]).decrypt(secret.ciphertext)
    except Exception:
        raise Undeliverable("a !vault value does not decrypt with the vault password") from None
    return plain.decode().strip()


def configured(secret: Any, env: Mapping[str, str]) -> bool:
    """Whether a transport is set up here: a set ``{env: VAR}`` or any ``!vault`` value."""
    if secret is None:
        return False
    name = getattr(secret, "env", None)
    return bool(env.get(name)) if name is not None else True


def reachable(policy: Any, to: str, env: Mapping[str, str]) -> bool:
    """Whether ``to`` has a transport configured on this machine (unset: nothing is owed)."""
    kind, _, name = to.partition(":")
    if kind == "email":
        return policy.email is not None and configured(policy.email.server, env)
    channel = policy.channels.get(name)
    return channel is not None and configured(channel.url, env)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


_HOSTPORT = re.compile(r"^(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$")


def email_server(email: Any, env: Mapping[str, str]) -> tuple[mail.Server, list[str]]:
    """The policy's SMTP server, and the secrets in it (to mask)."""
    server = secret_value(email.server, env)
    if not server:
        raise Undeliverable(f"the SMTP server is not set ({_name(email.server)})")
    match = _HOSTPORT.match(server.strip())
    if not match:
        raise Undeliverable(f"the SMTP server ({_name(email.server)}) is not host:port")
    host, port = match[1], int(match[2])
    if email.security == "none" and not _loopback(host):
        raise Undeliverable("plain SMTP (security: none) is only allowed to a loopback "
                            "address; use starttls or tls")
    user = secret_value(email.user, env)
    password = secret_value(email.password, env)
    return (mail.Server(host, port, email.security, email.sender, user, password),
            [s for s in (server, host, user, password) if s])


def _name(secret: Any) -> str:
    name = getattr(secret, "env", None)
    return f"env {name}" if name else "!vault"


CHAT_SLACK = ("slack",)
CHAT_TEAMS = ("workflow", "workflows")  # Microsoft Teams through its Workflows webhooks
TEXT_SCHEMES = ("mailto", "mailtos")


def dialect_of(url: str) -> str:
    """How a channel's body is escaped: plain text for email, Slack's entities for Slack,
    word joiners for Teams' cards, Markdown for every other chat system and webhook."""
    scheme = url.split("://", 1)[0].lower()
    if scheme in TEXT_SCHEMES:
        return "text"
    if scheme in CHAT_SLACK or "hooks.slack.com" in url:
        return "slack"
    if scheme in CHAT_TEAMS:
        return "teams"
    return "markdown"


@dataclass(frozen=True)
class Target:
    """Where one message goes: a chat or webhook URL for Apprise, or (``smtp`` set) an
    address through an SMTP server; ``secrets`` are masked in every reason."""

    url: str
    dialect: str
    secrets: tuple[str, ...]
    smtp: mail.Server | None = None


def target(policy: Any, to: str, env: Mapping[str, str]) -> Target:
    """Where ``to`` (``email:ADDRESS`` or ``channel:NAME``) is reached; Undeliverable when it
    cannot be now."""
    kind, _, name = to.partition(":")
    if kind == "email":
        if policy.email is None:
            raise Undeliverable("no email: section in policies/notifications.yaml")
        server, secrets = email_server(policy.email, env)
        return Target(name, "text", tuple(secrets), server)
    channel = policy.channels.get(name)
    if channel is None:
        raise Undeliverable(f"channel {name!r} is no longer in policies/notifications.yaml")
    url = secret_value(channel.url, env)
    if not url:
        raise Undeliverable(f"channel {name!r} has no URL here ({_name(channel.url)})")
    return Target(url, dialect_of(url), (url,))


def mask(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret, and every part of a secret URL, replaced by ``***``."""
    parts: set[str] = set()
    for s in secrets:
        parts.add(s)
        parts.add(quote(s, safe=""))
        split = urlsplit(s) if "://" in s else None
        if split is not None:
            parts.update(p for p in re.split(r"[/:@?&=#]+", s.split("://", 1)[1])
                         if len(p) >= 3)
    for p in sorted(parts, key=len, reverse=True):
        text = text.replace(p, MASK)
    return text


_REASONS: ContextVar[list[str] | None] = ContextVar("patrol_notify_reasons", default=None)


class _Capture(logging.Handler):
    """Apprise's warnings, kept for the message being sent: Apprise runs each send in a
    worker thread with the caller's context, so a context variable says whose they are."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        lines = _REASONS.get()
        if lines is not None:
            lines.append(record.getMessage())


_CAPTURE = _Capture()


def _quiet_apprise() -> None:
    """Apprise's log lines may carry a URL: they go nowhere but to the capture (once)."""
    log = logging.getLogger("apprise")
    if _CAPTURE not in log.handlers:
        log.addHandler(_CAPTURE)
        log.propagate = False
        log.setLevel(logging.WARNING)


FORMATS = {"text": "text", "markdown": "markdown", "slack": "markdown", "teams": "markdown"}
WORKERS = 8  # tasks in flight at once: each is mostly waiting on a server


def send(t: Target, title: str, body: str, timeout: float = 10.0) -> str | None:
    """Send one message; None when delivered, else the reason (secrets masked)."""
    if t.smtp is not None:
        return send_mail(t.smtp, [(t, title, body)], timeout)[0]
    import apprise

    _quiet_apprise()
    lines: list[str] = []
    token = _REASONS.set(lines)
    try:
        app = apprise.Apprise(asset=apprise.AppriseAsset(async_mode=False))
        if not app.add(t.url):
            return "the channel's URL is not one Apprise knows (check its scheme)"
        for server in app:
            for attr in ("socket_connect_timeout", "socket_read_timeout"):
                if hasattr(server, attr):
                    setattr(server, attr, timeout)
        ok = app.notify(title=title, body=body, body_format=FORMATS[t.dialect])
    except Exception as exc:  # a plugin's bug must not cost the record of what was sent
        return mask(f"{type(exc).__name__}: {exc}", t.secrets)[:300]
    finally:
        _REASONS.reset(token)
    if ok:
        return None
    reason = "; ".join(dict.fromkeys(lines)) or "the channel refused the message"
    return mask(reason, t.secrets)[:300]


def send_mail(server: mail.Server, jobs: list[tuple[Target, str, str]],
              timeout: float = 10.0) -> list[str | None]:
    """Every email to one SMTP server through one connection (a few for a large batch,
    ``mail.send_batch``); the reasons in job order."""
    try:
        reasons = mail.send_batch(server, [mail.Mail(t.url, title, body)
                                           for t, title, body in jobs], timeout)
    except Exception as exc:  # a bug must not cost the record of what was sent
        reasons = [f"{type(exc).__name__}: {exc}"] * len(jobs)
    return [None if r is None else mask(r, t.secrets)[:300]
            for (t, _, _), r in zip(jobs, reasons, strict=True)]


def send_all(jobs: list[tuple[Target, str, str]],
             send_one: Any = None) -> list[str | None]:
    """Send each (target, title, body), ``WORKERS`` tasks at a time: the emails to one SMTP
    server are one task (``mail.send_batch``), each chat or webhook message another; the reasons
    in job order. ``send_one`` (tests) sends each job alone."""
    if send_one is not None:
        tasks = [([i], lambda job=job: [send_one(*job)]) for i, job in enumerate(jobs)]
    else:
        by_server: dict[mail.Server, list[int]] = {}
        tasks = []
        for i, job in enumerate(jobs):
            if job[0].smtp is not None:
                by_server.setdefault(job[0].smtp, []).append(i)
            else:
                tasks.append(([i], lambda job=job: [send(*job)]))
        for server, idx in by_server.items():
            tasks.append((idx, lambda s=server, idx=idx: send_mail(s, [jobs[i] for i in idx])))
    out: list[str | None] = [None] * len(jobs)
    if len(tasks) <= 1:  # one SMTP server: no thread pool (nor its import)
        results = [fn() for _, fn in tasks]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            results = list(pool.map(lambda task: task[1](), tasks))
    for (idx, _), reasons in zip(tasks, results, strict=True):
        for i, reason in zip(idx, reasons, strict=True):
            out[i] = reason
    return out


def environment() -> dict[str, str]:
    """The environment a delivery reads its secrets from (read once at the boundary)."""
    return dict(os.environ)
