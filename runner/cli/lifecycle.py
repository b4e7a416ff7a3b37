"""``patrol lifecycle`` and ``patrol lifecycle check``: parses for
``runner.commands.lifecycle``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..commands import lifecycle as lifecycle_cmd
from .common import (
    RUN_ENVIRONMENT,
    RUN_FAILED_ARCHIVE,
    CommitOpt,
    EstateOpt,
    FormatOpt,
    NowOpt,
    PushOpt,
    ReportFormat,
    command,
    done,
    estate_root,
    exit_status,
    group,
)

LIST_EXITS = exit_status(
    "no host is past its warranty or end of life",
    failed="a host is past its warranty or end of life; or the estate is invalid",
    usage="usage error: a bad --horizon, a path that is not an estate")
CHECK_EXITS = exit_status(
    "no host is past its warranty or end of life: findings closed, recorded and committed",
    failed="a host is past its warranty or end of life (its finding opened and committed); "
           "or the estate is invalid, or " + RUN_FAILED_ARCHIVE,
    usage="usage error: a bad --now, a path that is not an estate or has no commits",
    environment=RUN_ENVIRONMENT)

app = group(help="Warranties, end of life, replacements.", exits=LIST_EXITS)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="lifecycle")


@app.callback(invoke_without_command=True)
def lifecycle(
    ctx: typer.Context,
    horizon: Annotated[str, typer.Option("--horizon", metavar="DURATION",
                                         help="How far ahead to look, e.g. 90d or 26w.")]
    = "180d",
    fmt: FormatOpt = ReportFormat.text,
    estate: EstateOpt = None,
) -> None:
    """Warranties and end of life within the horizon, the retire-before list, replacements."""
    if ctx.invoked_subcommand is None:
        done(lifecycle_cmd.run(root=estate_root(estate), horizon=horizon, fmt=fmt.value))


@command(app, "check", exits=CHECK_EXITS)
def lifecycle_check(now: NowOpt = None, commit: CommitOpt = True, push: PushOpt = False,
                    estate: EstateOpt = None) -> None:
    """Open findings for hosts past end of life or out of warranty, close the rest."""
    done(lifecycle_cmd.check(root=estate_root(estate), now=now, commit=commit, push=push))
