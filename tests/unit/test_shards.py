"""Sharded runs: ``--shard I/N`` splits a checklist's hosts by name, stably; each shard is a
run with its own record naming the shard; compliance and the monthly report count the cycle
done only when every shard of it is recorded."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from runner import shard
from runner.errors import PatrolError
from runner.findings.cadence import cadence_breaches, expected, last_runs
from runner.inspect import inspect
from runner.report.inspections import done_periods
from runner.report.period import Month
from runner.report.sources import read_records
from tests.unit.test_inspect_run import T0, WEB, FakeFleet, context, make_estate

NAMES = [f"host-{i:03d}" for i in range(300)]


def test_shards_partition_the_hosts_and_stay_put_when_hosts_come_and_go() -> None:
    parts = {i: {n for n in NAMES if shard.of(n, 3) == i} for i in (1, 2, 3)}
    assert set().union(*parts.values()) == set(NAMES)
    assert sum(len(p) for p in parts.values()) == len(NAMES)  # disjoint
    assert all(70 < len(p) < 130 for p in parts.values())  # roughly even
    fewer = NAMES[::2]
    assert all(shard.of(n, 3) == shard.of(n, 3) for n in fewer)
    assert {n for n in fewer if shard.of(n, 3) == 1} == parts[1] & set(fewer)


@pytest.mark.parametrize("bad", ["0/3", "4/3", "1/0", "a/b", "1-3", "", "1/999"])
def test_a_bad_shard_is_a_usage_error(bad: str) -> None:
    with pytest.raises(PatrolError, match="--shard"):
        shard.parse(bad)


def test_a_cycle_is_complete_with_a_whole_run_or_every_shard() -> None:
    assert shard.complete([None])
    assert shard.complete(["1/3", "3/3", "2/3"])
    assert not shard.complete(["1/3", "3/3"])
    assert not shard.complete(["1/3", "2/2"])
    assert shard.complete(["1/2", "2/2", "1/3"])
    assert not shard.complete([])


def _all(estate: Path) -> list[str]:
    return sorted(h["name"] for f in (estate / "inventory/hosts").glob("*.yaml")
                  for h in yaml.safe_load(f.read_text())["hosts"])


def test_three_shards_of_a_daily_run_count_as_one_cycle(tmp_path: Path) -> None:
    estate = make_estate(tmp_path / "estate")
    checklist = estate / "policies/inspections/fake.yaml"
    checklist.write_text(checklist.read_text().replace("hosts: role=web", "hosts: all"))
    hosts = _all(estate)
    from tests.conftest import commit_all

    commit_all(estate, "fake covers all")
    fleet = FakeFleet(agent=dict.fromkeys(hosts, "1.0.0-1"))
    runs = []
    for i in (1, 2):
        at = T0 + timedelta(minutes=i)
        runs.append(inspect(estate, "fake", shard=(i, 3), ctx=context(estate, at), play=fleet))
    month = Month(2026, 11)

    def report_done() -> set:  # type: ignore[type-arg]
        records = [r for r in read_records(estate, [month]) if r.doc.get("checklist") == "fake"]
        return done_periods(records, month, lambda r: r.finished.date())  # a UTC month

    def late_hosts() -> list[str]:
        from runner.estate import load_estate

        est, _ = load_estate(estate, today=T0.date())
        breaches = cadence_breaches(
            {k: v for k, v in expected(est).items() if k == "fake"},
            last_runs(estate, T0 + timedelta(hours=1), timedelta(days=40)),
            T0 + timedelta(hours=1), _policy(est))
        return sorted(h for b in breaches for h in b.hosts)

    assert report_done() == set()  # two of three shards: the day is not done
    third = {n for n in hosts if shard.of(n, 3) == 3}
    assert late_hosts() == sorted(third)  # compliance: the third shard's hosts are missing
    runs.append(inspect(estate, "fake", shard=(3, 3), ctx=context(estate, T0 + timedelta(
        minutes=3)), play=fleet))
    assert report_done() == {T0.date()}
    assert late_hosts() == []
    for i, run in enumerate(runs, 1):
        record = yaml.safe_load((estate / run.record_path).read_bytes())
        assert record["shard"] == f"{i}/3"
        assert sorted(record["hosts"]) == sorted(n for n in hosts if shard.of(n, 3) == i)
    assert sorted(h for _, lim in fleet.plays for h in lim) == hosts  # each host once


def _policy(est):  # type: ignore[no-untyped-def]
    from runner.findings import context_of

    return context_of(est).policy


def test_site_narrows_and_an_unknown_site_is_a_usage_error(tmp_path: Path) -> None:
    estate = make_estate(tmp_path / "estate")
    fleet = FakeFleet()
    run = inspect(estate, "fake", site="hz-dc1", ctx=context(estate), play=fleet)
    assert sorted(run.results) == WEB  # both web hosts are at hz-dc1
    with pytest.raises(PatrolError, match="--site 'nowhere': no such site"):
        inspect(estate, "fake", site="nowhere", ctx=context(estate), play=fleet)
