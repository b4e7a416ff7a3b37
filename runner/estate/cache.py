"""A content-hash cache of validation results, so an unchanged estate validates in a blink.

The key covers everything the result depends on: every estate file's path and bytes, the day
(waiver expiry warnings), the source of the whole ``runner`` package (validation reaches into
findings, clock and errors too; hashing all of it costs about 6 ms), and the versions of Python,
of Patrol and of the libraries that parse and validate, tzdata's zone list included. Entries
live in the estate repository's Git directory (``.git/patrol/``, beside the run lock), where
they are never untracked files in the user's working tree; an estate outside Git is not
cached. Set ``PATROL_NO_CACHE=1`` to bypass. A cache that cannot be read or written is
ignored: it only ever saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import date
from functools import cache
from importlib import metadata
from pathlib import Path

from ..errors import Problem

_RUNNER = Path(__file__).resolve().parent.parent
_PACKAGES = ("patrol-gitops", "pydantic", "pydantic-core", "ruamel.yaml", "rapidyaml", "tzdata")


@cache
def code_fingerprint(runner: Path = _RUNNER) -> bytes:
    digest = hashlib.sha256(sys.version.encode())
    for name in _PACKAGES:
        try:
            digest.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none;".encode())
    for path in sorted(runner.rglob("*.py")):
        data = path.read_bytes()
        digest.update(f"\0{path.relative_to(runner).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.digest()


def key(files: dict[str, bytes], today: date) -> str:
    digest = hashlib.sha256(code_fingerprint())
    digest.update(today.isoformat().encode())
    for name in sorted(files):
        data = files[name]
        digest.update(f"\0{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def enabled() -> bool:
    return os.environ.get("PATROL_NO_CACHE", "") in ("", "0")


def git_dir(root: Path) -> Path | None:
    """The Git directory of the repository holding ``root``, found on the file system.

    No Git process and no GitPython (validate stays light): the nearest ``.git`` directory, or
    the directory a ``.git`` file names (``gitdir: ...``, a worktree or submodule).
    """
    for parent in (root.resolve(), *root.resolve().parents):
        dot_git = parent / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            try:
                text = dot_git.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return None
            if not text.startswith("gitdir:"):
                return None
            target = Path(text.removeprefix("gitdir:").strip())
            return target if target.is_absolute() else (parent / target).resolve()
    return None


def _path(root: Path, cache_key: str) -> Path | None:
    base = git_dir(root)
    return None if base is None else base / "patrol" / f"validate-{cache_key[:32]}.json"


def load(root: Path, cache_key: str) -> list[Problem] | None:
    path = _path(root, cache_key)
    if path is None:
        return None
    try:
        entry = json.loads(path.read_text())
        if entry.get("key") != cache_key:
            return None
        return [Problem(**p) for p in entry["problems"]]
    except (OSError, ValueError, TypeError, KeyError):
        return None


def store(root: Path, cache_key: str, problems: list[Problem]) -> None:
    path = _path(root, cache_key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("validate-*.json"):  # keep one entry: the latest
            old.unlink(missing_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({
            "key": cache_key,
            "problems": [p.__dict__ for p in problems],
        }))
        tmp.replace(path)
    except OSError:
        pass
