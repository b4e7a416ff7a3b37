"""The inspection play and its module end to end against this machine (connection=local):
the same code path as over SSH, minus the SSH."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import ansible_runner
import pytest

from runner.checks import judge_all, kind_names, plan_measurements
from runner.results import Status

REPO = Path(__file__).resolve().parents[3]
PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable


@dataclass
class StubHost:
    name: str = "localhost"
    software: dict[str, str] = field(default_factory=dict)


def run_inspect_play(tmp_path: Path, measurements: list[dict], *, check: bool = False,
                     interpreter: str = PYTHON, failed: bool = False, as_module: bool = False):
    """Run playbooks/inspect.yml on localhost; return the module's result for the host
    (``failed``: the failed task's result). The task runs the module's text with ``python3
    -c`` (the action plugin), or with ``as_module`` the AnsiballZ module."""
    private = tmp_path / "runner"
    (private / "project").mkdir(parents=True)
    inventory = {
        "all": {
            "hosts": {
                "localhost": {
                    "ansible_connection": "local",
                    "ansible_python_interpreter": interpreter,
                    "patrol_measurements": measurements,
                    "patrol_measure_as_module": as_module,
                    # what discovery tries (``auto*``): this Python, not a shim on the PATH
                    "ansible_interpreter_python_fallback": [PYTHON],
                }
            }
        }
    }
    run = ansible_runner.run(
        private_data_dir=str(private),
        playbook=str(REPO / "playbooks" / "inspect.yml"),
        inventory=inventory,
        cmdline="--check" if check else None,
        envvars={
            "ANSIBLE_LIBRARY": str(REPO / "playbooks" / "library"),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        },
        quiet=True,
        suppress_env_files=True,
    )
    results = [
        e["event_data"]["res"]
        for e in run.events
        if e.get("event") == ("runner_on_failed" if failed else "runner_on_ok")
        and e["event_data"].get("task_action")
    ]
    assert (run.rc != 0) if failed else (run.rc == 0), run.stdout.read()
    assert len(results) == 1
    return results[0]


def has_apt_pkg() -> bool:
    return subprocess.run([PYTHON, "-c", "import apt_pkg"], capture_output=True).returncode == 0


def expected_sshd() -> tuple[Status, str]:
    """The sshd verdict this machine must give, and a part of its reason. ``sshd -T`` needs
    the binary, root (to read the host keys) and the privilege separation directory
    /run/sshd (made by the ssh service, absent where sshd never ran); when it runs, the
    test's params allow no value sshd can report, so the check fails."""
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    if not Path(sshd).exists():
        return Status.ERROR, "sshd is not installed"
    if not Path("/run/sshd").is_dir():
        return Status.ERROR, "Missing privilege separation directory: /run/sshd"
    if os.geteuid() != 0:
        return Status.ERROR, "sshd -T failed"
    return Status.FAIL, "permitrootlogin"


def expected_reload() -> set[Status]:
    """The sshd_reload verdicts possible here: an error unless sshd -T runs and a live sshd
    wrote /run/sshd.pid; then pass or fail (what it read is the probe's own business)."""
    if expected_sshd()[0] is Status.ERROR or not Path("/run/sshd.pid").exists():
        return {Status.ERROR}
    pid = Path("/run/sshd.pid").read_text().split()[0]
    comm = Path(f"/proc/{pid}/comm")
    if not comm.exists() or not comm.read_text().startswith("sshd"):
        return {Status.ERROR}
    return {Status.PASS, Status.FAIL}


@pytest.fixture
def backup_marker(tmp_path):
    marker = tmp_path / "patrol-last-backup"
    marker.write_text("")
    return marker


def test_inspect_play_measures_and_judges_a_checklist_in_one_task(tmp_path, backup_marker):
    dpkg_version = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Version}", "dpkg"], capture_output=True, text=True
    ).stdout
    host = StubHost(software={"dpkg": dpkg_version})
    checks = [
        ("disk", "filesystem_usage", {"max_percent": 100}),
        ("inodes", "inode_usage", {"max_percent": 100}),
        ("mem", "memory_available", {"min_percent": 0}),
        ("load", "load_per_cpu", {"max": 1000}),
        ("svc", "service_running", {"services": ["patrol-no-such-service"]}),
        ("pkg", "package_version", {"packages": {"dpkg": None}}),
        ("drift", "drift", {}),
        ("upgrades", "pending_upgrades", {"max": 100000, "security_max": 100000}),
        ("reboot", "reboot_required", {}),
        ("ports", "listening_ports", {"forbidden": [1]}),
        ("mode", "file_mode", {"path": str(backup_marker), "max_mode": "0777"}),
        ("sshd", "sshd_config", {"permit_root_login": ["patrol-no-such-value"]}),
        ("reload", "sshd_reload", {}),
        ("cert", "certificate_expiry", {"path": str(tmp_path / "absent.pem")}),
        ("fresh", "file_freshness", {"path": str(backup_marker), "max_age_hours": 1}),
        ("hardware", "hardware_health", {}),
        ("sysctl", "sysctl", {"expected": {"kernel.kptr_restrict": [0, 1, 2]}}),
        ("restart", "restart_needed", {}),
        ("logging", "logging", {}),
        ("passwords", "password_policy", {}),
    ]
    assert sorted(kind for _, kind, _ in checks) == kind_names()  # every kind, end to end
    planned = plan_measurements(checks, host)
    res = run_inspect_play(tmp_path, planned)
    assert res["changed"] is False
    assert set(res["values"]) == {m["id"] for m in planned}

    results = judge_all(checks, host, res["values"])
    status = {cid: r.status for cid, r in results.items()}
    for cid in ("disk", "inodes", "mem", "load", "pkg", "drift", "ports", "mode", "fresh",
                "sysctl"):
        assert status[cid] is Status.PASS, (cid, results[cid])
    for cid in ("restart", "logging", "passwords"):  # this machine's state: a verdict either way
        assert status[cid] in (Status.PASS, Status.FAIL), (cid, results[cid])
    assert status["hardware"] is Status.ERROR  # the controller reads the BMC, never the play
    assert status["svc"] is Status.FAIL
    assert results["svc"].value == {"patrol-no-such-service": "not found"}
    assert status["cert"] is Status.FAIL
    assert status["reboot"] is (
        Status.FAIL if Path("/var/run/reboot-required").exists() else Status.PASS
    )
    # python3-apt may be missing where the tests run; then it is this check's error only
    assert status["upgrades"] is (Status.PASS if has_apt_pkg() else Status.ERROR)
    assert status["reload"] in expected_reload(), results["reload"]
    sshd_status, sshd_reason = expected_sshd()
    assert (status["sshd"], sshd_reason in results["sshd"].reason) == (sshd_status, True), (
        results["sshd"]
    )


