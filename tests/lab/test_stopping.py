"""How an inspection stops, on the lab: SIGINT/SIGTERM at three moments, a hung probe, the
play's deadline, a SIGKILL — and that no secret from the environment reaches the disk."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import yaml

from runner import archive, private_dir
from runner.inspect import inspect
from runner.results import Status

ROOT = Path(__file__).resolve().parents[2]
PATROL = str(Path(sys.executable).parent / "patrol")
HUNG, OTHER = "web-01", "web-02"
pytestmark = pytest.mark.lab


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def estate_with(dest: Path, sshd_timeout: int, host_extra: str = "") -> Path:
    """The estate in a throwaway repository; the ssh service check gets its own timeout and
    each hz-dc1 host ``host_extra`` (connection settings) after its address."""
    dest.mkdir()
    for part in ("inventory", "policies"):
        shutil.copytree(ROOT / part, dest / part)
    for checklist in (dest / "policies/inspections").glob("*.yaml"):  # one control, one max
        busy = checklist.read_text().replace("      max: 2.0\n", "      max: 1000.0\n")
        checklist.write_text(busy)  # a busy machine's load is no finding here
    daily = dest / "policies/inspections/daily.yaml"
    text = daily.read_text()
    check = "  - id: sshd-running\n    kind: service_running\n"
    assert check in text
    daily.write_text(text.replace(check, f"{check}    timeout: {sshd_timeout}\n"))
    if host_extra:
        hosts = dest / "inventory/hosts/hz-dc1.yaml"
        text = hosts.read_text()
        for address in ("10.123.0.11", "10.123.0.12"):
            line = f"    address: {address}\n"
            assert line in text
            text = text.replace(line, line + host_extra.replace("ADDRESS", address))
        hosts.write_text(text)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "estate")
    return dest


@contextlib.contextmanager
def hung(lab, *names: str):
    """`service ... status` hangs on these hosts for the duration."""
    for name in names:
        lab.service_hang(name)
    try:
        yield
    finally:
        for name in names:
            lab.service_unhang(name)


def start(estate: Path, *hosts: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [PATROL, "inspect", "daily", "--lab", "--limit", ",".join(hosts), "--estate",
         str(estate)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        env={**os.environ, "CI": "true", **(env or {})})


def play_dir(proc: subprocess.Popen) -> str:
    """Once ansible-playbook runs under ``proc``: the private data dir it was given."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ps = subprocess.run(["pgrep", "-P", str(proc.pid), "-f", "ansible-playbook"],
                            capture_output=True, text=True).stdout.split()
        for pid in ps:
            with contextlib.suppress(OSError):
                args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                for arg in args:
                    text = arg.decode()
                    if private_dir.PREFIX in text:
                        return text[:text.index("/", text.index(private_dir.PREFIX))]
        time.sleep(0.05)
    proc.kill()
    pytest.fail("ansible-playbook never started")


def assert_gone(pdd: str) -> None:
    """The run's private dir and every process that used it are gone."""
    assert private_dir.processes_using(pdd) == []
    assert not os.path.exists(pdd)


def status_bytes(estate: Path, *hosts: str) -> dict[str, bytes]:
    return {h: (estate / "reports/status" / f"{h}.yaml").read_bytes() for h in hosts}


def latest(estate: Path) -> dict:
    found = archive.latest_record(estate)
    assert found is not None
    return yaml.safe_load((estate / found[0]).read_text())


# --- a hung probe, the play's deadline -----------------------------------------------------


def test_a_hung_probe_costs_its_check_and_the_hosts_other_checks_still_report(lab, tmp_path):
    estate = estate_with(tmp_path / "estate", sshd_timeout=3)
    with hung(lab, HUNG):
        started = time.monotonic()
        run = inspect(estate, "daily", limit=f"{HUNG},{OTHER}", connections=lab.ansible_vars())
        took = time.monotonic() - started
        left = lab.run(HUNG, "pgrep -f '^sleep 86400$' || true").stdout.strip()
    stuck = run.results[HUNG].checks["sshd-running"]
    assert (stuck.status, stuck.reason) == (Status.ERROR, "timed out after 3 s")
    rest = {c: r.status for c, r in run.results[HUNG].checks.items() if c != "sshd-running"}
    planted = yaml.safe_load((estate / "policies/inspections/daily.yaml").read_text())
    assert len(rest) == len(planted["checks"]) - 1 and set(rest.values()) == {Status.PASS}
    assert run.results[OTHER].passed
    assert took < 60
    assert left == "", "the probe's stuck command outlived its timeout"


