"""Pydantic models of every estate file kind. Unknown keys are errors everywhere.

Rules inside one object live here (validators); rules between files live in ``crossref.py``.
Every file kind is a top-level model listed in ``FILE_KINDS`` with where it lives and the name
of its exported JSON Schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    PrivateAttr,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from . import timezones
from .duration import Duration, DurationOrZero
from .reach import DIRECT, HostKey, ReachField
from .scalars import Bool, Int, IPAddress
from .secrets import Secret
from .selector import SelectorField

if TYPE_CHECKING:
    from ..checks.base import ParamsModel
    from .source import Source

# --- shared types ---------------------------------------------------------------------------

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64,
                          description="Lower-case identifier: letters, digits, '-', '_', '.'.")]
HostName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.-]*$", max_length=253)]
TagName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$", max_length=64)]
NonEmpty = Annotated[str, Field(min_length=1)]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


TimeZoneName = Annotated[
    str,
    AfterValidator(timezones.check),
    WithJsonSchema({"type": "string", "enum": list(timezones.names()),
                    "description": "An IANA time zone name, e.g. Europe/Berlin."}),
]


_HHMM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


def _parse_hhmm(value: object) -> time:
    if isinstance(value, time):
        return value
    match = _HHMM.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"{value!r} is not a time of day; expected \"HH:MM\" (24-hour), "
                         "e.g. \"22:00\"")
    return time(int(match[1]), int(match[2]))


TimeOfDay = Annotated[
    time,
    BeforeValidator(_parse_hhmm),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": _HHMM.pattern}),
]


class EstateModel(BaseModel):
    """Base of every estate model: no unknown keys, and remembers where it was defined."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False, validate_default=True)

    # The source is kept in pydantic's private-attribute slot, set by the loader, without
    # declaring a PrivateAttr: declared ones cost an initialiser call per object (10,000 hosts).
    @property
    def source(self) -> Source | None:
        """File and path (line:column on demand) where this object is defined."""
        private = object.__getattribute__(self, "__pydantic_private__")
        return private.get("_source") if private else None

    def _set_source(self, source: Source) -> None:
        private = self.__pydantic_private__
        if private is None:
            object.__setattr__(self, "__pydantic_private__", {"_source": source})
        else:
            private["_source"] = source


class Environment(StrEnum):
    production = "production"
    staging = "staging"
    development = "development"
    test = "test"


