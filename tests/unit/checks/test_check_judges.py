"""Every judge on plain data: boundaries, failures, error values. No hosts, no clock."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from runner.checks import (
    KINDS,
    certificate_expiry,
    drift,
    file_freshness,
    file_mode,
    filesystem_usage,
    inode_usage,
    listening_ports,
    load_per_cpu,
    memory_available,
    package_version,
    pending_upgrades,
    reboot_required,
    service_running,
    sshd_config,
)
from runner.results import Status


@dataclass
class StubHost:
    """Stands in for the estate's Host: checks read only name and software."""

    name: str = "app-01"
    software: dict[str, str] = field(default_factory=dict)


ALL_KINDS = [KINDS[name] for name in sorted(KINDS)]

MINIMAL_PARAMS = {
    "certificate_expiry": {"path": "/etc/ssl/patrol/lab.pem"},
    "file_freshness": {"path": "/var/backups/patrol-last-backup"},
    "file_mode": {"path": "/etc/shadow", "mode": "0640"},
    "listening_ports": {"expected": [22]},
    "package_version": {"packages": {"openssh-server": None}},
    "service_running": {"services": ["ssh"]},
    "sysctl": {"expected": {"kernel.kptr_restrict": [1, 2]}},
}


def fs(used: int, avail: int, *, fstype: str = "ext4", inodes_used: int = 10, inodes_avail=90):
    return {
        "fstype": fstype,
        "device": "/dev/vda",
        "size": used + avail,
        "used": used,
        "avail": avail,
        "inodes": inodes_used + inodes_avail,
        "inodes_used": inodes_used,
        "inodes_avail": inodes_avail,
    }


# --- shared behaviour ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.NAME)
def test_probe_error_becomes_check_error(kind):
    params = kind.Params.model_validate(MINIMAL_PARAMS.get(kind.NAME, {}))
    result = kind.judge({"error": "boom"}, params, StubHost())
    assert result.status is Status.ERROR
    assert result.reason == "boom"


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.NAME)
def test_nothing_measured_is_an_error(kind):
    params = kind.Params.model_validate(MINIMAL_PARAMS.get(kind.NAME, {}))
    assert kind.judge(None, params, StubHost()).status is Status.ERROR


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.NAME)
def test_every_kind_documents_a_yaml_example(kind):
    assert f"kind: {kind.NAME}" in kind.doc


# --- filesystem_usage / inode_usage ------------------------------------------------------


def judge_fs(measured, **params):
    return filesystem_usage.judge(measured, filesystem_usage.Params(**params), StubHost())


def test_filesystem_at_exactly_the_limit_passes():
    result = judge_fs({"/": fs(85, 15)}, max_percent=85)
    assert result.status is Status.PASS
    assert result.value == {"/": 85}
    assert result.reason == "max 85% used (/), limit 85%"


def test_filesystem_just_over_the_limit_fails_rounding_up_like_df():
    # 85.01 % used shows as 86 % in df; it is over the limit.
    result = judge_fs({"/": fs(8501, 1499)}, max_percent=85)
    assert result.status is Status.FAIL
    assert result.reason == "/ 86% used, limit 85%"


def test_filesystem_just_under_the_limit_passes():
    assert judge_fs({"/": fs(84, 16)}, max_percent=85).status is Status.PASS


def test_filesystem_failure_lists_each_offending_mount_worst_first():
    measured = {"/": fs(41, 59), "/var": fs(91, 9), "/srv": fs(88, 12)}
    result = judge_fs(measured, max_percent=85)
    assert result.status is Status.FAIL
    assert result.reason == "/var 91% used, limit 85%; /srv 88% used, limit 85%"
    assert result.value == {"/": 41, "/srv": 88, "/var": 91}


