"""The estate: pydantic models, loading with file:line:column on every error, cross-references.

    from runner.estate import load_estate
    estate, problems = load_estate(Path("."))
    for host in estate.select("role=web site=hz-dc1"): ...

Names are imported on first use, so ``patrol validate`` on an unchanged (cached) estate never
imports pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lazy

_EXPORTS = {
    "duration": ("Duration", "format_duration", "parse_duration"),
    "estate": ("Estate", "Location", "Source"),
    "files": ("NotAnEstate", "read_tree"),
    "loader": ("classify", "load_estate", "load_estate_files"),
    "models": ("FILE_KINDS", "Cadence", "Check", "Checklist", "Commitment", "Criticality",
               "Depot", "Environment", "HardwareModel", "Host", "Part", "PlanCheck",
               "ServicePolicy", "Severity", "Site", "StockEntry", "UpgradePlan", "Waiver",
               "Window"),
    "secrets": ("EnvSecret", "VaultSecret"),
    "selector": ("Selector", "SelectorError", "parse_selector"),
}
__all__ = [  # noqa: RUF022 - grouped like _EXPORTS
    "Duration", "format_duration", "parse_duration",
    "Estate", "Location", "Source",
    "NotAnEstate", "read_tree",
    "classify", "load_estate", "load_estate_files",
    "FILE_KINDS", "Cadence", "Check", "Checklist", "Commitment", "Criticality", "Depot",
    "Environment", "HardwareModel", "Host", "Part", "PlanCheck", "ServicePolicy", "Severity",
    "Site", "StockEntry", "UpgradePlan", "Waiver", "Window",
    "EnvSecret", "VaultSecret",
    "Selector", "SelectorError", "parse_selector",
]


__getattr__, __dir__ = lazy.exports(__name__, globals(), _EXPORTS)


if TYPE_CHECKING:
    from .duration import Duration, format_duration, parse_duration
    from .estate import Estate, Location, Source
    from .files import NotAnEstate, read_tree
    from .loader import classify, load_estate, load_estate_files
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
