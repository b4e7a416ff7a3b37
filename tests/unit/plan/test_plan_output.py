"""The plan's formats and the command: errors first, exit codes, the comment size limit."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from runner.cli import app
from runner.commands import plan as command
from runner.plan import make_plan, render
from runner.plan.render_markdown import MARKER, MAX_CHARS

from .conftest import TODAY, make_repo


def _hosts(n: int, serial: str) -> str:
    out = ["hosts:\n"]
    for i in range(n):
        out.append(f"""  - name: bulk-{i:04d}
    address: 10.200.{i // 250}.{i % 250 + 1}
    site: {"hz-dc1" if i % 2 else "fra-dc2"}
    role: batch
    environment: production
    criticality: medium
    owner: ops-team@example.com
    hardware:
      model: sr630
      serial: {serial}{i:05d}
      purchased: 2024-01-10
      warranty_end: 2029-01-09
      end_of_life: 2031-12-31
    os:
      family: debian
      release: "12"
""")
    return "".join(out)


def test_2000_changed_hosts_fit_a_comment_and_end_with_what_was_left_out(estate_repo):
    estate_repo.write("inventory/hosts/bulk.yaml", _hosts(2000, "OLD"))
    estate_repo.commit()
    estate_repo.write("inventory/hosts/bulk.yaml", _hosts(2000, "NEW"))
    estate_repo.commit()
    plan = estate_repo.plan()
    assert len(plan.sections["hosts"]) == 2000
    full = render(plan, "markdown", max_chars=10**9)
    assert len(full) > MAX_CHARS
    out = render(plan, "markdown")
    assert len(out) <= MAX_CHARS
    assert out.startswith(MARKER + "\n")
    assert "| Hosts | 2,000 changed |" in out
    lines = out.rstrip("\n").split("\n")
    full_lines = set(full.split("\n"))
    for line in lines[:-1]:  # every line is whole: as in the full plan, or a "… and N more"
        assert line in full_lines or re.fullmatch(r"\s*- … and [\d,]+ more \w+", line), line
    shown = sum(1 for line in lines if re.match(r"  - changed `bulk-", line))
    more = sum(int(n.replace(",", "")) for n in re.findall(r"- … and ([\d,]+) more hosts", out))
    assert shown + more == 2000 and shown > 100
    last = lines[-1]
    assert last.startswith("_Truncated to fit a comment") and f"{more:,} hosts" in last


def test_an_invalid_head_reports_its_errors_first_and_exits_1(estate_repo, capsys):
    estate_repo.replace("inventory/hosts/hz-dc1.yaml", "site: hz-dc1", "site: nowhere")
    estate_repo.replace("policies/waivers.yaml", "expires: 2027-06-30", "expires: 2027-07-30")
    estate_repo.commit()
    code = command.run(estate_repo.root, base="HEAD~1", head="HEAD", fmt="text", today=TODAY)
    out = capsys.readouterr().out
    assert code == 1
    lines = out.splitlines()
    assert lines[1].startswith("the head estate is INVALID: 1 error")
    assert "site 'nowhere' is not defined" in lines[2]
    assert out.index("INVALID") < out.index("Hosts:") < out.index("Waivers: 1 extended")
    md = render(estate_repo.plan(), "markdown")
    assert (md.index("[!CAUTION]") < md.index("#### Validation errors") < md.index("| What |")
            < md.index("#### Hosts"))
    data = json.loads(render(estate_repo.plan(), "json"))
    assert data["version"] == 1 and data["valid"] is False
    assert [(p["file"], p["rule"]) for p in data["problems"]] == [
        ("inventory/hosts/hz-dc1.yaml", "cross-file/hosts")]


def test_a_valid_head_exits_0_with_or_without_changes(estate_repo, capsys):
    for cadence in ("daily", "weekly", "monthly"):  # one control: the same in every checklist
        estate_repo.replace(f"policies/inspections/{cadence}.yaml", "max_percent: 85",
                            "max_percent: 80")
    estate_repo.commit()
    assert command.run(estate_repo.root, base="HEAD~1", fmt="markdown", today=TODAY) == 0
    assert "params.max_percent: `85` → `80`" in capsys.readouterr().out
    assert command.run(estate_repo.root, base="HEAD", fmt="text", today=TODAY) == 0
    assert "no changes to the estate" in capsys.readouterr().out


def test_an_unknown_revision_is_a_usage_error(estate_repo, capsys):
    assert command.run(estate_repo.root, base="no-such-branch", today=TODAY) == 2
    assert "unknown revision 'no-such-branch'" in capsys.readouterr().err


def test_the_same_revisions_give_the_same_bytes(estate_repo):
    estate_repo.replace("inventory/hosts/hz-dc1.yaml", "serial: CZJ0421A1", "serial: X1")
    estate_repo.replace("inventory/hosts/fra-dc2.yaml", "release: \"12\"", "release: \"13\"")
    estate_repo.commit()
    for fmt in ("text", "markdown", "json"):
        assert render(estate_repo.plan(), fmt) == render(estate_repo.plan(), fmt)
    data = json.loads(render(estate_repo.plan(), "json"))
    assert [c["key"] for c in data["sections"]["hosts"]] == ["app-01", "web-01"]
    assert data["sections"]["hosts"][1]["fields"] == [
        {"field": "hardware.serial", "old": "CZJ0421A1", "new": "X1"}]


def test_the_working_tree_is_not_read(estate_repo):
    estate_repo.replace("inventory/hosts/hz-dc1.yaml", "serial: CZJ0421A1", "serial: DIRTY")
    assert estate_repo.plan(base="HEAD", head="HEAD").empty


def test_an_estate_in_a_subdirectory_of_the_repository(tmp_path):
    repo = make_repo(tmp_path)
    (tmp_path / "estate").mkdir()
    repo.git("mv", "inventory", "estate/inventory")
    repo.git("mv", "policies", "estate/policies")
    repo.commit("move the estate")
    repo.replace("estate/inventory/hosts/hz-dc1.yaml", "serial: CZJ0421A1", "serial: X1")
    repo.commit()
    plan = make_plan(tmp_path / "estate", "HEAD~1", "HEAD", today=TODAY)
    assert not plan.problems
    assert [c.key for c in plan.sections["hosts"]] == ["web-01"]


def test_the_cli_command(estate_repo):
    estate_repo.replace("inventory/spares.yaml", "{part: hpe-psu-500w, depot: hz-dc1-cage, "
                        "quantity: 2}", "{part: hpe-psu-500w, depot: hz-dc1-cage, quantity: 3}")
    estate_repo.commit()
    result = CliRunner().invoke(app, ["plan", "--base", "HEAD~1", "--estate",
                                      str(estate_repo.root), "--format", "text"])
    assert result.exit_code == 0, result.output
    assert "changed hpe-psu-500w at hz-dc1-cage\n    quantity: 2 → 3" in result.output


def test_what_an_invalid_head_cannot_read_does_not_look_removed(estate_repo):
    estate_repo.replace("inventory/hosts/hz-dc1.yaml", "criticality: high", "criticality: huge")
    estate_repo.replace("policies/waivers.yaml", "expires: 2027-06-30",
                        "expires: 2027-06-30\n    colour: red")
    estate_repo.replace("inventory/spares.yaml", "{part: hpe-psu-500w, depot: hz-dc1-cage, "
                        "quantity: 2}", "{part: hpe-psu-500w, depot: hz-dc1-cage, quantity: 3}")
    estate_repo.commit()
    plan = estate_repo.plan()
    assert {p.file for p in plan.errors} == {"inventory/hosts/hz-dc1.yaml",
                                             "policies/waivers.yaml"}
    assert plan.sections["hosts"] == [] and plan.sections["waivers"] == []
    assert [c.key for c in plan.sections["stock"]] == ["hpe-psu-500w at hz-dc1-cage"]


def test_markdown_shows_free_text_as_written_and_pings_nobody(estate_repo):
    estate_repo.replace("policies/waivers.yaml", "reason: Nightly", "reason: <b>*Nightly*</b> @ops")
    estate_repo.commit()
    estate_repo.write("policies/waivers.yaml", "waivers: []\n")
    estate_repo.commit()
    out = render(estate_repo.plan(), "markdown")
    assert r"\<b\>\*Nightly\*\</b\> @" + "\u2060ops" in out
    assert "anna.schmidt@customer.example.com" in out  # an address is no mention


def test_text_plan_shows_control_characters_as_escapes(estate_repo):
    estate_repo.write("inventory/hosts/bulk.yaml", _hosts(1, "OLD"))
    estate_repo.commit()
    estate_repo.write("inventory/hosts/bulk.yaml", _hosts(1, "OLD").replace(
        "serial: OLD00000", 'serial: "NEW\\e[2J\\a"'))
    estate_repo.commit()
    out = render(estate_repo.plan(), "text")
    assert "\x1b" not in out and "\x07" not in out
    assert "NEW\\x1b[2J\\x07" in out