def test_filesystem_exclude_hides_a_full_mount():
    measured = {"/": fs(41, 59), "/mnt/full": fs(100, 0)}
    result = judge_fs(measured, exclude=["/mnt/*"])
    assert result.status is Status.PASS
    assert result.value == {"/": 41}
    assert result.reason == "max 41% used (/), limit 85%"


def test_filesystem_include_selects_mounts():
    measured = {"/": fs(99, 1), "/var": fs(10, 90)}
    assert judge_fs(measured, include=["/var"]).value == {"/var": 10}


def test_filesystem_uses_space_available_to_users_like_df():
    # reserved blocks: 50 used, 40 avail (10 reserved for root) -> 50/90 = 55.6 -> 56 %
    assert judge_fs({"/": fs(50, 40)}).value == {"/": 56}


def test_filesystem_without_size_is_skipped():
    assert judge_fs({"/": fs(10, 90), "/empty": fs(0, 0)}).value == {"/": 10}


def test_filesystem_nothing_selected_is_an_error():
    result = judge_fs({"/": fs(10, 90)}, include=["/nope"])
    assert result.status is Status.ERROR


def test_filesystem_unreadable_selected_mount_is_an_error():
    measured = {"/": fs(10, 90), "/nfs": {"fstype": "nfs", "device": "x", "error": "Stale"}}
    result = judge_fs(measured)
    assert result.status is Status.ERROR
    assert "/nfs: Stale" in result.reason
    assert judge_fs(measured, exclude=["/nfs"]).status is Status.PASS


def test_inode_usage_judges_inodes_not_bytes():
    measured = {"/": fs(10, 90, inodes_used=95, inodes_avail=5)}
    params = inode_usage.Params(max_percent=90)
    result = inode_usage.judge(measured, params, StubHost())
    assert result.status is Status.FAIL
    assert result.reason == "/ 95% inodes used, limit 90%"


def test_inode_usage_at_limit_passes_and_skips_filesystems_without_inodes():
    measured = {
        "/": fs(99, 1, inodes_used=90, inodes_avail=10),
        "/btrfs": fs(1, 1, inodes_used=0, inodes_avail=0),
    }
    result = inode_usage.judge(measured, inode_usage.Params(max_percent=90), StubHost())
    assert result.status is Status.PASS
    assert result.value == {"/": 90}


# --- memory_available ---------------------------------------------------------------------


def judge_mem(total, avail, min_percent=10):
    measured = {"total_kb": total, "available_kb": avail}
    return memory_available.judge(
        measured, memory_available.Params(min_percent=min_percent), StubHost()
    )


def test_memory_exactly_at_minimum_passes():
    result = judge_mem(1000, 100)
    assert result.status is Status.PASS
    assert result.value == {"available_percent": 10.0}


def test_memory_just_under_minimum_fails():
    result = judge_mem(1000, 99)
    assert result.status is Status.FAIL
    assert result.reason.startswith("9.9% memory available")
    assert result.reason.endswith("minimum 10%")


def test_memory_value_is_rounded_and_judged_as_shown():
    # 9.996 % rounds to 10.0 and passes: the verdict agrees with the recorded value
    result = judge_mem(100000, 9996)
    assert result.value == {"available_percent": 10.0}
    assert result.status is Status.PASS


def test_memory_zero_total_is_an_error():
    assert judge_mem(0, 0).status is Status.ERROR


# --- load_per_cpu -------------------------------------------------------------------------


def judge_load(load5, cpus, **params):
    measured = {"load": {"1": 9.0, "5": load5, "15": 0.0}, "cpus": cpus}
    return load_per_cpu.judge(measured, load_per_cpu.Params(**params), StubHost())


def test_load_exactly_at_max_passes():
    result = judge_load(8.0, 4, max=2.0)
    assert result.status is Status.PASS
    assert result.value == {"load_per_cpu": 2.0, "cpus": 4}


def test_load_just_over_max_fails():
    result = judge_load(8.04, 4, max=2.0)
    assert result.status is Status.FAIL
    assert result.reason == "5-minute load 2.01 per CPU (8.04 on 4), limit 2"


