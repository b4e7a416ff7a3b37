"""sshd reload: the running sshd has read its config files as they are now.

``sshd -T`` (the ``sshd_config`` check) reads the files; the daemon keeps what it read
when it (re)started. After an edit, or a hardening change reverted in the file, without
a reload the daemon still allows what the files no longer say, and ``sshd -T`` cannot see
it.

What decides, and why: modification times lie (``cp -p``, ``touch -d`` and a restored
backup keep an old mtime; touching an unchanged file makes a new one), so they decide
nothing. The probe compares

1. the files' *change* time (ctime, which no user can set) with the daemon's start time
   from ``/proc/PID/stat`` (which no one can set either): nothing changed since the daemon
   process began means what it read is what the files say;
2. otherwise the *content*: sshd keeps every config file it read in its memory, as it
   read it, to pass to each connection's child, so the probe looks for each file's current
   content there (``/proc/PID/mem``, root only) and for included files it read that are
   gone. A file rewritten with the same bytes is in force; one whose content the daemon
   never read fails: "/etc/ssh/sshd_config.d/x.conf is not what the running sshd read:
   reload pending". A SIGHUP reload (sshd re-executes itself in the same process) is seen
   through the content too.

Comparing the daemon's effective settings instead would need the daemon to say them, which
it cannot; comparing ``sshd -T`` before and after is only the files again. When the memory
cannot be read (a kernel that forbids it) a change after the daemon started fails, saying
the content was not compared. No live sshd behind the pid file is an error
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
    started = measured.get("started")
    if started is None:
        return Result(
            Status.ERROR,
            None,
            f"no running sshd behind {measured.get('pid_file') or 'its pid file'}: "
            "cannot tell what it read",
        )
    changed, newest = float(measured["config_changed"]), measured["config_file"]
    when = f"(changed {iso(int(changed))}, sshd started {iso(int(started))})"
    content = measured.get("content")
    if content is None:
        return Result(Status.PASS, {"reload_pending": False},
                      f"sshd started {iso(int(started))}, after its config last changed "
                      f"({newest}, {iso(int(changed))})")
    if "error" in content:
        return Result(Status.FAIL, {"reload_pending": None, "config_file": newest},
                      f"{newest} changed since sshd started and {content['error']}: "
                      f"reload pending unless its content is unchanged {when}")
    differs, removed = content.get("differs") or [], content.get("removed") or []
    if differs or removed:
        parts = [f"{', '.join(differs)} {'is' if len(differs) == 1 else 'are'} not what the "
                 "running sshd read"] if differs else []
        parts += [f"{', '.join(removed)} removed since sshd read it"] if removed else []
        value = {"reload_pending": True, "differs": differs, "removed": removed}
        return Result(Status.FAIL, value, f"{'; '.join(parts)}: reload pending {when}")
    return Result(Status.PASS, {"reload_pending": False},
                  f"{newest} written since sshd started, with the content sshd read {when}")


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
