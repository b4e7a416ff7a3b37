"""`patrol NAME ...` builds only the command or group NAME (``runner.cli.app_for``), and that
one parses, helps and fails exactly as it does inside the whole app."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from runner.cli import app, app_for

NAMES = sorted({g.name for g in app.registered_groups if g.name}
               | {c.name or c.callback.__name__.replace("_", "-")  # type: ignore[union-attr]
                  for c in app.registered_commands})


def _run(target, args: list[str]):
    return CliRunner().invoke(target, args, prog_name="patrol")


def test_every_command_and_group_is_found_by_its_name() -> None:
    assert len(NAMES) > 15
    for name in NAMES:
        one = app_for([name, "--help"])
        assert one is not app, name
        built = [g.name for g in one.registered_groups] + [
            c.name or c.callback.__name__.replace("_", "-")  # type: ignore[union-attr]
            for c in one.registered_commands]
        assert built == [name]


@pytest.mark.parametrize("name", NAMES)
def test_a_command_alone_helps_as_in_the_whole_app(name: str) -> None:
    alone, whole = _run(app_for([name, "--help"]), [name, "--help"]), _run(app, [name, "--help"])
    assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)
    assert alone.exit_code == 0 and f"patrol {name}" in alone.output


def test_a_bad_option_fails_as_in_the_whole_app() -> None:
    args = ["report", "workplan", "2026-12", "--format", "pdf"]
    alone, whole = _run(app_for(args), args), _run(app, args)
    assert alone.exit_code == whole.exit_code != 0
    assert alone.output == whole.output


@pytest.mark.parametrize("args", [[], ["--help"], ["--version"], ["reprot", "workplan"]])
def test_anything_but_a_name_gets_the_whole_app(args: list[str]) -> None:
    assert app_for(args) is app


def test_shell_completion_gets_the_whole_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_PATROL_COMPLETE", "complete_bash")
    assert app_for(["report"]) is app
