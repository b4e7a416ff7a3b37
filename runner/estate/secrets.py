"""Secrets in the estate: an ansible-vault inline value or a reference to an environment variable.

A secret field accepts exactly::

    become_password: !vault |
      $ANSIBLE_VAULT;1.1;AES256
      6231...
    become_password: {env: PATROL_BECOME_PASSWORD}

Plain text is a validation error: a password must never sit readable in Git.
"""

from __future__ import annotations

import os
import re
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

from .yamlsource import VaultValue

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class VaultSecret(BaseModel):
    """An ansible-vault ciphertext, kept opaque; Ansible decrypts it with the vault password."""

    model_config = ConfigDict(frozen=True)
    ciphertext: str

    def __repr__(self) -> str:
        return "VaultSecret(<encrypted>)"

    def ansible_value(self) -> dict[str, str]:
        """The form Ansible's JSON inventory understands for a vaulted variable."""
        return {"__ansible_vault": self.ciphertext}


class EnvSecret(BaseModel):
    """A secret read from an environment variable when Patrol runs."""

    model_config = ConfigDict(frozen=True)
    env: str

    def resolve(self) -> str | None:
        return os.environ.get(self.env)

    def ansible_value(self) -> str:
        """Patrol's own template (the name is validated), the one string Ansible renders."""
        from ..ansible_data import Template

        return Template("{{ lookup('env', '%s') }}" % self.env)  # noqa: UP031 - Jinja braces


def _validate(value: object) -> VaultSecret | EnvSecret:
    if isinstance(value, (VaultSecret, EnvSecret)):
        return value
    if isinstance(value, VaultValue):
        if not value.lstrip().startswith("$ANSIBLE_VAULT;"):
            raise ValueError("a !vault value must be ansible-vault ciphertext "
                             "starting with $ANSIBLE_VAULT;")
        return VaultSecret(ciphertext=str(value))
    if isinstance(value, dict) and set(value) == {"env"}:
        name = value["env"]
        if not isinstance(name, str) or not _ENV_NAME.match(name):
            raise ValueError(f"{{env: ...}} needs an environment variable name, not {name!r}")
        return EnvSecret(env=name)
    if isinstance(value, str):
        raise ValueError("plain-text secret; write it as an ansible-vault inline value "
                         "('!vault |' then the ciphertext) or as {env: VARIABLE_NAME}")
    raise ValueError("a secret is an ansible-vault inline value ('!vault |') "
                     "or {env: VARIABLE_NAME}")


def _serialize(value: VaultSecret | EnvSecret) -> str | dict[str, str]:
    if isinstance(value, VaultSecret):
        return "<vault>"
    return {"env": value.env}


Secret = Annotated[
    VaultSecret | EnvSecret,
    BeforeValidator(_validate),
    PlainSerializer(_serialize),
    WithJsonSchema({
        "description": "A secret: an ansible-vault inline value ('!vault |') or "
                       "{env: VARIABLE_NAME}; plain text is rejected.",
        "anyOf": [
            {"type": "string", "pattern": "^\\s*\\$ANSIBLE_VAULT;"},
            {"type": "object", "properties": {"env": {"type": "string",
                                                      "pattern": _ENV_NAME.pattern}},
             "required": ["env"], "additionalProperties": False},
        ],
    }),
]


def secret_fields(host: object) -> dict[str, VaultSecret | EnvSecret]:
    """A host's secret fields that are set, by name (today: ``connection.become_password``)."""
    conn = getattr(host, "connection", None)
    if conn is None:
        return {}
    return {name: value for name in ("become_password",)
            if isinstance(value := getattr(conn, name, None), (VaultSecret, EnvSecret))}