def test_load_uses_the_chosen_window():
    assert judge_load(0.0, 1, minutes=1).status is Status.FAIL
    assert judge_load(0.0, 1, minutes=15).status is Status.PASS


# --- service_running ----------------------------------------------------------------------


def judge_svc(measured, services):
    return service_running.judge(measured, service_running.Params(services=services), StubHost())


def test_service_running_passes_on_exit_zero():
    result = judge_svc({"ssh": {"rc": 0, "output": "sshd is running."}}, ["ssh"])
    assert result.status is Status.PASS
    assert result.value == {"ssh": "running"}


def test_service_stopped_fails_with_exit_code_and_output():
    measured = {
        "ssh": {"rc": 3, "output": "sshd is not running ... failed!"},
        "cron": {"rc": 0, "output": ""},
    }
    result = judge_svc(measured, ["ssh", "cron"])
    assert result.status is Status.FAIL
    assert result.value == {"cron": "running", "ssh": "stopped"}
    assert result.reason == "ssh stopped (exit 3: sshd is not running ... failed!)"


def test_unknown_service_is_not_found():
    result = judge_svc({"nosuch": {"rc": 1, "output": "nosuch: unrecognized service"}}, ["nosuch"])
    assert result.status is Status.FAIL
    assert result.value == {"nosuch": "not found"}


def test_service_missing_from_measurement_is_an_error():
    assert judge_svc({}, ["ssh"]).status is Status.ERROR


# --- package_version ----------------------------------------------------------------------


def judge_pkg(measured, packages):
    return package_version.judge(measured, package_version.Params(packages=packages), StubHost())


def test_package_any_version_passes_when_installed():
    result = judge_pkg({"openssh-server": "1:9.2p1-2"}, {"openssh-server": None})
    assert result.status is Status.PASS
    assert result.value == {"openssh-server": "1:9.2p1-2"}


def test_package_exact_version_mismatch_fails():
    result = judge_pkg({"patrol-agent": "1.1.0-1"}, {"patrol-agent": "1.0.0-1"})
    assert result.status is Status.FAIL
    assert result.reason == "patrol-agent 1.1.0-1 installed, expected 1.0.0-1"


def test_package_not_installed_fails():
    result = judge_pkg({"telnetd": None}, {"telnetd": None})
    assert result.status is Status.FAIL
    assert result.reason == "telnetd not installed"


# --- drift --------------------------------------------------------------------------------


def test_drift_names_package_declared_and_installed_versions():
    host = StubHost(software={"patrol-agent": "1.0.0-1", "openssh-server": "1:9.2p1-2"})
    measured = {"patrol-agent": "1.1.0-1", "openssh-server": "1:9.2p1-2"}
    result = drift.judge(measured, drift.Params(), host)
    assert result.status is Status.FAIL
    assert result.reason == "patrol-agent declared 1.0.0-1, installed 1.1.0-1"
    assert result.value == {"openssh-server": "1:9.2p1-2", "patrol-agent": "1.1.0-1"}


def test_drift_reports_missing_package():
    host = StubHost(software={"patrol-agent": "1.0.0-1"})
    result = drift.judge({"patrol-agent": None}, drift.Params(), host)
    assert result.reason == "patrol-agent declared 1.0.0-1, not installed"


def test_drift_passes_when_installed_matches_declared():
    host = StubHost(software={"patrol-agent": "1.0.0-1"})
    result = drift.judge({"patrol-agent": "1.0.0-1"}, drift.Params(), host)
    assert result.status is Status.PASS


def test_drift_restricted_to_listed_packages():
    host = StubHost(software={"patrol-agent": "1.0.0-1", "other": "2"})
    params = drift.Params(packages=["patrol-agent", "not-declared"])
    assert drift.measure(params, host).args == {"names": ["patrol-agent"]}
    result = drift.judge({"patrol-agent": "1.0.0-1", "other": "3"}, params, host)
    assert result.status is Status.PASS