def test_inspect_play_runs_in_check_mode(tmp_path):
    planned = [{"id": "m", "probe": "meminfo", "args": {}}]
    res = run_inspect_play(tmp_path, planned, check=True)
    assert res["values"]["m"]["total_kb"] > 0


def test_bad_probe_is_a_value_not_a_failed_task(tmp_path):
    planned = [
        {"id": "bad", "probe": "nope", "args": {}},
        {"id": "stat", "probe": "stat", "args": {"path": "/"}},
    ]
    res = run_inspect_play(tmp_path, planned)
    assert res["values"]["bad"] == {"error": "unknown probe 'nope'"}
    assert res["values"]["stat"]["type"] == "directory"


def test_module_runs_standalone_with_ansible_adhoc(tmp_path):
    env = dict(os.environ, ANSIBLE_LIBRARY=str(REPO / "playbooks" / "library"))
    out = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible"), "localhost", "-c", "local",
            "-e", f"ansible_python_interpreter={PYTHON}",
            "-m", "patrol_measure",
            "-a", '{"measurements": [{"id": "up", "probe": "reboot_required", "args": {}}]}',
        ],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert '"up": {' in out.stdout


def steady_values(res):
    """What the probes read, less the clock they read it at."""
    return {k: {f: v for f, v in value.items() if f != "now"} for k, value in res["values"].items()}


