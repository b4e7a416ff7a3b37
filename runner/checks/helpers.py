"""Helpers check kinds share, so that no kind imports another kind."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from .. import clock
from ..results import Result, Status
from .base import Measured

PACKAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?$")


def measured_error(measured: Measured) -> Result | None:
    """The module reports a failed read as ``{"error": "..."}``; judges share this guard."""
    if isinstance(measured, dict) and "error" in measured:
        return Result(Status.ERROR, None, str(measured["error"]))
    if measured is None:
        return Result(Status.ERROR, None, "nothing was measured")
    return None


def absolute_path(value: str) -> str:
    """Validator for host paths: absolute and normalised, so checklists say what they mean."""
    if not isinstance(value, str) or not value.startswith("/"):
        raise ValueError(f"must be an absolute path, got {value!r}")
    return value


# The validators' rules as patterns too, so the exported schemas (and editors) say them.
AbsolutePath = Annotated[str, AfterValidator(absolute_path),
                         Field(json_schema_extra={"pattern": "^/"})]
PackageName = Annotated[str, Field(json_schema_extra={"pattern": PACKAGE_NAME.pattern})]


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def check_package_names(names: list[str]) -> None:
    """Validator for Debian package names (package_version and drift name packages)."""
    for name in names:
        if not PACKAGE_NAME.match(name):
            raise ValueError(f"{name!r} is not a Debian package name")


def iso(epoch: int) -> str:
    """A host's epoch seconds as the UTC ISO timestamp the records use."""
    return clock.iso(datetime.fromtimestamp(epoch, UTC))


def duration(seconds: float) -> str:
    """A span for a reason: whole days from three days up, days and hours below (where
    "2 days" would hide that it is almost 3), minutes under an hour."""
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours = rest // 3600
    if days >= 3:
        return plural(days, "day")
    if days:
        return plural(days, "day") + (f" {plural(hours, 'hour')}" if hours else "")
    if hours:
        return plural(hours, "hour")
    if seconds >= 60:
        return plural(seconds // 60, "minute")
    return "less than a minute"


# What each dpkg state short of configured means, for the reason.
STATE_TEXT = {
    "unpacked": "unpacked, not configured",
    "half-configured": "half-configured: its configuration failed",
    "half-installed": "half-installed: its installation or removal was interrupted",
}


def broken_state(entry: object) -> str | None:
    """A package dpkg left part-way, as a reason says it ("1.1.0-1 unpacked, not configured");
    None for a configured or absent one.

    The probe gives a version string (configured), None (not installed) or
    ``{"version", "state"}`` for a package in between."""
    if not isinstance(entry, dict):
        return None
    state = str(entry.get("state", "unknown"))
    return f"{entry.get('version') or '?'} {STATE_TEXT.get(state, state)}"
