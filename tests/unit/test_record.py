"""Records and status documents from plain results: stable bytes, sealed, chained."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner import archive
from runner.archive.records import run_record, status_doc
from runner.results import HostResult, Result, Status, summarise


def _results(fs_status: Status = Status.PASS) -> dict[str, HostResult]:
    return {
        "web-02": HostResult(
            "web-02", True, {"fs": Result(fs_status, {"/": 91}, "/ 91% used")}
        ),
        "db-01": HostResult("db-01", False, {}, "ssh: connection refused"),
        "web-01": HostResult(
            "web-01",
            True,
            {"sshd": Result(Status.PASS, "no", "ok"), "fs": Result(Status.PASS, 3, "ok")},
        ),
    }


def test_summary_counts_hosts_and_checks():
    s = summarise(_results(Status.FAIL))
    assert s["hosts"] == 3
    assert s["hosts_passing"] == 1
    assert s["hosts_unreachable"] == 1
    assert s["checks"]["fail"] == 1
    assert s["checks"]["pass"] == 2
    assert s["checks"]["unreachable"] == 1


def test_record_orders_hosts_and_checks_regardless_of_input_order():
    body = run_record(run_id="r1", kind="inspect", header={}, results=_results(),
                      summary={}, previous=None)
    assert list(body["hosts"]) == ["db-01", "web-01", "web-02"]
    assert list(body["checks"]) == ["fs", "sshd"]
    reordered = dict(reversed(list(_results().items())))
    body2 = run_record(run_id="r1", kind="inspect", header={}, results=reordered,
                       summary={}, previous=None)
    assert archive.dump_yaml(body) == archive.dump_yaml(body2)


def test_seal_detects_any_changed_byte():
    data, digest = archive.seal(b"kind: inspect\nrun: r1\n")
    assert archive.record_is_intact(data)
    assert archive.record_hash(data) == digest
    tampered = data.replace(b"r1", b"r2")
    assert not archive.record_is_intact(tampered)


def test_status_unchanged_fleet_gives_identical_bytes():
    hr = _results(Status.FAIL)["web-02"]
    first = status_doc(None, "web-02", "daily", "run-1", hr)
    second = status_doc(first, "web-02", "daily", "run-2", hr)
    assert archive.dump_yaml(first) == archive.dump_yaml(second)
    assert second["checks"]["daily/fs"]["since"] == "run-1"
    assert second["checks"]["daily/fs"]["reason"] == "/ 91% used"


def test_status_change_moves_since_and_drops_reason_on_pass():
    failing = status_doc(None, "web-02", "daily", "run-1", _results(Status.FAIL)["web-02"])
    passing = status_doc(failing, "web-02", "daily", "run-2", _results(Status.PASS)["web-02"])
    assert passing["checks"]["daily/fs"] == {"status": "pass", "since": "run-2"}


def test_status_of_unreachable_host_keeps_last_verdicts():
    ok = status_doc(None, "db-01", "daily", "run-1",
                    HostResult("db-01", True, {"fs": Result(Status.PASS, 1, "ok")}))
    down = status_doc(ok, "db-01", "daily", "run-2", HostResult("db-01", False, {}, "refused"))
    assert down["reachable"] is False
    assert down["unreachable_since"] == "run-2"
    assert down["checks"] == ok["checks"]
    still = status_doc(down, "db-01", "daily", "run-3", HostResult("db-01", False, {}, "refused"))
    assert still["unreachable_since"] == "run-2"


def test_status_keeps_other_checklists_results():
    ok = Result(Status.PASS, 1, "")
    daily = status_doc(None, "h", "daily", "r1", HostResult("h", True, {"a": ok}))
    weekly = status_doc(daily, "h", "weekly", "r2", HostResult("h", True, {"b": ok}))
    assert set(weekly["checks"]) == {"daily/a", "weekly/b"}


def _write_record(root: Path, run_id: str, month: int) -> None:
    prev = archive.latest_record(root)
    body = run_record(run_id=run_id, kind="inspect", header={}, results=_results(), summary={},
                      previous=prev)
    data, _ = archive.seal(archive.dump_yaml(body))
    archive.atomic_write(root / archive.record_path(run_id, 2026, month), data)


def test_chain_verifies_and_names_a_rewritten_record(tmp_path):
    for i, month in enumerate([10, 11, 11]):
        _write_record(tmp_path, f"2026{month:02d}0{i + 1}T000000Z-daily-aaaaa{i}", month)
    assert archive.verify_chain(tmp_path) == []
    victim = tmp_path / archive.record_path("20261102T000000Z-daily-aaaaa1", 2026, 11)
    victim.write_bytes(victim.read_bytes().replace(b"web-02", b"web-09"))
    breaks = archive.verify_chain(tmp_path)
    assert next(b.path for b in breaks).endswith("20261102T000000Z-daily-aaaaa1.yaml")
    assert any("previous" in b.message for b in breaks)  # the next record's link is broken too


def test_atomic_write_reports_unchanged_bytes(tmp_path):
    p = tmp_path / "a" / "b.yaml"
    assert archive.atomic_write(p, b"x: 1\n") is True
    assert archive.atomic_write(p, b"x: 1\n") is False
    assert p.read_bytes() == b"x: 1\n"
    assert [q.name for q in p.parent.iterdir()] == ["b.yaml"]


def test_safe_file_name_refuses_path_tricks():
    from runner.archive import safe_file_name
    from runner.errors import PatrolError

    assert safe_file_name("web-01.example") == "web-01.example"
    for bad in ("../etc/passwd", "a/b", "", ".hidden", "x" * 300):
        with pytest.raises(PatrolError):
            safe_file_name(bad)


def test_record_keeps_exceptions_in_full_and_passes_by_id():
    results = _results(Status.FAIL)
    results["web-01"].severities.update({"fs": "high", "sshd": "medium"})
    body = run_record(run_id="r1", kind="inspect", header={}, results=results, summary={},
                      previous=None)
    assert body["hosts"]["web-01"] == "pass"
    assert body["hosts"]["web-02"] == {
        "reachable": True,
        "pass": [],
        "exceptions": {"fs": {"status": "fail", "value": {"/": 91}, "reason": "/ 91% used"}},
    }
    assert body["hosts"]["db-01"] == {"reachable": False, "message": "ssh: connection refused"}
    assert body["checks"] == {"fs": "high", "sshd": "medium"}
