"""The plain parts of running a site's play on its execution node: which hosts go where, the
node's own inventory (no controller path, only the pinned keys), and the remote commands."""

from __future__ import annotations

import shlex
import subprocess

from runner import execute_node

STATIC = {"all": {"hosts": {
    "web-01": {"ansible_host": "10.0.0.1"},
    "deep-01": {"ansible_host": "10.9.0.11", "ansible_user": "root",
                "ansible_ssh_private_key_file": "/controller/id",
                "ansible_ssh_common_args": "-F /controller/cfg",
                "patrol_node": "root@10.0.0.3:22", "patrol_node_ssh_args": "-F /c/cfg",
                "patrol_reach": "node", "patrol_node_known_host": "10.9.0.11 ssh-ed25519 AAAA",
                "patrol_measurements": [{"id": "x"}]},
    "deep-02": {"ansible_host": "10.9.0.12", "patrol_node": "root@10.0.0.3:22"}},
    "children": {"site_deep": {"hosts": {"deep-01": None, "deep-02": None}},
                 "role_web": {"hosts": {"web-01": None}}}}}


def test_hosts_behind_a_node_go_to_it_and_the_rest_stay_here() -> None:
    direct, nodes = execute_node.split(STATIC["all"]["hosts"], ["deep-01", "deep-02", "web-01"])
    assert direct == ["web-01"]
    assert nodes == {"root@10.0.0.3:22": ["deep-01", "deep-02"]}


def test_the_node_sees_its_hosts_only_with_pinned_keys_and_no_controller_path() -> None:
    remote = "/tmp/patrol-run-0123456789abcdef"
    inv, known = execute_node.node_inventory(STATIC, ["deep-01", "deep-02"], remote)
    hosts = inv["all"]["hosts"]
    assert sorted(hosts) == ["deep-01", "deep-02"]
    assert "/controller" not in str(inv) and "/c/cfg" not in str(inv)
    assert not any(k.startswith("patrol_node") for h in hosts.values() for k in h)
    assert hosts["deep-01"]["patrol_measurements"] == [{"id": "x"}]
    assert hosts["deep-01"]["ansible_ssh_common_args"] == (
        f"-o UserKnownHostsFile={remote}/known_hosts -o StrictHostKeyChecking=yes "
        "-o GlobalKnownHostsFile=/dev/null")
    assert known == "10.9.0.11 ssh-ed25519 AAAA\n"
    assert inv["all"]["children"]["role_web"]["hosts"] == {}


def test_every_path_the_node_writes_to_is_inside_the_runs_dir() -> None:
    remote = execute_node.remote_dir()
    assert remote.startswith("/tmp/patrol-run-") and len(remote) == len("/tmp/patrol-run-") + 16
    env = execute_node.node_envvars({"PATH": "/controller/bin", "ANSIBLE_FORKS": "5",
                                     "ANSIBLE_SSH_CONTROL_PATH_DIR": "/controller/cp"}, remote)
    assert "PATH" not in env and env["ANSIBLE_FORKS"] == "5"
    for name in ("ANSIBLE_SSH_CONTROL_PATH_DIR", "ANSIBLE_LOCAL_TEMP", "ANSIBLE_HOME"):
        assert env[name].startswith(remote + "/")


def test_the_remote_commands_are_shell_words_that_only_name_this_run() -> None:
    remote = "/tmp/patrol-run-0123456789abcdef"
    worker = execute_node.worker_command(remote)
    assert "ansible-runner worker --private-data-dir /tmp/patrol-run-0123456789abcdef --delete" \
        in worker
    cleanup = execute_node.cleanup_command(remote)
    assert remote not in cleanup  # its own command line never matches its pkill pattern
    # the shell expands the pattern to the run's dir
    expanded = subprocess.run(["sh", "-c", cleanup.replace("pkill", "echo").replace(
        "sleep 1", "true").replace("rm -rf", "echo")], capture_output=True, text=True).stdout
    assert expanded.split() == ["-TERM", "-f", "--", remote, "-KILL", "-f", "--", remote, remote]
    assert shlex.split(worker)  # well-formed


def test_ssh_reaches_the_node_as_a_uri_without_a_pty() -> None:
    argv = execute_node.ssh_argv("root@10.0.0.3:2222", "-F /c/cfg", 10)
    assert argv[:2] == ["ssh", "-T"] and argv[-1] == "ssh://root@10.0.0.3:2222"
    assert "-F" in argv and "BatchMode=yes" in argv
