"""A host that offers a key other than its pinned one is refused by ssh; the run turns that
into a failing ``host-key`` check (a critical finding), never a silent unreachable, and the
finding closes when the host answers through its pinned key again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from runner.execute import HostOutcome, HostState, PlayOutcome
from runner.findings import store as findings_store
from runner.hostkeys import refused
from runner.inspect import inspect
from runner.results import Status
from tests.conftest import commit_all
from tests.unit.test_inspect_run import T0, FakeFleet, context, make_estate
from tests.unit.test_reach import KEY_A

# what ssh (and so Ansible's unreachable message) says when the key differs from the pin
CHANGED = ("Failed to connect to the host via ssh: @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"
           "\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n@@@@@@@@@@@\r\n"
           "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\r\nSomeone could be "
           "eavesdropping on you right now (man-in-the-middle attack)!\r\nIt is also possible "
           "that a host key has just been changed.\r\nThe fingerprint for the ED25519 key sent "
           "by the remote host is\r\nSHA256:Qm9ndXNGaW5nZXJwcmludE9mQVBsYW50ZWRLZXk.\r\n"
           "Please contact your system administrator.\r\nHost key verification failed.")
JUMP_REFUSED = "Failed to connect to the host via ssh: Host key verification failed.\r\n" \
               "Connection closed by UNKNOWN port 65535"


class KeyFleet(FakeFleet):
    """web-02 offers a key other than its pin while ``changed`` is set."""

    changed: bool = True

    def __call__(self, playbook: str, inventory: dict[str, Any], *, limit: list[str],
                 on_host: Any, **kw: Any) -> PlayOutcome:
        if not self.changed:
            return super().__call__(playbook, inventory, limit=limit, on_host=on_host, **kw)

        def relay(host: str, outcome: HostOutcome) -> None:
            if host == "web-02":
                outcome = HostOutcome(HostState.UNREACHABLE, {"msg": CHANGED, "unreachable": 1},
                                      CHANGED[:500])
            on_host(host, outcome)

        return super().__call__(playbook, inventory, limit=limit, on_host=relay, **kw)


def _finding(root: Path) -> Any:
    (found,) = [f for f in findings_store.load(root).values()
                if f.subject == "web-02" and f.check == "host-key"]
    return found


def test_ssh_refusals_are_told_from_other_failures() -> None:
    assert "changed" in (refused(CHANGED) or "")
    assert "SHA256:Qm9ndXNGaW5nZXJwcmludE9mQVBsYW50ZWRLZXk" in (refused(CHANGED) or "")
    assert "not the pinned one" in (refused(JUMP_REFUSED) or "")
    assert refused("Failed to connect to the host via ssh: ssh: connect to host 10.0.0.1 "
                   "port 22: Connection timed out") is None


def test_a_changed_key_opens_a_finding_and_the_pinned_key_closes_it(tmp_path: Path) -> None:
    root = make_estate(tmp_path / "estate")
    hosts = root / "inventory/hosts/hz-dc1.yaml"
    hosts.write_text(hosts.read_text().replace(
        "  - name: web-02\n", f'  - name: web-02\n    host_key: "{KEY_A}"\n', 1))
    commit_all(root, "pin web-02")
    fleet = KeyFleet()
    first = inspect(root, "fake", ctx=context(root), play=fleet)
    web02 = first.results["web-02"]
    assert web02.checks["host-key"].status is Status.FAIL
    assert "changed" in web02.checks["host-key"].reason
    assert set(web02.checks) == {"host-key"}  # nothing else is judged on a refused host
    assert "host-key" not in first.results["web-01"].checks  # web-01 pins nothing
    found = _finding(root)
    assert (found.state.value, found.severity) == ("open", "critical")

    fleet.changed = False  # the pin and the host agree again (the PR pinned the new key)
    later = inspect(root, "fake", ctx=context(root, T0 + timedelta(hours=1)), play=fleet)
    assert later.results["web-02"].checks["host-key"].status is Status.PASS
    closed = _finding(root)
    assert (closed.state.value, closed.closed_run) == ("closed", later.run_id)
