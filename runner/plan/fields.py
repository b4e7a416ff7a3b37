"""Field-level differences between two versions of one estate object, old → new.

Objects are compared as their JSON form (``model_dump(mode="json")``), so dates, addresses and
enums read as they are written in YAML and secrets stay masked (a vault value dumps as
``<vault>``). Nested mappings are flattened to dotted fields (``software.nginx``); lists are
compared whole (``tags: [pci] → [pci, gdpr]``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .model import FieldChange

if TYPE_CHECKING:
    from ..estate.secrets import EnvSecret, VaultSecret

SECRET_CHANGED = "(secret changed)"
_ABSENT = object()


def dump(obj: BaseModel | None) -> dict[str, Any]:
    return {} if obj is None else obj.model_dump(mode="json")


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}, "c": [1]}`` → ``{"a.b": 1, "c": [1]}``; an empty mapping stays one."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value} if prefix else {}


def diff_fields(old: BaseModel | None, new: BaseModel | None, *,
                skip: tuple[str, ...] = ()) -> list[FieldChange]:
    """Every field that differs, sorted by field name; ``skip`` drops fields by prefix."""
    a, b = flatten(dump(old)), flatten(dump(new))
    out = []
    for name in sorted(a.keys() | b.keys()):
        if any(name == s or name.startswith(f"{s}.") for s in skip):
            continue
        if (old is None or new is None) and "." not in name and (a | b).get(name) is None:
            continue  # an optional field left unset on an added or removed object
        if a.get(name, _ABSENT) != b.get(name, _ABSENT):  # absent differs from null
            out.append(FieldChange(name, a.get(name), b.get(name)))
    if not out and _secret(old) != _secret(new):
        # the JSON form masks vault ciphertext (``<vault>``): say it changed, never what to
        out.append(FieldChange("connection.become_password", SECRET_CHANGED, SECRET_CHANGED))
    return out


def _secret(obj: BaseModel | None) -> VaultSecret | EnvSecret | None:
    """The one secret an estate object may hold: a host's become password."""
    return getattr(getattr(obj, "connection", None), "become_password", None)


def show(value: Any) -> str:
    """A value as a reviewer reads it: ``(none)``, ``[a, b]``, ``{k: v}``, or the scalar."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)
