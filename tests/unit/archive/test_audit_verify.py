"""`patrol audit verify` against each way an archive can be tampered with, on real Git history
built with the real record writer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from runner.archive.verify import verify
from tests.conftest import commit_all, copy_estate, git, patrol_commit

PATROL = str(Path(sys.executable).parent / "patrol")


def patrol(root: Path, *args: str, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([PATROL, *args, "--estate", str(root)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, **(env or {})})


def keypair(where: Path, name: str) -> tuple[Path, str]:
    key = where / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)],
                   check=True)
    return key, (where / f"{name}.pub").read_text().strip()


def runs(root: Path, n: int, sign: str | None = None) -> list[str]:
    """``n`` Patrol commits, each adding a chained record (and a finding file moved by it)."""
    from runner.findings import Finding, State
    from runner.findings import store as findings_store
    from tests.unit.test_findings_cli import T0

    shas = []
    done = len(list((root / "reports/runs").rglob("*.yaml"))) if (root / "reports").exists() else 0
    for i in range(done, done + n):
        f = Finding(f"web-01/check-{i}", "check", "web-01", "daily", f"check-{i}", "high",
                    State.OPEN, T0, T0, f"run-{i}")
        findings_store.save(root, {f.id: f})
        shas.append(patrol_commit(root, run_id=f"202611{i + 1:02d}T060000Z-daily-00000{i}",
                                  sign=sign))
    return shas


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = copy_estate(tmp_path / "estate")
    commit_all(root)
    runs(root, 3)
    return root


def breaks(root: Path, **kw: str) -> list[str]:
    return [b.text() for b in verify(root, **kw).breaks]


def test_an_untouched_archive_verifies(archive):
    r = patrol(archive, "audit", "verify")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "3 record(s)" in r.stdout and "intact" in r.stdout


def test_an_edited_old_record_committed_by_hand_is_named(archive):
    rec = sorted((archive / "reports/runs").rglob("*.yaml"))[0]
    rec.write_text(rec.read_text().replace("kind: seed", "kind: tidy"))
    sha = commit_all(archive, "tidy")
    found = breaks(archive)
    assert any(b.startswith(sha[:12]) and "record modified" in b for b in found), found
    assert any("not a Patrol commit" in b for b in found), found
    r = patrol(archive, "audit", "verify", "--format", "json")
    assert r.returncode == 1 and sha in r.stdout


def test_the_next_run_refuses_an_edited_record_before_doing_anything(archive):
    rec = sorted((archive / "reports/runs").rglob("*.yaml"))[0]
    rec.write_text(rec.read_text().replace("kind: seed", "kind: tidy"))
    head = git(archive, "rev-parse", "HEAD")
    r = patrol(archive, "findings", "escalate")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "reports/runs/" in r.stderr and ("modified" in r.stderr or "edited" in r.stderr)
    assert git(archive, "rev-parse", "HEAD") == head  # nothing committed


def test_a_deleted_middle_record_is_named(archive):
    middle = sorted((archive / "reports/runs").rglob("*.yaml"))[1]
    middle.unlink()
    commit_all(archive, "tidy")
    assert any("record deleted" in b for b in breaks(archive))
    r = patrol(archive, "findings", "escalate")
    assert r.returncode == 1 and "deleted" in r.stderr


def test_two_swapped_records_are_named(archive):
    a, b = sorted((archive / "reports/runs").rglob("*.yaml"))[:2]
    ta, tb = a.read_bytes(), b.read_bytes()
    a.write_bytes(tb)
    b.write_bytes(ta)
    commit_all(archive, "swap")
    found = [x for x in breaks(archive) if "record modified" in x]
    assert len(found) == 2, found


def test_a_run_commit_dropped_by_rebase_breaks_the_links(archive):
    middle = git(archive, "log", "--format=%H", "-n", "2").split()[1]
    git(archive, "rebase", "-q", "--onto", f"{middle}^", middle)
    found = breaks(archive)
    assert any("previous names" in b for b in found), found


def test_a_finding_tidied_by_hand_is_named(archive):
    f = archive / "reports/findings/web-01/check-0.yaml"
    f.write_text(f.read_text().replace("state: open", "state: closed"))
    commit_all(archive, "tidy")
    found = breaks(archive)
    assert any("findings/web-01/check-0.yaml" in b and "not a Patrol commit" in b
               for b in found), found


def test_a_finding_changed_inside_a_patrol_commit_without_its_record_is_named(archive):
    f = archive / "reports/findings/web-01/check-0.yaml"
    f.write_text(f.read_text().replace("state: open", "state: closed"))
    from datetime import datetime

    from runner import archive as arc
    from runner.archive.records import findings_record
    from runner.run import commit, write_record

    body = findings_record(run_id="20261110T000000Z-x-000000", kind="escalate",
                           header={"estate": {"commit": git(archive, "rev-parse", "HEAD")}},
                           previous=arc.latest_record(archive), findings=[])
    rel, digest = write_record(archive, "20261110T000000Z-x-000000", datetime(2026, 11, 10),
                               body)
    commit(archive, [rel, "reports/findings/web-01/check-0.yaml"], "x",
           "20261110T000000Z-x-000000", estate=git(archive, "rev-parse", "HEAD"),
           record=(rel, digest))
    assert any("finding changed without a record naming it" in b for b in breaks(archive))


def test_filter_branch_of_one_record_is_named(archive):
    rec = sorted((archive / "reports/runs").rglob("*.yaml"))[0].relative_to(archive)
    env_filter = f"sed -i 's/kind: seed/kind: edited/' {rec} 2>/dev/null || true"
    subprocess.run(["git", "filter-branch", "-f", "--tree-filter", env_filter, "HEAD"],
                   cwd=archive, capture_output=True, check=True,
                   env={"FILTER_BRANCH_SQUELCH_WARNING": "1", "PATH": "/usr/bin:/bin"})
    found = breaks(archive)
    assert any("seal does not match" in b for b in found), found


def test_a_rewritten_history_is_named_against_the_verified_commit(archive):
    verified = git(archive, "rev-parse", "HEAD")
    git(archive, "commit", "-q", "--amend", "-m", "amended")
    found = breaks(archive, since=verified)
    assert any("rewritten" in b for b in found), found


# -- signatures ------------------------------------------------------------------------------


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, Path, Path]:
    """An estate whose policy requires signatures, Patrol's key listed; and a stranger's key."""
    root = copy_estate(tmp_path / "estate")
    patrol_key, patrol_pub = keypair(tmp_path, "patrol")
    stranger, _ = keypair(tmp_path, "stranger")
    (root / "policies/allowed_signers").write_text(f"patrol@example.com {patrol_pub}\n")
    with (root / "policies/service.yaml").open("a") as fh:
        fh.write("archive:\n  require_signatures: true\n")
    commit_all(root)
    runs(root, 2, sign=str(patrol_key))
    return root, patrol_key, stranger


def test_signed_runs_verify(signed):
    root, _, _ = signed
    result = verify(root)
    assert result.ok, [b.text() for b in result.breaks]
    assert result.signed == 2


def test_a_forged_well_sealed_record_from_an_unlisted_key_is_named(signed):
    root, _, stranger = signed
    sha = runs(root, 1, sign=str(stranger))[0]  # perfect seal, link and trailers
    found = breaks(root)
    assert any(b.startswith(sha[:12]) and "not in policies/allowed_signers" in b
               for b in found), found


def test_a_key_added_in_the_same_commit_does_not_count(signed):
    root, _, stranger = signed
    pub = Path(f"{stranger}.pub").read_text().strip()
    with (root / "policies/allowed_signers").open("a") as fh:
        fh.write(f"me@example.com {pub}\n")
    git(root, "add", "policies/allowed_signers")  # lands in the same commit as the record
    from runner.findings import Finding, State
    from runner.findings import store as findings_store
    from tests.unit.test_findings_cli import T0

    f = Finding("web-01/x", "check", "web-01", "daily", "x", "high", State.OPEN, T0, T0,
                "r")
    findings_store.save(root, {f.id: f})
    rel_sha = patrol_commit(root, run_id="20261109T060000Z-daily-000009", sign=str(stranger),
                            extra=["policies/allowed_signers"])
    assert git(root, "show", "--stat", "--format=", rel_sha).count("allowed_signers") == 1
    assert any(b.startswith(rel_sha[:12]) and "not in policies/allowed_signers" in b
               for b in breaks(root))


def test_an_amended_resealed_newest_record_is_named(signed):
    root, _, _ = signed
    newest = sorted((root / "reports/runs").rglob("*.yaml"))[-1]
    from runner import archive as arc

    body = newest.read_bytes().rsplit(b"sha256: ", 1)[0].replace(b"kind: seed", b"kind: edit")
    newest.write_bytes(arc.seal(body)[0])
    git(root, "commit", "-q", "-a", "--amend", "--no-edit")  # same trailers, resealed record
    found = breaks(root)
    assert any("not signed" in b for b in found), found


def test_a_run_without_a_key_is_refused_when_signatures_are_required(signed):
    root, _, _ = signed
    head = git(root, "rev-parse", "HEAD")
    r = patrol(root, "findings", "escalate",
               env={"PATROL_SIGNING_KEY": ""})
    assert r.returncode == 1 and "requires signed records" in r.stderr, r.stderr
    assert git(root, "rev-parse", "HEAD") == head


def test_escalate_commits_a_signed_record_that_verifies(signed, tmp_path):
    root, key, _ = signed
    from datetime import timedelta

    from runner.findings import Finding, State
    from runner.findings import store as findings_store
    from tests.unit.test_findings_cli import T0

    f = Finding("web-01/late", "check", "web-01", "daily", "late", "high", State.OPEN,
                T0, T0 + timedelta(hours=4), "r")
    findings_store.save(root, {f.id: f})
    patrol_commit(root, run_id="20261108T060000Z-daily-000008", sign=str(key))
    r = patrol(root, "findings", "escalate",
               env={"PATROL_SIGNING_KEY": str(key)})
    assert r.returncode == 0, r.stderr
    trailers = git(root, "log", "-1", "--format=%(trailers:only=true)")
    assert "Patrol-Record: sha256:" in trailers and "Patrol-Estate: " in trailers
    assert verify(root).ok, [b.text() for b in verify(root).breaks]
    log = patrol(root, "audit", "log", "--format", "text")
    assert "web-01/late: open -> penalised" in log.stdout
    assert git(root, "rev-parse", "--short=12", "HEAD") in log.stdout


# -- the cheap tip check a run makes -----------------------------------------------------------


def test_a_run_verifies_only_the_commits_after_the_last_verified_one(archive):
    from runner.archive import tip

    first = tip.check(archive)  # a fresh clone: from the root, never from a commit's message
    assert first.ok and first.commits == 3
    commit_all(archive, "an estate change")  # touches no reports/
    assert tip.check(archive).commits == 0
    runs(archive, 1)  # Patrol's own commit on a verified parent is verified too
    assert tip.check(archive).commits == 0
    git(archive, "commit", "-q", "--amend", "--no-edit")  # a rewrite: verify it all again
    again = tip.check(archive)
    assert again.commits == 4


def test_an_untracked_foreign_file_under_reports_is_refused(archive):
    (archive / "reports/status").mkdir()
    (archive / "reports/status/ghost.yaml").write_text("host: ghost\n")
    r = patrol(archive, "findings", "escalate")
    assert r.returncode == 1 and "reports/status/ghost.yaml" in r.stderr


# -- the timeline ------------------------------------------------------------------------------


def test_audit_host_tells_a_hosts_story_and_every_line_names_its_commit(archive):
    git(archive, "checkout", "-q", "-b", "pr")
    w = archive / "policies/waivers.yaml"
    w.write_text(w.read_text() + "  - id: web-01-disk\n    host: web-01\n"
                 "    check: daily/disk-space\n    reason: migrating\n"
                 "    approved_by: ops@example.com\n    expires: 2027-01-31\n")
    git(archive, "commit", "-qam", "waive web-01 disk", "--author", "Alice <alice@example.com>")
    waiver_commit = git(archive, "rev-parse", "HEAD")
    h = archive / "inventory/hosts/hz-dc1.yaml"
    h.write_text(h.read_text().replace("serial: CZJ0421A1", "serial: CZJ0421A2", 1))
    git(archive, "commit", "-qam", "web-01 board swapped")
    git(archive, "checkout", "-q", "main")
    git(archive, "merge", "-q", "--no-ff", "-m", "Merge PR 7", "pr")
    merge = git(archive, "rev-parse", "HEAD")
    r = patrol(archive, "audit", "host", "web-01")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()[:-1]
    waiver = [x for x in lines if " waiver " in x]
    assert len(waiver) == 1 and waiver_commit[:12] in waiver[0] and "Alice" in waiver[0]
    assert f"merge {merge[:12]}" in waiver[0] and "added until 2027-01-31" in waiver[0]
    estate = [x for x in lines if " estate " in x and "hardware" in x]
    assert len(estate) == 1 and f"merge {merge[:12]}" in estate[0], lines
    findings = [x for x in lines if " finding " in x]
    assert any("web-01/check-0: new -> open" in x for x in findings), lines
    shas = set(git(archive, "log", "--all", "--format=%h", "--abbrev=12").split())
    for line in lines:
        assert line.split()[1] in shas, line
    md = patrol(archive, "audit", "log", "--host", "web-01", "--format", "markdown")
    assert md.returncode == 0 and md.stdout.startswith("| when | commit |")


def test_without_a_key_a_run_commits_unsigned_and_says_so_once(archive):
    r = patrol(archive, "findings", "escalate", env={"PATROL_SIGNING_KEY": ""})
    assert r.returncode == 0, r.stderr
    assert "commit " in r.stdout
    assert r.stderr.count("committed unsigned") == 1, r.stderr
    assert git(archive, "log", "-1", "--format=%G?") == "N"
    assert verify(archive).ok  # signatures are not required by this estate


def test_an_incident_changed_without_a_record_naming_it_is_named(archive):
    inc = archive / "reports/incidents/2026/INC-2026-0001.yaml"
    inc.parent.mkdir(parents=True)
    inc.write_text("id: INC-2026-0001\nstate: resolved\n")
    patrol_commit(archive, run_id="20261120T060000Z-seed-000009",
                  extra=["reports/incidents/2026/INC-2026-0001.yaml"])
    assert any("INC-2026-0001.yaml: incident changed without a record naming it" in b
               for b in breaks(archive))


def test_audit_log_filters_by_date_and_refuses_a_date_it_cannot_read(archive):
    everything = patrol(archive, "audit", "log", "--format", "json")
    later = patrol(archive, "audit", "log", "--until", "2026-01-01", "--format", "json")
    import json

    assert len(json.loads(later.stdout)["events"]) < len(json.loads(everything.stdout)["events"])
    bad = patrol(archive, "audit", "log", "--since", "yesterday")
    assert bad.returncode == 2 and "expected an ISO date" in bad.stderr
