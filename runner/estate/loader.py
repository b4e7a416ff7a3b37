"""Load the estate: read every file, validate it against its model, then the whole.

``load_estate(root)`` reads from disk, ``load_estate_files(files)`` from memory (e.g. the files
of a Git commit). Both return ``(estate or None, problems)``; ``estate`` is None when any
*error* was found. Problems carry ``file:line:column`` and are sorted.
"""

from __future__ import annotations

import fnmatch
import functools
import types
import typing
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Exit, PatrolError, Problem
from ..findings.waivers import RUN_TOLERATED
from . import crossref
from .estate import Estate, Source
from .files import ESTATE_DIRS as ESTATE_DIRS  # re-exported for callers of the loader
from .files import NotAnEstate as NotAnEstate
from .files import read_tree
from .models import FILE_KINDS, EstateModel, FileKind, Host, HostsFile
from .subjects import subject_text
from .yamlsource import Document, YamlError, child, given, read_document


def _kind_matches(path: str, kind: FileKind) -> bool:
    pat_parts = PurePosixPath(kind.pattern).parts
    parts = PurePosixPath(path).parts
    return len(parts) == len(pat_parts) and all(
        fnmatch.fnmatchcase(p, q) for p, q in zip(parts, pat_parts, strict=True))


@functools.lru_cache(maxsize=4096)
def classify(path: str) -> FileKind | None:
    """The file kind of a repo-relative path, or None when it is not an estate file."""
    for kind in FILE_KINDS:
        if _kind_matches(path, kind):
            return kind
    return None


def load_estate(root: Path, *, today: date) -> tuple[Estate | None, list[Problem]]:
    """Read and validate the estate under ``root`` as of ``today`` (waivers expire);
    raises NotAnEstate for a wrong root."""
    return load_estate_files(read_tree(Path(root)), today=today)


def load_valid(root: Path, today: date) -> Estate:
    """The estate, or a clear refusal: nothing runs against an invalid estate (problems a run
    tolerates aside). ``runner.run.load_valid_estate``; a command that only reads calls it
    here, without the run skeleton's imports."""
    try:
        estate, problems = load_estate(root, today=today)
    except NotAnEstate as exc:
        raise PatrolError(str(exc)) from None
    errors = [p for p in problems if p.severity == "error" and p.code not in RUN_TOLERATED]
    if errors or estate is None:
        first = errors[0] if errors else "no estate found"
        raise PatrolError(
            f"the estate has {len(errors)} error(s), first: {first}; run `patrol validate`",
            exit_code=Exit.FAILED,
        )
    return estate


# --- turning pydantic errors into problems --------------------------------------------------

Loc = tuple[str | int, ...]  # a place in a document: keys and list indexes, as pydantic's loc


def _unwrap(annotation: object) -> list[object]:
    """The concrete types an annotation may hold (Annotated/Optional/Union peeled)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that the data at ``loc`` is validated against, if any."""
    current: list[Any] = [model]
    for part in loc:
        nxt: list[Any] = []
        for tp in current:
            if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
                field = tp.model_fields.get(part)
                if field is not None:
                    nxt.extend(_unwrap(field.annotation))
            elif typing.get_origin(tp) is list and isinstance(part, int):
                nxt.extend(_unwrap(typing.get_args(tp)[0]))
            elif typing.get_origin(tp) is dict and isinstance(part, str):
                nxt.extend(_unwrap(typing.get_args(tp)[1]))
        current = nxt
    for tp in current:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return tp
    return None


def _data_path(data: Any, loc: Loc) -> Loc:
    """The longest prefix of ``loc`` that exists in ``data`` (pydantic adds union tags etc.)."""
    path: list[Any] = []
    for part in loc:
        found, data = child(data, part)
        if not found:
            break
        path.append(part)
    return tuple(path)


