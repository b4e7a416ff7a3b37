"""What filesystem and inode usage share: mount selection params and df-style percentages."""

from __future__ import annotations

import math
from fnmatch import fnmatchcase

from pydantic import Field, field_validator

from ..results import Result, Status
from .base import Measured, ParamsModel
from .helpers import measured_error


class MountParams(ParamsModel):
    max_percent: float = Field(85, ge=0, le=100, description="Fail above this % used.")
    include: list[str] = Field(default_factory=lambda: ["*"], min_length=1)
    exclude: list[str] = Field(default_factory=list)

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


def percent(used: int, avail: int) -> int | None:
    """df's Use%: used / (used + avail), rounded up; None when the filesystem has no size."""
    total = used + avail
    if total <= 0:
        return None
    return math.ceil(used * 100 / total)


def fmt_limit(limit: float) -> str:
    return f"{limit:g}%"


def judge_mounts(measured: Measured, params: MountParams, *, inodes: bool) -> Result:
    """Judge per-mount usage: the value maps each selected mount to its % used."""
    if (err := measured_error(measured)) is not None:
        return err
    what = "inodes used" if inodes else "used"
    usage: dict[str, int] = {}
    unreadable: list[str] = []
    for mount in sorted(measured):
        fs = measured[mount]
        if not selected(mount, params):
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
            usage[mount] = pct
    if unreadable:
        return Result(Status.ERROR, usage, "cannot read " + "; ".join(unreadable))
    if not usage:
        return Result(Status.ERROR, usage, "no mounted filesystem matches include/exclude")
    over = [m for m in usage if usage[m] > params.max_percent]
    limit = fmt_limit(params.max_percent)
    if over:
        over.sort(key=lambda m: (-usage[m], m))
        return Result(
            Status.FAIL,
            usage,
            "; ".join(f"{m} {usage[m]}% {what}, limit {limit}" for m in over),
        )
    top = max(usage, key=lambda m: (usage[m], m == "/", m))
    return Result(Status.PASS, usage, f"max {usage[top]}% {what} ({top}), limit {limit}")