def test_drift_with_nothing_declared_passes():
    result = drift.judge({}, drift.Params(), StubHost(software={}))
    assert result.status is Status.PASS
    assert result.value == {}


def test_drift_measures_the_declared_names():
    host = StubHost(software={"b": "1", "a": "2"})
    assert drift.measure(drift.Params(), host).args == {"names": ["a", "b"]}


# --- pending_upgrades ---------------------------------------------------------------------


def upgrades(n: int, security: int):
    return {
        "packages": {
            f"pkg{i}": {"installed": "1", "candidate": "2", "security": i < security}
            for i in range(n)
        },
        "refreshed": False,
    }


def judge_upg(measured, **params):
    return pending_upgrades.judge(measured, pending_upgrades.Params(**params), StubHost())


def test_upgrades_none_pending_passes():
    result = judge_upg(upgrades(0, 0))
    assert result.status is Status.PASS
    assert result.value == {"count": 0, "security_count": 0, "security": {}}


def test_upgrades_exactly_at_max_passes_and_one_over_fails():
    assert judge_upg(upgrades(3, 0), max=3).status is Status.PASS
    result = judge_upg(upgrades(4, 0), max=3)
    assert result.status is Status.FAIL
    assert result.reason == "4 pending upgrades (limit 3), 0 security: pkg0, pkg1, pkg2, pkg3"


def test_security_upgrades_fail_against_security_max():
    result = judge_upg(upgrades(3, 1), max=10, security_max=0)
    assert result.status is Status.FAIL
    assert result.reason == "3 pending upgrades, 1 security (limit 0): pkg0"
    assert result.value["security"] == {"pkg0": "2"}
    assert judge_upg(upgrades(3, 1), max=10, security_max=1).status is Status.PASS


def test_upgrades_reason_stays_one_short_line():
    result = judge_upg(upgrades(120, 80))
    assert "\n" not in result.reason
    assert result.reason.endswith("and 75 more")
    assert result.value["count"] == 120
    assert result.value["security_count"] == 80
    assert len(result.value["security"]) == pending_upgrades.VALUE_LIMIT


# --- reboot_required ----------------------------------------------------------------------


def test_reboot_not_required_passes():
    result = reboot_required.judge(
        {"required": False, "packages": []}, reboot_required.Params(), StubHost()
    )
    assert result.status is Status.PASS


def test_reboot_required_fails_naming_packages():
    measured = {"required": True, "packages": ["linux-image-amd64", "libc6"]}
    result = reboot_required.judge(measured, reboot_required.Params(), StubHost())
    assert result.status is Status.FAIL
    assert result.reason == "reboot required by libc6, linux-image-amd64"


# --- listening_ports ----------------------------------------------------------------------


def judge_ports(ports, **params):
    return listening_ports.judge({"ports": ports}, listening_ports.Params(**params), StubHost())


def test_ports_expected_listening_and_forbidden_absent_passes():
    result = judge_ports([22, 80], expected=[22], forbidden=[23, 3306])
    assert result.status is Status.PASS
    assert result.value == [22, 80]
    assert result.reason == "listening on 22; none of 23, 3306"


def test_ports_missing_expected_and_forbidden_present_fail():
    result = judge_ports([23, 3306], expected=[22], forbidden=[23, 3306])
    assert result.status is Status.FAIL
    assert result.reason == (
        "expected port 22 not listening; forbidden port 23 listening; forbidden port 3306 listening"
    )


# --- file_mode ----------------------------------------------------------------------------

SHADOW = {
    "exists": True,
    "type": "file",
    "mode": "0640",
    "owner": "root",
    "group": "shadow",
    "mtime": 0,
    "now": 0,
}


def judge_mode(measured, **params):
    params.setdefault("path", "/etc/shadow")
    return file_mode.judge(measured, file_mode.Params(**params), StubHost())


