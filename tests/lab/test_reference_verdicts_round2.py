"""Verdicts round 2: each state where Patrol and the reference tool disagreed, induced on a lab
host and judged by both in the same minute: sshd's own ``sshd -T -C`` for Match blocks and
synonyms, the live daemon's answer for a pending reload, ``dpkg --compare-versions`` for
versions, ``ps`` for a service's process, ``df`` for a filesystem mounted twice; and for the
new kinds ``sysctl -n``, ``needrestart -b``/``/proc/PID/maps``, ``pidof``, ``chage``.
Every test restores the host."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from runner.inspect import inspect
from runner.results import Result, Status

from .test_reference_verdicts import banner_seen, reload_sshd, sh, sshd_t

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.lab

Checks = Callable[..., dict[str, Result]]


@pytest.fixture
def verdicts(lab, tmp_path: Path) -> Iterator[Checks]:
    """Run a one-off checklist on one lab host; ``software`` replaces what the estate declares
    for it (drift's input)."""
    estate = tmp_path / "estate"
    estate.mkdir()
    for part in ("inventory", "policies"):
        shutil.copytree(ROOT / part, estate / part)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=estate, check=True)

    def run(host: str, checks: list[dict], software: dict[str, str] | None = None
            ) -> dict[str, Result]:
        if software is not None:
            for path in (estate / "inventory/hosts").glob("*.yaml"):
                data = yaml.safe_load(path.read_text())
                for entry in data["hosts"]:
                    if entry["name"] == host:
                        entry["software"] = software
                        path.write_text(yaml.safe_dump(data, sort_keys=False))
        checklist = {"name": "Reference 2", "cadence": "daily", "hosts": "all", "checks": checks}
        path = estate / "policies/inspections/reference2.yaml"
        path.write_text(yaml.safe_dump(checklist, sort_keys=False))
        run = inspect(estate, "reference2", limit=host, commit=False,
                      connections=lab.ansible_vars())
        assert run.results[host].reachable, run.results[host].message
        return run.results[host].checks

    yield run


DROP_IN = "/etc/ssh/sshd_config.d/zz-patrol-round2.conf"
SSHD = {"id": "sshd", "kind": "sshd_config", "severity": "critical", "params": {}}
RELOAD = {"id": "reload", "kind": "sshd_reload", "severity": "high", "params": {}}


def drop_in_removed(lab, host: str) -> None:
    sh(lab, host, f"rm -f {DROP_IN}")


# --- 1. every connection the config distinguishes --------------------------------------------


def test_match_blocks_for_another_network_and_another_user_fail_unnamed(lab, verdicts):
    host = "web-02"
    addr = lab.address(host)
    sh(lab, host, f"printf 'Match Address 192.0.2.0/24\\n    PermitRootLogin yes\\n"
                  f"Match User deploy\\n    PasswordAuthentication yes\\n' > {DROP_IN}")
    try:
        far = sshd_t(lab, host, f"user=root,host=192.0.2.1,addr=192.0.2.1,laddr={addr},lport=22")
        deploy = sshd_t(lab, host,
                        f"user=deploy,host=203.0.113.1,addr=203.0.113.1,laddr={addr},lport=22")
        outside = sshd_t(lab, host)
        result = verdicts(host, [SSHD])["sshd"]  # the checklist names no connection
    finally:
        drop_in_removed(lab, host)
    assert (outside["permitrootlogin"], outside["passwordauthentication"]) == (
        "without-password", "no")
    assert far["permitrootlogin"] == "yes"  # sshd: root from that network may log in
    assert deploy["passwordauthentication"] == "yes"
    assert result.status is Status.FAIL
    assert (f"permitrootlogin {far['permitrootlogin']} for root from 192.0.2.1 to {addr}:22 "
            f"(Match Address 192.0.2.0/24 at {DROP_IN}:1)") in result.reason
    assert (f"passwordauthentication {deploy['passwordauthentication']} for deploy from "
            f"203.0.113.1 to {addr}:22 (Match User deploy at {DROP_IN}:3)") in result.reason


