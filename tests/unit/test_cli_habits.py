"""Habits users expect of a command line (issue 21, item 6), through the installed ``patrol``:
the estate found upward from the working directory, help without type placeholders but with
the allowed values and an "Exit status" section, bad values as one clean line, the closest
zone names, and shell completion of the estate's own names."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer

from runner.cli import app
from runner.errors import Exit
from runner.findings.model import State as FindingState
from runner.incidents.model import State as IncidentState
from tests.conftest import copy_estate, git

PATROL = str(Path(sys.executable).parent / "patrol")


def patrol(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PATROL, *args], capture_output=True, text=True, check=False,
                          cwd=cwd, env={**os.environ, "PATROL_NO_CACHE": "1", **env},
                          stdin=subprocess.DEVNULL, timeout=60)


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """The sample estate in a repository, with a nested directory to run from, and a few
    archive files for the ids completion offers."""
    root = copy_estate(tmp_path / "estate")
    (root / "docs" / "deep").mkdir(parents=True)
    findings = root / "reports" / "findings" / "web-01"
    findings.mkdir(parents=True)
    (findings / "disk-space.yaml").write_text("id: web-01/disk-space\n")
    incidents = root / "reports" / "incidents" / "2026"
    incidents.mkdir(parents=True)
    for iid in ("INC-2026-0001", "INC-2026-0002"):
        (incidents / f"{iid}.yaml").write_text(f"id: {iid}\n")
    git(root, "init", "-q")
    return root


# --- the estate root, found upward ---------------------------------------------------------


def test_a_command_run_from_a_subdirectory_uses_the_estate_above(estate: Path) -> None:
    r = patrol("validate", cwd=estate / "docs" / "deep")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "estate is valid" in r.stdout
    r = patrol("inventory", "--host", "web-01", cwd=estate / "inventory" / "hosts")
    assert r.returncode == 0 and '"ansible_host"' in r.stdout, r.stderr


def test_an_explicit_estate_is_used_as_given(estate: Path, tmp_path: Path) -> None:
    """--estate is never searched upward: a directory that is not an estate says so."""
    r = patrol("validate", str(estate / "docs"), cwd=estate)
    assert r.returncode == 2 and "is not an estate" in r.stderr, r.stderr
    r = patrol("inventory", "--list", "--estate", str(estate / "docs"), cwd=estate)
    assert r.returncode == 2 and "is not an estate" in r.stderr, r.stderr


def test_outside_any_estate_the_message_says_none_was_found(tmp_path: Path) -> None:
    r = patrol("findings", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == (f"patrol: {tmp_path} is not an estate, nor is any directory above it: "
                        "none has inventory/ or policies/ (give the estate's root with "
                        "--estate)\n")


# --- help -------------------------------------------------------------------------------------


def commands(group: typer.Typer = app) -> list[list[str]]:
    """Every command path of the app, groups included: ["findings"], ["findings", "assign"]."""
    import typer.main

    out: list[list[str]] = []

    def walk(cmd: object, path: list[str]) -> None:
        out.append(path)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(group), [])
    return out


ALL = commands()


def test_every_command_is_walked() -> None:
    names = {" ".join(p) for p in ALL}
    assert {"", "validate", "findings", "findings assign", "incident open", "incidents",
            "lab up", "report monthly", "audit verify"} <= names
    assert len(ALL) > 40


def help_of(path: list[str]) -> str:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "patrol")
def test_help_names_no_python_type(path: list[str]) -> None:
    text = help_of(path)
    placeholders = re.findall(r"<(?:bool|str|int|float|path|list\[[^\]]*\]|[a-z|]+)>", text)
    assert placeholders == [], text
    assert not re.search(r"--help \S", text), "--help takes no value"


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "patrol")
def test_help_ends_with_the_exit_status(path: list[str]) -> None:
    text = help_of(path)
    section = text.split("\nExit status:\n", 1)
    assert len(section) == 2, text
    codes = [int(line.split()[0]) for line in section[1].splitlines()
             if line.strip() and line.startswith("  ") and line.split()[0].isdigit()]
    assert codes == sorted(codes) and {0, 2, 130} <= set(codes), section[1]
    assert set(codes) <= {int(e) for e in Exit}


def test_exit_status_says_what_each_code_means_for_the_command() -> None:
    inspect = help_of(["inspect"]).split("Exit status:")[1]
    assert re.search(r"\n  1 +a check failed or a host was unreachable", inspect)
    assert re.search(r"\n  3 +the machine cannot do it", inspect)
    spares_use = help_of(["spares", "use"]).split("Exit status:")[1]
    assert "the depot holds fewer than asked" in spares_use
    validate = help_of(["validate"]).split("Exit status:")[1]
    assert "\n  3 " not in validate  # validate never needs the machine


def test_closed_sets_list_their_values() -> None:
    findings = help_of(["findings"])
    assert "--state open|warned|overdue|penalised|waived|closed" in findings
    assert "--format, -f text|json|markdown" in findings
    assert "--state open|responded|on-site|waiting|resolved|closed" in help_of(["incidents"])
    opened = help_of(["incident", "open"])
    assert "--via phone|email|monitoring|inspection" in opened
    assert "--severity critical|high|medium|low" in opened
    assert "--lang en|zh-CN" in help_of(["report", "monthly"])


def test_the_cli_states_are_the_models_states() -> None:
    """The CLI lists them without importing the models (they bring Git)."""
    from runner.cli.findings import FindingState as CliFindingState
    from runner.cli.incidents import IncidentState as CliIncidentState

    assert [s.value for s in CliFindingState] == [s.value for s in FindingState]
    assert [s.value for s in CliIncidentState] == [s.value for s in IncidentState]


def test_options_that_take_a_value_say_what_and_flags_say_nothing() -> None:
    text = help_of(["inspect"])
    assert "--limit SELECTOR " in text and "--junit FILE " in text
    assert "--estate, -e DIR " in text
    assert re.search(r"\n  --lab +Reach", text)
    assert re.search(r"\n  --commit / --no-commit +Commit", text)
    assert re.search(r"Usage: \S+ inspect \[OPTIONS\] CHECKLIST\n", text)


# --- clean messages ---------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    (["findings", "--state", "late"],
     "patrol: --state: 'late' is not one of 'open', 'warned', 'overdue', 'penalised', "
     "'waived', 'closed'\n"),
    (["report", "monthly", "2026-11", "--lang", "fr"],
     "patrol: --lang: 'fr' is not one of 'en', 'zh-CN'\n"),
    (["spares", "use", "disk", "--depot", "d", "--host", "web-01", "--reason", "r",
      "--quantity", "many"],
     "patrol: --quantity: Input should be a valid integer, unable to parse string as an "
     "integer\n"),
])
def test_a_bad_value_is_one_line_without_the_librarys_prefix(estate: Path, args: list[str],
                                                             expected: str) -> None:
    r = patrol(*args, cwd=estate)
    assert r.returncode == 2
    assert r.stderr == expected and not r.stdout
    assert "Value error" not in r.stderr and "Traceback" not in r.stderr


def test_a_missing_argument_keeps_the_usage_and_the_hint(estate: Path) -> None:
    r = patrol("inspect", cwd=estate)
    assert r.returncode == 2
    assert r.stderr.startswith("Usage: patrol inspect [OPTIONS] CHECKLIST\n")
    assert "Missing argument" in r.stderr and "Traceback" not in r.stderr


def test_a_wrong_time_zone_names_the_three_closest(estate: Path) -> None:
    sites = estate / "inventory" / "sites.yaml"
    text = sites.read_text()
    zone = re.search(r"timezone: (\S+)", text)[1]
    sites.write_text(text.replace(f"timezone: {zone}", "timezone: Europe/Berlln", 1))
    r = patrol("validate", cwd=estate)
    assert r.returncode == 1
    line = next(x for x in r.stdout.splitlines() if "Berlln" in x)
    assert line.endswith("unknown time zone 'Europe/Berlln'; closest IANA names: "
                         "Europe/Berlin, Europe/Dublin, Europe/Tallinn")
    assert len(r.stdout) < 2000  # not the ~600 names


# --- shell completion ---------------------------------------------------------------------


def bash(words: str, cwd: Path) -> list[str]:
    parts = words.split(" ")
    r = patrol(cwd=cwd, _PATROL_COMPLETE="complete_bash", COMP_WORDS=words,
               COMP_CWORD=str(len(parts) - 1))
    assert r.returncode == 0 and not r.stderr, r.stderr
    return r.stdout.split()


def test_bash_completes_the_estates_names_from_a_subdirectory(estate: Path) -> None:
    here = estate / "docs" / "deep"
    assert bash("patrol inspect ", here) == ["daily", "monthly", "weekly"]
    assert bash("patrol inspect d", here) == ["daily"]
    assert bash("patrol upgrade ", here) == ["patrol-agent-1.1"]
    assert bash("patrol inspect daily --limit web", here) == ["web-01", "web-02"]
    assert bash("patrol audit host db", here) == ["db-01", "db-02"]
    assert bash("patrol findings assign ", here) == ["web-01/disk-space"]
    assert bash("patrol incident respond INC", here) == ["INC-2026-0001", "INC-2026-0002"]
    assert bash("patrol incident open --host app", here) == ["app-01", "app-02"]


def test_completion_reads_the_estate_named_on_the_line(estate: Path, tmp_path: Path) -> None:
    assert bash(f"patrol inspect --estate {estate} ", tmp_path) == ["daily", "monthly",
                                                                     "weekly"]
    assert bash("patrol inspect ", tmp_path) == []  # no estate here, nor above


def test_zsh_and_fish_complete_the_same_names(estate: Path) -> None:
    zsh = patrol(cwd=estate, _PATROL_COMPLETE="complete_zsh",
                 _TYPER_COMPLETE_ARGS="patrol inspect w")
    assert zsh.returncode == 0 and '"weekly"' in zsh.stdout and '"daily"' not in zsh.stdout
    fish = patrol(cwd=estate, _PATROL_COMPLETE="complete_fish",
                  _TYPER_COMPLETE_ARGS="patrol audit host web",
                  _TYPER_COMPLETE_FISH_ACTION="get-args")
    assert fish.returncode == 0 and fish.stdout.split() == ["web-01", "web-02"]


def test_completion_never_fails_on_a_broken_estate(estate: Path) -> None:
    hosts = estate / "inventory" / "hosts"
    (hosts / "broken.yaml").write_text("hosts: [ {name: \n")
    (hosts / "odd.yaml").write_text("hosts: just a string\n")
    (hosts / "dir.yaml").mkdir()
    (estate / "policies" / "upgrades").rename(estate / "policies" / "moved")
    (estate / "policies" / "upgrades").write_text("not a directory\n")
    (estate / "reports" / "incidents" / "2026" / "INC-2026-0003.yaml").write_bytes(b"\xff\x00")
    assert bash("patrol audit host web", estate) == ["web-01", "web-02"]
    assert bash("patrol upgrade ", estate) == []
    assert bash("patrol incident wait INC-2026-000", estate) == [
        "INC-2026-0001", "INC-2026-0002", "INC-2026-0003"]


PROBE = """
import json, sys
sys.argv[0] = "patrol"
from runner.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in
                        ("git", "ansible", "ansible_runner", "jinja2", "ruamel")
                        or m in ("runner.estate.models", "runner.estate.loader",
                                 "runner.archive"))), file=sys.stderr)
