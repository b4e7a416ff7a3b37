"""Patrol against Lynis on the controls both look at, on a clean lab host and on a damaged
one: the sample checklists' own checks (sshd options, the logger, kernel parameters, the
password policy, sshd_config's mode) against ``lynis audit system`` run on the same host in
the same minute (its report, ``/var/log/lynis-report.dat``). For every control the two must
flag the same hosts, and the damaged host must be flagged by both (so the comparison can
fail). Where the policies differ on purpose (Patrol allows ``prohibit-password`` root logins,
``AllowTcpForwarding local`` for jump hosts, ``kernel.kptr_restrict: 1``) the control is left
out: they measure the same thing but ask for different values."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from runner.results import Result, Status

from .test_reference_verdicts import reload_sshd, sh
from .test_reference_verdicts_round2 import verdicts  # noqa: F401 (the fixture)

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.lab

# The sample checks compared, as the checklists write them (one control, one set of params).
SAMPLE = ("sshd-options", "logging", "network-hardening", "kernel-hardening",
          "password-policy", "sshd-config-mode")
# SSH-7402/7404/7406 find the running sshd, its config and version: SSH-7408 needs them
LYNIS_TESTS = ("SSH-7402 SSH-7404 SSH-7406 SSH-7408 LOGG-2130 KRNL-6000 AUTH-9286 AUTH-9328 "
               "FILE-7524")
BAD_SSHD = "/etc/ssh/sshd_config.d/00-patrol-lynis.conf"


def sample_checks() -> list[dict]:
    found: dict[str, dict] = {}
    for name in ("daily", "weekly", "monthly"):
        data = yaml.safe_load((ROOT / f"policies/inspections/{name}.yaml").read_text())
        for check in data["checks"]:
            if check["id"] in SAMPLE:
                found.setdefault(check["id"], check)
    return [found[c] for c in SAMPLE]


def lynis_report(lab, host: str) -> list[str]:
    """Lynis's findings on the host: its report's suggestion, warning and details lines."""
    sh(lab, host, f"lynis audit system --quick --no-colors --tests '{LYNIS_TESTS}' "
                  ">/dev/null 2>&1; true")
    report = sh(lab, host, "cat /var/log/lynis-report.dat")
    return [line for line in report.splitlines()
            if line.startswith(("suggestion[]=", "warning[]=", "details[]="))]


def lynis_ssh(option: str) -> Callable[[list[str]], bool]:
    return lambda report: any(line.startswith("suggestion[]=SSH-7408|") and f"|{option} (" in line
                              for line in report)


def lynis_test(test: str) -> Callable[[list[str]], bool]:
    return lambda report: any(line.split("=", 1)[1].startswith(f"{test}|") for line in report
                              if line.startswith(("suggestion[]=", "warning[]=")))


def lynis_sysctl(key: str) -> Callable[[list[str]], bool]:
    return lambda report: any(line.startswith("details[]=KRNL-6000|") and f";field:{key};" in line
                              for line in report)


def patrol_says(check: str, text: str | None = None) -> Callable[[dict[str, Result]], bool]:
    def flagged(results: dict[str, Result]) -> bool:
        result = results[check]
        assert result.status is not Status.ERROR, result.reason
        return result.status is Status.FAIL and (text is None or text in result.reason)
    return flagged


# control -> (Patrol flags it, Lynis flags it)
CONTROLS: dict[str, tuple[Callable[[dict[str, Result]], bool], Callable[[list[str]], bool]]] = {
    "X11Forwarding": (patrol_says("sshd-options", "x11forwarding"), lynis_ssh("X11Forwarding")),
    "AllowAgentForwarding": (patrol_says("sshd-options", "allowagentforwarding"),
                             lynis_ssh("AllowAgentForwarding")),
    "MaxAuthTries": (patrol_says("sshd-options", "maxauthtries"), lynis_ssh("MaxAuthTries")),
    "system logger": (patrol_says("logging"), lynis_test("LOGG-2130")),
    **{key: (patrol_says("network-hardening", f"{key} = "), lynis_sysctl(key))
       for key in ("net.ipv4.conf.all.accept_redirects", "net.ipv4.conf.default.accept_redirects",
                   "net.ipv4.conf.all.send_redirects", "net.ipv4.conf.all.log_martians")},
    "fs.protected_symlinks": (patrol_says("kernel-hardening", "fs.protected_symlinks = "),
                              lynis_sysctl("fs.protected_symlinks")),
    "password age": (patrol_says("password-policy", "PASS_MAX_DAYS"), lynis_test("AUTH-9286")),
    "umask": (patrol_says("password-policy", "UMASK"), lynis_test("AUTH-9328")),
    "sshd_config mode": (patrol_says("sshd-config-mode"), lynis_test("FILE-7524")),
}

DAMAGE = [
    f"printf 'X11Forwarding yes\\nAllowAgentForwarding yes\\nMaxAuthTries 6\\n' > {BAD_SSHD}",
    "pkill -x syslogd",
    "sysctl -q -w net.ipv4.conf.all.accept_redirects=1 net.ipv4.conf.default.accept_redirects=1"
    " net.ipv4.conf.all.send_redirects=1 net.ipv4.conf.all.log_martians=0",
    "cp -p /etc/login.defs /tmp/login.defs.patrol",
    "sed -i -e 's/^PASS_MAX_DAYS.*/PASS_MAX_DAYS\\t99999/' -e 's/^UMASK.*/UMASK\\t\\t022/' "
    "/etc/login.defs",
    "chmod 0644 /etc/ssh/sshd_config",
]
REPAIR = [
    f"rm -f {BAD_SSHD}", "pgrep -x syslogd >/dev/null || /sbin/syslogd -C128",
    "sysctl -q -p /etc/sysctl.d/90-patrol-lab.conf",
    "cp -p /tmp/login.defs.patrol /etc/login.defs", "chmod 0600 /etc/ssh/sshd_config",
]


def compare(lab, verdicts, host: str) -> dict[str, tuple[bool, bool]]:  # noqa: F811
    results = verdicts(host, sample_checks())
    report = lynis_report(lab, host)
    return {control: (patrol(results), lynis(report))
            for control, (patrol, lynis) in CONTROLS.items()}


def test_patrol_and_lynis_flag_the_same_controls_on_a_clean_and_a_damaged_host(
        lab, verdicts):  # noqa: F811
    clean = compare(lab, verdicts, "web-01")
    damaged_host = "app-02"
    for command in DAMAGE:
        sh(lab, damaged_host, command)
    reload_sshd(lab, damaged_host)
    try:
        damaged = compare(lab, verdicts, damaged_host)
    finally:
        for command in REPAIR:
            lab.run(damaged_host, command)
        reload_sshd(lab, damaged_host)
    disagree = {c: v for c, v in {**{f"clean {k}": v for k, v in clean.items()},
                                  **{f"damaged {k}": v for k, v in damaged.items()}}.items()
                if v[0] != v[1]}
    assert not disagree, f"(Patrol, Lynis) disagree: {disagree}"
    # the damaged host is flagged for every control (the kernel's global parameters aside,
    # which no lab host can change and both flag or pass alike on either host)
    assert all(flag for control, (flag, _) in damaged.items()
               if control != "fs.protected_symlinks"), damaged
    assert not any(flag for control, (flag, _) in clean.items()
                   if control != "fs.protected_symlinks"), clean
