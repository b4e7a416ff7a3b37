"""A sharded daily run on the lab: three shards (``--shard 1/3`` .. ``3/3``), each a real play over
SSH with its own record; the cycle counts as done in compliance and in the monthly report only
once all three are recorded, and every host is measured exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from runner import shard
from runner.estate import load_estate
from runner.findings import context_of
from runner.findings.cadence import cadence_breaches, expected, last_runs
from runner.inspect import inspect
from runner.report.inspections import done_periods
from runner.report.period import Month
from runner.report.sources import read_records
from tests.conftest import commit_all, copy_estate

pytestmark = pytest.mark.lab


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """The sample estate in a throwaway repository, the load limit lifted (the lab hosts share
    this machine's load; the shards are under test, not the load)."""
    dest = copy_estate(tmp_path / "estate")
    for checklist in (dest / "policies/inspections").glob("*.yaml"):
        checklist.write_text(checklist.read_text().replace("      max: 2.0\n",
                                                           "      max: 1000.0\n"))
    commit_all(dest)
    return dest


def test_two_shards_on_the_lab_make_one_daily_cycle_only_together(lab, estate: Path) -> None:
    est, _ = load_estate(estate, today=datetime.now(UTC).date())
    hosts = sorted(expected(est)["daily"][1])
    assert sorted(hosts) == sorted(lab.names)  # the daily checklist covers the whole lab
    part = {i: sorted(h for h in hosts if shard.of(h, 3) == i) for i in (1, 2, 3)}
    assert all(part.values())  # every shard has hosts to measure

    def done() -> set:  # type: ignore[type-arg]
        now = datetime.now(UTC)
        month = Month(now.year, now.month)
        records = [r for r in read_records(estate, [month]) if r.doc.get("checklist") == "daily"]
        return done_periods(records, month, lambda r: r.finished.date())

    def late() -> list[str]:
        now = datetime.now(UTC)
        breaches = cadence_breaches({"daily": expected(est)["daily"]},
                                    last_runs(estate, now, timedelta(days=40)), now,
                                    context_of(est).policy)
        return sorted(h for b in breaches for h in b.hosts)

    assert late() == hosts  # nothing recorded yet: every host is owed its daily check
    runs = []
    for i in (1, 2, 3):
        run = inspect(estate, "daily", shard=(i, 3), connections=lab.ansible_vars())
        runs.append(run)
        assert sorted(run.results) == part[i]
        assert all(r.reachable for r in run.results.values())  # measured over SSH
        owed = sorted(h for j in range(i + 1, 4) for h in part[j])
        assert late() == owed  # the shards not yet run still owe their hosts' daily check
        # the day counts as one cycle in the report only once every shard is recorded
        assert done() == ({datetime.now(UTC).date()} if i == 3 else set())
    for i, run in enumerate(runs, 1):
        record = yaml.safe_load((estate / run.record_path).read_bytes())
        assert record["shard"] == f"{i}/3"
        assert sorted(record["hosts"]) == part[i]
    measured = [h for run in runs for h in run.results]
    assert sorted(measured) == hosts  # every host measured exactly once
