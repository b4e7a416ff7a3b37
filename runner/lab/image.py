"""The shared base image: Debian bookworm minbase plus what an inspected server needs.

Why cached and keyed by a hash of its recipe: building takes tens of seconds and needs the
Debian mirror, while bringing a lab up must take about a second and work offline. Every lab
host mounts the image read-only as the lower layer of its overlay root, so it is built once
and rebuilt only when asked (`patrol lab image --rebuild`) or when the recipe changes.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import Exit, PatrolError
from . import aptrepo
from .config import CACHE_DIR, STATE_ROOT

SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
PACKAGES = ("openssh-server", "python3", "python3-apt", "iproute2", "procps", "openssl",
            "init-system-helpers", "sysvinit-utils", "ca-certificates",
            # the controls issue 24's check kinds read, and their reference tools
            "busybox-syslogd", "cron", "libpam-pwquality", "needrestart", "lynis",
            # execution nodes run plays: `ansible-runner worker` (Debian's 2.3.1 speaks 2.4's
            # streaming protocol), which brings ansible-core along
            "python3-ansible-runner")
BASE_PACKAGE = "patrol-agent=1.0.0-1"  # every sample host declares this version

SSHD_CONFIG = """\
# Patrol lab: key-only root login, one host key generated per host at `patrol lab up`.
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
AddressFamily inet
UseDNS no
MaxStartups 100:30:200
MaxSessions 50
# what the sample checklists' sshd-options check asks (local forwarding: jump hosts use it)
X11Forwarding no
AllowAgentForwarding no
AllowTcpForwarding local
MaxAuthTries 3
LogLevel VERBOSE
"""

# Per-network-namespace kernel parameters of the sample hardening set, set at each host's boot
# (the kernel.* and fs.* ones are the machine's own: a lab host cannot change them).
SYSCTL = """\
net.ipv4.conf.all.accept_redirects = 0
net.ipv4.conf.default.accept_redirects = 0
net.ipv4.conf.all.send_redirects = 0
net.ipv4.conf.default.send_redirects = 0
net.ipv4.conf.all.log_martians = 1
net.ipv4.conf.default.log_martians = 1
net.ipv4.conf.all.rp_filter = 1
"""

# PID 1 of every lab host: start sshd as `service ssh start` would (same pidfile, so
# `service ssh status/stop/start` work without systemd) minus its config pre-check, which would
# double the boot time; reap orphans (dash's `wait` reaps any child); stop on SIGTERM.
INIT = """\
#!/bin/sh
trap 'service ssh stop; exit 0' TERM INT
/usr/sbin/sshd
/sbin/syslogd -C128
sysctl -q -p /etc/sysctl.d/90-patrol-lab.conf 2>/dev/null
while :; do sleep 3600 & wait $!; done
"""

CUSTOMIZE = """\
set -eu
root="$1"; repo="$2"; mnt="$root{mount_point}"
mkdir -p "$mnt"
mount --bind "$repo" "$mnt"
trap 'umount "$mnt"' EXIT
rm -f "$root"/etc/apt/sources.list.d/*
cat > "$root/etc/apt/sources.list" <<'SOURCES'
{sources}SOURCES
chroot "$root" apt-get update -q
DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -q {base_package}
chroot "$root" apt-get clean
rm -f "$root"/etc/ssh/ssh_host_*
cat > "$root/etc/ssh/sshd_config.d/patrol-lab.conf" <<'SSHD'
{sshd}SSHD
cat > "$root/usr/local/sbin/patrol-init" <<'INIT'
{init}INIT
chmod 0755 "$root/usr/local/sbin/patrol-init"
mkdir -p "$root/etc/ssl/patrol"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \\
  -subj /CN=patrol-lab -keyout "$root/etc/ssl/patrol/lab.key" -out "$root/etc/ssl/patrol/lab.pem" \\
  2>/dev/null
chmod 0600 "$root/etc/ssl/patrol/lab.key"
chmod 0644 "$root/etc/ssl/patrol/lab.pem"
mkdir -p "$root/root/.ssh"; chmod 0700 "$root/root/.ssh"
# needrestart after apt runs: list only, never restart a lab host's daemons behind a test
mkdir -p "$root/etc/needrestart/conf.d"
echo "\\$nrconf{{restart}} = 'l';" > "$root/etc/needrestart/conf.d/patrol-lab.conf"
cat > "$root/etc/sysctl.d/90-patrol-lab.conf" <<'SYSCTL'
{sysctl}SYSCTL
# a hardened clean host: the modes, password policy and umask the sample checklists ask
chmod 0600 "$root/etc/ssh/sshd_config" "$root/etc/crontab"
chmod 0700 "$root"/etc/cron.d "$root"/etc/cron.daily "$root"/etc/cron.hourly \
  "$root"/etc/cron.weekly "$root"/etc/cron.monthly
sed -i -e 's/^PASS_MAX_DAYS.*/PASS_MAX_DAYS\t365/' -e 's/^PASS_MIN_DAYS.*/PASS_MIN_DAYS\t1/' \
  -e 's/^UMASK.*/UMASK\t\t027/' "$root/etc/login.defs"
