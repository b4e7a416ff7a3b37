"""Patrol's verdicts against the reference tools, on the same lab host: each test induces a
state (a dpkg state, an sshd Match block, a reload left pending, a disk filled to a
fraction, a short-lived certificate, a future timestamp, a held package, an extra
listener), asks the command an administrator would use (dpkg-query, sshd -T -C, ssh, df,
openssl, stat, apt-get -s upgrade, ss -ltn) and compares. Every test restores the host."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from runner.inspect import inspect
from runner.results import Result, Status

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.lab

Checks = Callable[[str, list[dict]], dict[str, Result]]


@pytest.fixture
def check(lab, tmp_path: Path) -> Iterator[Checks]:
    """Run a one-off checklist on one lab host (real SSH, real Ansible): its verdicts."""
    estate = tmp_path / "estate"
    estate.mkdir()
    for part in ("inventory", "policies"):
        shutil.copytree(ROOT / part, estate / part)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=estate, check=True)

    def run(host: str, checks: list[dict]) -> dict[str, Result]:
        checklist = {"name": "Reference", "cadence": "daily", "hosts": "all", "checks": checks}
        path = estate / "policies/inspections/reference.yaml"
        path.write_text(yaml.safe_dump(checklist, sort_keys=False))
        run = inspect(estate, "reference", limit=host, commit=False,
                      connections=lab.ansible_vars())
        assert run.results[host].reachable, run.results[host].message
        return run.results[host].checks

    yield run


def sh(lab, host: str, command: str) -> str:
    """A command on the host that must succeed; its stdout."""
    done = lab.run(host, command)
    assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    return done.stdout


def dpkg_state(lab, host: str, package: str) -> tuple[str, str]:
    """dpkg-query's view: the two-letter state (ii, iU, iF, iW, it) and the version."""
    out = sh(lab, host, f"dpkg-query -W -f '${{db:Status-Abbrev}}|${{Version}}' {package}")
    abbrev, _, version = out.partition("|")
    return abbrev.strip()[:2], version


# --- 1. dpkg states ------------------------------------------------------------------------

PACKAGE_CHECKS = [
    {"id": "agent", "kind": "package_version", "severity": "high",
     "params": {"packages": {"patrol-agent": None}}},
    {"id": "drift", "kind": "drift", "severity": "medium", "params": {}},
]  # fmt: skip
POOL = "/srv/patrol-apt/pool"
AGENT_OLD = f"{POOL}/bookworm/main/patrol-agent_1.0.0-1_all.deb"
AGENT_NEW = f"{POOL}/bookworm-security/main/patrol-agent_1.1.0-1_all.deb"


def build_deb(lab, host: str, name: str, *, triggers: str = "", postinst: str = "") -> str:
    """A tiny package built on the host with dpkg-deb; returns the .deb's path."""
    root = f"/tmp/{name}"
    script = [f"rm -rf {root}", f"mkdir -p {root}/DEBIAN",
              f"printf 'Package: {name}\\nVersion: 1.0\\nArchitecture: all\\n"
              f"Maintainer: lab <lab@example.com>\\nDescription: Patrol lab test\\n' "
              f"> {root}/DEBIAN/control"]  # fmt: skip
    if triggers:
        script.append(f"printf '{triggers}\\n' > {root}/DEBIAN/triggers")
    if postinst:
        script.append(f"printf '#!/bin/sh\\n{postinst}\\n' > {root}/DEBIAN/postinst")
        script.append(f"chmod 0755 {root}/DEBIAN/postinst")
    script.append(f"dpkg-deb --root-owner-group -b {root} {root}.deb >/dev/null")
    sh(lab, host, " && ".join(script))
    return f"{root}.deb"


def test_unpacked_package_is_reported_as_dpkg_query_sees_it(lab, check):
    host = "app-02"
    assert dpkg_state(lab, host, "patrol-agent") == ("ii", "1.0.0-1")
    sh(lab, host, f"dpkg --unpack {AGENT_NEW} >/dev/null")
    try:
        state, version = dpkg_state(lab, host, "patrol-agent")
        assert state == "iU"
        results = check(host, PACKAGE_CHECKS)
    finally:
        sh(lab, host, f"dpkg -i {AGENT_OLD} >/dev/null 2>&1")
    assert dpkg_state(lab, host, "patrol-agent") == ("ii", "1.0.0-1")
    agent, drifted = results["agent"], results["drift"]
    assert agent.status is Status.FAIL
    assert agent.reason == f"patrol-agent {version} unpacked, not configured"
    assert agent.value == {"patrol-agent": {"version": version, "state": "unpacked"}}
    assert drifted.status is Status.FAIL
    assert "not installed" not in drifted.reason
    assert f"{version} unpacked, not configured" in drifted.reason


