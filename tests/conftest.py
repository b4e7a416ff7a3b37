"""Shared fixtures. ``estate_repo``: the sample estate in a throwaway Git repository (build
variants with ``copy_estate`` and ``git``). ``lab``: the estate's hosts as a real fleet, up
once per test session.

Example::

    @pytest.mark.lab
    def test_sshd_runs(lab):
        assert lab.testinfra("web-01").service("ssh").is_running
        assert lab.ssh("web-02", "hostname").stdout.strip() == "web-02"

Every session gets a fresh lab (tests install packages and upgrade hosts; a reused lab would
carry one session's changes into the next): the fixture takes down whatever lab is up, brings
the estate's hosts up, and takes them down at the end. The estate's addresses allow one such
lab per machine, so sessions running at the same time on one machine take turns (a lock held
for the whole session). Tests using the fixture get the ``lab`` marker automatically, so
``-m "not lab"`` skips them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shlex
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ESTATE_PARTS = ("inventory", "policies", "schemas")
_GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"}


def git(cwd: Path, *args: str, strip: bool = True) -> str:
    """Run git in ``cwd`` with a fixed test identity and no user or system configuration;
    its stdout (stripped unless ``strip`` is False)."""
    out = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                         env={**os.environ, **_GIT_ENV}).stdout
    return out.strip() if strip else out


def copy_estate(dest: Path, parts: tuple[str, ...] = ESTATE_PARTS) -> Path:
    """A writable copy of the repository's sample estate at ``dest`` (no Git)."""
    import shutil

    dest.mkdir(parents=True, exist_ok=True)
    for part in parts:
        shutil.copytree(ROOT / part, dest / part)
    return dest


def commit_all(root: Path, message: str = "estate") -> str:
    """``git init`` (once) and commit everything under ``root``; the new HEAD."""
    if not (root / ".git").exists():
        git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return git(root, "rev-parse", "HEAD")


def patrol_commit(root: Path, kind: str = "seed", run_id: str = "20261101T000000Z-seed-000000",
                  sign: str | None = None, extra: list[str] | None = None) -> str:
    """Commit what a test crafted under ``reports/`` the way Patrol commits: a sealed record on
    the chain naming every finding file, with the trailers (``patrol audit verify`` refuses
    anything else under reports/)."""
    from runner import archive
    from runner.archive.records import findings_record
    from runner.findings import store as findings_store
    from runner.run import commit, write_record

    if not (root / ".git").exists():
        commit_all(root)
    changed = [line[3:] for line in git(root, "status", "--porcelain", "--untracked-files=all",
                                        "--", "reports/findings").splitlines()]
    store = findings_store.load(root)
    named = [{"finding": f.id, "from": None, "to": f.state.value} for f in store.values()
             if findings_store.path_of(f.id) in changed]
    estate = git(root, "rev-parse", "HEAD")
    body = findings_record(run_id=run_id, kind=kind, header={"estate": {"commit": estate}},
                           previous=archive.latest_record(root), findings=named)
    from datetime import datetime
    started = datetime.strptime(run_id[:16], "%Y%m%dT%H%M%SZ")
    rel, digest = write_record(root, run_id, started, body)
    return commit(root, [rel, *changed, *(extra or [])], f"{kind}: crafted by a test", run_id,
                  estate=estate, record=(rel, digest), sign=sign)


def remote_and_clones(seed: Path, where: Path) -> tuple[Path, Path, Path]:
    """A bare remote cloned from ``seed`` and two clones of it (``a``, ``b``) under ``where``:
    two checkouts that push to one archive."""
    bare = where / "remote.git"
    git(where, "clone", "-q", "--bare", str(seed), str(bare))
    a, b = where / "a", where / "b"
    for clone in (a, b):
        git(where, "clone", "-q", str(bare), str(clone))
    return bare, a, b


@pytest.fixture
def estate_repo(tmp_path: Path) -> Path:
    """The sample estate committed in a throwaway repository: runs never touch the checkout."""
    root = copy_estate(tmp_path / "estate")
    commit_all(root)
    return root


