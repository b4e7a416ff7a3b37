"""Inventory follows reality: rewrite the declared ``software:`` versions of hosts in
``inventory/hosts/*.yaml`` after an upgrade, touching nothing else in the files.

The edit is a ruamel.yaml round trip (comments, key order, quoting and indentation kept),
and then a guard compares the old and new text line by line: only lines of the edited
``package: version`` pairs may differ. Should ruamel ever reformat anything else (an unusual
indentation it cannot reproduce, a long line it folds), the edit falls back to replacing the
version scalar in place at the line and column ruamel reports for it, so the rest of the
file stays byte for byte the same either way.

```python
>>> text = 'hosts:\\n  - name: web-01  # canary\\n    software:\\n      agent: "1.0"\\n'
>>> edit_versions(text, {"web-01": {"agent": "1.1"}})[0]
'hosts:\\n  - name: web-01  # canary\\n    software:\\n      agent: "1.1"\\n'
```
"""

from __future__ import annotations

import difflib
import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from .. import versions
from ..errors import Exit, PatrolError

HOSTS_GLOB = "inventory/hosts/*.yaml"
Changes = dict[str, dict[str, str]]  # host -> package -> version


def _new_yaml(mapping: int, sequence: int, offset: int) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 100_000
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _yaml(text: str) -> tuple[YAML, Any] | None:
    """A YAML instance that reproduces ``text`` exactly, with the loaded data; None if no
    indentation setting does (the caller then edits in place)."""
    _data, ind, bsi = load_yaml_guess_indent(text)
    ind, bsi = ind or 2, bsi or 0
    candidates = [(ind - bsi if ind > bsi else ind, ind, bsi), (ind, ind, bsi)]
    candidates += [(m, s, o) for m in (2, 4) for o in (0, 2) for s in (m, m + 2)]
    for mapping, sequence, offset in dict.fromkeys(candidates):
        if offset >= sequence or mapping < 1:
            continue
        yaml = _new_yaml(mapping, sequence, offset)
        data = yaml.load(text)
        if _dump(yaml, data) == text:
            return yaml, data
    return None


def _quoted_like(old: Any, value: str) -> Any:
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(value)
    if old is None or isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(value)
    return value  # plain stays plain (ruamel quotes it if it would read as a number)


def _hosts_in(data: Any) -> dict[str, CommentedMap]:
    hosts = data.get("hosts") if isinstance(data, CommentedMap) else None
    return {str(h.get("name")): h for h in hosts or [] if isinstance(h, CommentedMap)}


def _only_version_lines(old: str, new: str, packages: set[str]) -> bool:
    pattern = re.compile(r"^\s*(?:" + "|".join(re.escape(p) for p in sorted(packages))
                         + r")\s*:\s")
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "delete" or (tag == "replace" and i2 - i1 != j2 - j1):
            return False
        if not all(pattern.match(line) for line in b[j1:j2]):
            return False
        if not all(pattern.match(line) for line in a[i1:i2]):
            return False
    return True


_SCALAR = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|[^\s#][^#\n]*?(?=\s+#|\s*$)")
# a plain scalar inside a flow collection ends at ',', ']' or '}' too
_FLOW_SCALAR = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'"
                          r"|[^\s#,\[\]{}][^#\n,\[\]{}]*?(?=\s+#|\s*[,\]}]|\s*$)")


def replace_scalar(text: str, line: int, col: int, token: str, *, flow: bool = False) -> str:
    """``text`` with the scalar at (line, col) (0-based, as ruamel reports) replaced by
    ``token`` verbatim; every other byte stays. ``flow``: the scalar sits in ``{...}``/``[...]``."""
    lines = text.splitlines(keepends=True)
    src = lines[line]
    match = (_FLOW_SCALAR if flow else _SCALAR).match(src, col)
    if match is None:
        raise PatrolError(f"cannot edit the value at line {line + 1}", exit_code=Exit.FAILED)
    lines[line] = f"{src[:col]}{token}{src[match.end():]}"
    return "".join(lines)


def _in_place(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace the scalar at each (line, column) (0-based) with ``value``, keeping its quotes."""
    lines = text.splitlines(keepends=True)
    for line, col, value in edits:
        src = lines[line]
        match = _SCALAR.match(src, col)
        if match is None:
            raise PatrolError(f"cannot edit the version at line {line + 1}", exit_code=Exit.FAILED)
        token = match.group(0)
        quote = token[0] if token[0] in "\"'" else '"'
        lines[line] = f"{src[:col]}{quote}{value}{quote}{src[match.end():]}"
    return "".join(lines)


def edit_versions(text: str, changes: Changes) -> tuple[str, Changes]:
    """The file's text with the hosts' versions set; also what really changed in it."""
    exact = _yaml(text)
    yaml, data = exact if exact is not None else (None, _new_yaml(2, 2, 0).load(text))
    hosts = _hosts_in(data)
    done: Changes = {}
    in_place: list[tuple[int, int, str]] = []
    added = False
    for name in sorted(changes):
        host = hosts.get(name)
        if host is None:
            continue
        for package, version in sorted(changes[name].items()):
            software = host.get("software")
            if software is None:
                host["software"] = software = CommentedMap()
            old = software.get(package)
            if old is not None and versions.same(str(old), version):
                continue
            if old is None:
                added = True
            else:
                line, col = software.lc.value(package)
                in_place.append((line, col, version))
            software[package] = _quoted_like(old, version)
            done.setdefault(name, {})[package] = version
    if not done:
        return text, {}
    packages = {p for versions in done.values() for p in versions}
    if yaml is not None:
        new = _dump(yaml, data)
        if _only_version_lines(text, new, packages):
            return new, done
    if added:
        raise PatrolError("cannot add a software version without reformatting the host file; "
                          "declare the package under the host's software: by hand first",
                          exit_code=Exit.FAILED)
    return _in_place(text, in_place), done


def host_files(root: Path) -> list[Path]:
    return sorted(Path(root).glob(HOSTS_GLOB))


def update_inventory(root: Path, changes: Changes) -> tuple[list[str], Changes]:
    """Rewrite every host file that declares one of the hosts; returns the files written
    (relative to ``root``) and the versions that changed."""
    from ..archive import atomic_write

    written: list[str] = []
    done: Changes = {}
    wanted = {h: v for h, v in changes.items() if v}
    for path in host_files(root):
        if not wanted:
            break
        text = path.read_text(encoding="utf-8")
        new, changed = edit_versions(text, wanted)
        if changed:
            atomic_write(path, new.encode("utf-8"))
            written.append(path.relative_to(root).as_posix())
            done.update(changed)
    return written, done
