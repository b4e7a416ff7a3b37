"""The plan as JSON, for tools: every change with its fields old → new and its impact.

Keys are stable; lists keep the plan's order (sorted by key), so the same two revisions always
give the same bytes. ``version`` is the format's version, as in `validate --format json`: it
changes only when a key changes meaning or goes away.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from ..formats.problems_json import problem
from .model import Plan

VERSION = 1


def as_dict(plan: Plan) -> dict[str, Any]:
    return {
        "version": VERSION,
        "base": {"rev": plan.base, "commit": plan.base_commit},
        "head": {"rev": plan.head, "commit": plan.head_commit},
        "valid": not plan.errors,
        "problems": [problem(p) for p in plan.problems],  # as validate's JSON has them
        "changes": not plan.empty,
        "counts": {key: plan.counts(key) for key in plan.sections if plan.sections[key]},
        "sections": {key: [asdict(c) for c in changes]
                     for key, changes in plan.sections.items()},
    }


def render(plan: Plan) -> str:
    return json.dumps(as_dict(plan), indent=2, ensure_ascii=False, default=str)