def test_an_allow_list_of_prohibit_password_accepts_what_sshd_t_prints(lab, verdicts):
    host = "web-01"
    printed = sshd_t(lab, host)["permitrootlogin"]
    check = {**SSHD, "params": {"permit_root_login": "prohibit-password"}}
    result = verdicts(host, [check])["sshd"]
    assert printed == "without-password"  # sshd -T's spelling of prohibit-password
    assert result.status is Status.PASS, result.reason
    assert result.value["permitrootlogin"] == printed


# --- 2. a reload check that sees content -------------------------------------------------------

BANNER_DROP_IN = "/etc/ssh/sshd_config.d/zz-patrol-banner2.conf"


def test_a_reverted_config_with_its_old_time_kept_is_still_pending(lab, verdicts):
    host = "db-01"
    sh(lab, host, "echo PATROL-LAB-BANNER > /etc/issue.patrol")
    sh(lab, host, f"echo 'Banner /etc/issue.patrol' > {BANNER_DROP_IN}; "
                  f"touch -d '2020-01-01 00:00' {BANNER_DROP_IN}")
    reload_sshd(lab, host)
    try:
        assert banner_seen(lab, host)
        # the edit an administrator restores from a backup: cp -p keeps the old mtime
        sh(lab, host, f"echo '# Banner reverted' > /tmp/reverted.conf; "
                      f"touch -d '2020-01-01 00:00' /tmp/reverted.conf; "
                      f"cp -p /tmp/reverted.conf {BANNER_DROP_IN}")
        older = int(sh(lab, host, f"stat -c %Y {BANNER_DROP_IN}"))
        pid_file = int(sh(lab, host, "stat -c %Y /run/sshd.pid"))
        assert older < pid_file  # by modification times, nothing changed since sshd started
        assert sshd_t(lab, host)["banner"] == "none"
        live = banner_seen(lab, host)  # the daemon still shows it: the reference
        pending = verdicts(host, [RELOAD])["reload"]
    finally:
        sh(lab, host, f"rm -f {BANNER_DROP_IN} /etc/issue.patrol /tmp/reverted.conf")
        reload_sshd(lab, host)
    assert live
    assert pending.status is Status.FAIL
    assert pending.reason.startswith(
        f"{BANNER_DROP_IN} is not what the running sshd read: reload pending")


def test_touching_an_unchanged_config_is_no_pending_reload(lab, verdicts):
    host = "db-02"
    reload_sshd(lab, host)
    sh(lab, host, "sleep 1; touch /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf")
    newer = int(sh(lab, host, "stat -c %Y /etc/ssh/sshd_config"))
    pid_file = int(sh(lab, host, "stat -c %Y /run/sshd.pid"))
    # the reference: what the daemon does is what the files say
    assert not banner_seen(lab, host)
    assert sshd_t(lab, host)["banner"] == "none"
    result = verdicts(host, [RELOAD])["reload"]
    assert newer > pid_file  # by modification times, a reload looks pending
    assert result.status is Status.PASS, result.reason
    assert "with the content sshd read" in result.reason


# --- 3. versions as dpkg compares them ---------------------------------------------------------


def test_a_declared_epoch_zero_matches_as_dpkg_compare_versions_says(lab, verdicts):
    host = "app-01"
    installed = sh(lab, host, "dpkg-query -W -f '${Version}' patrol-agent")
    same = lab.run(host, f"dpkg --compare-versions {installed} eq 0:{installed}").returncode == 0
    checks = [{"id": "agent", "kind": "package_version", "severity": "high",
               "params": {"packages": {"patrol-agent": f"0:{installed}"}}},
              {"id": "drift", "kind": "drift", "severity": "medium", "params": {}}]
    results = verdicts(host, checks, software={"patrol-agent": f"0:{installed}"})
    assert same
    assert results["agent"].status is Status.PASS, results["agent"].reason
    assert results["drift"].status is Status.PASS, results["drift"].reason


# --- 4. a service judged by its process ----------------------------------------------------------

CRON = {"id": "cron", "kind": "service_running", "severity": "high",
        "params": {"services": ["cron"]}}


def ps_of(lab, host: str, pid: int) -> tuple[str, str]:
    """ps's view of a pid: its state letter and its command name."""
    out = sh(lab, host, f"ps -o stat=,comm= -p {pid}").split()
    return out[0][0], out[1]


