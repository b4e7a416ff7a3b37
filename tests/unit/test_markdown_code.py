"""Inline code that nothing inside can end early, checked by a CommonMark parser.

A code span closes at the first backtick run as long as its opening fence: a value holding the
fence's own run used to end the span and turn the rest into live Markdown (links, images,
mentions) in the comment CI posts on pull requests.
"""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from runner.escape import markdown_cell_code, markdown_code

HOSTILE = [
    "``[a](https://evil.example)``",
    "x``![i](https://evil.example/i.png)``@team",
    "`", "``", "```", "a ` b `` c ``` d",
    "`starts", "ends`", " padded ", "  ", "plain",
    "<b>bold</b> *em* [l](u) @ops",
]


def _spans(markdown: str) -> list[str]:
    """The inline tokens of one paragraph, as (type, content) for code and anything live."""
    (inline,) = [t for t in MarkdownIt("commonmark").parse(markdown) if t.type == "inline"]
    return [(child.type, child.content) for child in inline.children or []]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_in_a_code_span_is_one_span_holding_exactly_the_value(value: str) -> None:
    assert _spans(markdown_code(value)) == [("code_inline", value)]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_code_span_in_a_table_cell_stays_one_span(value: str) -> None:
    table = f"| a |\n|---|\n| {markdown_cell_code(value + '|x')} |\n"
    tokens = MarkdownIt("commonmark").enable("table").parse(table)
    cells = [t for t in tokens if t.type == "inline"][1:]
    assert [(c.type, c.content) for c in cells[0].children] == [("code_inline", value + "|x")]
