"""Inode usage: % of inodes used per mount point, like ``df -i``'s IUse%.

Same probe (one statvfs pass) as ``filesystem_usage``; filesystems without an inode
limit (btrfs reports 0 inodes) are skipped. Exactly at ``max_percent`` passes; the exact
usage is compared and the value rounded up at the limit's precision (``df -i``'s IUse% for
a whole-number limit).

```yaml
- id: inodes-data
  kind: inode_usage
  severity: high
  params:
    max_percent: 85
    exclude: ["/dev/shm"]
```
"""

from __future__ import annotations

from ..results import Result
from ._mounts import MountParams, judge_mounts
from .base import HostLike, Kind, Measured, Measurement

NAME = "inode_usage"


class Params(MountParams):
    pass


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("filesystems")


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    return judge_mounts(measured, params, inodes=True)


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