def test_a_pid_file_naming_a_zombie_or_another_program_is_not_running(lab, verdicts):
    host = "app-02"
    # a zombie: a child that exited, its parent (exec'd into sleep) never reaping it
    sh(lab, host, "setsid sh -c 'sleep 0 & echo $! > /tmp/zombie; exec sleep 300' "
                  ">/dev/null 2>&1 < /dev/null & sleep 0.5")
    zombie = int(sh(lab, host, "cat /tmp/zombie"))
    sh(lab, host, "setsid sleep 300 >/dev/null 2>&1 < /dev/null & echo $! > /tmp/other")
    other = int(sh(lab, host, "cat /tmp/other"))
    try:
        sh(lab, host, f"echo {zombie} > /var/run/crond.pid")
        status_zombie = lab.run(host, "service cron status").returncode
        as_zombie = verdicts(host, [CRON])["cron"]
        sh(lab, host, f"echo {other} > /var/run/crond.pid")
        status_other = lab.run(host, "service cron status").returncode
        as_other = verdicts(host, [CRON])["cron"]
        ps_zombie, ps_other = ps_of(lab, host, zombie), ps_of(lab, host, other)
    finally:
        sh(lab, host, "rm -f /var/run/crond.pid /tmp/zombie /tmp/other; pkill -x sleep -P 1 "
                      "|| true")
    assert (status_zombie, status_other) == (0, 0)  # the init script believes both
    assert ps_zombie == ("Z", "sleep")
    assert ps_other == ("S", "sleep")
    assert as_zombie.status is Status.FAIL
    assert as_zombie.reason == f"cron: pid {zombie} from /var/run/crond.pid is a zombie " \
        f"(defunct {ps_zombie[1]})"  # fmt: skip
    assert as_other.status is Status.FAIL
    assert as_other.reason == f"cron: pid {other} from /var/run/crond.pid is /usr/bin/sleep, " \
        "not /usr/sbin/cron"  # fmt: skip


# --- 5. one filesystem once ----------------------------------------------------------------------


def test_a_tmpfs_mounted_twice_is_one_filesystem_as_df_shows_it(lab, verdicts):
    host = "mon-01"
    lab.disk_attach(host, "/srv/twice", "16M")
    sh(lab, host, "mkdir -p /srv/again && mount --bind /srv/twice /srv/again")
    try:
        sh(lab, host, "head -c 14000000 /dev/zero > /srv/twice/fill; sync")
        df = sh(lab, host, "df --output=target,pcent | tr -s ' '").splitlines()
        result = verdicts(host, [{"id": "disk", "kind": "filesystem_usage", "severity": "high",
                                  "params": {"max_percent": 80,
                                             "include": ["/srv/twice", "/srv/again"]}}])["disk"]
    finally:
        sh(lab, host, "umount /srv/again; rmdir /srv/again")
        lab.disk_detach(host, "/srv/twice")
    planted = ("/srv/twice ", "/srv/again ")
    shown = [line.split()[0] for line in df if line.startswith(planted)]
    pcent = next(line.split()[1] for line in df if line.startswith(planted))
    assert len(shown) == 1  # df shows one filesystem
    assert result.status is Status.FAIL
    assert list(result.value) == shown
    other = "/srv/again" if shown[0] == "/srv/twice" else "/srv/twice"
    assert result.reason == f"{shown[0]} (also {other}) {pcent} used, limit 80%"


# --- 6. the new kinds against their reference ---------------------------------------------


def test_a_kernel_parameter_off_its_value_fails_as_sysctl_shows_it(lab, verdicts):
    host = "web-01"
    key = "net.ipv4.conf.all.accept_redirects"
    check = {"id": "net", "kind": "sysctl", "severity": "medium",
             "params": {"expected": {key: 0}}}
    clean = verdicts(host, [check])["net"]
    sh(lab, host, f"sysctl -q -w {key}=1")
    try:
        reference = sh(lab, host, f"sysctl -n {key}").strip()
        damaged = verdicts(host, [check])["net"]
    finally:
        sh(lab, host, f"sysctl -q -w {key}=0")
    assert clean.status is Status.PASS, clean.reason
    assert damaged.status is Status.FAIL
    assert damaged.reason == f"{key} = {reference}, expected 0"


