"""The lab brings up exactly the estate's hosts, then generated ones at free addresses."""

from __future__ import annotations

from pathlib import Path

from runner.lab import roster
from runner.lab.config import DEFAULT

ROOT = Path(__file__).resolve().parents[2]


def test_lab_hosts_are_the_estate_hosts_with_their_addresses():
    assert roster.lab_hosts(ROOT, None, DEFAULT) == roster.estate_hosts(ROOT)
    assert ("web-01", "10.123.0.11") in roster.estate_hosts(ROOT)


def test_extra_hosts_fill_up_to_the_count_at_free_addresses():
    declared = roster.estate_hosts(ROOT)
    hosts = roster.lab_hosts(ROOT, 20, DEFAULT)
    assert len(hosts) == 20
    assert hosts[: len(declared)] == declared
    assert len({a for _, a in hosts}) == 20 and len({n for n, _ in hosts}) == 20
    assert hosts[len(declared)] == ("lab-01", "10.123.0.100")


def test_fewer_hosts_than_the_estate_takes_the_first_ones():
    assert roster.lab_hosts(ROOT, 2, DEFAULT) == roster.estate_hosts(ROOT)[:2]
