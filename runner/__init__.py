"""Patrol: the estate as YAML in Git, inspections and upgrades through Ansible, records in Git."""

__version__ = "0.1.0"
