"""An estate whose every free-text field carries Ansible template syntax, as an attacker's PR would.

Every string value in ``inventory/`` and ``policies/inspections/`` (and every key of a
``software`` or ``packages`` map) gets ``{{ 7*7 }}`` and a ``lookup('pipe', 'touch FILE')``
appended, FILE unique per field. Fields that validation refuses (references, enums, patterns)
are put back one by one until the estate is valid, so what remains is every string field the
estate lets text through. Whoever templates one of them creates its FILE, or shows 49.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

KEYED = {"software", "packages"}  # maps whose keys are estate text too
FILES = ("inventory/*.yaml", "inventory/hosts/*.yaml", "policies/inspections/*.yaml",
         "policies/upgrades/*.yaml")


@dataclass
class Injection:
    """What was injected: per field number its file and the injected text."""

    token: str
    texts: dict[int, str] = field(default_factory=dict)
    files: dict[int, str] = field(default_factory=dict)
    paths: dict[int, tuple[Any, ...]] = field(default_factory=dict)  # the keys down to it

    def marker(self, n: int) -> str:
        return f"/tmp/patrol-inj-{self.token}-{n}"

    def controller_files(self) -> list[str]:
        return sorted(str(p) for p in Path("/tmp").glob(f"patrol-inj-{self.token}-*"))


def payload(original: str, marker: str) -> str:
    return f"{original}{{{{ 7*7 }}}}{{{{ lookup('pipe', 'touch {marker}') }}}}"


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    return y


def _walk(node: Any, path: tuple[Any, ...], inject: Any) -> Any:
    if hasattr(node, "fa"):  # flow style ({a: b}, [a]) cannot hold "{{": use block style
        node.fa.set_block_style()
    parent = path[-1] if path else None
    if isinstance(node, dict):
        if parent in KEYED:
            items = [(inject(k, path) if isinstance(k, str) else k, v) for k, v in node.items()]
            node.clear()
            node.update(items)
        for k in list(node):
            node[k] = _walk(node[k], (*path, k), inject)
        return node
    if isinstance(node, list):
        for i, v in enumerate(node):
            node[i] = _walk(v, path, inject)
        return node
    if type(node) is str or node.__class__.__name__ in (
            "DoubleQuotedScalarString", "SingleQuotedScalarString", "PlainScalarString"):
        return inject(str(node), path)
    return node


def _block(lines: list[str], start: int) -> list[str]:
    """The YAML list item that starts at ``lines[start]`` (``- id: x``): it and every line
    indented deeper than its dash."""
    indent = len(lines[start]) - len(lines[start].lstrip(" -"))
    out = [lines[start]]
    for line in lines[start + 1:]:
        if line.strip() and len(line) - len(line.lstrip(" ")) < indent:
            break
        out.append(line)
    return out


def inject_estate(root: Path, today: date | None = None, limit: int = 40) -> Injection:
    """Inject every field of the estate at ``root``; keep the ones validation accepts
    (on ``today``, by default the real date: the run that follows validates on it too)."""
    from runner.estate import load_estate

    today = today or datetime.now(UTC).date()
    paths = sorted({p for pattern in FILES for p in root.glob(pattern)})
    originals = {p: p.read_text() for p in paths}
    inj = Injection(uuid.uuid4().hex[:8])
    refused: set[int] = set()
    for _ in range(limit):
        inj.texts.clear()
        inj.files.clear()
        inj.paths.clear()
        counter = iter(range(1, 1_000_000))
        for path in paths:
            rel = path.relative_to(root).as_posix()

            def inject(text: str, path: tuple[Any, ...], rel: str = rel,
                       counter: Any = counter) -> str:
                n = next(counter)
                if n in refused:
                    return text
                inj.texts[n], inj.files[n] = payload(text, inj.marker(n)), rel
                inj.paths[n] = path
                return inj.texts[n]

            doc = _yaml().load(originals[path])
            out = io.StringIO()
            _yaml().dump(_walk(doc, (), inject), out)
            path.write_text(out.getvalue())
        estate, problems = load_estate(root, today=today)
        errors = [p for p in problems if p.severity == "error"]
        if estate is not None and not errors:
            return inj
        before = len(refused)
        for p in errors:
            places = [(p.file, p.line)]
            # "a check id names one control": the two checks differ as wholes, so the fields
            # of both blocks (this one and the one the message points at) go back
            places += [(f, int(n)) for f, n in re.findall(r"\(at ([^:()]+):(\d+):\d+\)",
                                                          p.message)]
            for rel, number in places:
                lines = (root / rel).read_text().splitlines()
                found = re.findall(rf"patrol-inj-{inj.token}-(\d+)'", lines[number - 1])
                if not found or len(places) > 1:
                    found = re.findall(rf"patrol-inj-{inj.token}-(\d+)'",
                                       "\n".join(_block(lines, number - 1)))
                refused.update(int(n) for n in found)
        if len(refused) == before:
            raise AssertionError(f"cannot locate the injected field of: {errors[0]}")
    raise AssertionError("injection did not converge")
