"""Who or what started a run: CI variables when present, else the local user (both passed in;
``local_identity`` reads them from this machine, once, at the start of a run)."""

from __future__ import annotations

import getpass
import socket
from collections.abc import Mapping


def local_identity() -> str:
    """``user@host`` of whoever runs patrol on this machine."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def trigger_from(env: Mapping[str, str], local: str) -> dict[str, str]:
    """The record's ``trigger``: the CI run that started it, or ``local`` (``user@host``)."""
    if env.get("GITHUB_ACTIONS") == "true":
        keys = {
            "actor": "GITHUB_ACTOR",
            "event": "GITHUB_EVENT_NAME",
            "workflow": "GITHUB_WORKFLOW",
            "run": "GITHUB_RUN_ID",
            "ref": "GITHUB_REF",
            "repository": "GITHUB_REPOSITORY",
        }
        return {"ci": "github", **{k: env[v] for k, v in keys.items() if env.get(v)}}
    if env.get("GITLAB_CI") == "true":
        keys = {
            "actor": "GITLAB_USER_LOGIN",
            "event": "CI_PIPELINE_SOURCE",
            "pipeline": "CI_PIPELINE_ID",
            "job": "CI_JOB_ID",
            "ref": "CI_COMMIT_REF_NAME",
            "project": "CI_PROJECT_PATH",
        }
        return {"ci": "gitlab", **{k: env[v] for k, v in keys.items() if env.get(v)}}
    if env.get("CI"):
        return {"ci": "other", "actor": env.get("USER", "unknown")}
    return {"ci": "none", "actor": local}