def test_packages_waiting_on_triggers_are_installed(lab, check):
    host = "app-02"
    deb = build_deb(lab, host, "patrol-trig", triggers="interest /usr/share/doc/patrol-agent")
    sh(lab, host, f"dpkg -i {deb} >/dev/null")
    try:
        # what an interrupted apt run leaves: the trigger activated, never run
        sh(lab, host, f"dpkg --no-triggers -i {AGENT_OLD} >/dev/null")
        agent_state, agent_version = dpkg_state(lab, host, "patrol-agent")
        trig_state, trig_version = dpkg_state(lab, host, "patrol-trig")
        assert (agent_state, trig_state) == ("iW", "it")
        results = check(host, [
            {"id": "both", "kind": "package_version", "severity": "high",
             "params": {"packages": {"patrol-agent": agent_version, "patrol-trig": None}}},
            PACKAGE_CHECKS[1],
        ])  # fmt: skip
    finally:
        sh(lab, host, "dpkg --triggers-only --pending >/dev/null; "
                      "dpkg --purge patrol-trig >/dev/null")
    assert dpkg_state(lab, host, "patrol-agent") == ("ii", "1.0.0-1")
    assert results["both"].status is Status.PASS, results["both"].reason
    assert results["both"].value == {"patrol-agent": agent_version, "patrol-trig": trig_version}
    assert results["drift"].status is Status.PASS, results["drift"].reason


def test_failed_configuration_is_half_configured_not_absent(lab, check):
    host = "app-02"
    deb = build_deb(lab, host, "patrol-broken", postinst="exit 1")
    lab.run(host, f"dpkg -i {deb} >/dev/null 2>&1")  # fails in postinst, as meant
    try:
        state, version = dpkg_state(lab, host, "patrol-broken")
        assert state == "iF"
        results = check(host, [
            {"id": "broken", "kind": "package_version", "severity": "high",
             "params": {"packages": {"patrol-broken": None}}},
        ])  # fmt: skip
    finally:
        sh(lab, host, "dpkg --purge patrol-broken >/dev/null 2>&1")
    assert lab.run(host, "dpkg-query -W patrol-broken 2>/dev/null").returncode != 0
    assert results["broken"].status is Status.FAIL
    assert results["broken"].reason == (
        f"patrol-broken {version} half-configured: its configuration failed"
    )


# --- 2. sshd Match blocks ------------------------------------------------------------------

SSHD_CHECK = {"id": "sshd", "kind": "sshd_config", "severity": "critical",
              "params": {"connections": [{"user": "deploy", "addr": "198.51.100.7"}]}}  # fmt: skip
DROP_IN = "/etc/ssh/sshd_config.d/zz-patrol-test.conf"


def sshd_t(lab, host: str, spec: str | None = None) -> dict[str, str]:
    out = sh(lab, host, "sshd -T" + (f" -C {spec}" if spec else ""))
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


