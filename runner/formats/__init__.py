"""Machine-readable reports of estate problems, for the tools that read them.

One module per consumer: ``problems_json`` (Patrol's own JSON, versioned), ``gitlab`` (a GitLab
Code Quality report) and ``sarif`` (SARIF 2.1.0, GitHub code scanning). Each is a pure function
from problems to text; estate text only ever reaches the output through ``json.dumps``.

Every problem carries a rule id (``Problem.code``): the table below names them, and the README
documents it. Rules between files are ``cross-file/<kind>`` (``cross-file/hosts``, ...).

A problem's fingerprint (GitLab's ``fingerprint``, SARIF's ``partialFingerprints``) hashes its
file, its rule and its subject, the thing it is about named by its own identity
(``hosts(web-02).address``, ``checks(memory).params.bogus``): never a list index, a line or the
message (which names indices and lists of known values), so an unrelated edit (a host or a check
inserted before it) leaves every other problem's fingerprint as it was.
"""

from __future__ import annotations

import hashlib
import re

from ..errors import Problem

RULES: dict[str, str] = {
    "yaml": "The file is not YAML Patrol reads (syntax, duplicate key, tag, encoding, size).",
    "not-a-mapping": "The document is not a mapping with the keys of its file kind.",
    "unknown-key": "A key the file kind does not have.",
    "missing-key": "A required key is missing.",
    "invalid-value": "A value of the wrong type or form (date, address, duration, zone, ...).",
    "unknown-file": "A file where no estate file kind lives.",
    "missing-file": "A file the estate needs is missing.",
    "unreadable-file": "An estate path that is a symbolic link, not a regular file, or unreadable.",
    "duplicate": "Two objects share what must be unique (name, address, id).",
    "unknown-check-kind": "A check names a check kind that does not exist.",
    "check-params": "A check's params do not fit its kind.",
    "waiver-expired": "A waiver has expired: renew or remove it.",
    "waiver-expiring": "A waiver expires within 14 days.",
}
CROSS_FILE = "cross-file/"


def rule_id(problem: Problem) -> str:
    """The problem's rule id; ``estate`` for one made before rule ids existed (old caches)."""
    return problem.code or "estate"


def describe(rule: str) -> str:
    if rule.startswith(CROSS_FILE):
        return (f"A reference between files of the {rule.removeprefix(CROSS_FILE)} rules does "
                "not hold (undefined site, model, host, check; a selector matching no host).")
    return RULES.get(rule, "An estate problem.")


# What a message says about places, left out of a fingerprint made from it: list indices
# (``hosts[3]``), positions (``file:12:5``, ``line 12, column 5``).
_PLACES = re.compile(r"\[\d+\]|:\d+:\d+\b|\b(?:line|column) \d+")


def subject(problem: Problem) -> str:
    """What ``problem`` is about; for one without a subject (a file-level or a YAML problem),
    its message without the places in it."""
    return problem.subject or _PLACES.sub("", problem.message)


def fingerprints(problems: list[Problem]) -> list[str]:
    """One fingerprint per problem, in order: sha256 of file, rule and subject; problems that
    would share one (two alike in one unnamed list item) are numbered in their order."""
    seen: dict[str, int] = {}
    out = []
    for p in problems:
        base = hashlib.sha256("\0".join((p.file, rule_id(p), subject(p))).encode()).hexdigest()
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1
                   else hashlib.sha256(f"{base}\0{seen[base]}".encode()).hexdigest())
    return out
