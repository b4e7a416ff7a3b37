"""The archive: records written deterministically and atomically, sealed in a hash chain,
committed to Git with trailers. The only module that touches Git.

A record is YAML whose last line is ``sha256: <hex>``, the SHA-256 of every byte before
that line. Each record names the previous record and its hash, so rewriting history
breaks the chain where it was rewritten.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Exit, PatrolError

REPORTS = "reports"
RUNS = f"{REPORTS}/runs"
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_SEAL = re.compile(rb"\nsha256: ([0-9a-f]{64})\n\Z")

try:  # the C emitter is ~10x faster; both give identical bytes for our plain data
    _Dumper: type = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _Dumper = yaml.SafeDumper


def dump_yaml(data: Any) -> bytes:
    """Deterministic YAML: insertion order as given (callers sort), no aliases, no wrapping."""

    class _NoAlias(_Dumper):  # type: ignore[misc,valid-type]
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return yaml.dump(
        data,
        Dumper=_NoAlias,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=10_000,
    ).encode()


def atomic_write(path: Path, data: bytes) -> bool:
    """Write via temp file + fsync + rename; returns False when the bytes were already there."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp's 0600 would hide records from readers
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


# -- the hash chain --------------------------------------------------------------------------


def seal(body: bytes) -> tuple[bytes, str]:
    """Append the ``sha256:`` line over ``body``; returns the sealed bytes and the hash."""
    digest = hashlib.sha256(body).hexdigest()
    return body + f"sha256: {digest}\n".encode(), digest


def record_hash(data: bytes) -> str | None:
    """The hash a sealed record claims, or None when it has no seal."""
    m = _SEAL.search(data)
    return m.group(1).decode() if m else None


def record_is_intact(data: bytes) -> bool:
    """True when the seal matches the bytes before it."""
    m = _SEAL.search(data)
    if not m:
        return False
    body = data[: m.start() + 1]
    return hashlib.sha256(body).hexdigest() == m.group(1).decode()


def record_path(run_id: str, year: int, month: int) -> str:
    return f"{RUNS}/{year:04d}/{month:02d}/{run_id}.yaml"


def list_records(root: Path) -> list[str]:
    """Every run record, oldest first (run ids start with a UTC timestamp, so names sort)."""
    base = root / RUNS
    if not base.is_dir():
        return []
    out = [p.relative_to(root).as_posix() for p in base.glob("*/*/*.yaml")]
    return sorted(out, key=lambda p: Path(p).name)


_PREVIOUS = re.compile(rb"^previous:\n  record: (\S+)\n", re.M)


def _claimed_previous(data: bytes) -> str | None:
    """The record a record names as its predecessor (read without parsing the YAML)."""
    m = _PREVIOUS.search(data)
    return m.group(1).decode().strip("'\"") if m else None


def _actual_hash(data: bytes) -> str:
    m = _SEAL.search(data)
    return hashlib.sha256(data[: m.start() + 1] if m else data).hexdigest()


def latest_record(root: Path) -> tuple[str, str] | None:
    """(path, hash) of the chain's tip: the newest record no other record names as previous.

    Names sort by start time, but a run retried onto a moved remote is written after a run
    that started later, so the tip is found by the links, not by the names. Only the two
    newest months are read: the tip is always among them.
    """
    base = root / RUNS
    if not base.is_dir():
        return None
    months = sorted((m for y in base.iterdir() if y.is_dir() for m in y.iterdir() if m.is_dir()),
                    key=lambda m: (m.parent.name, m.name), reverse=True)
    recent: dict[str, bytes] = {}
    for month in months:
        for rec in month.glob("*.yaml"):
            recent[rec.relative_to(root).as_posix()] = rec.read_bytes()
        if len(recent) and month is not months[0]:
            break
    sealed = {rel: data for rel, data in recent.items() if record_hash(data)}
    if not sealed:
        return None
    referenced = {_claimed_previous(data) for data in sealed.values()}
    tips = [rel for rel in sealed if rel not in referenced] or list(sealed)
    tip = max(tips, key=lambda rel: Path(rel).name)
    return tip, record_hash(sealed[tip]) or ""


@dataclass(frozen=True)
class ChainBreak:
    path: str
    message: str


