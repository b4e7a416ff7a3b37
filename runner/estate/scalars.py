"""Numbers, booleans and addresses as JSON Schema reads them, for estate models and check kinds.

Pydantic's lax mode would take ``quantity: "2"`` or ``quantity: true`` as 2 and 1, and a bool
field ``0``, ``1`` or ``"yes"``; the exported schemas (so check-jsonschema and editors) refuse
all of these, so ``patrol validate`` must too. Only these fields are strict, not whole models:
strict models would also refuse the strings YAML gives for dates, enums and addresses. The
JSON Schema of each type is pydantic's usual one, and field constraints (``ge``, ``le``) stay
``minimum``/``maximum`` in it (on a before-validator pydantic would emit them as unknown
``ge``/``le`` keys, so ``Int`` is ``Strict``, not a validator).

    quantity: Int = Field(ge=0)

One difference is left: JSON Schema counts ``2.0`` as an integer, ``Int`` wants ``2``.
An ``IPAddress`` is IPv4 or IPv6 without a scope id (``fe80::1%eth0``), as JSON Schema's
``ipv6`` format says; the check kinds' addresses use it too.
"""

from __future__ import annotations

import socket
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Annotated, Any

from pydantic import BeforeValidator, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

Int = Annotated[int, Strict()]  # an int; never a string, a bool or a float
Float = Annotated[float, Strict()]  # an int or a float; never a string or a bool
Bool = Annotated[bool, Strict()]  # true or false; never 0, 1 or "yes"


def no_bool(value: Any) -> Any:
    """Before-validator for a ``Literal`` of numbers, which would take ``true`` as 1."""
    if isinstance(value, bool):
        raise PydanticCustomError("literal_error", "Input should be a number, not a boolean")
    return value


def _parse_address(value: object) -> IPv4Address | IPv6Address:
    """IPv4 through the C parser (10,000 hosts: 0.3 s less than ipaddress's pure Python)."""
    if isinstance(value, (IPv4Address, IPv6Address)):
        return value
    if not isinstance(value, str):
        raise ValueError("value is not a valid IPv4 or IPv6 address")
    try:
        packed = socket.inet_pton(socket.AF_INET, value)
        if socket.inet_ntop(socket.AF_INET, packed) == value:
            return IPv4Address(packed)
    except OSError:
        pass
    try:
        address = ip_address(value)
    except ValueError:
        raise ValueError("value is not a valid IPv4 or IPv6 address") from None
    if isinstance(address, IPv6Address) and address.scope_id is not None:
        # a zone ('%eth0') names an interface of one machine: meaningless to every other one
        raise ValueError(f"{value!r} has a scope id ('%{address.scope_id}'); give the address "
                         "without it")
    return address


IPAddress = Annotated[
    IPv4Address | IPv6Address,
    BeforeValidator(_parse_address),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "ipv4"},
                              {"type": "string", "format": "ipv6"}],
                    "description": "An IPv4 or IPv6 address."}),
]