@dataclass
class LabFleet:
    """A running lab as tests see it: hosts, commands on them, faults, testinfra."""

    config: object  # runner.lab.config.LabConfig
    hosts: dict[str, str]  # name -> address, the estate's hosts
    gateways: dict[str, str] = field(default_factory=dict)  # its sites' jump hosts and nodes
    behind: dict[str, str] = field(default_factory=dict)  # host -> the gateway it sits behind
    _testinfra: dict[str, object] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return sorted(self.hosts)

    def address(self, name: str) -> str:
        return self.hosts[name]

    def ssh_options(self, connect_timeout: int = 5, via: str | None = None) -> list[str]:
        """The lab's pinned ssh options; ``via``: through that gateway (the machine has no
        route to a host behind one), with the same options for the hop."""
        c = self.config
        options = ["-i", str(c.client_key), "-o", f"UserKnownHostsFile={c.known_hosts}",
                   "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                   "-o", "IdentitiesOnly=yes", "-o", "ControlMaster=no",
                   "-o", f"ConnectTimeout={connect_timeout}"]
        if via is None:
            return options
        hop = shlex.join(["ssh", *options, "-W", "%h:%p", f"root@{self.gateways[via]}"])
        return [*options, "-o", f"ProxyCommand={hop}"]

    def ssh(self, name: str, command: str, connect_timeout: int = 5,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run a shell command on a host over real SSH (as Ansible would reach it)."""
        options = self.ssh_options(connect_timeout, self.behind.get(name))
        return subprocess.run(
            ["ssh", *options, f"root@{self.hosts[name]}", command],
            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def run(self, name: str, command: str, timeout: float = 120
            ) -> subprocess.CompletedProcess[str]:
        """Run a shell command inside a host without SSH (works while sshd or the link is down)."""
        from runner.lab import host, state

        pid = state.init_pid(self.config, name)
        assert pid, f"lab host {name} is not running"
        return host.run_in(pid, ["sh", "-c", command], timeout=timeout)

    def testinfra(self, name: str):
        """A testinfra host reached over the lab's SSH key and pinned known_hosts."""
        import testinfra

        if name not in self._testinfra:
            c = self.config
            self._testinfra[name] = testinfra.get_host(
                f"ssh://root@{self.hosts[name]}", ssh_identity_file=str(c.client_key),
                ssh_extra_args=f"-o UserKnownHostsFile={c.known_hosts} "
                               "-o StrictHostKeyChecking=yes -o BatchMode=yes "
                               "-o IdentitiesOnly=yes -o ControlMaster=no")
        return self._testinfra[name]

    def ansible_vars(self) -> dict[str, dict[str, object]]:
        from runner.lab import ansible_vars

        return ansible_vars(self.config)

    # faults, each undone by its pair
    def sshd_stop(self, name: str) -> None:
        from runner.lab import faults

        faults.sshd_stop(name, self.config)

    def sshd_start(self, name: str) -> None:
        from runner.lab import faults

        faults.sshd_start(name, self.config)

    def link_down(self, name: str) -> None:
        from runner.lab import faults

        faults.link_down(name, self.config)

    def link_up(self, name: str) -> None:
        from runner.lab import faults

        faults.link_up(name, self.config)

    def disk_attach(self, name: str, path: str, size: str = "16M") -> None:
        from runner.lab import faults

        faults.disk_attach(name, path, size, self.config)

    def disk_detach(self, name: str, path: str) -> None:
        from runner.lab import faults

        faults.disk_detach(name, path, self.config)

    def service_hang(self, name: str) -> None:
        from runner.lab import faults

        faults.service_hang(name, self.config)

    def service_unhang(self, name: str) -> None:
        from runner.lab import faults

        faults.service_unhang(name, self.config)


SESSION_WAIT = float(os.environ.get("PATROL_LAB_WAIT", "900"))  # s to wait for another session


@contextlib.contextmanager
def _session_lock(path: Path) -> Iterator[None]:
    """Hold the machine's one estate lab for this whole session; wait for another's to end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        deadline = time.monotonic() + SESSION_WAIT
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another test session held the lab for {SESSION_WAIT:.0f} s")
                time.sleep(1)
        yield


@pytest.fixture(scope="session")
def lab() -> Iterator[LabFleet]:
    """The estate's hosts, fresh for this session (see the module docstring)."""
    if os.geteuid() != 0:
        pytest.skip("lab tests need root (network namespaces and mounts)")
    from runner.errors import PatrolError
    from runner.lab import DEFAULT, fleet
    from runner.lab.config import STATE_ROOT

    with _session_lock(STATE_ROOT / f"{DEFAULT.name}.session.lock"):
        fleet.down(DEFAULT)
        try:
            state = fleet.up(ROOT, None, DEFAULT, echo=lambda _msg: None)
        except PatrolError as exc:
            pytest.fail(f"cannot bring the lab up: {exc}")
        try:
            yield LabFleet(DEFAULT, {h.name: h.address for h in state.hosts if not h.gateway},
                           {h.name: h.address for h in state.hosts if h.gateway},
                           {h.name: h.behind for h in state.hosts if h.behind})
        finally:
            fleet.down(DEFAULT)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the lab fixture is a lab test, marked or not."""
    for item in items:
        if "lab" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("lab"):
            item.add_marker(pytest.mark.lab)
