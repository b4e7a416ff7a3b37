"""What a problem is about, named by the thing itself: never by its place in a list or a file.

``hosts(web-02).address`` is the address of host web-02 wherever that host sits in its file, so
a problem's fingerprint (``runner.formats.fingerprints``) stays the same when an unrelated host
is inserted before it: list items are named by their own identity (``id``, else ``name``, else
the keys that identify entries without either, e.g. a stock line's part and depot; a scalar item
by its value), never by their index.
"""

from __future__ import annotations

from typing import Any

from .yamlsource import child

# Keys that identify a list entry with neither an id nor a name (stock lines, commitments,
# part uses, waivers without an id), in the order their values make the entry's label.
IDENTITY_KEYS = ("host", "hosts", "check", "part", "depot", "model")


def label(item: Any) -> str:
    """The item's own name among its siblings; "" when it has none."""
    if isinstance(item, dict):
        for key in ("id", "name"):
            if isinstance(item.get(key), str | int) and not isinstance(item.get(key), bool):
                return str(item[key])
        return "/".join(str(item[k]) for k in IDENTITY_KEYS
                        if isinstance(item.get(k), str | int) and not isinstance(item.get(k), bool))
    if isinstance(item, list):
        return ""
    return "" if item is None else str(item)


def subject_text(data: Any, path: tuple[str | int, ...]) -> str:
    """``hosts(web-02).hardware.model``: ``path`` through ``data`` with each list index replaced
    by the item's label (``(*)`` when the item has none); the parts of ``path`` beyond the data
    (a missing key) are kept as they are."""
    out = ""
    for part in path:
        found, item = child(data, part)
        if isinstance(part, int):
            out += f"({label(item) or '*'})" if found else "(*)"
        else:
            out += f".{part}" if out else str(part)
        data = item if found else None
    return out
