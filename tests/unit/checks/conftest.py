"""Fixtures for check-kind tests: a stand-in host and the measuring module as a module."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[3]
MODULE_PATH = REPO / "playbooks" / "library" / "patrol_measure.py"


@dataclass
class StubHost:
    """What checks read of the estate's Host: a name and declared software."""

    name: str = "app-01"
    software: dict[str, str] = field(default_factory=dict)


def load_measure_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("patrol_measure", MODULE_PATH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("patrol_measure", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pm() -> ModuleType:
    return load_measure_module()


@pytest.fixture
def host() -> StubHost:
    return StubHost()
