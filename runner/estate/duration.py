"""Durations as people write them in the estate: ``30m``, ``4h``, ``3d``, ``2w`` (or ``1d12h``).

Parsed once, here, into ``timedelta``; every deadline, cadence and grace period uses this type.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

PATTERN = r"^([0-9]+[mhdw])+$"
# The same language without zero (``0m``, ``0h0m``): at least one part has a non-zero digit.
# No look-ahead, so every JSON Schema regex engine reads it.
POSITIVE_PATTERN = r"^([0-9]+[mhdw])*0*[1-9][0-9]*[mhdw]([0-9]+[mhdw])*$"
_PART = re.compile(r"([0-9]+)([mhdw])")
# Longer than any deadline, grace or horizon people mean, and far from datetime's year 9999:
# a typo such as ``3000000d`` is refused here instead of overflowing date arithmetic later.
MAX_DURATION = timedelta(days=36500)
_MINUTES = {"m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}


def parse_duration(text: str, *, allow_zero: bool = False) -> timedelta:
    """``"1d12h"`` -> ``timedelta(days=1, hours=12)``; ValueError with the expected form."""
    if not isinstance(text, str) or not re.fullmatch(PATTERN, text):
        raise ValueError(f"{text!r} is not a duration; expected e.g. '30m', '4h', '3d', '2w'")
    minutes = sum(int(number) * _MINUTES[unit] for number, unit in _PART.findall(text))
    if minutes > MAX_DURATION.total_seconds() // 60:
        raise ValueError(f"{text!r} is longer than 100 years")
    delta = timedelta(minutes=minutes)
    if delta <= timedelta() and not (allow_zero and delta == timedelta()):
        raise ValueError(f"{text!r} is zero; a duration must be positive")
    return delta


def format_duration(delta: timedelta) -> str:
    """The shortest estate spelling of ``delta`` (whole minutes)."""
    minutes = int(delta.total_seconds() // 60)
    out = []
    for unit, size in (("w", 7 * 24 * 60), ("d", 24 * 60), ("h", 60), ("m", 1)):
        if minutes >= size:
            out.append(f"{minutes // size}{unit}")
            minutes %= size
    return "".join(out) or "0m"


def _validate(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    return parse_duration(value)


Duration = Annotated[
    timedelta,
    BeforeValidator(_validate),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "pattern": POSITIVE_PATTERN,
                    "description": "A duration such as 30m, 4h, 3d or 2w."}),
]


def _validate_zero(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    return parse_duration(value, allow_zero=True)


# a delay that may be none at all, e.g. how fast a depot on a site reaches that site: ``0h``
DurationOrZero = Annotated[
    timedelta,
    BeforeValidator(_validate_zero),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "pattern": PATTERN,
                    "description": "A duration such as 0h, 30m, 4h or 3d (zero allowed)."}),
]
