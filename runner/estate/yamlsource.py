"""Reading estate YAML: a fast path for clean files and a careful path that knows positions.

Patrol reads YAML 1.2 with the *JSON schema* plus the *core schema*'s other spellings of
booleans and null (``True``, ``TRUE``, ``False``, ``FALSE``, ``Null``, ``NULL``, ``~``), which
check-jsonschema and editors read as booleans and null too: those and JSON numbers are typed;
every other scalar is a string (dates and addresses are parsed by the models, once; the core
schema's ``0x1F``, ``0o17``, ``+1`` and ``.inf`` stay strings). Both paths below apply that one
rule, so they build the same plain data from the same text:

- **fast**: rapidyaml (C++) parses the text and emits JSON, which ``json.loads`` turns into
  plain data. Used only for files that a cheap pre-check finds free of tags, anchors, aliases,
  directives and document markers, and whose JSON has no duplicate keys. It keeps no positions.
- **careful**: ruamel.yaml's event parser, folded by :class:`_Builder` into plain data plus the
  ``line:column`` of every key and value. It rejects duplicate keys, every tag except
  ``!vault``, alias expansion past a bound, and second documents — each with its position.

A file that fails validation is re-read carefully (:meth:`Document.locate`), so errors always
name ``file:line:column`` while clean files never pay for positions.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .files import MAX_FILE_BYTES

MAX_EXPANDED_NODES = 100_000  # nodes an alias may expand a document to
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]
Pos = tuple[int, int]  # 1-based line, column


class VaultValue(str):
    """An ansible-vault inline value (``!vault |``): kept opaque, never decrypted by Patrol."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "VaultValue(<encrypted>)"


@dataclass(frozen=True)
class SourceError:
    """A reading error at a 1-based position."""

    line: int
    column: int
    message: str


class YamlError(Exception):
    def __init__(self, errors: list[SourceError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


# --- the one scalar rule --------------------------------------------------------------------

_INT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"-?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")


_CORE_WORDS: dict[str, Any] = {
    "": None, "null": None, "Null": None, "NULL": None, "~": None,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
}
# rapidyaml's JSON emits these plain spellings as strings, and a quoted "True" the same way:
# a file holding any of them (anywhere, even in a comment) takes the careful path.
_CORE_ONLY = (b"True", b"TRUE", b"False", b"FALSE", b"Null", b"NULL", b"~")


def resolve_plain(text: str) -> Any:
    """Type of a plain (unquoted) scalar: JSON's words and numbers, and the core schema's
    other spellings of booleans and null (see the module docstring)."""
    if text in _CORE_WORDS:
        return _CORE_WORDS[text]
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def given(value: Any, message: str) -> str:
    """`` (got '3')``: what an error message adds about the value it refused, spelled as in
    YAML (``true``, ``null``, a quoted string), unless the message already shows it."""
    if isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool) or value is None:
        text = {True: "true", False: "false", None: "null"}[value]
    else:
        text = repr(value)
        text = text if len(text) <= 60 else text[:57] + "..."
    return "" if text[:40] in message else f" (got {text})"


# --- fast path ------------------------------------------------------------------------------

# Anything that may be a tag, anchor, alias, directive, document marker, complex key or
# reserved indicator sends a file to the careful path, as does any tab. Over-matching (e.g. " *"
# inside a comment) only costs time, never correctness. The scan finds each indicator byte at
# memchr speed and looks at the byte before it; a regex over 6 MB of hosts takes 0.3 s.
_INDICATORS = b"!&*?@`"
_TOKEN_START = frozenset(b" \n\r[{,")


def _needs_care(data: bytes) -> bool:
    if data[:3] in (b"---", b"...") or (data[:1] and data[0] in _INDICATORS + b"%"):
        return True
    if b"\t" in data or b"\n---" in data or b"\n..." in data or b"\n%" in data:
        return True
    if any(word in data for word in _CORE_ONLY):
        return True
    for indicator in _INDICATORS:
        i = data.find(indicator, 1)
        while i != -1:
            if data[i - 1] in _TOKEN_START:
                return True
            i = data.find(indicator, i + 1)
    return False


class _Duplicate(Exception):
    pass


