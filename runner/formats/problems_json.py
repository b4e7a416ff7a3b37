"""``--format json``: Patrol's own report of estate problems, versioned for the tools reading it.

``version`` changes only when a key changes meaning or disappears (new keys may be added).
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import Problem
from . import rule_id

VERSION = 1


def problem(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "column": p.column, "severity": p.severity,
            "rule": rule_id(p), "message": p.message}


def render(problems: list[Problem], *, files: int) -> str:
    errors = sum(p.severity == "error" for p in problems)
    return json.dumps({
        "version": VERSION,
        "valid": errors == 0,
        "errors": errors,
        "warnings": len(problems) - errors,
        "files": files,
        "problems": [problem(p) for p in problems],
    }, indent=2, ensure_ascii=False)
