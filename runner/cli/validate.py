"""``patrol validate``: parses for ``runner.commands.validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..commands import validate as validate_cmd
from .common import Format, choices, command, done, estate_root, exit_status

EXITS = exit_status(
    "the estate is valid (warnings, such as a waiver expiring soon, are printed)",
    failed="the estate is invalid: every error is printed, each at file:line:column",
    usage="usage error: a bad option, a path that is not an estate")


def register(app: typer.Typer) -> None:
    command(app, "validate", exits=EXITS)(validate)


def validate(
    path: Annotated[Path | None, typer.Argument(
        metavar="path", show_default=False,
        help="Estate root to validate (default: the working directory or the nearest "
             "directory above it with inventory/ or policies/).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", metavar=choices(Format),
                                        help="Output format.")] = Format.text,
) -> None:
    """Validate every estate file and the references between them; report all errors."""
    done(validate_cmd.run(root=estate_root(path), fmt=fmt.value))
