"""`patrol lab ...`: the local test fleet of SSH hosts (see runner/lab).

Each command calls one function of runner.lab; a PatrolError propagates to runner.cli, which
prints it as one line and exits with its code (3: this machine cannot, 2: unknown host).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True)


def connections(enabled: bool) -> dict[str, dict[str, object]]:
    """The lab as a connection provider, only for a user who asked for it (``--lab``): the
    Ansible connection vars (address, key, ssh options) of the lab hosts that are up."""
    if not enabled:
        return {}
    from runner import lab

    return lab.ansible_vars()

HostArg = Annotated[str, typer.Argument(help="Lab host name, e.g. web-01.")]


@app.command()
def image(
    rebuild: Annotated[bool, typer.Option(help="Rebuild even if the cached image is current.")]
    = False,
) -> None:
    """Build the lab's base image and apt repository once (cached in /var/cache/patrol-lab)."""
    from runner.lab import image as img
    from runner.lab import preflight

    preflight.require_root()
    preflight.require_tools(("dpkg-deb", "apt-ftparchive", "openssl"))
    path = img.ensure_image(rebuild=rebuild, echo=typer.echo)
    for old in img.remove_stale():
        typer.echo(f"removed stale {old}")
    typer.echo(f"base image: {path}")


@app.command()
def up(
    hosts: Annotated[int | None, typer.Option(
        "--hosts", help="Total hosts: the estate's first, then generated lab-NN.")] = None,
    estate: Annotated[Path, typer.Option("--estate", "-e", help="Root of the estate.")]
    = Path("."),
) -> None:
    """Bring up the estate's hosts as lab hosts reachable over SSH."""
    from runner.lab import fleet

    state = fleet.up(estate, hosts, echo=typer.echo)
    typer.echo(f"lab up: {len(state.hosts)} hosts on {state.network}")
    _print_status()


@app.command()
def down(
    all_: Annotated[bool, typer.Option(
        "--all", help="Also labs of other names (test and benchmark labs) left on this machine.")]
    = False,
) -> None:
    """Remove every lab namespace, link, mount and process (a no-op when none is up)."""
    from runner.lab import fleet

    removed = [x for cfg in (fleet.all_labs() if all_ else [fleet.DEFAULT])
               for x in fleet.down(cfg)]
    typer.echo(f"lab down: removed {len(removed)} objects" if removed else "lab: nothing up")


@app.command()
def status() -> None:
    """Show the lab's hosts, whether their sshd answers, and the faults applied."""
    if not _print_status():
        typer.echo("lab: nothing up")


def _print_status() -> bool:
    from runner.lab import fleet

    rows = fleet.status()
    if not rows:
        return False
    cols = list(rows[0])
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in cols}
    typer.echo("  ".join(c.upper().ljust(widths[c]) for c in cols).rstrip())
    for r in rows:
        typer.echo("  ".join(r[c].ljust(widths[c]) for c in cols).rstrip())
    return True


@app.command("sshd-stop")
def sshd_stop(host: HostArg) -> None:
    """Stop sshd on a host (ssh is then refused)."""
    from runner.lab import faults

    faults.sshd_stop(host)


@app.command("sshd-start")
def sshd_start(host: HostArg) -> None:
    """Start sshd on a host again."""
    from runner.lab import faults

    faults.sshd_start(host)


@app.command("link-down")
def link_down(host: HostArg) -> None:
    """Take a host's network link down (ssh then times out)."""
    from runner.lab import faults

    faults.link_down(host)


@app.command("link-up")
def link_up(host: HostArg) -> None:
    """Bring a host's network link back up."""
    from runner.lab import faults

    faults.link_up(host)


@app.command("disk-attach")
def disk_attach(
    host: HostArg,
    path: Annotated[str, typer.Argument(help="Mount point inside the host.")],
    size: Annotated[str, typer.Option(help="Size of the disk, e.g. 16M.")] = "16M",
) -> None:
    """Attach a small disk at PATH inside a host (fill it to get 'No space left on device')."""
    from runner.lab import faults

    faults.disk_attach(host, path, size)


@app.command("disk-detach")
def disk_detach(
    host: HostArg,
    path: Annotated[str, typer.Argument(help="Mount point inside the host.")],
) -> None:
    """Detach a disk attached with disk-attach."""
    from runner.lab import faults

    faults.disk_detach(host, path)


@app.command("service-hang")
def service_hang(host: HostArg) -> None:
    """Make `service NAME status` hang on a host (a stuck init script)."""
    from runner.lab import faults

    faults.service_hang(host)


@app.command("service-unhang")
def service_unhang(host: HostArg) -> None:
    """Make `service ... status` answer again on a host."""
    from runner.lab import faults

    faults.service_unhang(host)


def _bmc_faults(incomplete: str) -> list[str]:
    from runner.lab import bmc_faults

    return [f for f in (*bmc_faults.FAULTS, "clear") if f.startswith(incomplete)]


@app.command()
def bmc(
    host: HostArg,
    fault: Annotated[str, typer.Argument(
        metavar="FAULT", autocompletion=_bmc_faults,
        help="psu-failed, fan-degraded, drive-failing, volume-rebuilding, dimm-errors, "
             "over-temperature, down (closes every connection), slow (every answer late), "
             "or clear (undo them all).")],
) -> None:
    """Give a host's BMC a fault (its Redfish resources say so at once), or clear them."""
    from runner.lab import faults as lab_faults

    faults = lab_faults.bmc_fault(host, fault)
    typer.echo(f"{host} BMC: {', '.join(sorted(faults)) or 'no faults'}")


def _bmc_layouts(incomplete: str) -> list[str]:
    from runner.lab import bmc_layouts

    return [x for x in bmc_layouts.LAYOUTS if x.startswith(incomplete)]


@app.command("bmc-layout")
def bmc_layout(
    host: HostArg,
    layout: Annotated[str, typer.Argument(
        metavar="LAYOUT", autocompletion=_bmc_layouts,
        help="classic (Power, Thermal, drives under Storage, memory under the system) or "
             "subsystems (PowerSubsystem, ThermalSubsystem, the chassis' Drives and Memory).")],
) -> None:
    """Serve a host's BMC the way another vendor lays out its parts in Redfish."""
    from runner.lab import faults as lab_faults

    typer.echo(f"{host} BMC layout: {lab_faults.bmc_layout(host, layout)}")


@app.command()
def kill(host: HostArg) -> None:
    """Kill a host outright: its processes and network are gone until `patrol lab down`."""
    from runner.lab import faults

    faults.kill(host)