def test_file_mode_exact_match_passes():
    result = judge_mode(SHADOW, mode="0640", owner="root", group="shadow")
    assert result.status is Status.PASS
    assert result.value == {"mode": "0640", "owner": "root", "group": "shadow"}
    assert result.reason == "/etc/shadow 0640 root:shadow"


def test_file_mode_exact_fails_when_stricter_too():
    result = judge_mode({**SHADOW, "mode": "0600"}, mode="0640")
    assert result.status is Status.FAIL
    assert result.reason == "/etc/shadow: mode 0600, expected 0640"


def test_file_max_mode_allows_stricter_and_refuses_more_permissive():
    assert judge_mode({**SHADOW, "mode": "0600"}, max_mode="0640").status is Status.PASS
    assert judge_mode({**SHADOW, "mode": "0640"}, max_mode="0640").status is Status.PASS
    result = judge_mode({**SHADOW, "mode": "0644"}, max_mode="0640")
    assert result.status is Status.FAIL
    assert "more permissive than 0640" in result.reason
    # a setuid bit is more permissive even if the rwx bits are not
    assert judge_mode({**SHADOW, "mode": "4640"}, max_mode="0640").status is Status.FAIL


def test_file_wrong_owner_and_group_fail():
    result = judge_mode(
        {**SHADOW, "owner": "nobody", "group": "1234"}, owner="root", group="shadow"
    )
    assert result.reason == "/etc/shadow: owner nobody, expected root; group 1234, expected shadow"


def test_file_missing_fails():
    result = judge_mode({"exists": False, "now": 0}, mode="0640")
    assert result.status is Status.FAIL
    assert result.reason == "/etc/shadow does not exist"


# --- sshd_config --------------------------------------------------------------------------


def judge_sshd(measured, **params):
    """Settings outside Match blocks, no connection that Match blocks change."""
    measured = {"settings": measured, "connections": [], "matches": []}
    return sshd_config.judge(measured, sshd_config.Params(**params), StubHost())


def test_sshd_defaults_pass_on_hardened_config():
    measured = {"permitrootlogin": "without-password", "passwordauthentication": "no"}
    result = judge_sshd(measured)
    assert result.status is Status.PASS
    assert result.value == measured


def test_sshd_root_login_yes_fails():
    measured = {"permitrootlogin": "yes", "passwordauthentication": "no"}
    result = judge_sshd(measured)
    assert result.status is Status.FAIL
    assert result.reason == (
        "permitrootlogin yes, allowed prohibit-password / no"
    )


def test_sshd_single_value_and_extra_settings():
    measured = {"passwordauthentication": "yes", "x11forwarding": "yes"}
    result = judge_sshd(
        measured, permit_root_login=None, password_authentication="no",
        settings={"X11Forwarding": "no"},
    )  # fmt: skip
    assert result.status is Status.FAIL
    assert "passwordauthentication yes" in result.reason
    assert "x11forwarding yes" in result.reason


def test_sshd_keyword_not_reported_fails():
    result = judge_sshd({"permitrootlogin": None, "passwordauthentication": "no"})
    assert result.status is Status.FAIL
    assert "permitrootlogin not reported" in result.reason


def test_sshd_measures_the_lowercase_keywords():
    params = sshd_config.Params(settings={"MaxAuthTries": [3, 4]})
    assert sshd_config.measure(params, StubHost()).args == {
        "keys": ["maxauthtries", "passwordauthentication", "permitrootlogin"]
    }
    assert (
        judge_sshd(
            {"maxauthtries": "3", "permitrootlogin": "no", "passwordauthentication": "no"},
            settings={"MaxAuthTries": [3, 4]},
        ).status
        is Status.PASS
    )


# --- certificate_expiry / file_freshness --------------------------------------------------

DAY = 86400
NOW = 1_800_000_000  # 2027-01-15T08:00:00Z


