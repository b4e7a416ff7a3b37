"""Free text renders as itself: control characters visible on the terminal, Markdown that
cannot start a heading, raw HTML, a link or a mention. Expected strings are written by hand."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from runner import cli
from runner.commands import validate
from runner.commands.findings import render
from runner.errors import Exit, PatrolError, Problem
from runner.escape import markdown, markdown_code, terminal, terminal_lines, visible
from runner.findings import Finding, State
from runner.progress import Progress
from runner.results import HostResult, Result, Status

EVIL = "disk full\n# Owned <img src=x onerror=alert(1)> [click](https://evil) @ops-team \x1b[2J|"


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
    ("bell\x07 nul\x00 del\x7f", "bell\\x07 nul\\x00 del\\x7f"),
    ("c1 \x9b csi", "c1 \\x9b csi"),
    ("bidi \u202e\u2066", "bidi \\u202e\\u2066"),
    ("a\nb\tc\rd", "a\\nb\\tc\\rd"),
    ("plain é 中文 🙂 \\ ok", "plain é 中文 🙂 \\ ok"),
])
def test_terminal_shows_control_characters_as_escapes(raw: str, shown: str) -> None:
    assert terminal(raw) == shown


def test_kept_characters_stay() -> None:
    assert terminal_lines("one\x1b\ntwo") == "one\\x1b\ntwo"
    assert visible("a\tb\x00", keep="\t") == "a\tb\\x00"


def test_markdown_is_one_line_with_nothing_live() -> None:
    assert markdown(EVIL) == (
        "disk full \\# Owned \\<img src=x onerror=alert(1)\\> \\[click\\](https://evil) "
        "@\u2060ops-team \\\\x1b\\[2J\\|")  # renders as the visible escape \x1b
    assert markdown("a & b; email x@y.org") == "a \\& b; email x@y.org"


def test_markdown_code_is_one_span() -> None:
    assert markdown_code("a\nb") == "`a b`"
    assert markdown_code("has `tick`") == "`` has `tick` ``"


def finding(reason: str) -> Finding:
    t0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    return Finding("web-01/disk-space", "check", "web-01", "daily", "disk-space", "high",
                   State.OPEN, t0, t0 + timedelta(hours=24), "run-1", 91, reason)


def test_findings_markdown_row_stays_one_table_row() -> None:
    out = render([finding(EVIL)], "markdown").splitlines()
    assert out[2] == ("| `web-01/disk-space` | open | high | 2026-11-21T06:00:00Z | "
                      + markdown(EVIL) + " |")
    assert out[3] == ""


def test_findings_text_shows_escapes() -> None:
    out = render([finding(EVIL)], "text")
    assert "\x1b" not in out and "disk full\\n# Owned" in out and "\\x1b[2J" in out
    assert len(out.splitlines()) == 2  # the finding and the totals


def test_progress_lines_show_escapes() -> None:
    stream = io.StringIO()
    progress = Progress(stream=stream, plain=True)
    progress.host(HostResult("web-01", True, {"disk": Result(Status.FAIL, 1, "bad\x1b]0;t\x07")}))
    progress.host(HostResult("db-01", False, {}, "refused\x1b[2J"))
    text = stream.getvalue()
    assert "\x1b" not in text and "\x07" not in text
    assert "    FAIL   disk: bad\\x1b]0;t\\x07\n" in text
    assert "UNREACHABLE  refused\\x1b[2J\n" in text


def test_error_messages_show_escapes(monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    def fail(**_: object) -> None:
        raise PatrolError("Ansible reached no host:\nfatal \x1b[31mred\x1b[0m",
                          exit_code=Exit.FAILED)

    monkeypatch.setattr(cli, "app", fail)
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        "patrol: Ansible reached no host:\nfatal \\x1b[31mred\\x1b[0m\n")


def test_validate_output_shows_escapes() -> None:
    problem = Problem("inventory/hosts/a.yaml", 3, 5, "unknown key '\x1b[2Jevil\x07'")
    text = validate.render([problem], "text", files=1).splitlines()[0]
    assert text == "inventory/hosts/a.yaml:3:5: error: unknown key '\\x1b[2Jevil\\x07'"
    github = validate.render([problem], "github", files=1)
    assert github == ("::error file=inventory/hosts/a.yaml,line=3,col=5::"
                      "unknown key '\\x1b[2Jevil\\x07'")
