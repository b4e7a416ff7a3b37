"""Free text (reasons, messages, estate strings) made safe for each place it is shown.

Free text comes from the estate, from hosts and from Ansible: whoever wrote it may have put
escape sequences, control characters, HTML or @-mentions in it. Every output escapes it here,
in one place, so it renders as itself:

- :func:`visible` shows control characters (C0, DEL, C1, bidi overrides, noncharacters) as
  ``\\x1b``-style escapes: the terminal, and XML, which cannot carry most of them at all;
- :func:`markdown` and :func:`markdown_code` fold newlines and escape Markdown, HTML, links
  and mentions (``patrol plan`` and ``patrol findings --format markdown`` share them).
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, lone surrogates, U+FFFE/FFFF (not XML 1.0 characters) and the
# bidirectional controls that reorder what a terminal shows ("Trojan Source").
_CONTROL = re.compile(
    "[\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\ufffe\\uffff"
    "\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def visible(text: object, keep: str = "") -> str:
    """``text`` with every control character shown as an escape, except those in ``keep``."""
    value = str(text)
    if keep:
        return _CONTROL.sub(lambda m: m.group() if m.group() in keep else _escape(m), value)
    return _CONTROL.sub(_escape, value)


def terminal(text: object) -> str:
    """One line for a terminal or log: nothing in it can move the cursor or recolour."""
    return visible(text)


def terminal_lines(text: object) -> str:
    """A message that may span lines (Ansible's output in an error): newlines kept."""
    return visible(text, keep="\n")


def xml_text(text: object) -> str:
    """Text an XML 1.0 document can carry (tabs and newlines kept, the rest visible)."""
    return visible(text, keep="\t\n")


def markdown(value: object) -> str:
    """Free text that renders as itself: one line, Markdown punctuation and HTML escaped,
    no links and no @-mentions."""
    text = " ".join(visible(value, keep="\n").split("\n"))
    text = re.sub(r"([\\`*_{}\[\]<>#|~&])", r"\\\1", text)
    return re.sub(r"(?<![\w.])@", "@\u2060", text)  # a word joiner: @team pings nobody


def markdown_code(value: object) -> str:
    """A name as inline code, on one line, that nothing inside can end early.

    CommonMark's rule for code spans: a span closes at the first backtick run exactly as long
    as the one that opened it, so the fence is one backtick longer than the longest run inside.
    A space pads text that begins or ends with a backtick or a space (one space each side is
    stripped again when both sides have one, so the text shows as itself); text of spaces only
    is never stripped, so it needs none."""
    text = " ".join(visible(value, keep="\n").split("\n"))
    if not text:
        return "` `"  # an empty span is not a span; one space shows as nothing
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.strip(" ") and (text[0] in "` " or text[-1] in "` ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_cell_code(value: object) -> str:
    """``markdown_code`` for a table cell, which ends at any ``|``, even inside code."""
    return markdown_code(value).replace("|", "\\|")
