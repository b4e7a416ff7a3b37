"""Git: the run lock, the estate commit a run was made from, commits with trailers, push
without force, and reading trees at a revision. The only module in Patrol that imports git.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import Exit, PatrolError
from .files import REPORTS

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


def file_history(root: Path, rel: str) -> list[tuple[datetime, bytes]]:
    """Every committed version of one file (root-relative), oldest first, with its commit
    time: what the archive says the file was and since when (e.g. waivers granted)."""
    import git

    repo = _repo(root)
    path = (Path(repo_subdir(root)) / rel).as_posix() if repo_subdir(root) else rel
    try:
        log = repo.git.log("--format=%H %ct", "--reverse", "--", path)
    except git.GitCommandError:
        return []
    out: list[tuple[datetime, bytes]] = []
    for line in log.splitlines():
        sha, ts = line.split()
        try:
            data = repo.git.show(f"{sha}:{path}", stdout_as_string=False)
        except git.GitCommandError:  # deleted in that commit
            data = b""
        out.append((datetime.fromtimestamp(int(ts), UTC), bytes(data)))
    return out
