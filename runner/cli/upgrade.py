"""``patrol upgrade``: parses for ``runner.commands.upgrade``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..commands import upgrade as upgrade_cmd
from . import complete
from .common import (
    RUN_ENVIRONMENT,
    RUN_FAILED_ARCHIVE,
    EstateOpt,
    LabOpt,
    NowOpt,
    command,
    done,
    estate_root,
    exit_status,
)

EXITS = exit_status(
    "every targeted host was upgraded and passed its post-checks (--check: nothing to do "
    "or all would change cleanly)",
    failed="no targeted host's window is open (the message says when it opens), a wave "
           "halted, a host failed, was unreachable or was skipped by a pre-check; or the "
           "estate is invalid, or " + RUN_FAILED_ARCHIVE,
    usage="usage error: an unknown plan, an empty or far-off --now, a path that is not an "
          "estate, a detached HEAD; nothing is touched",
    environment=RUN_ENVIRONMENT,
    interrupted="interrupted (SIGINT or SIGTERM): what was upgraded is still recorded and "
                "committed")


def register(app: typer.Typer) -> None:
    command(app, "upgrade", exits=EXITS)(upgrade)


def upgrade(
    plan: Annotated[str, typer.Argument(help="An upgrade plan file stem (or its path).",
                                        autocompletion=complete.plans)],
    check: Annotated[bool, typer.Option("--check", help="Show what would change; change "
                                        "nothing (Ansible check mode).")] = False,
    now: NowOpt = None,
    commit: Annotated[bool, typer.Option("--commit/--no-commit", help="Commit records.")] = True,
    push: Annotated[bool, typer.Option("--push/--no-push", help="With an archive branch: push "
                                       "the record to it and the inventory edit's own branch, "
                                       "for a PR.")] = False,
    lab: LabOpt = False,
    estate: EstateOpt = None,
) -> None:
    """Run an upgrade plan in its window, wave by wave: pre-checks, apt, post-checks, halt."""
    done(upgrade_cmd.run(root=estate_root(estate), plan=plan, check=check, now=now,
                         commit=commit, lab=lab, push=push))
