"""sshd hardening: effective settings from ``sshd -T`` (run as root on the host) are among
the allowed values. Each param is a value or a list of allowed values (case-insensitive);
leave one out to not check it. ``settings`` checks any other sshd keyword the same way.

``Match`` blocks count: besides the settings outside any Match block, the settings sshd
would apply to each connection (``sshd -T -C user=,host=,addr=,laddr=,lport=``) are
checked, for root connecting to every address sshd listens on, from that address's own
network and from elsewhere (a documentation address); for every Match block that sets a
checked keyword, one connection its criteria select (a user its User pattern matches, a
member of its Group, an address in its Address network, its LocalAddress and LocalPort,
a host name its Host pattern matches), so a block for another network or another user is
judged without naming it; plus each connection named in ``connections`` (``user`` defaults
to root). A block no connection can satisfy now (a Group nobody is in) is judged by the
values it sets. A Match block that opens a hole fails the
check, and the reason names it: "permitrootlogin yes for root from 10.123.0.31 to
10.123.0.31:22 (Match Address 10.123.0.0/24 at /etc/ssh/sshd_config:130)" (the first block
that applies to the connection and sets the keyword, as in sshd; User, Host, Address,
LocalAddress and LocalPort criteria are evaluated, a Group criterion leaves the block named
as possible). The value holds the settings outside Match blocks and, under ``match``, any
connection where they differ.

Keywords and values are compared as sshd reads them: ``ChallengeResponseAuthentication``
is ``KbdInteractiveAuthentication``, ``PubkeyAcceptedKeyTypes`` is
``PubkeyAcceptedAlgorithms``, ``without-password`` is ``prohibit-password`` (``sshd -T``
prints the former for either), ``Compression delayed`` is ``yes``; the value shows what
``sshd -T`` printed.

Whether the running daemon has read the files is the ``sshd_reload`` check's question.

```yaml
- id: sshd-hardening
  kind: sshd_config
  severity: critical
  params:
    permit_root_login: [prohibit-password, without-password, "no"]
    password_authentication: "no"
    settings:
      x11forwarding: "no"
    connections:                       # optional: more connections that matter
      - {addr: 192.0.2.10}             # root from a jump host
      - {user: deploy, addr: 10.123.0.5, laddr: 10.123.0.31, lport: 22}
```
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from ipaddress import ip_address, ip_network
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from ..estate.scalars import Int, IPAddress
from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import measured_error, plural

NAME = "sshd_config"

# Keywords sshd accepts under an older name (servconf.c's keyword table): alias -> the name
# ``sshd -T`` prints.
KEYWORD_ALIASES = {
    "challengeresponseauthentication": "kbdinteractiveauthentication",
    "skeyauthentication": "kbdinteractiveauthentication",
    "dsaauthentication": "pubkeyauthentication",
    "pubkeyacceptedkeytypes": "pubkeyacceptedalgorithms",
    "hostbasedacceptedkeytypes": "hostbasedacceptedalgorithms",
}
# Values sshd reads as one (its multistate tables): keyword -> synonym -> the one we compare.
VALUE_SYNONYMS = {
    "permitrootlogin": {"without-password": "prohibit-password"},
    "compression": {"delayed": "yes"},
}


def keyword(key: str) -> str:
    """A keyword as ``sshd -T`` prints it: lowercase, aliases resolved."""
    key = key.lower()
    return KEYWORD_ALIASES.get(key, key)


def canonical(key: str, value: str) -> str:
    """A value as compared: lowercase, one spelling per setting sshd distinguishes."""
    value = value.strip().lower()
    return VALUE_SYNONYMS.get(key, {}).get(value, value)


def _allowed(value: object) -> list[str] | None:
    """One value or a list; YAML 1.1 booleans (unquoted no/yes) become "no"/"yes"."""
    if value is None:
        return None
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if isinstance(v, bool):
            v = "yes" if v else "no"
        if not isinstance(v, str | int) or not str(v).strip():
            raise ValueError(f"allowed values must be strings, got {v!r}")
        out.append(str(v).strip().lower())
    if not out:
        raise ValueError("give at least one allowed value")
    return out


class Connection(ParamsModel):
    """A connection to evaluate Match blocks for; goes to ``sshd -T -C`` as argv, never a
    shell, and the patterns keep a comma or ``=`` from adding keys to the spec."""

    user: Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_.-]*$", max_length=32)] = "root"
    addr: IPAddress
    host: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.-]*$", max_length=253)] | None = (
        None
    )
    laddr: IPAddress | None = None
    lport: Annotated[Int, Field(ge=1, le=65535)] | None = None

    def spec(self) -> dict[str, Any]:
        """The probe's form: plain JSON, unset fields left out."""
        out: dict[str, Any] = {"user": self.user, "addr": str(self.addr)}
        if self.host is not None:
            out["host"] = self.host
        if self.laddr is not None:
            out["laddr"] = str(self.laddr)
        if self.lport is not None:
            out["lport"] = self.lport
        return out


