"""The check kinds of verdicts round 2 (sysctl, restart_needed, logging, password_policy):
their probes on planted files and their judges on plain data."""

from __future__ import annotations

import os
import socket

import pytest
from pydantic import ValidationError

from runner.checks import logging, password_policy, restart_needed, sysctl
from runner.results import Status

# --- sysctl ---------------------------------------------------------------------------------


def test_sysctl_reads_proc_sys_as_sysctl_prints_it(pm, tmp_path):
    (tmp_path / "net/ipv4/conf/all").mkdir(parents=True)
    (tmp_path / "net/ipv4/conf/all/accept_redirects").write_text("1\n")
    (tmp_path / "net/ipv4").joinpath("ip_local_port_range").write_text("32768\t60999\n")
    measured = pm.probe_sysctl(["net.ipv4.conf.all.accept_redirects",
                                "net.ipv4.ip_local_port_range", "kernel.nope"], root=str(tmp_path))
    assert measured == {"net.ipv4.conf.all.accept_redirects": "1",
                        "net.ipv4.ip_local_port_range": "32768 60999", "kernel.nope": None}


def test_sysctl_fails_naming_each_parameter_off_its_expected_value():
    params = sysctl.Params(expected={"net.ipv4.conf.all.accept_redirects": 0,
                                     "kernel.kptr_restrict": [1, 2], "kernel.nope": "1",
                                     "net.ipv4.ip_local_port_range": "32768   60999"})
    measured = {"net.ipv4.conf.all.accept_redirects": "1", "kernel.kptr_restrict": "2",
                "kernel.nope": None, "net.ipv4.ip_local_port_range": "32768 60999"}
    result = sysctl.judge(measured, params)
    assert result.status is Status.FAIL
    assert result.reason == "kernel.nope not present; " \
        "net.ipv4.conf.all.accept_redirects = 1, expected 0"  # fmt: skip
    measured |= {"net.ipv4.conf.all.accept_redirects": "0", "kernel.nope": "1"}
    assert sysctl.judge(measured, params).status is Status.PASS


def test_sysctl_refuses_what_is_not_a_parameter():
    with pytest.raises(ValidationError, match="not a sysctl parameter"):
        sysctl.Params(expected={"../../etc/passwd": 1})
    with pytest.raises(ValidationError):
        sysctl.Params(expected={"kernel.kptr_restrict": True})


# --- restart_needed ---------------------------------------------------------------------------


def _proc(tmp_path, pid: int, comm: str, maps: list[str]):
    d = tmp_path / "proc" / str(pid)
    d.mkdir(parents=True)
    (d / "comm").write_text(comm + "\n")
    (d / "maps").write_text("".join(f"7f00-7f01 r-xp 00000000 08:01 42 {m}\n" for m in maps))


def test_restart_needed_lists_processes_mapping_deleted_files_and_the_kernels(pm, tmp_path):
    _proc(tmp_path, 10, "cron", ["/usr/lib/x86_64-linux-gnu/libpam.so.0.85.1 (deleted)",
                                 "/usr/sbin/cron"])
    _proc(tmp_path, 11, "sshd", ["/usr/sbin/sshd"])
    _proc(tmp_path, 12, "app", ["/dev/shm/x (deleted)", "/memfd:buf (deleted)",
                                "/tmp/y (deleted)"])
    boot = tmp_path / "boot"
    boot.mkdir()
    for release in ("6.1.0-9-amd64", "6.1.0-10-amd64"):
        (boot / f"vmlinuz-{release}").write_text("")
    measured = pm.probe_restart_needed(proc=str(tmp_path / "proc"), boot=str(boot))
    assert measured["processes"] == [{"pid": 10, "comm": "cron", "deleted": [
        "/usr/lib/x86_64-linux-gnu/libpam.so.0.85.1"]}]
    assert measured["kernel"]["newest"] == "6.1.0-10-amd64"  # 10 after 9, as numbers
    assert measured["kernel"]["running"] == os.uname().release


def test_restart_needed_fails_for_stale_processes_and_an_older_running_kernel():
    measured = {"processes": [{"pid": 10, "comm": "cron", "deleted": ["/usr/lib/libpam.so.0"]},
                              {"pid": 12, "comm": "cron", "deleted": ["/usr/lib/libpam.so.0"]},
                              {"pid": 20, "comm": "agetty", "deleted": ["/usr/lib/libc.so.6"]}],
                "kernel": {"running": "6.1.0-9-amd64", "newest": "6.1.0-10-amd64"}}
    params = restart_needed.Params(ignore=["agetty"])
    result = restart_needed.judge(measured, params)
    assert result.status is Status.FAIL
    assert result.reason == ("2 processes use deleted files, restart: cron (10, 12); "
                             "kernel 6.1.0-9-amd64 runs, 6.1.0-10-amd64 is installed: reboot")
    assert result.value["processes"] == {"cron": [10, 12]}
    clean = {"processes": [], "kernel": {"running": "6.1.0-10-amd64", "newest": None}}
    passed = restart_needed.judge(clean, restart_needed.Params())
    assert passed.status is Status.PASS
    assert "no kernel image in /boot" in passed.reason


