"""Versions compared as dpkg compares them, wherever Patrol compares versions: the
expected answers are dpkg's (``dpkg --compare-versions``), written down here."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from runner import versions
from runner.checks import drift, package_version
from runner.results import Status
from runner.upgrade.plays import rollback_specs

from .conftest import StubHost


@pytest.mark.parametrize(("a", "b", "order"), [
    ("0:1.0.0-1", "1.0.0-1", 0),        # epoch 0 is the default
    ("1:1.0.0-1", "2.0.0-1", 1),        # an epoch outranks the upstream version
    ("1.0~rc1-1", "1.0-1", -1),         # a tilde sorts before anything, even the end
    ("1.0-1", "1.0-1~bpo12+1", 1),
    ("1.0.0-10", "1.0.0-9", 1),         # revisions compare digit runs as numbers
    ("1.0.0", "1.0.0-0", 0),            # no revision is revision 0
])  # fmt: skip
def test_versions_order_as_dpkg_orders_them(a, b, order):
    result = versions.compare(a, b)
    assert (result > 0) - (result < 0) == order
    assert versions.same(a, b) is (order == 0)


def test_not_installed_equals_only_not_installed():
    assert versions.same(None, None)
    assert not versions.same(None, "1.0-1")
    assert not versions.same({"version": "1.0-1", "state": "unpacked"}, "1.0-1")


def test_an_explicit_epoch_zero_matches_the_installed_version():
    params = package_version.Params(packages={"patrol-agent": "0:1.0.0-1"})
    result = package_version.judge({"patrol-agent": "1.0.0-1"}, params)
    assert result.status is Status.PASS, result.reason
    newer = package_version.judge({"patrol-agent": "1:1.0.0-1"}, params)
    assert newer.status is Status.FAIL
    assert newer.reason == "patrol-agent 1:1.0.0-1 installed, expected 0:1.0.0-1"


def test_drift_declared_with_an_epoch_has_not_drifted():
    host = StubHost(software={"patrol-agent": "0:1.0.0-1"})
    result = drift.judge({"patrol-agent": "1.0.0-1"}, drift.Params(), host)
    assert result.status is Status.PASS, result.reason
    tilde = drift.judge({"patrol-agent": "1.0.0~rc1-1"}, drift.Params(),
                        StubHost(software={"patrol-agent": "1.0.0-1"}))
    assert tilde.status is Status.FAIL


def test_a_version_dpkg_cannot_parse_is_a_params_error():
    with pytest.raises(ValidationError, match="not a Debian version"):
        package_version.Params(packages={"patrol-agent": "1.0 beta"})


def test_rollback_expects_the_recorded_version_whatever_its_spelling():
    params = package_version.Params(packages={"patrol-agent": "1.1.0-1"})
    specs = rollback_specs([("agent", "package_version", params)], {"patrol-agent": "1.1.0-1"},
                           {"patrol-agent": "0:1.0.0-1"})
    (_cid, _kind, back), = specs
    assert package_version.judge({"patrol-agent": "1.0.0-1"}, back).status is Status.PASS
