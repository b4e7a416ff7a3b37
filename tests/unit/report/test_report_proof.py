"""The monthly report's archive section from the tip check's proof: a month the runs already
proved (each run verifies what was committed before it appends) is counted and its signatures
checked, not walked a second time; a month the proof does not cover is verified in full, so a
record edited by hand is still a break."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from runner.archive import tip
from runner.archive import verify as verify_mod
from runner.report import audit
from runner.report.period import Month
from tests.conftest import git
from tests.unit.archive import test_audit_verify as base

NOV = Month(2026, 11)
archive, signed, runs = base.archive, base.signed, base.runs  # the archive tests' fixtures


def test_a_proven_month_is_counted_from_the_proof_not_walked_again(archive, monkeypatch):
    full = audit.verify_month(archive, NOV)  # no proof yet: verified in full
    assert (full.commits, full.records, full.breaks) == (3, 3, [])
    assert tip.check(archive).ok  # what each run's pre-flight does
    runs(archive, 2)  # two more runs in November, each extending the proof as it commits

    def walked(*a, **k):
        raise AssertionError("the proven month was verified again")

    monkeypatch.setattr(verify_mod, "verify", walked)
    proven = audit.verify_month(archive, NOV)
    assert (proven.commits, proven.records, proven.signed, proven.breaks) == (5, 5, 0, [])
    assert audit.build(proven).intact


def test_a_month_the_proof_does_not_cover_is_verified_in_full(archive):
    assert tip.check(archive).ok
    rec = sorted((archive / "reports/runs").rglob("*.yaml"))[-1]
    rec.write_bytes(rec.read_bytes().replace(b"kind: seed", b"kind: sees"))
    env = {"GIT_COMMITTER_DATE": "2026-11-30T12:00:00Z", "GIT_AUTHOR_DATE":
           "2026-11-30T12:00:00Z"}  # a hand commit after the proven one, dated in the month
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        git(archive, "commit", "-q", "-am", "tidy a record")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    found = audit.verify_month(archive, NOV)
    assert any(b.path.endswith(rec.name) and "append-only" in b.message for b in found.breaks)
    assert not audit.build(found).intact


@pytest.mark.parametrize("forged", ["HEAD~1", "unrelated"])
def test_a_proof_for_another_line_proves_nothing(archive, forged):
    """A cached commit the month's end is not on (an older one, or one of another history)
    leaves the month to the full walk."""
    rec = sorted((archive / "reports/runs").rglob("*.yaml"))[-1]
    rec.write_bytes(rec.read_bytes() + b"# edited\n")
    saved = dict(os.environ)
    os.environ.update({"GIT_COMMITTER_DATE": "2026-11-30T12:00:00Z",
                       "GIT_AUTHOR_DATE": "2026-11-30T12:00:00Z"})
    try:
        git(archive, "commit", "-q", "-am", "tidy a record")
        if forged == "unrelated":
            tree = git(archive, "write-tree")
            other = git(archive, "commit-tree", tree, "-m", "another history")
        else:
            other = git(archive, "rev-parse", "HEAD~1")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    tip.remember(archive, other, tip.Tip())
    found = audit.verify_month(archive, NOV)
    assert any(b.path.endswith(rec.name) for b in found.breaks)


def test_a_proven_month_still_checks_its_signatures(signed, monkeypatch):
    """``signed`` means checked now: two signed runs, the proof, a third run signed by
    Patrol's key counts three; a fourth signed by a stranger's key (committed past the
    pre-flight, so the proof advanced over it) sends the month to the full walk, which names
    it."""
    root, patrol_key, stranger = signed
    assert tip.check(root).ok
    runs(root, 1, sign=str(patrol_key))
    real = verify_mod.verify
    walked = []
    monkeypatch.setattr(verify_mod, "verify", lambda *a, **k: walked.append(1) or real(*a, **k))
    proven = audit.verify_month(root, NOV)
    assert (proven.commits, proven.signed, proven.breaks, walked) == (3, 3, [], [])
    sha = runs(root, 1, sign=str(stranger))[0]
    found = audit.verify_month(root, NOV)
    assert walked == [1]
    assert any(b.commit == sha and "not in policies/allowed_signers" in b.message
               for b in found.breaks), found.breaks


def test_the_archive_section_says_since_when_signatures_are_required(signed):
    """Planted: the commit that lists Patrol's key and turns the requirement on, then signed
    runs in November. The section names that commit and its date, and says the month was
    proven by the runs' own tip check."""
    root, patrol_key, _ = signed
    on = git(root, "log", "--format=%H", "-1", "--", "policies/allowed_signers")
    on_at = git(root, "log", "--format=%cI", "-1", on)
    assert tip.check(root).ok
    runs(root, 1, sign=str(patrol_key))
    a = audit.month_audit(root, NOV)
    assert a.required is not None and a.required.required and a.required.commit == on
    assert a.required.at.isoformat() == datetime.fromisoformat(on_at).astimezone(UTC).isoformat()
    assert a.proven_by_runs and (a.commits, a.signed) == (3, 3)
    assert a.first is not None and a.last is not None and a.first <= a.last
    unsigned = audit.month_audit(base_archive_for(root), NOV)
    assert unsigned.required is None and not unsigned.changes


def base_archive_for(signed_root):
    """An archive beside ``signed_root`` whose policy never required signatures."""
    from tests.conftest import commit_all, copy_estate

    root = copy_estate(signed_root.parent / "unsigned")
    commit_all(root)
    runs(root, 2)
    return root
