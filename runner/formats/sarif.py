"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning (the upload-sarif action).

One run of the tool ``patrol``; its rules are the rule ids that occur, each result points at
``file:line:column`` relative to the repository root (``%SRCROOT%``) and carries
``partialFingerprints`` (``patrol/v1``: the fingerprint GitLab's report has too, see
``runner.formats.fingerprints``), so code scanning matches a result across commits by what it
is about, not by where an unrelated edit moved it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from ..errors import Problem
from . import describe, fingerprints, rule_id

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning"}
FINGERPRINT = "patrol/v1"  # a new version when what the fingerprint hashes changes


def _version() -> str:
    from ..version import DISTRIBUTION, installed

    return installed(DISTRIBUTION, "0")


def log(problems: list[Problem]) -> dict[str, Any]:
    rules = sorted({rule_id(p) for p in problems})
    index = {rule: i for i, rule in enumerate(rules)}
    results = [{
        "ruleId": rule_id(p),
        "ruleIndex": index[rule_id(p)],
        "level": LEVEL.get(p.severity, "note"),
        "message": {"text": p.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": quote(p.file), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": max(p.line, 1), "startColumn": max(p.column, 1)},
        }}],
        "partialFingerprints": {FINGERPRINT: fingerprint},
    } for p, fingerprint in zip(problems, fingerprints(problems), strict=True)]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "patrol",
                "version": _version(),
                "rules": [{"id": rule, "shortDescription": {"text": describe(rule)}}
                          for rule in rules],
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render(problems: list[Problem]) -> str:
    return json.dumps(log(problems), indent=2, ensure_ascii=False)
