"""``patrol plan``: what a change to the estate means, between two Git revisions.

    from runner.plan import make_plan
    plan = make_plan(Path("."), base="origin/main", head="HEAD", today=date.today())
    print(render(plan, "markdown"))

Loads the estate at both revisions (``load.py``), diffs it one estate kind per module
(``hosts``, ``checklists``, ``waivers``, ``upgrades``, ``spares``, ``other``) into a
:class:`~runner.plan.model.Plan`, which the renderers turn into text, Markdown (sized for a
pull-request comment) or JSON.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from . import checklists, hosts, other, spares, upgrades, waivers
from .load import load_pair
from .model import SECTIONS, Change, FieldChange, Plan

__all__ = ["SECTIONS", "Change", "FieldChange", "Plan", "make_plan", "render"]


def make_plan(root: Path, base: str, head: str = "HEAD", *, today: date) -> Plan:
    """The plan of going from ``base`` to ``head``; PatrolError for an unknown revision."""
    pair = load_pair(Path(root), base, head, today=today)
    a, b = pair.base, pair.head
    sections = {
        "hosts": hosts.diff(a, b),
        "checklists": checklists.diff(a, b),
        "waivers": waivers.diff(a, b, today=today),
        "upgrades": upgrades.diff(a, b),
        "commitments": spares.commitments(a, b),
        "stock": spares.stock(a, b),
        "coverage": spares.coverage(a, b),
        "shortfalls": spares.shortfalls(a, b),
        "lifecycle": spares.lifecycle(a, b, today),
        "sites": other.sites(a, b),
        "models": other.models(a, b),
        "parts": other.parts(a, b),
        "depots": other.depots(a, b),
        "service": other.service(a, b),
    }
    assert list(sections) == [key for key, _ in SECTIONS]
    return Plan(base, head, pair.base_commit, pair.head_commit, pair.problems, sections)


def render(plan: Plan, fmt: str, **options: object) -> str:
    """``text``, ``markdown`` or ``json``; Markdown takes ``max_chars`` (default: GitHub's)."""
    from . import render_json, render_markdown, render_text

    renderer = {"text": render_text, "markdown": render_markdown, "json": render_json}[fmt]
    return renderer.render(plan, **options)  # type: ignore[arg-type]