class Criticality(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


class Severity(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


class Cadence(StrEnum):
    daily = "daily"
    weekly = "weekly"
    monthly = "monthly"


class Weekday(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"


# --- sites ----------------------------------------------------------------------------------


class Contact(EstateModel):
    name: NonEmpty
    email: Email | None = None
    phone: str | None = None
    role: str | None = None


class JointInspection(EstateModel):
    """An inspection done together with the purchaser, on a day of every month: the work plan
    lists it on that day, with who comes from each side."""

    day: Int = Field(ge=1, le=28, description="The day of each month (1-28, so every month "
                                               "has it).")
    purchaser: NonEmpty = Field(description="Who joins for the purchaser.")
    note: str | None = Field(None, description="What is inspected together.")


class Site(EstateModel):
    """A customer data centre."""

    id: Id
    name: NonEmpty
    timezone: TimeZoneName
    address: str | None = None
    contacts: list[Contact] = []
    resident_engineers: list[Contact] = []
    reach: ReachField = Field(
        default=DIRECT, description="How the controller reaches the site's hosts: direct, "
        "jump (SSH jump hosts in order) or node (an execution node inside the site).")
    joint_inspections: list[JointInspection] = Field(
        default=[], description="Inspections done with the purchaser, each on a day of every "
                                "month (the work plan lists them).")


class SitesFile(EstateModel):
    """inventory/sites.yaml"""

    sites: list[Site] = Field(min_length=1)


# --- hosts ----------------------------------------------------------------------------------


class Replacement(EstateModel):
    """What a host replaces: the old host's name, its model, or both (the model is needed to
    compare once the old host has left the inventory)."""

    host: HostName | None = None
    model: Id | None = None

    @model_validator(mode="after")
    def _something(self) -> Replacement:
        if self.host is None and self.model is None:
            raise ValueError("name the host or the model replaced (or both)")
        return self


class Hardware(EstateModel):
    model: Id
    serial: NonEmpty
    purchased: date
    warranty_end: date
    end_of_life: date
    replaces: Replacement | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Hardware:
        if self.warranty_end < self.purchased:
            raise ValueError(f"warranty_end {self.warranty_end} is before purchased "
                             f"{self.purchased}")
        if self.end_of_life < self.purchased:
            raise ValueError(f"end_of_life {self.end_of_life} is before purchased "
                             f"{self.purchased}")
        return self


class OperatingSystem(EstateModel):
    family: NonEmpty
    release: NonEmpty


class Connection(EstateModel):
    user: str | None = None
    port: Int = Field(default=22, ge=1, le=65535)
    become_password: Secret | None = None


class BmcTls(EstateModel):
    """How the controller trusts a BMC's HTTPS certificate: the system's CAs (``verify``),
    a CA pinned in Git (``ca``: a PEM file, relative to the estate root), or, for a BMC
    still on its factory certificate, not at all (``verify: false``, said in every read)."""

    verify: Bool = True
    ca: Annotated[str, Field(min_length=1, pattern=r"^[^/\\][^\\]*$",
                             description="A PEM CA file, relative to the estate root.")
                  ] | None = None

    @model_validator(mode="after")
    def _ca_needs_verify(self) -> BmcTls:
        if self.ca is not None and not self.verify:
            raise ValueError("a pinned ca is only used with verify: true; drop one of them")
        if self.ca is not None and ".." in self.ca.split("/"):
            raise ValueError(f"ca {self.ca!r} leaves the estate; give a path inside it")
        return self


class Bmc(EstateModel):
    """The host's baseboard management controller, read over Redfish from the controller's
    side: never a plain password (``{env: VAR}`` or ``!vault``)."""

    address: IPAddress
    port: Int = Field(default=443, ge=1, le=65535)
    username: NonEmpty
    password: Secret
    tls: BmcTls = BmcTls()


class Host(EstateModel):
    """One server under contract."""

    name: HostName
    address: IPAddress
    site: Id
    role: Id
    environment: Environment
    criticality: Criticality
    owner: NonEmpty
    hardware: Hardware
    os: OperatingSystem
    software: dict[NonEmpty, NonEmpty] = {}
    tags: list[TagName] = Field(default=[], json_schema_extra={"uniqueItems": True})
    connection: Connection | None = None
    reach: ReachField | None = Field(
        default=None, description="Overrides the site's reach for this host.")
    host_key: HostKey | None = Field(
        default=None, description="The host's pinned SSH host key: connections accept only it.")
    bmc: Bmc | None = None

    @field_validator("tags")
    @classmethod
    def _no_repeated_tags(cls, tags: list[str]) -> list[str]:
        if len(set(tags)) == len(tags):
            return tags
        seen: set[str] = set()
        repeated = sorted({tag for tag in tags if tag in seen or seen.add(tag)})
        if repeated:
            raise ValueError(f"tags listed more than once: {', '.join(repeated)}")
        return tags


class HostsFile(EstateModel):
    """inventory/hosts/*.yaml"""

    hosts: list[Host] = Field(min_length=1)


# --- hardware models and parts --------------------------------------------------------------


class Part(EstateModel):
    """A spare part: something a depot keeps and an engineer swaps."""

    id: Id
    description: NonEmpty
    vendor_part_number: str | None = None
    category: str | None = None


class PartUse(EstateModel):
    part: Id
    quantity: Int = Field(default=1, ge=1)


class Capacity(EstateModel):
    """What a model can do, so a replacement can be compared with what it replaces: more
    cores, memory or disk is better; ``power_w`` (rated draw) is shown, never compared."""

    cores: Int | None = Field(default=None, ge=1)
    memory_gb: Int | None = Field(default=None, ge=1)
    disk_gb: Int | None = Field(default=None, ge=0)
    power_w: Int | None = Field(default=None, ge=1)


class RedfishLayout(EstateModel):
    """Where a model's BMC keeps its parts in Redfish, when vendors differ: power supplies in
    the chassis' ``Power`` or ``PowerSubsystem``, fans in ``Thermal`` or ``ThermalSubsystem``,
    drives linked from the system's ``Storage`` or listed in the chassis' ``Drives``, memory
    under the system or the chassis. A location left out is read wherever the BMC has it (the
    newer subsystem first); one declared is read there only, and a BMC without it is an error
    of the check, never a silent "healthy"."""

    power_supplies: Literal["Chassis/Power", "Chassis/PowerSubsystem"] | None = None
    fans: Literal["Chassis/Thermal", "Chassis/ThermalSubsystem"] | None = None
    drives: Literal["Systems/Storage", "Chassis/Drives"] | None = None
    memory: Literal["Systems/Memory", "Chassis/Memory"] | None = None


class HardwareModel(EstateModel):
    id: Id
    vendor: NonEmpty
    name: NonEmpty
    form_factor: str | None = None
    capacity: Capacity | None = None
    parts: list[PartUse] = Field(min_length=1)
    redfish: RedfishLayout | None = Field(
        default=None, description="Where this model's BMC keeps its parts in Redfish.")


class ModelsFile(EstateModel):
    """inventory/models.yaml: the part catalogue and the hardware models that use the parts."""

    parts: list[Part] = Field(min_length=1)
    models: list[HardwareModel] = Field(min_length=1)


# --- spare-part stock and commitments -------------------------------------------------------


class Depot(EstateModel):
    id: Id
    name: NonEmpty
    site: Id | None = None
    location: str | None = None
    reaches: dict[Id, DurationOrZero] = Field(
        default={}, description="How fast a part from here reaches each site (a depot on a "
                                "site reaches that site at once).")


class StockEntry(EstateModel):
    part: Id
    depot: Id
    quantity: Int = Field(ge=0)


class StockFile(EstateModel):
    """inventory/spares.yaml: depots and what each holds."""

    depots: list[Depot] = Field(min_length=1)
    stock: list[StockEntry] = []


class SupplyChannel(StrEnum):
    depot = "depot"
    vendor = "vendor"
    distributor = "distributor"


class Commitment(EstateModel):
    """Minimum stock of a part (absolute, or one per N hosts using it) and its delivery time."""

    part: Id
    min_stock: Int | None = Field(default=None, ge=0)
    per_hosts: Int | None = Field(default=None, ge=1,
                                  description="Keep one spare per this many hosts using it.")
    delivery: Duration
    channel: SupplyChannel
    lead_time: Duration | None = Field(
        default=None, description="vendor/distributor only: the supplier's contracted lead "
                                  "time (default: the delivery time itself).")

    @model_validator(mode="after")
    def _one_minimum(self) -> Commitment:
        if (self.min_stock is None) == (self.per_hosts is None):
            raise ValueError("give exactly one of min_stock (absolute) or per_hosts "
                             "(one spare per N hosts using the part)")
        if self.lead_time is not None and self.channel is SupplyChannel.depot:
            raise ValueError("lead_time is for vendor or distributor channels; a depot "
                             "commitment is met by stock")
        return self


class CommitmentsFile(EstateModel):
    """policies/spares.yaml"""

    commitments: list[Commitment] = Field(min_length=1)


# --- checklists -----------------------------------------------------------------------------

CheckId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]


class Check(EstateModel):
    """One check: a kind from runner/checks with its params, and the severity of a failure."""

    id: CheckId
    kind: Id
    params: dict[str, Any] = {}
    severity: Severity
    hosts: SelectorField | None = None
    description: str | None = None
    timeout: Int | None = Field(
        None, ge=1, le=3600,
        description="Seconds the check's probe may take on a host before the check is an "
                    "error 'timed out after N s' (default: its kind's, usually 10).")
    _params: Any = PrivateAttr(default=None)

    @property
    def parsed_params(self) -> ParamsModel | None:
        """The params validated against the kind's ``Params`` model (set by the loader)."""
        return self._params


class Checklist(EstateModel):
    """policies/inspections/*.yaml"""

    name: NonEmpty
    description: str | None = None
    cadence: Cadence
    hosts: SelectorField
    checks: list[Check] = Field(min_length=1)


# --- the service policy ---------------------------------------------------------------------


class PerSeverity(EstateModel):
    critical: Duration
    high: Duration
    medium: Duration
    low: Duration


class Escalation(EstateModel):
    warn_at: Int = Field(ge=1, le=100, description="Warn at this percent of the deadline.")
    overdue_at: Int = Field(default=100, ge=1, le=1000,
                            description="Overdue at this percent (at most ten deadlines).")
    penalty_grace: Duration = Field(description="Penalised this long after overdue.")

    @model_validator(mode="after")
    def _ordered(self) -> Escalation:
        if self.overdue_at < self.warn_at:
            raise ValueError(f"overdue_at ({self.overdue_at}) is below warn_at ({self.warn_at})")
        return self


class CadenceLimits(EstateModel):
    """The longest gap allowed between two runs of each cadence's checklists."""

    daily: Duration
    weekly: Duration
    monthly: Duration


class ResponseTime(EstateModel):
    response: Duration
    on_site: Duration


class PerCriticality(EstateModel):
    critical: ResponseTime
    high: ResponseTime
    medium: ResponseTime
    low: ResponseTime


class ServiceHours(EstateModel):
    """When a site's response and on-site clocks run: days, start-end in the site's zone."""

    days: list[Weekday] = Field(min_length=1)
    start: TimeOfDay
    end: TimeOfDay
    holidays: list[date] = []

    @model_validator(mode="after")
    def _ordered(self) -> ServiceHours:
        if self.end <= self.start:
            raise ValueError("service hours end must be after their start on the same day")
        return self


# '24x7' or service hours; told apart by type, so an error names only the form that was meant
SiteHours = Annotated[
    Annotated[Literal["24x7"], Tag("24x7")] | Annotated[ServiceHours, Tag("hours")],
    Discriminator(lambda v: "24x7" if isinstance(v, str) else "hours"),
]


class EquipmentFinding(EstateModel):
    """How a spare-part or lifecycle finding is rated: its severity, and its deadline (default:
    the rectification deadline of that severity)."""

    severity: Severity
    deadline: Duration | None = None


class EquipmentPolicy(EstateModel):
    """Findings of ``patrol spares check`` and ``patrol lifecycle check``."""

    shortfall: EquipmentFinding = EquipmentFinding(severity=Severity.high)
    end_of_life: EquipmentFinding = EquipmentFinding(severity=Severity.medium)
    warranty: EquipmentFinding = EquipmentFinding(severity=Severity.low)


class PenaltyPoints(EstateModel):
    """The monthly assessment (月考核): points a month's report charges per penalised finding
    (by its severity) and per breached clock."""

    penalised: dict[Severity, Int] = Field(
        default_factory=lambda: {Severity.critical: 10, Severity.high: 5, Severity.medium: 2,
                                 Severity.low: 1},
        description="Points per finding that reached `penalised` in the month, per severity.")
    cadence_breach: Int = Field(default=5, ge=0, description="Points per checklist in breach "
                                "of its cadence at a site in the month.")
    response_breach: Int = Field(default=3, ge=0, description="Points per incident whose "
                                 "response clock was breached.")
    on_site_breach: Int = Field(default=5, ge=0, description="Points per incident whose "
                                "on-site clock was breached.")


class GradeBand(EstateModel):
    """A grade the assessment gives a month whose score is at least ``min``."""

    grade: NonEmpty
    min: Int = Field(ge=0)


class AssessmentPolicy(EstateModel):
    """How the monthly assessment (月考核) scores a month: a full score less the penalty
    points, graded by bands; whether a missed cadence and its finding are charged once."""

    full_score: Int = Field(default=100, ge=1, description="The score of a month without "
                            "deductions; each penalty point deducts one (never below 0).")
    grades: list[GradeBand] = Field(
        default_factory=lambda: [GradeBand(grade="excellent", min=95),
                                 GradeBand(grade="good", min=85),
                                 GradeBand(grade="pass", min=70),
                                 GradeBand(grade="fail", min=0)],
        description="Grade bands, highest first: a month gets the first whose min its score "
                    "reaches.")
    cadence_charged: Literal["once", "twice"] = Field(
        default="once", description="A cadence breach and its finding penalised: charged once "
        "(the breach) or twice (the breach and the penalised finding).")


class Parties(EstateModel):
    """Who signs the monthly report: the contractor's project manager and the purchaser."""

    contractor: NonEmpty
    purchaser: NonEmpty
    contractor_signatory: str | None = Field(
        None, description="The contractor's project manager, who signs for the contractor.")
    purchaser_signatory: str | None = Field(
        None, description="Who confirms the report for the purchaser.")


class ArchivePolicy(EstateModel):
    """Where records go and what ``patrol audit verify`` demands of them."""

    require_signatures: Bool = Field(
        default=False, description="Refuse an unsigned run; verify demands every commit that "
        "touches reports/ be signed by a key in policies/allowed_signers as of its parent.")
    branch: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")] | None = Field(
        default=None, description="Write records to this branch (records-only history) "
        "instead of the estate's branch, e.g. patrol-archive where main is protected.")


class ServicePolicy(EstateModel):
    """policies/service.yaml"""

    contract: str | None = None
    parties: Parties | None = None
    timezone: TimeZoneName | None = Field(
        None, description="The contract's zone: the monthly report's calendar month and the "
                          "times it shows (default: the sites' zone when they share one, else "
                          "UTC).")
    rectification: PerSeverity
    escalation: Escalation
    unreachable_after_runs: Int = Field(ge=1)
    cadence: CadenceLimits
    response_times: PerCriticality
    service_hours: dict[Id, SiteHours] = Field(
        default={}, description="Per site id: '24x7' or service hours (the default is 24x7).")
    equipment: EquipmentPolicy = EquipmentPolicy()
    penalties: PenaltyPoints = PenaltyPoints()
    assessment: AssessmentPolicy = AssessmentPolicy()
    archive: ArchivePolicy = ArchivePolicy()


# --- waivers --------------------------------------------------------------------------------


class Waiver(EstateModel):
    """An accepted exception: the check does not open findings on these hosts until expiry."""

    id: Id | None = None
    host: HostName | None = None
    hosts: SelectorField | None = None
    check: Annotated[str, Field(pattern=r"^([a-z0-9][a-z0-9_.-]*/)?[a-z0-9][a-z0-9_-]*$",
                                description="the control: a check id (it covers that check in "
                                            "every checklist); the older <checklist>/<check "
                                            "id> means the same control")]
    reason: NonEmpty
    approved_by: NonEmpty
    expires: date

    @model_validator(mode="after")
    def _one_target(self) -> Waiver:
        if (self.host is None) == (self.hosts is None):
            raise ValueError("give exactly one of host (a name) or hosts (a selector)")
        return self

    @property
    def checklist(self) -> str | None:
        """The checklist of the older ``daily/disk-space`` form (None for a bare control)."""
        return self.check.split("/", 1)[0] if "/" in self.check else None

    @property
    def check_id(self) -> str:
        """The control the waiver covers, in every checklist that measures it."""
        return self.check.rsplit("/", 1)[-1]


class WaiversFile(EstateModel):
    """policies/waivers.yaml"""

    waivers: list[Waiver] = []


# --- upgrade plans --------------------------------------------------------------------------

_PERCENT = r"^(100|[1-9][0-9]?)%$"
Percent = Annotated[str, Field(pattern=_PERCENT)]


def _check_wave(value: object) -> int | str:
    if isinstance(value, bool):
        raise ValueError("a wave is a host count, a percentage like \"25%\", or \"rest\"")
    if isinstance(value, int):
        if value < 1:
            raise ValueError("a wave needs at least 1 host")
        return value
    if isinstance(value, str) and (value == "rest" or re.match(_PERCENT, value)):
        return value
    raise ValueError(f"{value!r} is not a wave; expected a host count, a percentage like "
                     "\"25%\", or \"rest\"")


Wave = Annotated[
    int | str,
    BeforeValidator(_check_wave),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1},
                              {"type": "string", "pattern": _PERCENT},
                              {"const": "rest"}]}),
]


