"""sshd reload: the running sshd has read its config files as they are now.

``sshd -T`` (the ``sshd_config`` check) reads the files; the daemon keeps what it read
when it (re)started. After an edit, or a hardening change reverted in the file, without
a reload the daemon still allows what the files no longer say, and ``sshd -T`` cannot see
it. sshd rewrites its pid file whenever it (re)starts, a SIGHUP reload included, so a
config file (``sshd_config`` and every ``Include``, and the directories Include globs
search, where a removed drop-in shows) modified after the pid file fails: "changed since
sshd started: reload pending". No live sshd behind the pid file is an error
(``service_running`` says whether it should run).

```yaml
- id: sshd-reload
  kind: sshd_reload
  severity: high
  params: {}
```
"""

from __future__ import annotations

from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import iso, measured_error

NAME = "sshd_reload"


class Params(ParamsModel):
    pass


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("sshd_reload")


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    changed = float(measured["config_mtime"])
    started = measured.get("started")
    newest = measured["config_file"]
    if started is None:
        return Result(
            Status.ERROR,
            None,
            f"no running sshd behind {measured.get('pid_file') or 'its pid file'}: "
            "cannot tell when it read its config",
        )
    if changed > float(started):
        value = {
            "reload_pending": True,
            "config_file": newest,
            "changed": iso(int(changed)),
            "sshd_started": iso(int(started)),
        }
        return Result(
            Status.FAIL,
            value,
            f"{newest} changed since sshd started: reload pending "
            f"(changed {iso(int(changed))}, sshd started {iso(int(started))})",
        )
    return Result(
        Status.PASS,
        {"reload_pending": False},
        f"sshd started {iso(int(started))}, after its config last changed "
        f"({newest}, {iso(int(changed))})",
    )


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
