"""Which SSH key exchange the controller asks for first: the one big cost of a connection.

Measured on the lab (OpenSSH 9.2, Debian 12's): the client's key exchange is almost all of its
CPU per host, and ``sntrup761x25519-sha512``, ssh's default first choice there, costs ~90 ms of
the controller's CPU per connection against ~6 ms for ``curve25519-sha256`` (the client makes
the expensive Streamlined NTRU Prime key pair, the server only encapsulates). Every host costs
one connection, so that alone was half of the controller's CPU per inspected host.

So the controller puts X25519 first, unless its ssh already starts with a post-quantum hybrid
that is cheap (``mlkem768x25519-sha256``, the default from OpenSSH 9.9): then ssh's own order
stands. The set is ssh's own (``ssh -G``, which reads the user's config too), only reordered:
a server that offers neither X25519 name still gets what ssh would have chosen. The trade is
the post-quantum half of the hybrid on older clients (a recorded session could be read by a
future quantum computer; authentication is not affected). ``PATROL_SSH_KEX=ssh`` keeps ssh's
own order for whoever needs that more than the CPU.
"""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Sequence

CHEAP_PQ = ("mlkem768x25519-sha256",)  # a hybrid as cheap as X25519: keep ssh's order
FAST = ("curve25519-sha256", "curve25519-sha256@libssh.org")
KEEP = "ssh"  # PATROL_SSH_KEX=ssh: ssh's own order, whatever it costs


def preferred(default: Sequence[str]) -> list[str] | None:
    """ssh's list with the X25519 names first, or None when ssh's order should stand (it
    starts with a cheap hybrid, or has no X25519 at all)."""
    if not default or default[0] in CHEAP_PQ or default[0] in FAST:
        return None
    first = [a for a in FAST if a in default]
    if not first:
        return None
    return first + [a for a in default if a not in first]


@functools.cache
def ssh_default(ssh: str = "ssh") -> tuple[str, ...]:
    """The KexAlgorithms this machine's ssh would offer (``ssh -G``: no connection is made);
    empty when ssh cannot say."""
    try:
        out = subprocess.run([ssh, "-G", "patrol.invalid"], capture_output=True, text=True,
                             timeout=10, stdin=subprocess.DEVNULL, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    for line in out.splitlines():
        key, _, value = line.partition(" ")
        if key.lower() == "kexalgorithms":
            return tuple(a for a in value.strip().split(",") if a)
    return ()


def ssh_option(env: dict[str, str] | None = None) -> str:
    """``-o KexAlgorithms=...`` for the controller's own ssh, or "" (keep ssh's order)."""
    env = dict(os.environ) if env is None else env
    if env.get("PATROL_SSH_KEX", "").strip() == KEEP:
        return ""
    order = preferred(ssh_default())
    return f"-o KexAlgorithms={','.join(order)}" if order else ""
