"""The patrol_measure module's probes, run directly against this machine's real files
(read-only) and temp files; expected values are computed independently here."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"
MODULE_PATH = Path(__file__).resolve().parents[3] / "playbooks" / "library" / "patrol_measure.py"


# --- filesystems --------------------------------------------------------------------------


def test_filesystems_reports_root_like_statvfs(pm):
    measured = pm.probe_filesystems()
    st = os.statvfs("/")
    root = measured["/"]
    assert root["size"] == st.f_blocks * st.f_frsize
    assert root["inodes"] == st.f_files
    # others write to this disk meanwhile: allow a little movement
    assert abs(root["used"] - (st.f_blocks - st.f_bfree) * st.f_frsize) < 512 * 2**20
    assert abs(root["avail"] - st.f_bavail * st.f_frsize) < 512 * 2**20
    with open("/proc/mounts") as fh:
        fstypes = {line.split()[1]: line.split()[2] for line in fh}
    assert root["fstype"] == fstypes["/"]


def test_filesystems_skips_pseudo_filesystems(pm):
    measured = pm.probe_filesystems()
    assert "/proc" not in measured
    assert "/sys" not in measured
    assert not {fs["fstype"] for fs in measured.values()} & pm.PSEUDO_FSTYPES


def test_filesystems_reads_escaped_mount_points_and_later_mounts_win(pm, tmp_path):
    spaced = tmp_path / "with space"
    spaced.mkdir()
    escaped = str(spaced).replace(" ", "\\040")
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "proc /proc proc rw 0 0\n"
        f"/dev/sdz1 {escaped} ext4 rw 0 0\n"
        f"/dev/sdz2 {escaped} xfs rw 0 0\n"
        "/dev/gone /no/such/mount ext4 rw 0 0\n"
    )
    measured = pm.probe_filesystems(mounts_file=str(mounts))
    assert set(measured) == {str(spaced), "/no/such/mount"}
    assert measured[str(spaced)]["fstype"] == "xfs"
    assert measured[str(spaced)]["device"] == "/dev/sdz2"
    assert "error" in measured["/no/such/mount"]


# --- meminfo / loadavg --------------------------------------------------------------------


def test_meminfo_matches_proc_meminfo(pm):
    measured = pm.probe_meminfo()
    with open("/proc/meminfo") as fh:
        total = next(int(line.split()[1]) for line in fh if line.startswith("MemTotal:"))
    assert measured["total_kb"] == total
    assert 0 < measured["available_kb"] <= total


def test_meminfo_without_memavailable_is_a_probe_error(pm, tmp_path):
    fake = tmp_path / "meminfo"
    fake.write_text("MemTotal: 1000 kB\nMemFree: 10 kB\n")
    with pytest.raises(pm.ProbeError):
        pm.probe_meminfo(path=str(fake))


def test_loadavg_reads_three_windows_and_cpu_count(pm):
    measured = pm.probe_loadavg()
    assert set(measured["load"]) == {"1", "5", "15"}
    assert all(v >= 0 for v in measured["load"].values())
    assert measured["cpus"] == os.cpu_count()


# --- services -----------------------------------------------------------------------------


@pytest.mark.skipif(not shutil.which("service", path="/usr/sbin:/sbin"), reason="no service")
def test_unknown_service_has_a_nonzero_status(pm):
    measured = pm.probe_service_status(["patrol-no-such-service"])
    status = measured["patrol-no-such-service"]
    assert status["rc"] != 0
    assert "unrecognized service" in status["output"]


# --- packages -----------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/var/lib/dpkg/status").exists(), reason="not a dpkg system")
def test_packages_match_dpkg_query(pm):
    expected = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Version}", "dpkg"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    measured = pm.probe_packages(["dpkg", "patrol-no-such-package"])
    assert measured == {"dpkg": expected, "patrol-no-such-package": None}


def test_packages_report_every_dpkg_state_faithfully(pm, tmp_path):
    status = tmp_path / "status"
    status.write_text(
        "Package: gone\nStatus: deinstall ok config-files\nVersion: 1.0\n\n"
        "Package: here\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2:3.4-5\n"
        "Description: a thing\n continued line: not a field\n\n"
        "Package: half\nStatus: install reinstreq half-installed\nVersion: 1\n\n"
        "Package: waits\nStatus: install ok triggers-awaited\nVersion: 9.2p1-2\n"
        "Triggers-Awaited: man-db\n\n"
        "Package: pending\nStatus: install ok triggers-pending\nVersion: 2.11\n"
        "Triggers-Pending: /usr/share/man\n\n"
        "Package: unpacked\nStatus: install ok unpacked\nVersion: 1.1.0-1\n\n"
        "Package: failed\nStatus: install ok half-configured\nVersion: 3\n\n"
        "Package: purged\nStatus: purge ok not-installed\n"
    )
    names = ["gone", "here", "here:amd64", "half", "waits", "pending", "unpacked", "failed",
             "purged", "absent"]  # fmt: skip
    assert pm.probe_packages(names, status_file=str(status)) == {
        "gone": None,
        "here": "2:3.4-5",
        "here:amd64": "2:3.4-5",
        "half": {"version": "1", "state": "half-installed"},
        "waits": "9.2p1-2",
        "pending": "2.11",
        "unpacked": {"version": "1.1.0-1", "state": "unpacked"},
        "failed": {"version": "3", "state": "half-configured"},
        "purged": None,
        "absent": None,
    }


def test_packages_plain_name_prefers_the_installed_architecture(pm, tmp_path):
    status = tmp_path / "status"
    status.write_text(
        "Package: lib\nStatus: deinstall ok config-files\nArchitecture: i386\nVersion: 1\n\n"
        "Package: lib\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2\n"
    )
    measured = pm.probe_packages(["lib", "lib:i386", "lib:amd64"], status_file=str(status))
    assert measured == {"lib": "2", "lib:i386": None, "lib:amd64": "2"}


# --- apt upgrades -------------------------------------------------------------------------


def _system_python_has_apt() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import apt_pkg"], check=False).returncode == 0


def test_apt_upgrades_without_python_apt_is_an_error_value(pm, monkeypatch):
    monkeypatch.setitem(sys.modules, "apt_pkg", None)  # makes `import apt_pkg` fail
    assert pm.measure_one("apt_upgrades", {}) == {
        "error": "python3-apt (apt_pkg) is not installed on the host"
    }


@pytest.mark.skipif(not _system_python_has_apt(), reason="no python3-apt on this machine")
def test_apt_upgrades_agree_with_apt_list_upgradable(tmp_path):
    script = (
        "import importlib.util, json, sys\n"
        f"spec = importlib.util.spec_from_file_location('pm', {str(MODULE_PATH)!r})\n"
        "pm = importlib.util.module_from_spec(spec); spec.loader.exec_module(pm)\n"
        "print(json.dumps(pm.measure_one('apt_upgrades', {'refresh': False})))\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if "site-packages" in p))
    out = subprocess.run(
        [SYSTEM_PYTHON, "-c", script], capture_output=True, text=True, check=True, env=env
    ).stdout
    import json

    measured = json.loads(out)
    assert "error" not in measured, measured
    listing = subprocess.run(
        ["apt", "list", "--upgradable"], capture_output=True, text=True, check=True
    ).stdout
    expected = {}
    for line in listing.splitlines():
        if "/" in line and "[upgradable from" in line:
            name_suite, version, *_ = line.split()
            expected[name_suite.split("/")[0]] = version
    got = {name.split(":")[0]: p["candidate"] for name, p in measured["packages"].items()}
    assert got == expected
    assert measured["refreshed"] is False


def test_security_origin_detection(pm):
    class PackageFile:
        def __init__(self, archive="", label="", codename=""):
            self.archive, self.label, self.codename = archive, label, codename

    assert pm._is_security(PackageFile(archive="bookworm-security", label="Debian-Security"))
    assert pm._is_security(PackageFile(archive="oldstable-security"))
    assert pm._is_security(PackageFile(archive="now", label="Ubuntu Security"))
    assert not pm._is_security(PackageFile(archive="bookworm-updates", label="Debian"))
    assert not pm._is_security(PackageFile(archive="stable", label="patrol-lab"))


# --- reboot marker ------------------------------------------------------------------------


def test_reboot_required_reads_marker_and_package_list(pm, tmp_path):
    marker, pkgs = tmp_path / "reboot-required", tmp_path / "reboot-required.pkgs"
    assert pm.probe_reboot_required(str(marker), str(pkgs)) == {
        "required": False,
        "packages": [],
    }
    marker.write_text("*** System restart required ***\n")
    pkgs.write_text("linux-image-amd64\nlibc6\nlibc6\n")
    assert pm.probe_reboot_required(str(marker), str(pkgs)) == {
        "required": True,
        "packages": ["libc6", "linux-image-amd64"],
    }


# --- listening ports ----------------------------------------------------------------------


def test_listening_ports_sees_a_socket_we_open_and_not_after_close(pm):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        assert port not in pm.probe_listening_ports()["ports"]  # bound, not yet listening
        listener.listen()
        assert port in pm.probe_listening_ports()["ports"]
    assert port not in pm.probe_listening_ports()["ports"]


@pytest.mark.skipif(not socket.has_ipv6 or not Path("/proc/net/tcp6").exists(), reason="no v6")
def test_listening_ports_include_ipv6(pm):
    try:
        listener = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        listener.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback")
    with listener:
        listener.listen()
        assert listener.getsockname()[1] in pm.probe_listening_ports()["ports"]


def test_listening_ports_parse_proc_net_format(pm, tmp_path):
    tcp = tmp_path / "tcp"
    tcp.write_text(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
        "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0\n"
        "   1: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0\n"
        "   2: 0100007F:0017 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0\n"
    )
    missing = tmp_path / "tcp6"
    assert pm.probe_listening_ports(files=(str(tcp), str(missing))) == {"ports": [22, 3306]}
    with pytest.raises(pm.ProbeError):
        pm.probe_listening_ports(files=(str(missing),))


# --- stat ---------------------------------------------------------------------------------


def test_stat_reports_mode_owner_group_and_mtime(pm, tmp_path):
    path = tmp_path / "marker"
    path.write_text("x")
    os.chmod(path, 0o640)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    measured = pm.probe_stat(str(path))
    st = os.stat(path)
    assert measured["exists"] is True
    assert measured["type"] == "file"
    assert measured["mode"] == "0640"
    assert measured["owner"] == pwd.getpwuid(st.st_uid).pw_name
    assert measured["group"] == grp.getgrgid(st.st_gid).gr_name
    assert measured["mtime"] == 1_700_000_000
    assert abs(measured["now"] - datetime.now(UTC).timestamp()) < 60


def test_stat_keeps_special_bits_and_follows_symlinks(pm, tmp_path):
    target = tmp_path / "dir"
    target.mkdir()
    os.chmod(target, 0o1777)
    link = tmp_path / "link"
    link.symlink_to(target)
    measured = pm.probe_stat(str(link))
    assert (measured["type"], measured["mode"]) == ("directory", "1777")


def test_stat_of_missing_file_says_so(pm, tmp_path):
    measured = pm.probe_stat(str(tmp_path / "absent"))
    assert measured["exists"] is False
    assert "now" in measured


# --- sshd -T ------------------------------------------------------------------------------


def test_sshd_t_output_parses_to_lowercase_keywords(pm):
    text = "port 22\nPermitRootLogin without-password\npasswordauthentication no\n" \
        "hostkey /etc/ssh/a\nhostkey /etc/ssh/b\n"  # fmt: skip
    assert pm.parse_sshd_t(text) == {
        "port": "22",
        "permitrootlogin": "without-password",
        "passwordauthentication": "no",
        "hostkey": "/etc/ssh/a /etc/ssh/b",
    }


@pytest.mark.skipif(not Path("/usr/sbin/sshd").exists(), reason="no sshd on this machine")
def test_sshd_probe_returns_settings_or_an_error_value(pm):
    measured = pm.measure_one("sshd_config", {"keys": ["PermitRootLogin"]})
    can_run = Path("/run/sshd").is_dir() and os.geteuid() == 0
    if can_run:
        assert set(measured["settings"]) == {"permitrootlogin"}
    else:  # e.g. "Missing privilege separation directory: /run/sshd"
        assert measured["error"].startswith("sshd -T failed")


def test_local_addresses_read_the_fib_and_if_inet6(pm, tmp_path):
    fib = tmp_path / "fib_trie"
    fib.write_text(
        "Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 10.123.0.0\n        /24 link UNICAST\n"
        "Local:\n  +-- 0.0.0.0/0 3 0 5\n     +-- 10.123.0.0/24 2 0 2\n"
        "        |-- 10.123.0.31\n           /32 host LOCAL\n"
        "        |-- 10.123.0.255\n           /32 link BROADCAST\n"
        "        |-- 127.0.0.1\n           /32 host LOCAL\n"
        "        |-- 10.123.0.31\n           /32 host LOCAL\n"
    )
    inet6 = tmp_path / "if_inet6"
    inet6.write_text(
        "00000000000000000000000000000001 01 80 10 80       lo\n"
        "fe800000000000000000000000000001 02 40 20 80     eth0\n"
        "20010db8000000000000000000000031 02 40 00 80     eth0\n"
    )
    assert pm.local_addresses(str(fib), str(inet6)) == [
        "10.123.0.31", "127.0.0.1", "::1", "2001:db8::31"]  # fmt: skip
    assert pm.local_addresses(str(tmp_path / "no"), str(tmp_path / "no6")) == []


def test_local_addresses_of_this_machine_include_loopback(pm):
    assert "127.0.0.1" in pm.local_addresses()


def test_default_connections_cover_every_listening_address_from_near_and_far(pm):
    settings = {"listenaddress": "0.0.0.0:22 [::1]:2222", "port": "22 2222"}
    conns = pm.default_connections(settings, ["10.123.0.31", "127.0.0.1", "::1"])
    assert [pm.connection_spec(c) for c in conns] == [
        "user=root,host=10.123.0.31,addr=10.123.0.31,laddr=10.123.0.31,lport=22",
        "user=root,host=203.0.113.1,addr=203.0.113.1,laddr=10.123.0.31,lport=22",
        "user=root,host=127.0.0.1,addr=127.0.0.1,laddr=127.0.0.1,lport=22",
        "user=root,host=::1,addr=::1,laddr=::1,lport=2222",
    ]


def test_sshd_config_files_expand_includes_and_collect_match_blocks(pm, tmp_path):
    confd = tmp_path / "sshd_config.d"
    confd.mkdir()
    main = tmp_path / "sshd_config"
    main.write_text(
        "Include sshd_config.d/*.conf\n"
        "PermitRootLogin no\n"
        "# Match User nobody\n"
        "Match User backup\n"
        "    PasswordAuthentication=yes\n"
        "    PasswordAuthentication no\n"
    )
    (confd / "20-lab.conf").write_text(
        "Match Address 10.123.0.0/24,!10.123.0.1\n  PermitRootLogin yes\n"
    )
    (confd / "10-first.conf").write_text("PasswordAuthentication no\n")
    files, dirs, matches = pm.read_sshd_config_files(str(main), base_dir=str(tmp_path))
    assert files == [str(main), str(confd / "10-first.conf"), str(confd / "20-lab.conf")]
    assert dirs == [str(confd)]
    assert matches == [
        {"criteria": "Address 10.123.0.0/24,!10.123.0.1", "file": str(confd / "20-lab.conf"),
         "line": 1, "settings": {"permitrootlogin": "yes"}},
        {"criteria": "User backup", "file": str(main), "line": 4,
         "settings": {"passwordauthentication": "yes"}},
    ]  # fmt: skip


@pytest.fixture
def fake_sshd(tmp_path):
    """A live process whose name (comm) is sshd: a copy of sleep under that name."""
    binary = tmp_path / "sshd"
    shutil.copy(shutil.which("sleep"), binary)
    proc = subprocess.Popen([str(binary), "60"])
    comm = Path(f"/proc/{proc.pid}/comm")
    for _ in range(200):  # Popen may return (vfork) before the kernel renames the child
        if comm.read_text().strip() == "sshd":
            break
        time.sleep(0.01)
    yield proc.pid
    proc.kill()
    proc.wait()


@pytest.fixture
def real_sshd(tmp_path):
    """A real sshd on a loopback port, with a config and a drop-in of its own: what it keeps
    in memory is what the reload probe reads."""
    if os.geteuid() != 0 or not Path("/usr/sbin/sshd").exists():
        pytest.skip("needs root and sshd")
    Path("/run/sshd").mkdir(exist_ok=True)
    confd = tmp_path / "sshd_config.d"
    confd.mkdir()
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    str(tmp_path / "hostkey")], check=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = tmp_path / "sshd_config"
    pid_file = tmp_path / "sshd.pid"
    config.write_text(f"Include {confd}/*.conf\nHostKey {tmp_path}/hostkey\nPort {port}\n"
                      f"ListenAddress 127.0.0.1\nPidFile {pid_file}\n")
    (confd / "a.conf").write_text("# hardening\n   PermitRootLogin no\r\nX11Forwarding no")
    subprocess.run(["/usr/sbin/sshd", "-f", str(config)], check=True)
    for _ in range(200):
        if pid_file.exists() and pid_file.read_text().strip():
            break
        time.sleep(0.01)
    pid = int(pid_file.read_text())
    yield config, confd, pid_file, pid
    os.kill(int(pid_file.read_text()), 15)


def _reload(pid_file, pid):
    """SIGHUP: sshd re-executes itself in place and rewrites its pid file; wait for that."""
    before = pid_file.stat().st_mtime_ns
    os.kill(pid, 1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if pid_file.exists() and pid_file.stat().st_mtime_ns != before and \
                pid_file.read_text().strip():
            return
        time.sleep(0.02)
    raise AssertionError("sshd did not rewrite its pid file within 10 s of SIGHUP")


def test_sshd_reload_finds_the_files_content_in_the_running_daemon(pm, real_sshd):
    config, confd, pid_file, pid = real_sshd
    drop_in = confd / "a.conf"
    measured = pm.probe_sshd_reload(str(config), str(pid_file))
    assert measured["pid"] == pid
    assert measured["started"] == pytest.approx(pm.process_started(pid))
    assert measured.get("content", {"differs": [], "removed": []}) == {
        "differs": [], "removed": []}
    drop_in.write_bytes(drop_in.read_bytes())  # the same bytes again: a new ctime only
    assert pm.probe_sshd_reload(str(config), str(pid_file))["content"] == {
        "differs": [], "removed": []}
    stamp = drop_in.stat().st_mtime
    drop_in.write_text("PermitRootLogin yes\n")
    os.utime(drop_in, (stamp, stamp))  # as cp -p or touch -d would leave it
    measured = pm.probe_sshd_reload(str(config), str(pid_file))
    assert measured["content"] == {"differs": [str(drop_in)], "removed": []}
    assert measured["config_changed"] >= measured["started"]
    _reload(pid_file, pid)
    assert pm.probe_sshd_reload(str(config), str(pid_file))["content"] == {
        "differs": [], "removed": []}


def test_sshd_reload_sees_a_drop_in_removed_from_an_include_dir(pm, real_sshd):
    config, confd, pid_file, _pid = real_sshd
    (confd / "a.conf").unlink()
    measured = pm.probe_sshd_reload(str(config), str(pid_file))
    assert measured["config_file"] == str(confd)
    assert measured["content"] == {"differs": [], "removed": [str(confd / "a.conf")]}


def test_sshd_buffer_is_the_file_as_sshd_keeps_it(pm):
    assert pm.sshd_buffer(b"# c\n  Port 22\r\n\tX no") == b"# c\nPort 22\r\nX no\0"


def test_sshd_reload_without_a_live_sshd_has_no_start_time(pm, tmp_path):
    config = tmp_path / "sshd_config"
    config.write_text("Port 22\n")
    pid_file = tmp_path / "sshd.pid"
    pid_file.write_text(f"{os.getpid()}\n")  # alive, but not an sshd
    measured = pm.probe_sshd_reload(str(config), str(pid_file))
    assert (measured["pid"], measured["started"]) == (None, None)
    assert pm.probe_sshd_reload(str(config), str(tmp_path / "none.pid"))["started"] is None
    assert "error" in pm.measure_one("sshd_reload", {"config_file": "/x"})  # not public


# --- certificate --------------------------------------------------------------------------


@pytest.fixture
def certificate(tmp_path):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl CLI to make a test certificate")
    cert, key = tmp_path / "lab.pem", tmp_path / "lab.key"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "45",
         "-subj", "/CN=patrol-lab", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    end = subprocess.run(
        [openssl, "x509", "-enddate", "-noout", "-in", str(cert)],
        check=True, capture_output=True, text=True,
    ).stdout.strip().removeprefix("notAfter=")  # fmt: skip
    not_after = datetime.strptime(end, "%b %d %H:%M:%S %Y %Z").replace(tzinfo=UTC)
    return cert, int(not_after.timestamp())


def test_certificate_not_after_matches_openssl(pm, certificate):
    path, not_after = certificate
    measured = pm.probe_certificate(str(path))
    assert measured["exists"] is True
    assert measured["not_after"] == not_after
    assert measured["subject"] == "patrol-lab"
    assert 44 * 86400 < measured["not_after"] - measured["now"] <= 45 * 86400


def test_certificate_garbage_is_an_error_value_and_missing_is_not(pm, tmp_path):
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    assert (
        "not a readable PEM certificate"
        in pm.measure_one("certificate", {"path": str(junk)})["error"]
    )
    assert pm.probe_certificate(str(tmp_path / "absent.pem"))["exists"] is False


# --- the dispatcher -----------------------------------------------------------------------


def test_unknown_probe_and_unknown_args_are_error_values(pm):
    assert pm.measure_one("nope", {}) == {"error": "unknown probe 'nope'"}
    assert (
        "takes no argument" in pm.measure_one("stat", {"path": "/", "mounts_file": "/x"})["error"]
    )


def test_one_broken_probe_does_not_sink_the_others(pm, monkeypatch):
    def boom():
        raise ZeroDivisionError("oops")

    monkeypatch.setitem(pm.PROBES, "loadavg", boom)
    values = pm.measure_all(
        [
            {"id": "a", "probe": "loadavg", "args": {}},
            {"id": "b", "probe": "meminfo", "args": {}},
            {"id": "c", "probe": "stat", "args": {"path": "/"}},
        ]
    )
    assert values["a"] == {"error": "ZeroDivisionError: oops"}
    assert "total_kb" in values["b"]
    assert values["c"]["type"] == "directory"


def test_os_errors_name_the_file(pm, tmp_path, monkeypatch):
    monkeypatch.setitem(pm.PROBES, "meminfo", lambda: pm.probe_meminfo(str(tmp_path / "x")))
    assert pm.measure_one("meminfo", {}) == {
        "error": f"{tmp_path / 'x'}: No such file or directory"
    }


def test_a_hung_probe_is_a_timeout_error_and_the_others_still_report(pm, monkeypatch):
    import time

    monkeypatch.setitem(pm.PROBES, "loadavg", lambda: time.sleep(60))
    started = time.monotonic()
    values = pm.measure_all([
        {"id": "hung", "probe": "loadavg", "args": {}, "timeout": 0.5},
        {"id": "mem", "probe": "meminfo", "args": {}, "timeout": 5},
    ])
    assert time.monotonic() - started < 5
    assert values["hung"] == {"error": "timed out after 0.5 s"}
    assert values["mem"]["total_kb"] > 0


def test_a_timed_out_probe_leaves_no_command_running(pm, monkeypatch, tmp_path):
    import subprocess
    import time

    marker = f"patrol-test-hang-{tmp_path.name}"
    script = tmp_path / marker
    script.write_text("#!/bin/sh\nsleep 60\n")
    script.chmod(0o755)
    monkeypatch.setitem(pm.PROBES, "loadavg", lambda: pm._run([str(script)]))
    assert pm.measure_one("loadavg", {}, timeout=0.5) == {"error": "timed out after 0.5 s"}
    time.sleep(0.2)
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout
    assert left.strip() == ""


def test_values_cross_the_process_boundary_unchanged(pm, tmp_path):
    path = str(tmp_path)
    direct = pm.measure_one("stat", {"path": path})
    isolated = pm.measure_one("stat", {"path": path}, timeout=5)
    assert isolated == {**direct, "now": isolated["now"]}
    assert pm.measure_one("nope", {}, timeout=5) == {"error": "unknown probe 'nope'"}


def test_one_filesystem_mounted_twice_is_listed_once_like_df(pm, tmp_path):
    first, second = tmp_path / "a", tmp_path / "bb"
    first.mkdir()
    second.mkdir()  # both on one filesystem: one device number, as a bind mount has
    mounts = tmp_path / "mounts"
    mounts.write_text(f"tmpfs {second} tmpfs rw 0 0\ntmpfs {first} tmpfs rw 0 0\n")
    info = tmp_path / "mountinfo"
    info.write_text(f"1 0 0:9 / {second} rw - tmpfs tmpfs rw\n1 0 0:9 / {first} rw - tmpfs x\n")
    measured = pm.probe_filesystems(mounts_file=str(mounts), mountinfo_file=str(info))
    assert set(measured) == {str(first)}  # the shorter mount point, as df shows it
    assert measured[str(first)]["also"] == [str(second)]
    # a bind of a subdirectory loses to the mount of the filesystem's root, however long
    info.write_text(f"1 0 0:9 / {second} rw - tmpfs tmpfs rw\n1 0 0:9 /sub {first} rw - x x\n")
    measured = pm.probe_filesystems(mounts_file=str(mounts), mountinfo_file=str(info))
    assert set(measured) == {str(second)}
    assert measured[str(second)]["also"] == [str(first)]


def test_init_script_names_its_pid_file_and_daemon(pm, tmp_path):
    (tmp_path / "cron").write_text("NAME=cron\nDAEMON=/usr/sbin/cron\n"
                                   "PIDFILE=/var/run/crond.pid\n")
    (tmp_path / "ssh").write_text("start-stop-daemon --start --pidfile /run/sshd.pid "
                                  "--exec /usr/sbin/sshd -- $SSHD_OPTS\n")
    (tmp_path / "syslog").write_text('NAME=syslogd   # short name\nDAEMON=/sbin/$NAME\n')
    assert pm.init_script_daemon("cron", str(tmp_path)) == {
        "pid_file": "/var/run/crond.pid", "daemon": "/usr/sbin/cron"}
    assert pm.init_script_daemon("ssh", str(tmp_path)) == {
        "pid_file": "/run/sshd.pid", "daemon": "/usr/sbin/sshd"}
    run = tmp_path / "run"
    run.mkdir()
    (run / "syslogd.pid").write_text("1\n")
    assert pm.init_script_daemon("syslog", str(tmp_path), run_dirs=(str(run),)) == {
        "pid_file": f"{run}/syslogd.pid", "daemon": "/sbin/syslogd"}


def test_process_of_a_pid_file_sees_a_zombie_and_a_live_program(pm, tmp_path):
    pid_file = tmp_path / "x.pid"
    child = subprocess.Popen(["sleep", "0"])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # exited, not yet reaped: a zombie, as ps shows it
        if Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            break
        time.sleep(0.01)
    pid_file.write_text(f"{child.pid}\n")
    zombie = pm.process_of(str(pid_file))
    child.wait()
    assert (zombie["alive"], zombie["state"], zombie["exe"]) == (True, "Z", None)
    assert pm.process_of(str(pid_file)) == {"pid": child.pid, "alive": False}
    pid_file.write_text(f"{os.getpid()}\n")
    me = pm.process_of(str(pid_file))
    assert me["exe"] == os.path.realpath(sys.executable) or me["exe"] == os.readlink(
        f"/proc/{os.getpid()}/exe")
    assert pm.process_of(str(tmp_path / "none.pid")) == {
        "error": f"{tmp_path}/none.pid does not exist"}


SSHD_LISTENING = {"listenaddress": "0.0.0.0:22", "port": "22"}


def test_each_match_block_gets_a_connection_it_applies_to(pm, tmp_path):
    group = tmp_path / "group"
    group.write_text("root:x:0:\nwheel:x:10:alice,bob\nempty:x:11:\n")
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0::/root:/bin/sh\ncarol:x:1000:11::/home/carol:/bin/sh\n")
    here = ["10.123.0.31"]

    def derive(criteria):
        return pm.match_connection(criteria, SSHD_LISTENING, here, str(group), str(passwd))

    assert derive("Address 192.0.2.0/24") == {
        "user": "root", "addr": "192.0.2.1", "host": "192.0.2.1", "laddr": "10.123.0.31",
        "lport": 22}
    assert derive("User deploy,!root")["user"] == "deploy"
    assert derive("User adm*")["user"] == "admx"
    assert derive("Group wheel")["user"] == "alice"
    assert derive("Group empty")["user"] == "carol"  # a member by primary group
    assert derive("Group nobody-here") is None
    assert derive("User !root") is None  # only negations: sshd matches no one
    assert derive("LocalAddress 10.123.0.0/24 LocalPort 2222") == {
        "user": "root", "addr": "203.0.113.1", "host": "203.0.113.1", "laddr": "10.123.0.1",
        "lport": 2222}
    assert derive("Host *.example.org Address 10.9.*")["host"] == "x.example.org"
    assert derive("Address 10.9.*")["addr"] == "10.9.1.1"
    assert derive("RDomain blue") is None
