"""The ``patrol_measure`` task without AnsiballZ, when the host's Python is known.

Ansible finds this action plugin beside the playbooks (``action_plugins/``), as it finds the
module in ``library/``. Run as a module, ``patrol_measure`` costs the controller an AnsiballZ
payload: one worker builds it (~0.2 s of CPU: the module and ``ansible.module_utils.basic``
found, compiled and zipped, every run, while the other workers wait for it) and each host's
worker wraps it. Measured on the lab (20 hosts, interleaved medians, issue 26), that was
~0.3 s of the controller's CPU per inspection and ~2 s of its wall time.

The module needs none of it: it is one self-contained file of the standard library. So when
the host's interpreter is known (``ansible_python_interpreter`` set, or found by an earlier
task's discovery), this plugin sends the module's text and its arguments on the stdin of
``INTERPRETER -c BOOT`` over the task's connection, in the one round trip pipelining makes,
and returns the JSON the module prints (``standalone``): the same probes, values and check
mode. Otherwise (discovery still to do, ``become``, a connection without pipelining) it runs
the module as Ansible always has.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from ansible.plugins.action import ActionBase

MODULE = Path(__file__).resolve().parent.parent / "library" / "patrol_measure.py"
BOOT = ("import json,sys,types\n"
        "d=json.loads(sys.stdin.buffer.read())\n"
        "m=types.ModuleType('patrol_measure'); sys.modules['patrol_measure']=m\n"
        "exec(compile(d['code'],'patrol_measure.py','exec'),m.__dict__)\n"
        "m.standalone(d['job'])\n")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _source: str | None = None  # the module's text, read once per worker

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        interpreter = self._known_interpreter(task_vars)
        if interpreter is None:
            result.update(self._execute_module(module_name="patrol_measure",
                                               module_args=self._task.args, task_vars=task_vars))
            return result
        if ActionModule._source is None:
            ActionModule._source = MODULE.read_text(encoding="utf-8")
        job = {"measurements": self._task.args.get("measurements") or [],
               "check_mode": bool(self._task.check_mode)}
        data = json.dumps({"code": ActionModule._source, "job": job}).encode("utf-8")
        res = self._low_level_execute_command(f"{interpreter} -c {shlex.quote(BOOT)}",
                                              sudoable=False, in_data=data)
        try:
            out = json.loads(res.get("stdout") or "")
            if not isinstance(out, dict):
                raise ValueError("not an object")
        except ValueError:
            result.update(failed=True, rc=res.get("rc"), msg="MODULE FAILURE: patrol_measure "
                          f"printed no result (rc {res.get('rc')})",
                          module_stdout=str(res.get("stdout") or "")[-2000:],
                          module_stderr=str(res.get("stderr") or "")[-2000:])
            return result
        result.update(out)
        return result

    def _known_interpreter(self, task_vars: dict[str, Any]) -> str | None:
        """The host's Python when no discovery is left to do and nothing but a plain shell
        command is needed; None sends the task the module's way."""
        if self._play_context.become or not getattr(self._connection, "has_pipelining", False):
            return None
        configured = task_vars.get("ansible_python_interpreter")
        if configured is not None:
            value = str(self._templar.template(configured)).strip()
            return None if not value or value.startswith("auto") else value
        found = (task_vars.get("ansible_facts") or {}).get("discovered_interpreter_python")
        return str(found) if found else None
