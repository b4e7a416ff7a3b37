#!/usr/bin/python3
"""Measure a whole checklist on one host in one call (one SSH round trip).

Patrol's check kinds (``runner/checks/``) each name a *probe* of this module and its
arguments; the executor sends every measurement of a host's checklist at once, and this
module returns every value at once. Probes only read: the module is safe in check mode.

Self-contained on purpose (Ansible ships one file to the host): Python 3.11 stdlib, plus
python3-apt for the ``apt_upgrades`` probe (its absence becomes that probe's error value).

Two ways in, one measurement: as an Ansible module (``main``, through AnsiballZ), or, when the
host's interpreter is known, as this file's text run by ``python3 -c`` (``standalone``), which
the ``patrol_measure`` action plugin beside the playbooks does: Ansible then neither builds
nor wraps an AnsiballZ payload (``../action_plugins/patrol_measure.py`` says why).
"""

from __future__ import annotations

import calendar
import fnmatch
import glob
import grp
import ipaddress
import json
import os
import pwd
import re
import select
import shutil
import signal
import ssl
import stat
import subprocess
import sys
import time

DOCUMENTATION = r"""
---
module: patrol_measure
short_description: Read everything a Patrol checklist needs from a host in one call
description:
  - Runs a list of read-only probes (filesystems, meminfo, loadavg, services, packages,
    apt upgrades, reboot marker, listening ports, file stat, sshd -T per connection, sshd's
    reload state, certificate, kernel parameters, processes needing a restart, system
    logger, password policy) and returns every value keyed by the measurement id.
  - A probe that fails yields C({"error": "..."}) as its value; the task itself does not fail.
  - Each probe runs in a child process of its own with a timeout; a probe that hangs (a stale
    NFS mount, a stuck init script) is killed with everything it started and yields
    C({"error": "timed out after N s"}), and the other probes still run.
options:
  measurements:
    description: The measurements to take.
    type: list
    elements: dict
    required: true
    suboptions:
      id:
        description: Key of this measurement's value in C(values).
        type: str
        required: true
      probe:
        description: Name of the probe to run.
        type: str
        required: true
      args:
        description: The probe's arguments.
        type: dict
        default: {}
      timeout:
        description: Seconds the probe may take before it is killed and reported as an error.
        type: float
        default: 30
author: Patrol
"""

EXAMPLES = r"""
- name: Measure the checklist
  patrol_measure:
    measurements:
      - {id: fs, probe: filesystems, args: {}}
      - {id: sshd, probe: service_status, args: {names: [ssh]}}
  register: patrol
"""

RETURN = r"""
values:
  description: Measurement id -> measured value, or C({"error": "..."}) for a failed probe.
  returned: always
  type: dict
seconds:
  description: Measurement id -> seconds its probe took (a monotonic clock, to the millisecond).
  returned: always
  type: dict
elapsed:
  description: Seconds the whole call took, every measurement included.
  returned: always
  type: float
"""

_SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_TIMEOUT = 60
DEFAULT_PROBE_TIMEOUT = 30.0

# Filesystems that hold no user data: their usage is meaningless (or always 100 %).
PSEUDO_FSTYPES = frozenset(
    {
        "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs",
        "devpts", "devtmpfs", "efivarfs", "fuse.gvfsd-fuse", "fusectl", "hugetlbfs",
        "mqueue", "nsfs", "proc", "pstore", "ramfs", "rpc_pipefs", "securityfs",
        "selinuxfs", "squashfs", "sysfs", "tracefs",
    }
)  # fmt: skip


class ProbeError(Exception):
    """A probe could not read what it was asked for; becomes ``{"error": str(exc)}``."""


def _which(name):
    path = shutil.which(name, path=os.environ.get("PATH", "") + ":" + _SBIN_PATH)
    if path is None:
        raise ProbeError(f"{name}: command not found")
    return path


def _run(argv, timeout=_TIMEOUT):
    env = dict(os.environ, LC_ALL="C", LANG="C", PATH=_SBIN_PATH)
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=timeout,
            stdin=subprocess.DEVNULL, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise ProbeError(f"{argv[0]} timed out after {timeout}s") from exc
    return proc.returncode, proc.stdout, proc.stderr


