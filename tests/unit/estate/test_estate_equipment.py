"""validate's equipment rules: a weaker replacement is an error, a host past end of life a
warning, unknown reach sites and doubled stock lines errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from runner.estate import load_estate
from tests.conftest import copy_estate

TODAY = date(2026, 12, 1)


def _problems(tmp_path: Path, path: str, old: str, new: str) -> list:
    root = copy_estate(tmp_path / "e", ("inventory", "policies"))
    text = (root / path).read_text()
    assert old in text
    (root / path).write_text(text.replace(old, new, 1))
    return load_estate(root, today=TODAY)[1]


def test_the_sample_estate_has_no_equipment_problem():
    root = Path(__file__).resolve().parents[3]
    assert load_estate(root, today=TODAY)[1] == []


def test_a_replacement_weaker_than_the_model_it_replaces_is_an_error(tmp_path):
    problems = _problems(tmp_path, "inventory/hosts/hz-dc1.yaml", "model: sr630}",
                         "model: r740xd}")
    [p] = problems
    assert p.severity == "error" and p.file == "inventory/hosts/hz-dc1.yaml"
    assert "web-02: replacement model dl360-g10 is weaker than the r740xd" in p.message
    assert "cores 48 → 40" in p.message


def test_a_replaced_host_no_longer_in_the_inventory_needs_its_model(tmp_path):
    [p] = _problems(tmp_path, "inventory/hosts/hz-dc1.yaml",
                    "{host: web-legacy-02, model: sr630}", "{host: web-legacy-02}")
    assert "name its model too" in p.message


def test_a_host_past_end_of_life_is_a_warning_at_its_line(tmp_path):
    [p] = _problems(tmp_path, "inventory/hosts/hz-dc1.yaml", "end_of_life: 2029-12-31",
                    "end_of_life: 2026-11-30")
    assert p.severity == "warning" and "mon-01: past its end of life (2026-11-30)" in p.message
    text = (tmp_path / "e/inventory/hosts/hz-dc1.yaml").read_text().splitlines()
    assert "end_of_life: 2026-11-30" in text[p.line - 1]


def test_a_depot_reaching_an_unknown_site_and_a_doubled_stock_line_are_errors(tmp_path):
    problems = _problems(tmp_path, "inventory/spares.yaml", "hz-br3: 2d, hz-dc1: 2d}",
                         "hz-br3: 2d, nowhere: 2d}")
    assert [p.message for p in problems] == [
        "depot eu-central: reaches unknown site 'nowhere' "
        "(known: fra-dc2, fra-plant4, hz-br3, hz-dc1)"]
    problems = _problems(tmp_path / "2", "inventory/spares.yaml",
                         "  - {part: hpe-psu-500w, depot: eu-central, quantity: 1}",
                         "  - {part: hpe-psu-500w, depot: eu-central, quantity: 1}\n"
                         "  - {part: hpe-psu-500w, depot: eu-central, quantity: 5}")
    assert len(problems) == 1 and "listed twice" in problems[0].message


def test_lead_time_on_a_depot_commitment_is_refused(tmp_path):
    [p] = _problems(tmp_path, "policies/spares.yaml", "delivery: 4h, channel: depot}",
                    "delivery: 4h, channel: depot, lead_time: 1h}")
    assert "lead_time is for vendor or distributor" in p.message
