"""The ``patrol_measure`` task without AnsiballZ, when the host's Python is known.

Ansible finds this action plugin beside the playbooks (``action_plugins/``), as it finds the
module in ``library/``. Run as a module, ``patrol_measure`` costs the controller an AnsiballZ
payload: one worker builds it (~0.2 s of CPU: the module and ``ansible.module_utils.basic``
found, compiled and zipped, every run, while the other workers wait for it) and each host's
worker wraps it. Measured on the lab (20 hosts, interleaved medians, issue 26), that was
~0.3 s of the controller's CPU per inspection and ~2 s of its wall time.

The module needs none of it: it is one self-contained file of the standard library. So this
plugin finds the host's Python as Ansible would for the module (``ansible_python_interpreter``
or the ``interpreter_python`` setting; ``auto*``: Ansible's own discovery, the same extra round
trip the module would make, its answer returned as the same fact), sends the module's text
and its arguments on the stdin of ``INTERPRETER -c BOOT`` over the task's connection, in the
one round trip pipelining makes, and returns the JSON the module prints (``standalone``): the
same probes, values and check mode. With ``become``, a connection without pipelining, a
remote that is the controller (network OSes), or the host variable ``patrol_measure_as_module``
true (a host whose shell runs no ``-c`` command) it runs the module as Ansible always has.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from ansible import constants as C
from ansible.executor.interpreter_discovery import discover_interpreter
from ansible.plugins.action import ActionBase

AUTO = ("auto", "auto_legacy", "auto_silent", "auto_legacy_silent")
RESULT = ("changed", "values", "seconds", "elapsed")  # what ``standalone`` prints
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
        interpreter = self._interpreter(task_vars, result)
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
            if not isinstance(out, dict) or not isinstance(out.get("values"), dict):
                raise ValueError("not the module's result")
        except ValueError:
            result.update(failed=True, rc=res.get("rc"), msg="MODULE FAILURE: patrol_measure "
                          f"printed no result (rc {res.get('rc')})",
                          module_stdout=str(res.get("stdout") or "")[-2000:],
                          module_stderr=str(res.get("stderr") or "")[-2000:])
            return result
        # the host's words are data: only the module's own keys, never one Ansible acts on
        # (ansible_facts, _ansible_*, failed, ...), which a module's way would have filtered
        result.update({k: out[k] for k in RESULT if k in out})
        return result

    def _interpreter(self, task_vars: dict[str, Any], result: dict[str, Any]) -> str | None:
        """The host's Python, found as Ansible finds it for a module (``module_common``); None
        sends the task the module's way."""
        as_module = str(task_vars.get("patrol_measure_as_module", "")).lower()
        if self._play_context.become or not getattr(self._connection, "has_pipelining", False) \
                or getattr(self._connection, "_remote_is_local", False) \
                or as_module in ("true", "yes", "1"):
            return None
        configured = C.config.get_config_value("INTERPRETER_PYTHON", variables=task_vars)
        value = str(self._templar.template(configured) if configured else "").strip()
        if value and value not in AUTO:
            return value
        facts = task_vars.get("ansible_facts") or {}
        if facts.get("discovered_interpreter_python"):
            return str(facts["discovered_interpreter_python"])
        found = discover_interpreter(action=self, interpreter_name="python",
                                     discovery_mode=value or "auto", task_vars=task_vars)
        if not found:
            return None
        # as the module's way returns it: later tasks on the host skip discovery
        result.setdefault("ansible_facts", {})["discovered_interpreter_python"] = found
        warnings = getattr(self, "_discovery_warnings", None)
        if warnings:
            result.setdefault("warnings", []).extend(warnings)
        return str(found)
