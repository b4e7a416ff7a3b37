"""The play's environment: what Ansible needs, never our CI tokens or secrets."""

from __future__ import annotations

from runner.execute import play_env


def test_the_play_inherits_only_what_it_needs():
    ours = {"HOME": "/root", "PATH": "/usr/bin", "CI_JOB_TOKEN": "t0ken", "DB_PASS": "pw",
            "LC_ALL": "C", "ANSIBLE_CONFIG": "/etc/a.cfg", "ANSIBLE_BECOME_PASSWORD": "pw2",
            "PATROL_BECOME": "s3cret"}
    seeded = {**ours, "PATH": "/venv/bin:/usr/bin", "ANSIBLE_LIBRARY": "/lib",
              "AWX_ISOLATED_DATA_DIR": "/tmp/x"}
    env = play_env(seeded, ours)
    assert env == {"HOME": "/root", "PATH": "/venv/bin:/usr/bin", "LC_ALL": "C",
                   "ANSIBLE_CONFIG": "/etc/a.cfg", "ANSIBLE_LIBRARY": "/lib",
                   "AWX_ISOLATED_DATA_DIR": "/tmp/x"}


def test_an_activated_venvs_path_reaches_the_play():
    """PATH already starting with our bin dir is the same as ours, and must still be kept:
    without it ansible-runner cannot find ansible-playbook (an installed, activated Patrol)."""
    ours = {"HOME": "/root", "PATH": "/venv/bin:/usr/bin"}
    env = play_env({**ours}, ours)
    assert env["PATH"] == "/venv/bin:/usr/bin"


def test_an_ansible_variable_not_on_the_allow_list_never_reaches_the_play():
    """Whatever its name says: ANSIBLE_FOO may hold a CI secret as well as any other."""
    ours = {"HOME": "/root", "ANSIBLE_FOO": "s3cret", "ANSIBLE_VAULT_PASS": "pw",
            "LC_SECRET": "pw2", "ANSIBLE_CONFIG": "/etc/a.cfg"}
    env = play_env(dict(ours), ours)
    assert env == {"HOME": "/root", "ANSIBLE_CONFIG": "/etc/a.cfg"}


def test_what_patrol_sets_wins_even_when_ours_holds_the_same_value():
    """Patrol's own settings are the play's, not an inheritance that the allow-list drops."""
    ours = {"ANSIBLE_TIMEOUT": "10", "ANSIBLE_FOO": "x"}
    own = {"ANSIBLE_TIMEOUT": "10"}
    assert play_env({**ours, **own}, ours, own) == {"ANSIBLE_TIMEOUT": "10"}