def _pairs_no_dup(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        raise _Duplicate
    return d


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """rapidyaml prints its parse errors on fd 2; the careful path reports them properly."""
    try:
        saved = os.dup(2)
    except OSError:  # no fd 2 at all
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def fast_load(data: bytes) -> tuple[bool, Any]:
    """(True, value) when the fast path can read ``data`` exactly; (False, None) otherwise."""
    if _needs_care(data):
        return False, None
    try:
        import ryml
    except ImportError:  # the fast path is an optimisation, never a requirement
        return False, None
    try:
        with _quiet_stderr():
            tree = ryml.parse_in_arena(data)
            text = ryml.emit_json(tree)
    except Exception:
        return False, None
    if not text or not text.strip():
        return False, None
    try:
        return True, json.loads(text, object_pairs_hook=_pairs_no_dup)
    except (ValueError, _Duplicate, RecursionError):
        return False, None


# --- careful path ---------------------------------------------------------------------------


@dataclass
class Positions:
    """Where each node of one document is: ``values[path]`` and ``keys[path]`` (1-based)."""

    values: dict[Path_, Pos] = field(default_factory=dict)
    keys: dict[Path_, Pos] = field(default_factory=dict)


def _tag_text(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag


class _Builder:
    """Folds ruamel.yaml parse events into plain data and positions, checking as it goes."""

    def __init__(self) -> None:
        self.pos = Positions()
        self.errors: list[SourceError] = []
        self.anchors: dict[str, tuple[Any, int]] = {}  # name -> (value, expanded node count)
        self.expanded = 0

    def error(self, mark: Any, message: str) -> None:
        self.errors.append(SourceError(mark.line + 1, mark.column + 1, message))

    def build(self, events: Iterator[Any]) -> Any:
        from ruamel.yaml import events as ev

        root: Any = None
        documents = 0
        for event in events:
            if isinstance(event, ev.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.error(event.start_mark,
                               "a second YAML document; one file holds one document")
                    return root
            elif isinstance(event, (ev.StreamStartEvent, ev.StreamEndEvent, ev.DocumentEndEvent)):
                continue
            else:
                root, _ = self.node(event, events, (), 0)
        return root

    def node(self, event: Any, events: Iterator[Any], path: Path_, depth: int) -> tuple[Any, int]:
        """Build the node starting at ``event``; return (value, expanded node count)."""
        from ruamel.yaml import events as ev

        mark = event.start_mark
        self.pos.values[path] = (mark.line + 1, mark.column + 1)
        if depth > MAX_DEPTH:
            raise YamlError([SourceError(mark.line + 1, mark.column + 1,
                                         f"nesting deeper than {MAX_DEPTH} levels")])
        if isinstance(event, ev.AliasEvent):
            if event.anchor not in self.anchors:
                self.error(mark, f"alias *{event.anchor} names no anchor defined before it")
                return None, 1
            value, size = self.anchors[event.anchor]
            self.expanded += size
            if self.expanded > MAX_EXPANDED_NODES:
                raise YamlError([SourceError(
                    mark.line + 1, mark.column + 1,
                    f"alias *{event.anchor} expands the document past {MAX_EXPANDED_NODES} nodes "
                    "(a 'billion laughs' file?); aliases are bounded")])
            return value, size
        tag = getattr(event, "tag", None)
        value: Any
        if isinstance(event, ev.ScalarEvent):
            size = 1
            text = event.value
            if event.style == ">":  # ruamel's round-trip scanner marks folds with \a
                text = text.replace("\a", "")
            if tag is None or tag == "!":
                value = text if (event.style or tag == "!") else resolve_plain(text)
            elif tag == "!vault":
                value = VaultValue(text)
            else:
                self.error(mark, f"tag {_tag_text(tag)} is not allowed; the only tag Patrol reads "
                                 "is !vault")
                value = None
        elif isinstance(event, ev.SequenceStartEvent):
            if tag is not None:
                self.error(mark, f"tag {_tag_text(tag)} is not allowed; the only tag Patrol "
                                 "reads is !vault")
            value, size = [], 1
            for child in events:
                if isinstance(child, ev.SequenceEndEvent):
                    break
                item, n = self.node(child, events, (*path, len(value)), depth + 1)
                value.append(item)
                size += n
        elif isinstance(event, ev.MappingStartEvent):
            if tag is not None:
                self.error(mark, f"tag {_tag_text(tag)} is not allowed; the only tag Patrol "
                                 "reads is !vault")
            value, size = {}, 1
            for key_event in events:
                if isinstance(key_event, ev.MappingEndEvent):
                    break
                kmark = key_event.start_mark
                if not isinstance(key_event, ev.ScalarEvent) or key_event.tag not in (None, "!"):
                    self.error(kmark, "a mapping key must be a plain scalar")
                    self.node(key_event, events, (*path, "?"), depth + 1)
                    self.node(next(events), events, (*path, "?"), depth + 1)
                    continue
                key = key_event.value
                if key in value:
                    first = self.pos.keys[(*path, key)]
                    self.error(kmark, f"duplicate key '{key}' (first defined at line {first[0]}, "
                                      f"column {first[1]})")
                    self.node(next(events), events, (*path, "<duplicate>"), depth + 1)
                    continue
                self.pos.keys[(*path, key)] = (kmark.line + 1, kmark.column + 1)
                value[key], n = self.node(next(events), events, (*path, key), depth + 1)
                size += n + 1
        else:  # pragma: no cover - the parser emits nothing else here
            self.error(mark, f"unexpected YAML event {type(event).__name__}")
            return None, 1
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self.anchors[anchor] = (value, size)
        return value, size


def careful_load(text: str) -> tuple[Any, Positions]:
    """Parse ``text`` with ruamel.yaml's parser; raise YamlError (all positioned) on failure."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt", pure=True)
    builder = _Builder()
    try:
        root = builder.build(iter(yaml.parse(io.StringIO(text))))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        syntax = SourceError(line, col, f"YAML syntax: {problem}{context}")
        raise YamlError([*builder.errors, syntax]) from None
    except YAMLError as exc:  # a reader error (a character YAML does not allow) has no mark
        index = getattr(exc, "position", None)
        line, col = position_of(text, index) if isinstance(index, int) else (1, 1)
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        raise YamlError([*builder.errors, SourceError(line, col, f"YAML syntax: {reason}")]
                        ) from None
    except RecursionError:
        raise YamlError([SourceError(1, 1, "YAML nested too deeply")]) from None
    if builder.errors:
        raise YamlError(builder.errors)
    return root, builder.pos


# YAML's printable set (1.2, 5.1): anything else (C0/C1 controls, DEL, U+FFFE/FFFF, lone
# surrogates) is an error on every read path. rapidyaml accepts some of these and each Python
# reader rejects them differently, so one check before all of them gives one answer.
_NON_PRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def position_of(text: str, index: int) -> Pos:
    """1-based line and column (in characters) of ``text[index]``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def check_printable(text: str) -> None:
    """A YamlError at the first character YAML does not allow in a file."""
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        line, column = position_of(text, bad.start())
        raise YamlError([SourceError(
            line, column, f"YAML syntax: non-printable character U+{ord(bad.group()):04X} is "
                          "not allowed; remove it, or write it as an escape in a double-quoted "
                          "string")])


def decode(data: bytes) -> str:
    """UTF-8 text or a YamlError naming the first bad byte's line and column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8")) + 1  # in characters
        raise YamlError([SourceError(line, column,
                                     f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded; "
                                     "estate files must be UTF-8")]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if data.translate(None, _PRINTABLE_ASCII):  # 10x quicker than the regex on ASCII files
        check_printable(text)
    return text


def fast_positions(data: bytes) -> Positions:
    """Positions of a file the fast path read (so: plain YAML, no aliases, no duplicate keys).

    libyaml's composer (PyYAML's C binding) is ~10x quicker than ruamel.yaml's pure-Python
    parser and gives the same marks for such a file; ruamel.yaml is the fallback.
    """
    try:
        import yaml

        loader_cls = yaml.CSafeLoader
    except (ImportError, AttributeError):
        return _careful_positions(data)
    pos = Positions()
    try:
        root = yaml.compose(data, Loader=loader_cls)
    except yaml.YAMLError:
        return _careful_positions(data)
    stack: list[tuple[Any, Path_]] = [(root, ())] if root is not None else []
    while stack:
        node, path = stack.pop()
        pos.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child_path = (*path, str(key.value))
                pos.keys[child_path] = (key.start_mark.line + 1, key.start_mark.column + 1)
                stack.append((value, child_path))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, i)) for i, item in enumerate(node.value))
    return pos


def _careful_positions(data: bytes) -> Positions:
    """Positions from the careful path; none (so errors land on 1:1) if it cannot read them."""
    try:
        return careful_load(decode(data))[1]
    except YamlError:
        return Positions()


def child(data: Any, part: str | int) -> tuple[bool, Any]:
    """(True, data[part]) when ``part`` exists in a mapping or list, else (False, None)."""
    if isinstance(data, dict) and isinstance(part, str) and part in data:
        return True, data[part]
    if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
        return True, data[part]
    return False, None


class Document:
    """One estate file's plain data, with positions found on demand."""

    def __init__(self, name: str, data: bytes, value: Any, positions: Positions | None) -> None:
        self.name = name
        self.data = data
        self.value = value
        self.model: Any = None  # the validated file model, set by the loader
        self._positions = positions

    @property
    def positions(self) -> Positions:
        if self._positions is None:
            self._positions = fast_positions(self.data)
        return self._positions

    def locate(self, path: Path_, *, key: bool = False) -> Pos:
        """Line and column of the deepest node along ``path`` that exists (the key if asked)."""
        pos = self.positions
        path = tuple(path)
        if key and path in pos.keys:
            return pos.keys[path]
        while path:
            if path in pos.values:
                return pos.values[path]
            path = path[:-1]
        return pos.values.get((), (1, 1))


def read_document(name: str, data: bytes) -> Document:
    """Read one file's bytes; YamlError for anything that is not one sound, non-empty document."""
    if len(data) > MAX_FILE_BYTES:
        raise YamlError([SourceError(1, 1, f"file is larger than the limit of "
                                           f"{MAX_FILE_BYTES} bytes per estate file")])
    text = decode(data)
    ok, value = fast_load(data)
    if ok:
        return Document(name, data, value, None)
    value, positions = careful_load(text)
    if value is None:
        raise YamlError([SourceError(1, 1, "file is empty (no YAML document); "
                                           "remove it or give it content")])
    return Document(name, data, value, positions)
