"""``patrol findings`` and its subcommands: parses for ``runner.commands.findings``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from ..commands import findings as findings_cmd
from . import complete
from .common import (
    RUN_ENVIRONMENT,
    RUN_FAILED_ARCHIVE,
    EstateOpt,
    FormatOpt,
    HostSelectorOpt,
    NowOpt,
    PushOpt,
    ReportFormat,
    choices,
    command,
    done,
    estate_root,
    exit_status,
    group,
)


class FindingState(StrEnum):
    """A finding's states (``runner.findings.model.State``, not imported: it brings Git)."""

    open = "open"
    warned = "warned"
    overdue = "overdue"
    penalised = "penalised"
    waived = "waived"
    closed = "closed"


LIST_EXITS = exit_status(
    "the findings were listed, however many there are",
    usage="usage error: an empty or bad --host or --owner, a path that is not an estate or "
          "not in a Git repository")
ASSIGN_EXITS = exit_status(
    "the finding has its new owner, recorded and committed",
    failed=RUN_FAILED_ARCHIVE[0].upper() + RUN_FAILED_ARCHIVE[1:],
    usage="usage error: an unknown finding, an empty --to, a path that is not an estate; "
          "nothing is written",
    environment=RUN_ENVIRONMENT)
ESCALATE_EXITS = exit_status(
    "the escalation ran and is committed (--no-commit: previewed), whatever it moved",
    failed="the estate is invalid, or " + RUN_FAILED_ARCHIVE,
    usage="usage error: a bad --now, a path that is not an estate or has no commits",
    environment=RUN_ENVIRONMENT)

app = group(help="Findings and their deadlines.", exits=LIST_EXITS)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="findings")


@app.callback(invoke_without_command=True)
def findings(
    ctx: typer.Context,
    state: Annotated[list[FindingState] | None, typer.Option(
        "--state", metavar=choices(FindingState),
        help="Only these states (repeatable).")] = None,
    host: HostSelectorOpt = None,
    overdue: Annotated[bool, typer.Option("--overdue",
                                          help="Only overdue or penalised findings.")] = False,
    fmt: FormatOpt = ReportFormat.text,
    owner: Annotated[str | None, typer.Option("--owner", metavar="WHO",
                                              help="Only this owner's findings.")] = None,
    estate: EstateOpt = None,
) -> None:
    """List findings (active ones unless --state says otherwise) with totals."""
    if ctx.invoked_subcommand is None:
        done(findings_cmd.run(root=estate_root(estate),
                              states=[s.value for s in state] if state else None, host=host,
                              overdue=overdue, fmt=fmt.value, owner=owner))


@command(app, "assign", exits=ASSIGN_EXITS)
def findings_assign(
    finding: Annotated[str, typer.Argument(help="Finding id, e.g. web-01/ssh.",
                                           autocompletion=complete.findings)],
    to: Annotated[str, typer.Option("--to", metavar="WHO", help="Who answers for it now.")],
    estate: EstateOpt = None,
) -> None:
    """Give a finding a new owner (a sealed record and a commit)."""
    done(findings_cmd.assign(root=estate_root(estate), fid=finding, to=to))


@command(app, "escalate", exits=ESCALATE_EXITS)
def findings_escalate(
    now: NowOpt = None,
    commit: Annotated[bool, typer.Option("--commit/--no-commit", help="Commit the record.")]
    = True,
    push: PushOpt = False,
    estate: EstateOpt = None,
) -> None:
    """Lapse expired waivers, move findings to warned / overdue / penalised, and warn or
    breach incident clocks (the one escalation CI runs every 15 minutes)."""
    done(findings_cmd.escalate(root=estate_root(estate), now=now, commit=commit, push=push))


MIGRATE_EXITS = exit_status(
    "the findings are one per problem: merged, recorded and committed (--no-commit: "
    "previewed), or nothing was left to merge",
    failed=RUN_FAILED_ARCHIVE[0].upper() + RUN_FAILED_ARCHIVE[1:],
    usage="usage error: a path that is not an estate or has no commits; nothing is written",
    environment=RUN_ENVIRONMENT)


@command(app, "migrate", exits=MIGRATE_EXITS)
def findings_migrate(
    commit: Annotated[bool, typer.Option("--commit/--no-commit", help="Commit the record.")]
    = True,
    estate: EstateOpt = None,
) -> None:
    """Merge findings an older Patrol kept per checklist (web-01/daily.ssh,
    web-01/weekly.ssh) into one per problem (web-01/ssh), history kept: one sealed record
    and one commit that `patrol audit verify` checks."""
    done(findings_cmd.migrate(root=estate_root(estate), commit=commit))