def _check_limit(value: object) -> int | str:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and re.match(_PERCENT, value):
        return value
    raise ValueError(f"{value!r} is not a failure limit; expected a count (0 or more) or a "
                     "percentage like \"10%\"")


FailureLimit = Annotated[
    int | str,
    BeforeValidator(_check_limit),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0},
                              {"type": "string", "pattern": _PERCENT}]}),
]


def _check_plan_timezone(value: str) -> str:
    return value if value == "site" else timezones.check(value)


class Window(EstateModel):
    """When an upgrade may run: days of the week and a time span, in a zone (or each site's)."""

    days: list[Weekday] | None = None
    start: TimeOfDay
    end: TimeOfDay
    timezone: Annotated[str, AfterValidator(_check_plan_timezone),
                        WithJsonSchema({"type": "string", "enum": ["site", *timezones.names()],
                                        "description": "An IANA zone, or 'site' for each "
                                                       "host's site zone."})]

    @model_validator(mode="after")
    def _not_empty(self) -> Window:
        if self.start == self.end:
            raise ValueError("window start and end are equal; the window would be empty")
        return self

    @property
    def crosses_midnight(self) -> bool:
        return self.end < self.start


class Halt(EstateModel):
    max_failures: FailureLimit


class PlanCheck(EstateModel):
    id: CheckId
    kind: Id
    params: dict[str, Any] = {}
    _params: Any = PrivateAttr(default=None)

    @property
    def parsed_params(self) -> ParamsModel | None:
        return self._params


