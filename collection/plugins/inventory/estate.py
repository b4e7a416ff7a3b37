"""Ansible inventory plugin: a Patrol estate as inventory (``plugin: patrol.estate.estate``)."""

from __future__ import annotations

import os

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin

DOCUMENTATION = r"""
name: estate
short_description: Patrol estate as inventory
version_added: 0.1.0
description:
  - Reads a Patrol estate (C(inventory/) and C(policies/)) and adds its hosts, the groups
    C(site_*), C(role_*), C(env_*) and C(tag_*), and the host variables that
    C(patrol inventory --list) gives.
  - Needs the C(patrol) Python package in the Python that runs Ansible.
options:
  plugin:
    description: The name of this plugin.
    required: true
    type: str
    choices: [patrol.estate.estate]
  estate:
    description:
      - Root of the estate repository, relative to the inventory source file's directory
        (or absolute).
    type: str
    default: .
  lab:
    description: Reach the hosts through Patrol's lab (C(patrol lab up)) instead of the
      estate's addresses.
    type: bool
    default: false
    env:
      - name: PATROL_LAB
"""

EXAMPLES = r"""
# patrol.estate.yml at the estate's root (patrol validate reads every YAML file under
# inventory/, so keep it out of there)
plugin: patrol.estate.estate
"""


def _vaulted(ciphertext):
    """An ansible-vault value as Ansible keeps it: decrypted only when a play uses it."""
    try:
        from ansible.parsing.vault import EncryptedString  # ansible-core 2.19 and later
    except ImportError:
        from ansible.parsing.yaml.objects import AnsibleVaultEncryptedUnicode

        return AnsibleVaultEncryptedUnicode(ciphertext)
    return EncryptedString(ciphertext=ciphertext)


def _data(text):
    """Estate text: never a template. ansible-core 2.19 and later treat what a plugin sets as
    untrusted already; before that, it is wrapped as unsafe."""
    try:
        from ansible.template import trust_as_template  # noqa: F401 - 2.19: untrusted already
    except ImportError:
        from ansible.utils.unsafe_proxy import wrap_var

        return wrap_var(text)
    return text


def _template(text):
    """One of Patrol's own templates (the lookup('env', VAR) of an {env: VAR} secret)."""
    try:
        from ansible.template import trust_as_template
    except ImportError:
        return text
    return trust_as_template(text)


def _value(value):
    """Patrol's inventory JSON as Ansible reads it from the inventory script.

    Estate text comes as {"__ansible_unsafe": text} and stays data; {"__ansible_vault": ...} is
    a vaulted value; a plain string is a template Patrol wrote (runner/ansible_data.py).
    """
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return _data(value["__ansible_unsafe"])
        if set(value) == {"__ansible_vault"}:
            return _vaulted(value["__ansible_vault"])
        return {key: _value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_value(item) for item in value]
    if isinstance(value, str):
        return _template(value)
    return value


class InventoryModule(BaseInventoryPlugin):
    """Hosts, groups and host vars from ``runner.commands.inventory.inventory_for``."""

    NAME = "patrol.estate.estate"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith((".yml", ".yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        root = os.path.join(os.path.dirname(os.path.abspath(path)),
                            os.path.expanduser(self.get_option("estate")))
        try:
            from runner.commands.inventory import inventory_for
            from runner.errors import PatrolError
        except ImportError as exc:
            raise AnsibleParserError(
                "patrol.estate.estate needs the patrol package in Ansible's Python "
                f"(pip install patrol-gitops): {exc}") from exc
        try:
            data = inventory_for(os.path.normpath(root), lab=self.get_option("lab"))
        except PatrolError as exc:
            raise AnsibleParserError(f"patrol estate {root}: {exc}") from exc
        for group, body in sorted(data.items()):
            if group == "_meta":
                continue
            self.inventory.add_group(group)
            for host in body.get("hosts", []):
                self.inventory.add_host(host, group=group)
            for child in body.get("children", []):
                self.inventory.add_group(child)
                self.inventory.add_child(group, child)
            for key, value in body.get("vars", {}).items():
                self.inventory.set_variable(group, key, _value(value))
        for host, variables in sorted(data["_meta"]["hostvars"].items()):
            self.inventory.add_host(host)
            for key, value in variables.items():
                self.inventory.set_variable(host, key, _value(value))
