"""The history of ``reports/`` as plain data, read with the git CLI in a few processes.

One ``git log --raw`` lists every commit that touched ``reports/`` (first-parent order, oldest
first) with its trailers and changed paths; one ``git cat-file --batch`` reads the blobs. The
git CLI measured faster than GitPython's object model for this walk (``benchmarks/audit.py``):
GitPython diffs each commit's trees in Python, the CLI does it in C.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from ..errors import Exit, PatrolError

TRAILER_KEYS = ("Patrol-Run", "Patrol-Estate", "Patrol-Record")
T = TypeVar("T")
_FIELDS = ("%H", "%P", "%an <%ae>", "%aI", "%cI", "%s",
           "%(trailers:only=true,unfold=true,separator=%x1d)")
_FORMAT = "%x1e" + "%x1f".join(_FIELDS) + "%x1f"


@dataclass(frozen=True)
class Change:
    status: str  # A, M, D, T
    path: str  # relative to the estate root
    blob: str  # the new blob (zeros when deleted)
    old_blob: str


@dataclass
class Commit:
    sha: str
    parents: list[str]
    author: str
    date: str
    subject: str
    trailers: dict[str, str]
    changes: list[Change] = field(default_factory=list)
    committed: str = ""  # the committer's date: a record cannot have started after it

    @property
    def is_patrol(self) -> bool:
        return all(k in self.trailers for k in TRAILER_KEYS)


def git(root: Path, *args: str, input: bytes | None = None, check: bool = True,
        env: dict[str, str] | None = None) -> bytes:
    """Run git in ``root`` (``env``: added to this process's environment); a failure is one
    clear PatrolError."""
    try:
        proc = subprocess.run(["git", *args], cwd=root, input=input, capture_output=True,
                              check=False, env={**os.environ, **env} if env else None)
    except FileNotFoundError:
        raise PatrolError("git is not installed", exit_code=Exit.ENVIRONMENT) from None
    if check and proc.returncode != 0:
        raise PatrolError(f"git {args[0]} failed: {proc.stderr.decode(errors='replace').strip()}",
                          exit_code=Exit.FAILED)
    return proc.stdout


def identity_env(root: Path) -> dict[str, str]:
    """A fresh CI machine has no Git identity; Patrol's commits still need an author."""
    if "GIT_AUTHOR_EMAIL" in os.environ or remembered(
            "user.email", root, lambda: git(root, "config", "--get", "user.email",
                                            check=False)).strip():
        return {}
    return {"GIT_AUTHOR_NAME": "Patrol", "GIT_AUTHOR_EMAIL": "patrol@localhost",
            "GIT_COMMITTER_NAME": "Patrol", "GIT_COMMITTER_EMAIL": "patrol@localhost"}


_KNOWN: ContextVar[dict[tuple[str, str], Any] | None] = ContextVar("patrol_git_known",
                                                                   default=None)


@contextmanager
def remembering(known: dict[tuple[str, str], Any]) -> Iterator[None]:
    """Within: what git says of the repository's layout (its Git directory) and of the
    committer (``user.email``) is asked once and kept in ``known`` — for a commit that follows
    another of the same run under its lock, asked beforehand while it waits on something
    else (``prepare_commit``). Outside, every question goes to git."""
    token = _KNOWN.set(known)
    try:
        yield
    finally:
        _KNOWN.reset(token)


def remembered(what: str, root: Path, ask: Callable[[], T]) -> T:
    """``ask()``, or its answer kept while ``remembering``."""
    known = _KNOWN.get()
    if known is None:
        return ask()
    key = (what, str(root))
    if key not in known:
        known[key] = ask()
    return known[key]  # type: ignore[no-any-return]


def not_a_repository(root: Path) -> PatrolError:
    return PatrolError(f"{root} is not inside a Git repository; the archive needs one (git init)",
                       exit_code=Exit.USAGE)


def rev_parse(root: Path, *args: str) -> list[str] | None:
    """``git rev-parse ARGS`` in ``root``: its output lines, None when a quiet ``--verify``
    finds nothing (HEAD before the first commit). Outside a repository, the usage error
    ``not_a_repository``."""
    if not Path(root).is_dir():
        raise not_a_repository(root)
    try:
        proc = subprocess.run(["git", "rev-parse", *args], cwd=root, capture_output=True,
                              check=False)
    except FileNotFoundError:
        raise PatrolError("git is not installed", exit_code=Exit.ENVIRONMENT) from None
    if proc.returncode == 0:
        return proc.stdout.decode().splitlines()
    error = proc.stderr.decode(errors="replace").strip()
    if "not a git repository" in error:
        raise not_a_repository(root)
    if proc.returncode == 1 and not error and "--verify" in args:
        return None
    raise PatrolError(f"git rev-parse failed: {error}", exit_code=Exit.FAILED)


def git_dir(root: Path) -> Path:
    """The absolute Git directory of the checkout (or worktree) ``root`` is in (where the run
    lock, the spool and the tip cache live); kept while ``remembering``."""
    return remembered("git-dir", root, lambda: Path(
        "\n".join(rev_parse(root, "--path-format=absolute", "--git-dir") or [])))


def known_git_dir(root: Path) -> Path | None:
    """The Git directory when this run has asked for it already (None otherwise, and outside
    ``remembering``): for a shortcut worth taking only when it costs no git process."""
    known = _KNOWN.get()
    return None if known is None else known.get(("git-dir", str(root)))


def prepare_commit(root: Path) -> None:
    """Ask, while ``remembering``, what a commit in ``root`` will ask git (its Git directory
    for the spool and the tip cache, the committer's identity)."""
    git_dir(root)
    identity_env(root)


def signing_args(sign_key: str | None) -> list[str]:
    """git's own options for an SSH-signed commit (none when the run signs nothing)."""
    return ["-c", "gpg.format=ssh", "-c", f"user.signingkey={sign_key}"] if sign_key else []


def prefix_of(root: Path) -> str:
    """Where the estate root lies in its repository ("" at the top, else "sub/dir/")."""
    out = git(root, "rev-parse", "--show-prefix").decode().strip()
    return out


def _trailers(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.replace("\x1d", "\n").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in TRAILER_KEYS:
            out[key.strip()] = value.strip()
    return out


def walk(root: Path, rev: str = "HEAD", since: str | None = None,
         directory: str = "reports", first_parent: bool = True) -> list[Commit]:
    """Commits on the first-parent line to ``rev`` that touched ``directory``, oldest first,
    each with the paths it changed there (renames are shown as delete + add)."""
    prefix = prefix_of(root)
    span = f"{since}..{rev}" if since else rev
    order = ["--first-parent"] if first_parent else []
    raw = git(root, "log", *order, "--reverse", "--raw", "--no-renames", "--no-abbrev", "-z",
              f"--format={_FORMAT}", span, "--", f"{prefix}{directory}")
    commits: list[Commit] = []
    for chunk in raw.split(b"\x1e")[1:]:
        fields = chunk.split(b"\x1f")
        sha, parents, author, date, committed, subject, trailer_text = (
            f.decode(errors="replace") for f in fields[:7])
        c = Commit(sha, parents.split(), author, date, subject, _trailers(trailer_text),
                   committed=committed)
        parts = fields[7].split(b"\0")
        i = 0
        while i < len(parts):
            meta = parts[i].strip(b"\n")
            if not meta.startswith(b":"):
                i += 1
                continue
            _, _, old, new, status = meta.decode().split(" ")
            path = parts[i + 1].decode(errors="surrogateescape")
            if path.startswith(prefix):
                c.changes.append(Change(status[0], path[len(prefix):], new, old))
            i += 2
        commits.append(c)
    return commits


class Blobs:
    """Read many blobs through one ``git cat-file --batch`` process."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _batch(self, names: Iterable[str]) -> dict[str, bytes | None]:
        """Object name (a sha, or ``<rev>:<path>``) -> its bytes, None when missing."""
        wanted = sorted(set(names))
        if not wanted:
            return {}
        out = git(self.root, "cat-file", "--batch",
                  input="".join(f"{n}\n" for n in wanted).encode())
        found: dict[str, bytes | None] = {}
        pos = 0
        for name in wanted:
            eol = out.index(b"\n", pos)
            header = out[pos:eol].split()
            if header[-1] in (b"missing", b"ambiguous"):
                found[name] = None
                pos = eol + 1
                continue
            size = int(header[2])
            found[name] = out[eol + 1:eol + 1 + size]
            pos = eol + 1 + size + 1
        return found

    def read(self, shas: Iterable[str]) -> dict[str, bytes]:
        """Blobs by sha (missing ones left out)."""
        return {k: v for k, v in self._batch(shas).items() if v is not None}

    def at(self, specs: Iterable[str]) -> dict[str, bytes | None]:
        """Blobs named ``<rev>:<path>``; None when the path is not there."""
        return self._batch(specs)


def exists(root: Path, sha: str) -> bool:
    return subprocess.run(["git", "cat-file", "-e", f"{sha}^{{commit}}"], cwd=root,
                          capture_output=True).returncode == 0


def is_ancestor(root: Path, ancestor: str, rev: str) -> bool:
    return subprocess.run(["git", "merge-base", "--is-ancestor", ancestor, rev], cwd=root,
                          capture_output=True).returncode == 0


def resolve(root: Path, rev: str) -> str | None:
    proc = subprocess.run(["git", "rev-parse", "--verify", "-q", f"{rev}^{{commit}}"], cwd=root,
                          capture_output=True)
    return proc.stdout.decode().strip() if proc.returncode == 0 else None


def signatures(root: Path, shas: list[str], allowed_signers: Path) -> Iterator[tuple[str, str,
                                                                                   str, str]]:
    """(sha, %G? status, signer principal, key fingerprint) per commit, checked against the
    given allowed-signers file by git's own machinery (``gpg.format=ssh``)."""
    if not shas:
        return
    out = git(root, "-c", "gpg.format=ssh", "-c", "gpg.ssh.program=ssh-keygen",
              "-c", f"gpg.ssh.allowedSignersFile={allowed_signers}",
              "show", "-s", "--no-walk", "--format=%H%x1f%G?%x1f%GS%x1f%GK", *shas)
    for line in out.decode(errors="replace").splitlines():
        parts = line.split("\x1f")
        if len(parts) == 4:
            yield parts[0], parts[1], parts[2], parts[3]


def mainline_versions(root: Path, rel: str, rev: str = "HEAD"
                      ) -> list[tuple[str, datetime, bytes]]:
    """Each version of one file (estate-relative) as the mainline brought it in, oldest
    first: (the first-parent commit, its date, the bytes; empty when deleted).

    A version is dated by the mainline commit that brought it in (a pull request's merge, not
    the date its author chose for the commit inside it), and mainline dates never go back: a
    commit dated before the one it follows takes that one's date."""
    prefix = prefix_of(root)
    lines = git(root, "log", "--first-parent", "--reverse", "--format=%H %ct", rev,
                check=False).decode().split("\n")
    order: list[tuple[str, datetime]] = []
    newest = 0
    for line in lines:
        if line.strip():
            sha, ts = line.split()
            newest = max(newest, int(ts))
            order.append((sha, datetime.fromtimestamp(newest, UTC)))
    specs = [f"{sha}:{prefix}{rel}" for sha, _ in order]
    ids = git(root, "cat-file", "--batch-check=%(objectname) %(objecttype)",
              input="".join(f"{s}\n" for s in specs).encode()).decode().splitlines() \
        if specs else []
    out: list[tuple[str, datetime, bytes]] = []
    was: str | None = None
    changed: list[tuple[str, datetime, str | None]] = []
    for (sha, at), line in zip(order, ids, strict=False):
        parts = line.split()
        blob = parts[0] if len(parts) == 2 and parts[1] == "blob" else None
        if blob != was:
            changed.append((sha, at, blob))
        was = blob
    data = Blobs(root).read(b for _, _, b in changed if b)
    for sha, at, blob in changed:
        out.append((sha, at, data.get(blob, b"") if blob else b""))
    return out


def worktree_changes(root: Path, directory: str = "reports", prefix: str | None = None
                     ) -> list[tuple[str, str]]:
    """(porcelain status, estate-relative path) of uncommitted changes under ``directory``
    (``prefix``: the estate's place in its repository, when the caller knows it)."""
    prefix = prefix_of(root) if prefix is None else prefix
    out = git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--no-renames",
              "--", directory)
    items = []
    for entry in out.split(b"\0"):
        if not entry:
            continue
        text = entry.decode(errors="surrogateescape")
        path = text[3:]
        items.append((text[:2], path[len(prefix):] if path.startswith(prefix) else path))
    return items
