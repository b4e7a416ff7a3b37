"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array of issues: ``description``, ``check_name`` (the rule id), ``fingerprint``,
``severity`` (error -> major, warning -> minor) and ``location`` (path, ``lines.begin``).
The fingerprint hashes the rule, file and message but not the line, so an issue that only moved
is the same issue in the merge request widget; repeats of one issue are numbered.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..errors import Problem
from . import rule_id

SEVERITY = {"error": "major", "warning": "minor"}


def issues(problems: list[Problem]) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    out = []
    for p in problems:
        rule = rule_id(p)
        base = hashlib.sha256("\0".join((rule, p.file, p.message)).encode()).hexdigest()
        seen[base] = seen.get(base, 0) + 1
        fingerprint = base if seen[base] == 1 else hashlib.sha256(
            f"{base}\0{seen[base]}".encode()).hexdigest()
        out.append({
            "type": "issue",
            "description": p.message,
            "check_name": rule,
            "fingerprint": fingerprint,
            "severity": SEVERITY.get(p.severity, "info"),
            "location": {"path": p.file, "lines": {"begin": p.line}},
        })
    return out


def render(problems: list[Problem]) -> str:
    return json.dumps(issues(problems), indent=2, ensure_ascii=False)
