"""``patrol init``: parses for ``runner.commands.init``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..commands import init as init_cmd
from .common import command, done, exit_status

EXITS = exit_status(
    "the estate was written (a Git repository, nothing committed yet)",
    failed="writing failed (a full disk, a directory made read-only): remove the directory "
           "and run again",
    usage="usage error: the directory is not empty or cannot be made; nothing is written")


def register(app: typer.Typer) -> None:
    command(app, "init", exits=EXITS)(init)


def init(
    directory: Annotated[Path, typer.Argument(metavar="dir",
                                              help="New (or empty) directory for the estate.")],
) -> None:
    """Start a new estate repository: sample estate, CI templates, pre-commit; it validates."""
    done(init_cmd.run(dest=directory))
