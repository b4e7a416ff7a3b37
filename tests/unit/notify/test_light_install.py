"""A light install (no Apprise) asked to deliver says how to add it and exits 3, like a run
without Ansible; nothing in Patrol but the boundary module imports Apprise."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.errors import Exit, PatrolError
from runner.notify import deliver

RUNNER = Path(__file__).resolve().parents[3] / "runner"


def test_delivery_without_apprise_is_refused_with_the_install_hint():
    with pytest.raises(PatrolError) as caught:
        deliver.require_apprise(find=lambda name: None)
    assert caught.value.exit_code is Exit.ENVIRONMENT
    assert "pip install 'patrol-gitops[notify]'" in str(caught.value)
    deliver.require_apprise(find=lambda name: object())  # installed: no error


def test_only_the_boundary_module_imports_apprise():
    importers = sorted(p.relative_to(RUNNER.parent).as_posix() for p in RUNNER.rglob("*.py")
                       if "import apprise" in p.read_text())
    assert importers == ["runner/notify/deliver.py"]