class UpgradePlan(EstateModel):
    """policies/upgrades/*.yaml"""

    name: NonEmpty
    description: str | None = None
    targets: SelectorField
    packages: dict[NonEmpty, NonEmpty] = Field(min_length=1)
    window: Window
    waves: list[Wave] = Field(min_length=1)
    halt: Halt
    pre_checks: list[PlanCheck] = []
    post_checks: list[PlanCheck] = []
    rollback: Bool

    @model_validator(mode="after")
    def _rest_last(self) -> UpgradePlan:
        if "rest" in self.waves[:-1]:
            raise ValueError("\"rest\" may only be the last wave")
        return self


# --- notifications --------------------------------------------------------------------------

# Every event a route may name; ``finding.*`` and ``incident.*`` name a family.
NOTIFY_EVENTS = (
    "finding.opened", "finding.warned", "finding.overdue", "finding.penalised",
    "finding.closed", "incident.opened", "incident.response.warned",
    "incident.response.breached", "incident.on_site.warned", "incident.on_site.breached",
    "incident.resolved", "waiver.expiring", "cadence.breached", "spares.short",
    "lifecycle.end_of_life", "archive.broken", "report.ready",
)


def _check_event(value: str) -> str:
    if value in NOTIFY_EVENTS or value in ("finding.*", "incident.*"):
        return value
    raise ValueError(f"unknown event {value!r}; expected finding.* or incident.* or one of "
                     + ", ".join(NOTIFY_EVENTS))


