"""One lab host: a boot script run as PID 1 of fresh mount/UTS/PID/IPC namespaces.

Why a shell script: it runs on the machine's tools until ``pivot_root`` and then execs the
image's own init, so a host is just ``nsenter --net`` + ``unshare --fork`` + this script, with
nothing to install. Mount sources are named ``/dev/...`` so Ansible's mount facts list them.
The script writes its machine-side pid first: `unshare --fork` ignores SIGTERM, so the lab
signals this process (the host's init) and never unshare.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shlex
import subprocess
from pathlib import Path

from . import aptrepo
from .config import LabConfig

BOOT = """\
#!/bin/sh
set -eu
read -r pid _ < /proc/self/stat  # still the machine's /proc: our pid as the machine sees it
echo "$pid" > {dir}/init.pid
hostname {name}
echo 0 > /proc/sys/net/ipv4/ip_forward
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
echo 1 > /proc/sys/net/ipv4/conf/all/rp_filter
ip link set lo up
ip addr add {address}/{prefixlen} dev eth0
ip link set eth0 up
{links}r={dir}/root
mkdir -p "$r" {dir}/upper {dir}/work
mount -t overlay -o lowerdir={image},upperdir={dir}/upper,workdir={dir}/work /dev/patrol-root "$r"
mount -t proc proc "$r/proc"
mount -t sysfs -o ro sysfs "$r/sys"
mount -t tmpfs -o mode=0755,size=64m,nosuid,nodev /dev/patrol-run "$r/run"
mkdir -p "$r/run/lock" "$r/run/sshd"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$r/dev/pts"
mount -t tmpfs -o mode=1777,size=16m,nosuid,nodev /dev/patrol-shm "$r/dev/shm"
mount --bind {repo} "$r{repo_mount}"
mount -o remount,bind,ro "$r{repo_mount}"
echo {name} > "$r/etc/hostname"
printf '127.0.0.1\\tlocalhost\\n{address}\\t{name}\\n' > "$r/etc/hosts"
cp {dir}/ssh_host_ed25519_key {dir}/ssh_host_ed25519_key.pub "$r/etc/ssh/"
chmod 0600 "$r/etc/ssh/ssh_host_ed25519_key"
cp {authorized_keys} "$r/root/.ssh/authorized_keys"
chmod 0600 "$r/root/.ssh/authorized_keys"
{files}touch "$r/var/backups/patrol-last-backup"
cd "$r"
pivot_root . mnt
exec /usr/sbin/chroot . /bin/sh -c \\
  'umount -l /mnt; exec /usr/local/sbin/patrol-init </dev/null >/var/log/patrol-init.log 2>&1'
"""

ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}


def write_boot(config: LabConfig, name: str, address: str, image: Path, repo: Path,
               prefixlen: int | None = None, links: str = "", authorized_keys: Path | None = None,
               files: str = "") -> Path:
    """Write the host's boot script into its state dir and return its path; ``links``: more
    ``ip`` lines (a jump host's or node's second interface), ``authorized_keys`` and
    ``files`` (shell lines once the root is mounted at ``$r``): see ``sites.py``."""
    hdir = config.host_dir(name)
    hdir.mkdir(parents=True, exist_ok=True)
    q = shlex.quote
    script = BOOT.format(dir=q(str(hdir)), name=q(name), address=address, links=links,
                         prefixlen=prefixlen or config.network.prefixlen, image=q(str(image)),
                         repo=q(str(repo)), repo_mount=aptrepo.MOUNT_POINT,
                         files=files, authorized_keys=q(str(
                             authorized_keys or str(config.client_key) + ".pub")))
    path = hdir / "boot.sh"
    path.write_text(script)
    return path


def start(config: LabConfig, name: str) -> None:
    """Spawn the host detached (setsid --fork): its processes never belong to our caller."""
    hdir = config.host_dir(name)
    with open(hdir / "boot.log", "wb") as log:
        subprocess.run(
            ["setsid", "--fork", "nsenter", f"--net=/run/netns/{config.netns(name)}",
             "unshare", "--mount", "--uts", "--ipc", "--pid", "--fork", "--kill-child",
             "--propagation", "private", "/bin/sh", str(hdir / "boot.sh")],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=ENV, check=True)


def exec_argv(pid: int, argv: list[str]) -> list[str]:
    """argv that runs ``argv`` inside the host whose init has machine pid ``pid``."""
    return ["nsenter", "-t", str(pid), "-m", "-u", "-i", "-n", "-p", "-r", "-w", "--",
            "/usr/bin/env", "-i", *(f"{k}={v}" for k, v in ENV.items()), *argv]


def run_in(pid: int, argv: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(exec_argv(pid, argv), capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def mac_of(address: str) -> str:
    """A host's eth0 MAC, fixed by its address (locally administered) so faults can pin it."""
    octets = ipaddress.IPv4Address(address).packed
    return "02:50:4c:" + ":".join(f"{b:02x}" for b in octets[1:])


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, 9)
