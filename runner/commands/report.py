"""`patrol report monthly YYYY-MM` and `patrol report workplan YYYY-MM`: the customer's monthly
report and a month's work plan, from the archive alone.

With ``--commit`` the monthly report is written to ``reports/monthly/YYYY-MM.{html,md}`` and
committed as a sealed ``monthly-report`` record on the chain (the files' SHA-256 in it), on
the run skeleton of ``runner/run.py``, with the ``report.ready`` notifications it owes (the
next delivery sends them); ``--push`` pushes it, re-made on a moved tip.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import Exit, PatrolError
from ..escape import terminal

MONTHLY_DIR = "reports/monthly"


def _check(fmt: str, lang: str) -> None:
    from ..report.i18n import check_lang
    from ..report.render import FORMATS

    if fmt not in FORMATS:
        raise PatrolError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    check_lang(lang)


def _estate(root: Path, today: date) -> Any:
    from ..estate.loader import load_valid  # runner.run.load_valid_estate, without the run

    return load_valid(root, today)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Read the estate and the archive and render without the cyclic garbage collector: a
    report builds a few hundred thousand objects that all live until it is written, and each
    automatic collection walks them, and every module and schema imported, again for nothing
    (about a tenth of the work plan's time). Reference counting still frees what is dropped.
    Then the collector is back as it was, and what the report made joins the oldest generation
    (frozen and thawed at once), where the first pass after it would otherwise walk it all."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        print(text, end="")
        return
    from .. import archive

    archive.atomic_write(out, text.encode("utf-8"))


def _check_out(out: Path | None) -> None:
    """Refuse an ``--out`` that cannot be a file before any work is done."""
    if out is None:
        return
    if out.is_dir():
        raise PatrolError(f"--out {terminal(str(out))}: is a directory; name a file")
    if not out.parent.is_dir():
        raise PatrolError(f"--out {terminal(str(out))}: {terminal(str(out.parent))} is not "
                          "a directory")


def monthly(root: Path, month: str, fmt: str, lang: str, out: Path | None, commit: bool = False,
            push: bool = False) -> int:
    from ..report import model, render
    from ..report.period import Month

    m = Month.parse(month)
    _check(fmt, lang)
    _check_out(out)
    from ..archive import require_history

    require_history(root)
    if commit:
        return _commit(root, m, lang, push)
    from ..clock import utc_now

    with _collector_paused():
        report = model.build(root, _estate(root, m.next().first), m, now=utc_now())
        _emit(render.render(report, fmt, lang), out)
    return int(Exit.OK)


def workplan(root: Path, month: str, fmt: str, lang: str, out: Path | None) -> int:
    with _collector_paused():
        from ..report import render
        from ..report import workplan as plan_mod
        from ..report.period import Month

        m = Month.parse(month)
        _check(fmt, lang)
        _check_out(out)
        from ..report.period import zone_of

        estate = _estate(root, m.first)
        plan = plan_mod.build(estate, m.within(zone_of(estate)), _findings(root))
        _emit(render.render_workplan(plan, fmt, lang), out)
    return int(Exit.OK)


def _findings(root: Path) -> dict[str, Any] | None:
    """The archive's findings (their deadlines go in the work plan); None outside a
    repository, where there is no archive to read."""
    from ..archive.branch import reports_root
    from ..findings import store as findings_store

    try:
        return findings_store.load(reports_root(root))
    except PatrolError:
        return None


def ready(records: Path, estate: Any, run_id: str, at: Any, month: str,
          files: dict[str, str]) -> dict[str, bytes]:
    """The outbox file the committed report owes (``report.ready`` to each site's people the
    routes name), committed with it; the next delivery sends it."""
    from ..notify import dispatch, events
    from ..notify.deliver import environment

    return dispatch.owe(records, estate, run_id, at,
                        events.report_ready(month, files, estate.sites, at), environment())


def _commit(root: Path, m: Any, lang: str, push: bool) -> int:
    """Write both files and a sealed record of them where the archive lives (the archive
    branch's worktree when the service policy names one), commit (signed when a key is
    configured) and push."""
    from .. import archive
    from ..archive.records import preamble
    from ..report import model, render
    from ..run import RunContext, begin, header, lock_and_load, write_record
    from ..run import commit as commit_run

    ctx = RunContext.here(root)
    with lock_and_load(ctx, archive.Intent(push=push), reaches_hosts=False) as opened:
        begun = begin(ctx, f"report-{m}", opened.started)
        records = opened.reports_root(ctx)
        report = model.build(root, opened.estate, m, records, now=opened.started)
        files = {f"{MONTHLY_DIR}/{m}.html": render.render(report, "html", lang),
                 f"{MONTHLY_DIR}/{m}.md": render.render(report, "markdown", lang)}

        def attempt() -> str:
            body = preamble("monthly-report", begun.run_id,
                            header(ctx, begun, ctx.now(), {"month": str(m), "lang": lang}),
                            archive.latest_record(records))
            body["files"] = {rel: "sha256:" + hashlib.sha256(text.encode()).hexdigest()
                             for rel, text in files.items()}
            owed = ready(records, opened.estate, begun.run_id, begun.started, str(m), files)
            rel, digest = write_record(records, begun.run_id, begun.started, body,
                                       {**{p: text.encode("utf-8") for p, text in files.items()},
                                        **owed})
            print(f"record {rel}")
            return commit_run(records, [rel, *files, *owed], f"report: monthly {m} ({lang})",
                              begun.run_id, estate=begun.estate_commit, record=(rel, digest),
                              sign=opened.signing_key)

        sha = attempt()
        if push:
            sha = archive.push(records, attempt)
        print(f"commit {sha}")
    return int(Exit.OK)