echo 'SHA_CRYPT_MIN_ROUNDS 5000' >> "$root/etc/login.defs"
mkdir -p "$root/etc/security/pwquality.conf.d"
echo 'minlen = 12' > "$root/etc/security/pwquality.conf.d/patrol-lab.conf"
: > "$root/etc/machine-id"
# device nodes live in the image: a host mounts only devpts and shm over /dev
for d in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  n=${{d%%:*}}; mm=${{d#*:}}
  [ -e "$root/dev/$n" ] || mknod -m 0666 "$root/dev/$n" c "${{mm%:*}}" "${{mm#*:}}"
done
rm -f "$root/dev/ptmx"; ln -s pts/ptmx "$root/dev/ptmx"
mkdir -p "$root/dev/pts" "$root/dev/shm"
"""


def recipe() -> str:
    """Everything that decides the image's content; its hash names the cache entry."""
    return "\n".join([SUITE, MIRROR, *PACKAGES, BASE_PACKAGE, SSHD_CONFIG, SYSCTL, INIT, CUSTOMIZE,
                      aptrepo.recipe_hash()])


def recipe_hash() -> str:
    return hashlib.sha256(recipe().encode()).hexdigest()[:12]


def image_dir() -> Path:
    """The root filesystem directory of the current recipe's image."""
    return CACHE_DIR / f"image-{recipe_hash()}" / "root"


def is_built() -> bool:
    return (image_dir().parent / "complete").exists()


def ensure_image(rebuild: bool = False, echo=print) -> Path:
    """Build the image unless the current recipe's one is cached; return its root dir."""
    repo = aptrepo.ensure_repo(rebuild=rebuild)
    target = image_dir()
    if is_built() and not rebuild:
        return target
    if shutil.which("mmdebstrap") is None:
        raise PatrolError("mmdebstrap not found: apt-get install mmdebstrap",
                          exit_code=Exit.ENVIRONMENT)
    echo(f"building the lab base image {target} (mmdebstrap, needs the Debian mirror)...")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".image-", dir=CACHE_DIR))
    try:
        script = work / "customize.sh"
        script.write_text(CUSTOMIZE.format(
            mount_point=aptrepo.MOUNT_POINT, sources=aptrepo.SOURCES_LIST,
            base_package=BASE_PACKAGE, sshd=SSHD_CONFIG, init=INIT, sysctl=SYSCTL))
        cmd = ["mmdebstrap", "--quiet", "--mode=root", "--variant=minbase",
               "--include=" + ",".join(PACKAGES),
               f"--customize-hook=sh {script} \"$1\" {repo}",
               "--skip=cleanup/apt/lists",
               SUITE, str(work / "root"), MIRROR]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise PatrolError(f"building the base image failed:\n{proc.stderr[-3000:]}",
                              exit_code=Exit.ENVIRONMENT)
        (work / "root").chmod(0o755)
        old = target.parent
        if old.exists():
            shutil.rmtree(old)
        old.mkdir(parents=True)
        (work / "root").rename(target)
        (old / "recipe").write_text(recipe())
        (old / "complete").write_text("")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def remove_stale() -> list[Path]:
    """Delete cached images and repositories of older recipes (not in use by a running lab)."""
    keep = {image_dir().parent.name, aptrepo.repo_dir().name}
    for boot in STATE_ROOT.glob("*/hosts/*/boot.sh"):  # a running lab's hosts mount these
        text = boot.read_text(errors="replace")
        keep |= {p.name for p in CACHE_DIR.glob("*") if str(p) + "/" in text}
    removed = []
    for path in CACHE_DIR.glob("*"):
        if path.name not in keep and path.name.startswith(("image-", "apt-")):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
