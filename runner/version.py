"""`patrol --version`: Patrol's version and the Ansible and Python under it.

Read from the installed distributions' metadata, so nothing heavy (Ansible) is imported.
"""

from __future__ import annotations

import platform
from importlib import metadata

# Patrol's name on the package index ("patrol" there is an unrelated project); the command,
# the import package (runner) and the collection keep their own names.
DISTRIBUTION = "patrol-gitops"


def installed(name: str, missing: str = "not installed") -> str:
    """An installed distribution's version (``missing`` when it is not installed)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return missing


def versions() -> str:
    """``patrol 0.1.0 (ansible-core 2.17.1, Python 3.11.2)``."""
    return (f"patrol {installed(DISTRIBUTION)} (ansible-core {installed('ansible-core')}, "
            f"Python {platform.python_version()})")
