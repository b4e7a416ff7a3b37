"""JSON Schema for each estate file kind, generated from the models.

Editors use these through each file's ``# yaml-language-server: $schema=...`` line. A check's
``params`` are described per kind (``if kind == X then params fits X's Params``) from the
check-kind registry, so the schemas are regenerated when a kind is added:
``patrol schema --out schemas``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from .models import FILE_KINDS, FileKind

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _prefix_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                out[key] = "#/$defs/" + prefix + value.removeprefix("#/$defs/")
            else:
                out[key] = _prefix_refs(value, prefix)
        return out
    if isinstance(node, list):
        return [_prefix_refs(v, prefix) for v in node]
    return node


def _before_validated(model: Any) -> set[str]:
    """Fields a ``mode="before"`` validator may coerce (e.g. one value into a list)."""
    fields: set[str] = set()
    for dec in model.__pydantic_decorators__.field_validators.values():
        if dec.info.mode == "before":
            fields.update(dec.info.fields)
    return fields


def _one_or_many(prop: dict[str, Any]) -> dict[str, Any]:
    """Let a list-typed property also take one item, as its before-validator does."""
    options = prop.get("anyOf", [prop])
    items = [o["items"] for o in options if o.get("type") == "array" and "items" in o]
    if not items:
        return prop
    extra = [i for i in items if i not in options]
    if "anyOf" in prop:
        return {**prop, "anyOf": [*options, *extra]}
    keep = {k: v for k, v in prop.items() if k in ("title", "description", "default")}
    body = {k: v for k, v in prop.items() if k not in keep}
    return {**keep, "anyOf": [body, *extra]}


def _params_rules(defs: dict[str, Any]) -> list[dict[str, Any]]:
    """One if/then rule per registered check kind; moves each kind's own $defs into ``defs``."""
    from .. import checks

    rules = []
    for name in checks.kind_names():
        model = checks.get(name).Params
        params = model.model_json_schema(mode="validation")
        for field in _before_validated(model) & set(params.get("properties", {})):
            params["properties"][field] = _one_or_many(params["properties"][field])
        prefix = f"{name}__"
        params = _prefix_refs(params, prefix)
        for def_name, definition in params.pop("$defs", {}).items():
            defs[prefix + def_name] = definition
        params.pop("title", None)
        rules.append({
            "if": {"properties": {"kind": {"const": name}}, "required": ["kind"]},
            "then": {"properties": {"params": params}},
        })
    return rules


def schema_for(kind: FileKind) -> dict[str, Any]:
    schema = copy.deepcopy(kind.model.model_json_schema(mode="validation"))
    defs = schema.setdefault("$defs", {})
    for check_def in ("Check", "PlanCheck"):
        if check_def in defs:
            from .. import checks

            names = checks.kind_names()
            rules = _params_rules(defs)
            definition = defs[check_def]
            if names:
                definition["properties"]["kind"] = {
                    "enum": names, "title": "Kind",
                    "description": "A check kind from runner/checks."}
            if rules:
                definition["allOf"] = rules
    if not defs:
        schema.pop("$defs")
    return {
        "$schema": DIALECT,
        "$id": f"https://patrol.invalid/schemas/{kind.schema_file}",
        "title": f"Patrol {kind.name} file ({kind.pattern})",
        "description": kind.description,
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def export_schemas() -> dict[str, str]:
    """Schema file name -> its JSON text (stable: sorted keys, trailing newline)."""
    return {
        kind.schema_file: json.dumps(schema_for(kind), indent=2, sort_keys=True,
                                     ensure_ascii=False) + "\n"
        for kind in FILE_KINDS
    }
