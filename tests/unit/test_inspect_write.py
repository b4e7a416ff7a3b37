"""Writing a run: waivers relabel results, and a push retry writes the same run again."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from runner.findings import store as findings_store
from runner.inspect import InspectRun, load_valid_estate, write_run
from runner.results import HostResult, Result, Status, summarise
from tests.conftest import copy_estate

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def test_retried_write_judges_waivers_from_the_measured_results(tmp_path):
    copy_estate(tmp_path)
    estate = load_valid_estate(tmp_path, NOW.date())
    # policies/waivers.yaml waives daily/load on backup-01 until 2027-06-30
    failing = Result(Status.FAIL, {"load_per_cpu": 2.6}, "5-minute load 2.6 per CPU, limit 2")
    results = {"backup-01": HostResult("backup-01", True, {"load": failing},
                                       severities={"load": "medium"})}
    run = InspectRun("20261125T060000Z-daily-abcdef", "daily", results, summarise(results), "", "")
    run.measured = {"backup-01": HostResult("backup-01", True, {"load": failing},
                                            severities={"load": "medium"})}
    for _attempt in range(2):  # the retry starts from the remote tip: no files of ours
        shutil.rmtree(tmp_path / "reports", ignore_errors=True)
        write_run(tmp_path, run, {}, NOW, estate, NOW)
        assert run.results["backup-01"].checks["load"].status is Status.WAIVED
        assert run.summary["checks"]["waived"] == 1
        found = findings_store.load(tmp_path)["backup-01/load"]
        assert found.state.value == "waived"
