"""Refuse early and clearly when this machine cannot run a lab: not root, a tool missing."""

from __future__ import annotations

import os
import shutil

from ..errors import Exit, PatrolError

# tool -> Debian package that provides it, so the error says what to install
TOOLS = {
    "ip": "iproute2",
    "nsenter": "util-linux",
    "unshare": "util-linux",
    "setsid": "util-linux",
    "mount": "mount",
    "ssh-keygen": "openssh-client",
    "ssh": "openssh-client",
    "dpkg-deb": "dpkg",
    "apt-ftparchive": "apt-utils",
    "openssl": "openssl",
}


def require_root() -> None:
    if os.geteuid() != 0:
        raise PatrolError("the lab needs root (network namespaces, mounts): run it with sudo",
                          exit_code=Exit.ENVIRONMENT)


def require_tools(names: tuple[str, ...] = tuple(TOOLS)) -> None:
    missing = sorted({TOOLS[n] for n in names if shutil.which(n) is None})
    if missing:
        raise PatrolError(f"missing tools for the lab: apt-get install {' '.join(missing)}",
                          exit_code=Exit.ENVIRONMENT)
