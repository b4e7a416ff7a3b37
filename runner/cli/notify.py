"""``patrol notify``: parses for ``runner.commands.notify``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..commands import notify as notify_cmd
from .common import (
    RUN_ENVIRONMENT,
    RUN_FAILED_ARCHIVE,
    EstateOpt,
    PushOpt,
    command,
    done,
    estate_root,
    exit_status,
)

EXITS = exit_status(
    "every message owed was delivered and recorded (or, with --dry-run, listed)",
    failed="a message could not be delivered (recorded with its reason; the next run retries "
           "it); or the estate is invalid, or " + RUN_FAILED_ARCHIVE,
    usage="usage error: neither --pending nor --dry-run, a path that is not an estate",
    environment="this install has no Apprise (pip install 'patrol-gitops[notify]'); or "
                + RUN_ENVIRONMENT)


def register(app: typer.Typer) -> None:
    command(app, "notify", exits=EXITS)(notify)


def notify(
    pending: Annotated[bool, typer.Option(
        "--pending", help="Send every message the archive says is owed and record each "
        "delivery or failure.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="List what is owed (and held by quiet hours); send nothing.")]
    = False,
    push: PushOpt = False,
    estate: EstateOpt = None,
) -> None:
    """Deliver the notifications runs owe (email, webhooks, chat), exactly once."""
    if not pending and not dry_run:
        from ..errors import PatrolError

        raise PatrolError("say --pending (send what is owed) or --dry-run (list it)")
    done(notify_cmd.run(root=estate_root(estate), dry_run=dry_run, push=push))
