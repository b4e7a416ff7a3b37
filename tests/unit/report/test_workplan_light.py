"""The work plan reads the estate and the findings and nothing of a run: it imports neither the
run skeleton nor Git, the chain, the spool or the findings' lifecycle (benchmarks/report.py:
at most 0.5 s for 1,000 hosts). The cyclic collector skips what a report builds while it
builds it, and is back as it was afterwards."""

from __future__ import annotations

import ast
import gc
import subprocess
import sys
from pathlib import Path

from tests.conftest import commit_all, copy_estate

PROBE = """
import sys
from pathlib import Path
from runner.commands import report
assert report.workplan(Path({root!r}), '2026-12', 'markdown', 'en', Path({out!r})) == 0
print(sorted(m for m in sys.modules if m.startswith('runner.')))
"""


def test_the_work_plan_imports_nothing_of_a_run(tmp_path):
    root = copy_estate(tmp_path / "estate")
    commit_all(root)
    out = tmp_path / "plan.md"
    r = subprocess.run([sys.executable, "-c", PROBE.format(root=str(root), out=str(out))],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    loaded = set(ast.literal_eval(r.stdout))
    assert {"runner.estate.loader", "runner.findings.store", "runner.archive.reader"} <= loaded
    assert not loaded & {"runner.run", "runner.archive.git", "runner.archive.chain",
                         "runner.archive.spool", "runner.archive.preflight",
                         "runner.findings.lifecycle", "runner.findings.escalation"}
    assert "Work plan" in out.read_text()


def test_a_report_leaves_the_collector_as_it_found_it(tmp_path):
    from runner.commands import report

    root = copy_estate(tmp_path / "estate")
    commit_all(root)
    was = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            assert report.workplan(root, "2026-12", "markdown", "en", tmp_path / "p.md") == 0
            assert gc.isenabled() is enabled
            assert gc.get_freeze_count() == 0  # what it made is collected again later
    finally:
        (gc.enable if was else gc.disable)()


def test_a_command_runs_with_the_collector_on(tmp_path):
    """The command line is read with the collector paused; the command itself runs with it."""
    code = ("import gc, sys\n"
            "from runner.commands import report\n"
            "report.workplan = lambda **kw: print('collector', gc.isenabled()) or 0\n"
            "sys.argv = ['patrol', 'report', 'workplan', '2026-12', '--estate', "
            f"{str(tmp_path)!r}]\n"
            "from runner.cli import main\n"
            "main()\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=120, cwd=Path(__file__).resolve().parents[3])
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["collector True"]
