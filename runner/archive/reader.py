"""The one strict reader for everything under ``reports/``.

Patrol writes plain data (mappings, lists, scalars; JSON-form YAML for incidents), so
anything else in a file under ``reports/`` was made by hand, and every reader of the archive
— verify, the tip check, findings, incidents, audit, the report — must read it the same way
or refuse it. Refused, each with ``file:line:column`` and never a traceback:

- a path that is not a regular file, or that passes through a symlink (a symlinked record,
  a ``reports/findings`` pointing outside the repository);
- a repeated key in a mapping (two readers would disagree about which one wins);
- an alias (``*name``) or merge key (``<<``): a few lines of aliases expand to gigabytes in
  any reader that walks the data, so the first one is refused before anything is built;
- a tag other than the plain ones a resolver gives untagged text (``!!python/...``,
  ``!!binary``, ``!!set``, ``!custom``);
- nesting deeper than any Patrol document, a YAML error, a conflict marker, a document that
  is not a mapping.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ..errors import Exit, PatrolError
from .files import REPORTS, TEMP_SUFFIX

_MARKER = re.compile(rb"^(<<<<<<<|=======|>>>>>>>|\|\|\|\|\|\|\|)( |$)", re.M)
_TAG = "tag:yaml.org,2002:"
PLAIN_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "map", "seq",
                                          "timestamp"))
MAX_DEPTH = 64
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Refused(ValueError):
    """Something a Patrol document never holds; ``line``/``column`` are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def _at(node: Any) -> tuple[int, int]:
    mark = getattr(node, "start_mark", None)
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


