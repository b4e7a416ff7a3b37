"""The work plan a purchaser can check: the joint inspections with the purchaser each site
names (``joint_inspections`` in inventory/sites.yaml) fall on their day with who comes from
both sides, and each reorder names who supplies it and the depot it goes to."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from runner.report import workplan
from runner.report.period import Month
from runner.report.render import render_workplan
from runner.run import load_valid_estate
from tests.conftest import copy_estate

PATROL = str(Path(sys.executable).parent / "patrol")
JOINT = """    joint_inspections:
      - day: 15
        purchaser: Li Wei (IT manager)
        note: machine room walk-through <b>with</b> the purchaser
"""


def estate_with_joint_and_short(tmp_path: Path, day: int = 15) -> Path:
    root = copy_estate(tmp_path / "estate")
    sites = root / "inventory/sites.yaml"
    text = sites.read_text()
    cut = text.index("  - id: fra-dc2")  # after hz-dc1's entry
    sites.write_text(text[:cut] + JOINT.replace("day: 15", f"day: {day}") + text[cut:])
    spares = root / "inventory/spares.yaml"
    spares.write_text(spares.read_text().replace(
        "{part: dell-psu-750w, depot: hz-dc1-cage, quantity: 1}",
        "{part: dell-psu-750w, depot: hz-dc1-cage, quantity: 0}"))
    return root


def test_joint_inspections_and_the_depot_of_each_reorder(tmp_path):
    root = estate_with_joint_and_short(tmp_path)
    estate = load_valid_estate(root, date(2026, 12, 1))
    plan = workplan.build(estate, Month(2026, 12), {})
    (joint,) = [d for d in plan.due if d.what == "joint"]
    assert (joint.day, joint.subject) == (date(2026, 12, 15), "hz-dc1")
    assert joint.who == "Zhang Min; Li Wei (IT manager)"  # the resident engineer; the purchaser
    (order,) = [o for o in plan.reorders if o.part == "dell-psu-750w"]
    assert (order.site, order.quantity, order.channel, order.depot) == (
        "hz-dc1", 1, "depot", "hz-dc1-cage")
    zh = render_workplan(plan, "markdown", "zh-CN")
    assert "与采购方联合巡检" in zh and "hz-dc1-cage" in zh and "备件库" in zh
    html = render_workplan(plan, "html", "en")
    assert "&lt;b&gt;with&lt;/b&gt;" in html and "<b>with" not in html  # estate text escaped


def test_a_joint_inspection_on_a_day_not_every_month_has_is_refused_at_its_line(tmp_path):
    root = estate_with_joint_and_short(tmp_path, day=31)
    r = subprocess.run([PATROL, "validate", str(root)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    line = next(i for i, t in enumerate((root / "inventory/sites.yaml").read_text()
                                        .splitlines(), 1) if "day: 31" in t)
    assert f"inventory/sites.yaml:{line}:" in r.stdout + r.stderr, r.stdout + r.stderr
