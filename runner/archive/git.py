"""Git: the run lock, the estate commit a run was made from, commits with trailers, push
without force, and reading trees at a revision. The only module in Patrol that imports git.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import Exit, PatrolError
from ..escape import terminal
from .chain import check_record
from .files import REPORTS, RUNS, is_temp, read_yaml_file
from .history import identity_env, signing_args, worktree_changes

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


def git_dir(root: Path) -> Path:
    """The repository's Git directory (where the run lock and the spool live)."""
    return Path(_repo(root).git_dir)


def _prefix(repo: Any, root: Path) -> Path:
    top = Path(repo.working_tree_dir).resolve()
    return Path(root).resolve().relative_to(top)


def reports_changes(root: Path) -> list[tuple[str, str]]:
    """Uncommitted changes under ``reports/``: (porcelain XY code, root-relative path)."""
    return worktree_changes(root, REPORTS)


def _is_patrol_file(rel: str) -> bool:
    """Where Patrol writes: records, host status, findings (YAML only, never temp files)."""
    parts = rel.split("/")
    if is_temp(rel) or not rel.endswith(".yaml") or parts[0] != REPORTS:
        return False
    if rel.startswith(RUNS + "/"):
        return len(parts) == 5
    return len(parts) >= 3 and parts[1] in ("status", "findings")


def sweepable(root: Path) -> list[str]:
    """What an earlier run left uncommitted under ``reports/`` and the next commit carries:
    only whole Patrol files. A committed record modified or deleted, or a file that is not a
    whole Patrol document, is refused with its name (records are append-only)."""
    out = []
    for code, rel in reports_changes(root):
        if not _is_patrol_file(rel):
            continue
        new = code[0] in "?A"  # untracked, or staged as a new file: not in HEAD
        if rel.startswith(RUNS + "/") and not new:
            what = "deleted" if "D" in code else "modified"
            raise PatrolError(
                f"a committed run record was {what}; records are append-only, so no run "
                f"commits that: restore it with `git checkout HEAD -- {rel}`",
                exit_code=Exit.FAILED, file=rel, line=1, column=1)
        if "D" in code:
            raise PatrolError(
                "a Patrol file was deleted outside Patrol; restore it with "
                f"`git checkout HEAD -- {rel}`", exit_code=Exit.FAILED, file=rel, line=1,
                column=1)
        if rel.startswith(RUNS + "/"):
            check_record(rel, (Path(root) / rel).read_bytes())
        else:
            read_yaml_file(Path(root), rel)
        out.append(rel)
    return out


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


def resolve_head(root: Path) -> str | None:
    """HEAD's sha, None before the first commit."""
    try:
        return str(_repo(root).head.commit.hexsha)
    except ValueError:
        return None


def require_repository(root: Path) -> None:
    """Commands that read the archive's current state (findings, incidents) need the
    repository it lives in: outside one, "0 findings" would be a false all-clear."""
    _repo(root)


def require_history(root: Path) -> None:
    """Commands that read the archive's history need a repository with a commit: one usage
    error before any git command fails with its own wording."""
    if resolve_head(root) is None:
        raise PatrolError(f"{root} has no commits yet: commit the estate first (git commit)",
                          exit_code=Exit.USAGE)


def repo_subdir(root: Path) -> str:
    """Where ``root`` lies inside its repository's working tree, as a POSIX prefix ("" at top)."""
    repo = _repo(root)
    rel = Path(root).resolve().relative_to(Path(repo.working_tree_dir).resolve()).as_posix()
    return "" if rel == "." else rel


def trailers(values: dict[str, str]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in values.items())


def config_value(root: Path, key: str) -> str | None:
    """A Git config value as the repository sees it (None when unset). The git CLI, not
    GitPython's Repo: this runs in every run's pre-flight, where 30 ms count."""
    from .history import git as run_git

    return run_git(root, "config", "--get", key, check=False).decode().strip() or None


def commit(root: Path, paths: Iterable[str], summary: str, body_trailers: dict[str, str],
           sign_key: str | None = None) -> str:
    """Stage ``paths`` (relative to root) and commit them; returns the sha.

    Only Patrol's files are committed, even if the user has other staged changes: these
    paths plus the whole Patrol files under reports/ that an earlier run left uncommitted
    (killed before its commit, a failed commit, a spool put back, ``upgrade --no-commit``),
    so the archive in Git never misses a record the chain points at (``sweepable``).
    """
    import git

    repo = _repo(root)
    rel_root = _prefix(repo, root)
    leftovers = sweepable(root)
    full = sorted({(rel_root / p).as_posix() for p in [*paths, *leftovers]})
    repo.git.add("-A", "--", *full)
    # free text (a --reason, a --to) must not forge trailers or recolour `git log`: one line,
    # control characters shown
    summary = terminal(" ".join(str(summary).split()))
    message = f"{summary}\n\n{trailers(body_trailers)}\n"
    env = identity_env(root)
    try:
        repo.git.execute(["git", *signing_args(sign_key), "commit", "-q", "--no-verify",
                          "-S" if sign_key else "--no-gpg-sign", "-m", message, "--", *full],
                         env={**os.environ, **env} if env else None)
    except git.GitCommandError as exc:
        raise PatrolError(
            f"git commit failed: {(exc.stderr or '').strip() or exc}; the run's files are "
            "written under reports/ and the next run commits them", exit_code=Exit.FAILED
        ) from None
    return repo.head.commit.hexsha


