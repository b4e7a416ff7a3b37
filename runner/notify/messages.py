"""Messages a person can act on, in the site's language (en, zh-CN, in the contract's words),
escaped for the channel that carries them.

A message says what happened and to what, where (host, site), since when, the deadline in the
site's zone, who owns it and the command that shows more. Estate and host text (a finding's
reason, an incident's summary, names) is data: control characters are shown as escapes
everywhere, and for chat channels Markdown, HTML, links and @-mentions are escaped too
(``runner.escape``), Slack's ``<…>`` controls and ``&`` as entities, Teams' markup broken with
word joiners (its cards honour backslashes on some clients only), so nothing in a reason can
ping a room, link anywhere or restyle the message. Email goes as plain text.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..clock import parse_iso
from ..escape import markdown, visible

TITLES: dict[str, dict[str, str]] = {
    "en": {
        "finding.opened": "Finding opened on {where}: {check}",
        "finding.warned": "Warning: {check} on {where} nears its rectification deadline",
        "finding.overdue": "Overdue: {check} on {where} passed its rectification deadline",
        "finding.penalised": "Penalty: {check} on {where} is overdue past the grace period",
        "finding.closed": "Put right: {check} on {where}",
        "incident.opened": "Incident {incident} opened: {hosts}",
        "incident.response.warned": "Incident {incident}: the response time runs out soon",
        "incident.response.breached": "Incident {incident}: the response time is breached",
        "incident.on_site.warned": "Incident {incident}: the on-site time runs out soon",
        "incident.on_site.breached": "Incident {incident}: the on-site time is breached",
        "incident.resolved": "Incident {incident} resolved",
        "waiver.expiring": "Waiver {waiver} expires on {due}",
        "cadence.breached": "Inspections missed: checklist {checklist} is past its cadence",
        "spares.short": "Spare parts short at {where}: {check}",
        "lifecycle.end_of_life": "End of life: {where} ({check})",
        "archive.broken": "The archive does not verify",
        "report.ready": "The monthly report for {month} is ready",
    },
    "zh-CN": {
        "finding.opened": "巡检发现问题（限时整改）：{where} {check}",
        "finding.warned": "警告：{where} 的 {check} 即将超过整改期限",
        "finding.overdue": "逾期：{where} 的 {check} 已超过限时整改期限",
        "finding.penalised": "罚单：{where} 的 {check} 逾期未整改",
        "finding.closed": "已整改：{where} 的 {check}",
        "incident.opened": "故障 {incident} 已登记：{hosts}",
        "incident.response.warned": "故障 {incident}：远程技术支持响应时限即将到期",
        "incident.response.breached": "故障 {incident}：远程技术支持响应超时",
        "incident.on_site.warned": "故障 {incident}：现场技术支持到场时限即将到期",
        "incident.on_site.breached": "故障 {incident}：现场技术支持到场超时",
        "incident.resolved": "故障 {incident} 已解决",
        "waiver.expiring": "豁免 {waiver} 将于 {due} 到期",
        "cadence.breached": "巡检未按周期执行：{checklist}",
        "spares.short": "备件不足（备件承诺）：{where} {check}",
        "lifecycle.end_of_life": "设备寿命到期：{where}（{check}）",
        "archive.broken": "档案管理：档案校验失败",
        "report.ready": "{month} 月度报告已生成",
    },
}

LABELS: dict[str, dict[str, str]] = {
    "en": {"what": "What", "where": "Where", "since": "Since", "due": "Deadline",
           "owner": "Owner", "reason": "Reason", "more": "See more", "site": "site"},
    "zh-CN": {"what": "事项", "where": "位置", "since": "开始时间", "due": "期限",
              "owner": "负责人", "reason": "原因", "more": "查看详情", "site": "站点"},
}

DIALECTS = ("text", "markdown", "slack", "teams")


_MENTION = re.compile(r"(?<![\w.])@(?!\u2060)")
_LINK = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(//)")


def defang(text: str) -> str:
    """No link a reader or a client could follow: ``scheme://`` gets a word joiner, and an
    @ that would mention someone one after it."""
    if "@" in text:
        text = _MENTION.sub("@\u2060", text)
    return _LINK.sub("\\1:\u2060\\2", text) if "://" in text else text


def chat(text: object) -> str:
    """Estate text for a chat message: one line, Markdown/HTML/links/mentions escaped."""
    return defang(markdown(text))


def slack(text: object) -> str:
    """Slack reads ``<!channel>``, ``<@U1>`` and ``<url|text>`` in any message: ``&``, ``<``
    and ``>`` become entities after the Markdown escape."""
    return (chat(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\\&amp;", "&amp;").replace("\\&lt;", "&lt;").replace("\\&gt;", "&gt;"))


def teams(text: object) -> str:
    """Teams' Adaptive Cards read a Markdown subset whose backslash escapes some clients honour
    and others show (microsoft/AdaptiveCards#5590, #5758): each markup character gets a word
    joiner after it instead, so the text shows as written everywhere, ``](`` makes no link,
    and ``<at>…</at>`` (which Apprise turns into a Teams mention) never appears."""
    text = " ".join(visible(text, keep="\n").split("\n"))
    return defang(re.sub(r"([\\`*_{}\[\]<>#|~&()])", "\\1\u2060", text))


def plain(text: object) -> str:
    """Email text (text/plain: no markup): one line, control characters shown as escapes,
    no mention and no followable link."""
    return defang(visible(text, keep="\n").replace("\n", " "))


ESCAPE = {"text": plain, "markdown": chat, "slack": slack, "teams": teams}


def local_time(text: str | None, zone: str) -> str | None:
    """An ISO instant (or a date) in the site's zone, with the zone named."""
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    at: datetime = parse_iso(text).astimezone(ZoneInfo(zone))
    return f"{at:%Y-%m-%d %H:%M} {zone}"


def command(entry: dict[str, Any]) -> str:
    """The command that shows more."""
    facts = entry.get("facts") or {}
    if "incident" in facts:
        return "patrol incidents --state open --state responded --state on-site --state waiting"
    if "finding" in facts and facts.get("host"):
        return f"patrol findings --host name={facts['host']}"
    if entry["event"] == "archive.broken":
        return "patrol audit verify"
    if entry["event"] == "report.ready" and facts.get("month"):
        return f"patrol report monthly {facts['month']}"
    return "patrol findings"


def render(entry: dict[str, Any], lang: str, dialect: str, sites: dict[str, Any]
           ) -> tuple[str, str]:
    """(title, body) of an outbox entry for one channel dialect."""
    esc = ESCAPE[dialect]
    facts = entry.get("facts") or {}
    site = sites.get(entry.get("site") or "")
    zone = str(getattr(site, "timezone", "UTC"))
    labels = LABELS[lang]
    host = facts.get("host") or facts.get("hosts")
    where = " / ".join(x for x in (host, getattr(site, "name", None) or entry.get("site"))
                       if x) or "-"
    values = _Fields(esc, facts)  # a fact is escaped when the title names it
    values["where"] = esc(where)
    values["due"] = esc(local_time(facts.get("due"), zone) or "-")
    title = TITLES[lang][entry["event"]].format_map(values)
    lines = [(labels["what"], esc(facts.get("summary") or facts.get("reason") or
                                  facts.get("report") or facts.get("check") or
                                  entry["event"])),
             (labels["where"], values["where"]),
             (labels["since"], esc(local_time(facts.get("since"), zone) or "-")),
             (labels["due"], values["due"]),
             (labels["owner"], esc(entry.get("owner") or "-"))]
    if facts.get("reason") and facts.get("summary"):
        lines.append((labels["reason"], esc(facts["reason"])))
    more = command(entry)
    lines.append((labels["more"], f"`{more}`" if dialect != "text" else more))
    sep = "\n\n" if dialect != "text" else "\n"
    body = sep.join(f"**{k}**: {v}" if dialect != "text" else f"{k}: {v}" for k, v in lines)
    return title, body


class _Fields(dict):  # type: ignore[type-arg]
    """A title's fields: each fact escaped for the dialect when the title names it; a field
    the event lacks shows as '-', never a KeyError."""

    def __init__(self, esc: Any, facts: dict[str, Any]) -> None:
        super().__init__()
        self.esc, self.facts = esc, facts

    def __missing__(self, key: str) -> str:
        if key in self.facts or key == "check":
            self[key] = self.esc(self.facts.get(key, "-"))
            return str(self[key])
        return "-"


MORE = {"en": "{title} (and {more} more)", "zh-CN": "{title}（另有 {more} 条）"}

# The most one message to a recipient carries, in UTF-8 bytes of body: WeCom's group robot
# takes 4,096 bytes of Markdown (the smallest limit of the chat systems served; DingTalk takes
# 20,000, Slack 40,000 characters, Teams' cards about 28 KB); an email stays easy to read.
BODY_LIMIT = {"text": 64_000, "markdown": 3_500, "slack": 3_500, "teams": 3_500}


def digest(parts: list[tuple[str, str]], lang: str, dialect: str) -> tuple[str, str]:
    """One message for several owed to one recipient at once: the first title with how many
    more, then each (already escaped) title and body in order, numbered. One part is itself."""
    if len(parts) == 1:
        return parts[0]
    n = len(parts)
    title = MORE.get(lang, MORE["en"]).format(title=parts[0][0], more=n - 1)
    if dialect == "text":
        return title, "\n\n".join(f"[{i}/{n}] {t}\n{b}" for i, (t, b) in
                                  enumerate(parts, 1))
    return title, "\n\n---\n\n".join(f"**[{i}/{n}] {t}**\n\n{b}" for i, (t, b) in
                                     enumerate(parts, 1))


def batches(sizes: list[int], dialect: str) -> list[list[int]]:
    """Indexes of consecutive parts (each ``sizes[i]`` bytes) grouped so that no message's
    body passes the dialect's limit; a part larger than the limit goes alone."""
    limit, out, used = BODY_LIMIT[dialect], [], 0
    for i, size in enumerate(sizes):
        if out and used + size <= limit:
            out[-1].append(i)
            used += size
        else:
            out.append([i])
            used = size
    return out