# --- logging ------------------------------------------------------------------------------------


def _stat(tmp_path, pid: int, comm: str, state: str = "S"):
    d = tmp_path / "proc" / str(pid)
    d.mkdir(parents=True)
    (d / "stat").write_text(f"{pid} ({comm}) {state} 1 1 1 0 -1\n")


def test_logging_finds_live_loggers_not_zombies(pm, tmp_path):
    _stat(tmp_path, 5, "syslogd")
    _stat(tmp_path, 6, "rsyslogd", "Z")
    _stat(tmp_path, 7, "sleep")
    sock_path = tmp_path / "log"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(sock_path))
        measured = pm.probe_logging(log_dir=str(tmp_path), proc=str(tmp_path / "proc"),
                                    socket_path=str(sock_path))
    assert measured["loggers"] == {"syslogd": [5]}
    assert measured["socket"] is True
    assert measured["log_dir"]["exists"] and measured["log_dir"]["read_only"] is False
    nothing = pm.probe_logging(log_dir=str(tmp_path / "none"), proc=str(tmp_path / "proc"),
                               socket_path=str(tmp_path / "nosock"))
    assert (nothing["socket"], nothing["log_dir"]) == (False, {
        "path": str(tmp_path / "none"), "exists": False})


def test_logging_fails_without_a_logger_or_a_writable_log_dir():
    ok_dir = {"path": "/var/log", "exists": True, "read_only": False, "avail": 2**30}
    none = logging.judge({"loggers": {}, "socket": False, "log_dir": ok_dir}, logging.Params())
    assert none.status is Status.FAIL
    assert none.reason.startswith("no system logger running (looked for metalog, rsyslogd")
    ro = {**ok_dir, "read_only": True}
    result = logging.judge({"loggers": {"syslogd": [5]}, "socket": True, "log_dir": ro},
                           logging.Params())
    assert result.reason == "/var/log is on a read-only filesystem"
    good = logging.judge({"loggers": {"syslogd": [5]}, "socket": True, "log_dir": ok_dir},
                         logging.Params(min_free_mb=50))
    assert (good.status, good.reason) == (Status.PASS, "syslogd (5) running; /var/log writable")
    only_rsyslog = logging.Params(loggers=["rsyslogd"])
    assert logging.judge({"loggers": {"syslogd": [5]}, "socket": True, "log_dir": ok_dir},
                         only_rsyslog).status is Status.FAIL


# --- password_policy ----------------------------------------------------------------------------


def test_password_policy_reads_login_defs_pam_and_pwquality(pm, tmp_path):
    defs = tmp_path / "login.defs"
    defs.write_text("# comment\nPASS_MAX_DAYS\t99999\nUMASK\t\t022\nENCRYPT_METHOD SHA512\n")
    pam = tmp_path / "pam.d"
    pam.mkdir()
    (pam / "passwd").write_text("@include common-password\n")
    (pam / "common-password").write_text(
        "password\trequisite\t\t\tpam_pwquality.so retry=3 minlen=10\n"
        "password\t[success=1 default=ignore]\tpam_unix.so obscure yescrypt\n")
    quality = tmp_path / "pwquality.conf"
    quality.write_text("# minlen = 9\nminlen = 14\ndcredit=-1\n")
    measured = pm.probe_password_policy(str(defs), str(pam / "passwd"), str(quality))
    assert measured["login_defs"] == {"PASS_MAX_DAYS": "99999", "UMASK": "022",
                                      "ENCRYPT_METHOD": "SHA512"}
    assert [m["module"] for m in measured["pam"]] == ["pam_pwquality.so", "pam_unix.so"]
    assert measured["pwquality"]["minlen"] == "10"  # the module's argument wins
    assert measured["pwquality"]["dcredit"] == "-1"


def test_password_policy_names_each_weak_setting():
    measured = {"login_defs": {"PASS_MAX_DAYS": "99999", "UMASK": "022",
                               "ENCRYPT_METHOD": "SHA512"},
                "pam": [{"module": "pam_unix.so", "args": []}], "pwquality": {}}
    result = password_policy.judge(measured, password_policy.Params(min_rounds=10000))
    assert result.status is Status.FAIL
    assert result.reason == (
        "PASS_MAX_DAYS 99999, at most 365; SHA_CRYPT_MIN_ROUNDS unset, at least 10000; "
        "UMASK 022, at least 027; no password quality module (pam_pwquality or pam_cracklib) "
        "for passwd")
    hardened = {"login_defs": {"PASS_MAX_DAYS": "90", "UMASK": "077", "PASS_WARN_AGE": "14",
                               "ENCRYPT_METHOD": "YESCRYPT"},
                "pam": [{"module": "pam_pwquality.so", "args": []}], "pwquality": {"minlen": "12"}}
    passed = password_policy.judge(hardened, password_policy.Params(min_length=12))
    assert passed.status is Status.PASS, passed.reason
    short = password_policy.judge(hardened, password_policy.Params(min_length=14))
    assert short.reason == "minimum password length 12, at least 14"
