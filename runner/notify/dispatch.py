"""Owing and delivering: the two halves a run and ``patrol notify`` call.

``owe``: a run's events, routed, kept to recipients this machine has a transport for (an
unset ``PATROL_NOTIFY_SMTP`` owes nothing), as the run's outbox file to write with its
record. ``deliver``: every message still owed (quiet ones once their hold has passed), what
is owed one recipient in one language as one message (``messages.digest``), sent through
``deliver.send`` (a parameter, so the loop is tested without Apprise), and the outcome
document that records each one delivered or failed, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import deliver as boundary
from . import outbox
from .events import Event
from .messages import batches, digest, render
from .routes import policy_of, route


def owe(root: Path, estate: Any, run_id: str, at: datetime, events: list[Event],
        env: Mapping[str, str]) -> dict[str, bytes]:
    """The run's outbox file (path -> bytes); empty when nothing new is owed."""
    policy = policy_of(estate)
    if policy is None or not events:
        return {}
    owed = [o for o in route(events, estate) if boundary.reachable(policy, o.to, env)]
    return outbox.owed_files(root, run_id, at, owed)


@dataclass
class Delivery:
    """What one delivery did (``document`` is None when it sent nothing and nothing
    failed)."""

    delivered: list[tuple[outbox.Pending, datetime]] = field(default_factory=list)
    failed: list[tuple[outbox.Pending, datetime, str]] = field(default_factory=list)
    held: list[outbox.Pending] = field(default_factory=list)

    def document(self, run_id: str) -> dict[str, Any] | None:
        if not self.delivered and not self.failed:
            return None
        return outbox.outcome_document(run_id, self.delivered, self.failed)


Send = Callable[[boundary.Target, str, str], "str | None"]


def due(records: Path, now: datetime) -> tuple[list[outbox.Pending], list[outbox.Pending]]:
    """(messages to send now, messages held by quiet hours or by another delivery's claim)."""
    items = outbox.pending(outbox.read(records), now)
    return ([p for p in items if p.hold is None or p.hold <= now],
            [p for p in items if p.hold is not None and p.hold > now])


def deliver(records: Path, estate: Any, now: Callable[[], datetime], env: Mapping[str, str],
            send: Send | None = None, items: list[outbox.Pending] | None = None,
            sending: Callable[[], None] | None = None) -> Delivery:
    """Send each message owed now (or ``items``, what a claim holds), several at once, each
    outcome stamped when known; ``sending`` is called once, just before anything is sent
    (not when nothing is to be)."""
    ready, held = due(records, now())
    out = send_items(ready if items is None else items, estate, now, env, send, sending)
    out.held = held
    return out


def send_items(items: list[outbox.Pending], estate: Any, now: Callable[[], datetime],
               env: Mapping[str, str], send: Send | None = None,
               sending: Callable[[], None] | None = None) -> Delivery:
    """Render and send ``items``: what was delivered and what failed (with the reason).

    What one delivery owes one recipient in one language goes as one message (``digest``,
    up to its channel's size): fifty warnings reach an engineer as one email, not fifty, and
    a chat robot's rate limit (DingTalk's and WeCom's twenty a minute) is not spent on one
    run. An incident's event always goes alone: it is a page someone answers now, and one
    incident's opening, warning and breach are three messages. Each item's outcome is the
    outcome of the message that carried it."""
    policy = policy_of(estate)
    out = Delivery()
    groups: dict[tuple[str, str, str], list[tuple[outbox.Pending, str, str]]] = {}
    targets: dict[str, boundary.Target | boundary.Undeliverable] = {}
    for p in items:
        if policy is None:
            out.failed.append((p, now(), "policies/notifications.yaml is gone"))
            continue
        if p.to not in targets:  # one recipient, one target (its server's secrets read once)
            try:
                targets[p.to] = boundary.target(policy, p.to, env)
            except boundary.Undeliverable as exc:
                targets[p.to] = exc
        t = targets[p.to]
        if isinstance(t, boundary.Undeliverable):
            out.failed.append((p, now(), str(t)))
            continue
        lang = str(p.entry.get("lang") or "en")
        title, body = render(p.entry, lang, t.dialect, estate.sites)
        alone = p.key if str(p.entry["event"]).startswith("incident.") else ""
        groups.setdefault((p.to, lang, alone), []).append((p, title, body))
    jobs: list[tuple[list[outbox.Pending], boundary.Target, str, str]] = []
    for (to, lang, _), parts in groups.items():
        t = targets[to]
        assert isinstance(t, boundary.Target)
        sizes = [len(title.encode()) + len(body.encode()) + 16 for _, title, body in parts]
        for batch in batches(sizes, t.dialect):
            title, body = digest([parts[i][1:] for i in batch], lang, t.dialect)
            jobs.append(([parts[i][0] for i in batch], t, title, body))
    if jobs and sending is not None:
        sending()
    reasons = boundary.send_all([(t, title, body) for _, t, title, body in jobs], send)
    at = now()
    for (carried, *_), reason in zip(jobs, reasons, strict=True):
        for p in carried:
            if reason is None:
                out.delivered.append((p, at))
            else:
                out.failed.append((p, at, reason))
    out.failed.sort(key=lambda f: (f[0].key, f[0].to))
    return out


def write_owed(root: Path, estate: Any, outbox_id: str, at: datetime,
               events: list[Event]) -> list[str]:
    """``owe`` with this machine's environment, written through the archive's atomic write:
    the paths to commit with the run's record (empty when nothing new is owed)."""
    return outbox.save(root, owe(root, estate, outbox_id, at, events, boundary.environment()))


def owed_for_moves(root: Path, estate: Any, run_id: str, at: datetime, moves: list[Any],
                   findings: dict[str, Any]) -> dict[str, bytes]:
    """The outbox file a findings-only run's moves owe (cadence breached, spares short, end
    of life, a finding warned), to write with its record."""
    from .events import from_transitions

    return owe(root, estate, run_id, at, from_transitions(moves, findings, estate),
               boundary.environment())
