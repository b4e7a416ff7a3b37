"""``patrol hostkeys``: parses for ``runner.commands.hostkeys``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..commands import hostkeys as hostkeys_cmd
from . import complete
from .common import EstateOpt, LabOpt, command, done, estate_root, exit_status, group

SCAN_EXITS = exit_status(
    "every host offered its pinned key, or one not pinned yet (new: --write pins it)",
    failed="a host offered a key other than its pinned one (changed: never written), or no "
           "key could be read from it; or the estate is invalid",
    usage="usage error: a --limit that is bad or selects no host, a path that is not an estate")

app = group(help="SSH host keys pinned in the estate: what hosts offer against Git.",
            exits=exit_status("the command's work was done; see each command's help",
                              usage="usage error: an unknown command or option"),
            no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="hostkeys")


@command(app, "scan", exits=SCAN_EXITS)
def scan(
    limit: Annotated[str | None, typer.Option(
        "--limit", metavar="SELECTOR", help="Host selector: the hosts to read.",
        autocompletion=complete.hosts)] = None,
    write: Annotated[bool, typer.Option(
        "--write", help="Pin new keys in inventory/hosts/ for a pull request (a changed key "
        "is never written).")] = False,
    timeout: Annotated[int, typer.Option(
        "--timeout", metavar="SECONDS", min=1, max=300, help="Connect timeout per host.")] = 10,
    lab: LabOpt = False,
    estate: EstateOpt = None,
) -> None:
    """Read each host's SSH host key (through its jump hosts) and compare it with its pin."""
    done(hostkeys_cmd.run(root=estate_root(estate), limit=limit, write=write, lab=lab,
                          timeout=timeout, echo=typer.echo))