NotifyEvent = Annotated[str, AfterValidator(_check_event), WithJsonSchema({
    "type": "string", "enum": ["finding.*", "incident.*", *NOTIFY_EVENTS],
    "description": "An event, or finding.* / incident.* for every event of a finding or an "
                   "incident."})]


class NotifyEmail(EstateModel):
    """How email reaches people: an SMTP server (``host:port``) from the environment or vault;
    unset, no email is sent. ``security: none`` (plain SMTP) only to a loopback address."""

    server: Secret
    sender: Email = Field(alias="from")
    security: Literal["starttls", "tls", "none"] = "starttls"
    user: Secret | None = None
    password: Secret | None = None


class NotifyChannel(EstateModel):
    """A named channel: an Apprise URL (DingTalk, WeCom, Feishu, Slack, Teams, a webhook),
    from the environment or vault only: it carries the channel's token."""

    url: Secret


class NotifySite(EstateModel):
    language: Literal["en", "zh-CN"] = "en"


Levels = list[Severity]


class Route(EstateModel):
    """Who is told of which events: people of the subject (its owner, its site's resident
    engineers and contacts) and named channels, narrowed by severity, site, owner and
    criticality; ``quiet_hours: true`` holds a message outside the site's service hours."""

    events: list[NotifyEvent] = Field(min_length=1)
    to: list[Literal["owner", "resident_engineers", "contacts"]] = []
    channels: list[Id] = []
    severity: Levels | None = None
    sites: list[Id] | None = None
    owners: list[NonEmpty] | None = None
    criticality: list[Criticality] | None = None
    quiet_hours: Bool = False

    @model_validator(mode="after")
    def _someone(self) -> Route:
        if not self.to and not self.channels:
            raise ValueError("a route needs recipients: 'to' (owner, resident_engineers, "
                             "contacts) or 'channels'")
        return self