def test_the_action_plugin_and_the_module_measure_alike(tmp_path):
    """The task runs the module's text with ``python3 -c`` (no AnsiballZ,
    ``action_plugins/patrol_measure.py``), with the host's Python configured or discovered as
    Ansible discovers it for the module; ``patrol_measure_as_module`` runs the module. All
    give the same values, in check mode too."""
    target = tmp_path / "target"
    target.mkdir()
    checks = [("mode", "file_mode", {"path": str(target), "max_mode": "0777"}),
              ("reboot", "reboot_required", {}),
              ("bad", "certificate_expiry", {"path": str(tmp_path / "absent.pem")})]
    planned = plan_measurements(checks, StubHost())
    fast = run_inspect_play(tmp_path / "fast", planned, check=True)
    found = run_inspect_play(tmp_path / "found", planned, check=True, interpreter="auto_silent")
    module = run_inspect_play(tmp_path / "module", planned, check=True, as_module=True)
    assert "invocation" not in fast and "invocation" in module  # which way each one went
    assert "invocation" not in found
    assert found["ansible_facts"] == {"discovered_interpreter_python": PYTHON}
    assert steady_values(found) == steady_values(fast)
    assert steady_values(fast) == steady_values(module)
    assert set(fast["values"]) == {m["id"] for m in planned}
    assert set(fast["seconds"]) == set(module["seconds"]) and fast["changed"] is False


def test_an_interpreter_that_prints_no_result_fails_the_task(tmp_path):
    planned = plan_measurements([("reboot", "reboot_required", {})], StubHost())
    res = run_inspect_play(tmp_path, planned, interpreter="/bin/false", failed=True)
    assert res["msg"].startswith("MODULE FAILURE: patrol_measure printed no result")
    assert res["rc"] == 1


def test_a_hosts_output_sets_no_fact_and_no_control_key(tmp_path):
    """A host answers the action with more than the module prints (a compromised one could):
    its facts, Ansible's internal keys and a verdict of its own are dropped; only the
    module's keys reach the result, and a result without values fails the task."""
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\ncat >/dev/null\necho '" + json.dumps({
        "changed": False, "values": {"up": {"required": False}}, "seconds": {"up": 0.1},
        "elapsed": 0.1, "ansible_facts": {"patrol_planted": "yes"}, "_ansible_no_log": True,
        "failed": False, "msg": "planted"}) + "'\n")
    fake.chmod(0o755)
    planned = plan_measurements([("reboot", "reboot_required", {})], StubHost())
    res = run_inspect_play(tmp_path, planned, interpreter=str(fake))
    assert res["values"] == {"up": {"required": False}} and res["seconds"] == {"up": 0.1}
    assert "ansible_facts" not in res and "patrol_planted" not in repr(res)
    assert res.get("_ansible_no_log") is False  # Ansible's own, not the host's True
    assert res.get("msg") != "planted"
    empty = tmp_path / "empty"
    empty.write_text("#!/bin/sh\ncat >/dev/null\necho '{\"ansible_facts\": {}}'\n")
    empty.chmod(0o755)
    res = run_inspect_play(tmp_path / "again", planned, interpreter=str(empty), failed=True)
    assert res["msg"].startswith("MODULE FAILURE: patrol_measure printed no result")


def test_the_module_text_runs_alone_as_the_action_sends_it(tmp_path):
    """What the action plugin runs on a host: ``python3 -c BOOT`` with the module's text and
    job on stdin, no Ansible there; a locale the host lacks falls back as AnsibleModule's."""
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location(
        "patrol_measure_action", REPO / "playbooks" / "action_plugins" / "patrol_measure.py")
    assert spec is not None and spec.loader is not None
    action = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(action)
    job = {"measurements": [{"id": "up", "probe": "reboot_required", "args": {}}],
           "check_mode": True}
    r = subprocess.run([PYTHON, "-c", action.BOOT], capture_output=True, text=True, cwd=tmp_path,
                       input=json.dumps({"code": action.MODULE.read_text(), "job": job}),
                       env={"PATH": "/usr/bin:/bin", "LC_ALL": "xx_XX.UTF-8"}, timeout=60)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["changed"] is False and set(out["values"]) == set(out["seconds"]) == {"up"}
    assert "error" not in out["values"]["up"]
