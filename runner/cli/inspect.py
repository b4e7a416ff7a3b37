"""``patrol inspect``: parses for ``runner.commands.inspect``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..commands import inspect as inspect_cmd
from . import complete
from .common import (
    RUN_ENVIRONMENT,
    RUN_FAILED_ARCHIVE,
    EstateOpt,
    LabOpt,
    command,
    done,
    estate_root,
    exit_status,
)

EXITS = exit_status(
    "every check passed (or was waived), and the record is committed",
    failed="a check failed or a host was unreachable (recorded and committed all the same); "
           "or the estate is invalid, or a secret the run needs (a BMC password such as "
           "PATROL_BMC_PASSWORD) cannot be read, before any host is touched, or "
           + RUN_FAILED_ARCHIVE,
    usage="usage error: an unknown checklist, a --limit that is empty or selects no host, a "
          "path that is not an estate, a detached HEAD, --push without a remote; nothing is "
          "measured",
    environment=RUN_ENVIRONMENT,
    interrupted="interrupted (SIGINT or SIGTERM): what was measured is still recorded and "
                "committed")


def register(app: typer.Typer) -> None:
    command(app, "inspect", exits=EXITS)(inspect)


def inspect(
    checklist: Annotated[str, typer.Argument(help="A checklist file stem.",
                                             autocompletion=complete.checklists)],
    limit: Annotated[str | None, typer.Option(
        "--limit", metavar="SELECTOR", help="Host selector narrowing its hosts.",
        autocompletion=complete.hosts)] = None,
    shard: Annotated[str | None, typer.Option(
        "--shard", metavar="I/N", help="Only the I-th of N shards of its hosts (stable by host "
        "name): each shard is a run with its own record; a cycle is done when all N are.")]
    = None,
    site: Annotated[str | None, typer.Option(
        "--site", metavar="SITE", help="Only the hosts of this site (a CI runner inside "
        "it).")] = None,
    junit: Annotated[Path | None, typer.Option(
        "--junit", metavar="FILE", help="Write a JUnit XML report here.")] = None,
    commit: Annotated[bool, typer.Option("--commit/--no-commit", help="Commit records.")] = True,
    push: Annotated[bool, typer.Option("--push/--no-push",
                                       help="Push the commit (rebasing, never forcing).")]
    = False,
    lab: LabOpt = False,
    estate: EstateOpt = None,
) -> None:
    """Run a checklist against its hosts, judge, record and commit."""
    done(inspect_cmd.run(root=estate_root(estate), checklist=checklist, limit=limit,
                         shard=shard, site=site, junit=junit, commit=commit, push=push, lab=lab))
