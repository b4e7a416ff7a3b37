"""The controller's ssh asks for X25519 first when its default is the costly sntrup761 hybrid
(runner/ssh_kex.py says why); a cheap post-quantum default, a node's ssh and an explicit
opt-out keep ssh's own order."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from runner import execute, ssh_kex

OPENSSH_92 = ["sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com",
              "curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256",
              "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "diffie-hellman-group-exchange-sha256",
              "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512",
              "diffie-hellman-group14-sha256"]  # OpenSSH 9.2's default order
OPENSSH_10 = ["mlkem768x25519-sha256", *OPENSSH_92]


def test_x25519_goes_first_and_nothing_is_added_or_dropped() -> None:
    order = ssh_kex.preferred(OPENSSH_92)
    assert order is not None
    assert order[:2] == ["curve25519-sha256", "curve25519-sha256@libssh.org"]
    assert sorted(order) == sorted(OPENSSH_92) and len(order) == len(OPENSSH_92)
    assert order[2:4] == OPENSSH_92[:2]  # the hybrid stays, right after


def test_a_cheap_hybrid_first_or_no_x25519_keeps_sshs_order() -> None:
    assert ssh_kex.preferred(OPENSSH_10) is None
    assert ssh_kex.preferred(OPENSSH_92[2:]) is None  # X25519 is first already
    assert ssh_kex.preferred(["sntrup761x25519-sha512", "ecdh-sha2-nistp256"]) is None
    assert ssh_kex.preferred([]) is None


def test_the_play_asks_for_it_unless_told_to_keep_sshs_order(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ssh_kex, "ssh_default", lambda: tuple(OPENSSH_92))
    monkeypatch.delenv("PATROL_SSH_KEX", raising=False)
    args = execute._envvars(10, 5, "/t/cp")["ANSIBLE_SSH_ARGS"]
    assert f"-o KexAlgorithms=curve25519-sha256,curve25519-sha256@libssh.org,{OPENSSH_92[0]}" \
        in args
    assert "ControlMaster=auto" in args  # the rest of the settings stay
    # a node runs the play with its own ssh, which may know other names
    assert "KexAlgorithms" not in execute._envvars(10, 5, "", kex=False)["ANSIBLE_SSH_ARGS"]
    monkeypatch.setenv("PATROL_SSH_KEX", "ssh")
    assert "KexAlgorithms" not in execute._envvars(10, 5, "/t/cp")["ANSIBLE_SSH_ARGS"]
    monkeypatch.setattr(ssh_kex, "ssh_default", lambda: tuple(OPENSSH_10))
    monkeypatch.delenv("PATROL_SSH_KEX")
    assert "KexAlgorithms" not in execute._envvars(10, 5, "/t/cp")["ANSIBLE_SSH_ARGS"]


@pytest.mark.skipif(shutil.which("ssh") is None, reason="needs OpenSSH's client")
def test_this_machines_ssh_accepts_the_option_and_puts_x25519_first() -> None:
    """Read back by ssh itself (``-G`` connects nowhere): the option parses, and the
    algorithms ssh would offer are its own, X25519 first."""
    ssh_kex.ssh_default.cache_clear()
    default = ssh_kex.ssh_default()
    assert default, "ssh -G printed no kexalgorithms"
    option = ssh_kex.ssh_option({})
    if ssh_kex.preferred(default) is None:
        assert option == ""
        return
    out = subprocess.run(["ssh", "-G", *option.split(), "patrol.invalid"], capture_output=True,
                         text=True, check=True, stdin=subprocess.DEVNULL).stdout
    offered = next(line.split(" ", 1)[1].split(",") for line in out.splitlines()
                   if line.startswith("kexalgorithms "))
    assert offered[0] == "curve25519-sha256"
    assert sorted(offered) == sorted(default)
