"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array of issues: ``description``, ``check_name`` (the rule id), ``fingerprint``,
``severity`` (error -> major, warning -> minor) and ``location`` (path, ``lines.begin``).
The fingerprint (``runner.formats.fingerprints``) hashes the file, the rule and the problem's
subject, never a line, a list index or the message, so an issue that only moved, or whose host
moved down its list, is the same issue in the merge request widget.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import Problem
from . import fingerprints, rule_id

SEVERITY = {"error": "major", "warning": "minor"}


def issues(problems: list[Problem]) -> list[dict[str, Any]]:
    out = []
    for p, fingerprint in zip(problems, fingerprints(problems), strict=True):
        out.append({
            "type": "issue",
            "description": p.message,
            "check_name": rule_id(p),
            "fingerprint": fingerprint,
            "severity": SEVERITY.get(p.severity, "info"),
            "location": {"path": p.file, "lines": {"begin": p.line}},
        })
    return out


def render(problems: list[Problem]) -> str:
    return json.dumps(issues(problems), indent=2, ensure_ascii=False)
