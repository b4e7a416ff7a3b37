"""``patrol inventory``: parses for ``runner.commands.inventory``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..commands import inventory as inventory_cmd
from . import complete
from .common import EstateOpt, LabOpt, command, done, estate_root, exit_status

EXITS = exit_status(
    "the inventory was printed",
    failed="the estate is invalid (run patrol validate for every error)",
    usage="usage error: neither --list nor --host, an unknown host, a path that is not an "
          "estate")


def register(app: typer.Typer) -> None:
    command(app, "inventory", exits=EXITS)(inventory)


def inventory(
    list_: Annotated[bool, typer.Option("--list", help="The whole inventory.")] = False,
    host: Annotated[str | None, typer.Option(
        "--host", metavar="HOST", help="One host's variables.",
        autocompletion=complete.hosts)] = None,
    lab: LabOpt = False,
    estate: EstateOpt = None,
) -> None:
    """The estate as Ansible dynamic-inventory JSON."""
    done(inventory_cmd.run(root=estate_root(estate), list_=list_, host=host, lab=lab))