def path_text(data: Any, path: Loc) -> str:
    """``hosts[3](web-01).hardware.model``: a path people can read, naming list items."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            item = data[part] if isinstance(data, list) and part < len(data) else None
            label = None
            if isinstance(item, dict):
                label = item.get("name") if "name" in item else item.get("id")
            if isinstance(label, str):
                out += f"({label})"
            data = item
        else:
            out += f".{part}" if out else str(part)
            data = data.get(part) if isinstance(data, dict) else None
    return out


def validation_problems(doc: Document, model: type[BaseModel], exc: ValidationError,
                        prefix: Loc = ()) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(err["loc"])
        path = _data_path(doc.value, loc)
        kind = err["type"]
        where = path_text(doc.value, path)
        # a missing key is named too: the path stops at its parent, the only part in the data
        subject = subject_text(doc.value, path if kind != "missing" else (*path, loc[-1]))
        if kind == "extra_forbidden":
            line, col = doc.locate(path, key=True)
            allowed = _model_at(model, tuple(err["loc"])[:-1])
            expected = (f"; expected one of: {', '.join(allowed.model_fields)}"
                        if allowed is not None else "")
            message = f"{where}: unknown key '{loc[-1]}'{expected}"
            code = "unknown-key"
        elif kind == "missing":
            line, col = doc.locate(path)
            message = f"{where + ': ' if where else ''}missing required key '{loc[-1]}'"
            code = "missing-key"
        else:
            line, col = doc.locate(path)
            msg = err["msg"].removeprefix("Value error, ")
            secret = msg.startswith("plain-text secret")  # never echo a secret's value
            shown = "" if secret else given(err.get("input"), msg)
            message = f"{where or '(document)'}: {msg}{shown}"
            code = "invalid-value"
        problems.append(Problem(doc.name, line, col, message, code=code, subject=subject))
    return problems


# --- attaching sources ----------------------------------------------------------------------


@functools.cache
def _model_fields_of(cls: type[EstateModel]) -> tuple[str, ...]:
    """Fields of ``cls`` that may hold estate models (directly or in a list)."""
    out = []
    for name, field in cls.model_fields.items():
        types_ = _unwrap(field.annotation)
        inner = [t for tp in types_ for t in (
            _unwrap(typing.get_args(tp)[0]) if typing.get_origin(tp) is list else [tp])]
        if any(isinstance(t, type) and issubclass(t, EstateModel) for t in inner):
            out.append(name)
    return tuple(out)


def _attach(obj: EstateModel, doc: Document, path: Loc) -> None:
    """Record on every estate object of ``obj`` (recursively) where it is defined."""
    stack: list[tuple[EstateModel | list[EstateModel], Loc]] = [(obj, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, list):
            stack.extend((x, (*where, i)) for i, x in enumerate(item)
                         if isinstance(x, EstateModel))
            continue
        item._set_source(Source(doc, where))
        for name in _model_fields_of(type(item)):
            value = getattr(item, name)
            if value is not None:
                stack.append((value, (*where, name)))


def _salvage_hosts(doc: Document, kind: FileKind, invalid: set[str]) -> EstateModel | None:
    """The valid hosts of a hosts file with errors, so the rest of the estate is still checked.

    Names of invalid hosts go to ``invalid`` so that references to them are not reported as
    dangling on top of the host's own error.
    """
    if kind.model is not HostsFile or not isinstance(doc.value.get("hosts"), list):
        return None
    good = []
    for i, item in enumerate(doc.value["hosts"]):
        try:
            host = Host.model_validate(item)
        except ValidationError:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                invalid.add(item["name"])
            continue
        _attach(host, doc, ("hosts", i))
        good.append(host)
    obj = HostsFile.model_construct(hosts=good)
    doc.model = obj
    return obj


# --- the whole ------------------------------------------------------------------------------


def load_estate_files(files: dict[str, bytes], *, today: date,
                      ) -> tuple[Estate | None, list[Problem]]:
    """Validate an estate given as {repo-relative path: bytes}, as of ``today``."""
    problems: list[Problem] = []
    parsed: dict[str, tuple[FileKind, Document, EstateModel]] = {}
    invalid_hosts: set[str] = set()
    for name in sorted(files):
        kind = classify(name)
        if kind is None:
            problems.append(Problem(name, 1, 1, "not an estate file (no file kind lives at this "
                                    "path; estate files end in .yaml); ignored", "warning",
                                    "unknown-file"))
            continue
        try:
            doc = read_document(name, files[name])
        except YamlError as exc:
            problems.extend(Problem(name, e.line, e.column, e.message, code="yaml")
                            for e in exc.errors)
            continue
        if not isinstance(doc.value, dict):
            line, col = doc.locate(())
            problems.append(Problem(name, line, col, f"the document must be a mapping with the "
                                    f"keys of a {kind.name} file (see schemas/{kind.schema_file})",
                                    code="not-a-mapping"))
            continue
        try:
            obj = kind.model.model_validate(doc.value)
        except ValidationError as exc:
            problems.extend(validation_problems(doc, kind.model, exc))
            salvaged = _salvage_hosts(doc, kind, invalid_hosts)
            if salvaged is not None:
                parsed[name] = (kind, doc, salvaged)
            continue
        _attach(obj, doc, ())
        doc.model = obj
        parsed[name] = (kind, doc, obj)

    failed = {k.name for n in files if (k := classify(n)) is not None and n not in parsed}
    for kind in FILE_KINDS:
        if kind.required and not any(_kind_matches(n, kind) for n in files):
            problems.append(Problem(kind.pattern, 1, 1,
                                    f"missing: the estate needs {kind.pattern} "
                                    f"({kind.description})", code="missing-file"))

    estate = crossref.assemble(parsed)
    problems.extend(crossref.check(estate, today=today, failed_kinds=failed,
                                   invalid_hosts=invalid_hosts))
    problems.sort()
    if any(p.severity == "error" and p.code not in RUN_TOLERATED for p in problems):
        return None, problems
    return estate, problems
