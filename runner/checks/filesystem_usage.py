"""Filesystem usage: % of space used per mount point, like df's Use%.

Pseudo filesystems (proc, sysfs, cgroup, devpts, mqueue, squashfs, ...) are skipped by the
probe by fstype; tmpfs and overlay count. A filesystem mounted at several points (bind
mounts, one tmpfs mounted twice) is one filesystem, as in df: judged once, at the mount
point df shows, the reason naming the others ("/srv/a (also /srv/b) 91% used"). A mount
fails when its usage is above ``max_percent`` (exactly at the limit passes), the exact usage
compared, not a rounded one.
Globs match the mount point. A selected mount that cannot be read (stale NFS, permission)
makes the check an error: exclude it to skip it. The value maps each selected mount to its
% used rounded up at the limit's precision: df's Use% for a whole-number limit, one decimal
for ``max_percent: 85.5``.

```yaml
- id: disk-space-data
  kind: filesystem_usage
  severity: high
  params:
    max_percent: 85
    include: ["*"]
    exclude: ["/boot/efi", "/run/*"]
```
"""

from __future__ import annotations

from ..results import Result
from ._mounts import MountParams, judge_mounts
from .base import HostLike, Kind, Measured, Measurement

NAME = "filesystem_usage"


class Params(MountParams):
    pass


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("filesystems")


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    return judge_mounts(measured, params, inodes=False)


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
