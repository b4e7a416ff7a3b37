"""Rendering: the report's data through jinja2 templates shipped in ``templates/``, one per
format (``monthly.html.j2``, ``monthly.md.j2``, and the work plan's own), so a company can
restyle the report without touching Python. JSON is the data itself.

Escaping is never left to the template author: HTML templates are autoescaped, and Markdown
templates escape every ``{{ value }}`` through ``runner.escape.markdown`` (jinja2's
``finalize``) unless a template marks a value safe. Labels go through the i18n extension.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from ..escape import markdown as md_escape
from ..escape import visible
from . import i18n
from .data import plain

if TYPE_CHECKING:  # the work plan renders without the monthly report's sections
    from .model import MonthlyReport
    from .workplan import WorkPlan

FORMATS = ("html", "markdown", "json")

# Words Patrol itself writes into records (states, severities, cadences, outcomes) and the
# glance's figure keys: their English label, a msgid of the catalogues. Anything else passed
# to ``term`` is data and is shown as written (and escaped).
TERMS = {
    "runs_done": "Inspection periods done", "pass_rate": "Checks passed",
    "findings_opened": "Findings opened", "findings_closed": "Findings closed",
    "still_open": "Findings still open", "late_closes": "Closed late",
    "penalty_points": "Penalty points", "hosts_upgraded": "Hosts upgraded",
    "daily": "daily", "weekly": "weekly", "monthly": "monthly",
    "critical": "critical", "high": "high", "medium": "medium", "low": "low",
    "open": "open", "warned": "warned", "overdue": "overdue", "penalised": "penalised",
    "waived": "waived", "closed": "closed",
    "cadence_breach": "cadence breach", "response_breach": "response breach",
    "on_site_breach": "on-site breach",
    "completed": "completed", "halted": "halted", "interrupted": "interrupted",
    "use": "used", "receive": "received",
    "warranty": "warranty ends", "end_of_life": "end of life", "waiver": "waiver expires",
    "site": "each site's local time",
    "response": "remote response", "on_site": "on site",
    "excellent": "excellent", "good": "good", "pass": "pass", "fail": "fail",  # grade bands
    "finding": "rectification due", "holiday": "holiday",
    "joint": "joint inspection with the purchaser",
    "depot": "depot", "vendor": "vendor", "distributor": "distributor",  # supply channels
}
_EXT = {"html": "html.j2", "markdown": "md.j2"}


def _md_finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return str(value)
    return md_escape("" if value is None else value)


def _html_finalize(value: Any) -> Any:
    # control characters shown as escapes; autoescape then handles <, >, &, quotes
    return value if isinstance(value, Markup) or not isinstance(value, str) else visible(value)


def css_string(value: Any) -> Markup:
    """Text as a CSS string literal: every character but letters, digits and spaces as a hex
    escape, so estate text in a page's running header can neither end the string nor the
    style element."""
    out = "".join(c if (c.isalnum() and c.isascii()) or c == " " else f"\\{ord(c):06x}"
                  for c in str(value))
    return Markup(f'"{out}"')


def environment(fmt: str, lang: str, zone: str = "UTC",
                places: dict[str, str] | None = None) -> jinja2.Environment:
    html = fmt == "html"
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("runner.report", "templates"),
        autoescape=html,
        finalize=_html_finalize if html else _md_finalize,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    f = i18n.Formats(lang, zone, places)
    env.filters.update(num=f.number, pct=f.percent, day=f.day, moment=f.moment,
                       dur=f.duration, hours=f.hours, weekday=f.weekday, css=css_string,
                       exact=f.exact, zone=f.zone_name)
    trans = i18n.translations(lang)

    def term(value: Any) -> str:
        text = str(value)
        return trans.gettext(TERMS[text]) if text in TERMS else text

    env.globals.update(month_name=f.month, lang=lang, term=term, zip=zip)
    return env


def render(report: MonthlyReport, fmt: str, lang: str) -> str:
    """The monthly report in ``fmt`` (html, markdown, json) and ``lang``."""
    if fmt == "json":
        data = plain(report)
        data.pop("charts", None)
        data.pop("places", None)  # how times are shown, not a figure
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return environment(fmt, lang, report.zone, report.places).get_template(
        f"monthly.{_EXT[fmt]}").render(r=report)


def render_workplan(plan: WorkPlan, fmt: str, lang: str) -> str:
    """The work plan section alone."""
    if fmt == "json":
        return json.dumps(plain(plan), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return environment(fmt, lang).get_template(f"workplan.{_EXT[fmt]}").render(plan=plan)