def verify_chain(root: Path) -> list[ChainBreak]:
    """Check every record's seal, then walk the links back from the tip: each link must name
    an existing record by the hash of its bytes, and every record must be on the walk."""
    breaks: list[ChainBreak] = []
    records = {rel: (root / rel).read_bytes() for rel in list_records(root)}
    for rel, data in records.items():
        if not record_is_intact(data):
            breaks.append(ChainBreak(rel, "seal does not match the record's bytes"))
    if not records:
        return breaks
    claimed = {rel: load_yaml(data).get("previous") or None for rel, data in records.items()}
    referenced: dict[str, list[str]] = {}
    for rel, prev in claimed.items():
        if prev:
            referenced.setdefault(str(prev.get("record")), []).append(rel)
    for target, claimants in sorted(referenced.items()):
        if len(claimants) > 1:
            breaks.append(ChainBreak(claimants[-1], f"fork: {', '.join(sorted(claimants))} "
                                                   f"all name {target} as previous"))
    tips = sorted((rel for rel in records if rel not in referenced), key=lambda r: Path(r).name)
    visited: set[str] = set()
    cur: str | None = tips[-1] if tips else None
    while cur is not None and cur not in visited:
        visited.add(cur)
        prev = claimed[cur]
        if prev is None:
            break
        target = str(prev.get("record"))
        if target not in records:
            breaks.append(ChainBreak(cur, f"previous names {target}, which is not in the archive"))
            break
        if prev.get("sha256") != _actual_hash(records[target]):
            breaks.append(ChainBreak(cur, f"previous {target} has sha256 "
                                          f"{_actual_hash(records[target])}, the link says "
                                          f"{prev.get('sha256')}"))
        cur = target
    for rel in records:
        if rel not in visited:
            breaks.append(ChainBreak(rel, "not on the chain that ends at the newest record"))
    return breaks


# -- locking ---------------------------------------------------------------------------------


