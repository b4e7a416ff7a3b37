"""The estate: pydantic models, loading with file:line:column on every error, cross-references.

    from runner.estate import load_estate
    estate, problems = load_estate(Path("."))
    for host in estate.select("role=web site=hz-dc1"): ...
"""

from __future__ import annotations

from .duration import Duration, format_duration, parse_duration
from .estate import Estate, Location, Source
from .loader import NotAnEstate, classify, load_estate, load_estate_files, read_tree
from .models import (
    FILE_KINDS,
    Cadence,
    Check,
    Checklist,
    Commitment,
    Criticality,
    Depot,
    Environment,
    HardwareModel,
    Host,
    Part,
    PlanCheck,
    ServicePolicy,
    Severity,
    Site,
    StockEntry,
    UpgradePlan,
    Waiver,
    Window,
)
from .secrets import EnvSecret, VaultSecret
from .selector import Selector, SelectorError, parse_selector

__all__ = [
    "FILE_KINDS", "Cadence", "Check", "Checklist", "Commitment", "Criticality", "Depot",
    "Duration", "EnvSecret", "Environment", "Estate", "HardwareModel", "Host", "Location",
    "NotAnEstate", "Part", "PlanCheck", "Selector", "SelectorError", "ServicePolicy", "Severity",
    "Site", "Source", "StockEntry", "UpgradePlan", "VaultSecret", "Waiver", "Window", "classify",
    "format_duration", "load_estate", "load_estate_files", "parse_duration", "parse_selector",
    "read_tree",
]