def test_hosts_unanswered_at_the_plays_deadline_are_not_measured(lab, tmp_path, monkeypatch):
    estate = estate_with(tmp_path / "estate", sshd_timeout=600)
    inspect(estate, "daily", limit=f"{HUNG},{OTHER}", connections=lab.ansible_vars())
    before = status_bytes(estate, HUNG)
    seen: list[str] = []
    real = private_dir.private_dir

    @contextlib.contextmanager
    def spy(base: str | None = None):
        with real(base) as path:
            seen.append(path)
            yield path

    monkeypatch.setattr(private_dir, "private_dir", spy)
    monkeypatch.setattr("runner.inspect.play_deadline", lambda *_args: 15)
    with hung(lab, HUNG):
        started = time.monotonic()
        run = inspect(estate, "daily", limit=f"{HUNG},{OTHER}", connections=lab.ansible_vars())
        took = time.monotonic() - started
    assert 15 <= took < 60
    assert run.results[OTHER].passed
    assert not run.results[HUNG].measured
    assert "deadline of 15 s" in run.results[HUNG].message
    record = latest(estate)
    assert record["ended"] == "deadline"
    assert record["hosts"][HUNG]["measured"] is False
    assert record["hosts"][OTHER] == "pass"
    assert status_bytes(estate, HUNG) == before
    assert_gone(seen[0])


# --- SIGINT / SIGTERM at three moments -----------------------------------------------------


def test_sigint_before_any_host_answered_records_all_as_not_measured_and_exits_130(lab, tmp_path):
    estate = estate_with(tmp_path / "estate", sshd_timeout=600)
    inspect(estate, "daily", limit=f"{HUNG},{OTHER}", connections=lab.ansible_vars())
    head = git(estate, "rev-parse", "HEAD")
    before = status_bytes(estate, HUNG, OTHER)
    with hung(lab, HUNG, OTHER):
        proc = start(estate, HUNG, OTHER)
        pdd = play_dir(proc)
        time.sleep(1)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, out
    assert "NOT MEASURED" in out and "Traceback" not in out
    assert_gone(pdd)
    assert git(estate, "rev-parse", "HEAD~1") == head
    assert "interrupted" in git(estate, "log", "-1", "--format=%s")
    record = latest(estate)
    assert record["ended"] == "interrupted"
    assert record["summary"]["hosts_not_measured"] == 2
    assert record["summary"]["hosts_unreachable"] == 0
    assert all(record["hosts"][h]["measured"] is False for h in (HUNG, OTHER))
    assert status_bytes(estate, HUNG, OTHER) == before  # no unreachable_runs moved
    assert archive.verify_chain(estate) == []


def test_sigterm_mid_play_keeps_the_answers_and_exits_130(lab, tmp_path):
    estate = estate_with(tmp_path / "estate", sshd_timeout=600)
    with hung(lab, HUNG):
        proc = start(estate, HUNG, OTHER)
        pdd = play_dir(proc)
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith(OTHER):  # one host answered, the other hangs
                proc.send_signal(signal.SIGTERM)
                break
        out = "".join(lines) + proc.communicate(timeout=60)[0]
    assert proc.returncode == 130, out
    assert_gone(pdd)
    record = latest(estate)
    assert record["ended"] == "interrupted"
    assert record["hosts"][OTHER] == "pass"
    assert record["hosts"][HUNG]["measured"] is False
    assert "SIGTERM" in record["hosts"][HUNG]["message"]
    assert not (estate / "reports/status" / f"{HUNG}.yaml").exists()
    assert archive.verify_chain(estate) == []


def test_a_burst_of_signals_mid_play_still_commits_the_answers_and_exits_130(lab, tmp_path):
    """SIGTERM, then SIGINT three times as fast as a user can press Ctrl-C: the first stops
    the play, the rest change nothing, and the answers are committed."""
    estate = estate_with(tmp_path / "estate", sshd_timeout=600)
    head = git(estate, "rev-parse", "HEAD")
    with hung(lab, HUNG):
        proc = start(estate, HUNG, OTHER)
        pdd = play_dir(proc)
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith(OTHER):  # one host answered, the other hangs
                for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGINT, signal.SIGINT):
                    proc.send_signal(sig)
                break
        out = "".join(lines) + proc.communicate(timeout=60)[0]
    assert proc.returncode == 130, out
    assert "Traceback" not in out
    assert_gone(pdd)
    assert git(estate, "rev-parse", "HEAD~1") == head
    assert git(estate, "status", "--porcelain", "--", "reports") == ""
    record = latest(estate)
    assert record["ended"] == "interrupted" and record["hosts"][OTHER] == "pass"
    assert record["hosts"][HUNG]["measured"] is False
    assert archive.verify_chain(estate) == []


