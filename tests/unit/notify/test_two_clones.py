"""Two clones of one archive delivering at the same moment never both send: with --push a
delivery first commits and pushes its claim on what it will send, and only then sends; a
rejected push re-reads the remote's archive and finds the message claimed (or delivered).
Real git clones of one bare remote, a real SMTP server on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from runner.clock import iso
from runner.commands import findings as findings_cmd
from runner.commands import notify as notify_cmd
from runner.notify import outbox
from tests.conftest import git, remote_and_clones
from tests.unit.notify.seed import T0, seeded
from tests.unit.notify.servers import free_port, smtp_server

WARNED = T0 + timedelta(hours=19)  # past 75 % of the day: the finding is warned
ENGINEER = "zhang.min@example.com"  # hz-dc1's resident engineer in the sample sites.yaml


@pytest.fixture
def clones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path, int]:
    """A remote whose archive owes the engineer one warning that nobody could deliver yet
    (the SMTP server was down: one failure recorded), and two clones of it, a and b."""
    bare, a, b = remote_and_clones(seeded(tmp_path / "seed"), tmp_path)
    port = free_port()  # nothing listens yet
    monkeypatch.setenv("PATROL_NOTIFY_SMTP", f"127.0.0.1:{port}")
    assert findings_cmd.escalate(a, None, True, push=True, clock=lambda: WARNED) == 1
    git(b, "pull", "-q", "--ff-only")
    assert git(a, "rev-parse", "HEAD") == git(b, "rev-parse", "HEAD") == git(
        bare, "rev-parse", "main")
    (owed,) = outbox.pending(outbox.read(b))
    assert (owed.to, owed.attempts) == (f"email:{ENGINEER}", 1)
    return bare, a, b, port


def test_a_clone_that_did_not_pull_finds_the_message_claimed_and_sends_nothing(clones):
    bare, a, b, port = clones
    at = WARNED + timedelta(minutes=5)
    with smtp_server(port) as box:
        assert notify_cmd.run(b, push=True, clock=lambda: at) == 0
        assert [tos for tos, _ in box.messages] == [[ENGINEER]]
        # a still reads the old tip, where the message is owed: its claim's push is rejected,
        # it re-reads the remote's archive and sends nothing
        assert outbox.pending(outbox.read(a), at)
        assert notify_cmd.run(a, push=True, clock=lambda: at) == 0
        assert [tos for tos, _ in box.messages] == [[ENGINEER]]
    assert git(a, "rev-parse", "HEAD") == git(bare, "rev-parse", "main")
    assert outbox.pending(outbox.read(a), at) == []


def test_two_clones_delivering_at_once_send_one_message(clones):
    _bare, a, b, port = clones
    env = {**os.environ, "PATROL_NOTIFY_SMTP": f"127.0.0.1:{port}"}
    cli = [str(Path(sys.executable).parent / "patrol"), "notify", "--pending", "--push",
           "--estate"]
    with smtp_server(port) as box:
        runs = [subprocess.Popen([*cli, str(clone)], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for clone in (a, b)]
        outs = [r.communicate(timeout=120) for r in runs]
        assert [r.returncode for r in runs] == [0, 0], outs
        assert [tos for tos, _ in box.messages] == [[ENGINEER]], outs
    git(a, "pull", "-q", "--ff-only")
    docs = outbox.read(a)
    assert [d["to"] for _, doc in docs for d in doc.get("delivered") or []] == [
        f"email:{ENGINEER}"]
    claims = [c["at"] for _, doc in docs for c in doc.get("claimed") or []]
    assert len(claims) == 2 and claims.count(iso(WARNED)) == 1  # the setup's, and one now


def test_a_claim_holds_until_an_outcome_or_until_it_lapses():
    entry = {"key": "finding.warned:x", "event": "finding.warned", "to": ["email:a@example.com"]}
    owed = ("owed", {"id": "owed", "owed": [entry]})
    item = outbox.Pending(entry, "email:a@example.com", None, 0, None)
    claim = ("claim", outbox.claim_document("d1", [item], WARNED))
    (held,) = outbox.pending([owed, claim], WARNED + timedelta(minutes=1))
    assert (held.claimed, held.hold) == ("d1", WARNED + outbox.LEASE)
    (lapsed,) = outbox.pending([owed, claim], WARNED + outbox.LEASE + timedelta(seconds=1))
    assert (lapsed.claimed, lapsed.hold) == (None, None)  # the claimant died: owed again
    failed = ("out", {"id": "d1", "failed": [{"key": entry["key"], "to": item.to,
                                              "at": iso(WARNED + timedelta(minutes=2)),
                                              "reason": "refused"}]})
    (retry,) = outbox.pending([owed, claim, failed], WARNED + timedelta(minutes=3))
    assert (retry.claimed, retry.attempts) == (None, 1)
    done = ("out", {"id": "d1", "delivered": [{"key": entry["key"], "to": item.to,
                                               "at": iso(WARNED)}]})
    assert outbox.pending([owed, claim, done], WARNED + timedelta(minutes=3)) == []
