"""The inventory a play is handed (runner/play_inventory.py): only the play's hosts, each
distinct measurement list once, and, read back by Ansible's own inventory and variable
managers, every one of those hosts with exactly the variables it had."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from runner import execute
from runner.ansible_data import inventory_as_data
from runner.clock import utc_now
from runner.inspect import build_inventory, load_valid_estate, select
from runner.play_inventory import for_play


def _static(root: Path, limit: str | None = None) -> tuple[dict[str, Any], list[str]]:
    estate = load_valid_estate(root, utc_now().date())
    sel = select(estate, "daily", limit)
    return execute.static_inventory(build_inventory(estate, sel)), sorted(h.name for h in sel.hosts)


MAGIC = ("inventory_hostname", "inventory_hostname_short", "group_names", "inventory_file",
         "inventory_dir")


def _ansible_vars(inventory: dict[str, Any], where: Path) -> dict[str, dict[str, Any]]:
    """host -> every variable Ansible gives it (magic group variables aside), as JSON."""
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager

    where.write_text(json.dumps(inventory_as_data(inventory)))
    loader = DataLoader()
    manager = InventoryManager(loader=loader, sources=[str(where)])
    variables = VariableManager(loader=loader, inventory=manager)
    out = {}
    for host in manager.get_hosts():
        seen = variables.get_vars(host=host, include_hostvars=False)
        own = {**host.get_vars(), **{k: v for g in host.get_groups() for k, v in
                                     g.get_vars().items()}}
        out[host.name] = json.loads(json.dumps({k: seen[k] for k in sorted(own)
                                                if k not in MAGIC}, default=str))
    return out


def test_the_play_gets_its_hosts_only_and_each_list_once(estate_repo: Path) -> None:
    static, everyone = _static(estate_repo)
    wanted = everyone[::2]
    narrowed = for_play(static, wanted)
    assert sorted(narrowed["all"]["hosts"]) == wanted
    lists = {json.dumps(static["all"]["hosts"][h]["patrol_measurements"], sort_keys=True)
             for h in wanted}
    groups = {g: body for g, body in narrowed["all"]["children"].items()
              if g.startswith("patrol_measure_")}
    assert len(groups) == len(lists)  # one group per distinct list, not one list per host
    assert sorted(h for body in groups.values() for h in body["hosts"]) == wanted
    for body in narrowed["all"]["children"].values():
        assert set(body.get("hosts") or {}) <= set(wanted)
    assert "patrol_measurements" not in json.dumps(narrowed["all"]["hosts"])


def test_ansible_sees_every_variable_of_the_plays_hosts_as_before(estate_repo: Path,
                                                                   tmp_path: Path) -> None:
    static, everyone = _static(estate_repo)
    wanted = everyone[1:]
    before = _ansible_vars(static, tmp_path / "before.json")
    after = _ansible_vars(for_play(static, wanted), tmp_path / "after.json")
    assert sorted(after) == wanted
    for name in wanted:
        assert after[name] == before[name], name
        assert after[name]["patrol_measurements"] == json.loads(json.dumps(
            static["all"]["hosts"][name]["patrol_measurements"], default=str))


def test_hosts_it_does_not_hold_keep_the_whole_inventory(estate_repo: Path) -> None:
    static, _ = _static(estate_repo)
    assert sorted(for_play(static, ["no-such-host"])["all"]["hosts"]) == sorted(
        static["all"]["hosts"])
    assert sorted(for_play(static, None)["all"]["hosts"]) == sorted(static["all"]["hosts"])


class _Stop(Exception):
    pass


def test_run_play_hands_ansible_the_narrowed_inventory(estate_repo: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import ansible_runner.interface

    static, everyone = _static(estate_repo)
    given: dict[str, Any] = {}

    def init_runner(**kwargs: Any) -> None:
        given.update(kwargs)
        raise _Stop

    monkeypatch.setattr(ansible_runner.interface, "init_runner", init_runner)
    with pytest.raises(_Stop):
        execute.run_play("inspect.yml", static, limit=everyone[:2])
    assert given["inventory"] == inventory_as_data(for_play(static, everyone[:2]))
    assert sorted(given["inventory"]["all"]["hosts"]) == everyone[:2]
