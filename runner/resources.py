"""Files Patrol ships inside its package, found with importlib.resources wherever it is installed.

``playbooks/`` (the inspection and upgrade plays and the measuring module in ``library/``) and
``scaffold/`` (what ``patrol init`` writes: the sample estate, CI templates, ansible.cfg). An
editable install, a wheel in a venv and pipx all install the package as a directory, so each is
a real path Ansible can be pointed at.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def package_dir(name: str) -> Path:
    """The directory ``runner/<name>`` as installed (``playbooks``, ``scaffold``)."""
    path = Path(str(resources.files("runner").joinpath(name)))
    if not path.is_dir():
        raise FileNotFoundError(f"Patrol's package data {name}/ is missing from {path.parent} "
                                "(a broken install: reinstall Patrol)")
    return path
