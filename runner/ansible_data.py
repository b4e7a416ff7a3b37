"""Estate text reaches Ansible as data, never as a template.

Whoever can merge a PR controls the estate text, and Ansible renders any string it was given as
a Jinja2 template, on the controller (``{{ lookup('pipe', ...) }}`` runs a command there).
So every string Patrol hands to Ansible (inventory vars, connection settings, module arguments,
extravars) goes through :func:`as_data`, which wraps it as ``{"__ansible_unsafe": text}``: the
JSON form that every Ansible JSON reader decodes to a string that is never templated (since
ansible-core 2.19 an untrusted string; before, ``AnsibleUnsafeText``). That covers the inventory
file and extravars ansible-runner writes (JSON, read by Ansible's ``DataLoader``) and the
``patrol inventory --list`` JSON read by the ``script`` inventory plugin, so nothing depends on
each caller remembering. Dict keys are never templated by Ansible and stay as they are.

The only strings Ansible may render are Patrol's own, marked :class:`Template` where they are
made (e.g. the ``{{ lookup('env', NAME) }}`` of an ``{env: NAME}`` secret, NAME validated).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

UNSAFE = "__ansible_unsafe"
VAULT = "__ansible_vault"


class Template(str):
    """A string Patrol wrote for Ansible to render: the one kind left unwrapped."""

    __slots__ = ()


def as_data(value: Any) -> Any:
    """``value`` with every string (at any depth, keys aside) wrapped as Ansible-unsafe."""
    if isinstance(value, Template):
        return value
    if isinstance(value, str):
        return {UNSAFE: value}
    if isinstance(value, Mapping):
        if _encoded(value):
            return dict(value)
        return {k: as_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_data(v) for v in value]
    return value


def _encoded(value: Mapping[str, Any]) -> bool:
    """Already Ansible's own encoding (a vault ciphertext, or text made data once before)."""
    return len(value) == 1 and isinstance(value.get(UNSAFE, value.get(VAULT)), str)


def inventory_as_data(inventory: Mapping[str, Any]) -> dict[str, Any]:
    """A dynamic (``_meta``) or static (``all``) inventory with its variables made data.

    Only variables are wrapped: host and group names are structure (lists and keys), and
    Ansible never templates them.
    """
    out: dict[str, Any] = {}
    for name, group in inventory.items():
        if name == "_meta" and isinstance(group, Mapping):
            meta = dict(group)
            meta["hostvars"] = {h: as_data(v) for h, v in (group.get("hostvars") or {}).items()}
            out[name] = meta
        elif isinstance(group, Mapping):
            out[name] = _group_as_data(group)
        else:
            out[name] = group
    return out


def _group_as_data(group: Mapping[str, Any]) -> dict[str, Any]:
    entry = dict(group)
    if isinstance(group.get("vars"), Mapping):
        entry["vars"] = as_data(group["vars"])
    hosts = group.get("hosts")
    if isinstance(hosts, Mapping):  # static shape: host -> its vars
        entry["hosts"] = {h: as_data(v) if v is not None else None for h, v in hosts.items()}
    children = group.get("children")
    if isinstance(children, Mapping):
        entry["children"] = {c: _group_as_data(v) if isinstance(v, Mapping) else v
                             for c, v in children.items()}
    return entry
