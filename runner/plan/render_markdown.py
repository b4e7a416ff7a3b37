"""The plan as Markdown for a pull-request comment, always within ``max_chars``.

GitHub refuses comments over 65,535 characters. When the whole plan does not fit, every list
(sites, hosts, fields, checks, wave hosts, errors) is capped at the largest common length that
fits, each capped list ends with "… and N more <things>", and the last line says how much was
left out. Only whole lines and whole names are dropped, never part of a line. The first line
is a marker CI uses to find and update its earlier comment.
"""

from __future__ import annotations

from ..escape import markdown as text
from ..escape import markdown_code as code
from . import outline
from .model import SECTIONS, Plan
from .render_text import NO_CHANGES

MAX_CHARS = 65_535
MARKER = "<!-- patrol-plan -->"


STYLE = outline.Style(code=code, text=text, warn="⚠️")


def _longest(nodes: list[outline.Node]) -> int:
    best = len(nodes)
    for node in nodes:
        best = max(best, len(node.items or ()), _longest(node.children))
    return best


def _head(plan: Plan) -> list[str]:
    lines = [MARKER,
             f"### Patrol plan: {code(plan.base)} → {code(plan.head)}",
             "",
             f"{code(plan.base_commit[:10])} → {code(plan.head_commit[:10])}",
             ""]
    errors = plan.errors
    if errors:
        lines += ["> [!CAUTION]",
                  f"> **The head estate is invalid: {outline.plural(len(errors), 'error')}.** "
                  "It must be fixed before merging; `patrol validate` lists the same.",
                  ""]
    return lines


def _table(plan: Plan) -> list[str]:
    if plan.empty:
        return [f"**{NO_CHANGES.capitalize()}.**"]
    lines = ["| What | Changes |", "|---|---|"]
    for key, title in SECTIONS:
        if plan.sections.get(key):
            lines.append(f"| {title} | {outline.counts_text(plan, key)} |")
    return lines


def _body(plan: Plan, cap: int | None) -> tuple[list[str], list[str], dict[str, int]]:
    """(the head's errors, the sections, what was left out), every list capped at ``cap``."""
    omitted: dict[str, int] = {}
    errors: list[str] = []
    nodes = [outline.Node(f"{code(f'{p.file}:{p.line}:{p.column}')} {text(p.message)}")
             for p in plan.errors]
    if nodes:
        errors += ["#### Validation errors of the head", ""]
        errors += outline.emit(nodes, cap, bullet="- ", indent="  ", noun="errors",
                               omitted=omitted)
        errors.append("")
    sections: list[str] = []
    for noun, heading, section in outline.sections(plan, STYLE):
        sections += [f"#### {heading}", ""]
        sections += outline.emit(section, cap, bullet="- ", indent="  ", noun=noun,
                                 omitted=omitted)
        sections.append("")
    return errors, sections, omitted


def _footer(plan: Plan, omitted: dict[str, int]) -> list[str]:
    if not omitted:
        return []
    counts = ", ".join(f"{n:,} {noun}" for noun, n in sorted(omitted.items()))
    return [f"_Truncated to fit a comment; run `patrol plan --base {plan.base} --head "
            f"{plan.head}` for the full plan. Not shown: {counts}._"]


def render(plan: Plan, max_chars: int = MAX_CHARS) -> str:
    head, table = _head(plan), _table(plan)
    out = _join(plan, head, table, *_body(plan, None))
    if len(out) <= max_chars:
        return out
    nodes = [n for _, _, ns in outline.sections(plan, STYLE) for n in ns]
    lo, hi = 0, max(_longest(nodes), len(plan.errors))
    best = None
    while lo <= hi:  # the largest cap that fits
        mid = (lo + hi) // 2
        out = _join(plan, head, table, *_body(plan, mid))
        if len(out) <= max_chars:
            best, lo = out, mid + 1
        else:
            hi = mid - 1
    if best is not None:
        return best
    # not even one line per list fits: the summary table alone
    rerun = code(f"patrol plan --base {plan.base} --head {plan.head}")
    return "\n".join([*head, *table, "", f"_The full plan does not fit a comment; run {rerun}._"]
                     ) + "\n"


def _join(plan: Plan, head: list[str], table: list[str], errors: list[str],
          sections: list[str], omitted: dict[str, int]) -> str:
    """The head's errors first, then the summary table, the sections and the footer."""
    lines = [*head, *errors, *table, "", *sections, *_footer(plan, omitted)]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
