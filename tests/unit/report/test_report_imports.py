"""The work plan is a command of its own (benchmarks/report.py: at most 0.5 s for 1,000 hosts):
it renders without importing the monthly report's sections, which it does not use."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import commit_all, copy_estate


def modules_after_workplan(tmp_path, fmt: str, lang: str, prefix: str) -> tuple[list[str], str]:
    """(modules named ``prefix...`` a fresh interpreter has loaded after writing the sample
    estate's work plan, the plan's text)."""
    root = copy_estate(tmp_path / "estate")
    commit_all(root)
    out = tmp_path / f"plan.{fmt}"
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from runner.commands import report\n"
        f"assert report.workplan(Path({str(root)!r}), '2026-12', {fmt!r}, {lang!r}, "
        f"Path({str(out)!r})) == 0\n"
        f"print(sorted(m for m in sys.modules if m.startswith({prefix!r})))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return ast.literal_eval(r.stdout), out.read_text()


def test_the_work_plan_renders_without_the_monthly_reports_sections(tmp_path):
    loaded, text = modules_after_workplan(tmp_path, "html", "zh-CN", "runner.report.")
    assert "runner.report.model" not in loaded and "runner.report.sources" not in loaded
    assert "runner.report.workplan" in loaded and "工作计划表" in text


def test_an_english_render_never_compiles_a_catalogue(tmp_path):
    """English is the msgids themselves: Babel's catalogue reader (and the email package it
    brings) is not imported for it."""
    loaded, text = modules_after_workplan(tmp_path, "markdown", "en", "babel.messages")
    assert loaded == [] and "Work plan" in text


def test_a_moment_shown_many_times_is_formatted_once(monkeypatch):
    """A month's report shows the same run times hundreds of times: Babel formats each
    moment (and day) once, and the text is the same every time."""
    from datetime import UTC, date, datetime

    import babel.dates

    from runner.report import i18n

    calls = []
    real = babel.dates.format_datetime
    monkeypatch.setattr(babel.dates, "format_datetime",
                        lambda *a, **k: calls.append(a) or real(*a, **k))
    i18n._moment.cache_clear()
    f = i18n.Formats("zh-CN", "UTC", {"hz-dc1": "Asia/Shanghai"})
    at = datetime(2026, 11, 5, 8, tzinfo=UTC)
    shown = {f.moment(at, "hz-dc1") for _ in range(500)}
    assert shown == {"2026年11月5日 16:00:00 中国标准时间"} and len(calls) == 1
    assert f.moment(at) == "2026年11月5日 08:00:00 UTC" and len(calls) == 2
    assert len({f.day(date(2026, 11, 5)) for _ in range(50)}) == 1