def _last_line(text):
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def _unescape_mount(field):
    """/proc/mounts escapes space, tab, newline and backslash as octal (``\\040``)."""
    if "\\" not in field:
        return field
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and field[i + 1 : i + 4].isdigit() and i + 4 <= len(field):
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def read_mounts(mounts_file="/proc/mounts"):
    """Mount point -> (device, fstype); a later mount on the same point hides an earlier one."""
    mounts = {}
    with open(mounts_file, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            fields = line.split()
            if len(fields) < 3:
                continue
            mounts[_unescape_mount(fields[1])] = (_unescape_mount(fields[0]), fields[2])
    return mounts


# --- probes: each takes keyword args and returns plain JSON data --------------------------


def read_mount_roots(mountinfo_file="/proc/self/mountinfo"):
    """Mount point -> the directory of its filesystem it shows (``/`` unless a bind mount of
    a subdirectory), from mountinfo's fourth field; empty when there is no mountinfo."""
    roots = {}
    try:
        with open(mountinfo_file, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                fields = line.split()
                if len(fields) > 4:
                    roots[_unescape_mount(fields[4])] = _unescape_mount(fields[3])
    except OSError:
        pass
    return roots


def _df_prefers(new, old, roots):
    """df's rule for two mounts of one filesystem (coreutils ``filter_mount_list``): the
    mount nearer the root of the source wins, then the shorter mount point; a tie keeps the
    first mounted."""
    new_root, old_root = roots.get(new, "/"), roots.get(old, "/")
    return len(old) > len(new) and not len(old_root) < len(new_root)


def one_per_filesystem(mounts, mountinfo_file="/proc/self/mountinfo"):
    """Mount point -> (device, fstype, other mount points of the same filesystem): bind and
    repeated mounts (one device number) counted once, at the mount point df shows."""
    roots = read_mount_roots(mountinfo_file)
    shown, by_dev = {}, {}
    for mount, (device, fstype) in mounts.items():
        if fstype in PSEUDO_FSTYPES:
            continue
        try:
            dev = os.stat(mount).st_dev
        except OSError:
            shown[mount] = (device, fstype, [])  # statvfs reports why
            continue
        first = by_dev.get(dev)
        if first is None:
            by_dev[dev] = mount
            shown[mount] = (device, fstype, [])
            continue
        if _df_prefers(mount, first, roots):
            others = shown.pop(first)[2]
            by_dev[dev] = mount
            shown[mount] = (device, fstype, sorted([*others, first]))
        else:
            shown[first][2].append(mount)
            shown[first][2].sort()
    return shown


def probe_filesystems(mounts_file="/proc/mounts", mountinfo_file="/proc/self/mountinfo"):
    """Per real filesystem: fstype, bytes size/used/avail and inodes total/used/free
    (statvfs), keyed by the mount point df shows; a filesystem mounted at several points
    (bind mounts, the same tmpfs twice) is listed once, its other mount points under ``also``.

    Used and available follow df: ``used = blocks - bfree`` and ``avail = bavail`` (what an
    unprivileged user may still write), so ``used / (used + avail)`` is df's Use%.
    """
    result = {}
    filesystems = one_per_filesystem(read_mounts(mounts_file), mountinfo_file)
    for mount, (device, fstype, also) in sorted(filesystems.items()):
        try:
            st = os.statvfs(mount)
        except OSError as exc:
            result[mount] = {"fstype": fstype, "device": device, "error": exc.strerror or str(exc)}
            continue
        result[mount] = {
            "fstype": fstype,
            "device": device,
            "size": st.f_blocks * st.f_frsize,
            "used": (st.f_blocks - st.f_bfree) * st.f_frsize,
            "avail": st.f_bavail * st.f_frsize,
            "inodes": st.f_files,
            "inodes_used": st.f_files - st.f_ffree,
            "inodes_avail": st.f_favail,
        }
        if also:
            result[mount]["also"] = also
    return result


def probe_meminfo(path="/proc/meminfo"):
    """MemTotal and MemAvailable in kB."""
    values = {}
    with open(path, encoding="ascii") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            if key in ("MemTotal", "MemAvailable"):
                values[key] = int(rest.split()[0])
    if "MemTotal" not in values or "MemAvailable" not in values:
        raise ProbeError(f"{path} lacks MemTotal or MemAvailable")
    return {"total_kb": values["MemTotal"], "available_kb": values["MemAvailable"]}


def probe_loadavg(path="/proc/loadavg"):
    """Load averages over 1, 5 and 15 minutes and the number of CPUs."""
    with open(path, encoding="ascii") as fh:
        fields = fh.read().split()
    return {
        "load": {"1": float(fields[0]), "5": float(fields[1]), "15": float(fields[2])},
        "cpus": os.cpu_count() or 1,
    }


_INIT_VAR = re.compile(r"^\s*(NAME|DAEMON|PIDFILE)=(\"[^\"]*\"|'[^']*'|[^\s;#]*)", re.M)


def _expand(value, variables):
    value = value.strip("\"'")
    return re.sub(r"\$\{?([A-Z_]+)\}?", lambda m: variables.get(m.group(1), ""), value)


def init_script_daemon(name, init_dir="/etc/init.d", run_dirs=("/run", "/var/run")):
    """The pid file and executable a sysvinit script manages: its ``NAME=``, ``DAEMON=`` and
    ``PIDFILE=`` variables, else its ``--pidfile``/``-p`` and ``--exec`` options, else
    ``/run/NAME.pid``; None for what the script does not say."""
    try:
        with open(f"{init_dir}/{name}", encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return {"pid_file": None, "daemon": None}
    variables, seen = {"NAME": name}, set()
    for key, value in _INIT_VAR.findall(text):
        if key not in seen:  # the first assignment: later ones are usually in branches
            seen.add(key)
            variables[key] = _expand(value, variables)
    pid_file, daemon = variables.get("PIDFILE"), variables.get("DAEMON")
    if not pid_file:
        found = re.search(r"(?:--pidfile|\s-p)\s+(\"?[/$][^\s\"]*)", text)
        pid_file = _expand(found.group(1), variables) if found else None
    if not daemon:
        found = re.search(r"--exec\s+(\"?[/$][^\s\"]*)", text)
        daemon = _expand(found.group(1), variables) if found else None
    if not pid_file or not pid_file.startswith("/"):
        short = variables["NAME"]
        pid_file = next((f"{d}/{short}.pid" for d in run_dirs
                         if os.path.exists(f"{d}/{short}.pid")), None)
    return {"pid_file": pid_file, "daemon": daemon if daemon and daemon.startswith("/") else None}


def process_of(pid_file, proc="/proc"):
    """What the pid in a pid file is: ``{"pid", "alive", "state", "exe", "comm"}`` (state as
    ps shows it: R, S, D, Z, ...; exe without a " (deleted)" suffix), or why it is not."""
    try:
        with open(pid_file, encoding="ascii", errors="replace") as fh:
            pid = int(fh.read().split()[0])
    except FileNotFoundError:
        return {"error": f"{pid_file} does not exist"}
    except (OSError, ValueError, IndexError):
        return {"error": f"{pid_file} holds no pid"}
    try:
        with open(f"{proc}/{pid}/stat", encoding="utf-8", errors="replace") as fh:
            stat_line = fh.read()
    except OSError:
        return {"pid": pid, "alive": False}
    comm = stat_line[stat_line.find("(") + 1 : stat_line.rfind(")")]
    state = stat_line[stat_line.rfind(")") + 2 :].split()[0]
    try:
        exe = os.readlink(f"{proc}/{pid}/exe").removesuffix(" (deleted)")
    except OSError:
        exe = None  # a zombie has no executable any more
    return {"pid": pid, "alive": True, "state": state, "exe": exe, "comm": comm}


def _same_file(a, b):
    try:
        return os.path.realpath(a) == os.path.realpath(b) or os.path.samefile(a, b)
    except OSError:
        return False


def probe_service_status(names, init_dir="/etc/init.d"):
    """``service NAME status`` per service: its exit code and last output line (LSB codes:
    0 running, 1-3 not running, 4 unknown); works with sysvinit scripts, no systemd needed.

    And what init scripts' status only assumes (``kill -0`` on the pid file's pid): the
    process behind the pid file (``process``: alive, its state, its executable) and the
    executable the script starts (``daemon``), so a zombie or an unrelated process reusing
    the pid is not taken for the service."""
    try:
        command = [_which("service")]
    except ProbeError:
        command = None  # no service(8): call the init scripts directly
    result = {}
    for name in names:
        if command is not None:
            argv = [*command, name, "status"]
        elif os.path.exists(f"/etc/init.d/{name}"):
            argv = [f"/etc/init.d/{name}", "status"]
        else:
            result[name] = {"rc": 4, "output": f"{name}: unrecognized service"}
            continue
        rc, out, err = _run(argv)
        result[name] = {"rc": rc, "output": _last_line(out) or _last_line(err)}
        managed = init_script_daemon(name, init_dir)
        if rc == 0 and managed["pid_file"]:
            process = process_of(managed["pid_file"])
            if managed["daemon"] and process.get("exe"):
                process["is_daemon"] = _same_file(process["exe"], managed["daemon"])
            result[name].update(managed, process=process)
    return result


# dpkg's package states (the Status field's last word), worst to best; "config-files" and
# "not-installed" mean the package is not installed (only its conffiles may remain).
_DPKG_NOT_INSTALLED = ("not-installed", "config-files")
# Configured: the package works; triggers-awaited/-pending (iW/it) is what an interrupted apt
# run leaves and does not make the installed version any less installed.
_DPKG_CONFIGURED = ("installed", "triggers-pending", "triggers-awaited")
_DPKG_RANK = {"half-installed": 1, "unpacked": 2, "half-configured": 3}


def _dpkg_rank(state):
    if state in _DPKG_CONFIGURED:
        return 9
    return _DPKG_RANK.get(state, 0)


def read_dpkg_status(path="/var/lib/dpkg/status"):
    """Package -> ``{"version", "state"}`` for every package dpkg has on disk in any state
    but not-installed (also ``name:arch`` keys; the plain name keeps the most installed)."""
    packages = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        stanza = {}
        for line in [*fh, "\n"]:
            if line.strip():
                if not line[0].isspace():
                    key, _, value = line.partition(":")
                    stanza[key] = value.strip()
                continue
            state = (stanza.get("Status", "").split() or [""])[-1]
            if "Package" in stanza and state and state != "not-installed":
                name = stanza["Package"]
                entry = {"version": stanza.get("Version", ""), "state": state}
                if name not in packages or _dpkg_rank(state) > _dpkg_rank(packages[name]["state"]):
                    packages[name] = entry
                if stanza.get("Architecture"):
                    packages[f"{name}:{stanza['Architecture']}"] = entry
            stanza = {}
    return packages


def probe_packages(names, status_file="/var/lib/dpkg/status"):
    """Each named package's installed version, as ``dpkg-query -W`` and ``dpkg -l`` see it.

    A configured package (ii, or iW/it waiting on triggers) is its version string; one that
    is not installed (or only its config files remain) is None; one dpkg left unpacked,
    half-installed or half-configured (a failed or interrupted install) is
    ``{"version": ..., "state": ...}``, so no reader mistakes it for installed or absent.
    """
    packages = read_dpkg_status(status_file)
    result = {}
    for name in names:
        entry = packages.get(name)
        if entry is None or entry["state"] in _DPKG_NOT_INSTALLED:
            result[name] = None
        elif entry["state"] in _DPKG_CONFIGURED:
            result[name] = entry["version"]
        else:
            result[name] = dict(entry)
    return result


def _is_security(package_file):
    archive = package_file.archive or ""
    label = package_file.label or ""
    codename = getattr(package_file, "codename", "") or ""
    return archive.endswith("-security") or codename.endswith("-security") or "Security" in label


def probe_apt_upgrades(refresh=False, check_mode=False):
    """Upgradable installed packages from the configured sources, as apt's cache sees them.

    No ``apt-get update`` unless ``refresh`` (skipped in check mode, which must not write);
    a candidate is a security upgrade when any index offering it is a security archive.
    """
    try:
        import apt_pkg
    except ImportError as exc:
        raise ProbeError("python3-apt (apt_pkg) is not installed on the host") from exc
    refreshed = False
    if refresh and not check_mode:
        rc, _out, err = _run([_which("apt-get"), "update", "-q"], timeout=600)
        if rc != 0:
            raise ProbeError(f"apt-get update failed: {_last_line(err)}")
        refreshed = True
    apt_pkg.init()
    cache = apt_pkg.Cache(None)
    depcache = apt_pkg.DepCache(cache)
    upgradable = {}
    for pkg in cache.packages:
        current = pkg.current_ver
        if current is None:
            continue
        candidate = depcache.get_candidate_ver(pkg)
        if candidate is None or apt_pkg.version_compare(candidate.ver_str, current.ver_str) <= 0:
            continue
        upgradable[pkg.get_fullname(True)] = {
            "installed": current.ver_str,
            "candidate": candidate.ver_str,
            "security": any(_is_security(pf) for pf, _index in candidate.file_list),
            # apt-mark hold: apt-get upgrade keeps it back, so it is not pending like the rest
            "held": pkg.selected_state == apt_pkg.SELSTATE_HOLD,
        }
    return {"packages": upgradable, "refreshed": refreshed}


def probe_reboot_required(
    marker="/var/run/reboot-required", pkgs_file="/var/run/reboot-required.pkgs"
):
    """Whether Debian's reboot marker exists, and the packages that asked for it."""
    required = os.path.exists(marker)
    packages = []
    if required and os.path.exists(pkgs_file):
        with open(pkgs_file, encoding="utf-8", errors="replace") as fh:
            packages = sorted({line.strip() for line in fh if line.strip()})
    return {"required": required, "packages": packages}


def _parse_proc_net_addr(hexaddr):
    addr, _, port = hexaddr.partition(":")
    return addr, int(port, 16)


def probe_listening_ports(files=("/proc/net/tcp", "/proc/net/tcp6")):
    """TCP ports in LISTEN state (``st == 0A``) from /proc/net, IPv4 and IPv6 together."""
    ports = set()
    seen_any = False
    for path in files:
        try:
            with open(path, encoding="ascii") as fh:
                lines = fh.readlines()[1:]
        except FileNotFoundError:
            continue  # no IPv6 on this host
        seen_any = True
        for line in lines:
            fields = line.split()
            if len(fields) > 3 and fields[3] == "0A":
                ports.add(_parse_proc_net_addr(fields[1])[1])
    if not seen_any:
        raise ProbeError("neither /proc/net/tcp nor /proc/net/tcp6 is readable")
    return {"ports": sorted(ports)}


def _name_or_id(lookup, ident):
    try:
        return lookup(ident)[0]
    except KeyError:
        return str(ident)


def probe_stat(path):
    """A file's type, permission bits (octal string), owner, group, mtime and the host's now.

    Follows symlinks, like ``stat -L``; a missing file is ``exists: false``, not an error.
    """
    now = int(time.time())
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return {"exists": False, "now": now}
    kind = (
        "file" if stat.S_ISREG(st.st_mode) else "directory" if stat.S_ISDIR(st.st_mode) else "other"
    )
    return {
        "exists": True,
        "type": kind,
        "mode": f"{stat.S_IMODE(st.st_mode):04o}",
        "owner": _name_or_id(pwd.getpwuid, st.st_uid),
        "group": _name_or_id(grp.getgrgid, st.st_gid),
        "mtime": int(st.st_mtime),
        "now": now,
    }


def parse_sshd_t(text):
    """``sshd -T`` output -> keyword (lowercase) -> value; repeated keywords join with a space."""
    config = {}
    for line in text.splitlines():
        key, _, value = line.strip().partition(" ")
        if not key:
            continue
        key = key.lower()
        config[key] = f"{config[key]} {value.strip()}" if key in config else value.strip()
    return config


def _sshd_binary():
    try:
        sshd = _which("sshd")
    except ProbeError:
        sshd = "/usr/sbin/sshd"
    if not os.path.exists(sshd):
        raise ProbeError("sshd is not installed")
    return sshd


def _sshd_t(sshd, extra=(), config_file=None):
    argv = [sshd, "-T", *extra]
    if config_file is not None:
        argv += ["-f", config_file]
    rc, out, err = _run(argv)
    if rc != 0:
        what = " ".join(["sshd -T", *extra])
        raise ProbeError(f"{what} failed (exit {rc}): {_last_line(err) or _last_line(out)}")
    return parse_sshd_t(out)


def local_addresses(fib_trie="/proc/net/fib_trie", if_inet6="/proc/net/if_inet6"):
    """The host's own IPv4 and IPv6 addresses (no ip(8) needed): the ``/32 host LOCAL``
    entries of the kernel's FIB and the global/loopback entries of if_inet6."""
    addresses = set()
    try:
        with open(fib_trie, encoding="ascii") as fh:
            previous = ""
            for line in fh:
                text = line.strip()
                if text.startswith("/32 host LOCAL") and previous:
                    addresses.add(previous)
                previous = text[4:] if text.startswith(("|-- ", "+-- ")) else ""
    except FileNotFoundError:
        pass
    try:
        with open(if_inet6, encoding="ascii") as fh:
            for line in fh:
                fields = line.split()
                if len(fields) < 4 or fields[3] == "20":  # 0x20: link-local, needs a scope
                    continue
                hexaddr = fields[0]
                addresses.add(str(ipaddress.IPv6Address(bytes.fromhex(hexaddr))))
    except FileNotFoundError:
        pass
    return sorted(addresses, key=lambda a: (":" in a, ipaddress.ip_address(a)))


# A client address from nowhere the host is (documentation ranges, RFC 5737 / 3849): stands
# for "anyone else" against Match Address blocks that open something to the world.
_ELSEWHERE = {4: "203.0.113.1", 6: "2001:db8::1"}


def _split_listen(value):
    """``0.0.0.0:22`` / ``[::]:22`` / ``10.0.0.1:2222`` -> (address, port)."""
    if value.startswith("["):
        addr, _, port = value[1:].partition("]:")
    else:
        addr, _, port = value.rpartition(":")
    return addr, int(port)


def default_connections(settings, addresses):
    """root connecting to every address sshd listens on: from an address of that network
    (the host's own address stands for its network) and, to a non-loopback one, from
    elsewhere. ``settings`` is ``sshd -T``'s output, ``addresses`` the host's own."""
    targets = set()
    for listen in (settings.get("listenaddress") or "").split():
        try:
            addr, port = _split_listen(listen)
            ip = ipaddress.ip_address(addr)
        except ValueError:
            continue
        if ip.is_unspecified:
            for own in addresses:
                if ipaddress.ip_address(own).version == ip.version:
                    targets.add((own, port))
        else:
            targets.add((str(ip), port))
    connections = []
    for laddr, lport in sorted(targets, key=lambda t: (":" in t[0], t[0], t[1])):
        ip = ipaddress.ip_address(laddr)
        clients = [laddr] if ip.is_loopback else [laddr, _ELSEWHERE[ip.version]]
        for addr in clients:
            connections.append(
                {"user": "root", "host": addr, "addr": addr, "laddr": laddr, "lport": lport}
            )
    return connections


def connection_spec(conn):
    """An ``sshd -T -C`` connection spec; user, host and addr are required by sshd."""
    parts = [f"user={conn['user']}", f"host={conn.get('host') or conn['addr']}",
             f"addr={conn['addr']}"]  # fmt: skip
    if conn.get("laddr"):
        parts.append(f"laddr={conn['laddr']}")
    if conn.get("lport"):
        parts.append(f"lport={conn['lport']}")
    return ",".join(parts)


def _config_words(line):
    """One sshd_config line -> (keyword lowercased, arguments); "Keyword=value" works too."""
    text = line.strip()
    if not text or text.startswith("#"):
        return "", ""
    match = re.match(r"([^\s=]+)\s*(?:=\s*|\s+)?(.*)$", text)
    return (match.group(1).lower(), match.group(2).strip()) if match else ("", "")


def read_sshd_config_files(path="/etc/ssh/sshd_config", base_dir="/etc/ssh"):
    """sshd's config files in read order (``Include`` expanded), the directories its
    ``Include`` globs search (a file removed from one changes the config too) and the
    ``Match`` blocks: ``[{"criteria", "file", "line", "settings": {keyword: value}}]``,
    first value wins."""
    files, dirs, matches = [], [], []

    def read(name, match, depth):
        if depth > 16 or name in files:
            return
        try:
            with open(name, encoding="utf-8", errors="replace") as fh:
                lines = fh.read().splitlines()
        except OSError:
            return
        files.append(name)
        for number, line in enumerate(lines, 1):
            keyword, args = _config_words(line)
            if keyword == "match":
                match = {"criteria": args, "file": name, "line": number, "settings": {}}
                matches.append(match)
            elif keyword == "include":
                for pattern in args.split():
                    pattern = pattern if pattern.startswith("/") else f"{base_dir}/{pattern}"
                    folder = os.path.dirname(pattern)
                    magic = glob.has_magic(os.path.basename(pattern))
                    if magic and os.path.isdir(folder) and folder not in dirs:
                        dirs.append(folder)
                    for included in sorted(glob.glob(pattern)):
                        read(included, match, depth + 1)
            elif keyword and match is not None:
                match["settings"].setdefault(keyword, args)

    read(path, None, 0)
    return files, dirs, matches


def _first_positive(patterns):
    """The first pattern of an sshd pattern list that is not a negation (``!root``)."""
    for pattern in patterns.split(","):
        if pattern and not pattern.startswith("!"):
            return pattern
    return None


def _instance(pattern, filler):
    """A value a wildcard pattern matches: each ``*`` or ``?`` replaced by ``filler``."""
    return re.sub(r"[*?]", filler, pattern)


def _address_in(pattern):
    """An address an sshd address pattern matches: a CIDR network's first host, a wildcard
    pattern with its wildcards filled in, a plain address itself; None when there is none."""
    try:
        if "/" in pattern:
            network = ipaddress.ip_network(pattern, strict=False)
            return str(next(iter(network.hosts()), network.network_address))
        address = _instance(pattern, "1")
        if ":" not in address and "*" in pattern:  # 10.9.* matches 10.9.1.1 as text
            address += ".1" * (3 - address.count("."))
        return str(ipaddress.ip_address(address))
    except (ValueError, StopIteration):
        return None


def group_members(group, group_file="/etc/group", passwd_file="/etc/passwd"):
    """Users in a group matched by an sshd pattern: listed members, then users whose primary
    group it is (sorted, so the derived connection is stable)."""
    members, gids = set(), set()
    try:
        with open(group_file, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                fields = line.rstrip("\n").split(":")
                if len(fields) >= 4 and _glob_match(fields[0], group):
                    gids.add(fields[2])
                    members.update(m for m in fields[3].split(",") if m)
        with open(passwd_file, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                fields = line.split(":")
                if len(fields) >= 4 and fields[3] in gids:
                    members.add(fields[0])
    except OSError:
        pass
    return sorted(members)


def _glob_match(value, pattern):
    return fnmatch.fnmatchcase(value, pattern)


def match_connection(criteria, settings, addresses, group_file="/etc/group",
                     passwd_file="/etc/passwd"):
    """A connection a ``Match`` line applies to, for ``sshd -T -C``: each criterion's first
    non-negated pattern made concrete (a user matching User, a member of Group, an address
    of Address's network, ...), root from elsewhere to the host's first listening address
    for what the line does not constrain; None when no connection can satisfy it (a Group
    nobody is in, a criterion ``sshd -T -C`` cannot express)."""
    words = criteria.split()
    own = default_connections(settings, addresses)
    base = next((c for c in own if not ipaddress.ip_address(c["laddr"]).is_loopback),
                own[0] if own else {})
    conn = {"user": "root", "addr": _ELSEWHERE[4], "laddr": base.get("laddr"),
            "lport": base.get("lport", 22)}
    if [w.lower() for w in words] == ["all"]:
        words = []
    if len(words) % 2:
        return None
    for keyword, patterns in zip(words[::2], words[1::2], strict=True):
        pattern = _first_positive(patterns)
        if pattern is None:
            return None
        keyword = keyword.lower()
        if keyword == "user":
            conn["user"] = _instance(pattern, "x")
        elif keyword == "group":
            members = group_members(pattern, group_file, passwd_file)
            if not members:
                return None
            conn["user"] = members[0]
        elif keyword in ("address", "localaddress"):
            field = "addr" if keyword == "address" else "laddr"
            conn[field] = _address_in(pattern)
            if conn[field] is None:
                return None
        elif keyword == "localport" and pattern.isdigit():
            conn["lport"] = int(pattern)
        elif keyword == "host":
            conn["host"] = _instance(pattern, "x")
        else:
            return None  # RDomain, a port pattern: sshd -T -C cannot say them
    conn.setdefault("host", conn["addr"])
    return {k: v for k, v in conn.items() if v is not None}


def probe_sshd_config(keys, connections=(), config_file=None):
    """The effective sshd settings (``sshd -T``, needs root) for the given keywords: the
    defaults outside any Match block, and per connection (``sshd -T -C``) what sshd would
    apply to it, for root on every address sshd listens on, for one connection each
    ``Match`` block that sets a keyword applies to (its ``match``: the block), plus the
    ``connections`` given. With the ``Match`` blocks of the config files, so a verdict can
    name the one that changes a setting."""
    sshd = _sshd_binary()
    keys = [key.lower() for key in keys]
    settings = _sshd_t(sshd, config_file=config_file)
    addresses = local_addresses()
    wanted = default_connections(settings, addresses)
    _files, _dirs, matches = read_sshd_config_files(config_file or "/etc/ssh/sshd_config")
    matches = [{**m, "settings": {k: v for k, v in m["settings"].items() if k in keys}}
               for m in matches]
    matches = [m for m in matches if m["settings"]]
    for m in matches:
        derived = match_connection(m["criteria"], settings, addresses)
        if derived is not None:
            wanted.append({**derived, "match": f"Match {m['criteria']} at {m['file']}:{m['line']}"})
        else:
            m["underivable"] = True
    for conn in connections or ():
        conn = {k: v for k, v in dict(conn).items() if v not in (None, "")}
        conn.setdefault("host", conn["addr"])
        if "lport" not in conn:
            ports = (settings.get("port") or "22").split()
            conn["lport"] = int(ports[0])
        wanted.append(conn)
    measured, seen = [], set()
    for conn in wanted:
        spec = connection_spec(conn)
        if spec in seen:
            continue
        seen.add(spec)
        effective = _sshd_t(sshd, ["-C", spec], config_file=config_file)
        measured.append({**conn, "settings": {key: effective.get(key) for key in keys}})
    return {
        "settings": {key: settings.get(key) for key in keys},
        "connections": measured,
        "matches": matches,
    }


def _process_alive(pid):
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as fh:
            return fh.read().strip().startswith("sshd")
    except OSError:
        return False


def process_started(pid, proc="/proc"):
    """When a process began, in epoch seconds: its start time in clock ticks after boot
    (``/proc/PID/stat`` field 22) plus the boot time (``/proc/stat`` btime). Nobody can set
    it; an exec (sshd's SIGHUP reload) keeps it."""
    with open(f"{proc}/{pid}/stat", encoding="utf-8", errors="replace") as fh:
        ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
    with open(f"{proc}/stat", encoding="ascii", errors="replace") as fh:
        btime = next(int(line.split()[1]) for line in fh if line.startswith("btime "))
    return btime + ticks / os.sysconf("SC_CLK_TCK")


def sshd_buffer(data):
    """A config file as sshd keeps it in memory (``load_server_config``): each line with its
    leading blanks stripped, then a NUL."""
    return b"\n".join(line.lstrip(b" \t\r") for line in data.split(b"\n")) + b"\0"


def _memory(pid, proc="/proc"):
    """The writable anonymous memory and heap of a process, region by region (root only)."""
    regions = []
    with open(f"{proc}/{pid}/maps", encoding="ascii", errors="replace") as maps, \
            open(f"{proc}/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            fields = line.split()
            if not fields[1].startswith("rw") or (len(fields) > 5 and fields[5] != "[heap]"):
                continue
            low, high = (int(x, 16) for x in fields[0].split("-"))
            try:
                mem.seek(low)
                regions.append(mem.read(high - low))
            except OSError:
                continue
    return regions


def _include_patterns(files, base_dir="/etc/ssh"):
    patterns = []
    for name in files:
        with open(name, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                keyword, args = _config_words(line)
                if keyword == "include":
                    patterns += [p if p.startswith("/") else f"{base_dir}/{p}"
                                 for p in args.split()]
    return patterns


def daemon_content(pid, files, proc="/proc"):
    """What the running sshd read, compared with the files now: the files whose content is
    not in its memory (edited since it read them) and the included files it read that are
    gone (their names, matching an Include pattern, are in its memory; the file is not)."""
    regions = _memory(pid, proc)
    differs = []
    for name in files:
        with open(name, "rb") as fh:
            data = fh.read()
        # a buffer starts a heap chunk, after its size word's zero high byte: so the end of
        # another file's buffer does not pass for this one
        wanted = b"\0" + sshd_buffer(data)
        if not data.strip() or not any(wanted in region for region in regions):
            differs.append(name)  # an empty file leaves nothing to recognise
    removed = set()
    for pattern in _include_patterns(files):
        folder = os.path.dirname(pattern).encode() + b"/"
        for region in regions:
            for found in re.finditer(re.escape(folder) + rb"([^\0/\n]{1,255})\0", region):
                name = (folder + found.group(1)).decode("utf-8", "replace")
                if glob.has_magic(name) or not fnmatch.fnmatchcase(name, pattern):
                    continue  # the Include pattern itself, or a name it did not select
                if not os.path.exists(name):
                    removed.add(name)
    return {"differs": differs, "removed": sorted(removed)}


def probe_sshd_reload(config_file="/etc/ssh/sshd_config", pid_file=None, proc="/proc"):
    """Whether the running sshd has read its config files as they are now.

    The files' change time (ctime: ``touch -d`` and ``cp -p`` cannot set it) against the
    daemon's start time from ``/proc``: nothing changed since the process began means the
    files are in force. Otherwise the content decides: sshd keeps each file it read in
    memory (to hand it to each connection's child), so every file's current content must be
    there, and no included file it read may be gone; rewriting a file with the same bytes
    is then no reload pending, and a SIGHUP reload (same process, new memory) is seen.
    """
    if pid_file is None:
        pid_file = _sshd_t(_sshd_binary()).get("pidfile") or "/run/sshd.pid"
    files, dirs, _matches = read_sshd_config_files(config_file)
    if not files:
        raise ProbeError(f"{config_file}: cannot read the sshd config")
    ctimes = {name: os.stat(name).st_ctime for name in [*files, *dirs]}
    newest = max(ctimes, key=lambda name: (ctimes[name], name))
    result = {"config_file": newest, "config_changed": round(ctimes[newest], 3),
              "pid_file": pid_file, "pid": None, "started": None}
    try:
        with open(pid_file, encoding="ascii", errors="replace") as fh:
            pid = int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return result
    if not _process_alive(pid):
        return result
    started = process_started(pid, proc)
    result.update(pid=pid, started=round(started, 3))
    if ctimes[newest] > started:
        try:
            result["content"] = daemon_content(pid, files, proc)
        except OSError as exc:
            result["content"] = {"error": f"cannot read sshd's memory: {exc.strerror or exc}"}
    return result


def probe_certificate(path):
    """notAfter of the first certificate in a PEM file (no openssl binary), and the host's now."""
    now = int(time.time())
    if not os.path.exists(path):
        return {"exists": False, "now": now}
    try:
        decoded = ssl._ssl._test_decode_cert(path)
    except (ssl.SSLError, OSError) as exc:
        raise ProbeError(f"{path}: not a readable PEM certificate ({exc})") from exc
    subject = {k: v for rdn in decoded.get("subject", ()) for k, v in rdn}
    return {
        "exists": True,
        "not_after": calendar.timegm(time.strptime(decoded["notAfter"], "%b %d %H:%M:%S %Y %Z")),
        "subject": subject.get("commonName", ""),
        "now": now,
    }


def probe_sysctl(names, root="/proc/sys"):
    """Kernel parameters as ``sysctl -n`` prints them (``/proc/sys``, dots as slashes; tabs
    and runs of blanks as one space); a parameter this kernel lacks is None."""
    values = {}
    for name in names:
        path = os.path.join(root, *name.split("."))
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                values[name] = " ".join(fh.read().split())
        except FileNotFoundError:
            values[name] = None
        except OSError as exc:
            values[name] = {"error": exc.strerror or str(exc)}
    return values


def _kernel_key(release):
    """A kernel release as a sort key, as dpkg orders linux-image versions (close enough for
    releases of one distribution: numbers as numbers, ``~`` first)."""
    parts = re.findall(r"\d+|[^\d.+~-]+|~", release)
    return [(-1, "") if p == "~" else (0, int(p)) if p.isdigit() else (1, p) for p in parts]


def probe_restart_needed(proc="/proc", boot="/boot"):
    """What ``needrestart -b`` reports, read from ``/proc``: processes mapping a deleted
    file (a library or executable replaced by an upgrade: ``/proc/PID/maps`` says
    "(deleted)"), and the running kernel against the newest installed ``/boot/vmlinuz-*``.

    Deleted mappings under /tmp, /dev/shm, /run, /var/tmp and memfd are not upgrades
    (needrestart's blacklist), nor are SysV shared memory segments."""
    skip = ("/tmp/", "/dev/", "/run/", "/var/tmp/", "/memfd:", "/SYSV", "/[aio]", "/drm ")
    processes = []
    me = os.getpid()
    for entry in os.listdir(proc):
        if not entry.isdigit() or int(entry) == me:
            continue
        deleted = set()
        try:
            with open(f"{proc}/{entry}/maps", encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    if not line.rstrip().endswith("(deleted)"):
                        continue
                    path = line.split(None, 5)[-1].rstrip()[: -len("(deleted)")].strip()
                    if path.startswith("/") and not path.startswith(skip):
                        deleted.add(path)
            with open(f"{proc}/{entry}/comm", encoding="utf-8", errors="replace") as fh:
                comm = fh.read().strip()
        except OSError:
            continue  # gone meanwhile, or a kernel thread
        if deleted:
            processes.append({"pid": int(entry), "comm": comm, "deleted": sorted(deleted)})
    running = os.uname().release
    installed = sorted((name[len("vmlinuz-"):] for name in os.listdir(boot)
                        if name.startswith("vmlinuz-")) if os.path.isdir(boot) else [],
                       key=_kernel_key)
    return {
        "processes": sorted(processes, key=lambda p: p["pid"]),
        "kernel": {"running": running, "newest": installed[-1] if installed else None},
    }


# Process names of system loggers: what Lynis and an administrator's pidof look for.
SYSTEM_LOGGERS = ("rsyslogd", "syslogd", "syslog-ng", "systemd-journal", "metalog")


def probe_logging(log_dir="/var/log", loggers=SYSTEM_LOGGERS, proc="/proc",
                  socket_path="/dev/log"):
    """Which system loggers run (live, not zombies: ``pidof``), whether ``/dev/log`` is a
    socket to log to, and whether the log directory exists and its filesystem is writable
    (not mounted read-only, not full)."""
    running = {}
    for entry in os.listdir(proc):
        if not entry.isdigit():
            continue
        try:
            with open(f"{proc}/{entry}/stat", encoding="utf-8", errors="replace") as fh:
                line = fh.read()
        except OSError:
            continue
        comm = line[line.find("(") + 1 : line.rfind(")")]
        state = line[line.rfind(")") + 2 :].split()[0]
        if comm in loggers and state != "Z":
            running.setdefault(comm, []).append(int(entry))
    try:
        socket_ok = stat.S_ISSOCK(os.stat(socket_path).st_mode)
    except OSError:
        socket_ok = False
    directory = {"path": log_dir, "exists": os.path.isdir(log_dir)}
    if directory["exists"]:
        st = os.statvfs(log_dir)
        directory["read_only"] = bool(st.f_flag & os.ST_RDONLY)
        directory["avail"] = st.f_bavail * st.f_frsize
    return {"loggers": {k: sorted(v) for k, v in sorted(running.items())},
            "socket": socket_ok, "log_dir": directory}


def _login_defs(path):
    values = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            fields = line.split()
            if fields and not fields[0].startswith("#"):
                values[fields[0]] = " ".join(fields[1:2])
    return values


def _pam_password(path):
    """The modules of a PAM file's ``password`` lines, each with its arguments (``@include``
    followed, so common-password counts where passwd includes it)."""
    modules = []
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return modules
    for line in lines:
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2 and fields[0] == "@include":
            modules += _pam_password(os.path.join(os.path.dirname(path), fields[1]))
            continue
        if len(fields) < 3 or fields[0].lstrip("-") != "password":
            continue
        if fields[1].startswith("["):  # a [value=action ...] control spans words
            while fields and not fields[1].endswith("]"):
                fields[1:3] = [f"{fields[1]} {fields[2]}"]
        if len(fields) >= 3:
            module = os.path.basename(fields[2])
            modules.append({"module": module, "args": fields[3:]})
    return modules


def _conf_values(paths):
    values = {}
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    text = line.split("#", 1)[0].strip()
                    key, sep, value = text.partition("=")
                    if sep:
                        values[key.strip()] = value.strip()
                    elif text:
                        values[text] = ""
        except OSError:
            continue
    return values


def probe_password_policy(login_defs="/etc/login.defs", pam_file="/etc/pam.d/passwd",
                          pwquality="/etc/security/pwquality.conf"):
    """Password aging, hashing and umask from ``login.defs``; the password modules PAM runs
    for ``passwd`` (with their arguments); pwquality's settings (its file and drop-ins,
    module arguments win as in pam_pwquality)."""
    if not os.path.exists(login_defs):
        raise ProbeError(f"{login_defs} does not exist")
    modules = _pam_password(pam_file)
    quality = _conf_values([pwquality, *sorted(glob.glob(f"{pwquality}.d/*.conf"))])
    for m in modules:
        if m["module"] in ("pam_pwquality.so", "pam_cracklib.so"):
            quality.update(a.partition("=")[::2] for a in m["args"] if "=" in a)
    return {"login_defs": _login_defs(login_defs), "pam": modules, "pwquality": quality}


PROBES = {
    "filesystems": probe_filesystems,
    "meminfo": probe_meminfo,
    "loadavg": probe_loadavg,
    "service_status": probe_service_status,
    "packages": probe_packages,
    "apt_upgrades": probe_apt_upgrades,
    "reboot_required": probe_reboot_required,
    "listening_ports": probe_listening_ports,
    "stat": probe_stat,
    "sshd_config": probe_sshd_config,
    "sshd_reload": probe_sshd_reload,
    "certificate": probe_certificate,
    "sysctl": probe_sysctl,
    "restart_needed": probe_restart_needed,
    "logging": probe_logging,
    "password_policy": probe_password_policy,
}

# Arguments a caller may pass to each probe (file-path overrides exist for tests only).
_PUBLIC_ARGS = {
    "filesystems": set(),
    "meminfo": set(),
    "loadavg": set(),
    "service_status": {"names"},
    "packages": {"names"},
    "apt_upgrades": {"refresh"},
    "reboot_required": set(),
    "listening_ports": set(),
    "stat": {"path"},
    "sshd_config": {"keys", "connections"},
    "sshd_reload": set(),
    "certificate": {"path"},
    "sysctl": {"names"},
    "restart_needed": set(),
    "logging": {"log_dir"},
    "password_policy": set(),
}


def _call(func, args):
    """The probe's value; any failure becomes ``{"error": "..."}`` so the others still run."""
    try:
        return func(**args)
    except ProbeError as exc:
        return {"error": str(exc)}
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return {"error": f"{where}{exc.strerror or exc}"}
    except Exception as exc:  # a broken probe must not sink the other measurements
        return {"error": f"{type(exc).__name__}: {exc}"}


def _child(func, args, write_fd):
    """In the forked child: a session of its own (so the parent can kill the probe with
    every command it started), no stdio (the module's stdout is Ansible's channel)."""
    try:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        try:
            data = json.dumps(_call(func, args)).encode()
        except (TypeError, ValueError) as exc:
            data = json.dumps({"error": f"unserialisable value: {exc}"}).encode()
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view):]
    finally:
        os._exit(0)


def _reap(pid):
    """Collect the child without blocking on it: one stuck in the kernel (D state) is left
    for init rather than holding the module."""
    for _ in range(200):
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:
            return
        time.sleep(0.001)


def _kill(pid):
    """SIGKILL the probe's session (the probe and what it started), or the probe alone when
    it had no time to make one."""
    for kill, target in ((os.killpg, pid), (os.kill, pid)):
        try:
            kill(target, signal.SIGKILL)
            return
        except (ProcessLookupError, PermissionError):
            continue


def _with_timeout(func, args, timeout):
    """Run the probe in a child process; its value, or an error when it outlives ``timeout``."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(func, args, write_fd)
    os.close(write_fd)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([read_fd], [], [], remaining)[0]:
                _kill(pid)
                return {"error": f"timed out after {timeout:g} s"}
            chunk = os.read(read_fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        _reap(pid)
    try:
        return json.loads(b"".join(chunks))
    except ValueError:
        return {"error": "the probe ended without a value"}


def measure_one(probe, args, check_mode=False, timeout=None):
    """Run one probe; with ``timeout`` in a child process that is killed when it hangs."""
    func = PROBES.get(probe)
    if func is None:
        return {"error": f"unknown probe {probe!r}"}
    args = dict(args or {})
    unknown = sorted(set(args) - _PUBLIC_ARGS[probe])
    if unknown:
        return {"error": f"probe {probe!r} takes no argument(s) {', '.join(unknown)}"}
    if probe == "apt_upgrades":
        args["check_mode"] = check_mode
    if timeout is None:
        return _call(func, args)
    return _with_timeout(func, args, timeout)


def measure_timed(measurements, check_mode=False, clock=time.monotonic):
    """Every measurement's value and the seconds it took (``clock``: monotonic, so a clock
    step while measuring never makes one negative); each probe in turn, under its timeout."""
    values, seconds = {}, {}
    for m in measurements:
        started = clock()
        values[m["id"]] = measure_one(m["probe"], m.get("args"), check_mode=check_mode,
                                      timeout=m.get("timeout") or DEFAULT_PROBE_TIMEOUT)
        seconds[m["id"]] = round(max(clock() - started, 0.0), 3)
    return values, seconds


def measure_all(measurements, check_mode=False):
    """Every measurement's value; each probe in turn, each under its own timeout."""
    return measure_timed(measurements, check_mode=check_mode)[0]


def standalone(job, out=None):
    """The action plugin's way in: ``job`` is ``{"measurements": [...], "check_mode": bool}``;
    the result ``main`` would return is written to ``out`` (stdout) as one JSON object."""
    import locale

    try:
        locale.setlocale(locale.LC_ALL, "")
    except locale.Error:  # as AnsibleModule does: the probes' commands get a locale that exists
        for name in ("LANG", "LC_ALL", "LC_MESSAGES"):
            os.environ[name] = "C"
    started = time.monotonic()
    values, seconds = measure_timed(job["measurements"], check_mode=bool(job.get("check_mode")))
    json.dump({"changed": False, "values": values, "seconds": seconds,
               "elapsed": round(time.monotonic() - started, 3)}, out or sys.stdout)


def main():
    # imported here: ``standalone`` runs this file where Ansible's module_utils are not
    from ansible.module_utils.basic import AnsibleModule

    module = AnsibleModule(
        argument_spec={
            "measurements": {
                "type": "list",
                "elements": "dict",
                "required": True,
                "options": {
                    "id": {"type": "str", "required": True},
                    "probe": {"type": "str", "required": True},
                    "args": {"type": "dict", "default": {}},
                    "timeout": {"type": "float", "default": DEFAULT_PROBE_TIMEOUT},
                },
            },
        },
        supports_check_mode=True,
    )
    started = time.monotonic()
    values, seconds = measure_timed(module.params["measurements"], check_mode=module.check_mode)
    module.exit_json(changed=False, values=values, seconds=seconds,
                     elapsed=round(time.monotonic() - started, 3))


if __name__ == "__main__":
    main()
