"""Text of many lines (the commit ``patrol demo`` shows with ``git show --stat``) is printed as
it reads: one line per line, each line's control characters shown as escapes, never raw."""

from __future__ import annotations

import io

import pytest

from runner.escape import terminal_lines
from runner.progress import Progress

# a commit as git shows it, with what an estate (attacker-controlled) could plant in it
LINES = [
    "commit 0123456789abcdef0123456789abcdef01234567",
    "Author: Patrol <patrol@example.com>",
    "",
    "    inspect(daily): 7/8 hosts pass \x1b]0;owned\x07",
    "    \x1b[2Jcleared\rover\u202eevil",
    "",
    " reports/status/web-01.yaml | 2 +-",
]
# the same lines as a reader must see them (written out by hand)
SHOWN = [
    LINES[0], LINES[1], "",
    "    inspect(daily): 7/8 hosts pass \\x1b]0;owned\\x07",
    "    \\x1b[2Jcleared\\rover\\u202eevil",
    "", LINES[6],
]


def test_terminal_lines_escapes_each_line_and_keeps_the_newlines() -> None:
    assert terminal_lines("\n".join(LINES)).split("\n") == SHOWN


@pytest.mark.parametrize("plain", [True, False], ids=["plain", "rich"])
def test_progress_prints_many_lines_as_lines(plain: bool) -> None:
    stream = io.StringIO()
    Progress(stream=stream, plain=plain).lines("\n".join(LINES))
    out = stream.getvalue()
    assert out.splitlines() == SHOWN
    assert "\\n" not in out  # the newlines are real ones
    assert not any(ch in out for ch in "\x1b\x07\r\u202e")


def test_one_line_text_still_shows_a_newline_as_an_escape() -> None:
    stream = io.StringIO()
    Progress(stream=stream, plain=True).text("first\nsecond\x1b[2J")
    assert stream.getvalue() == "first\\nsecond\\x1b[2J\n"


def test_rich_output_shows_emoji_codes_and_markup_as_written() -> None:
    stream = io.StringIO()
    Progress(stream=stream, plain=False).lines("reason :fire: [bold]x[/bold]\nnext")
    assert stream.getvalue().splitlines() == ["reason :fire: [bold]x[/bold]", "next"]
