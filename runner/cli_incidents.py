"""The command line of incidents: `patrol incident STEP ...` and `patrol incidents`.

Parsing only, like ``runner.cli`` (which mounts these): each command calls one function of
``runner.commands.incidents``, which returns the exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .cli import EstateOpt, ReportFormat, _exit, _root
from .commands import incidents as incidents_cmd

app = typer.Typer(no_args_is_help=True, help="Support incidents: response and on-site clocks.")
IdArg = Annotated[str, typer.Argument(help="Incident id, e.g. INC-2026-0001.")]
AtOpt = Annotated[str | None, typer.Option(
    "--at", help="When it happened (ISO time with zone), at most 24 h back; default now.")]


@app.command("open")
def open_(
    host: Annotated[list[str], typer.Option("--host", help="Host name (repeatable).")],
    summary: Annotated[str, typer.Option(help="What is wrong.")],
    severity: Annotated[str | None, typer.Option(
        help="critical|high|medium|low; the clocks use it when above the hosts' criticality.")]
    = None,
    reported_by: Annotated[str | None, typer.Option(help="Who reported it.")] = None,
    via: Annotated[str, typer.Option(help="phone|email|monitoring|inspection")] = "phone",
    at: AtOpt = None,
    estate: EstateOpt = Path("."),
) -> None:
    """Open an incident: its response and on-site clocks start."""
    _exit(incidents_cmd.open_(root=_root(estate), hosts=host, summary=summary,
                              severity=severity,
                              reported_by=reported_by, via=via, at=at))


@app.command()
def respond(
    incident: IdArg,
    by: Annotated[str, typer.Option("--by", help="Who responded (remote response).")],
    note: Annotated[str | None, typer.Option(help="What was done.")] = None,
    at: AtOpt = None,
    estate: EstateOpt = Path("."),
) -> None:
    """Log the remote response: meets the response clock."""
    _exit(incidents_cmd.respond(root=_root(estate), iid=incident, by=by, note=note, at=at))


@app.command()
def arrive(
    incident: IdArg,
    engineer: Annotated[str, typer.Option(help="Who arrived on site.")],
    at: AtOpt = None,
    estate: EstateOpt = Path("."),
) -> None:
    """Log an engineer's on-site arrival: meets the on-site clock."""
    _exit(incidents_cmd.arrive(root=_root(estate), iid=incident, engineer=engineer, at=at))


@app.command()
def wait(
    incident: IdArg,
    reason: Annotated[str, typer.Option(help="What the customer is to do.")],
    at: AtOpt = None,
    estate: EstateOpt = Path("."),
) -> None:
    """Wait on the customer: both clocks pause."""
    _exit(incidents_cmd.wait(root=_root(estate), iid=incident, reason=reason, at=at))


@app.command()
def resume(incident: IdArg, at: AtOpt = None, estate: EstateOpt = Path(".")) -> None:
    """The customer answered: the clocks run again (from the next service-hours start)."""
    _exit(incidents_cmd.resume(root=_root(estate), iid=incident, at=at))


@app.command()
def resolve(
    incident: IdArg,
    note: Annotated[str, typer.Option(help="How it was resolved.")],
    by: Annotated[str | None, typer.Option(help="Who resolved it (default: you).")] = None,
    at: AtOpt = None,
    estate: EstateOpt = Path("."),
) -> None:
    """Resolve the incident with a note; unmet clocks stop."""
    _exit(incidents_cmd.resolve(root=_root(estate), iid=incident, note=note, by=by, at=at))


@app.command()
def assign(
    incident: IdArg,
    to: Annotated[str, typer.Option("--to", help="Who answers for it now.")],
    estate: EstateOpt = Path("."),
) -> None:
    """Give the incident a new owner."""
    _exit(incidents_cmd.assign(root=_root(estate), iid=incident, to=to))


def incidents(
    state: Annotated[list[str] | None, typer.Option(help="Only these states (repeatable).")]
    = None,
    host: Annotated[str | None, typer.Option(help="Host selector.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only this owner's.")] = None,
    breached: Annotated[bool, typer.Option(help="Only incidents with a breached clock.")]
    = False,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
    now: Annotated[str | None, typer.Option("--now", help="Clocks as of this ISO time.")] = None,
    estate: EstateOpt = Path("."),
) -> None:
    """List incidents (active ones unless --state says otherwise) with each clock's time left
    or how far it is breached."""
    _exit(incidents_cmd.listing(root=_root(estate), states=state, host=host, owner=owner,
                                  breached=breached, fmt=fmt.value, now=now))


def mount(root_app: typer.Typer) -> None:
    root_app.add_typer(app, name="incident")
    root_app.command("incidents")(incidents)