def judge_cert(not_after, now=NOW, min_days=30):
    measured = {"exists": True, "not_after": not_after, "subject": "lab", "now": now}
    params = certificate_expiry.Params(path="/etc/ssl/patrol/lab.pem", min_days=min_days)
    return certificate_expiry.judge(measured, params, StubHost())


def test_certificate_ending_exactly_at_min_days_fails_as_openssl_checkend_says():
    result = judge_cert(NOW + 30 * DAY)
    assert result.status is Status.FAIL
    assert result.value == {"not_after": "2027-02-14T08:00:00Z", "subject": "lab"}
    assert result.reason == (
        "/etc/ssl/patrol/lab.pem expires 2027-02-14 (30 days left, minimum 30 days)"
    )


def test_certificate_one_second_beyond_min_days_passes():
    assert judge_cert(NOW + 30 * DAY + 1).status is Status.PASS


def test_certificate_one_second_short_fails():
    result = judge_cert(NOW + 30 * DAY - 1)
    assert result.status is Status.FAIL
    assert "29 days left" in result.reason


def test_certificate_expired_fails():
    result = judge_cert(NOW - 3 * DAY)
    assert result.status is Status.FAIL
    assert result.reason == "/etc/ssl/patrol/lab.pem expired 2027-01-12 (3 days ago)"


def test_certificate_value_does_not_change_with_time():
    assert judge_cert(NOW + 90 * DAY).value == judge_cert(NOW + 90 * DAY, now=NOW + DAY).value


def test_certificate_missing_fails():
    params = certificate_expiry.Params(path="/etc/ssl/patrol/lab.pem")
    result = certificate_expiry.judge({"exists": False, "now": NOW}, params, StubHost())
    assert result.status is Status.FAIL


def judge_fresh(mtime, now=NOW, max_age_hours=26):
    measured = {"exists": True, "mode": "0644", "owner": "root", "group": "root",
                "mtime": mtime, "now": now, "type": "file"}  # fmt: skip
    params = file_freshness.Params(path="/var/backups/patrol-last-backup", max_age_hours=26)
    return file_freshness.judge(measured, params, StubHost())


def test_freshness_exactly_at_max_age_passes():
    result = judge_fresh(NOW - 26 * 3600)
    assert result.status is Status.PASS
    assert result.value == {"mtime": "2027-01-14T06:00:00Z"}


def test_freshness_one_second_older_fails():
    result = judge_fresh(NOW - 26 * 3600 - 1)
    assert result.status is Status.FAIL
    assert result.reason == ("/var/backups/patrol-last-backup modified 26.0 h ago, limit 26 h")


def test_freshness_future_mtime_fails_as_a_clock_or_restore_problem():
    result = judge_fresh(NOW + 2 * 3600)
    assert result.status is Status.FAIL
    assert result.reason == (
        "/var/backups/patrol-last-backup modified in the future: clock or restore problem "
        "(2027-01-15T10:00:00Z, 2 hours ahead of the host's clock)"
    )


def test_freshness_missing_file_fails():
    params = file_freshness.Params(path="/var/backups/patrol-last-backup")
    result = file_freshness.judge({"exists": False, "now": NOW}, params, StubHost())
    assert result.status is Status.FAIL
    assert result.reason == "/var/backups/patrol-last-backup does not exist"


# --- values are plain data ----------------------------------------------------------------


def test_values_and_reasons_are_plain_one_line_data():
    cases = [
        judge_fs({"/": fs(91, 9)}),
        judge_mem(1000, 50),
        judge_load(1.0, 2),
        judge_upg(upgrades(2, 1)),
        judge_ports([22], expected=[22]),
        judge_mode(SHADOW, mode="0640"),
        judge_cert(NOW + DAY),
        judge_fresh(NOW),
    ]
    for result in cases:
        json.dumps(result.value)
        assert "\n" not in result.reason and result.reason


