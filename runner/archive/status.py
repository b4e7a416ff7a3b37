"""Host status files, ``reports/status/<host>.yaml``: read before a run, rewritten after it.

Only the stable part of a verdict lives here (see ``records.status_doc``), so an unchanged
fleet rewrites these files byte for byte.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import Exit, PatrolError
from ..results import HostResult
from .files import REPORTS, dump_yaml, safe_file_name
from .reader import read_documents
from .reader import read_mapping as read_yaml_file
from .records import status_doc

STATUS = f"{REPORTS}/status"


def status_path(host: str) -> str:
    return f"{STATUS}/{safe_file_name(host)}.yaml"


def check_status(rel: str, doc: dict[str, Any]) -> dict[str, Any]:
    """A status document in the shape ``status_doc`` writes, or one error naming the file
    (a hand edit that would otherwise fail after measuring)."""
    checks = doc.get("checks", {})
    ok = isinstance(doc.get("host"), str) and isinstance(checks, dict) and all(
        isinstance(e, dict) and isinstance(e.get("status"), str) for e in checks.values())
    if not ok:
        raise PatrolError("not a Patrol host status: expected host and checks "
                          "(each with a status)", exit_code=Exit.FAILED, file=rel, line=1,
                          column=1)
    return doc


def check_all(root: Path) -> None:
    """Every status file whole and in shape (pre-flight)."""
    for rel, doc in read_documents(root, STATUS).items():
        check_status(rel, doc)


def read_status(root: Path, hosts: Iterable[str]) -> dict[str, dict[str, Any] | None]:
    """Each host's status document as the last run left it (None: never inspected)."""
    out: dict[str, dict[str, Any] | None] = {}
    for name in sorted(hosts):
        rel = status_path(name)
        out[name] = check_status(rel, read_yaml_file(root, rel)) if os.path.lexists(root / rel) \
            else None
    return out


def status_files(checklist: str, run_id: str, results: Mapping[str, HostResult],
                 old: Mapping[str, dict[str, Any] | None]) -> dict[str, bytes]:
    """Every measured host's new status file (path -> bytes). A host the run never measured
    (interrupted, deadline) keeps its status file."""
    return {status_path(name): dump_yaml(status_doc(old[name], name, checklist, run_id,
                                                    results[name]))
            for name in sorted(results) if results[name].measured}
