"""The command line: parse, call one function per command, map errors to exit codes.

One module here per command or command group (a typer sub-app), beside the module of
``runner/commands/`` that does the work as ``run(...) -> int`` (or one function per
subcommand): ``cli/findings.py`` parses for ``commands/findings.py``. Each module has
``register(app)``; this package assembles the ``patrol`` app from them and owns ``main``.
``cli/common.py`` holds what they share (the estate root found upward, options, the help
format and its "Exit status" section); ``cli/complete.py`` the shell completion of estate
names. The modules import only ``common`` and ``complete``, never this package or each other.

Command modules import only the standard library and light project modules at the top and
their heavy dependencies (pydantic models, Ansible, Git) inside ``run``, so ``patrol
validate`` does not pay for Ansible or Git imports, and completing a name stays fast.
"""

from __future__ import annotations

import copy
import os
import sys
from typing import Annotated

import typer
from typer.main import get_command_name

from ..errors import Exit, PatrolError
from . import (
    audit,
    compliance,
    demo,
    findings,
    hostkeys,
    incidents,
    init,
    inspect,
    inventory,
    lab,
    lifecycle,
    notify,
    plan,
    report,
    schema,
    spares,
    upgrade,
    validate,
)
from .common import PatrolGroup, exit_status, pause_collector, settle_before_exit

HELP = "Patrol: the estate as YAML in Git, inspections and upgrades through Ansible."
EXITS = exit_status(
    "success: the estate is valid, every check passed",
    failed="the work found a problem (an invalid estate, a failing check, an unreachable "
           "host) or the archive did (see each command's help)",
    environment="the machine cannot do it: not root, a missing tool, reports/ not writable, "
                "another run holds the lock",
    interrupted="interrupted by SIGINT or SIGTERM (what was measured is still recorded)")

app = typer.Typer(
    cls=PatrolGroup,
    rich_markup_mode=None,
    add_completion=True,  # --install-completion / --show-completion: bash, zsh, fish
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help=HELP,
    epilog=EXITS,
)


def _version(value: bool) -> None:
    if value:
        from ..version import versions

        typer.echo(versions())
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Print the versions of Patrol, ansible-core and Python, and exit.")] = False,
) -> None:
    """Patrol: the estate as YAML in Git, inspections and upgrades through Ansible."""


for _module in (validate, init, schema, inventory, inspect, plan, findings, compliance, demo,
                upgrade, spares, lifecycle, report, audit, lab, incidents, notify, hostkeys):
    _module.register(app)

# the sub-apps by their old names (tests and callers that invoke one group alone)
audit_app = audit.app
findings_app = findings.app
lifecycle_app = lifecycle.app
report_app = report.app
spares_app = spares.app


def app_for(args: list[str]) -> typer.Typer:
    """The app that runs ``args``: when the first one names a command or group, the root with
    that one alone, else (help, ``--version``, completion, a mistyped name) the whole app.

    typer turns every registered command into click's form (signatures, type hints, each
    option) before it parses anything: for some fifty commands, a tenth of a work plan's
    time. The root keeps its callback and settings, so the one command parses, helps and
    fails exactly as it does in the whole app."""
    if not args or any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return app  # shell completion (click's _PROG_COMPLETE) completes every name
    name = args[0]
    groups = [g for g in getattr(app, "registered_groups", ()) if g.name == name]
    commands = [c for c in getattr(app, "registered_commands", ())
                if (c.name or get_command_name(c.callback.__name__)) == name]
    if len(groups) + len(commands) != 1:
        return app
    one = copy.copy(app)
    one.registered_groups, one.registered_commands = groups, commands
    return one


def main() -> None:
    """Entry point: a user mistake is one clean line and its exit code, never a traceback."""
    pause_collector()  # until the command starts (PatrolCommand.invoke)
    try:
        app_for(sys.argv[1:])(standalone_mode=True)
    except PatrolError as exc:
        from ..escape import terminal_lines

        typer.echo(f"patrol: {terminal_lines(exc)}", err=True)
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        typer.echo("patrol: interrupted", err=True)
        sys.exit(130)
    finally:
        settle_before_exit()


__all__ = ["Exit", "app", "app_for", "audit_app", "findings_app", "lifecycle_app", "main",
           "report_app", "spares_app"]