def test_signals_while_writing_finish_the_record_and_exit_130(lab, tmp_path, monkeypatch):
    from runner.commands.inspect import run as inspect_command

    estate = estate_with(tmp_path / "estate", sshd_timeout=10)
    head = git(estate, "rev-parse", "HEAD")
    from runner.archive import spool

    real = spool.atomic_write  # every file a run writes goes through write_or_spool
    sent = []

    def write_then_signal(path, data):
        if not sent:  # as the record is written: Ctrl-C, and again impatiently
            sent.append(path)
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
        return real(path, data)

    monkeypatch.setattr(spool, "atomic_write", write_then_signal)
    handler = signal.getsignal(signal.SIGINT)
    code = inspect_command(root=estate, checklist="daily", limit=OTHER, junit=None,
                           commit=True, push=False, lab=True)
    assert code == 130
    assert signal.getsignal(signal.SIGINT) is handler  # ours restored, not ansible-runner's
    assert git(estate, "rev-parse", "HEAD~1") == head
    record = latest(estate)
    assert "ended" not in record and record["hosts"][OTHER] == "pass"
    assert (estate / "reports/status" / f"{OTHER}.yaml").exists()
    assert git(estate, "status", "--porcelain") == ""
    assert archive.verify_chain(estate) == []


# --- secrets ---------------------------------------------------------------------------------


def grep(token: str, *where: Path) -> list[str]:
    found = subprocess.run(["grep", "-rlF", "--binary-files=text", token, *map(str, where)],
                           capture_output=True, text=True, timeout=300)
    return found.stdout.split()


def test_no_env_secret_on_disk_after_a_run_or_a_kill_and_the_next_run_cleans_up(lab, tmp_path):
    token = f"patrol-secret-{uuid.uuid4().hex}"
    ci_token = f"patrol-ci-{uuid.uuid4().hex}"
    vault = ("    connection:\n      become_password: !vault |\n"
             "        $ANSIBLE_VAULT;1.1;AES256\n        3030303030303030\n")
    env_secret = "    connection:\n      become_password: {env: PATROL_TEST_BECOME}\n"
    estate = estate_with(tmp_path / "estate", sshd_timeout=600, host_extra=env_secret)
    # web-02's password is a !vault nobody can decrypt: no play needs it, so it costs nothing
    hosts = estate / "inventory/hosts/hz-dc1.yaml"
    text = hosts.read_text()
    web02 = "    address: 10.123.0.12\n" + env_secret
    hosts.write_text(text.replace(web02, "    address: 10.123.0.12\n" + vault))
    git(estate, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "vault")
    env = {"PATROL_TEST_BECOME": token, "CI_JOB_TOKEN": ci_token}

    proc = start(estate, HUNG, OTHER, env=env)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out
    assert grep(token, Path("/tmp"), estate) == []

    with hung(lab, HUNG):
        proc = start(estate, HUNG, OTHER, env=env)
        pdd = play_dir(proc)
        command = next(Path(pdd, "artifacts").glob("*/command")).read_text()
        proc.send_signal(signal.SIGKILL)  # patrol alone, as the OOM killer would
        proc.wait(timeout=30)
        assert token not in command and ci_token not in command
        assert "ANSIBLE_LIBRARY" in command  # what the play needs is there
        assert os.path.isdir(pdd), "a killed run cannot clean up after itself"
        assert grep(token, Path("/tmp"), estate) == []
        assert grep(ci_token, Path("/tmp"), estate) == []
        inspect(estate, "daily", limit=OTHER, connections=lab.ansible_vars())  # sweeps it
    assert_gone(pdd)


def test_an_ansible_variable_holding_a_secret_never_reaches_the_private_data_dir(lab, tmp_path):
    """The play's environment is an allow-list: ``ANSIBLE_FOO=<secret>`` in ours is found
    nowhere under ansible-runner's private data dir while the play runs, nor anywhere after."""
    token = f"patrol-ansible-foo-{uuid.uuid4().hex}"
    estate = estate_with(tmp_path / "estate", sshd_timeout=600)
    with hung(lab, HUNG):
        proc = start(estate, HUNG, OTHER, env={"ANSIBLE_FOO": token})
        pdd = play_dir(proc)
        deadline = time.monotonic() + 60
        while not list(Path(pdd, "artifacts").glob("*/command")):
            assert time.monotonic() < deadline, "ansible-runner never wrote its command file"
            time.sleep(0.05)
        command = next(Path(pdd, "artifacts").glob("*/command")).read_text()
        inside = grep(token, Path(pdd))
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=120)
    assert "ANSIBLE_LIBRARY" in command  # the file holds the play's environment
    assert inside == [] and token not in command
    assert proc.returncode == 130, out
    assert grep(token, Path("/tmp"), estate) == []
