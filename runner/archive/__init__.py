"""The archive: everything Patrol writes under ``reports/`` and commits to Git.

Modules: ``files`` (deterministic YAML, atomic writes), ``chain`` (seal, tip, verify),
``git`` (the run lock, estate commit, commit with trailers, push; the only module in Patrol
that imports git), ``records`` and ``upgrade_record`` (the run record documents, pure),
``status`` (host status files). This module is the surface the rest of Patrol uses.
"""

from __future__ import annotations

from .chain import (
    ChainBreak,
    latest_record,
    list_records,
    record_hash,
    record_is_intact,
    record_path,
    seal,
    verify_chain,
)
from .files import (
    REPORTS,
    RUNS,
    atomic_write,
    dump_yaml,
    load_yaml,
    read_documents,
    safe_file_name,
    write_documents,
)
from .git import (
    clone,
    commit,
    estate_commit,
    file_history,
    push,
    read_tree,
    repo_subdir,
    resolve_rev,
    run_lock,
    show_stat,
    trailers,
)

__all__ = [
    "REPORTS", "RUNS", "ChainBreak", "atomic_write", "clone", "commit", "dump_yaml",
    "estate_commit", "file_history", "latest_record", "list_records", "load_yaml", "push",
    "read_documents",
    "read_tree", "record_hash", "record_is_intact", "record_path", "repo_subdir", "resolve_rev",
    "run_lock", "safe_file_name", "seal", "show_stat", "trailers", "verify_chain",
    "write_documents",
]
