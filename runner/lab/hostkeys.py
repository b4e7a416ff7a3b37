"""Lab host keys derived from the host's name, so an estate can pin them in Git before the lab
exists.

Why: the sample estate reaches two sites through a jump host and an execution node, and a hop
must carry its pinned key (``reach.py``); a key ssh-keygen drew at random at ``lab up`` could
never be written there. So every lab host's ed25519 key is a function of its name alone: the
same on every machine, in every lab, after every rebuild.

That makes the private key public knowledge, which is only acceptable because a lab host is
a namespace on this machine that nothing outside it can reach, whose network only root can
join. Never use these keys for anything but the lab; a real host offering one of them would be
refused by its own pin (its key differs), which is the failure we want.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # cryptography comes with Ansible: the light install has no lab
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

DOMAIN = b"patrol lab host key, never outside the lab\0"


def _private(name: str) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(DOMAIN + name.encode()).digest())


def public_key(name: str) -> str:
    """The host's public key as the estate pins it: ``ssh-ed25519 BASE64``."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return _private(name).public_key().public_bytes(
        Encoding.OpenSSH, PublicFormat.OpenSSH).decode()


def write(path: Path, name: str) -> None:
    """sshd's key pair at ``path`` and ``path.pub``, as ``ssh-keygen -f path`` writes them."""
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    private = _private(name).private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private)
    Path(f"{path}.pub").write_text(f"{public_key(name)} root@{name}\n")