# What ``_allowed`` takes, as JSON Schema: one value or a non-empty list of them, each a
# non-blank string, an integer (``maxauthtries: 3``) or a boolean (``true`` is "yes").
_VALUE = {"type": ["string", "integer", "boolean"], "pattern": r"\S"}
_ALLOWED = {"anyOf": [_VALUE, {"type": "array", "items": _VALUE, "minItems": 1}]}
_KEYWORD = r"^[A-Za-z][A-Za-z0-9]*$"


class Params(ParamsModel):
    permit_root_login: list[str] | None = Field(
        default_factory=lambda: ["prohibit-password", "without-password", "no"],
        json_schema_extra={"anyOf": [*_ALLOWED["anyOf"], {"type": "null"}]},
    )
    password_authentication: list[str] | None = Field(
        default_factory=lambda: ["no"],
        json_schema_extra={"anyOf": [*_ALLOWED["anyOf"], {"type": "null"}]},
    )
    settings: dict[str, list[str]] = Field(
        default_factory=dict,
        json_schema_extra={"propertyNames": {"pattern": _KEYWORD},
                           "additionalProperties": _ALLOWED},
    )
    connections: list[Connection] = Field(
        default_factory=list,
        description="Connections to check besides root on every listening address.",
    )

    _one_or_many = field_validator("permit_root_login", "password_authentication", mode="before")(
        _allowed
    )

    @field_validator("settings", mode="before")
    @classmethod
    def _settings(cls, settings: object) -> object:
        if not isinstance(settings, dict):
            return settings
        out = {}
        for key, value in settings.items():
            if not isinstance(key, str) or not re.match(_KEYWORD, key):
                raise ValueError(f"{key!r} is not an sshd keyword")
            if keyword(key) in out:
                raise ValueError(f"{key!r} is {keyword(key)!r}, which is listed already")
            out[keyword(key)] = _allowed(value)
        return out

    @model_validator(mode="after")
    def _something_to_check(self) -> Params:
        if not self.expected():
            raise ValueError("nothing to check")
        return self

    def expected(self) -> dict[str, list[str]]:
        """sshd -T keyword -> allowed values, synonyms resolved (see ``canonical``)."""
        keys = dict(self.settings)
        if self.permit_root_login is not None:
            keys["permitrootlogin"] = self.permit_root_login
        if self.password_authentication is not None:
            keys["passwordauthentication"] = self.password_authentication
        return {key: list(dict.fromkeys(canonical(key, v) for v in allowed))
                for key, allowed in sorted(keys.items())}


def measure(params: Params, host: HostLike) -> Measurement:
    args: dict[str, Any] = {"keys": list(params.expected())}
    if params.connections:
        args["connections"] = [c.spec() for c in params.connections]
    return Measurement("sshd_config", args)


def who(conn: dict[str, Any]) -> str:
    """A connection as a reason names it: "root from 203.0.113.1 to 10.123.0.31:22"."""
    text = f"{conn.get('user', '?')} from {conn.get('addr', '?')}"
    if conn.get("laddr"):
        laddr = str(conn["laddr"])
        laddr = f"[{laddr}]" if ":" in laddr else laddr
        text += f" to {laddr}" + (f":{conn['lport']}" if conn.get("lport") else "")
    return text


