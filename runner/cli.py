"""The command line: parse, call one function per command, map errors to exit codes.

Each command's work lives in ``runner/commands/<name>.py`` as ``run(...) -> int``, imported
here and called directly. Command modules import only the standard library and light
project modules at the top and their heavy dependencies (pydantic models, Ansible, Git)
inside ``run``, so ``patrol validate`` does not pay for Ansible or Git imports.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from .commands import audit as audit_cmd
from .commands import compliance as compliance_cmd
from .commands import demo as demo_cmd
from .commands import findings as findings_cmd
from .commands import init as init_cmd
from .commands import inspect as inspect_cmd
from .commands import inventory as inventory_cmd
from .commands import lab as lab_cmd
from .commands import lifecycle as lifecycle_cmd
from .commands import plan as plan_cmd
from .commands import report as report_cmd
from .commands import schema as schema_cmd
from .commands import spares as spares_cmd
from .commands import upgrade as upgrade_cmd
from .commands import validate as validate_cmd
from .errors import Exit, PatrolError

app = typer.Typer(
    add_completion=True,  # --install-completion / --show-completion for bash and zsh
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Patrol: the estate as YAML in Git, inspections and upgrades through Ansible.",
)

EstateOpt = Annotated[
    Path, typer.Option("--estate", "-e", help="Root of the estate repository.", show_default=True)
]
LabOpt = Annotated[bool, typer.Option(
    "--lab", help="Reach the estate's hosts through the lab (patrol lab up): its addresses, key "
    "and ssh options.")]


def _version(value: bool) -> None:
    if value:
        from .version import versions

        typer.echo(versions())
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Print the versions of Patrol, ansible-core and Python, and exit.")] = False,
) -> None:
    """Patrol: the estate as YAML in Git, inspections and upgrades through Ansible."""


def _root(root: Path) -> Path:
    """The estate root every command takes: a missing directory is one clean usage error."""
    if not root.is_dir():
        raise PatrolError(f"{root}: no such directory (expected the estate's root)")
    return root


def _exit(code: int) -> NoReturn:
    """A command's return value is the process's exit code."""
    raise typer.Exit(int(code))


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    gitlab = "gitlab"
    sarif = "sarif"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class PlanFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    gitlab = "gitlab"
    sarif = "sarif"


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="Estate root to validate.")] = Path("."),
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
) -> None:
    """Validate every estate file and the references between them; report all errors."""
    _exit(validate_cmd.run(root=_root(path), fmt=fmt.value))


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="New (or empty) directory for the estate.")],
) -> None:
    """Start a new estate repository: sample estate, CI templates, pre-commit; it validates."""
    _exit(init_cmd.run(dest=directory))


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option(help="Write one schema file per kind here.")] = None,
) -> None:
    """Export the JSON Schema of each estate file kind, generated from the models."""
    _exit(schema_cmd.run(out=out))


@app.command()
def inventory(
    list_: Annotated[bool, typer.Option("--list", help="The whole inventory.")] = False,
    host: Annotated[str | None, typer.Option("--host", help="One host's variables.")] = None,
    lab: LabOpt = False,
    estate: EstateOpt = Path("."),
) -> None:
    """The estate as Ansible dynamic-inventory JSON."""
    _exit(inventory_cmd.run(root=_root(estate), list_=list_, host=host, lab=lab))


@app.command()
def inspect(
    checklist: Annotated[str, typer.Argument(help="A checklist file stem.")],
    limit: Annotated[str | None, typer.Option(help="Host selector narrowing its hosts.")] = None,
    junit: Annotated[Path | None, typer.Option(help="Write a JUnit XML report here.")] = None,
    commit: Annotated[bool, typer.Option("--commit/--no-commit", help="Commit records.")] = True,
    push: Annotated[bool, typer.Option(help="Push the commit (rebasing, never forcing).")] = False,
    lab: LabOpt = False,
    estate: EstateOpt = Path("."),
) -> None:
    """Run a checklist against its hosts, judge, record and commit."""
    _exit(inspect_cmd.run(root=_root(estate), checklist=checklist, limit=limit, junit=junit,
                         commit=commit, push=push, lab=lab))


@app.command()
def plan(
    base: Annotated[str, typer.Option("--base", help="Revision to compare from (e.g. the "
                                      "target branch).")],
    head: Annotated[str, typer.Option("--head", help="Revision to compare to (read from Git; "
                                      "the working tree is not read).")] = "HEAD",
    fmt: Annotated[PlanFormat, typer.Option("--format", "-f", help="gitlab and sarif: the "
                                            "head's problems only.")] = PlanFormat.text,
    estate: EstateOpt = Path("."),
) -> None:
    """What a change means: the semantic diff of the estate between two Git revisions.

    Exit 0 when the head estate is valid, 1 when it is not (its errors come first) or the
    change leaves a spare-part commitment short at a site.
    """
    _exit(plan_cmd.run(root=_root(estate), base=base, head=head, fmt=fmt.value))


findings_app = typer.Typer(no_args_is_help=False, help="Findings and their deadlines.")
NowOpt = Annotated[str | None, typer.Option("--now", help="Evaluate at this ISO time (tests).")]


@findings_app.callback(invoke_without_command=True)
def findings(
    ctx: typer.Context,
    state: Annotated[list[str] | None, typer.Option(help="Only these states (repeatable).")] = None,
    host: Annotated[str | None, typer.Option(help="Host selector.")] = None,
    overdue: Annotated[bool, typer.Option(help="Only overdue or penalised findings.")] = False,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
    owner: Annotated[str | None, typer.Option(help="Only this owner's findings.")] = None,
    estate: EstateOpt = Path("."),
) -> None:
    """List findings (active ones unless --state says otherwise) with totals."""
    if ctx.invoked_subcommand is None:
        _exit(findings_cmd.run(root=_root(estate), states=state, host=host, overdue=overdue,
                               fmt=fmt.value, owner=owner))


@findings_app.command("assign")
def findings_assign(
    finding: Annotated[str, typer.Argument(help="Finding id, e.g. web-01/daily.ssh.")],
    to: Annotated[str, typer.Option("--to", help="Who answers for it now.")],
    estate: EstateOpt = Path("."),
) -> None:
    """Give a finding a new owner (a sealed record and a commit)."""
    _exit(findings_cmd.assign(root=_root(estate), fid=finding, to=to))


@findings_app.command("escalate")
def findings_escalate(
    now: NowOpt = None,
    commit: Annotated[bool, typer.Option("--commit/--no-commit")] = True,
    push: Annotated[bool, typer.Option(help="Push the commit (rebasing, never forcing).")] = False,
    estate: EstateOpt = Path("."),
) -> None:
    """Lapse expired waivers, move findings to warned / overdue / penalised, and warn or
    breach incident clocks (the one escalation CI runs every 15 minutes)."""
    _exit(findings_cmd.escalate(root=_root(estate), now=now, commit=commit, push=push))


@app.command()
def compliance(
    now: NowOpt = None,
    commit: Annotated[bool, typer.Option("--commit/--no-commit")] = True,
    estate: EstateOpt = Path("."),
) -> None:
    """Checklists that did not complete on every host within their cadence."""
    _exit(compliance_cmd.run(root=_root(estate), now=now, commit=commit))


@app.command()
def demo(
    checklist: Annotated[str, typer.Argument(help="Checklist to run.")] = "daily",
    estate: EstateOpt = Path("."),
) -> None:
    """Bring the lab up and inspect it in a throwaway clone; print the summary and commit."""
    _exit(demo_cmd.run(root=_root(estate), checklist=checklist))


@app.command()
def upgrade(
    plan: Annotated[str, typer.Argument(help="An upgrade plan file stem (or its path).")],
    check: Annotated[bool, typer.Option("--check", help="Show what would change; change "
                                        "nothing (Ansible check mode).")] = False,
    now: NowOpt = None,
    commit: Annotated[bool, typer.Option("--commit/--no-commit", help="Commit records.")] = True,
    push: Annotated[bool, typer.Option(help="With an archive branch: push the record to it and "
                                       "the inventory edit's own branch, for a PR.")] = False,
    lab: LabOpt = False,
    estate: EstateOpt = Path("."),
) -> None:
    """Run an upgrade plan in its window, wave by wave: pre-checks, apt, post-checks, halt."""
    _exit(upgrade_cmd.run(root=_root(estate), plan=plan, check=check, now=now, commit=commit,
                          lab=lab, push=push))


# --- spare parts and equipment lifecycle (runner/commands/spares.py, lifecycle.py) --------
spares_app = typer.Typer(no_args_is_help=False, help="Spare-part coverage and stock movements.")
lifecycle_app = typer.Typer(no_args_is_help=False, help="Warranties, end of life, replacements.")
CommitOpt = Annotated[bool, typer.Option("--commit/--no-commit", help="Commit the record.")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (ticket, fault, delivery).")]
DepotOpt = Annotated[str, typer.Option("--depot", help="The depot the part moves at.")]
PushOpt = Annotated[bool, typer.Option(help="Push the commit (re-made on a moved tip, never "
                                            "forced).")]

EditPushOpt = Annotated[bool, typer.Option(help="With an archive branch: push the record to "
                                               "it and the estate edit's own branch, for a PR.")]


@spares_app.callback(invoke_without_command=True)
def spares(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option(help="Site ids or globs, comma-separated.")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
    estate: EstateOpt = Path("."),
) -> None:
    """Coverage per site and part: required, reachable in time, shortfall (exit 1 if short)."""
    if ctx.invoked_subcommand is None:
        _exit(spares_cmd.run(root=_root(estate), site=site, fmt=fmt.value))


@spares_app.command("use")
def spares_use(
    part: Annotated[str, typer.Argument(help="The part used.")], depot: DepotOpt,
    host: Annotated[str, typer.Option("--host", help="The host it went into.")],
    reason: ReasonOpt,
    quantity: Annotated[int, typer.Option(help="How many.")] = 1,
    commit: CommitOpt = True, push: EditPushOpt = False, estate: EstateOpt = Path("."),
) -> None:
    """Take parts out of a depot for a host: edit inventory/spares.yaml, record, commit."""
    _exit(spares_cmd.move(root=_root(estate), action="use", part=part, depot=depot, host=host,
                          quantity=quantity, reason=reason, commit=commit, push=push))


@spares_app.command("receive")
def spares_receive(
    part: Annotated[str, typer.Argument(help="The part received.")], depot: DepotOpt,
    quantity: Annotated[int, typer.Option(help="How many arrived.")], reason: ReasonOpt,
    commit: CommitOpt = True, push: EditPushOpt = False, estate: EstateOpt = Path("."),
) -> None:
    """Add parts received at a depot: edit inventory/spares.yaml, record, commit."""
    _exit(spares_cmd.move(root=_root(estate), action="receive", part=part, depot=depot,
                          host=None, quantity=quantity, reason=reason, commit=commit, push=push))


@spares_app.command("check")
def spares_check(now: NowOpt = None, commit: CommitOpt = True, push: PushOpt = False,
                 estate: EstateOpt = Path(".")) -> None:
    """Open findings for commitments short at a site, close those covered again."""
    _exit(spares_cmd.check(root=_root(estate), now=now, commit=commit, push=push))


@lifecycle_app.callback(invoke_without_command=True)
def lifecycle(
    ctx: typer.Context,
    horizon: Annotated[str, typer.Option(help="How far ahead to look.")] = "180d",
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
    estate: EstateOpt = Path("."),
) -> None:
    """Warranties and end of life within the horizon, the retire-before list, replacements."""
    if ctx.invoked_subcommand is None:
        _exit(lifecycle_cmd.run(root=_root(estate), horizon=horizon, fmt=fmt.value))


@lifecycle_app.command("check")
def lifecycle_check(now: NowOpt = None, commit: CommitOpt = True, push: PushOpt = False,
                    estate: EstateOpt = Path(".")) -> None:
    """Open findings for hosts past end of life or out of warranty, close the rest."""
    _exit(lifecycle_cmd.check(root=_root(estate), now=now, commit=commit, push=push))


# --- the monthly report (runner/commands/report.py) ------------------------------------------
report_app = typer.Typer(no_args_is_help=True, help="The customer's monthly report and work plan.")


class DocFormat(StrEnum):
    html = "html"
    markdown = "markdown"
    json = "json"


class Lang(StrEnum):
    en = "en"
    zh_CN = "zh-CN"


MonthArg = Annotated[str, typer.Argument(help="The month, YYYY-MM.")]
DocFormatOpt = Annotated[DocFormat, typer.Option("--format", "-f", help="Output format.")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of the labels, dates and "
                                       "numbers (estate text is shown as written).")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")]


@report_app.command("monthly")
def report_monthly(
    month: MonthArg, fmt: DocFormatOpt = DocFormat.html, lang: LangOpt = Lang.en,
    out: OutOpt = None,
    commit: Annotated[bool, typer.Option("--commit", help="Write reports/monthly/YYYY-MM."
                                         "{html,md} and commit them as a sealed record.")] = False,
    push: PushOpt = False, estate: EstateOpt = Path("."),
) -> None:
    """The month's report from the archive alone: inspections, findings, waivers, the monthly
    assessment, upgrades, spare parts, and next month's work plan."""
    _exit(report_cmd.monthly(root=_root(estate), month=month, fmt=fmt.value, lang=lang.value,
                             out=out, commit=commit, push=push))