class _Strict(_Base):  # type: ignore[misc,valid-type]
    """The safe loader (C parser), building only plain data and refusing the rest."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise Refused("an anchor used again by an alias (&name ... *name): Patrol "
                          "writes none; refused before it is expanded", *_at(node))
        if node.tag not in PLAIN_TAGS:
            raise Refused(f"the tag {node.tag}: Patrol writes plain data only (no tags)",
                          *_at(node))
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise Refused(f"nested more than {MAX_DEPTH} levels deep", *_at(node))
            return super().construct_object(node, deep=True)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise Refused("expected a mapping", *_at(node))
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                raise Refused("a merge key (<<): Patrol writes none", *_at(key_node))
            if not isinstance(key_node, yaml.ScalarNode):
                raise Refused("a key that is not a plain scalar", *_at(key_node))
            key = self.construct_object(key_node)
            if key in out:
                raise Refused(f"the key {key!r} is repeated: readers would disagree about "
                              "its value", *_at(key_node))
            out[key] = self.construct_object(value_node)
        return out


_Strict.add_constructor(_TAG + "map", lambda loader, node: loader.construct_mapping(node))
_Strict.add_constructor(_TAG + "seq", lambda loader, node: [loader.construct_object(v)
                                                            for v in node.value])


class _Fallback(Exception):
    """What the event path leaves to the node path: a tag, an anchor, an alias, a key that is
    not a scalar, deep nesting, a YAML error, a second document (it then says the same)."""


_RESOLVER = yaml.resolver.Resolver()
_SCALARS = yaml.SafeLoader.yaml_constructors
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_PLAIN: dict[str, Any] = {}  # plain scalar text -> its value (every value is immutable)
_PLAIN_MAX = 65536
_FAST_DEPTH = 32
_CParser: Any = getattr(getattr(yaml, "_yaml", None), "CParser", None)


def _plain(value: str) -> Any:
    """A plain scalar's value as the safe loader builds it (YAML 1.1 resolution), cached:
    keys and states repeat in every document."""
    try:
        return _PLAIN[value]
    except KeyError:
        pass
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    if tag not in PLAIN_TAGS or tag in (_TAG + "map", _TAG + "seq"):
        raise _Fallback  # ``<<``, ``=``: the node path refuses them at their line
    out = _SCALARS[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, value))
    if out != out:  # NaN: two of them are two keys, never one repeated
        return out
    if len(_PLAIN) >= _PLAIN_MAX:
        _PLAIN.clear()
    _PLAIN[value] = out
    return out


def _events(data: bytes) -> Any:
    """The document built straight from the C parser's events, for documents of plain data
    only (no tag, anchor or alias anywhere): the same values the node path below builds, in a
    third of its time, since nodes are never made. A repeated key is refused at its line;
    anything else unusual raises ``_Fallback`` and the node path reads (or refuses) it."""
    if _CParser is None:
        raise _Fallback
    parser = _CParser(data)
    get = parser.get_event
    stack: list[Any] = []  # open collections; a mapping's pending key beside it
    keys: list[Any] = []
    done: list[Any] = []
    docs = 0
    scalar, mstart, sstart = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    mend, send = yaml.MappingEndEvent, yaml.SequenceEndEvent
    try:
        while True:
            ev = get()
            if ev is None:
                break
            cls = type(ev)
            if cls is scalar:
                if ev.anchor is not None or ev.tag is not None:
                    raise _Fallback
                value = _plain(ev.value) if ev.implicit[0] else ev.value
            elif cls is mstart or cls is sstart:
                if ev.anchor is not None or ev.tag is not None or len(stack) >= _FAST_DEPTH:
                    raise _Fallback
                if stack and type(stack[-1]) is dict and keys[-1] is _NO_KEY:
                    raise _Fallback  # a collection as a key
                stack.append({} if cls is mstart else [])
                keys.append(_NO_KEY)
                continue
            elif cls is mend or cls is send:
                keys.pop()
                value = stack.pop()
            elif cls is yaml.DocumentStartEvent:
                docs += 1
                if docs > 1:
                    raise _Fallback
                continue
            elif cls is yaml.AliasEvent:
                raise _Fallback
            else:
                continue
            if not stack:
                done.append(value)
                continue
            top = stack[-1]
            if type(top) is list:
                top.append(value)
            elif keys[-1] is _NO_KEY:
                if value in top:
                    raise Refused(f"the key {value!r} is repeated: readers would disagree "
                                  "about its value", ev.start_mark.line + 1,
                                  ev.start_mark.column + 1)
                keys[-1] = value
            else:
                top[keys[-1]] = value
                keys[-1] = _NO_KEY
    except yaml.YAMLError:
        raise _Fallback from None
    return done[0] if done else None


_NO_KEY = object()


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)  # in C; only a mapping that lost a key is looked at again
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise Refused(f"the key {key!r} is repeated: readers would disagree about "
                              "its value")
            seen.add(key)
    return out


def parse(data: bytes) -> Any:
    """Plain data from a document's bytes, or ``Refused`` (JSON-form YAML through json)."""
    if data[:1] == b"{":
        try:
            return json.loads(data, object_pairs_hook=_no_repeats)
        except Refused as exc:
            raise Refused(str(exc), *_json_line(data, str(exc))) from None
        except RecursionError:
            raise Refused(f"nested more than {MAX_DEPTH} levels deep") from None
        except ValueError:
            pass  # JSON is YAML; let the YAML reader say where it is wrong
    marker = _MARKER.search(data)
    if marker:
        raise Refused("unresolved merge conflict marker: resolve it, then commit",
                      data.count(b"\n", 0, marker.start()) + 1)
    try:
        return _events(data)
    except _Fallback:
        pass
    try:
        return yaml.load(data, Loader=_Strict)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise Refused(f"not valid YAML: {exc.problem or exc.context or 'unreadable'}",
                      *((mark.line + 1, mark.column + 1) if mark else (1, 1))) from None
    except yaml.YAMLError as exc:
        raise Refused(f"not valid YAML: {exc}") from None
    except RecursionError:
        raise Refused(f"nested more than {MAX_DEPTH} levels deep") from None


def _json_line(data: bytes, message: str) -> tuple[int, int]:
    """Where a repeated JSON key is (json's hook does not say): its second occurrence."""
    m = re.search(r"'(.*)'", message)
    if not m:
        return 1, 1
    needle = json.dumps(m.group(1), ensure_ascii=False).encode() + b":"
    first = data.find(needle)
    second = data.find(needle, first + 1) if first >= 0 else -1
    pos = second if second >= 0 else max(first, 0)
    line_start = data.rfind(b"\n", 0, pos) + 1
    return data.count(b"\n", 0, pos) + 1, pos - line_start + 1


def refusal(rel: str, exc: Refused) -> PatrolError:
    return PatrolError(str(exc), exit_code=Exit.FAILED, file=rel, line=exc.line,
                       column=exc.column)


def parse_file(rel: str, data: bytes) -> Any:
    """``parse`` with a refusal turned into one PatrolError at ``rel:line:column``."""
    try:
        return parse(data)
    except Refused as exc:
        raise refusal(rel, exc) from None


