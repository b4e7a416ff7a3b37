"""The plan as plain text for a terminal: everything, nothing truncated.

    plan origin/main (1a2b3c4) → HEAD (5d6e7f8)
    Hosts: 1 changed
      site hz-dc1 (1 host)
        changed web-01
          hardware.serial: CZJ0421A1 → CZJ0421A9
"""

from __future__ import annotations

from ..escape import terminal_lines
from . import outline
from .model import Plan

NO_CHANGES = "no changes to the estate"


def header(plan: Plan) -> str:
    return (f"plan {plan.base} ({plan.base_commit[:10]}) → {plan.head} "
            f"({plan.head_commit[:10]})")


def render(plan: Plan) -> str:
    lines = [header(plan)]
    errors = plan.errors
    if errors:
        lines.append(f"the head estate is INVALID: {outline.plural(len(errors), 'error')} "
                     "(patrol validate lists the same)")
        lines.extend(f"  {p}" for p in errors)
    if plan.empty:
        lines.append(NO_CHANGES)
    for noun, heading, nodes in outline.sections(plan, outline.PLAIN):
        lines.append("")
        lines.append(heading)
        lines.extend(outline.emit(nodes, None, bullet="", indent="  ", depth=1, noun=noun))
    return terminal_lines("\n".join(lines))  # estate text may hold escape sequences
