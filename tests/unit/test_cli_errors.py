"""User mistakes on the command line: one clean line, the documented exit code, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PATROL = str(Path(sys.executable).parent / "patrol")


def patrol(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PATROL, *args], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("args", [
    ["inspect", "daily", "--estate", "/nonexistent/estate"],
    ["findings", "--estate", "/nonexistent/estate"],
    ["findings", "escalate", "--estate", "/nonexistent/estate"],
    ["compliance", "--estate", "/nonexistent/estate"],
    ["upgrade", "patrol-agent-1.1", "--estate", "/nonexistent/estate"],
    ["inspect", "no-such-checklist", "--estate", str(ROOT)],
    ["inspect", "daily", "--limit", "role=", "--estate", str(ROOT)],
    ["inspect", "daily", "--limit", "name=nothing-matches-*", "--estate", str(ROOT)],
    ["upgrade", "no-such-plan", "--estate", str(ROOT)],
    ["compliance", "--now", "not-a-time", "--estate", str(ROOT)],
    ["inspect"],
])
def test_usage_errors_exit_2_with_one_clean_message(args):
    r = patrol(*args)
    assert r.returncode == 2, (args, r.stdout, r.stderr)
    assert "Traceback" not in r.stdout + r.stderr
    assert r.stderr.strip(), "a usage error must say what is wrong"


def test_unknown_checklist_names_the_known_ones():
    r = patrol("inspect", "nightly", "--estate", str(ROOT))
    assert r.stderr.strip() == "patrol: unknown checklist 'nightly'; known: daily, monthly, weekly"


@pytest.mark.parametrize("args", [
    ["findings", "escalate", "--now", "0001-01-01T00:00:00+05:00", "--estate", str(ROOT)],
    ["compliance", "--now", "9999-12-31T23:00:00Z", "--estate", str(ROOT)],
    ["inspect", "daily", "--junit", "/tmp", "--estate", str(ROOT)],
    ["findings", "--estate", "/tmp"],
    ["compliance", "--estate", "/tmp"],
])
def test_more_usage_errors_never_trace_back(args):
    r = patrol(*args)
    assert r.returncode == 2, (args, r.stdout, r.stderr)
    assert "Traceback" not in r.stdout + r.stderr
    assert r.stderr.startswith("patrol: ")