RESTART = {"id": "restart", "kind": "restart_needed", "severity": "medium", "params": {}}


def test_a_daemon_on_a_replaced_library_needs_a_restart_as_needrestart_says(lab, verdicts):
    host = "app-01"
    sh(lab, host, "service cron start >/dev/null")
    pid = int(sh(lab, host, "cat /var/run/crond.pid"))
    lib = sh(lab, host, f"grep -o '/[^ ]*libpam.so[^ ]*' /proc/{pid}/maps | head -1").strip()
    try:
        before = verdicts(host, [RESTART])["restart"]
        # what dpkg does on an upgrade: a new file renamed over the old one
        sh(lab, host, f"cp -a {lib} {lib}.dpkg-new && mv {lib}.dpkg-new {lib}")
        # the kernel's view: every process mapping the replaced (deleted) file
        stale = sh(lab, host, "grep -l 'libpam.so.*(deleted)' /proc/[0-9]*/maps || true")
        names = {int(p.split("/")[2]): sh(lab, host, f"cat /proc/{p.split('/')[2]}/comm").strip()
                 for p in stale.split()}
        needrestart = sh(lab, host, "needrestart -b -r l 2>/dev/null || true")
        after = verdicts(host, [RESTART])["restart"]
    finally:
        sh(lab, host, "service cron stop >/dev/null; rm -f /var/run/crond.pid")
        reload_sshd(lab, host)  # sshd re-executes itself onto the new library
    assert before.status is Status.PASS, before.reason
    assert names[pid] == "cron"
    expected: dict[str, list[int]] = {}
    for p, name in sorted(names.items()):
        expected.setdefault(name, []).append(p)
    assert after.status is Status.FAIL
    assert after.value["processes"] == expected
    assert f"cron ({pid})" in after.reason
    # needrestart names each daemon by its init script (ssh for sshd): as many, cron among them
    services = [line.split(":", 1)[1].strip() for line in needrestart.splitlines()
                if line.startswith("NEEDRESTART-SVC:")]
    assert "cron" in services and len(services) == len(expected), needrestart


LOGGING = {"id": "ref-logging", "kind": "logging", "severity": "high", "params": {}}


def test_no_system_logger_fails_as_pidof_finds_none(lab, verdicts):
    host = "web-02"
    clean = verdicts(host, [LOGGING])["ref-logging"]
    sh(lab, host, "pkill -x syslogd; sleep 0.2")
    try:
        pidof = lab.run(host, "pidof syslogd rsyslogd syslog-ng").returncode
        damaged = verdicts(host, [LOGGING])["ref-logging"]
    finally:
        sh(lab, host, "/sbin/syslogd -C128")
    assert clean.status is Status.PASS, clean.reason
    assert pidof == 1  # pidof: no such process
    assert damaged.status is Status.FAIL
    assert damaged.reason.startswith("no system logger running")


PASSWORDS = {"id": "passwords", "kind": "password_policy", "severity": "medium",
             "params": {"max_days": 365, "umask": "027", "min_length": 12}}


def test_password_aging_off_fails_as_chage_shows_a_new_account(lab, verdicts):
    host = "db-01"
    clean = verdicts(host, [PASSWORDS])["passwords"]
    sh(lab, host, "cp -p /etc/login.defs /tmp/login.defs; "
                  "sed -i 's/^PASS_MAX_DAYS.*/PASS_MAX_DAYS\\t99999/' /etc/login.defs")
    try:
        sh(lab, host, "useradd patrol-probe")
        chage = sh(lab, host, "chage -l patrol-probe | grep '^Maximum'").split(":")[1].strip()
        damaged = verdicts(host, [PASSWORDS])["passwords"]
    finally:
        sh(lab, host, "userdel patrol-probe; cp -p /tmp/login.defs /etc/login.defs")
    assert clean.status is Status.PASS, clean.reason
    assert damaged.status is Status.FAIL
    assert damaged.reason == f"PASS_MAX_DAYS {chage}, at most 365"