"""


def test_completion_reads_names_only_and_answers_quickly(estate: Path) -> None:
    """No models, no Git, no Ansible: a TAB stays fast however large the estate is (the
    median is bounded loosely here: a loaded test machine is slow, an import is not)."""
    env = {**os.environ, "_PATROL_COMPLETE": "complete_bash",
           "COMP_WORDS": "patrol audit host web", "COMP_CWORD": "3"}
    times = []
    for _ in range(5):
        start = time.perf_counter()
        r = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                           cwd=estate, env=env, check=False, timeout=60)
        times.append(time.perf_counter() - start)
        assert r.stdout.split() == ["web-01", "web-02"], r.stderr
        assert r.stderr.strip() == "[]", r.stderr
    assert statistics.median(times) < 5.0, times


def test_the_probe_sees_heavy_imports_when_a_completion_makes_them(estate: Path) -> None:
    """The probe above can fail: a command that loads the estate shows up in it."""
    r = subprocess.run([sys.executable, "-c", PROBE.replace("main()", "main(); raise SystemExit")
                        .replace("from runner.cli import main",
                                 "from runner.cli import main\nimport runner.estate.loader")],
                       capture_output=True, text=True, cwd=estate, check=False, timeout=60,
                       env={**os.environ, "_PATROL_COMPLETE": "complete_bash",
                            "COMP_WORDS": "patrol audit host web", "COMP_CWORD": "3"})
    assert "runner.estate.loader" in r.stderr, r.stderr
