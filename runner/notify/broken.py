"""Telling of a broken archive (``archive.broken``) exactly once, though nothing may be
appended to a broken archive: the owed, claimed and delivered documents go on the notices ref
(``archive.notices``) in the outbox's own shapes, each added by a compare-and-swap push.

The order: read the notices (the remote's, fetched); owe the event's messages not owed yet
and claim every message owed now, in one document; only when that document landed, send what
it claimed; then add the outcome. A clone whose document did not land (another clone's did)
reads again: the messages are owed and claimed already, and it sends nothing. A failure stays
owed: the next run that finds the break (its tip check, or ``patrol audit verify``) retries.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import archive
from ..archive import notices
from . import deliver as boundary
from . import dispatch, events, outbox
from .routes import matches, policy_of, route

ATTEMPTS = 5
UNCOMMITTED = "(uncommitted)"  # the tip check's name for a break in the working tree


def wanted(estate: Any) -> bool:
    """Whether any route names ``archive.broken`` (else a break is not even looked for)."""
    policy = policy_of(estate)
    return policy is not None and any(matches(p, "archive.broken") for r in policy.routes
                                      for p in r.events)


def tell(root: Path, estate: Any, breaks: list[Any], now: Callable[[], datetime],
         env: Mapping[str, str], send: dispatch.Send | None = None
         ) -> dispatch.Delivery | None:
    """Owe, claim and send ``archive.broken`` for ``breaks`` (committed ones: a file edited in
    this checkout only is this checkout's business); None when nobody is to be told."""
    policy = policy_of(estate)
    committed = [b for b in breaks if b.commit != UNCOMMITTED]
    if policy is None or not committed:
        return None
    found = events.archive_broken(committed, estate.sites, now())
    owed = [o for o in route(found, estate) if boundary.reachable(policy, o.to, env)]
    if not owed:
        return None
    where = notices.remote(root)
    notice = f"{now():%Y%m%dT%H%M%SZ}-broken-{secrets.token_hex(3)}"
    for _ in range(ATTEMPTS):
        if where is not None:
            notices.fetch(root, where)
        docs = notices.read(root)
        at = now()
        new = outbox.owed_document(notice, owed, outbox.owed_keys(docs))
        ready = [p for p in outbox.pending([*docs, *([("", new)] if new else [])], at)
                 if p.hold is None or p.hold <= at]
        if new is None and not ready:
            return dispatch.Delivery()
        doc = {**(new or {"id": notice}), **(outbox.claim_document(notice, ready, at)
                                             if ready else {})}
        if notices.add(root, _path(notice, at), archive.dump_json_yaml(doc), where):
            break
    else:
        return None  # others kept moving the notices: the next run that finds the break tells
    result = dispatch.send_items(ready, estate, now, env, send)
    outcome = result.document(notice)
    if outcome is not None:
        for _ in range(ATTEMPTS):
            if notices.add(root, _path(notice + "-outcome", now()),
                           archive.dump_json_yaml(outcome), where):
                break
    return result


def _path(name: str, at: datetime) -> str:
    return f"{at.year:04d}/{archive.safe_file_name(name)}.yaml"
