"""`patrol validate`: exit codes, output formats, warnings that do not fail."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from runner.estate import load_estate
from tests.conftest import git

from .conftest import REPO, SampleEstate, patrol, position


def test_sample_estate_validates_clean() -> None:
    run = patrol("validate", str(REPO))
    assert run.code == 0, run.text
    assert "estate is valid: 0 errors" in run.out


def test_default_path_is_the_current_directory() -> None:
    run = patrol("validate", cwd=REPO)
    assert run.code == 0, run.text


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    run = patrol("validate", str(tmp_path / "nope"))
    assert run.code == 2
    assert "no such directory" in run.err
    assert "Traceback" not in run.text


def test_directory_without_estate_is_a_usage_error(tmp_path: Path) -> None:
    run = patrol("validate", str(tmp_path))
    assert run.code == 2
    assert "is not an estate" in run.err


def _two_errors(estate: SampleEstate) -> list[tuple[str, int, int]]:
    hosts = "inventory/hosts/fra-dc2.yaml"
    text = estate.replace(hosts, "address: 10.123.0.32", "address: 10.123.0.320")
    service = estate.replace("policies/service.yaml", "high: 1d", "high: 1 day")
    return [(hosts, *position(text, "10.123.0.320")),
            ("policies/service.yaml", *position(service, "1 day"))]


def test_errors_are_sorted_by_file_then_line(estate: SampleEstate) -> None:
    estate.replace("policies/waivers.yaml", "host: backup-01", "host: nobody")
    expected = sorted([*_two_errors(estate),
                       ("policies/waivers.yaml",
                        *position(estate.read("policies/waivers.yaml"), "nobody"))])
    run = estate.validate()
    assert run.code == 1
    lines = run.out.splitlines()
    assert [line.split(": ")[0] for line in lines[:-1]] == [f"{f}:{a}:{b}" for f, a, b in expected]
    files = len([*estate.root.glob("inventory/**/*.yaml"), *estate.root.glob("policies/**/*.yaml")])
    assert lines[-1] == f"estate is invalid: 3 errors, 0 warnings in {files} files"


def test_json_format_lists_every_problem(estate: SampleEstate) -> None:
    expected = _two_errors(estate)
    run = estate.validate("--format", "json")
    assert run.code == 1
    doc = json.loads(run.out)
    assert doc["valid"] is False and doc["errors"] == 2
    assert [(p["file"], p["line"], p["column"]) for p in doc["problems"]] == sorted(expected)
    assert doc["problems"][1]["message"].startswith("rectification.high: '1 day' is not a duration")


def test_github_format_is_workflow_annotations(estate: SampleEstate) -> None:
    (hosts, line, col), _ = _two_errors(estate)
    run = estate.validate("--format", "github")
    assert run.code == 1
    first = run.out.splitlines()[0]
    assert first.startswith(f"::error file={hosts},line={line},col={col}::hosts[1](app-02).address")


def test_an_expiring_waiver_is_a_warning_not_a_failure() -> None:
    estate, problems = load_estate(REPO, today=date(2027, 6, 20))
    assert estate is not None
    text = (REPO / "policies/waivers.yaml").read_text()
    line, col = position(text, "2027-06-30")
    assert [str(p) for p in problems] == [
        f"policies/waivers.yaml:{line}:{col}: warning: waiver for load expires on "
        "2027-06-30, within 14 days"]


def test_sample_waiver_is_not_close_to_expiry_on_the_demo_day() -> None:
    estate, problems = load_estate(REPO, today=date(2026, 11, 25))
    assert estate is not None and problems == []


def test_cached_result_is_reused_and_invalidated_by_any_change(estate: SampleEstate) -> None:
    git(estate.root, "init", "-q")
    first = estate.validate()
    assert first.code == 0
    assert list((estate.root / ".git/patrol").glob("validate-*.json"))
    status = git(estate.root, "status", "--porcelain", "--untracked-files=all", "--ignored")
    assert status and all(line[3:].startswith(("inventory/", "policies/"))
                          for line in status.splitlines())  # nothing else in the work tree
    assert estate.validate().out == first.out
    estate.replace("inventory/hosts/fra-dc2.yaml", "role: db", "role: dbx")
    estate.replace("policies/service.yaml", "low: 30d", "low: 30 days")
    changed = estate.validate()
    assert changed.code == 1
    assert "'30 days' is not a duration" in changed.out
    again = estate.validate()
    assert (again.code, again.out) == (changed.code, changed.out)


def test_the_cache_key_covers_code_outside_the_estate_package(tmp_path: Path) -> None:
    """Validation reaches into findings/ (waiver rules) and clock.py: editing them must miss."""
    import shutil

    from runner.estate.cache import code_fingerprint

    copy = tmp_path / "runner"
    shutil.copytree(REPO / "runner", copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_fingerprint(copy)
    waivers = copy / "findings" / "waivers.py"
    waivers.write_text(waivers.read_text(encoding="utf-8").replace(
        "WARN_DAYS = 14", "WARN_DAYS = 4000"), encoding="utf-8")
    assert "WARN_DAYS = 4000" in waivers.read_text(encoding="utf-8")
    code_fingerprint.cache_clear()
    assert code_fingerprint(copy) != before


def test_a_corrupt_cache_is_ignored(estate: SampleEstate) -> None:
    git(estate.root, "init", "-q")
    estate.validate()
    entries = list((estate.root / ".git/patrol").glob("validate-*.json"))
    assert entries
    for entry in entries:
        entry.write_text("{not json")
    run = estate.validate()
    assert run.code == 0 and "Traceback" not in run.text


def test_an_estate_outside_git_is_validated_without_leaving_files(estate: SampleEstate) -> None:
    before = sorted(estate.root.rglob("*"))
    assert estate.validate().code == 0
    assert sorted(estate.root.rglob("*")) == before


def test_a_worktree_caches_in_its_own_git_dir(tmp_path: Path) -> None:
    from runner.estate.cache import git_dir

    main = tmp_path / "main"
    main.mkdir()
    git(main, "init", "-q", "-b", "main")
    git(main, "-c", "user.name=t", "-c", "user.email=t@e.invalid", "commit", "-q",
        "--allow-empty", "-m", "x")
    git(main, "worktree", "add", "-q", str(tmp_path / "wt"), "-b", "wt")
    assert git_dir(main / "sub" / "dir") == (main / ".git").resolve()
    assert git_dir(tmp_path / "wt") == (main / ".git/worktrees/wt").resolve()


def test_an_expired_waiver_is_an_error_at_its_expiry() -> None:
    _estate, problems = load_estate(REPO, today=date(2027, 7, 1))
    line, col = position((REPO / "policies/waivers.yaml").read_text(), "2027-06-30")
    assert [(p.file, p.line, p.column, p.severity, p.code) for p in problems] == [
        ("policies/waivers.yaml", line, col, "error", "waiver-expired")]
    assert "expired on 2027-06-30" in problems[0].message


def test_an_expired_waiver_fails_validate_but_not_the_scheduled_runs(
        estate: SampleEstate) -> None:
    from runner.inspect import load_valid_estate

    estate.replace("policies/waivers.yaml", "expires: 2027-06-30", "expires: 2026-01-31")
    run = estate.validate()
    assert run.code == 1
    assert "error: waiver for load expired on 2026-01-31" in run.out
    # inspections keep running; the waiver lapses
    loaded = load_valid_estate(estate.root, date(2027, 7, 1))
    assert loaded.waivers[0].expires == date(2026, 1, 31)
