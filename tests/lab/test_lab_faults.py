"""Every fault has its observable effect and is undone by its pair."""

from __future__ import annotations

import subprocess

import pytest

pytestmark = pytest.mark.lab


def test_sshd_stop_refuses_ssh_and_sshd_start_restores_it(lab):
    lab.sshd_stop("backup-01")
    try:
        result = lab.ssh("backup-01", "true")
        assert result.returncode == 255
        assert "Connection refused" in result.stderr
        assert lab.run("backup-01", "service ssh status").returncode != 0
    finally:
        lab.sshd_start("backup-01")
    assert lab.ssh("backup-01", "true").returncode == 0


def test_link_down_makes_ssh_time_out_and_link_up_restores_it(lab):
    lab.link_down("db-02")
    try:
        result = lab.ssh("db-02", "true", connect_timeout=2)
        assert result.returncode == 255
        assert "timed out" in result.stderr
    finally:
        lab.link_up("db-02")
    assert lab.ssh("db-02", "true").returncode == 0


def test_attached_disk_fills_up_and_detaches(lab):
    lab.disk_attach("db-01", "/srv/data", "8M")
    try:
        fill = lab.ssh("db-01", "dd if=/dev/zero of=/srv/data/fill bs=1M count=16")
        assert fill.returncode != 0
        assert "No space left on device" in fill.stderr
        assert lab.testinfra("db-01").mount_point("/srv/data").exists
        df = lab.ssh("db-01", "df --output=pcent /srv/data | tail -1").stdout.strip()
        assert df == "100%"
    finally:
        lab.disk_detach("db-01", "/srv/data")
    assert not lab.testinfra("db-01").mount_point("/srv/data").exists


def test_service_hang_makes_status_hang_and_service_unhang_restores_it(lab):
    lab.service_hang("mon-01")
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            lab.ssh("mon-01", "service ssh status", timeout=3)
        status = subprocess.run([".venv/bin/patrol", "lab", "status"], capture_output=True,
                                text=True).stdout
        assert "service status hangs" in next(ln for ln in status.splitlines()
                                              if ln.startswith("mon-01"))
    finally:
        lab.service_unhang("mon-01")
    assert lab.ssh("mon-01", "service ssh status").returncode == 0
    assert lab.run("mon-01", "pgrep -f '^sleep 86400$' || true").stdout.strip() == ""


def test_fault_commands_give_clean_errors(lab):
    def patrol(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([".venv/bin/patrol", "lab", *args], capture_output=True,
                              text=True)

    unknown = patrol("sshd-stop", "no-such-host")
    assert unknown.returncode == 2
    assert "unknown lab host 'no-such-host'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    again = patrol("up")
    assert again.returncode == 3
    assert "already up" in again.stderr
