"""The report's and the work plan's data as JSON-ready values, apart from the report's model
so that the work plan renders without importing every section of the monthly report."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any

from .period import Month


def plain(value: Any) -> Any:
    """The report as JSON-ready data: dataclasses as dicts, dates and durations as text."""
    if isinstance(value, Month):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in dir(type(value)):  # derived figures (properties) belong in the data too
            if isinstance(getattr(type(value), name, None), property) and name != "plot":
                out[name] = plain(getattr(value, name))
        return out
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        from ..clock import iso

        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, float):
        return round(value, 4)
    return value
