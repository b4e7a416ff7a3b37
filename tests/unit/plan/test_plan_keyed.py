"""The one added / removed / changed loop every plan section uses, on plain data."""

from __future__ import annotations

from runner.plan.keyed import keyed_changes
from runner.plan.model import ADDED, CHANGED, REMOVED, Change

asked: list[str] = []


def changed(key: str, old: list[int], new: list[int]) -> Change | None:
    asked.append(key)
    return Change(key, CHANGED) if sum(old) != sum(new) else None


def run(old: dict[str, list[int]], new: dict[str, list[int]], **kw: bool) -> list[tuple]:
    asked.clear()
    out = keyed_changes(old, new, added=lambda k, v: Change(k, ADDED),
                        removed=lambda k, v: Change(k, REMOVED), changed=changed, **kw)
    return [(c.key, c.status) for c in out]


def test_changes_come_in_key_order_with_their_status():
    assert run({"b": [1], "c": [1]}, {"a": [1], "c": [2]}) == [
        ("a", ADDED), ("b", REMOVED), ("c", CHANGED)]


def test_same_and_equal_objects_are_not_asked_about_unless_same_too():
    shared = [1]
    assert run({"x": shared, "y": [2]}, {"x": shared, "y": [2]}) == []
    assert asked == []
    assert run({"x": shared, "y": [2]}, {"x": shared, "y": [2]}, same_too=True) == []
    assert asked == ["x", "y"]


def test_a_difference_the_section_does_not_show_is_no_change():
    assert run({"x": [1, 2]}, {"x": [2, 1]}) == []
    assert asked == ["x"]
