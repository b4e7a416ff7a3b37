"""A plan as an outline of lines, shared by the text and Markdown renderers.

Every line is a :class:`Node`; a node's children are a list that a renderer may cap (showing
the first N and "… and M more <noun>"), and a node's ``items`` are names shown on the node's
own line, capped the same way. Capping only ever drops whole lines or whole names, so no line
is ever cut in half.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .fields import show
from .model import ADDED, SECTIONS, Change, Plan


@dataclass
class Node:
    text: str
    children: list[Node] = field(default_factory=list)
    noun: str = "more"  # what the children are, for "… and N more <noun>"
    items: list[str] | None = None  # names listed on this node's own line
    item_noun: str = "more"
    item_count_as: str | None = None  # how the footer counts left-out items (default: noun)


Code = Callable[[str], str]


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Style:
    """How a format marks names and values (``code``), free text and warnings."""

    code: Code = _same
    text: Code = _same  # free text (reasons, summaries, messages): escaped as the format needs
    warn: str = "!"


PLAIN = Style()


def plural_word(word: str) -> str:
    return f"{word[:-1]}ies" if word.endswith("y") else f"{word}s"


def plural(n: int, word: str) -> str:
    return f"{n:,} {word if n == 1 else plural_word(word)}"


def counts_text(plan: Plan, section: str) -> str:
    return ", ".join(f"{n:,} {status}" for status, n in plan.counts(section).items())


def _impact(change: Change) -> str:
    i = change.impact
    parts = []
    if "hosts" in i:
        parts.append(plural(i["hosts"], "host"))
    if "hosts_before" in i:
        parts.append(f"was {i['hosts_before']:,}: +{i['hosts_joining']:,} "
                     f"−{i['hosts_leaving']:,}")
    if "checks" in i:
        parts.append(plural(i["checks"], "check"))
    if "days" in i:
        parts.append(f"{i['days']:+,} days")
    return f" ({'; '.join(parts)})" if parts else ""


def _change(change: Change, style: Style) -> Node:
    code = style.code
    text = f"{change.status} {code(change.key)}{_impact(change)}"
    if change.summary:
        text += f": {style.text(change.summary)}"
    for flag in change.flags:
        text += f" {style.warn} {style.text(flag)}"
    only_fields = not change.children and not change.details
    node = Node(text, noun="fields" if only_fields else "entries")
    for f in change.fields:
        if change.status == ADDED:
            node.children.append(Node(f"{f.field}: {code(show(f.new))}"))
        else:
            node.children.append(Node(f"{f.field}: {code(show(f.old))} → {code(show(f.new))}"))
    node.children.extend(_change(child, style) for child in change.children)
    for detail in change.details:
        noun = plural_word(detail.noun)
        node.children.append(Node(f"{detail.label} ({plural(len(detail.items), detail.noun)}):",
                                  items=[code(i) for i in detail.items], item_noun=noun,
                                  item_count_as="hosts in waves" if noun == "hosts" else noun))
    return node


def section_nodes(plan: Plan, key: str, style: Style) -> list[Node]:
    changes = plan.sections.get(key, [])
    if key != "hosts":
        return [_change(c, style) for c in changes]
    groups: dict[str, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.group or "(no site)", []).append(change)
    return [Node(f"site {style.code(site)} ({plural(len(group), 'host')})",
                 [_change(c, style) for c in group], noun="hosts")
            for site, group in sorted(groups.items())]


NOUNS = {"hosts": "sites", "checklists": "checklists", "waivers": "waivers",
         "upgrades": "upgrade plans", "commitments": "commitments", "stock": "stock entries",
         "coverage": "models", "shortfalls": "commitments", "lifecycle": "hosts",
         "sites": "sites", "models": "models", "parts": "parts",
         "depots": "depots", "service": "changes"}


def sections(plan: Plan, style: Style) -> list[tuple[str, str, list[Node]]]:
    """(noun, heading, nodes) for every section that has changes, in reading order."""
    return [(NOUNS[key], f"{title}: {counts_text(plan, key)}",
             section_nodes(plan, key, style))
            for key, title in SECTIONS if plan.sections.get(key)]


def emit(nodes: list[Node], cap: int | None, *, bullet: str, indent: str, depth: int = 0,
         noun: str = "more", omitted: dict[str, int] | None = None) -> list[str]:
    """Lines of ``nodes``; with ``cap``, at most that many entries of every list."""
    omitted = {} if omitted is None else omitted
    lines = []
    shown = nodes if cap is None else nodes[:cap]
    for node in shown:
        text = node.text
        if node.items is not None:
            items = node.items if cap is None else node.items[:cap]
            text += " " + ", ".join(items) if items else ""
            rest = len(node.items) - len(items)
            if rest:
                text += f"{',' if items else ''} … and {rest:,} more {node.item_noun}"
                what = node.item_count_as or node.item_noun
                omitted[what] = omitted.get(what, 0) + rest
        lines.append(f"{indent * depth}{bullet}{text}")
        lines.extend(emit(node.children, cap, bullet=bullet, indent=indent, depth=depth + 1,
                          noun=node.noun, omitted=omitted))
    rest = len(nodes) - len(shown)
    if rest:
        lines.append(f"{indent * depth}{bullet}… and {rest:,} more {noun}")
        omitted[noun] = omitted.get(noun, 0) + rest
    return lines
