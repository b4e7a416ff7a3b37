"""`patrol inventory --list | --host H`: the estate as Ansible dynamic-inventory JSON.

Ansible uses it through ``inventory/patrol-inventory`` (an inventory script):
``ansible-inventory -i inventory/patrol-inventory --list``. With ``--lab`` (the script passes
it when ``PATROL_LAB=1``), lab hosts that are up get the lab's connection vars; without it the
estate's own addresses and connection settings stand. Every variable is printed as
``{"__ansible_unsafe": text}`` (``runner.ansible_data``): Ansible never templates estate text.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..errors import Exit, PatrolError


def inventory_for(root: Path, lab: bool = False) -> dict[str, Any]:
    """The estate at ``root`` as dynamic-inventory JSON data, every estate string wrapped as
    never-templated data (``runner.ansible_data``); also the collection plugin's source.

    PatrolError (usage) when ``root`` is not an estate, (failed) when the estate is invalid,
    with its problems in the message.
    """
    from ..ansible_data import inventory_as_data
    from ..clock import utc_now
    from ..estate.files import NotAnEstate
    from ..estate.loader import load_estate
    from ..inventory import build_inventory
    from .lab import connections

    try:
        estate, problems = load_estate(Path(root), today=utc_now().date())
    except NotAnEstate as exc:
        raise PatrolError(str(exc)) from None
    if estate is None:
        lines = [str(p) for p in problems]
        raise PatrolError("\n".join([*lines, "the estate is invalid; run `patrol validate`"]),
                          exit_code=Exit.FAILED)
    return inventory_as_data(build_inventory(estate, connections(lab)))


def run(root: Path = Path("."), list_: bool = False, host: str | None = None,
        lab: bool = False) -> int:
    if list_ == (host is not None):
        print("patrol inventory: give exactly one of --list or --host HOST", file=sys.stderr)
        return int(Exit.USAGE)
    try:
        inventory = inventory_for(root, lab)
    except PatrolError as exc:
        print(f"patrol inventory: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    if host is not None:
        if host not in inventory["_meta"]["hostvars"]:
            print(f"patrol inventory: no host {host!r} in the estate", file=sys.stderr)
            return int(Exit.USAGE)
        print(json.dumps(inventory["_meta"]["hostvars"][host], indent=2, sort_keys=True))
    else:
        print(json.dumps(inventory, indent=2, sort_keys=True))
    return int(Exit.OK)