def test_match_block_opening_root_password_login_fails_like_sshd_t_c(lab, check):
    host = "web-02"
    addr = lab.address(host)
    confd_mtime = sh(lab, host, "stat -c %Y /etc/ssh/sshd_config.d").strip()
    sh(lab, host, f"printf 'Match Address 10.123.0.0/24\\n    PermitRootLogin yes\\n"
                  f"    PasswordAuthentication yes\\nMatch User deploy\\n"
                  f"    PasswordAuthentication yes\\n' > {DROP_IN}")  # fmt: skip
    try:
        outside = sshd_t(lab, host)
        root_here = sshd_t(lab, host, f"user=root,host={addr},addr={addr},laddr={addr},lport=22")
        root_far = sshd_t(
            lab, host, f"user=root,host=203.0.113.1,addr=203.0.113.1,laddr={addr},lport=22"
        )
        deploy = sshd_t(lab, host, "user=deploy,host=198.51.100.7,addr=198.51.100.7,lport=22")
        results = check(host, [SSHD_CHECK])
    finally:
        sh(lab, host, f"rm -f {DROP_IN}; touch -m -d @{confd_mtime} /etc/ssh/sshd_config.d")
    # the reference: sshd's own evaluation of the Match blocks
    assert outside["permitrootlogin"] in ("without-password", "prohibit-password")
    assert (root_here["permitrootlogin"], root_here["passwordauthentication"]) == ("yes", "yes")
    assert root_far["permitrootlogin"] == outside["permitrootlogin"]
    assert deploy["passwordauthentication"] == "yes"

    sshd = results["sshd"]
    assert sshd.status is Status.FAIL
    here = f"root from {addr} to {addr}:22"
    assert sshd.value["match"][here] == {
        "passwordauthentication": root_here["passwordauthentication"],
        "permitrootlogin": root_here["permitrootlogin"],
    }
    assert f"root from 203.0.113.1 to {addr}:22" not in sshd.value["match"]
    assert sshd.value["permitrootlogin"] == outside["permitrootlogin"]
    # the block's own connection (the first address of its network) is judged too
    derived = f"root from 10.123.0.1 to {addr}:22"
    assert f"permitrootlogin yes for {here}, {derived} (Match Address 10.123.0.0/24 at " \
        f"{DROP_IN}:1)" in sshd.reason  # fmt: skip
    # the block's own connection first, then the one the checklist names
    assert f"passwordauthentication yes for deploy from 203.0.113.1 to {addr}:22, deploy from " \
        f"198.51.100.7 (Match User deploy at {DROP_IN}:4)" in sshd.reason  # fmt: skip


# --- 3. the running daemon, not only the files ---------------------------------------------

BANNER_DROP_IN = "/etc/ssh/sshd_config.d/zz-patrol-banner.conf"
RELOAD_CHECK = {"id": "reload", "kind": "sshd_reload", "severity": "high", "params": {}}


def reload_sshd(lab, host: str) -> None:
    """``service ssh reload`` and wait until the re-executed daemon listens again. sshd
    re-executes itself in place (its pid stays), then rewrites its pid file: wait for the
    file's new time, never for a new pid."""
    before = sh(lab, host, "stat -c %.9Y /run/sshd.pid").strip()
    sh(lab, host, "service ssh reload >/dev/null")
    sh(lab, host, f"for i in $(seq 100); do [ \"$(stat -c %.9Y /run/sshd.pid 2>/dev/null)\" "
                  f"!= {before} ] && ss -ltn | grep -q ':22 ' && exit 0; sleep 0.1; done; "
                  "exit 1")  # fmt: skip


def banner_seen(lab, host: str) -> bool:
    """What the running daemon does: does an SSH client get the banner?"""
    done = lab.ssh(host, "true")
    assert done.returncode == 0, done.stderr
    return "PATROL-LAB-BANNER" in done.stderr


def test_config_reverted_without_reload_is_a_pending_reload(lab, check):
    host = "web-01"
    sh(lab, host, "echo PATROL-LAB-BANNER > /etc/issue.patrol")
    sh(lab, host, f"echo 'Banner /etc/issue.patrol' > {BANNER_DROP_IN}")
    reload_sshd(lab, host)
    try:
        assert banner_seen(lab, host)
        reloaded = check(host, [RELOAD_CHECK])["reload"]
        # revert in the file only: sshd -T now says no banner, the daemon still shows it
        sh(lab, host, f"sleep 1; echo '# Banner reverted' > {BANNER_DROP_IN}")
        assert sshd_t(lab, host)["banner"] == "none"
        assert banner_seen(lab, host)
        pending = check(host, [RELOAD_CHECK])["reload"]
        changed = int(sh(lab, host, f"stat -c %Z {BANNER_DROP_IN}"))
        reload_sshd(lab, host)
        assert not banner_seen(lab, host)
        after = check(host, [RELOAD_CHECK])["reload"]
    finally:
        sh(lab, host, f"rm -f {BANNER_DROP_IN} /etc/issue.patrol")
        reload_sshd(lab, host)
    assert not banner_seen(lab, host)
    assert reloaded.status is Status.PASS, reloaded.reason
    assert pending.status is Status.FAIL
    iso = lambda t: datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    assert pending.reason.startswith(
        f"{BANNER_DROP_IN} is not what the running sshd read: reload pending "
        f"(changed {iso(changed)}, sshd started ")
    assert after.status is Status.PASS, after.reason


