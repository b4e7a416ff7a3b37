"""What an upgrade run knows: per-host outcomes, waves, the run itself (plain data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from ..errors import Exit, PatrolError
from ..results import Result

if TYPE_CHECKING:
    from ..run import EstateEdit


class Outcome(StrEnum):
    UPGRADED = "upgraded"
    UNCHANGED = "unchanged"  # already at the planned versions; post-checks passed
    SKIPPED_PRECHECK = "skipped-precheck"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    ROLLED_BACK = "rolled-back"
    ROLLBACK_FAILED = "rollback-failed"
    INTERRUPTED = "interrupted"  # apt ran, the run stopped before its post-checks
    NOT_STARTED = "not-started"  # its wave never started (halt, interrupt)
    OUTSIDE_WINDOW = "outside-window"
    WOULD_UPGRADE = "would-upgrade"  # --check
    WOULD_NOT_CHANGE = "would-not-change"  # --check


SUCCESS = frozenset({Outcome.UPGRADED, Outcome.UNCHANGED})
WAVE_FAILURES = frozenset({Outcome.FAILED, Outcome.UNREACHABLE})


class OutsideWindow(PatrolError):
    """No targeted host's window is open; ``opens`` is when the first one next opens."""

    def __init__(self, message: str, opens: datetime) -> None:
        super().__init__(message, exit_code=Exit.FAILED)
        self.opens = opens


@dataclass
class Rollback:
    ok: bool
    after: dict[str, str | None] | None
    post_checks: dict[str, Result]
    message: str = ""


@dataclass
class HostUpgrade:
    host: str
    wave: int | None
    outcome: Outcome = Outcome.NOT_STARTED
    before: dict[str, str | None] = field(default_factory=dict)
    after: dict[str, str | None] | None = None
    pre_checks: dict[str, Result] = field(default_factory=dict)
    post_checks: dict[str, Result] = field(default_factory=dict)
    rollback: Rollback | None = None
    message: str = ""
    window_opens: datetime | None = None

    @property
    def installed(self) -> dict[str, str | None] | None:
        """What is installed now, as far as the run knows."""
        if self.rollback is not None and self.rollback.after is not None:
            return self.rollback.after
        return self.after


@dataclass
class WaveResult:
    number: int
    spec: str
    hosts: list[str]
    started: bool = False
    failures: int = 0
    halted: bool = False
    rolled_back: list[str] = field(default_factory=list)


@dataclass
class UpgradeRun:
    run_id: str
    plan: str
    check: bool
    packages: dict[str, str]
    hosts: dict[str, HostUpgrade]
    waves: list[WaveResult]
    result: str = "completed"  # completed / halted / interrupted
    halted_after_wave: int | None = None
    record_path: str = ""
    record_sha256: str = ""
    commit: str | None = None
    inventory_files: list[str] = field(default_factory=list)
    inventory_changes: dict[str, dict[str, str]] = field(default_factory=dict)
    estate_edit: EstateEdit | None = None  # the inventory edit's own branch (archive branch)
    timings: dict[str, float] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for h in self.hosts.values() if h.outcome is outcome)

    @property
    def exit_code(self) -> int:
        """0 when every host in its window ended upgraded (or already current); hosts whose
        window is closed (another site's night) wait for a later run and fail nothing."""
        if self.result == "interrupted":
            return 130
        ok = {Outcome.WOULD_UPGRADE, Outcome.WOULD_NOT_CHANGE} if self.check else SUCCESS
        ok = ok | {Outcome.OUTSIDE_WINDOW}
        return int(Exit.OK if all(h.outcome in ok for h in self.hosts.values()) else Exit.FAILED)
