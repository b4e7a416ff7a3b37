"""``patrol compliance``: parses for ``runner.commands.compliance``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..commands import compliance as compliance_cmd
from .common import (
    RUN_ENVIRONMENT,
    RUN_FAILED_ARCHIVE,
    EstateOpt,
    NowOpt,
    command,
    done,
    estate_root,
    exit_status,
)

EXITS = exit_status(
    "every checklist ran on every host within its cadence",
    failed="a checklist is in breach of its cadence (findings opened and committed); or the "
           "estate is invalid, or " + RUN_FAILED_ARCHIVE,
    usage="usage error: a bad --now, a path that is not an estate or has no commits",
    environment=RUN_ENVIRONMENT)


def register(app: typer.Typer) -> None:
    command(app, "compliance", exits=EXITS)(compliance)


def compliance(
    now: NowOpt = None,
    commit: Annotated[bool, typer.Option("--commit/--no-commit", help="Commit the record.")]
    = True,
    estate: EstateOpt = None,
) -> None:
    """Checklists that did not complete on every host within their cadence."""
    done(compliance_cmd.run(root=estate_root(estate), now=now, commit=commit))
