"""Findings: what a failing check leaves behind until it is put right.

Modules: ``model`` (states, the finding, transitions), ``lifecycle`` (open, close, re-open
from a run's results), ``escalation`` (warned / overdue / penalised as the deadline nears and
passes), ``waivers`` (every waiver rule: matching, expiry, validation, pausing the clock),
``cadence`` (checklists that did not run as often as promised), ``policy`` (the service
policy's values and a run's context), ``store`` (findings as documents in the archive).

Names are imported on first use: reading findings (``store``, ``model``) does not import the
lifecycle, escalation and cadence rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lazy

_EXPORTS = {
    "cadence": ("Breach", "apply_breaches", "cadence_breaches"),
    "escalation": ("escalate",),  # findings.escalation is the module, always
    "lifecycle": ("apply_run", "due_date", "refresh_waivers"),
    "model": ("ACTIVE", "Finding", "State", "Transition", "finding_id"),
    "policy": ("Context", "Policy", "context_of", "policy_of"),
    "waivers": ("WaiverRule", "as_shown", "waived", "waiver_end"),
}

__all__ = [
    "ACTIVE", "Breach", "Context", "Finding", "Policy", "State", "Transition", "WaiverRule",
    "apply_breaches", "apply_run", "as_shown", "cadence_breaches", "context_of", "due_date",
    "escalate", "finding_id", "policy_of", "refresh_waivers", "waived",
    "waiver_end",
]


__getattr__, __dir__ = lazy.exports(__name__, globals(), _EXPORTS, submodules=True)


if TYPE_CHECKING:
    from .cadence import Breach, apply_breaches, cadence_breaches
    from .escalation import escalate
    from .lifecycle import apply_run, due_date, refresh_waivers
    from .model import ACTIVE, Finding, State, Transition, finding_id
    from .policy import Context, Policy, context_of, policy_of
    from .waivers import WaiverRule, as_shown, waived, waiver_end