def push_target(root: Path) -> tuple[str, str]:
    """(remote, branch) a push goes to; refused before measuring on a detached HEAD or
    without a remote."""
    repo = _repo(root)
    if repo.head.is_detached:
        raise PatrolError("cannot --push from a detached HEAD: check out the branch the "
                          "archive lives on (git switch BRANCH)", exit_code=Exit.USAGE)
    try:
        remote = repo.remote()
    except ValueError:
        raise PatrolError("cannot --push: this repository has no remote", exit_code=Exit.USAGE
                          ) from None
    return remote.name, repo.active_branch.name


def require_branch(root: Path) -> None:
    """A run commits onto a branch: on a detached HEAD its commit would belong to nothing."""
    repo = _repo(root)
    if repo.head.is_valid() and repo.head.is_detached:
        at = repo.head.commit.hexsha[:12]
        raise PatrolError(f"HEAD is detached (at {at}): a run commits its record onto a "
                          "branch; check one out (git switch BRANCH) or use --no-commit",
                          exit_code=Exit.USAGE)


def push(root: Path, reapply: Callable[[], str], attempts: int = 5) -> str:
    """Push HEAD; when the remote moved, move onto it and re-make our commit, never force.

    ``reapply`` rewrites and recommits the run on top of the new tip (so the record chains
    onto whatever the other run pushed) and returns the new sha. The run's commit is never
    discarded: until the push succeeds it is also kept as ``refs/patrol/unpushed/<branch>``;
    when the move conflicts, the branch is put back on it and the error says how to
    reconcile (exit 1). Files an earlier run left that the commit swept in are put back
    before the run is re-made, so the re-made commit carries them again.
    """
    import git

    repo = _repo(root)
    remote, branch = push_target(root)
    keep = f"refs/patrol/unpushed/{branch}"
    sha = repo.head.commit.hexsha
    for _ in range(attempts):
        try:
            repo.git.push(remote, f"HEAD:refs/heads/{branch}")
            repo.git.update_ref("-d", keep)
            return sha
        except git.GitCommandError as exc:
            if "rejected" not in str(exc) and "fetch first" not in str(exc):
                raise PatrolError(
                    f"git push failed: {(exc.stderr or '').strip()}; the run is committed "
                    f"locally ({sha[:12]} on {branch}): push it with `git push`",
                    exit_code=Exit.FAILED) from None
        repo.git.update_ref(keep, sha)
        try:
            repo.git.fetch(remote, branch)
        except git.GitCommandError as exc:
            raise PatrolError(f"git fetch failed: {(exc.stderr or '').strip()}; the run is "
                              f"committed locally ({sha[:12]} on {branch})",
                              exit_code=Exit.FAILED) from None
        swept = _swept_files(repo, sha)
        # set our run commit aside, move any other local commits onto the remote tip, then
        # re-make the run there so its record chains onto whatever the other run pushed
        repo.git.reset("--keep", "HEAD~1")
        try:
            repo.git.rebase("FETCH_HEAD")
        except git.GitCommandError:
            repo.git.rebase("--abort")
            repo.git.reset("--keep", sha)  # the run's commit back on the branch, as it was
            raise PatrolError(
                f"cannot push: local commits conflict with {remote}/{branch}. The run is "
                f"committed locally ({sha[:12]} on {branch}); reconcile with `git pull "
                f"--rebase {remote} {branch}` (resolve, `git rebase --continue`), then "
                "`git push`", exit_code=Exit.FAILED) from None
        for path, data in swept.items():
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        sha = reapply()
    raise PatrolError(f"git push still rejected after {attempts} attempts; the run is "
                      f"committed locally ({sha[:12]} on {branch})", exit_code=Exit.FAILED)


def _swept_files(repo: Any, sha: str) -> dict[Path, bytes]:
    """Run records the commit ``sha`` added besides its own (named by its ``Patrol-Run``
    trailer), as bytes: an earlier run's, swept in, that must survive the re-made commit."""
    run_id = repo.git.log("-1", "--format=%(trailers:key=Patrol-Run,valueonly)", sha).strip()
    added = repo.git.diff_tree("--no-commit-id", "--name-only", "--diff-filter=A", "-r",
                               f"{sha}~1", sha).splitlines()
    out: dict[Path, bytes] = {}
    for path in added:
        name = Path(path).name
        if f"/{RUNS}/" not in f"/{path}" or name == f"{run_id}.yaml" or is_temp(name):
            continue
        out[Path(repo.working_tree_dir) / path] = (
            repo.commit(sha).tree / path).data_stream.read()
    return out


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
    """Every version of one file (root-relative) the mainline brought in, oldest first, dated
    by the mainline commit that brought it (``history.mainline_versions``): what the archive
    says the file was and since when (e.g. waivers granted), never a date a pull request's
    author chose."""
    from .history import mainline_versions

    return [(at, data) for _sha, at, data in mainline_versions(root, rel)]


def init_repository(root: Path) -> None:
    """``git init`` (branch ``main``) for a new estate repository; nothing is committed."""
    import git

    git.Repo.init(root, initial_branch="main")
