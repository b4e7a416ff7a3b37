"""Every counting rule of spare-part coverage, on plain data (runner/spares/coverage.py)."""

from __future__ import annotations

from datetime import timedelta

from runner.spares.coverage import coverage

from .conftest import H, commitment, depot, estate, host, model, stock


def _one(e, site="s1", part="psu"):
    line = coverage(e).at(site, part)
    assert line is not None
    return line


def test_min_stock_requires_that_many_at_each_site_using_the_part():
    e = estate([host("a", "s1", "m"), host("b", "s2", "m")], [model("m", "psu")],
               [commitment("psu", min_stock=2)], [depot("d1", "s1")], [stock("psu", "d1", 1)])
    cov = coverage(e)
    assert [(x.site, x.required, x.reachable, x.shortfall) for x in cov.lines] == [
        ("s1", 2, 1, 1), ("s2", 2, 0, 2)]


def test_per_hosts_rounds_up_and_counts_hosts_not_units():
    e = estate([host(f"h{i}", "s1", "m") for i in range(3)], [model("m", "disk")],
               [commitment("disk", per_hosts=2)], [depot("d1", "s1")], [stock("disk", "d1", 2)])
    line = _one(e, part="disk")
    assert (line.hosts, line.required, line.shortfall) == (3, 2, 0)


def test_a_model_with_zero_hosts_at_a_site_asks_nothing_there():
    e = estate([host("a", "s1", "m1")], [model("m1", "psu"), model("m2", "fan")],
               [commitment("psu", min_stock=1), commitment("fan", min_stock=5)],
               [depot("d1", "s1")], [stock("psu", "d1", 1)])
    cov = coverage(e)
    assert [(x.site, x.part) for x in cov.lines] == [("s1", "psu")]
    assert cov.unused_commitments == ["fan"]
    assert not cov.short


def test_a_depot_on_no_site_without_reaches_counts_nowhere():
    e = estate([host("a", "s1", "m")], [model("m", "psu")], [commitment("psu", min_stock=1)],
               [depot("central")], [stock("psu", "central", 9)])
    assert _one(e).reachable == 0 and _one(e).shortfall == 1


def test_a_part_in_two_depots_counts_both_when_both_reach_in_time():
    e = estate([host("a", "s1", "m")], [model("m", "psu")], [commitment("psu", min_stock=3)],
               [depot("cage", "s1"), depot("central", s1=3 * H)],
               [stock("psu", "cage", 1), stock("psu", "central", 2)])
    line = _one(e)
    assert (line.reachable, line.depots, line.shortfall) == (3, (("cage", 1), ("central", 2)), 0)


def test_a_delivery_time_exactly_equal_to_the_promise_counts_one_minute_more_does_not():
    def reachable(t):
        e = estate([host("a", "s1", "m")], [model("m", "psu")], [commitment("psu", min_stock=1)],
                   [depot("central", s1=t)], [stock("psu", "central", 1)])
        return _one(e).reachable

    assert reachable(4 * H) == 1
    assert reachable(4 * H + timedelta(minutes=1)) == 0


def test_a_depot_on_the_site_reaches_it_at_once_even_without_reaches():
    e = estate([host("a", "s1", "m")], [model("m", "psu")],
               [commitment("psu", min_stock=1, delivery=timedelta(minutes=1))],
               [depot("cage", "s1")], [stock("psu", "cage", 1)])
    assert _one(e).reachable == 1


def test_a_shared_depot_counts_its_whole_stock_for_every_site_it_reaches():
    e = estate([host("a", "s1", "m"), host("b", "s2", "m")], [model("m", "psu")],
               [commitment("psu", min_stock=2)], [depot("central", s1=H, s2=H)],
               [stock("psu", "central", 2)])
    assert [x.reachable for x in coverage(e).lines] == [2, 2]


def test_a_vendor_commitment_is_met_by_its_lead_time_not_by_stock():
    fast = estate([host("a", "s1", "m")], [model("m", "fan")],
                  [commitment("fan", min_stock=1, delivery=24 * H, channel="vendor",
                              lead_time=12 * H)], [depot("d", "s1")], [])
    assert _one(fast, part="fan").met_by_lead_time and not coverage(fast).short


def test_a_vendor_slower_than_the_promise_must_be_covered_by_stock():
    slow = estate([host("a", "s1", "m")], [model("m", "fan")],
                  [commitment("fan", min_stock=1, delivery=24 * H, channel="distributor",
                              lead_time=48 * H)], [depot("d", "s1")], [])
    line = _one(slow, part="fan")
    assert not line.met_by_lead_time and line.shortfall == 1


def test_a_vendor_without_a_lead_time_is_taken_at_its_delivery_time():
    e = estate([host("a", "s1", "m")], [model("m", "fan")],
               [commitment("fan", min_stock=1, channel="vendor")], [depot("d", "s1")], [])
    assert _one(e, part="fan").met_by_lead_time


def test_uncommitted_parts_unused_commitments_and_idle_stock_are_reported():
    e = estate([host("a", "s1", "m"), host("b", "s1", "m")], [model("m", "psu", "fan")],
               [commitment("psu", min_stock=0), commitment("old", min_stock=1)],
               [depot("d", "s1")], [stock("psu", "d", 1), stock("old", "d", 4)])
    cov = coverage(e)
    assert cov.uncommitted == [("m", "fan", 2)]
    assert cov.unused_commitments == ["old"]
    assert cov.unused_stock == [("old", "d", 4)]
    assert _one(e).required == 0 and not cov.short


def test_site_filter_keeps_only_those_sites():
    e = estate([host("a", "s1", "m"), host("b", "s2", "m")], [model("m", "psu")],
               [commitment("psu", min_stock=1)], [depot("d", "s1")], [])
    assert [x.site for x in coverage(e, {"s2"}).lines] == ["s2"]