@report_app.command("workplan")
def report_workplan(month: MonthArg, fmt: DocFormatOpt = DocFormat.markdown,
                    lang: LangOpt = Lang.en, out: OutOpt = None,
                    estate: EstateOpt = Path(".")) -> None:
    """The work plan for the month YYYY-MM alone: inspections by date, upgrade windows,
    waivers, warranties and ends of life falling due, reorders."""
    _exit(report_cmd.workplan(root=_root(estate), month=month, fmt=fmt.value, lang=lang.value,
                              out=out))


# --- the auditor's archive (runner/commands/audit.py) --------------------------------------
audit_app = typer.Typer(no_args_is_help=True, help="The archive: verify it, read its timeline.")


@audit_app.command("verify")
def audit_verify(
    since: Annotated[str | None, typer.Option("--since", help="Verify only commits after this "
                                              "revision (e.g. the PR's target branch).")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
    estate: EstateOpt = Path("."),
) -> None:
    """Walk the history of reports/: seals, links, append-only, trailers, signatures. Exit 1
    on any break, each naming the commit, the file and what is wrong."""
    _exit(audit_cmd.verify(root=_root(estate), since=since, fmt=fmt.value))


@audit_app.command("log")
def audit_log(
    since: Annotated[str | None, typer.Option(help="From this date (ISO).")] = None,
    until: Annotated[str | None, typer.Option(help="Until this date (ISO).")] = None,
    host: Annotated[str | None, typer.Option(help="A host name or selector.")] = None,
    checklist: Annotated[str | None, typer.Option(help="Only this checklist.")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
    estate: EstateOpt = Path("."),
) -> None:
    """Runs, findings, waivers and upgrades from Git alone; every line names its commit."""
    _exit(audit_cmd.log(root=_root(estate), since=since, until=until, host=host,
                        checklist=checklist, fmt=fmt.value))


@audit_app.command("host")
def audit_host(
    host: Annotated[str, typer.Argument(help="The host.")],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
    estate: EstateOpt = Path("."),
) -> None:
    """One host's whole story: runs, findings, waivers, upgrades, estate changes."""
    _exit(audit_cmd.host_log(root=_root(estate), host=host, fmt=fmt.value))


def _add_subapps() -> None:
    app.add_typer(audit_app, name="audit")
    app.add_typer(findings_app, name="findings")
    app.add_typer(spares_app, name="spares")
    app.add_typer(lifecycle_app, name="lifecycle")
    app.add_typer(report_app, name="report")
    app.add_typer(lab_cmd.app, name="lab", help="The local test fleet of SSH hosts.")
    from . import cli_incidents

    cli_incidents.mount(app)


def main() -> None:
    """Entry point: a user mistake is one clean line and its exit code, never a traceback."""
    _add_subapps()
    try:
        app(standalone_mode=True)
    except PatrolError as exc:
        from .escape import terminal_lines

        typer.echo(f"patrol: {terminal_lines(exc)}", err=True)
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        typer.echo("patrol: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()

__all__ = ["Exit", "app", "main"]
