"""The monthly report printed by headless Chromium as the purchaser would print it: every page
has the report's own running header and page number and nothing of the browser's (no date,
no file:// path), and the last page carries the signature and stamp block for both sides.
Pages are read back with pdfium (pypdfium2, in the dev lock)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from runner.report import model
from runner.report.period import Month
from runner.report.render import render
from runner.run import load_valid_estate
from tests.unit.report.month import build_month


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory
            ) -> dict[str, tuple[Path, model.MonthlyReport]]:
    import shutil

    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (scripts/bootstrap installs it)")
    root = build_month(tmp_path_factory.mktemp("print") / "estate")
    estate = load_valid_estate(root, date(2026, 12, 1))
    report = model.build(root, estate, Month(2026, 11), now=datetime(2026, 12, 7, tzinfo=UTC))
    out = {}
    for lang in ("en", "zh-CN"):
        html = root.parent / f"{lang}.html"
        html.write_text(render(report, "html", lang), encoding="utf-8")
        pdf = root.parent / f"{lang}.pdf"
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                            f"--print-to-pdf={pdf}", html.as_uri()],
                           check=True, capture_output=True, timeout=120)
        out[lang] = (pdf, report)
    return out


def _pages(pdf: Path) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


@pytest.mark.parametrize(("lang", "page_word", "stamp"), [
    ("en", r"Page (\d+) of (\d+)", "Stamp"), ("zh-CN", r"第 (\d+) 页，共 (\d+) 页", "盖章")])
def test_every_printed_page_is_the_reports_own(printed, lang, page_word, stamp):
    pdf, report = printed[lang]
    data = pdf.read_bytes()
    count = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert data.startswith(b"%PDF") and count >= 2
    pages = _pages(pdf)
    assert len(pages) == count
    for n, text in enumerate(pages, 1):
        assert report.number in text, n  # the running header
        m = re.search(page_word, text)
        assert m and (int(m.group(1)), int(m.group(2))) == (n, count), (n, text[:200])
        assert "file://" not in text and "about:blank" not in text and ".html" not in text
    assert stamp in pages[-1] and report.parties["purchaser"] in pages[-1]