# --- 4. exact thresholds -------------------------------------------------------------------


def test_usage_between_a_fractional_limit_and_dfs_rounded_percent_passes(lab, check):
    host = "db-02"
    mount = "/srv/exact"
    lab.disk_attach(host, mount, "16M")
    try:
        df = sh(lab, host, f"df -B1 --output=used,avail {mount} | tail -1")
        used, avail = map(int, df.split())
        fill = (used + avail) * 604 // 1000 - used  # about 60.4 % used
        sh(lab, host, f"head -c {fill} /dev/zero > {mount}/fill; sync")
        out = sh(lab, host, f"df -B1 --output=used,avail,pcent {mount} | tail -1").split()
        used, avail, pcent = int(out[0]), int(out[1]), int(out[2].rstrip("%"))
        exact = Fraction(used * 100, used + avail)
        above = Fraction(-(-exact * 10 // 1), 10)  # the limit just above: 60.4 -> 60.5
        below = above - Fraction(1, 10)
        assert below < exact <= above < pcent, (exact, pcent)  # df's 61 % would fail 60.5
        results = check(host, [
            {"id": "above", "kind": "filesystem_usage", "severity": "high",
             "params": {"max_percent": float(above), "include": [mount]}},
            {"id": "below", "kind": "filesystem_usage", "severity": "high",
             "params": {"max_percent": float(below), "include": [mount]}},
            {"id": "whole", "kind": "filesystem_usage", "severity": "high",
             "params": {"max_percent": 100, "include": [mount]}},
        ])  # fmt: skip
    finally:
        lab.disk_detach(host, mount)
    assert results["above"].status is Status.PASS, results["above"].reason
    assert results["above"].value == {mount: float(above)}
    assert results["below"].status is Status.FAIL
    assert results["below"].reason == f"{mount} {float(above)}% used, limit {float(below)}%"
    assert results["whole"].value == {mount: pcent}  # df's own Use%


# --- 5. small truths -----------------------------------------------------------------------


def test_certificate_hours_and_plurals_agree_with_openssl(lab, check):
    host = "mon-01"
    make = ("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
            "-days {days} -subj /CN=t -keyout /tmp/{name}.key -out /tmp/{name}.pem "
            "2>/dev/null")
    # a second passes after the certificates begin: a measurement in their first second
    # (notBefore is whole seconds) would see exactly 3 days, which the reasons below exclude
    sh(lab, host, make.format(days=3, name="three") + " && " + make.format(days=1, name="one")
       + " && sleep 1")
    try:
        before = int(sh(lab, host, "date +%s"))
        results = check(host, [
            {"id": "three", "kind": "certificate_expiry", "severity": "high",
             "params": {"path": "/tmp/three.pem", "min_days": 3}},
            {"id": "one", "kind": "certificate_expiry", "severity": "high",
             "params": {"path": "/tmp/one.pem", "min_days": 1}},
        ])  # fmt: skip
        after = int(sh(lab, host, "date +%s"))
        ends = {}
        for name, days in (("three", 3), ("one", 1)):
            end = sh(lab, host, f"openssl x509 -enddate -noout -in /tmp/{name}.pem").strip()
            ends[name] = datetime.strptime(end.removeprefix("notAfter="), "%b %d %H:%M:%S %Y %Z")
            # openssl's own verdict: it expires within the minimum (exit 1)
            assert lab.run(host, f"openssl x509 -checkend {days * 86400} -noout "
                                 f"-in /tmp/{name}.pem").returncode == 1  # fmt: skip
    finally:
        sh(lab, host, "rm -f /tmp/three.pem /tmp/three.key /tmp/one.pem /tmp/one.key")

    def left(name: str, now: int) -> str:
        seconds = int(ends[name].replace(tzinfo=UTC).timestamp()) - now
        days, hours = seconds // 86400, seconds % 86400 // 3600
        return (f"{days} day{'s' if days != 1 else ''} " if days else "") + \
            f"{hours} hour{'s' if hours != 1 else ''} left"  # fmt: skip

    for name, minimum in (("three", "3 days"), ("one", "1 day")):
        result = results[name]
        assert result.status is Status.FAIL
        assert any(f"({left(name, t)}, minimum {minimum})" in result.reason
                   for t in (before, after)), result.reason  # fmt: skip
    assert "2 days 23 hours left" in results["three"].reason


def test_backup_marker_dated_in_the_future_fails(lab, check):
    host = "backup-01"
    marker = "/var/backups/patrol-last-backup"
    original = sh(lab, host, f"stat -c %Y {marker}").strip()
    sh(lab, host, f"touch -m -d '+2 hours' {marker}")
    try:
        mtime, now = (int(x) for x in sh(lab, host, f"stat -c %Y {marker}; date +%s").split())
        results = check(host, [
            {"id": "fresh", "kind": "file_freshness", "severity": "high",
             "params": {"path": marker, "max_age_hours": 26}},
        ])  # fmt: skip
    finally:
        sh(lab, host, f"touch -m -d @{original} {marker}")
    assert mtime > now  # stat's view: in the future
    fresh = results["fresh"]
    assert fresh.status is Status.FAIL
    stamp = datetime.fromtimestamp(mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert fresh.value == {"mtime": stamp}
    assert fresh.reason.startswith(
        f"{marker} modified in the future: clock or restore problem ({stamp}, "
    )


def test_held_security_update_is_kept_back_like_apt_get_upgrade(lab, check):
    host = "db-01"
    install = "DEBIAN_FRONTEND=noninteractive apt-get -qq install -y"
    sh(lab, host, "apt-get -qq update >/dev/null 2>&1; "
                  f"{install} patrol-motd=2.0-1 >/dev/null 2>&1")
    sh(lab, host, "apt-mark hold patrol-agent >/dev/null")
    try:
        simulated = sh(lab, host, "apt-get -s upgrade")
        held = set(sh(lab, host, "apt-mark showhold").split())
        results = check(host, [
            {"id": "upgrades", "kind": "pending_upgrades", "severity": "medium",
             "params": {"max": 0, "security_max": 0}},
        ])  # fmt: skip
    finally:
        sh(lab, host, "apt-mark unhold patrol-agent >/dev/null; "
                      "apt-get -qq purge -y patrol-motd >/dev/null 2>&1")  # fmt: skip
    assert lab.run(host, "dpkg-query -W patrol-motd 2>/dev/null").returncode != 0
    installs = sorted(re.findall(r"^Inst (\S+)", simulated, re.MULTILINE))
    kept = simulated.split("kept back:", 1)[1].split("\n", 2)[1].split() if "kept back:" in \
        simulated else []  # fmt: skip
    assert held == {"patrol-agent"} and "patrol-agent" in kept and installs == ["patrol-motd"]
    upgrades = results["upgrades"]
    assert upgrades.status is Status.FAIL
    assert upgrades.value["count"] == len(installs)
    assert upgrades.value["security_count"] == 0
    assert set(upgrades.value["held"]) == held
    assert upgrades.reason == (
        "1 pending upgrade (limit 0), 0 security: patrol-motd; "
        "1 held back (1 security): patrol-agent"
    )


def test_listener_outside_the_allow_list_fails_like_ss_shows_it(lab, check):
    host = "app-01"
    listen = ("import socket, time; s = socket.socket(); s.bind(('0.0.0.0', 8765)); "
              "s.listen(); time.sleep(300)")  # fmt: skip
    pid = sh(lab, host, f'setsid python3 -c "{listen}" >/dev/null 2>&1 & echo $!').strip()
    try:
        sh(lab, host, "for i in $(seq 50); do ss -ltn | grep -q ':8765 ' && break; sleep 0.1; done")
        ss = sh(lab, host, "ss -ltnH")
        ports = sorted({int(line.split()[3].rsplit(":", 1)[1]) for line in ss.splitlines()})
        results = check(host, [
            {"id": "only", "kind": "listening_ports", "severity": "high",
             "params": {"expected": [22], "only": [22]}},
        ])  # fmt: skip
    finally:
        sh(lab, host, f"kill {pid}")
    assert 8765 in ports
    only = results["only"]
    assert only.status is Status.FAIL
    assert only.value == ports
    unexpected = [p for p in ports if p != 22]
    word = "port" if len(unexpected) == 1 else "ports"
    assert only.reason == (
        f"unexpected {word} {', '.join(map(str, unexpected))} listening (only 22 allowed)"
    )
