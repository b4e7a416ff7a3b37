"""How a site (or one host) is reached, and the SSH host keys pinned in Git.

A site says ``reach: direct`` (the default: the controller connects to each host), ``reach:
{jump: [...]}`` (one or more SSH jump hosts in order, each with its own user, port and pinned
host key) or ``reach: {node: {...}}`` (an execution node inside the site runs the play and
streams events back). A host may override its site's reach. Every jump host and node carries
its host key, and a host may carry its own (``host_key``): connections then accept only those.

    reach:
      jump:
        - {address: 198.51.100.7, user: patrol, port: 2222,
           host_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA..."}

Only full public keys are pinned (``type base64``): a known-hosts file needs the key, and a
fingerprint alone could only be checked after trusting whatever key a host first offers.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_serializer,
    model_validator,
)

from .scalars import Int

KEY_TYPES = ("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
             "ecdsa-sha2-nistp521", "ssh-rsa", "sk-ssh-ed25519@openssh.com",
             "sk-ecdsa-sha2-nistp256@openssh.com")
_KEY = re.compile(r"^(\S+) ([A-Za-z0-9+/]+={0,2})$")


def check_host_key(text: str) -> str:
    """``type base64`` (a comment after them is dropped), the blob naming the same type."""
    if not isinstance(text, str):
        raise ValueError("expected an SSH public key, \"ssh-ed25519 AAAA...\"")
    parts = text.strip().split()
    match = _KEY.match(" ".join(parts[:2]))
    if match is None:
        raise ValueError("not an SSH public key; expected \"TYPE BASE64\" as in a .pub file or "
                         "`ssh-keyscan` output, e.g. \"ssh-ed25519 AAAAC3Nza...\"")
    kind, blob = match[1], match[2]
    if kind not in KEY_TYPES:
        raise ValueError(f"unknown key type {kind!r}; expected one of {', '.join(KEY_TYPES)}")
    try:
        raw = base64.b64decode(blob, validate=True)
        (length,) = struct.unpack(">I", raw[:4])
        inner = raw[4:4 + length].decode("ascii")
    except (binascii.Error, struct.error, UnicodeDecodeError):
        raise ValueError("the key's base64 part is damaged; copy the whole line again") from None
    if inner != kind:
        raise ValueError(f"the key says {kind!r} but its data is a {inner!r} key")
    return f"{kind} {blob}"


def fingerprint(key: str) -> str:
    """OpenSSH's SHA256 fingerprint of a pinned key, as `ssh-keygen -lf` prints it."""
    blob = base64.b64decode(key.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


HOST_KEY_SCHEMA = {"type": "string", "pattern": r"^(ssh-|ecdsa-|sk-)\S+ [A-Za-z0-9+/]+={0,2}",
                   "description": "An SSH public key, \"TYPE BASE64\" (a line of `patrol "
                                  "hostkeys scan` or a .pub file)."}

def shown(key: str) -> str:
    """A pinned key as a reviewer compares it with `ssh-keygen -lf`: fingerprint and type."""
    return f"{fingerprint(key)} ({key.split()[0]})"


# JSON form (what `patrol plan` compares and shows): the fingerprint, not 80 characters of base64
HostKey = Annotated[str, AfterValidator(check_host_key), WithJsonSchema(HOST_KEY_SCHEMA),
                    PlainSerializer(shown, when_used="json")]
# A user name that is safe as an ssh argument and in an ssh config file.
UserName = Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_.-]*$", max_length=32)]
# A jump host or node: an IPv4/IPv6 address or a DNS name, never an ssh option.
ADDRESS = r"^(?:[A-Za-z0-9][A-Za-z0-9.-]*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$"
Address = Annotated[str, Field(pattern=ADDRESS, max_length=253)]


class _Model(BaseModel):
    """No unknown keys (errors about a hop name the site or host that holds it)."""

    model_config = ConfigDict(extra="forbid")


class Hop(_Model):
    """One SSH jump host or execution node: where, as whom, and its pinned host key."""

    address: Address
    user: UserName | None = None
    port: Int = Field(default=22, ge=1, le=65535)
    host_key: HostKey

    def destination(self) -> str:
        """``user@host:port`` as ssh's ProxyJump reads it (IPv6 in brackets)."""
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.user + '@' if self.user else ''}{host}:{self.port}"


class Reach(_Model):
    """Through jump hosts (in order) or through an execution node; neither is ``direct``."""

    jump: list[Hop] | None = Field(default=None, min_length=1, max_length=8)
    node: Hop | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Reach:
        if self.jump is not None and self.node is not None:
            raise ValueError("give one of jump (jump hosts) or node (an execution node), not "
                             "both: a node behind a jump host is not supported")
        return self

    @model_serializer(mode="plain", when_used="json")
    def _as_line(self) -> str:
        """`patrol plan` shows a reach as one line: ``jump a -> b`` with each key's fingerprint."""
        return describe(self, keys=True)

    @property
    def kind(self) -> str:
        return "jump" if self.jump is not None else "node" if self.node is not None else "direct"


DIRECT = Reach()


def _direct(value: object) -> object:
    """``direct`` is written as the word; a mapping must say jump or node."""
    if value == "direct":
        return DIRECT
    if isinstance(value, dict) and not value:
        raise ValueError("an empty reach; write reach: direct, or give jump or node")
    if not isinstance(value, dict | Reach):
        raise ValueError(f"{value!r} is not a way to reach a site; expected direct, "
                         "{jump: [jump hosts]} or {node: execution node}")
    return value


_HOP_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["address", "host_key"],
    "properties": {
        "address": {"type": "string", "maxLength": 253, "pattern": ADDRESS,
                    "description": "The jump host's or node's address or DNS name."},
        "user": {"type": "string", "pattern": "^[a-z_][a-z0-9_.-]*$", "maxLength": 32},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535, "default": 22},
        "host_key": HOST_KEY_SCHEMA,
    },
}
_REACH_SCHEMA = {
    "description": "direct, {jump: [jump hosts in order]} or {node: an execution node}.",
    "anyOf": [
        {"const": "direct"},
        {"type": "object", "additionalProperties": False, "required": ["jump"],
         "properties": {"jump": {"type": "array", "minItems": 1, "maxItems": 8,
                                 "items": _HOP_SCHEMA}}},
        {"type": "object", "additionalProperties": False, "required": ["node"],
         "properties": {"node": _HOP_SCHEMA}},
    ],
}
ReachField = Annotated[Reach, BeforeValidator(_direct), WithJsonSchema(_REACH_SCHEMA)]


def kind_of(reach: Reach | None) -> str:
    """``direct``, ``jump`` or ``node``."""
    return "direct" if reach is None else reach.kind


def describe(reach: Reach | None, keys: bool = False) -> str:
    """One line for `patrol plan` and messages: how the controller gets there."""
    def hop(h: Hop) -> str:
        return h.destination() + (f" ({fingerprint(h.host_key)})" if keys else "")

    if reach is None or reach.kind == "direct":
        return "direct"
    if reach.jump is not None:
        return "jump " + " -> ".join(hop(h) for h in reach.jump)
    assert reach.node is not None
    return f"node {hop(reach.node)}"
