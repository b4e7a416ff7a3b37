"""`patrol notify --pending`: send what the archive says is owed; `--dry-run`: show it.

Under the run lock, with a valid estate and a verified archive tip: every message owed and
not yet delivered (quiet ones once the site's service hours begin) is sent (email over SMTP,
chat through Apprise), then what was delivered and what failed (with the reason) is one
outbox document and one sealed record, committed (``--push`` pushes it; a push retry
re-commits the same outcome on the new tip, never sends again). With ``--push`` what is sent
is first claimed on the remote: a claim document committed and pushed before anything is
sent, so two clones delivering at once never both send (``claim``). A failure stays owed: the
next delivery retries it. ``findings escalate`` delivers this way after its own commit (after
its own push, with ``--push``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..clock import Clock, iso, utc_now
from ..errors import Exit


def show(items: list[Any], held: list[Any]) -> str:
    """The --dry-run listing: one line per (event, recipient), nothing secret in it."""
    from ..escape import terminal

    lines = []
    for p in items:
        tried = f" (failed {p.attempts}x: {terminal(p.last_reason)})" if p.attempts else ""
        lines.append(f"{terminal(p.key)} -> {terminal(p.to)}{tried}")
    for p in held:
        why = f"claimed by {terminal(p.claimed)}" if p.claimed else "quiet hours"
        lines.append(f"{terminal(p.key)} -> {terminal(p.to)} ({why} until {iso(p.hold)})")
    lines.append(f"{len(items)} message(s) owed now, {len(held)} held by quiet hours or a "
                 "claim")
    return "\n".join(lines) + "\n"


def claim(ctx: Any, opened: Any) -> list[Any]:
    """Claim what is owed now on the shared remote before sending any of it: a claim
    document and its record, committed and pushed. A rejected push (another clone pushed
    first) re-reads the remote's archive on its tip and claims only what is still unclaimed
    (nothing, when the other clone claimed it all): git's push is the compare-and-swap, so two
    clones never both send. Returns what this delivery claimed."""
    from .. import archive
    from ..notify import dispatch, outbox
    from ..run import record_change

    records = opened.reports_root(ctx)
    claim_id = ctx.run_id(opened.started, "claim")
    claimed: list[Any] = []

    def attempt() -> str:
        now = ctx.now()
        ready, _ = dispatch.due(records, now)
        claimed[:] = ready
        if not ready:
            return ""
        rel = outbox.path_of(claim_id, opened.started)
        outbox.save(records, {rel: archive.dump_json_yaml(
            outbox.claim_document(claim_id, ready, now))})
        own = {"notifications": {"document": rel, "claimed": len(ready)}}
        return record_change(ctx, opened, "claim", "notification", own, [rel],
                             f"notify: {len(ready)} claimed").commit or ""

    if attempt():
        archive.push(records, attempt)
    return claimed


def deliver_in(ctx: Any, opened: Any, send: Callable[..., str | None] | None = None,
               push: bool = False, follows: bool = False, ahead: Ahead | None = None
               ) -> tuple[Any, Callable[[], str | None]]:
    """Deliver what is owed within a held run lock; returns the outcome and the function
    that writes and commits its record (called again on a push retry: same outcome, never
    a second send). With ``push``, what is sent is first claimed on the remote (``claim``).
    ``follows``: the run committed a moment ago (an escalation's change, in the same lock).
    ``ahead``: what that run's commit already knows (``Ahead``).

    While the messages are out, waiting on their servers, what the record and its commit ask
    git and that depends on nothing sent is asked beside them: the record's ``begin`` (the
    estate commit it names, one ``git status``), the Git directory and the committer
    (``history.prepare_commit``), kept for this delivery's commit only. A delivery ``ahead``
    asks none of it: it names the estate its run was made from (the same loaded estate routed
    and rendered its messages), and the run lock's memory of git's answers (``lock_and_load``)
    serves its commit."""
    from .. import archive
    from ..archive import history
    from ..notify import dispatch, outbox
    from ..notify.deliver import environment
    from ..run import begin, record_change

    records = opened.reports_root(ctx)
    items = claim(ctx, opened) if push else None
    delivery_id = ctx.run_id(opened.started, "notify")
    early: list[Callable[[], Any]] = []  # what gives the ``Begun`` to record with
    known: dict[tuple[str, str], Any] = {}

    def prepare() -> Any:
        with history.remembering(known):
            history.prepare_commit(records)
            return begin(ctx, "notify", opened.started)

    def sending() -> None:  # one thread beside the sending, gone once it has answered
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=1)
        early.append(pool.submit(prepare).result)
        pool.shutdown(wait=False)

    if ahead is None:
        result = dispatch.deliver(records, opened.estate, ctx.now, environment(), send, items,
                                  sending=sending)
    else:
        result = dispatch.deliver(records, opened.estate, ctx.now, environment(), send, items)
        begun = replace(ahead.begun, run_id=ctx.run_id(opened.started, "notify"))
        early.append(lambda: begun)

    def commit() -> str | None:
        begun = early.pop()() if early else None  # the first commit's only: a retry
        doc = result.document(delivery_id)  # on a new tip asks git again
        if doc is None:
            return None
        rel = outbox.path_of(delivery_id, opened.started)
        outbox.save(records, {rel: archive.dump_json_yaml(doc)})
        own = {"notifications": {"document": rel, "delivered": len(result.delivered),
                                 "failed": len(result.failed)}}
        summary = (f"notify: {len(result.delivered)} delivered"
                   + (f", {len(result.failed)} failed" if result.failed else ""))
        with (contextlib.nullcontext() if ahead is not None else  # the run's own memory
              history.remembering(known if begun is not None else {})):
            return record_change(ctx, opened, "notify", "notification", own, [rel],
                                 summary, begun=begun, follows=follows).commit

    return result, commit


@dataclass(frozen=True)
class Ahead:
    """What a delivery that follows its run's commit in the same lock takes from that run:
    its ``Begun`` (the estate it was made from, the same loaded estate that routes and renders
    the messages)."""

    begun: Any


def run(root: Path, dry_run: bool = False, push: bool = False, clock: Clock | None = None,
        send: Callable[..., str | None] | None = None, quiet_when_idle: bool = False) -> int:
    """Send (or with ``dry_run`` list) every message owed; exit 1 when one failed."""
    from .. import archive
    from ..notify import dispatch
    from ..notify.deliver import require_apprise
    from ..run import RunContext, lock_and_load

    if not dry_run and send is None:
        require_apprise()
    ctx = RunContext.here(root, clock=clock or utc_now)
    intent = archive.Intent(writes=not dry_run, commits=not dry_run, push=push and not dry_run)
    with lock_and_load(ctx, intent, reaches_hosts=False) as opened:
        records = opened.reports_root(ctx)
        if dry_run:
            ready, held = dispatch.due(records, ctx.now())
            print(show(ready, held), end="")
            return int(Exit.OK)
        result, commit = deliver_in(ctx, opened, send, push=push)
        sha = commit()
        if sha and push:
            sha = archive.push(records, lambda: commit() or "")
    return report(result, sha, quiet_when_idle)


def report(result: Any, sha: str | None, quiet_when_idle: bool = False) -> int:
    """What a delivery did, one line each; ``quiet_when_idle``: nothing when nothing was
    owed (after an escalation). Exit 1 when a message failed."""
    from ..escape import terminal

    if quiet_when_idle and not (result.delivered or result.failed or result.held):
        return int(Exit.OK)
    for p, _at in result.delivered:
        print(f"delivered {terminal(p.key)} -> {terminal(p.to)}")
    for p, _at, why in result.failed:
        print(f"failed {terminal(p.key)} -> {terminal(p.to)}: {terminal(why)}")
    if sha:
        print(f"commit {sha}")
    print(f"{len(result.delivered)} delivered, {len(result.failed)} failed, "
          f"{len(result.held)} held by quiet hours")
    return int(Exit.FAILED if result.failed else Exit.OK)
