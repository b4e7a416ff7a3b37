"""Verdicts that must agree with the reference tools (dpkg-query, sshd -T -C, df, openssl
x509 -checkend, apt-get -s upgrade, ss -ltn) on the edge cases they get right: judges on
plain data, time passed in."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from runner.checks import (
    certificate_expiry,
    drift,
    filesystem_usage,
    inode_usage,
    listening_ports,
    package_version,
    pending_upgrades,
    sshd_config,
    sshd_reload,
)
from runner.results import Status


@dataclass
class StubHost:
    name: str = "app-01"
    software: dict[str, str] = field(default_factory=dict)


HOUR, DAY = 3600, 86400
NOW = 1_800_000_000  # 2027-01-15T08:00:00Z


# --- dpkg states ---------------------------------------------------------------------------


def test_package_dpkg_left_unpacked_is_neither_installed_nor_absent():
    measured = {"patrol-agent": {"version": "1.1.0-1", "state": "unpacked"}}
    params = package_version.Params(packages={"patrol-agent": None})
    result = package_version.judge(measured, params, StubHost())
    assert result.status is Status.FAIL
    assert result.reason == "patrol-agent 1.1.0-1 unpacked, not configured"
    assert result.value == measured


def test_package_failed_configuration_and_interrupted_install_are_explained():
    measured = {
        "aa": {"version": "1", "state": "half-configured"},
        "bb": {"version": "2", "state": "half-installed"},
    }
    params = package_version.Params(packages={"aa": "1", "bb": None})
    result = package_version.judge(measured, params, StubHost())
    assert result.reason == (
        "aa 1 half-configured: its configuration failed; "
        "bb 2 half-installed: its installation or removal was interrupted"
    )


def test_drift_names_a_half_installed_package_state():
    host = StubHost(software={"patrol-agent": "1.0.0-1"})
    measured = {"patrol-agent": {"version": "1.1.0-1", "state": "unpacked"}}
    result = drift.judge(measured, drift.Params(), host)
    assert result.status is Status.FAIL
    assert result.reason == "patrol-agent declared 1.0.0-1, 1.1.0-1 unpacked, not configured"


# --- exact thresholds ----------------------------------------------------------------------


def fs(used: int, avail: int, inodes_used: int = 10, inodes_avail: int = 90) -> dict:
    return {
        "fstype": "ext4",
        "device": "/dev/vda",
        "size": used + avail,
        "used": used,
        "avail": avail,
        "inodes": inodes_used + inodes_avail,
        "inodes_used": inodes_used,
        "inodes_avail": inodes_avail,
    }


def test_usage_under_a_fractional_limit_passes_though_df_rounds_it_above():
    # 85.2 % used: df shows 86 %, yet it is under 85.5
    params = filesystem_usage.Params(max_percent=85.5)
    result = filesystem_usage.judge({"/": fs(852, 148)}, params, StubHost())
    assert result.status is Status.PASS
    assert result.value == {"/": 85.2}
    assert result.reason == "max 85.2% used (/), limit 85.5%"


def test_usage_just_over_a_fractional_limit_fails_and_shows_above_it():
    params = filesystem_usage.Params(max_percent=85.5)
    result = filesystem_usage.judge({"/": fs(85501, 14499)}, params, StubHost())
    assert result.status is Status.FAIL
    assert result.reason == "/ 85.6% used, limit 85.5%"  # rounded up, never "85.5%"


def test_usage_exactly_at_a_fractional_limit_passes():
    params = filesystem_usage.Params(max_percent=85.5)
    assert filesystem_usage.judge({"/": fs(855, 145)}, params, StubHost()).status is Status.PASS


def test_usage_a_hair_over_a_whole_limit_fails_on_a_huge_filesystem():
    # one 4 KiB block over 85 % of 1 PB: no float rounding may hide it
    total = 4096 * 250_000_000_000
    used = total * 85 // 100 + 4096
    result = filesystem_usage.judge(
        {"/": fs(used, total - used)}, filesystem_usage.Params(max_percent=85), StubHost()
    )
    assert result.status is Status.FAIL
    assert result.value == {"/": 86}


def test_inode_usage_compares_the_exact_value_too():
    measured = {"/": fs(1, 1, inodes_used=8520, inodes_avail=1480)}
    result = inode_usage.judge(measured, inode_usage.Params(max_percent=85.25), StubHost())
    assert result.status is Status.PASS
    assert result.value == {"/": 85.2}


# --- certificates: hours under three days, plurals -----------------------------------------


def judge_cert(seconds_left: int, min_days: int = 30):
    measured = {"exists": True, "not_after": NOW + seconds_left, "subject": "lab", "now": NOW}
    params = certificate_expiry.Params(path="/etc/ssl/lab.pem", min_days=min_days)
    return certificate_expiry.judge(measured, params, StubHost())


@pytest.mark.parametrize(
    ("seconds_left", "text"),
    [
        (2 * DAY + 23 * HOUR, "2 days 23 hours left"),
        (DAY + HOUR + 59 * 60, "1 day 1 hour left"),
        (DAY, "1 day left"),
        (5 * HOUR + 30 * 60, "5 hours left"),
        (59 * 60 + 59, "59 minutes left"),
        (30, "less than a minute left"),
        (3 * DAY, "3 days left"),
        (3 * DAY - 1, "2 days 23 hours left"),
        (-DAY, "1 day ago"),
        (-(DAY + 4 * HOUR), "1 day 4 hours ago"),
        (-10 * DAY, "10 days ago"),
    ],
)
def test_certificate_reason_says_hours_under_three_days_and_gets_plurals_right(seconds_left, text):
    assert f"({text}" in judge_cert(seconds_left).reason


def test_certificate_minimum_of_one_day_is_singular_and_fails_an_hour_short():
    result = judge_cert(DAY - HOUR, min_days=1)
    assert result.status is Status.FAIL
    assert result.reason.endswith("(23 hours left, minimum 1 day)")


# --- held packages -------------------------------------------------------------------------


def test_held_security_update_is_reported_apart_and_not_pending():
    measured = {
        "packages": {
            "patrol-agent": {
                "installed": "1.0.0-1",
                "candidate": "1.1.0-1",
                "security": True,
                "held": True,
            },
            "patrol-motd": {
                "installed": "2.0-1",
                "candidate": "2.1-1",
                "security": False,
                "held": False,
            },
        },
        "refreshed": False,
    }
    params = pending_upgrades.Params(max=1, security_max=0)
    result = pending_upgrades.judge(measured, params, StubHost())
    assert result.status is Status.PASS
    assert result.value == {
        "count": 1,
        "security_count": 0,
        "security": {},
        "held_count": 1,
        "held": {"patrol-agent": "1.1.0-1"},
    }
    assert result.reason == (
        "1 pending upgrade, 0 security (limits 1 / 0 security); "
        "1 held back (1 security): patrol-agent"
    )
    failing = pending_upgrades.judge(measured, pending_upgrades.Params(), StubHost())
    assert failing.reason == (
        "1 pending upgrade (limit 0), 0 security: patrol-motd; "
        "1 held back (1 security): patrol-agent"
    )


# --- listening ports allow-list ------------------------------------------------------------


def judge_ports(ports, **params):
    return listening_ports.judge({"ports": ports}, listening_ports.Params(**params), StubHost())


def test_ports_outside_the_allow_list_fail():
    result = judge_ports([22, 8080, 9000], expected=[22], only=[22, 443])
    assert result.status is Status.FAIL
    assert result.reason == "unexpected ports 8080, 9000 listening (only 22, 443 allowed)"


def test_ports_inside_the_allow_list_pass():
    result = judge_ports([22], only=[22, 443])
    assert result.status is Status.PASS
    assert result.reason == "only 22, 443 allowed"


def test_empty_allow_list_allows_no_listener():
    assert judge_ports([], only=[]).status is Status.PASS
    result = judge_ports([25], only=[])
    assert result.reason == "unexpected port 25 listening (only none allowed)"


# --- sshd Match blocks ---------------------------------------------------------------------

HARDENED = {"permitrootlogin": "without-password", "passwordauthentication": "no"}
MATCH_ROOT = {
    "criteria": "Address 10.123.0.0/24",
    "file": "/etc/ssh/sshd_config.d/zz.conf",
    "line": 3,
    "settings": {"permitrootlogin": "yes", "passwordauthentication": "yes"},
}


def conn(addr: str, settings: dict, laddr: str = "10.123.0.31") -> dict:
    return {
        "user": "root",
        "host": addr,
        "addr": addr,
        "laddr": laddr,
        "lport": 22,
        "settings": settings,
    }


def test_sshd_match_block_opening_root_password_login_fails_naming_it():
    opened = {"permitrootlogin": "yes", "passwordauthentication": "yes"}
    measured = {
        "settings": HARDENED,
        "connections": [conn("10.123.0.31", opened), conn("203.0.113.1", HARDENED)],
        "matches": [MATCH_ROOT],
    }
    result = sshd_config.judge(measured, sshd_config.Params(), StubHost())
    assert result.status is Status.FAIL
    where = "Match Address 10.123.0.0/24 at /etc/ssh/sshd_config.d/zz.conf:3"
    assert result.reason == (
        f"passwordauthentication yes for root from 10.123.0.31 to 10.123.0.31:22 ({where}), "
        "allowed no; "
        f"permitrootlogin yes for root from 10.123.0.31 to 10.123.0.31:22 ({where}), "
        "allowed prohibit-password / no"
    )
    assert result.value == {
        **HARDENED,
        "match": {"root from 10.123.0.31 to 10.123.0.31:22": opened},
    }


def test_sshd_match_block_that_only_tightens_passes():
    tighter = {"permitrootlogin": "no", "passwordauthentication": "no"}
    measured = {"settings": HARDENED, "connections": [conn("203.0.113.1", tighter)], "matches": []}
    result = sshd_config.judge(measured, sshd_config.Params(), StubHost())
    assert result.status is Status.PASS
    assert result.value["match"] == {
        "root from 203.0.113.1 to 10.123.0.31:22": {"permitrootlogin": "no"}
    }
    assert result.reason.endswith("(also for 1 connection)")


def test_sshd_names_the_match_that_sets_the_value_seen():
    other = {
        **MATCH_ROOT,
        "criteria": "User backup",
        "line": 9,
        "settings": {"permitrootlogin": "no"},
    }
    measured = {
        "settings": HARDENED,
        "connections": [conn("10.123.0.31", {**HARDENED, "permitrootlogin": "yes"})],
        "matches": [other, MATCH_ROOT],
    }
    result = sshd_config.judge(
        measured, sshd_config.Params(password_authentication=None), StubHost()
    )
    assert "Match Address 10.123.0.0/24" in result.reason
    assert "User backup" not in result.reason


def test_sshd_named_connections_go_to_the_probe_as_plain_specs():
    params = sshd_config.Params(
        connections=[
            {"addr": "192.0.2.10"},
            {"user": "deploy", "addr": "10.123.0.5", "laddr": "10.123.0.31", "lport": 2222},
        ]
    )
    assert sshd_config.measure(params, StubHost()).args["connections"] == [
        {"user": "root", "addr": "192.0.2.10"},
        {"user": "deploy", "addr": "10.123.0.5", "laddr": "10.123.0.31", "lport": 2222},
    ]
    assert "connections" not in sshd_config.measure(sshd_config.Params(), StubHost()).args


# --- sshd reload pending -------------------------------------------------------------------


def reload_state(changed: float, started: float | None, content: dict | None = None) -> dict:
    state = {
        "config_file": "/etc/ssh/sshd_config",
        "config_changed": changed,
        "pid_file": "/run/sshd.pid",
        "pid": 42 if started else None,
        "started": started,
    }
    return state if content is None else {**state, "content": content}


def test_content_the_daemon_never_read_is_a_pending_reload():
    content = {"differs": ["/etc/ssh/sshd_config"], "removed": []}
    result = sshd_reload.judge(reload_state(NOW, NOW - 0.5, content), sshd_reload.Params(),
                               StubHost())
    assert result.status is Status.FAIL
    assert result.reason == (
        "/etc/ssh/sshd_config is not what the running sshd read: reload pending "
        "(changed 2027-01-15T08:00:00Z, sshd started 2027-01-15T07:59:59Z)"
    )
    assert result.value["reload_pending"] is True
    gone = {"differs": [], "removed": ["/etc/ssh/sshd_config.d/x.conf"]}
    result = sshd_reload.judge(reload_state(NOW, NOW - 5, gone), sshd_reload.Params())
    assert result.reason.startswith("/etc/ssh/sshd_config.d/x.conf removed since sshd read it: ")


def test_a_file_rewritten_with_the_content_the_daemon_read_passes():
    same = {"differs": [], "removed": []}
    result = sshd_reload.judge(reload_state(NOW, NOW - 60, same), sshd_reload.Params())
    assert result.status is Status.PASS
    assert result.value == {"reload_pending": False}


def test_memory_that_cannot_be_read_fails_saying_the_content_was_not_compared():
    blind = {"error": "cannot read sshd's memory: Operation not permitted"}
    result = sshd_reload.judge(reload_state(NOW, NOW - 60, blind), sshd_reload.Params())
    assert result.status is Status.FAIL
    assert "cannot read sshd's memory" in result.reason


def test_sshd_started_after_the_last_change_passes():
    result = sshd_reload.judge(reload_state(NOW - DAY, NOW), sshd_reload.Params(), StubHost())
    assert result.status is Status.PASS
    assert result.value == {"reload_pending": False}


def test_no_running_sshd_cannot_tell_and_is_an_error():
    result = sshd_reload.judge(reload_state(NOW, None), sshd_reload.Params(), StubHost())
    assert result.status is Status.ERROR
    assert "/run/sshd.pid" in result.reason


def test_sshd_names_for_each_connection_the_first_match_block_that_applies():
    user_block = {
        "criteria": "User deploy",
        "file": "/etc/ssh/sshd_config",
        "line": 7,
        "settings": {"passwordauthentication": "yes"},
    }
    opened = {**HARDENED, "passwordauthentication": "yes"}
    deploy = {
        "user": "deploy",
        "host": "198.51.100.7",
        "addr": "198.51.100.7",
        "lport": 22,
        "settings": opened,
    }
    measured = {
        "settings": HARDENED,
        "connections": [conn("10.123.0.31", opened), deploy],
        "matches": [MATCH_ROOT, user_block],
    }
    result = sshd_config.judge(measured, sshd_config.Params(permit_root_login=None), StubHost())
    assert result.reason == (
        "passwordauthentication yes for root from 10.123.0.31 to 10.123.0.31:22 "
        "(Match Address 10.123.0.0/24 at /etc/ssh/sshd_config.d/zz.conf:3), allowed no; "
        "passwordauthentication yes for deploy from 198.51.100.7 "
        "(Match User deploy at /etc/ssh/sshd_config:7), allowed no"
    )


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ("All", True),
        ("User root", True),
        ("User r*", True),
        ("User deploy,root", True),
        ("User *,!root", False),
        ("User deploy", False),
        ("Address 10.123.0.0/24", True),
        ("Address 10.123.0.0/24,!10.123.0.31", False),
        ("Address 192.0.2.0/24", False),
        ("Address 10.123.0.*", True),
        ("User root Address 192.0.2.0/24", False),
        ("User root LocalPort 22", True),
        ("LocalAddress 10.123.0.31 LocalPort 2222", False),
        ("Group wheel", None),
        ("User root Group wheel", None),
        ("User", None),
    ],
)
def test_match_criteria_are_evaluated_like_sshd(criteria, expected):
    root = {
        "user": "root",
        "host": "10.123.0.5",
        "addr": "10.123.0.31",
        "laddr": "10.123.0.31",
        "lport": 22,
    }
    assert sshd_config.applies(criteria, root) is expected