class NotificationsFile(EstateModel):
    """policies/notifications.yaml"""

    email: NotifyEmail | None = None
    channels: dict[Id, NotifyChannel] = {}
    sites: dict[Id, NotifySite] = {}
    waiver_notice: Duration | None = None  # waiver.expiring this long before the expiry
    routes: list[Route] = []

    @model_validator(mode="after")
    def _known_channels(self) -> NotificationsFile:
        for i, route in enumerate(self.routes):
            for name in route.channels:
                if name not in self.channels:
                    known = ", ".join(sorted(self.channels)) or "none"
                    raise ValueError(f"routes[{i}] names channel {name!r}, which is not under "
                                     f"channels: (known: {known})")
        return self


# --- file kinds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    name: str  # also the schema's file name: schemas/<name>.schema.json
    model: type[EstateModel]
    pattern: str  # a glob relative to the estate root
    required: bool
    description: str

    @property
    def schema_file(self) -> str:
        return f"{self.name}.schema.json"


FILE_KINDS: tuple[FileKind, ...] = (
    FileKind("sites", SitesFile, "inventory/sites.yaml", True, "Sites (customer data centres)."),
    FileKind("hosts", HostsFile, "inventory/hosts/*.yaml", True, "Hosts under contract."),
    FileKind("models", ModelsFile, "inventory/models.yaml", True,
             "Spare parts and the hardware models that use them."),
    FileKind("stock", StockFile, "inventory/spares.yaml", True, "Depots and spare-part stock."),
    FileKind("commitments", CommitmentsFile, "policies/spares.yaml", True,
             "Spare-part commitments: minimum stock, delivery time, supply channel."),
    FileKind("service", ServicePolicy, "policies/service.yaml", True,
             "The service policy: deadlines, escalation, cadence limits, response times."),
    FileKind("waivers", WaiversFile, "policies/waivers.yaml", False, "Accepted exceptions."),
    FileKind("checklist", Checklist, "policies/inspections/*.yaml", True,
             "An inspection checklist."),
    FileKind("upgrade", UpgradePlan, "policies/upgrades/*.yaml", False, "An upgrade plan."),
    FileKind("notifications", NotificationsFile, "policies/notifications.yaml", False,
             "Who is told of which event, through which channel."),
)

