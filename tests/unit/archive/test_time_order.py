"""Time order is part of the chain: a record dated before the record it follows, or after the
commit that adds it, is a break; a waiver is dated by the mainline commit that brought it in,
never by the date its author chose. On real Git, with records made by the real commit path."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from runner.archive.verify import verify
from runner.report.sources import waiver_history
from tests.conftest import commit_all, git
from tests.unit.archive import test_audit_verify as base
from tests.unit.archive.test_strict_reader import crafted

archive = base.archive  # three chained runs


def texts(root: Path) -> list[str]:
    return [b.text() for b in verify(root).breaks]


def test_records_in_time_order_verify(archive):
    crafted(archive, "20261120T060000Z-seed-000020")
    crafted(archive, "20261121T060000Z-seed-000021", started="2026-11-21T06:00:00Z",
            finished="2026-11-21T06:05:00Z")
    assert texts(archive) == []


def test_a_record_dated_before_its_predecessor_is_a_break(archive):
    crafted(archive, "20261120T060000Z-seed-000020")
    rel = crafted(archive, "20261101T060000Z-seed-000021", started="2026-11-01T06:00:00Z",
                  finished="2026-11-01T06:01:00Z")
    found = texts(archive)
    assert any(rel in b and "before the record it follows" in b for b in found), found


def test_a_run_that_overlapped_its_predecessor_and_was_retried_onto_it_is_in_order(archive):
    """A run started at 06:00 whose push lost to a run started at 06:01 is re-made on top of
    it: it ended after the other began, so the order is possible."""
    crafted(archive, "20261120T060100Z-seed-000020", started="2026-11-20T06:01:00Z",
            finished="2026-11-20T06:03:00Z")
    crafted(archive, "20261120T060000Z-seed-000021", started="2026-11-20T06:00:00Z",
            finished="2026-11-20T06:05:00Z")
    assert texts(archive) == []


def test_a_record_started_after_its_commit_is_a_break(archive):
    rel = crafted(archive, "20261120T060000Z-seed-000020",
                  env={"GIT_COMMITTER_DATE": "2026-11-19T00:00:00Z"})
    found = texts(archive)
    assert any(rel in b and "after the commit that adds it" in b for b in found), found


def test_a_waiver_is_dated_by_the_merge_that_brought_it_not_by_its_author(archive):
    git(archive, "checkout", "-q", "-b", "pr")
    w = archive / "policies/waivers.yaml"
    w.write_text(w.read_text() + "  - id: web-01-disk\n    host: web-01\n"
                 "    check: daily/disk-space\n    reason: migrating\n"
                 "    approved_by: ops@example.com\n    expires: 2027-01-31\n")
    backdated = {**os.environ, "GIT_AUTHOR_DATE": "2026-10-01T00:00:00Z",
                 "GIT_COMMITTER_DATE": "2026-10-01T00:00:00Z"}
    import subprocess

    subprocess.run(["git", "commit", "-qam", "waive web-01 disk"], cwd=archive, env=backdated,
                   check=True)
    git(archive, "checkout", "-q", "main")
    merged = {**os.environ, "GIT_COMMITTER_DATE": "2030-11-25T09:00:00Z",
              "GIT_AUTHOR_DATE": "2030-11-25T09:00:00Z"}
    subprocess.run(["git", "merge", "-q", "--no-ff", "-m", "Merge PR 7", "pr"], cwd=archive,
                   env=merged, check=True)
    versions = waiver_history(archive)
    added = [at for at, ws in versions if any(x.get("id") == "web-01-disk" for x in ws)]
    assert added and added[0] == datetime(2030, 11, 25, 9, 0, tzinfo=UTC), versions


def test_a_mainline_commit_dated_before_the_one_it_follows_takes_that_date(archive):
    commit_all(archive, "an estate change")
    before = datetime.fromtimestamp(int(git(archive, "log", "-1", "--format=%ct")), UTC)
    w = archive / "policies/waivers.yaml"
    w.write_text(w.read_text() + "  - id: web-02-disk\n    host: web-02\n"
                 "    check: daily/disk-space\n    reason: migrating\n"
                 "    approved_by: ops@example.com\n    expires: 2027-01-31\n")
    import subprocess

    subprocess.run(["git", "commit", "-qam", "backdated waiver"], cwd=archive, check=True,
                   env={**os.environ, "GIT_AUTHOR_DATE": "2020-01-01T00:00:00Z",
                        "GIT_COMMITTER_DATE": "2020-01-01T00:00:00Z"})
    at, _ = waiver_history(archive)[-1]
    assert at >= before
