"""``patrol audit verify | repair | signatures-off | log | host``: parses for
``runner.commands.audit``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..commands import audit as audit_cmd
from . import complete
from .common import (
    EstateOpt,
    FormatOpt,
    HostSelectorOpt,
    ReportFormat,
    command,
    done,
    estate_root,
    exit_status,
    group,
)

NO_ARCHIVE = "a path that is not an estate, not in a Git repository or without commits"
VERIFY_EXITS = exit_status(
    "the archive is intact: seals, links, append-only, trailers, signatures",
    failed="a break: each is printed naming the commit, the file and what is wrong",
    usage=f"usage error: a --since Git does not know, {NO_ARCHIVE}")
LOG_EXITS = exit_status("the timeline was printed",
                        usage=f"usage error: a bad date or selector, {NO_ARCHIVE}")
HOST_EXITS = exit_status("the host's story was printed", usage=f"usage error: {NO_ARCHIVE}")
REPAIR_EXITS = exit_status(
    "the archive verifies: repaired (breaks acknowledged by a signed repair record), or "
    "nothing to repair",
    failed="refused (no allowed signing key, uncommitted changes under reports/, nothing "
    "verified to restore) or a break still open after the repair",
    usage=f"usage error: {NO_ARCHIVE}")

app = group(help="The archive: verify it, read its timeline.", no_args_is_help=True,
            exits=exit_status("the command's work was done; see each command's help",
                              failed="audit verify found a break",
                              usage="usage error: an unknown command or option"))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="audit")


@command(app, "verify", exits=VERIFY_EXITS)
def audit_verify(
    since: Annotated[str | None, typer.Option(
        "--since", metavar="REV", help="Verify only commits after this revision (e.g. the "
        "PR's target branch).")] = None,
    fmt: FormatOpt = ReportFormat.text,
    estate: EstateOpt = None,
) -> None:
    """Walk the history of reports/: seals, links, append-only, trailers, signatures. Exit 1
    on any break, each naming the commit, the file and what is wrong."""
    done(audit_cmd.verify(root=estate_root(estate), since=since, fmt=fmt.value))


@command(app, "repair", exits=REPAIR_EXITS)
def audit_repair(
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Print what would be restored and acknowledged; change "
        "nothing.")] = False,
    estate: EstateOpt = None,
) -> None:
    """Restore reports/ to the last verified commit, with a signed repair record naming
    every break it acknowledges; history is never rewritten. Needs an allowed signing key
    (PATROL_SIGNING_KEY or git config user.signingkey)."""
    done(audit_cmd.repair(root=estate_root(estate), dry_run=dry_run))


OFF_EXITS = exit_status(
    "the turn-off is signed and recorded: verify counts it from the record on",
    failed="refused (no allowed signing key, signatures not required, the archive does not "
    "verify, uncommitted changes to policies/service.yaml); nothing was recorded",
    usage=f"usage error: an empty --reason, {NO_ARCHIVE}")


@command(app, "signatures-off", exits=OFF_EXITS)
def audit_signatures_off(
    reason: Annotated[str, typer.Option(
        "--reason", metavar="TEXT", help="Why signatures stop being required; kept in the "
        "record.")],
    estate: EstateOpt = None,
) -> None:
    """Stop requiring signatures as a signed, recorded event: sets archive.require_signatures
    to false in a signed commit (unless a merged change already did) and adds a sealed policy
    record naming it. Until that record lands, verify still requires signatures. Needs an
    allowed signing key (PATROL_SIGNING_KEY or git config user.signingkey)."""
    done(audit_cmd.signatures_off(root=estate_root(estate), reason=reason))


@command(app, "log", exits=LOG_EXITS)
def audit_log(
    since: Annotated[str | None, typer.Option("--since", metavar="DATE",
                                              help="From this date (ISO).")] = None,
    until: Annotated[str | None, typer.Option("--until", metavar="DATE",
                                              help="Until this date (ISO).")] = None,
    host: HostSelectorOpt = None,
    checklist: Annotated[str | None, typer.Option(
        "--checklist", metavar="NAME", help="Only this checklist.",
        autocompletion=complete.checklists)] = None,
    fmt: FormatOpt = ReportFormat.text,
    estate: EstateOpt = None,
) -> None:
    """Runs (and who ran them), findings, incidents, waivers, upgrades and every change to
    the promises (service policy, spare-part commitments, signature policy and allowed
    signers, with who signed it) from Git alone; every line names its commit. --host and
    --checklist leave the policy changes out."""
    done(audit_cmd.log(root=estate_root(estate), since=since, until=until, host=host,
                       checklist=checklist, fmt=fmt.value))


@command(app, "host", exits=HOST_EXITS)
def audit_host(
    host: Annotated[str, typer.Argument(help="The host.", autocompletion=complete.hosts)],
    fmt: FormatOpt = ReportFormat.text,
    estate: EstateOpt = None,
) -> None:
    """One host's whole story: runs, findings, waivers, upgrades, estate changes."""
    done(audit_cmd.host_log(root=estate_root(estate), host=host, fmt=fmt.value))
