"""``patrol schema``: parses for ``runner.commands.schema``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..commands import schema as schema_cmd
from .common import command, done, exit_status

EXITS = exit_status("the schemas were printed (or written to --out)",
                    usage="usage error: --out names a file, not a directory")


def register(app: typer.Typer) -> None:
    command(app, "schema", exits=EXITS)(schema)


def schema(
    out: Annotated[Path | None, typer.Option(
        "--out", metavar="DIR", help="Write one schema file per kind here.")] = None,
) -> None:
    """Export the JSON Schema of each estate file kind, generated from the models."""
    done(schema_cmd.run(out=out))
