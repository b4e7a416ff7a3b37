"""Waivers, every rule in one place: an approved exception for a check on some hosts, until a
date.

- Matching: a waiver names a control (a check id: ``check: disk-space``) and either one host
  or a host selector; it covers that control in every checklist that measures it (one problem,
  one finding). The older ``daily/disk-space`` still means the control ``disk-space``, with a
  ``validate`` warning saying how to write it. A host no longer in the estate matches no
  selector.
- Expiry: a waiver dated D holds through the whole of day D, in the named host's site zone
  (a selector's waiver: in UTC); from then on it no longer applies.
- Validation: an expired waiver is an error for ``validate`` and ``plan`` (renew or remove
  it), but scheduled runs tolerate it (``RUN_TOLERATED``): it simply stops applying. One
  expiring within ``WARN_DAYS`` days is a warning.
- Effect on a run: a failing result under a waiver is recorded ``waived`` with its measured
  value; its finding's clock pauses while the waiver holds and resumes when it ends (at the
  waiver's expiry, not when a later run happens to notice), the deadline moved by the pause.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from ..results import HostResult, Result, Status
from .model import Finding, State, Transition

EXPIRED = "waiver-expired"
EXPIRING = "waiver-expiring"
RUN_TOLERATED = frozenset({EXPIRED})  # problem codes a scheduled run does not stop for
WARN_DAYS = 14
MAX_DAYS = 90  # a PR granting or extending a waiver further than this is flagged for review


@dataclass(frozen=True)
class WaiverRule:
    """An accepted exception: ``matches(host)`` and ``check``, the control (a legacy
    ``checklist/check`` names the same control)."""

    hosts: Any  # a selector with .matches(host_obj) or a set of host names
    check: str
    reason: str
    approved_by: str
    expires: datetime  # the first instant it no longer holds

    def covers(self, host: Any, checklist: str, check: str) -> bool:
        if control(self.check) != check:
            return False
        if isinstance(self.hosts, (set, frozenset, list, tuple)):
            return getattr(host, "name", host) in self.hosts
        if isinstance(host, str):  # a host no longer in the estate matches no selector
            return False
        return bool(self.hosts.matches(host))

    def holds(self, now: datetime) -> bool:
        return now < self.expires


def control(check: str) -> str:
    """The control a waiver's ``check`` names: ``disk-space`` for ``daily/disk-space`` too."""
    return check.rsplit("/", 1)[-1]


def waiver_end(expires_on: Any, tz: str = "UTC") -> datetime:
    """A waiver dated D holds through the whole of day D in the site's zone."""
    start = datetime(expires_on.year, expires_on.month, expires_on.day, tzinfo=ZoneInfo(tz))
    return (start + timedelta(days=1)).astimezone(UTC)


def waiver_rules(estate: Any, zones: Mapping[str, str]) -> list[WaiverRule]:
    """A waiver naming one host ends with its day in that host's site zone; a selector's in UTC."""
    rules = []
    for w in estate.waivers:
        if w.host is not None:
            hosts: Any = {w.host}
            tz = zones.get(w.host, "UTC")
        else:
            hosts, tz = w.hosts, "UTC"
        rules.append(WaiverRule(hosts, w.check, w.reason, w.approved_by, waiver_end(w.expires, tz)))
    return rules


@dataclass(frozen=True)
class ExpiryProblem:
    severity: str  # "error" or "warning"
    code: str
    message: str


def expiry_problem(check: str, expires: date, today: date) -> ExpiryProblem | None:
    """What validation says about a waiver's expiry date on ``today`` (None: nothing)."""
    if expires < today:
        return ExpiryProblem("error", EXPIRED,
                             f"waiver for {check} expired on {expires}; it no longer applies: "
                             "renew it with a new expiry or remove it")
    if expires - today <= timedelta(days=WARN_DAYS):
        return ExpiryProblem("warning", EXPIRING,
                             f"waiver for {check} expires on {expires}, within {WARN_DAYS} days")
    return None


class Waivers(Protocol):
    """What applying waivers reads from a run's context (``policy.Context`` is one): the rules
    and the hosts by name. A protocol, so this module never imports ``policy``, which builds its
    context from the rules made here."""

    @property
    def waivers(self) -> Sequence[WaiverRule]: ...

    @property
    def hosts(self) -> Mapping[str, Any]: ...


def active_waiver(ctx: Waivers, host: str, checklist: str, check: str, now: datetime
                  ) -> WaiverRule | None:
    """The first waiver that holds at ``now`` for this host and check."""
    hobj = ctx.hosts.get(host, host)
    for w in ctx.waivers:
        if w.holds(now) and w.covers(hobj, checklist, check):
            return w
    return None


def waived(result: Result, waiver: WaiverRule) -> Result:
    """A failing result as an accepted exception: still measured, labelled why."""
    return Result(Status.WAIVED, result.value, f"{result.reason} (waived: {waiver.reason})")


def as_shown(hr: HostResult, checklist: str, now: datetime, ctx: Waivers) -> HostResult:
    """A copy of a host's results with waived failures labelled, for live progress."""
    checks = dict(hr.checks)
    for check, result in hr.checks.items():
        if result.status in (Status.FAIL, Status.ERROR):
            w = active_waiver(ctx, hr.host, checklist, check, now)
            if w is not None:
                checks[check] = waived(result, w)
    return HostResult(hr.host, hr.reachable, checks, hr.message, dict(hr.severities),
                      hr.measured)


def apply_waiver(f: Finding, w: WaiverRule | None, now: datetime, run: str | None,
                 out: list[Transition]) -> None:
    """A waiver pauses the clock; when it lapses the deadline moves by the paused time."""
    if w is not None and f.state is not State.WAIVED:
        out.append(Transition(f.id, f.state.value, State.WAIVED.value, now))
        f.state, f.waiver, f.waived_since = State.WAIVED, w.reason, now
        f.waived_until = w.expires
        f.log(now, "waived", run, approved_by=w.approved_by, until=w.expires)
    elif w is not None:
        f.waived_until = max(f.waived_until or w.expires, w.expires)  # a renewal extends it
    elif f.state is State.WAIVED:
        # the clock resumes when the waiver ran out, not when a run happened to notice
        end = min(now, f.waived_until) if f.waived_until else now
        paused = max(end - (f.waived_since or end), timedelta(0))
        f.due = f.due + paused
        f.opened_at = f.opened_at + paused
        out.append(Transition(f.id, State.WAIVED.value, State.OPEN.value, now))
        f.state, f.waiver, f.waived_since, f.waived_until = State.OPEN, None, None, None
        f.log(now, "waiver-ended", run, due=f.due)


def review_flags(old: Any, new: Any, today: date) -> list[str]:
    """What a reviewer must look at in a waiver a change adds or alters (``old`` None: added)."""
    flags = []
    if not (new.approved_by or "").strip():
        flags.append("no approver")
    lengthened = old is None or new.expires > old.expires
    left = (new.expires - today).days
    if lengthened and left > MAX_DAYS:
        flags.append(f"runs {left} days past {today} (more than {MAX_DAYS})")
    if old is not None and (new.expires - old.expires).days > MAX_DAYS:
        flags.append(f"extended by {(new.expires - old.expires).days} days at once "
                     f"(more than {MAX_DAYS})")
    return flags
