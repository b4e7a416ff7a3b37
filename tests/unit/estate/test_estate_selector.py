"""The host selector language, used by checklists, waivers, upgrade plans and --limit."""

from __future__ import annotations

from datetime import date

import pytest

from runner.estate import SelectorError, load_estate, parse_selector

from .conftest import REPO

ESTATE, _ = load_estate(REPO, today=date(2026, 11, 25))


def names(selector: str) -> list[str]:
    return [h.name for h in ESTATE.select(selector)]


@pytest.mark.parametrize(("selector", "expected"), [
    ("all", ["app-01", "app-02", "backup-01", "br-01", "db-01", "db-02", "mon-01", "plant-01",
             "web-01", "web-02"]),
    ("role=web,app", ["app-01", "app-02", "web-01", "web-02"]),
    ("role=web,app env=production", ["app-01", "web-01", "web-02"]),
    ("site=hz-dc1 !tag=pci", ["mon-01"]),
    ("db-*", ["db-01", "db-02"]),
    ("name=web-0[2-9]", ["web-02"]),
    ("tag=front*", ["app-01", "web-01", "web-02"]),
    ("environment=staging", ["app-02"]),
    ("all !role=db", ["app-01", "app-02", "backup-01", "br-01", "mon-01", "plant-01", "web-01",
                      "web-02"]),
    ("role=nothing", []),
])
def test_selector_selects_hosts_sorted_by_name(selector: str, expected: list[str]) -> None:
    assert names(selector) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty selector; use 'all'"),
    ("rack=12", "unknown selector key 'rack'"),
    ("role=", "bad value in selector term 'role='"),
    ("role=web;db", "bad value in selector term 'role=web;db'"),
])
def test_bad_selector_says_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(SelectorError, match=message.replace("(", r"\(").replace(";", ";")):
        parse_selector(text)


def test_selectors_combine_and_print_back() -> None:
    both = parse_selector("role=web") & parse_selector("site=hz-dc1")
    assert str(both) == "role=web site=hz-dc1"
    assert [h.name for h in both.select(ESTATE.hosts.values())] == ["web-01", "web-02"]