@contextmanager
def run_lock(root: Path) -> Iterator[None]:
    """One run at a time per checkout; the kernel drops the lock if the process dies."""
    lock_path = Path(_repo(root).git_dir) / "patrol.lock"  # never a stray file in the estate
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            raise PatrolError(
                f"another patrol run holds {lock_path} (pid {holder}); wait for it to finish",
                exit_code=Exit.ENVIRONMENT,
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


# -- Git -------------------------------------------------------------------------------------


def _repo(root: Path) -> Any:
    import git

    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise PatrolError(
            f"{root} is not inside a Git repository; the archive needs one (git init)",
            exit_code=Exit.USAGE,
        ) from None


def estate_commit(root: Path) -> tuple[str | None, bool]:
    """(HEAD sha, whether the estate files differ from it) — the estate a run was made from."""
    repo = _repo(root)
    try:
        sha = repo.head.commit.hexsha
    except ValueError:
        return None, True
    rel = Path(root).resolve().relative_to(Path(repo.working_tree_dir).resolve())
    paths = [(rel / d).as_posix() for d in ("inventory", "policies")]
    changes = repo.git.status("--porcelain", "--untracked-files=all", "--", *paths)
    return sha, bool(changes.strip())


def load_yaml(data: bytes) -> Any:
    """Read back what Patrol wrote (plain data): the C loader, safe tags only."""
    return yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def read_tree(root: Path, rev: str, prefixes: Iterable[str]) -> dict[str, bytes]:
    """Files under ``prefixes`` at revision ``rev``, without touching the working tree."""
    import git

    repo = _repo(root)
    try:
        commit = repo.commit(rev)
    except (git.BadName, ValueError, git.GitCommandError):
        raise PatrolError(f"unknown revision {rev!r}", exit_code=Exit.USAGE) from None
    out: dict[str, bytes] = {}
    for prefix in prefixes:
        try:
            tree = commit.tree / prefix
        except KeyError:
            continue
        for blob in tree.traverse():
            if blob.type == "blob":
                out[blob.path] = blob.data_stream.read()
    return out


def resolve_rev(root: Path, rev: str) -> str:
    """The full commit sha that ``rev`` names (PatrolError for an unknown revision)."""
    import git

    try:
        return str(_repo(root).commit(rev).hexsha)
    except (git.BadName, ValueError, git.GitCommandError):
        raise PatrolError(f"unknown revision {rev!r}", exit_code=Exit.USAGE) from None


def repo_subdir(root: Path) -> str:
    """Where ``root`` lies inside its repository's working tree, as a POSIX prefix ("" at top)."""
    repo = _repo(root)
    rel = Path(root).resolve().relative_to(Path(repo.working_tree_dir).resolve()).as_posix()
    return "" if rel == "." else rel


def trailers(values: dict[str, str]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in values.items())


def commit(root: Path, paths: Iterable[str], summary: str, body_trailers: dict[str, str]) -> str:
    """Stage ``paths`` (relative to root) and commit them; returns the sha.

    Only Patrol's files are committed, even if the user has other staged changes: these
    paths plus anything under reports/ that an earlier --no-commit or killed run left
    uncommitted, so the archive in Git never misses a record the chain points at.
    """
    repo = _repo(root)
    top = Path(repo.working_tree_dir).resolve()
    rel_root = Path(root).resolve().relative_to(top)
    reports = (rel_root / REPORTS).as_posix()
    leftovers = [line[3:].strip('"') for line in repo.git.status(
        "--porcelain", "--untracked-files=all", "--no-renames", "--", reports).splitlines()]
    full = sorted({(rel_root / p).as_posix() for p in paths} | set(leftovers))
    repo.git.add("-A", "--", *full)
    message = f"{summary}\n\n{trailers(body_trailers)}\n"
    env = {}
    reader = repo.config_reader()
    if not reader.has_option("user", "email") and "GIT_AUTHOR_EMAIL" not in os.environ:
        # a fresh CI machine has no identity; the archive still needs an author
        env = {"GIT_AUTHOR_NAME": "Patrol", "GIT_AUTHOR_EMAIL": "patrol@localhost",
               "GIT_COMMITTER_NAME": "Patrol", "GIT_COMMITTER_EMAIL": "patrol@localhost"}
    repo.git.commit("-q", "--no-verify", "-m", message, "--", *full, env=env or None)
    return repo.head.commit.hexsha


def push(root: Path, reapply: Callable[[], str], attempts: int = 5) -> str:
    """Push HEAD; when the remote moved, move onto it and re-make our commit, never force.

    ``reapply`` rewrites and recommits the run on top of the new tip (so the record chains
    onto whatever the other run pushed) and returns the new sha.
    """
    import git

    repo = _repo(root)
    try:
        branch = repo.active_branch.name
        remote = repo.remote()
    except (TypeError, ValueError):
        raise PatrolError("cannot push: detached HEAD or no remote", exit_code=Exit.USAGE) from None
    sha = repo.head.commit.hexsha
    for _ in range(attempts):
        try:
            repo.git.push(remote.name, f"HEAD:refs/heads/{branch}")
            return sha
        except git.GitCommandError as exc:
            if "rejected" not in str(exc) and "fetch first" not in str(exc):
                raise PatrolError(
                    f"git push failed: {exc.stderr.strip()}", exit_code=Exit.FAILED
                ) from None
        repo.git.fetch(remote.name, branch)
        # set our run commit aside, move any other local commits onto the remote tip, then
        # re-make the run there so its record chains onto whatever the other run pushed
        repo.git.reset("--keep", "HEAD~1")
        try:
            repo.git.rebase("FETCH_HEAD")
        except git.GitCommandError:
            repo.git.rebase("--abort")
            raise PatrolError(
                "cannot push: local commits conflict with the remote; rebase by hand",
                exit_code=Exit.FAILED,
            ) from None
        sha = reapply()
    raise PatrolError(f"git push still rejected after {attempts} attempts", exit_code=Exit.FAILED)


def clone(source: Path, dest: Path) -> Path:
    """A throwaway clone, so a demo never commits onto the user's branch."""
    import git

    repo = _repo(source)
    git.Repo.clone_from(repo.working_tree_dir, dest, no_hardlinks=True, quiet=True)
    return dest


def show_stat(root: Path, sha: str) -> str:
    """``git show --stat`` of a commit, for people reading the demo's output."""
    return str(_repo(root).git.show("--stat", "--format=medium", sha))
