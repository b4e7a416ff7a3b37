"""Bad params in a checklist are refused by the kind's Params model (so `patrol validate`
reports them with file:line), and good ones are normalised."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from pydantic import ValidationError

from runner import checks
from runner.checks import get, kind_names


def test_registry_holds_every_kind_module_and_nothing_else():
    """A kind module that is not registered (or a registered name without a module) is a
    kind that validate would refuse or that no checklist could use."""
    modules = {
        info.name
        for info in pkgutil.iter_modules(checks.__path__)
        if hasattr(importlib.import_module(f"runner.checks.{info.name}"), "KIND")
    }
    assert modules == set(kind_names())
    for name in modules:
        kind = importlib.import_module(f"runner.checks.{name}").KIND
        assert get(name) is kind
        assert name == kind.NAME


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("filesystem_usage", {"max_percent": 101}),
        ("filesystem_usage", {"max_percent": -1}),
        ("filesystem_usage", {"max_percent": "lots"}),
        ("filesystem_usage", {"include": []}),
        ("filesystem_usage", {"include": ["var"]}),
        ("filesystem_usage", {"unknown": 1}),
        ("inode_usage", {"max_percent": 100.5}),
        ("memory_available", {"min_percent": 150}),
        ("load_per_cpu", {"max": 0}),
        ("load_per_cpu", {"minutes": 10}),
        ("service_running", {"services": []}),
        ("service_running", {"services": ["ssh; rm -rf /"]}),
        ("service_running", {"services": ["ssh", "ssh"]}),
        ("service_running", {}),
        ("package_version", {"packages": {}}),
        ("package_version", {"packages": {"Bad Name": None}}),
        ("package_version", {"packages": {"patrol-agent": 1.0}}),
        ("drift", {"packages": ["UPPER"]}),
        ("pending_upgrades", {"max": -1}),
        ("pending_upgrades", {"security_max": -1}),
        ("pending_upgrades", {"refresh": "sometimes"}),
        ("reboot_required", {"anything": True}),
        ("listening_ports", {"expected": [0]}),
        ("listening_ports", {"forbidden": [70000]}),
        ("listening_ports", {"expected": [22], "forbidden": [22]}),
        ("listening_ports", {}),
        ("listening_ports", {"expected": [22], "only": [443]}),
        ("listening_ports", {"forbidden": [23], "only": [22, 23]}),
        ("listening_ports", {"only": [0]}),
        ("file_mode", {"path": "etc/shadow", "mode": "0640"}),
        ("file_mode", {"path": "/etc/shadow", "mode": 640}),
        ("file_mode", {"path": "/etc/shadow", "mode": "0648"}),
        ("file_mode", {"path": "/etc/shadow", "mode": "rw-r-----"}),
        ("file_mode", {"path": "/etc/shadow", "mode": "0640", "max_mode": "0640"}),
        ("file_mode", {"path": "/etc/shadow"}),
        ("sshd_config", {"permit_root_login": []}),
        ("sshd_config", {"settings": {"bad key": "no"}}),
        ("sshd_config", {"permit_root_login": None, "password_authentication": None}),
        ("sshd_config", {"connections": [{"user": "root"}]}),
        ("sshd_config", {"connections": [{"addr": "10.0.0.300"}]}),
        ("sshd_config", {"connections": [{"addr": "10.0.0.1", "user": "root,addr=1.2.3.4"}]}),
        ("sshd_config", {"connections": [{"addr": "10.0.0.1", "host": "a,user=root"}]}),
        ("sshd_config", {"connections": [{"addr": "10.0.0.1", "lport": 0}]}),
        ("sshd_reload", {"anything": True}),
        ("certificate_expiry", {"path": "lab.pem"}),
        ("certificate_expiry", {"path": "/etc/ssl/lab.pem", "min_days": -1}),
        ("file_freshness", {"path": "/var/backups/x", "max_age_hours": 0}),
        ("file_freshness", {"max_age_hours": 26}),
    ],
)
def test_bad_params_are_refused(kind, params):
    with pytest.raises(ValidationError):
        get(kind).Params.model_validate(params)


def test_defaults_follow_the_documented_examples():
    assert get("filesystem_usage").Params().max_percent == 85
    assert get("filesystem_usage").Params().include == ["*"]
    assert get("memory_available").Params().min_percent == 10
    lpc = get("load_per_cpu").Params()
    assert (lpc.max, lpc.minutes) == (2.0, 5)
    upg = get("pending_upgrades").Params()
    assert (upg.max, upg.security_max, upg.refresh) == (0, 0, False)
    sshd = get("sshd_config").Params()
    assert sshd.permit_root_login == ["prohibit-password", "without-password", "no"]
    assert sshd.password_authentication == ["no"]
    assert get("certificate_expiry").Params(path="/x.pem").min_days == 30
    assert get("file_freshness").Params(path="/x").max_age_hours == 26


def test_file_modes_are_normalised_to_four_octal_digits():
    params = get("file_mode").Params(path="/etc/shadow", mode="640")
    assert params.mode == "0640"
    assert get("file_mode").Params(path="/usr/bin/su", max_mode="04755").max_mode == "4755"


def test_sshd_yaml11_booleans_mean_yes_and_no():
    # PyYAML reads an unquoted `no` as False
    params = get("sshd_config").Params(permit_root_login=False, password_authentication=[False])
    assert params.permit_root_login == ["no"]
    assert params.password_authentication == ["no"]


def test_package_version_null_means_any_version():
    params = get("package_version").Params(packages={"openssh-server": None, "zlib1g": "1:1.2.13"})
    assert params.packages == {"openssh-server": None, "zlib1g": "1:1.2.13"}


def test_params_are_immutable():
    params = get("filesystem_usage").Params()
    with pytest.raises(ValidationError):
        params.max_percent = 99
