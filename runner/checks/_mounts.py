"""What filesystem and inode usage share: mount selection params and df-style percentages.

The verdict compares the exact fraction used with the limit as written (85.2 % used passes
``max_percent: 85.5``); only the shown value is rounded, up, at the limit's precision."""

from __future__ import annotations

import math
from fnmatch import fnmatchcase
from fractions import Fraction
from typing import Annotated

from pydantic import Field, field_validator

from ..estate.scalars import Float
from ..results import Result, Status
from .base import Measured, ParamsModel
from .helpers import measured_error

# a mount point or a glob of them: the validator below, as the schema says it
MountGlob = Annotated[str, Field(json_schema_extra={"pattern": "^[/*]"})]


class MountParams(ParamsModel):
    max_percent: Float = Field(85, ge=0, le=100, description="Fail above this % used.")
    include: list[MountGlob] = Field(default_factory=lambda: ["*"], min_length=1)
    exclude: list[MountGlob] = Field(default_factory=list)

    @field_validator("include", "exclude")
    @classmethod
    def _globs_are_mount_points(cls, globs: list[str]) -> list[str]:
        for glob in globs:
            if not (glob.startswith("/") or glob.startswith("*")):
                raise ValueError(f"{glob!r} is not a mount-point glob (start with / or *)")
        return globs


def selected(mount: str, params: MountParams) -> bool:
    return any(fnmatchcase(mount, g) for g in params.include) and not any(
        fnmatchcase(mount, g) for g in params.exclude
    )


def fs_selected(mount: str, fs: dict, params: MountParams) -> bool:
    """A filesystem mounted at several points (``also``: bind mounts, the probe lists it once,
    as df does) is selected when any of its mount points is."""
    return any(selected(m, params) for m in [mount, *(fs.get("also") or [])])


def where(mount: str, fs: dict) -> str:
    """The mount as a reason names it, with its other mount points: "/srv/a (also /srv/b)"."""
    also = fs.get("also") or []
    return f"{mount} (also {', '.join(also)})" if also else mount


def percent(used: int, avail: int) -> Fraction | None:
    """Exact % used, used / (used + avail) as df computes it before rounding, as a fraction
    (no float noise at the limit); None when the filesystem has no size."""
    total = used + avail
    if total <= 0:
        return None
    return Fraction(used * 100, total)


def exact_limit(limit: float) -> Fraction:
    """The limit as written: 85.1 is 851/10, not the float nearest to it."""
    return Fraction(repr(limit))


def decimals(limit: float) -> int:
    """How many decimals the limit is written with (85 -> 0, 85.5 -> 1, at most 4)."""
    denominator = exact_limit(limit).denominator
    for places in range(5):
        if 10**places % denominator == 0:
            return places
    return 4


def shown(exact: Fraction, places: int) -> float | int:
    """The exact % rounded *up* at the limit's precision, as df rounds Use% up: then the
    shown number is above the limit exactly when the exact value is, so a reason never
    says "86%" for a pass or "85%" for a fail. With a whole-number limit this is df's Use%."""
    up = math.ceil(exact * 10**places)
    return up if places == 0 else round(up / 10**places, places)


def fmt_limit(limit: float) -> str:
    return f"{limit:g}%"


def judge_mounts(measured: Measured, params: MountParams, *, inodes: bool) -> Result:
    """Judge per-mount usage: the exact % is compared with the limit; the value maps each
    selected mount to its % rounded up at the limit's precision (df's Use% for whole limits)."""
    if (err := measured_error(measured)) is not None:
        return err
    what = "inodes used" if inodes else "used"
    exact: dict[str, Fraction] = {}
    unreadable: list[str] = []
    for mount in sorted(measured):
        fs = measured[mount]
        if not fs_selected(mount, fs, params):
            continue
        if "error" in fs:
            unreadable.append(f"{mount}: {fs['error']}")
            continue
        pct = (
            percent(fs["inodes_used"], fs["inodes_avail"])
            if inodes
            else percent(fs["used"], fs["avail"])
        )
        if pct is not None:
            exact[mount] = pct
    places = decimals(params.max_percent)
    usage = {m: shown(pct, places) for m, pct in exact.items()}
    if unreadable:
        return Result(Status.ERROR, usage, "cannot read " + "; ".join(unreadable))
    if not usage:
        return Result(Status.ERROR, usage, "no mounted filesystem matches include/exclude")
    over = [m for m in exact if exact[m] > exact_limit(params.max_percent)]
    limit = fmt_limit(params.max_percent)
    if over:
        over.sort(key=lambda m: (-exact[m], m))
        return Result(
            Status.FAIL,
            usage,
            "; ".join(f"{where(m, measured[m])} {usage[m]}% {what}, limit {limit}"
                      for m in over),
        )
    top = max(exact, key=lambda m: (exact[m], m == "/", m))
    return Result(Status.PASS, usage,
                  f"max {usage[top]}% {what} ({where(top, measured[top])}), limit {limit}")
