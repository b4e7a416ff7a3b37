"""Shards: one checklist split over N CI jobs (``--shard I/N``), each a run with its own record.

Why a hash of the host name and not a slice of the sorted list: a host stays in its shard when
others are added or removed, so a shard's record compares with its previous one, and the
partition needs nothing but the name (every job computes the same one, with no coordination).
A cycle of a checklist is done when every shard 1..N of it is recorded (``complete``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from .errors import PatrolError

_SHARD = re.compile(r"^([1-9][0-9]*)/([1-9][0-9]*)$")
MAX_SHARDS = 256


def parse(text: str) -> tuple[int, int]:
    """``"2/3"`` -> (2, 3); a usage error for anything else."""
    match = _SHARD.match(text.strip())
    if match is None:
        raise PatrolError(f"--shard {text!r}: expected I/N, e.g. 2/3 (the second of three)")
    index, count = int(match[1]), int(match[2])
    if index > count or count > MAX_SHARDS:
        raise PatrolError(f"--shard {text!r}: I must be between 1 and N, N at most {MAX_SHARDS}")
    return index, count


def of(host: str, count: int) -> int:
    """The shard (1..count) a host name belongs to: stable across runs, machines, Pythons."""
    digest = hashlib.sha256(host.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def name(index: int, count: int) -> str:
    return f"{index}/{count}"


def complete(shards: Iterable[str | None]) -> bool:
    """Whether runs with these shard names (None: a whole, unsharded run) make a cycle: a
    whole run, or every shard 1..N of one N."""
    seen: dict[int, set[int]] = {}
    for text in shards:
        if not text:
            return True
        try:
            index, count = parse(str(text))
        except PatrolError:
            continue
        seen.setdefault(count, set()).add(index)
    return any(len(indexes) == count for count, indexes in seen.items())
