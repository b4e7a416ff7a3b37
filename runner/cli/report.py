"""``patrol report monthly`` and ``patrol report workplan``: parses for
``runner.commands.report``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..commands import report as report_cmd
from .common import (
    RUN_ENVIRONMENT,
    RUN_FAILED_ARCHIVE,
    EstateOpt,
    PushOpt,
    choices,
    command,
    done,
    estate_root,
    exit_status,
    group,
)


class DocFormat(StrEnum):
    html = "html"
    markdown = "markdown"
    json = "json"


class Lang(StrEnum):
    en = "en"
    zh_CN = "zh-CN"


MONTHLY_EXITS = exit_status(
    "the report is written, whatever the month held (a bad month makes the report say so)",
    failed="--commit: " + RUN_FAILED_ARCHIVE,
    usage="usage error: a month that is not YYYY-MM, an unknown --lang or --format, an --out "
          "that cannot be written, a path that is not an estate or has no commits",
    environment=RUN_ENVIRONMENT)
WORKPLAN_EXITS = exit_status(
    "the work plan is written",
    usage="usage error: a month that is not YYYY-MM, an unknown --lang or --format, an --out "
          "that cannot be written, a path that is not an estate")

app = group(help="The customer's monthly report and work plan.", no_args_is_help=True,
            exits=exit_status("the report or work plan is written",
                              usage="usage error: an unknown command or option"))

MonthArg = Annotated[str, typer.Argument(metavar="YYYY-MM", help="The month, YYYY-MM.")]
DocFormatOpt = Annotated[DocFormat, typer.Option("--format", "-f", metavar=choices(DocFormat),
                                                 help="Output format.")]
LangOpt = Annotated[Lang, typer.Option("--lang", metavar=choices(Lang),
                                       help="Language of the labels, dates and numbers (estate "
                                            "text is shown as written).")]
OutOpt = Annotated[Path | None, typer.Option("--out", metavar="FILE",
                                             help="Write here instead of stdout.")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="report")


@command(app, "monthly", exits=MONTHLY_EXITS)
def report_monthly(
    month: MonthArg, fmt: DocFormatOpt = DocFormat.html, lang: LangOpt = Lang.en,
    out: OutOpt = None,
    commit: Annotated[bool, typer.Option("--commit", help="Write reports/monthly/YYYY-MM."
                                         "{html,md} and commit them as a sealed record.")]
    = False,
    push: PushOpt = False, estate: EstateOpt = None,
) -> None:
    """The month's report from the archive alone: inspections, findings, waivers, the monthly
    assessment, upgrades, spare parts, and next month's work plan."""
    done(report_cmd.monthly(root=estate_root(estate), month=month, fmt=fmt.value,
                            lang=lang.value, out=out, commit=commit, push=push))


@command(app, "workplan", exits=WORKPLAN_EXITS)
def report_workplan(month: MonthArg, fmt: DocFormatOpt = DocFormat.markdown,
                    lang: LangOpt = Lang.en, out: OutOpt = None,
                    estate: EstateOpt = None) -> None:
    """The work plan for the month YYYY-MM alone: inspections by date, upgrade windows,
    waivers, warranties and ends of life falling due, reorders."""
    done(report_cmd.workplan(root=estate_root(estate), month=month, fmt=fmt.value,
                             lang=lang.value, out=out))
