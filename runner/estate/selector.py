"""The host selector: one small language for checklists, waivers, upgrade plans and ``--limit``.

Whitespace-separated terms are ANDed; a term is ``key=v1,v2`` (any of the values), a bare word
(a name glob), or ``all``; a leading ``!`` negates a term. Keys: ``name`` (glob), ``role``,
``site``, ``environment`` (alias ``env``), ``tag`` (glob). Examples::

    all
    role=web,app environment=production
    site=hz-dc1 !tag=pci
    db-*
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Annotated, Any, Protocol, TypeVar

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

KEYS = ("name", "role", "site", "environment", "tag")
_ALIASES = {"env": "environment", "host": "name"}
_GLOB = re.compile(r"[*?\[]")
_VALUE_CHARS = r"[A-Za-z0-9_.*?\[\]-]+"
_VALUE = re.compile(f"^{_VALUE_CHARS}$")
# The grammar above as one regular expression, for the JSON Schema (editors, check-jsonschema):
# terms separated by whitespace, each an optional '!', an optional known key and '=', then
# comma-separated values ('all' is a bare word). Key and value checks are the parser's, below.
_TERM = (f"!?(?:(?:{'|'.join((*KEYS, *_ALIASES))})=)?{_VALUE_CHARS}(?:,{_VALUE_CHARS})*")
PATTERN = rf"^\s*{_TERM}(?:\s+{_TERM})*\s*$"


class SelectorError(ValueError):
    pass


class _HostLike(Protocol):
    name: str
    role: str
    site: str
    environment: Any
    tags: list[str]


H = TypeVar("H", bound=_HostLike)


@dataclass(frozen=True)
class Term:
    key: str  # one of KEYS, or "all"
    values: tuple[str, ...]
    negated: bool = False

    def __post_init__(self) -> None:
        exact = frozenset(v for v in self.values if not _GLOB.search(v))
        object.__setattr__(self, "_exact", exact)
        object.__setattr__(self, "_globs", tuple(v for v in self.values if v not in exact))

    def _hit(self, value: str) -> bool:
        return value in self._exact or any(fnmatchcase(value, g) for g in self._globs)

    def matches(self, host: _HostLike) -> bool:
        if self.key == "all":
            return not self.negated
        if self.key == "tag":
            hit = any(self._hit(t) for t in host.tags)
        else:
            attr = getattr(host, self.key)
            hit = self._hit(str(getattr(attr, "value", attr)))  # enums by their YAML value
        return hit != self.negated

    def __str__(self) -> str:
        bang = "!" if self.negated else ""
        if self.key == "all":
            return f"{bang}all"
        return f"{bang}{self.key}={','.join(self.values)}"


@dataclass(frozen=True)
class Selector:
    text: str
    terms: tuple[Term, ...]

    def matches(self, host: _HostLike) -> bool:
        return all(term.matches(host) for term in self.terms)

    def select(self, hosts: Iterable[H]) -> list[H]:
        """The matching hosts, sorted by name."""
        return sorted((h for h in hosts if self.matches(h)), key=lambda h: h.name)

    def __and__(self, other: Selector) -> Selector:
        return Selector(f"{self.text} {other.text}", self.terms + other.terms)

    def __str__(self) -> str:
        return self.text


def parse_selector(text: str) -> Selector:
    """Parse a selector; SelectorError says which term is wrong and what was expected."""
    if not isinstance(text, str):
        raise SelectorError(f"a selector is a string such as 'role=web site=hz-dc1', not {text!r}")
    words = text.split()
    if not words:
        raise SelectorError("empty selector; use 'all' to select every host")
    terms = []
    for word in words:
        negated = word.startswith("!")
        body = word[1:] if negated else word
        if body == "all":
            terms.append(Term("all", (), negated))
            continue
        key, eq, values_text = body.partition("=")
        if not eq:
            key, values_text = "name", body
        key = _ALIASES.get(key, key)
        if key not in KEYS:
            raise SelectorError(f"unknown selector key {key!r} in {word!r}; expected one of "
                                f"{', '.join(KEYS)} (or env), a name glob, or 'all'")
        values = tuple(values_text.split(","))
        bad = [v for v in values if not _VALUE.match(v)]
        if bad or not values_text:
            raise SelectorError(f"bad value in selector term {word!r}; expected {key}=v1,v2 "
                                "with letters, digits, '-', '_', '.' or glob characters")
        terms.append(Term(key, values, negated))
    return Selector(" ".join(words), tuple(terms))


def _validate(value: Any) -> Selector:
    if isinstance(value, Selector):
        return value
    return parse_selector(value)


SelectorField = Annotated[
    Selector,
    BeforeValidator(_validate),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "minLength": 1, "pattern": PATTERN,
                    "description": "Host selector: space-separated terms, all must match; "
                                   "key=v1,v2 with key in name, role, site, environment (env), "
                                   "tag; a bare word is a name glob; 'all'; '!' negates.",
                    "examples": ["all", "role=web,app environment=production", "!tag=pci"]}),
]