def _pattern_list(value: str, patterns: str, *, address: bool = False) -> bool:
    """sshd's pattern lists: comma-separated, ``*``/``?`` wildcards, CIDR for addresses,
    and a matching ``!pattern`` vetoes the whole list."""
    matched = False
    for pattern in patterns.split(","):
        negated = pattern.startswith("!")
        pattern = pattern.removeprefix("!")
        if address and "/" in pattern:
            try:
                hit = ip_address(value) in ip_network(pattern, strict=False)
            except ValueError:
                hit = False
        else:
            hit = fnmatchcase(value, pattern)
        if hit and negated:
            return False
        matched = matched or hit
    return matched


# Match criterion -> (connection field, compared as an address)
_CRITERIA = {
    "user": ("user", False),
    "host": ("host", False),
    "address": ("addr", True),
    "localaddress": ("laddr", True),
    "localport": ("lport", False),
}


def applies(criteria: str, conn: dict[str, Any]) -> bool | None:
    """Whether a ``Match`` line applies to a connection; None when it depends on what the
    connection spec cannot say (Group, RDomain, an unset laddr)."""
    words = criteria.split()
    if [w.lower() for w in words] == ["all"]:
        return True
    if len(words) % 2:
        return None
    for keyword, patterns in zip(words[::2], words[1::2], strict=True):
        field, address = _CRITERIA.get(keyword.lower(), (None, False))
        value = conn.get(field) if field else None
        if value is None:
            return None
        if not _pattern_list(str(value), patterns, address=address):
            return False
    return True


def match_blocks(matches: list[dict[str, Any]], key: str, conn: dict[str, Any]) -> str:
    """The Match block that set ``key`` for this connection: in sshd the first block that
    applies and sets a keyword wins, so that one (with any before it we cannot rule out)."""
    named = []
    for m in matches:
        if key not in (m.get("settings") or {}):
            continue
        verdict = applies(str(m.get("criteria", "")), conn)
        if verdict is False:
            continue
        named.append(m)
        if verdict:
            break
    if not named:
        return "set by a Match block"
    return "; ".join(f"Match {m['criteria']} at {m['file']}:{m['line']}" for m in named)


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    expected = params.expected()
    base = measured["settings"]
    value: dict[str, Any] = {key: base.get(key) for key in expected}
    problems = []
    for key, allowed in expected.items():
        have = value[key]
        if have is None:
            problems.append(f"{key} not reported by sshd -T")
        elif canonical(key, have) not in allowed:
            problems.append(f"{key} {have}, allowed {' / '.join(allowed)}")
    differ: dict[str, dict[str, Any]] = {}
    holes: dict[tuple[str, str, str], list[str]] = {}
    for conn in measured.get("connections") or []:
        for key, allowed in expected.items():
            have = (conn.get("settings") or {}).get(key)
            if have is None or have == value[key]:
                continue  # as outside any Match: judged above
            differ.setdefault(who(conn), {})[key] = have
            if canonical(key, have) not in allowed:
                where = match_blocks(measured.get("matches") or [], key, conn)
                holes.setdefault((key, have, where), []).append(who(conn))
    for (key, have, where), conns in sorted(holes.items()):
        problems.append(
            f"{key} {have} for {', '.join(conns)} ({where}), allowed {' / '.join(expected[key])}"
        )
    for m in measured.get("matches") or []:
        if not m.get("underivable"):
            continue
        for key, have in sorted((m.get("settings") or {}).items()):
            if key in expected and canonical(key, str(have)) not in expected[key]:
                problems.append(
                    f"{key} {have} in Match {m['criteria']} at {m['file']}:{m['line']} (no "
                    f"connection satisfies it now), allowed {' / '.join(expected[key])}")
    if differ:
        value["match"] = dict(sorted(differ.items()))
    if problems:
        return Result(Status.FAIL, value, "; ".join(problems))
    text = ", ".join(f"{k} {value[k]}" for k in expected)
    checked = len(measured.get("connections") or [])
    return Result(Status.PASS, value, f"{text} (also for {plural(checked, 'connection')})")


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
