"""``patrol spares`` and its subcommands: parses for ``runner.commands.spares``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..commands import spares as spares_cmd
from . import complete
from .common import (
    RUN_ENVIRONMENT,
    RUN_FAILED_ARCHIVE,
    CommitOpt,
    EditPushOpt,
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

COVERAGE_EXITS = exit_status(
    "every spare-part commitment is covered at every site",
    failed="a commitment is short at a site; or the estate is invalid",
    usage="usage error: an empty or bad --site, a path that is not an estate")
MOVE_EXITS = exit_status(
    "the stock moved: inventory/spares.yaml edited, recorded and committed",
    failed="the depot holds fewer than asked (nothing changes); or " + RUN_FAILED_ARCHIVE,
    usage="usage error: an unknown part, depot or host, a quantity below 1, an empty --reason; "
          "nothing is written",
    environment=RUN_ENVIRONMENT)
CHECK_EXITS = exit_status(
    "no commitment is short: findings closed as their cause went, recorded and committed",
    failed="a commitment is short at a site (its finding opened and committed); or the "
           "estate is invalid, or " + RUN_FAILED_ARCHIVE,
    usage="usage error: a bad --now, a path that is not an estate or has no commits",
    environment=RUN_ENVIRONMENT)

app = group(help="Spare-part coverage and stock movements.", exits=COVERAGE_EXITS)
ReasonOpt = Annotated[str, typer.Option("--reason", metavar="TEXT",
                                        help="Why (ticket, fault, delivery).")]
DepotOpt = Annotated[str, typer.Option("--depot", metavar="DEPOT",
                                       help="The depot the part moves at.")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="spares")


@app.callback(invoke_without_command=True)
def spares(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", metavar="SITES",
                                             help="Site ids or globs, comma-separated.")]
    = None,
    fmt: FormatOpt = ReportFormat.text,
    estate: EstateOpt = None,
) -> None:
    """Coverage per site and part: required, reachable in time, shortfall (exit 1 if short)."""
    if ctx.invoked_subcommand is None:
        done(spares_cmd.run(root=estate_root(estate), site=site, fmt=fmt.value))


@command(app, "use", exits=MOVE_EXITS)
def spares_use(
    part: Annotated[str, typer.Argument(help="The part used.")], depot: DepotOpt,
    host: Annotated[str, typer.Option("--host", metavar="HOST",
                                      help="The host it went into.",
                                      autocompletion=complete.hosts)],
    reason: ReasonOpt,
    quantity: Annotated[int, typer.Option("--quantity", metavar="N", help="How many.")] = 1,
    commit: CommitOpt = True, push: EditPushOpt = False, estate: EstateOpt = None,
) -> None:
    """Take parts out of a depot for a host: edit inventory/spares.yaml, record, commit."""
    done(spares_cmd.move(root=estate_root(estate), action="use", part=part, depot=depot,
                         host=host, quantity=quantity, reason=reason, commit=commit, push=push))


@command(app, "receive", exits=MOVE_EXITS)
def spares_receive(
    part: Annotated[str, typer.Argument(help="The part received.")], depot: DepotOpt,
    quantity: Annotated[int, typer.Option("--quantity", metavar="N", help="How many arrived.")],
    reason: ReasonOpt,
    commit: CommitOpt = True, push: EditPushOpt = False, estate: EstateOpt = None,
) -> None:
    """Add parts received at a depot: edit inventory/spares.yaml, record, commit."""
    done(spares_cmd.move(root=estate_root(estate), action="receive", part=part, depot=depot,
                         host=None, quantity=quantity, reason=reason, commit=commit,
                         push=push))


@command(app, "check", exits=CHECK_EXITS)
def spares_check(now: NowOpt = None, commit: CommitOpt = True, push: PushOpt = False,
                 estate: EstateOpt = None) -> None:
    """Open findings for commitments short at a site, close those covered again."""
    done(spares_cmd.check(root=estate_root(estate), now=now, commit=commit, push=push))
