"""`patrol hostkeys scan [--limit SELECTOR] [--write]`: read the SSH host key each host offers
and compare it with the key pinned in the estate.

A scan proposes, it never trusts: it prints each host as ``new`` (nothing pinned), ``same``,
``changed`` or ``unread``; ``--write`` pins the new keys in the host files for a pull request
(reviewers compare the fingerprints `patrol plan` shows with the hosts' own). A changed key is
never written: it stays a refused connection and a finding until someone who can explain it
replaces the pin by hand. Hosts behind jump hosts are read through them, the jump hosts'
pinned keys checked on the way. Exit 1 when a key changed or could not be read.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import Exit, PatrolError


def run(root: Path, limit: str | None = None, write: bool = False, lab: bool = False,
        timeout: int = 10, echo=print,  # type: ignore[no-untyped-def]
        connections: Mapping[str, Mapping[str, Any]] | None = None) -> int:
    """``connections``: host -> connection vars given by a caller (a lab of its own) in
    place of ``--lab``'s; either way the lab's known-hosts file is not used for the host
    itself (its key is what we read), only for the jump hosts on the way."""
    from .. import hostkeys
    from ..clock import utc_now
    from ..escape import terminal
    from ..estate.loader import load_estate
    from ..estate.reach import fingerprint
    from ..estate.selector import parse_selector
    from ..execute_hostkeys import offered_keys
    from ..inventory import build_inventory
    from .lab import connections as lab_connections

    estate, problems = load_estate(Path(root), today=utc_now().date())
    if estate is None:
        raise PatrolError("\n".join([*(str(p) for p in problems),
                                     "the estate is invalid; run `patrol validate`"]),
                          exit_code=Exit.FAILED)
    hosts = list(estate.hosts.values())
    if limit is not None:
        try:
            hosts = [h for h in hosts if parse_selector(limit).matches(h)]
        except ValueError as exc:
            raise PatrolError(f"--limit {limit!r}: {exc}") from None
    if not hosts:
        raise PatrolError(f"--limit {limit!r} selects no hosts")
    nodes = sorted(h.name for h in hosts if hostkeys.reach_of(estate, h).node is not None)
    if nodes:
        echo(f"not scanned (reached through an execution node): {', '.join(nodes)}")
    hosts = [h for h in hosts if h.name not in nodes]
    given = connections if connections is not None else lab_connections(lab)
    inv = build_inventory(estate, {n: dict(v) for n, v in given.items()},
                          become=False)["_meta"]["hostvars"]
    if given:  # the lab pins its own known_hosts for the host itself: read what it offers
        inv = {n: {**v, "ansible_ssh_common_args": _without_lab_pins(v)} for n, v in inv.items()}
    offered = offered_keys({h.name: inv[h.name] for h in hosts}, timeout=timeout)
    proposals = hostkeys.compare({h.name: h.host_key for h in hosts},
                                 {n: (o.key, o.error) for n, o in offered.items()})
    for p in proposals:
        shown = fingerprint(p.offered) if p.offered else terminal(p.error)
        echo(f"{p.status:8} {terminal(p.host)}  {shown}")
        if p.status == hostkeys.CHANGED:
            echo(f"         pinned {fingerprint(p.pinned or '')}: not replaced; a changed key "
                 "is refused until a reviewed change pins the new one")
    if write:
        written = _write(root, estate, [p for p in proposals if p.status == hostkeys.NEW], echo)
        echo(f"pinned {written} new host key{'s' if written != 1 else ''} in inventory/hosts/; "
             "commit them in a pull request")
    bad = any(p.status in (hostkeys.CHANGED, hostkeys.UNREAD) for p in proposals)
    return int(Exit.FAILED if bad else Exit.OK)


def _without_lab_pins(hostvars: dict[str, object]) -> str:
    args = str(hostvars.get("ansible_ssh_common_args") or "").split()
    keep = []
    for i, word in enumerate(args):
        if word.startswith(("UserKnownHostsFile=", "StrictHostKeyChecking=")) or (
                word == "-o" and i + 1 < len(args)
                and args[i + 1].startswith(("UserKnownHostsFile=", "StrictHostKeyChecking="))):
            continue
        keep.append(word)
    return " ".join(keep)


def _write(root: Path, estate, proposals, echo) -> int:  # type: ignore[no-untyped-def]
    from .. import hostkeys

    by_file: dict[str, list[tuple[int, int, str, str]]] = {}
    for p in proposals:
        where = estate.where(estate.hosts[p.host])
        if where is None:
            continue
        by_file.setdefault(where.file, []).append((where.line, where.column, p.offered, p.host))
    count = 0
    for rel, edits in sorted(by_file.items()):
        path = Path(root) / rel
        text = path.read_text()
        for line, column, key, host in sorted(edits, reverse=True):  # bottom up: lines hold
            new = hostkeys.pin_in_text(text, line, column, key)
            if new is None:
                echo(f"{host}: not written as a block mapping in {rel}; add host_key by hand")
                continue
            text, count = new, count + 1
        path.write_text(text)
    return count
