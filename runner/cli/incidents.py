"""``patrol incident STEP ...`` and ``patrol incidents``: parses for
``runner.commands.incidents``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from ..commands import incidents as incidents_cmd
from . import complete
from .common import (
    RUN_ENVIRONMENT,
    RUN_FAILED_ARCHIVE,
    EstateOpt,
    FormatOpt,
    HostSelectorOpt,
    ReportFormat,
    choices,
    command,
    done,
    estate_root,
    exit_status,
    group,
)


class IncidentState(StrEnum):
    """An incident's states (``runner.incidents.model.State``, not imported: light start)."""

    open = "open"
    responded = "responded"
    on_site = "on-site"
    waiting = "waiting"
    resolved = "resolved"
    closed = "closed"


class Level(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


class Via(StrEnum):
    phone = "phone"
    email = "email"
    monitoring = "monitoring"
    inspection = "inspection"


STEP_EXITS = exit_status(
    "the step is recorded in the incident and committed as a sealed record",
    failed=RUN_FAILED_ARCHIVE[0].upper() + RUN_FAILED_ARCHIVE[1:],
    usage="usage error: an unknown host or incident, an empty name, a step on a resolved "
          "incident, --at in the future or over 24 h back; nothing is written",
    environment=RUN_ENVIRONMENT)
LIST_EXITS = exit_status(
    "the incidents were listed, whatever their clocks say (filter with --breached)",
    usage="usage error: an empty or bad --host or --owner, a bad --now, a path that is not an "
          "estate or not in a Git repository")

app = group(help="Support incidents: response and on-site clocks.", exits=STEP_EXITS,
            no_args_is_help=True)
IdArg = Annotated[str, typer.Argument(metavar="id", help="Incident id, e.g. INC-2026-0001.",
                                      autocompletion=complete.incidents)]
AtOpt = Annotated[str | None, typer.Option(
    "--at", metavar="TIME",
    help="When it happened (ISO time with zone), at most 24 h back; default now.")]
WhoOpt = Annotated[str, typer.Option("--to", metavar="WHO", help="Who answers for it now.")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="incident")
    command(root, "incidents", exits=LIST_EXITS)(incidents)


@command(app, "open", exits=STEP_EXITS)
def open_(
    host: Annotated[list[str], typer.Option("--host", metavar="HOST",
                                            help="Host name (repeatable).",
                                            autocompletion=complete.hosts)],
    summary: Annotated[str, typer.Option("--summary", metavar="TEXT", help="What is wrong.")],
    severity: Annotated[Level | None, typer.Option(
        "--severity", metavar=choices(Level),
        help="The clocks use it when above the hosts' criticality.")] = None,
    reported_by: Annotated[str | None, typer.Option("--reported-by", metavar="WHO",
                                                    help="Who reported it.")] = None,
    via: Annotated[Via, typer.Option("--via", metavar=choices(Via),
                                     help="How it was reported.")] = Via.phone,
    at: AtOpt = None,
    estate: EstateOpt = None,
) -> None:
    """Open an incident: its response and on-site clocks start."""
    done(incidents_cmd.open_(root=estate_root(estate), hosts=host, summary=summary,
                             severity=severity.value if severity else None,
                             reported_by=reported_by, via=via.value, at=at))


@command(app, "respond", exits=STEP_EXITS)
def respond(
    incident: IdArg,
    by: Annotated[str, typer.Option("--by", metavar="WHO",
                                    help="Who responded (remote response).")],
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT",
                                             help="What was done.")] = None,
    at: AtOpt = None,
    estate: EstateOpt = None,
) -> None:
    """Log the remote response: meets the response clock."""
    done(incidents_cmd.respond(root=estate_root(estate), iid=incident, by=by, note=note, at=at))


@command(app, "arrive", exits=STEP_EXITS)
def arrive(
    incident: IdArg,
    engineer: Annotated[str, typer.Option("--engineer", metavar="WHO",
                                          help="Who arrived on site.")],
    at: AtOpt = None,
    estate: EstateOpt = None,
) -> None:
    """Log an engineer's on-site arrival: meets the on-site clock."""
    done(incidents_cmd.arrive(root=estate_root(estate), iid=incident, engineer=engineer, at=at))


@command(app, "wait", exits=STEP_EXITS)
def wait(
    incident: IdArg,
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT",
                                        help="What the customer is to do.")],
    at: AtOpt = None,
    estate: EstateOpt = None,
) -> None:
    """Wait on the customer: both clocks pause."""
    done(incidents_cmd.wait(root=estate_root(estate), iid=incident, reason=reason, at=at))


@command(app, "resume", exits=STEP_EXITS)
def resume(incident: IdArg, at: AtOpt = None, estate: EstateOpt = None) -> None:
    """The customer answered: the clocks run again (from the next service-hours start)."""
    done(incidents_cmd.resume(root=estate_root(estate), iid=incident, at=at))


@command(app, "resolve", exits=STEP_EXITS)
def resolve(
    incident: IdArg,
    note: Annotated[str, typer.Option("--note", metavar="TEXT",
                                      help="How it was resolved.")],
    by: Annotated[str | None, typer.Option("--by", metavar="WHO",
                                           help="Who resolved it (default: you).")] = None,
    at: AtOpt = None,
    estate: EstateOpt = None,
) -> None:
    """Resolve the incident with a note; unmet clocks stop."""
    done(incidents_cmd.resolve(root=estate_root(estate), iid=incident, note=note, by=by, at=at))


@command(app, "assign", exits=STEP_EXITS)
def assign(incident: IdArg, to: WhoOpt, estate: EstateOpt = None) -> None:
    """Give the incident a new owner."""
    done(incidents_cmd.assign(root=estate_root(estate), iid=incident, to=to))


def incidents(
    state: Annotated[list[IncidentState] | None, typer.Option(
        "--state", metavar=choices(IncidentState),
        help="Only these states (repeatable).")] = None,
    host: HostSelectorOpt = None,
    owner: Annotated[str | None, typer.Option("--owner", metavar="WHO",
                                              help="Only this owner's.")] = None,
    breached: Annotated[bool, typer.Option("--breached",
                                           help="Only incidents with a breached clock.")]
    = False,
    fmt: FormatOpt = ReportFormat.text,
    now: Annotated[str | None, typer.Option("--now", metavar="TIME",
                                            help="Clocks as of this ISO time.")] = None,
    estate: EstateOpt = None,
) -> None:
    """List incidents (active ones unless --state says otherwise) with each clock's time left
    or how far it is breached."""
    done(incidents_cmd.listing(root=estate_root(estate),
                               states=[s.value for s in state] if state else None, host=host,
                               owner=owner, breached=breached, fmt=fmt.value, now=now))
