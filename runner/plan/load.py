"""Load the estate at two Git revisions: the head in full, the base only as far as it differs.

The head is loaded and validated exactly as ``patrol validate`` does (its problems lead the
plan). The base needs no validation of its own, only its objects, so it is built cheaply:

- a base file byte-identical to the head's file reuses the head's validated objects;
- in a changed hosts file, each host whose plain data equals the head's plain data for the
  same name reuses the head's ``Host``; only the hosts that really differ are validated;
- every other changed file is read and validated on its own, without cross-references.

When the head is invalid there are no validated head objects to reuse, so both revisions are
read that way (files or hosts that do not validate are left out of the diff; the head's
problems say why).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import archive
from ..errors import Problem
from ..estate import Estate, load_estate_files
from ..estate.crossref import assemble
from ..estate.loader import classify
from ..estate.models import EstateModel, FileKind, Host, HostsFile
from ..estate.yamlsource import Document, YamlError, read_document

Parsed = dict[str, tuple[FileKind, Document, EstateModel]]
ESTATE_DIRS = ("inventory", "policies")  # where every estate file kind lives (FILE_KINDS)


@dataclass
class Revision:
    rev: str
    commit: str
    files: dict[str, bytes]


@dataclass
class Pair:
    """Both revisions' estates (head validated) and the head's problems."""

    base: Estate
    head: Estate
    problems: list[Problem]
    base_commit: str
    head_commit: str


def read_revision(root: Path, rev: str) -> Revision:
    """The estate files at ``rev``, keyed by estate-relative path (like the loader's keys)."""
    sha = archive.resolve_rev(root, rev)
    sub = archive.repo_subdir(root)
    prefix = f"{sub}/" if sub else ""
    raw = archive.read_tree(root, sha, [f"{prefix}{d}" for d in ESTATE_DIRS])
    files = {
        path[len(prefix):]: data for path, data in sorted(raw.items())
        if path.endswith((".yaml", ".yml"))
    }
    return Revision(rev, sha, files)


def load_pair(root: Path, base_rev: str, head_rev: str, *, today: date) -> Pair:
    head = read_revision(root, head_rev)
    base = read_revision(root, base_rev)
    head_estate, problems = load_estate_files(head.files, today=today)
    unread = Unread()
    if head_estate is not None:
        head_parsed: Parsed = {
            name: (kind, doc, doc.model) for name, doc in head_estate.files.items()
            if (kind := classify(name)) is not None and doc.model is not None
        }
    else:
        head_parsed = parse_files(head.files, {}, {}, unread=unread)
        head_estate = assemble(head_parsed)
    # what the head could not read is left out of the base too: its errors explain it, and it
    # must not look removed
    base_files = {k: v for k, v in base.files.items() if k not in unread.files}
    base_parsed = parse_files(base_files, head_parsed, head.files, skip_hosts=unread.hosts)
    return Pair(assemble(base_parsed), head_estate, problems, base.commit, head.commit)


@dataclass
class Unread:
    """Files and host names of a revision that did not read or validate."""

    files: set[str] = field(default_factory=set)
    hosts: set[str] = field(default_factory=set)


def _head_hosts(parsed: Parsed) -> dict[str, tuple[Any, Host]]:
    """Every head host by name with the plain data it was validated from."""
    out: dict[str, tuple[Any, Host]] = {}
    for _kind, doc, obj in parsed.values():
        if isinstance(obj, HostsFile) and isinstance(doc.value, dict):
            raw = doc.value.get("hosts")
            if isinstance(raw, list) and len(raw) == len(obj.hosts):
                for item, host in zip(raw, obj.hosts, strict=True):
                    out.setdefault(host.name, (item, host))
    return out


def parse_files(files: dict[str, bytes], reuse: Parsed, reuse_bytes: dict[str, bytes], *,
                unread: Unread | None = None, skip_hosts: Collection[str] = ()) -> Parsed:
    """Each file's validated top-level object, reusing ``reuse`` where the data is the same.

    Files (and hosts) that do not read or validate are left out and named in ``unread``: this
    is for diffing, and validation problems are reported from the head's full load. Hosts
    named in ``skip_hosts`` are left out too.
    """
    unread = Unread() if unread is None else unread
    out: Parsed = {}
    head_hosts: dict[str, tuple[Any, Host]] | None = None
    for name in sorted(files):
        kind = classify(name)
        if kind is None:
            continue
        data = files[name]
        if name in reuse and reuse_bytes.get(name) == data:
            out[name] = reuse[name]
            continue
        try:
            doc = read_document(name, data)
        except YamlError:
            unread.files.add(name)
            continue
        if not isinstance(doc.value, dict):
            unread.files.add(name)
            continue
        if kind.model is HostsFile:
            if head_hosts is None:
                head_hosts = _head_hosts(reuse)
            obj: EstateModel = _hosts_file(doc.value, head_hosts, unread, skip_hosts)
        else:
            try:
                obj = kind.model.model_validate(doc.value)
            except ValidationError:
                unread.files.add(name)
                continue
        doc.model = obj
        out[name] = (kind, doc, obj)
    return out


def _hosts_file(value: dict[str, Any], head_hosts: dict[str, tuple[Any, Host]], unread: Unread,
                skip_hosts: Collection[str]) -> HostsFile:
    hosts = []
    items = value.get("hosts")
    for item in items if isinstance(items, list) else []:
        name = item.get("name") if isinstance(item, dict) else None
        if name in skip_hosts:
            continue
        same = head_hosts.get(name) if isinstance(name, str) else None
        if same is not None and same[0] == item:
            hosts.append(same[1])
            continue
        try:
            hosts.append(Host.model_validate(item))
        except ValidationError:
            if isinstance(name, str):
                unread.hosts.add(name)
    return HostsFile.model_construct(hosts=hosts)
