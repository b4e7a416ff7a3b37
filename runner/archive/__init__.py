"""The archive: everything Patrol writes under ``reports/`` and commits to Git.

Modules: ``files`` (deterministic YAML, atomic writes), ``chain`` (seal, tip, verify),
``git`` (the run lock, estate commit, commit with trailers, push; the only module in Patrol
that imports git), ``records`` and ``upgrade_record`` (the run record documents, pure),
``status`` (host status files), ``spool`` (results kept in ``.git/`` when ``reports/`` cannot
take them), ``preflight`` (what a run checks before it measures), ``history`` (the history
of ``reports/`` read with the git CLI), ``verify`` (``patrol audit verify``), ``tip`` (the
cheap verification a run makes before it appends), ``evidence`` (measured values for passes),
``timeline`` (``patrol audit log``), ``branch`` (the archive branch), ``reader`` (the one
strict reader of everything under ``reports/``: ``read_yaml_file``, ``read_documents``),
``signatures`` (the signature policy followed along the whole mainline), ``repair``
(``patrol audit repair``). This module is the surface the rest of Patrol uses.

Names are imported on first use, so a command that only reads (the work plan reads findings
through ``reader``) pays neither for Git, the chain, signatures nor the spool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lazy

_EXPORTS = {
    "chain": ("ChainBreak", "check_record", "latest_record", "list_records", "record_hash",
              "record_is_intact", "record_path", "seal", "verify_chain"),
    "files": ("REPORTS", "RUNS", "BadField", "atomic_write", "bad_document", "dump_json_yaml",
              "dump_yaml", "field", "is_temp", "load_document", "load_yaml", "safe_file_name",
              "write_documents"),
    "git": ("clone", "commit", "config_value", "estate_commit", "file_history", "git_dir",
            "push", "read_tree", "repo_subdir", "require_history", "resolve_head",
            "resolve_rev", "run_lock", "show_stat", "trailers"),
    "preflight": ("Intent", "verify_tip"),  # archive.preflight is the module, always
    "reader": ("read_documents", "read_documents_by_dir"),
    "spool": ("write_or_spool",),
}
_RENAMED = {"read_yaml_file": ("reader", "read_mapping")}

__all__ = [
    "REPORTS", "RUNS", "BadField", "ChainBreak", "Intent", "atomic_write", "bad_document",
    "check_record", "clone", "commit", "config_value", "dump_json_yaml", "dump_yaml",
    "estate_commit", "field", "file_history", "git_dir", "is_temp", "latest_record",
    "list_records", "load_document", "load_yaml", "push", "read_documents",
    "read_documents_by_dir", "read_tree", "read_yaml_file", "record_hash", "record_is_intact",
    "record_path", "repo_subdir", "require_history", "resolve_head",
    "resolve_rev", "run_lock",
    "safe_file_name", "seal", "show_stat", "trailers", "verify_chain", "verify_tip",
    "write_documents", "write_or_spool",
]


# an exported name, or a module of the package (``archive.git``), imported on first use
__getattr__, __dir__ = lazy.exports(__name__, globals(), _EXPORTS, renamed=_RENAMED,
                                    submodules=True)


if TYPE_CHECKING:
    from .chain import (
        ChainBreak,
        check_record,
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
        BadField,
        atomic_write,
        bad_document,
        dump_json_yaml,
        dump_yaml,
        field,
        is_temp,
        load_document,
        load_yaml,
        safe_file_name,
        write_documents,
    )
    from .git import (
        clone,
        commit,
        config_value,
        estate_commit,
        file_history,
        git_dir,
        push,
        read_tree,
        repo_subdir,
        require_history,
        resolve_head,
        resolve_rev,
        run_lock,
        show_stat,
        trailers,
    )
    from .preflight import Intent, verify_tip
    from .reader import read_documents, read_documents_by_dir
    from .reader import read_mapping as read_yaml_file
    from .spool import write_or_spool
