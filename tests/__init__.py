"""Patrol's tests: unit/ (no hosts, seconds) and lab/ (real SSH hosts); shared helpers and
fixtures in conftest."""
