"""``patrol lab ...``: the local test fleet. The commands themselves live in
``runner.commands.lab`` (also the lab's connection provider behind ``--lab``); here they are
mounted with the house help format and their exit status."""

from __future__ import annotations

from typing import Annotated

import typer

from ..commands import lab as lab_cmd
from .common import EstateOpt, command, estate_root, exit_status, group

EXITS = exit_status(
    "done",
    usage="usage error: an unknown lab host, a path that is not an estate",
    environment="the machine cannot do it: not root, a missing tool (the message names the "
                "apt package), a lab already up")

app = group(help="The local test fleet of SSH hosts.", exits=EXITS, no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="lab")


def up(
    hosts: Annotated[int | None, typer.Option(
        "--hosts", metavar="N", help="Total hosts: the estate's first, then generated lab-NN.")]
    = None,
    estate: EstateOpt = None,
) -> None:
    """Bring up the estate's hosts as lab hosts reachable over SSH."""
    lab_cmd.up(hosts=hosts, estate=estate_root(estate))


command(app, "image", exits=EXITS)(lab_cmd.image)
command(app, "up", exits=EXITS)(up)
for _name, _function in (
    ("down", lab_cmd.down), ("status", lab_cmd.status), ("sshd-stop", lab_cmd.sshd_stop),
    ("sshd-start", lab_cmd.sshd_start), ("link-down", lab_cmd.link_down),
    ("link-up", lab_cmd.link_up), ("disk-attach", lab_cmd.disk_attach),
    ("disk-detach", lab_cmd.disk_detach), ("service-hang", lab_cmd.service_hang),
    ("service-unhang", lab_cmd.service_unhang), ("bmc", lab_cmd.bmc),
    ("bmc-layout", lab_cmd.bmc_layout), ("kill", lab_cmd.kill),
):
    command(app, _name, exits=EXITS)(_function)
