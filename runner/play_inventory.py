"""The inventory a play is handed: its own hosts only, each measurement list once.

ansible-playbook reads, decodes and tags every variable of every host it is given before the
play starts, on the controller, whatever ``--limit`` says: a shard of a large estate would
pay for every host of it, and every host carried its own copy of the checklist's
``patrol_measurements`` (every string of it wrapped as data, ``runner.ansible_data``), though
hosts of one checklist mostly share one list. So the play gets the hosts it runs on, and each
distinct list as the variable of a group of the hosts that share it (``patrol_measure_<n>``:
no estate group can be named so, theirs all have a ``site_``/``role_``/``env_``/``tag_``
prefix). Nothing else moves: every host sees the same variables as before (no other group
sets ``patrol_measurements``, so precedence cannot pick another value).
"""

from __future__ import annotations

import json
from typing import Any

MOVED = "patrol_measurements"
GROUP = "patrol_measure_"


def for_play(static: dict[str, Any], hosts: list[str] | None) -> dict[str, Any]:
    """``static`` (the ``all``-rooted shape) narrowed to ``hosts`` (names; None, or a name it
    does not hold: every host stays), with ``patrol_measurements`` shared per distinct value."""
    top = static["all"]
    every: dict[str, Any] = top.get("hosts") or {}
    names = list(hosts) if hosts and all(h in every for h in hosts) else list(every)
    kept: dict[str, Any] = {}
    shared: dict[str, tuple[Any, list[str]]] = {}
    for name in names:
        hostvars = dict(every.get(name) or {})
        if MOVED in hostvars:
            value = hostvars.pop(MOVED)
            key = json.dumps(value, sort_keys=True, default=str)
            shared.setdefault(key, (value, []))[1].append(name)
        kept[name] = hostvars or None
    children = {group: _narrowed(body, kept) for group, body in
                (top.get("children") or {}).items()}
    for n, (value, members) in enumerate(shared.values(), 1):
        children[f"{GROUP}{n}"] = {"hosts": dict.fromkeys(members), "vars": {MOVED: value}}
    out = {**top, "hosts": kept}
    if children:
        out["children"] = children
    return {**static, "all": out}


def _narrowed(body: Any, kept: dict[str, Any]) -> Any:
    if not isinstance(body, dict):
        return body
    out = dict(body)
    if isinstance(body.get("hosts"), dict):
        out["hosts"] = {h: None for h in body["hosts"] if h in kept}
    if isinstance(body.get("children"), dict):
        out["children"] = {g: _narrowed(b, kept) for g, b in body["children"].items()}
    return out
