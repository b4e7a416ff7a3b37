"""Rules between files, checked in one place after every file has been validated on its own.

Every host's site and hardware model exists; every check kind exists and its params fit the
kind; every waiver names real hosts and a real check; every checklist and upgrade plan selects
at least one host; no two hosts share a name or an address; ids are unique; every part that a
model, a stock entry or a commitment names exists.

``check`` runs one rule function per estate kind (``_RULES``: hosts, sites, depots, models,
stock, commitments, checklists, upgrade plans, waivers, equipment); the loader sorts what they
report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypeVar

from pydantic import ValidationError

from ..errors import Problem
from ..findings.waivers import expiry_problem
from .estate import Estate, Source
from .models import (
    Check,
    Checklist,
    CommitmentsFile,
    EstateModel,
    FileKind,
    Host,
    HostsFile,
    ModelsFile,
    PlanCheck,
    ServicePolicy,
    SitesFile,
    StockFile,
    UpgradePlan,
    Waiver,
    WaiversFile,
)
from .subjects import subject_text
from .yamlsource import Document, child, given

M = TypeVar("M", bound=EstateModel)


def _stem(name: str) -> str:
    return name.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def assemble(parsed: dict[str, tuple[FileKind, Document, EstateModel]]) -> Estate:
    """Build the Estate from every file that validated (partial when some did not)."""
    e = Estate(sites={}, hosts={}, models={}, parts={}, depots={}, stock=[], commitments=[],
               checklists={}, service=None, waivers=[], upgrades={})  # type: ignore[arg-type]
    hosts = []
    for name, (_kind, doc, obj) in parsed.items():
        e.files[name] = doc
        if isinstance(obj, SitesFile):
            e.sites.update((s.id, s) for s in obj.sites if s.id not in e.sites)
        elif isinstance(obj, HostsFile):
            hosts.extend(obj.hosts)
        elif isinstance(obj, ModelsFile):
            e.parts.update((p.id, p) for p in obj.parts if p.id not in e.parts)
            e.models.update((m.id, m) for m in obj.models if m.id not in e.models)
        elif isinstance(obj, StockFile):
            e.depots.update((d.id, d) for d in obj.depots if d.id not in e.depots)
            e.stock.extend(obj.stock)
        elif isinstance(obj, CommitmentsFile):
            e.commitments.extend(obj.commitments)
        elif isinstance(obj, ServicePolicy):
            e.service = obj
        elif isinstance(obj, WaiversFile):
            e.waivers.extend(obj.waivers)
        elif isinstance(obj, Checklist):
            e.checklists[_stem(name)] = obj
        elif isinstance(obj, UpgradePlan):
            e.upgrades[_stem(name)] = obj
    for host in sorted(hosts, key=lambda h: h.name):
        e.hosts.setdefault(host.name, host)
    e._all_hosts = hosts  # type: ignore[attr-defined]  # duplicates included, for the checks
    return e


class _Report:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def at(self, obj: EstateModel | Source | None, *suffix: str | int, message: str,
           key: bool = False, severity: str = "error", code: str = "") -> None:
        source = obj if isinstance(obj, Source) or obj is None else obj.source
        if source is None:
            self.problems.append(Problem("<estate>", 1, 1, message, severity, code))
            return
        loc = source.locate(*suffix, key=key)
        subject = subject_text(source.document.value, (*source.path, *suffix))
        self.problems.append(Problem(loc.file, loc.line, loc.column, message, severity, code,
                                     subject))


def _known(names: Iterable[str]) -> str:
    names = sorted(names)
    return ", ".join(names) if names else "none"


def _unique(report: _Report, items: Iterable[EstateModel], attr: str, what: str) -> None:
    seen: dict[Any, Any] = {}
    for item in items:
        value = getattr(item, attr)
        if value in seen:
            first = seen[value].source.locate() if seen[value].source else "?"
            report.at(item, attr, code="duplicate", message=f"duplicate {what} {str(value)!r} "
                                                            f"(first defined at {first})")
        else:
            seen[value] = item


def _check_params(report: _Report, check: Check | PlanCheck, owner: str) -> None:
    from .. import checks

    names = checks.kind_names()
    try:
        module = checks.get(check.kind)
    except KeyError:
        report.at(check, "kind", code="unknown-check-kind",
                  message=f"{owner}: unknown check kind '{check.kind}'; "
                          f"known kinds: {_known(names)}")
        return
    try:
        check._params = module.Params.model_validate(check.params)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            path: tuple[Any, ...] = ("params",)
            data: Any = check.params
            for part in loc:  # the deepest part of loc present in the data
                found, data = child(data, part)
                if not found:
                    break
                path = (*path, part)
            where = ".".join(str(p) for p in loc)
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                fields = ", ".join(module.Params.model_fields) or "none"
                report.at(check, *path, key=True, code="check-params",
                          message=f"{owner}: params.{where}: unknown param for kind "
                                  f"'{check.kind}'; expected one of: {fields}")
            elif err["type"] == "missing":
                report.at(check, *path, code="check-params",
                          message=f"{owner}: params: missing required param "
                                  f"'{where}' for kind '{check.kind}'")
            else:
                report.at(check, *path, code="check-params",
                          message=f"{owner}: params.{where}: {msg}"
                                  f"{given(err.get('input'), msg)}")


@dataclass(frozen=True)
class _Scope:
    """What every cross-file rule reads: the estate, the date, and what failed to load."""

    estate: Estate
    today: date
    failed_kinds: set[str]
    invalid_hosts: set[str]  # hosts whose own entry had errors: they count as existing
    hosts: list[Host]  # every host entry, duplicates included

    def hosts_known(self) -> bool:
        """Whether "selects no host" can be said: the inventory loaded and is whole."""
        return bool(self.estate.hosts) and not self.invalid_hosts \
            and "hosts" not in self.failed_kinds


def _hosts(r: _Report, s: _Scope) -> None:
    _unique(r, s.hosts, "name", "host name")
    _unique(r, s.hosts, "address", "host address")
    sites, models = s.estate.sites, s.estate.models
    for host in s.hosts:
        if "sites" not in s.failed_kinds and host.site not in sites:
            r.at(host, "site", message=f"host {host.name}: site '{host.site}' is not defined "
                                       f"in inventory/sites.yaml (known: {_known(sites)})")
        if "models" not in s.failed_kinds and host.hardware.model not in models:
            r.at(host.hardware, "model",
                 message=f"host {host.name}: hardware model '{host.hardware.model}' is not "
                         f"defined in inventory/models.yaml (known: {_known(models)})")


def _sites(r: _Report, s: _Scope) -> None:
    for doc_obj in _file_objects(s.estate, SitesFile):
        _unique(r, doc_obj.sites, "id", "site id")
    service = s.estate.service
    if "sites" in s.failed_kinds or service is None:
        return
    for site_id in service.service_hours:
        if site_id not in s.estate.sites:
            r.at(service, "service_hours", site_id, key=True,
                 message=f"service_hours: site '{site_id}' is not defined "
                         f"(known: {_known(s.estate.sites)})")


def _depots(r: _Report, s: _Scope) -> None:
    for doc_obj in _file_objects(s.estate, StockFile):
        _unique(r, doc_obj.depots, "id", "depot id")
    if "sites" in s.failed_kinds:
        return
    for depot in s.estate.depots.values():
        if depot.site is not None and depot.site not in s.estate.sites:
            r.at(depot, "site", message=f"depot {depot.id}: site '{depot.site}' is not "
                                        f"defined (known: {_known(s.estate.sites)})")


def _models(r: _Report, s: _Scope) -> None:
    for doc_obj in _file_objects(s.estate, ModelsFile):
        _unique(r, doc_obj.parts, "id", "part id")
        _unique(r, doc_obj.models, "id", "hardware model id")
    if "models" in s.failed_kinds:
        return
    for model in s.estate.models.values():
        _unique(r, model.parts, "part", f"part in model {model.id}:")
        for use in model.parts:
            if use.part not in s.estate.parts:
                r.at(use, "part", message=f"model {model.id}: part '{use.part}' is not in "
                                          f"the part catalogue (known: {_known(s.estate.parts)})")


def _stock(r: _Report, s: _Scope) -> None:
    for stock in s.estate.stock:
        if "models" not in s.failed_kinds and stock.part not in s.estate.parts:
            r.at(stock, "part", message=f"stock: part '{stock.part}' is not in the part "
                                        f"catalogue (known: {_known(s.estate.parts)})")
        if "stock" not in s.failed_kinds and stock.depot not in s.estate.depots:
            r.at(stock, "depot", message=f"stock: depot '{stock.depot}' is not defined "
                                         f"(known: {_known(s.estate.depots)})")


def _commitments(r: _Report, s: _Scope) -> None:
    _unique(r, s.estate.commitments, "part", "commitment for part")
    if "models" in s.failed_kinds:
        return
    for commitment in s.estate.commitments:
        if commitment.part not in s.estate.parts:
            r.at(commitment, "part",
                 message=f"commitment: part '{commitment.part}' is not in the part "
                         f"catalogue (known: {_known(s.estate.parts)})")


def _controls(r: _Report, s: _Scope) -> None:
    """A check id names one control wherever it appears: the same id with another kind or
    other params in a second checklist would merge two problems into one finding."""
    first: dict[str, tuple[str, Check]] = {}
    for stem in sorted(s.estate.checklists):
        for check_ in s.estate.checklists[stem].checks:
            if check_.id == "unreachable":
                r.at(check_, "id", message=f"checklist {stem}: check id 'unreachable' is "
                                           "reserved for a host's own finding; rename it")
            seen = first.setdefault(check_.id, (stem, check_))
            other_stem, other = seen
            if other is check_ or other_stem == stem:
                continue
            what = ("kind" if other.kind != check_.kind else
                    "params" if other.params != check_.params else None)
            if what is None:
                continue
            where = other.source.locate(what) if other.source else "?"
            r.at(check_, what, code="control-conflict",
                 message=f"checklist {stem}, check {check_.id}: {what} differs from check "
                         f"{check_.id} in checklist {other_stem} (at {where}); a check id "
                         "names one control in every checklist: give the same kind and params, "
                         "or another id")


def _checklists(r: _Report, s: _Scope) -> None:
    _controls(r, s)
    for stem, checklist in s.estate.checklists.items():
        _unique(r, checklist.checks, "id", "check id")
        selected = s.estate.select(checklist.hosts)
        if not selected and s.hosts_known():
            r.at(checklist, "hosts", message=f"checklist {stem}: hosts '{checklist.hosts}' "
                                             "selects no host")
        for check_ in checklist.checks:
            _check_params(r, check_, f"checklist {stem}, check {check_.id}")
            if (check_.hosts is not None and selected
                    and not [h for h in selected if check_.hosts.matches(h)]):
                r.at(check_, "hosts", severity="warning",
                     message=f"checklist {stem}, check {check_.id}: hosts '{check_.hosts}' "
                             "selects none of the checklist's hosts")


def _upgrades(r: _Report, s: _Scope) -> None:
    for stem, plan in s.estate.upgrades.items():
        for checks_ in (plan.pre_checks, plan.post_checks):
            _unique(r, checks_, "id", "check id")
            for check_ in checks_:
                _check_params(r, check_, f"upgrade plan {stem}, check {check_.id}")
        if s.hosts_known() and not s.estate.select(plan.targets):
            r.at(plan, "targets", message=f"upgrade plan {stem}: targets '{plan.targets}' "
                                          "selects no host")


def _waiver_targets(r: _Report, s: _Scope, waiver: Waiver) -> None:
    """A waiver names hosts that exist (or a selector that selects one)."""
    if "hosts" in s.failed_kinds:
        return
    if (waiver.host is not None and waiver.host not in s.estate.hosts
            and waiver.host not in s.invalid_hosts):
        r.at(waiver, "host", message=f"waiver: host '{waiver.host}' is not in the inventory")
    if waiver.hosts is not None and s.hosts_known() and not s.estate.select(waiver.hosts):
        r.at(waiver, "hosts", message=f"waiver: hosts '{waiver.hosts}' selects no host")


def _waiver_check(r: _Report, s: _Scope, waiver: Waiver) -> None:
    """A waiver names a control some checklist measures; the older ``daily/disk-space`` form
    names a checklist that exists and a check in it, and is a warning saying how to write it
    (a waiver covers the control in every checklist)."""
    if "checklist" in s.failed_kinds:
        return
    if waiver.checklist is None:
        controls = {c.id for cl in s.estate.checklists.values() for c in cl.checks}
        if waiver.check_id not in controls:
            r.at(waiver, "check", message=f"waiver: no checklist has a check "
                                          f"'{waiver.check_id}' (known: {_known(controls)})")
        return
    r.at(waiver, "check", severity="warning", code="waiver-checklist",
         message=f"waiver: write 'check: {waiver.check_id}': a waiver names the control and "
                 f"covers it in every checklist, not only in '{waiver.checklist}'")
    checklist = s.estate.checklists.get(waiver.checklist)
    if checklist is None:
        r.at(waiver, "check", message=f"waiver: checklist '{waiver.checklist}' does not "
                                      f"exist (known: {_known(s.estate.checklists)})")
    elif waiver.check_id not in {c.id for c in checklist.checks}:
        r.at(waiver, "check",
             message=f"waiver: checklist '{waiver.checklist}' has no check "
                     f"'{waiver.check_id}' (its checks: "
                     f"{_known(c.id for c in checklist.checks)})")


def _waiver_expiry(r: _Report, waiver: Waiver, today: date) -> None:
    """The expiry rule, kept in ``runner.findings.waivers`` with every other waiver rule."""
    if (expiry := expiry_problem(waiver.check, waiver.expires, today)) is not None:
        r.at(waiver, "expires", severity=expiry.severity, code=expiry.code,
             message=expiry.message)


def _waivers(r: _Report, s: _Scope) -> None:
    for waiver in s.estate.waivers:
        _waiver_targets(r, s, waiver)
        _waiver_check(r, s, waiver)
        _waiver_expiry(r, waiver, s.today)


def _equipment(r: _Report, s: _Scope) -> None:
    """Depot reaches, one stock line per part and depot, replacements no weaker than what
    they replace (``runner.spares.lifecycle``), and hosts past end of life (a warning)."""
    from ..spares.lifecycle import COMPARED, compare, replaced_model

    estate = s.estate
    if "sites" not in s.failed_kinds:
        for depot in estate.depots.values():
            for site in sorted(set(depot.reaches) - set(estate.sites)):
                r.at(depot, "reaches", site, key=True,
                     message=f"depot {depot.id}: reaches unknown site '{site}' "
                             f"(known: {_known(estate.sites)})")
    seen: dict[tuple[str, str], Any] = {}
    for entry in estate.stock:
        first = seen.setdefault((entry.part, entry.depot), entry)
        if first is not entry:
            where = first.source.locate() if first.source else "?"
            r.at(entry, "part", message=f"stock: {entry.part} at {entry.depot} is listed twice "
                                        f"(first at {where}); keep one line per part and depot")
    for host in s.hosts:
        hw, rep = host.hardware, host.hardware.replaces
        if hw.end_of_life < s.today:
            r.at(hw, "end_of_life", severity="warning",
                 message=f"host {host.name}: past its end of life ({hw.end_of_life}); retire "
                         "or replace it")
        if rep is None or "models" in s.failed_kinds:
            continue
        old_id = replaced_model(estate, host)
        if rep.model is not None and rep.model not in estate.models:
            r.at(rep, "model", message=f"host {host.name}: replaces model '{rep.model}', which "
                                       f"is not defined (known: {_known(estate.models)})")
        elif old_id is None and rep.host not in s.invalid_hosts:
            r.at(rep, "host", message=f"host {host.name}: replaces host '{rep.host}', which is "
                                      "not in the inventory; name its model too "
                                      "(replaces: {host: ..., model: ...})")
        elif old_id is not None and old_id in estate.models and hw.model in estate.models:
            weaker, comparable = compare(estate.models[old_id], estate.models[hw.model])
            if weaker:
                dims = ", ".join(f"{d} {a} → {b}" for d, a, b in weaker)
                r.at(rep, message=f"host {host.name}: replacement model {hw.model} is weaker "
                                  f"than the {old_id} it replaces ({dims})")
            elif not comparable:
                r.at(rep, severity="warning",
                     message=f"host {host.name}: cannot compare {hw.model} with {old_id}: give "
                             f"both models a capacity ({', '.join(COMPARED)})")


# One rule per estate kind; each skips the references whose other side failed to load.
_RULES: tuple[Callable[[_Report, _Scope], None], ...] = (
    _hosts, _sites, _depots, _models, _stock, _commitments, _checklists, _upgrades, _waivers,
    _equipment,
)


def check(estate: Estate, *, today: date, failed_kinds: Iterable[str] = (),
          invalid_hosts: Iterable[str] = ()) -> list[Problem]:
    """Every cross-file rule; skips rules whose other side failed to load (already reported).

    ``invalid_hosts`` are names of hosts whose own entry had errors: they count as existing.
    """
    hosts: list[Host] = getattr(estate, "_all_hosts", list(estate.hosts.values()))
    scope = _Scope(estate, today, set(failed_kinds), set(invalid_hosts), hosts)
    problems: list[Problem] = []
    for rule in _RULES:
        report = _Report()
        rule(report, scope)
        # A problem's rule id: its own code, else the rule family (e.g. "cross-file/hosts").
        family = f"cross-file/{rule.__name__.strip('_')}"
        problems.extend(p if p.code else replace(p, code=family) for p in report.problems)
    return problems


def _file_objects(estate: Estate, model: type[M]) -> list[M]:
    """The top-level objects of every loaded file of one kind (for per-file uniqueness)."""
    out = []
    for doc in estate.files.values():
        obj = getattr(doc, "model", None)
        if isinstance(obj, model):
            out.append(obj)
    return out
