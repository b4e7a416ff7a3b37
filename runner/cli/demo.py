"""``patrol demo``: parses for ``runner.commands.demo``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..commands import demo as demo_cmd
from . import complete
from .common import EstateOpt, command, done, estate_root, exit_status

EXITS = exit_status(
    "the lab was inspected and the run committed in the throwaway clone, whatever the checks "
    "found",
    failed="the demo could not inspect or commit (the message says why)",
    usage="usage error: an unknown checklist, a path that is not an estate",
    environment="the machine cannot run the lab: not root, a missing tool, a lab already up")


def register(app: typer.Typer) -> None:
    command(app, "demo", exits=EXITS)(demo)


def demo(
    checklist: Annotated[str, typer.Argument(help="Checklist to run.",
                                             autocompletion=complete.checklists)] = "daily",
    estate: EstateOpt = None,
) -> None:
    """Bring the lab up and inspect it in a throwaway clone; print the summary and commit."""
    done(demo_cmd.run(root=estate_root(estate), checklist=checklist))