def parse_mapping(rel: str, data: bytes) -> dict[str, Any]:
    """A whole Patrol document (a mapping), or one PatrolError at ``rel:line:column``."""
    doc = parse_file(rel, data)
    if not isinstance(doc, dict):
        what = "empty" if doc is None else f"a {type(doc).__name__}"
        raise PatrolError(f"{what}; expected a Patrol document (a mapping)",
                          exit_code=Exit.FAILED, file=rel, line=1, column=1)
    return doc


def _not_regular(rel: str, what: str) -> PatrolError:
    return PatrolError(f"{what}: Patrol reads only regular files under {REPORTS}/, never "
                       "through a link; remove it (git checkout the real file)",
                       exit_code=Exit.FAILED, file=rel, line=1, column=1)


def _folders(root: Path, rel: str) -> None:
    """Refuse a symlink (or a non-folder) among the folders from ``root`` down to ``rel``."""
    parts = Path(rel).parts
    cur = Path(root)
    for i, part in enumerate(parts):
        cur = cur / part
        st = os.lstat(cur)  # FileNotFoundError as for any missing file
        if stat.S_ISLNK(st.st_mode):
            raise _not_regular(rel, f"{'/'.join(parts[: i + 1])} is a symlink")
        if not stat.S_ISDIR(st.st_mode):
            raise _not_regular(rel, f"{'/'.join(parts[: i + 1])} is not a folder")


def _open_regular(path: Path | str, rel: str) -> bytes:
    """A regular file's bytes, opened without following a link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _not_regular(rel, f"{rel} is a symlink") from None
        raise
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _not_regular(rel, "not a regular file")
        return fh.read()


def read_bytes(root: Path, rel: str) -> bytes:
    """The bytes of ``root/rel``, refused when the file or any folder on the way from
    ``root`` is a symlink, or the file is not a regular file."""
    parent = str(Path(rel).parent)
    if parent != ".":
        _folders(root, parent)
    return _open_regular(Path(root) / rel, rel)


def files(root: Path, directory: str, suffix: str = ".yaml") -> Iterator[str]:
    """Root-relative paths of the files under ``directory``, in path order, temp files left
    out; a symlink, or anything that is neither a folder nor a regular file, is refused.
    (Plain strings, not pathlib: a folder of 10,000 incidents is listed in milliseconds.)"""
    base = os.path.join(root, directory)
    try:
        _folders(root, directory)
    except FileNotFoundError:
        return
    except PatrolError:
        if os.path.lexists(base) and not os.path.islink(base) and not os.path.isdir(base):
            return  # a file where a folder would be: nothing under it
        raise
    cut = len(os.path.join(root, ""))
    stack = [base]
    found: list[str] = []
    while stack:
        with os.scandir(stack.pop()) as entries:
            for e in entries:
                if e.is_symlink():
                    rel = e.path[cut:]
                    raise _not_regular(rel, f"{rel} is a symlink")
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
                elif not e.name.endswith(suffix) or (e.name.startswith(".") and
                                                     e.name.endswith(TEMP_SUFFIX)):
                    continue
                elif not e.is_file(follow_symlinks=False):
                    raise _not_regular(e.path[cut:], "not a regular file")
                else:
                    found.append(e.path[cut:])
    yield from sorted(found)


def read_mapping(root: Path, rel: str) -> dict[str, Any]:
    """A Patrol document under ``reports/`` as a mapping, or one PatrolError at
    ``file:line:column`` (see the module docstring for what is refused)."""
    return parse_mapping(rel, read_bytes(root, rel))


def read_documents(root: Path, directory: str) -> dict[str, dict[str, Any]]:
    """Every document under ``directory`` by root-relative path, in path order: the folders
    are checked once by ``files`` (not again for each of 10,000 findings), each file opened
    without following a link."""
    return dict(read_documents_by_dir(root, directory))


def read_documents_by_dir(root: Path, directory: str) -> list[tuple[str, Any]]:
    """Every document under ``directory`` with its root-relative path, in path order (for
    folders of thousands of small files: the folders are checked once by ``files``, each file
    opened without following a link, JSON-form documents read by json's C parser)."""
    top = os.path.join(root, "")
    return [(rel, parse_mapping(rel, _open_regular(top + rel, rel)))
            for rel in files(root, directory)]