def test_filesystem_mounted_at_several_points_is_judged_once_naming_them():
    measured = {"/srv/a": {**fs(91, 9), "also": ["/srv/b"]}, "/": fs(10, 90)}
    result = filesystem_usage.judge(measured, filesystem_usage.Params(max_percent=85))
    assert result.status is Status.FAIL
    assert result.reason == "/srv/a (also /srv/b) 91% used, limit 85%"
    assert result.value == {"/": 10, "/srv/a": 91}
    only_b = filesystem_usage.Params(max_percent=85, include=["/srv/b"])
    assert filesystem_usage.judge(measured, only_b).value == {"/srv/a": 91}


def _cron(process, **extra):
    return {"cron": {"rc": 0, "output": "cron is running.", "pid_file": "/var/run/crond.pid",
                     "daemon": "/usr/sbin/cron", "process": process, **extra}}


def test_service_whose_pid_is_a_zombie_fails_though_its_status_says_running():
    params = service_running.Params(services=["cron"])
    zombie = {"pid": 812, "alive": True, "state": "Z", "exe": None, "comm": "cron"}
    result = service_running.judge(_cron(zombie), params)
    assert result.status is Status.FAIL
    assert result.value == {"cron": "zombie"}
    assert result.reason == "cron: pid 812 from /var/run/crond.pid is a zombie (defunct cron)"


def test_service_whose_pid_is_another_program_fails_naming_it():
    params = service_running.Params(services=["cron"])
    other = {"pid": 812, "alive": True, "state": "S", "exe": "/usr/bin/sleep", "comm": "sleep",
             "is_daemon": False}
    result = service_running.judge(_cron(other), params)
    assert result.value == {"cron": "not its process"}
    assert result.reason == "cron: pid 812 from /var/run/crond.pid is /usr/bin/sleep, " \
        "not /usr/sbin/cron"  # fmt: skip
    gone = service_running.judge(_cron({"pid": 812, "alive": False}), params)
    assert gone.reason == "cron: pid 812 from /var/run/crond.pid is not running"
    mine = {"pid": 812, "alive": True, "state": "S", "exe": "/usr/sbin/cron", "is_daemon": True}
    assert service_running.judge(_cron(mine), params).status is Status.PASS


def test_sshd_allow_list_of_one_synonym_accepts_the_other_spelling():
    # sshd -T prints without-password for PermitRootLogin prohibit-password
    measured = {"permitrootlogin": "without-password", "passwordauthentication": "no"}
    result = judge_sshd(measured, permit_root_login="prohibit-password")
    assert result.status is Status.PASS, result.reason
    assert result.value["permitrootlogin"] == "without-password"  # what sshd printed


def test_sshd_keyword_aliases_name_the_keyword_sshd_prints():
    params = sshd_config.Params(permit_root_login=None, password_authentication=None,
                                settings={"ChallengeResponseAuthentication": "no"})
    assert sshd_config.measure(params, StubHost()).args == {
        "keys": ["kbdinteractiveauthentication"]}
    with pytest.raises(ValueError, match="listed already"):
        sshd_config.Params(settings={"ChallengeResponseAuthentication": "no",
                                     "KbdInteractiveAuthentication": "no"})


def test_sshd_block_no_connection_satisfies_is_judged_by_what_it_sets():
    measured = {
        "settings": {"permitrootlogin": "without-password", "passwordauthentication": "no"},
        "connections": [],
        "matches": [{"criteria": "Group wheel", "file": "/etc/ssh/sshd_config", "line": 7,
                     "settings": {"passwordauthentication": "yes"}, "underivable": True}],
    }
    result = sshd_config.judge(measured, sshd_config.Params(), StubHost())
    assert result.status is Status.FAIL
    assert result.reason == ("passwordauthentication yes in Match Group wheel at "
                             "/etc/ssh/sshd_config:7 (no connection satisfies it now), "
                             "allowed no")
