"""The lab brings up exactly the estate's hosts, then generated ones at free addresses."""

from __future__ import annotations

from pathlib import Path

from runner.lab import roster
from runner.lab.config import DEFAULT

ROOT = Path(__file__).resolve().parents[2]


def test_lab_hosts_are_the_estate_hosts_on_its_network_with_their_addresses():
    declared = roster.estate_hosts(ROOT)
    inside = [(n, a) for n, a in declared if a.startswith("10.123.0.")]
    assert roster.lab_hosts(ROOT, None, DEFAULT) == inside and len(inside) == 8
    assert ("web-01", "10.123.0.11") in inside
    # the others sit behind a jump host or a node, on networks runner/lab/sites.py builds
    assert sorted(set(declared) - set(inside)) == [("br-01", "10.123.2.11"),
                                                    ("plant-01", "10.123.3.11")]


def test_extra_hosts_fill_up_to_the_count_at_free_addresses():
    declared = roster.lab_hosts(ROOT, None, DEFAULT)
    hosts = roster.lab_hosts(ROOT, 20, DEFAULT)
    assert len(hosts) == 20
    assert hosts[: len(declared)] == declared
    assert len({a for _, a in hosts}) == 20 and len({n for n, _ in hosts}) == 20
    assert hosts[len(declared)] == ("lab-01", "10.123.0.100")


def test_fewer_hosts_than_the_estate_takes_the_first_ones():
    assert roster.lab_hosts(ROOT, 2, DEFAULT) == roster.estate_hosts(ROOT)[:2]
