"""Inventory edits after an upgrade change the version lines and not one other byte."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from runner.errors import PatrolError
from runner.upgrade.inventory_edit import edit_versions, update_inventory

REPO = Path(__file__).resolve().parents[3]

TRICKY = """\
# yaml-language-server: $schema=../../schemas/hosts.schema.json
# A comment at the top, kept.
hosts:
    # indented four, sequences offset two
    -   name: web-01   # the canary
        address: 10.0.0.1
        software:
            patrol-agent: '1.0.0-1'    # pinned by ops
            patrol-motd: "2.0-1"
        tags: [a,   b]        # odd spacing, kept
    -   name: web-02
        address: 10.0.0.2
        software: {patrol-agent: "1.0.0-1"}
"""


def changed_lines(old: str, new: str) -> list[str]:
    return [line for line in difflib.unified_diff(old.splitlines(), new.splitlines(), n=0,
                                                  lineterm="")
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@pytest.mark.parametrize("name", ["fra-dc2.yaml", "hz-dc1.yaml"])
def test_sample_host_files_change_only_in_the_version_lines(name: str) -> None:
    text = (REPO / "inventory" / "hosts" / name).read_text()
    hosts = [line.split(":", 1)[1].strip() for line in text.splitlines()
             if line.strip().startswith("- name:")]
    new, done = edit_versions(text, {h: {"patrol-agent": "1.1.0-1"} for h in hosts})
    assert set(done) == set(hosts)
    diff = changed_lines(text, new)
    assert len(diff) == 2 * len(hosts)
    assert all(d.strip("+- ") in ('patrol-agent: "1.0.0-1"', 'patrol-agent: "1.1.0-1"')
               for d in diff)
    assert new.replace('"1.1.0-1"', '"1.0.0-1"') == text


def test_comments_quotes_and_odd_spacing_survive() -> None:
    new, done = edit_versions(TRICKY, {"web-01": {"patrol-agent": "1.1.0-1"}})
    assert done == {"web-01": {"patrol-agent": "1.1.0-1"}}
    assert changed_lines(TRICKY, new) == [
        "-            patrol-agent: '1.0.0-1'    # pinned by ops",
        "+            patrol-agent: '1.1.0-1'    # pinned by ops",
    ]


def test_flow_style_software_is_edited_in_place() -> None:
    new, _ = edit_versions(TRICKY, {"web-02": {"patrol-agent": "1.1.0-1"}})
    assert changed_lines(TRICKY, new) == [
        '-        software: {patrol-agent: "1.0.0-1"}',
        '+        software: {patrol-agent: "1.1.0-1"}',
    ]


def test_a_new_package_is_added_under_software_and_nothing_else_moves() -> None:
    text = (REPO / "inventory" / "hosts" / "fra-dc2.yaml").read_text()
    new, done = edit_versions(text, {"app-01": {"patrol-motd": "2.1-1"}})
    assert done == {"app-01": {"patrol-motd": "2.1-1"}}
    assert changed_lines(text, new) == ['+      patrol-motd: "2.1-1"']


def test_unchanged_versions_and_unknown_hosts_leave_the_text_alone() -> None:
    new, done = edit_versions(TRICKY, {"web-01": {"patrol-agent": "1.0.0-1"},
                                       "nope": {"patrol-agent": "9"}})
    assert (new, done) == (TRICKY, {})


def test_adding_a_package_to_a_flow_map_that_cannot_be_kept_is_refused() -> None:
    with pytest.raises(PatrolError):
        edit_versions(TRICKY, {"web-02": {"patrol-motd": "2.1-1"}})


def test_update_inventory_writes_only_the_files_of_changed_hosts(tmp_path: Path) -> None:
    hosts_dir = tmp_path / "inventory" / "hosts"
    hosts_dir.mkdir(parents=True)
    for name in ("fra-dc2.yaml", "hz-dc1.yaml"):
        (hosts_dir / name).write_bytes((REPO / "inventory" / "hosts" / name).read_bytes())
    before = (hosts_dir / "hz-dc1.yaml").read_bytes()
    written, done = update_inventory(tmp_path, {"app-02": {"patrol-agent": "1.1.0-1"}})
    assert written == ["inventory/hosts/fra-dc2.yaml"]
    assert done == {"app-02": {"patrol-agent": "1.1.0-1"}}
    assert (hosts_dir / "hz-dc1.yaml").read_bytes() == before
