"""Git: the run lock, the estate commit a run was made from, commits with trailers, push
without force, and reading trees at a revision. The only module in Patrol that imports git.

What every run does (lock, HEAD, the estate's state, the commit) runs the git CLI: GitPython's
import alone is ~40 ms of the controller's CPU per run (issue 26's budget), and those steps
are a git process each either way. GitPython stays for what reads objects (trees, revisions,
the push's remote and branch).
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import Exit, PatrolError
from ..escape import terminal
from .files import REPORTS, RUNS, is_temp
from .history import git_dir, identity_env, known_git_dir, signing_args, worktree_changes
from .history import not_a_repository as _not_a_repository
from .history import rev_parse as _rev_parse

# -- locking ---------------------------------------------------------------------------------


@contextmanager
def run_lock(root: Path) -> Iterator[None]:
    """One run at a time per checkout; the kernel drops the lock if the process dies."""
    lock_path = git_dir(root) / "patrol.lock"  # never a stray file in the estate
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
        raise _not_a_repository(root) from None


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> bytes:
    """Run git in ``root``; its stdout. A failure raises ``GitFailed`` with git's own words."""
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False,
                              env={**os.environ, **env} if env else None)
    except FileNotFoundError:
        raise PatrolError("git is not installed", exit_code=Exit.ENVIRONMENT) from None
    if proc.returncode != 0:
        raise GitFailed(proc.stderr.decode(errors="replace").strip()
                        or f"git {args[0]} exited {proc.returncode}")
    return proc.stdout


class GitFailed(Exception):
    """A git command of a commit failed (the message is git's stderr)."""


def _prefix(repo: Any, root: Path) -> Path:
    top = Path(repo.working_tree_dir).resolve()
    return Path(root).resolve().relative_to(top)


def reports_changes(root: Path) -> list[tuple[str, str]]:
    """Uncommitted changes under ``reports/``: (porcelain XY code, root-relative path)."""
    return worktree_changes(root, REPORTS)


def check_uncommitted(root: Path) -> list[str]:
    """A run commits only what it wrote: every uncommitted change under ``reports/`` must be
    a file a spool entry holds, byte for byte (a spooled run put back, a run killed before
    its commit, ``upgrade --no-commit``). Anything else — a file placed or edited by hand, a
    committed file deleted — is refused with its path before measuring (records are
    append-only; a document no run wrote must never reach a signed commit). Returns the
    paths the spool accounts for."""
    from .spool import pending_files

    changes = [(code, rel) for code, rel in reports_changes(root) if not is_temp(rel)]
    if not changes:
        return []
    spooled = pending_files(root)
    out = []
    for code, rel in changes:
        if "D" in code:
            what = "a committed run record" if rel.startswith(RUNS + "/") else "a Patrol file"
            raise PatrolError(
                f"{what} was deleted outside Patrol; records are append-only and no run "
                f"commits that: restore it with `git checkout HEAD -- {rel}`",
                exit_code=Exit.FAILED, file=rel, line=1, column=1)
        path = Path(root) / rel
        kept = spooled.get(rel)
        if kept is not None and not path.is_symlink() and path.is_file() \
                and path.read_bytes() == kept:
            out.append(rel)
            continue
        new = code[0] in "?A"  # untracked, or staged as a new file: not in HEAD
        if new or not rel.startswith(RUNS + "/"):
            _readable(root, rel)  # a broken file (a merge's conflict markers) says where first
        if not new and rel.startswith(RUNS + "/"):
            why, fix = ("a committed run record was modified; records are append-only",
                        f"restore it with `git checkout HEAD -- {rel}`")
        elif not new:
            why, fix = ("modified outside Patrol, and no spooled run wrote it",
                        f"restore it with `git checkout HEAD -- {rel}`")
        else:
            why, fix = ("not written by Patrol: no spooled run holds it, and a run commits "
                        "only what it wrote", "move it out of reports/")
        raise PatrolError(f"{why}; nothing was measured: {fix}", exit_code=Exit.FAILED,
                          file=rel, line=1, column=1)
    return out


sweepable = check_uncommitted  # pre-flight's name for it


def _readable(root: Path, rel: str) -> None:
    """A Patrol-shaped file that does not read (conflict markers, not YAML, a record whose
    seal is cut) is one error at its ``file:line``; other files pass to the refusal."""
    from .chain import check_record
    from .reader import read_mapping

    path = Path(root) / rel
    if path.is_symlink() or not path.is_file() or not rel.endswith(".yaml"):
        return
    if rel.startswith(RUNS + "/"):
        check_record(rel, path.read_bytes())
        return
    doc = read_mapping(Path(root), rel)
    if rel.startswith(f"{REPORTS}/status/"):
        from .status import check_status

        check_status(rel, doc)


def estate_commit(root: Path) -> tuple[str | None, bool]:
    """(HEAD sha, whether the estate files differ from it) — the estate a run was made from."""
    sha = resolve_head(root)
    if sha is None:
        return None, True
    try:  # pathspecs are relative to root, wherever it lies in the working tree
        changes = _git(root, "status", "--porcelain", "--untracked-files=all", "--",
                       "inventory", "policies")
    except GitFailed as exc:
        raise PatrolError(f"git status failed: {exc}", exit_code=Exit.FAILED) from None
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
    """HEAD's sha, None before the first commit. Within a run that knows its Git directory
    (``history.remembering``), read from the ref files when they are plain (``_head_in``):
    every commit asks twice (its parent, then itself), and each ``git rev-parse`` is ~2 ms."""
    where = known_git_dir(root)
    if where is not None:
        sha = _head_in(where)
        if sha is not None:
            return sha
    found = _rev_parse(root, "--verify", "-q", "HEAD^{commit}")
    return found[0] if found else None


_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1 or SHA-256
_PART = r"[A-Za-z0-9_-](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?"  # no leading or trailing dot
_BRANCH = re.compile(rf"ref: (refs/heads/{_PART}(?:/{_PART})*)")


def _head_in(gitdir: Path) -> str | None:
    """HEAD's sha from the files git keeps it in: a detached HEAD's own line, or the loose
    file of the branch it names (git renames a ref file into place whole, so a read sees the
    old sha or the new, and a loose ref overrides ``packed-refs``). None, and git is asked,
    for anything less plain: a packed or unborn branch, a worktree's shared refs
    (``commondir``), the reftable format, a symbolic chain, a branch name git would refuse.
    Git refuses to point a branch at anything but a commit, so the sha is not peeled."""
    try:
        if (gitdir / "commondir").exists() or (gitdir / "reftable").exists():
            return None
        head = (gitdir / "HEAD").read_text(encoding="ascii").strip()
        if _SHA.fullmatch(head):
            return head
        branch = _BRANCH.fullmatch(head)
        if branch is None or ".." in branch[1] or ".lock/" in f"{branch[1]}/":
            return None  # a name git would refuse: let git say so
        sha = (gitdir / branch[1]).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return sha if _SHA.fullmatch(sha) else None


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
           sign_key: str | None = None, maintain: bool = True) -> str:
    """Stage ``paths`` (relative to root) and commit them; returns the sha.

    Only what the run wrote is committed, even if the user has other staged changes: these
    paths plus the files of every spool entry (``spool.py``: a spooled run that pre-flight
    put back, this run's own), never a file merely found under ``reports/``. The entries
    are dropped once the commit holds them. When Git fails (object store full, index
    locked, a hook-less ``git add`` error), the files go to the spool and the run stops with
    one message (exit 1): the next run commits them. ``maintain=False``: no automatic
    maintenance after this commit (one that follows another of the same run, which ran it).
    """
    from . import spool

    entries = spool.pending(root)
    mine = list(dict.fromkeys([*paths, *spool.pending_files(root, entries)]))
    if not mine:  # `git add -A --` without a path would stage the whole tree
        raise PatrolError("nothing to commit: a run commits the files it wrote",
                          exit_code=Exit.FAILED)
    # run in root, git takes these root-relative paths wherever root lies in the working tree
    full = sorted({Path(p).as_posix() for p in mine
                   if (Path(root) / p).exists() or _tracked(root, Path(p).as_posix())})
    # free text (a --reason, a --to) must not forge trailers or recolour `git log`: one line,
    # control characters shown
    summary = terminal(" ".join(str(summary).split()))
    message = f"{summary}\n\n{trailers(body_trailers)}\n"
    env = identity_env(root)
    try:
        _git(root, "add", "-A", "--", *full)
        quiet = [] if maintain else ["-c", "maintenance.auto=false"]
        _git(root, *quiet, *signing_args(sign_key), "commit", "-q", "--no-verify",
             "-S" if sign_key else "--no-gpg-sign", "-m", message, "--", *full, env=env or None)
    except (GitFailed, OSError) as exc:
        detail = " ".join(str(exc).split())
        raise _kept(root, mine, body_trailers.get("Patrol-Run", "unnamed"),
                    f"git commit failed ({detail or type(exc).__name__})") from None
    spool.drop(root, entries)
    return resolve_head(root) or ""


def _tracked(root: Path, path: str) -> bool:
    return bool(_git(root, "ls-files", "--", path).strip())


def _kept(root: Path, paths: Iterable[str], key: str, what: str) -> PatrolError:
    """Spool the files a commit could not take; the one error that says where they are."""
    from . import spool

    files = {}
    for rel in paths:
        path = Path(root) / rel
        if path.is_file() and not path.is_symlink():
            files[rel] = path.read_bytes()
    try:
        where = spool.journal(root, files, key)
    except OSError as again:
        return PatrolError(f"{what}, and the results cannot be spooled in "
                           f"{spool.spool_root(root)} ({again.strerror}): they are written "
                           "under reports/ but not kept", exit_code=Exit.FAILED)
    return PatrolError(f"{what}; the run's results are kept in {where} and the next run "
                       "commits them", exit_code=Exit.FAILED)


def push_target(root: Path, check: bool = True) -> tuple[str, str]:
    """(remote, branch) a push goes to; refused before measuring on a detached HEAD, without
    a remote, or (``check``) when the push would carry more than Patrol's commits
    (``require_only_patrol``)."""
    repo = _repo(root)
    if repo.head.is_detached:
        raise PatrolError("cannot --push from a detached HEAD: check out the branch the "
                          "archive lives on (git switch BRANCH)", exit_code=Exit.USAGE)
    try:
        remote = repo.remote()
    except ValueError:
        raise PatrolError("cannot --push: this repository has no remote", exit_code=Exit.USAGE
                          ) from None
    target = remote.name, repo.active_branch.name
    if check:
        require_only_patrol(root, *target)
    return target


def fetch_tip(root: Path, remote: str, branch: str) -> str | None:
    """The remote branch's tip, fetched now (into ``refs/remotes/<remote>/<branch>``); None
    when the remote has no such branch yet (the first record of a new archive branch)."""
    from .history import git as run_git
    from .history import resolve

    listed = run_git(root, "ls-remote", "--heads", remote,  # unreachable: PatrolError
                     f"refs/heads/{branch}").decode().split()
    if not listed:
        return None
    tracking = f"refs/remotes/{remote}/{branch}"
    run_git(root, "fetch", "-q", "--no-tags", remote, f"+refs/heads/{branch}:{tracking}")
    return resolve(root, tracking)


def _unpushed(root: Path, base: str | None) -> list[tuple[str, str, str]]:
    """(sha, Patrol-Run trailer or "", subject) of every commit on HEAD not on ``base``."""
    from .history import git as run_git
    from .history import resolve

    if resolve(root, "HEAD") is None:  # a new archive branch: nothing committed yet
        return []
    span = [f"{base}..HEAD"] if base else ["HEAD"]
    raw = run_git(root, "log", "--format=%H%x1f%(trailers:key=Patrol-Run,valueonly)%x1f%s%x1e",
                  *span).decode(errors="replace")
    out = []
    for chunk in raw.split("\x1e"):
        if chunk.strip():
            sha, run, subject = chunk.strip("\n").split("\x1f")[:3]
            out.append((sha, run.strip(), subject))
    return out


def require_only_patrol(root: Path, remote: str, branch: str) -> None:
    """Before measuring: a push carries the run's commit and nothing of anyone else's. So a
    commit on the branch that is not on the remote and carries no ``Patrol-Run`` trailer
    (the user's own work) is refused, naming it; so are earlier runs' unpushed commits when
    the remote has moved (their records chain onto a tip the remote no longer ends with, and
    Patrol never rebases a sealed record)."""
    from .history import is_ancestor

    try:
        base = fetch_tip(root, remote, branch)
    except PatrolError as exc:
        raise PatrolError(f"cannot --push: {exc}; nothing was measured",
                          exit_code=Exit.ENVIRONMENT) from None
    if base is None:
        return
    unpushed = _unpushed(root, base)
    foreign = [(sha, subject) for sha, run, subject in unpushed if not run]
    if foreign:
        listed = "; ".join(f"{sha[:12]} {terminal(subject)!r}" for sha, subject in foreign[:5])
        raise PatrolError(
            f"cannot --push: {branch} holds {len(foreign)} commit(s) not on {remote}/{branch} "
            f"that Patrol did not make ({listed}); a push carries only Patrol's commits. Push "
            "them yourself first (git push), or move them off this branch; nothing was "
            "measured", exit_code=Exit.USAGE)
    if unpushed and not is_ancestor(root, base, "HEAD"):
        raise PatrolError(
            f"cannot --push: {len(unpushed)} earlier run(s) committed here are not on "
            f"{remote}/{branch}, and {remote}/{branch} has moved: their sealed records chain "
            "onto a tip the remote no longer ends with, and Patrol never rebases a record. "
            "Reconcile by hand (and check with `patrol audit verify`); nothing was measured",
            exit_code=Exit.FAILED)


def require_branch(root: Path) -> None:
    """A run commits onto a branch: on a detached HEAD its commit would belong to nothing."""
    try:
        _git(root, "symbolic-ref", "-q", "HEAD")  # fails only on a detached HEAD
        return
    except GitFailed:
        at = (resolve_head(root) or "")[:12]
    if at:
        raise PatrolError(f"HEAD is detached (at {at}): a run commits its record onto a "
                          "branch; check one out (git switch BRANCH) or use --no-commit",
                          exit_code=Exit.USAGE)


def push(root: Path, reapply: Callable[[], str], attempts: int = 5) -> str:
    """Push HEAD, only once what would land verifies; when the remote moved, re-make the
    run's commit on the remote's tip, never force, never rebase.

    ``reapply`` rewrites and recommits the run on top of the new tip (so the record chains
    onto whatever the other run pushed, judged against what that run wrote) and returns the
    new sha, or "" when nothing is left to commit there (then nothing is pushed). An estate
    edit the run's commit carried (an upgrade's inventory) goes to the spool and back from
    there, so the re-made commit carries it again; a commit carrying an
    earlier run's sealed record is never re-made (that record would not chain). The run's
    commit is never discarded: until the push succeeds it is also kept as
    ``refs/patrol/unpushed/<branch>``; when it cannot be re-made (other unpushed commits
    under it), the branch stays on it and the error says so (exit 1).
    """
    import git

    from . import spool
    from .history import is_ancestor

    repo = _repo(root)
    remote, branch = push_target(root, check=False)
    keep = f"refs/patrol/unpushed/{branch}"
    sha = repo.head.commit.hexsha
    for _ in range(attempts):
        _verified(root, sha, branch)
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
            base = fetch_tip(root, remote, branch)
        except PatrolError as exc:
            raise PatrolError(f"{exc}; the run is committed locally ({sha[:12]} on {branch})",
                              exit_code=Exit.FAILED) from None
        parents = repo.commit(sha).parents
        if base is None or (parents and not is_ancestor(root, parents[0].hexsha, base)):
            raise PatrolError(
                f"cannot push: {branch} holds commits under the run's that are not on "
                f"{remote}/{branch}, which has moved; Patrol never rebases a record. The run "
                f"is committed locally ({sha[:12]} on {branch}); reconcile by hand, check with "
                "`patrol audit verify`, then `git push`", exit_code=Exit.FAILED)
        run_id = repo.git.log("-1", "--format=%(trailers:key=Patrol-Run,valueonly)",
                              sha).strip() or "unnamed"
        carried = _carried_files(repo, root, sha, run_id)
        others = sorted(r for r in carried if r.startswith(RUNS + "/"))
        if others:  # an earlier run's sealed record chains onto the old tip: never re-made
            raise PatrolError(
                f"cannot push: the run's commit also carries the record of an earlier run "
                f"({others[0]}) sealed onto a tip {remote}/{branch} no longer ends with, and "
                f"Patrol never re-seals a record. The run is committed locally ({sha[:12]} on "
                f"{branch}); reconcile by hand and check with `patrol audit verify`",
                exit_code=Exit.FAILED)
        # the run's own files under reports/ are judged again on the new tip by ``reapply``;
        # an estate edit it carried (an upgrade's inventory) goes back through the spool
        spool.journal(root, {r: d for r, d in carried.items()
                             if not r.startswith(REPORTS + "/")}, run_id)
        repo.git.reset("--keep", base)  # onto the remote's tip, the run's files from the spool
        spool.restore(root)
        sha = reapply()
        if not sha:  # nothing left to commit on the new tip (a claim another clone holds)
            repo.git.update_ref("-d", keep)
            return ""
    raise PatrolError(f"git push still rejected after {attempts} attempts; the run is "
                      f"committed locally ({sha[:12]} on {branch})", exit_code=Exit.FAILED)


def _verified(root: Path, sha: str, branch: str) -> None:
    """What a push would land must pass ``patrol audit verify``'s tip check."""
    from .tip import check

    breaks = check(root, _estate_ref(root)).breaks
    if breaks:
        lines = "\n".join(f"  {b.text()}" for b in breaks[:10])
        raise PatrolError(f"not pushed: the archive would not verify:\n{lines}\nThe run is "
                          f"committed locally ({sha[:12]} on {branch})", exit_code=Exit.FAILED)


def _estate_ref(root: Path) -> str | None:
    """In the archive branch's worktree: the estate checkout's HEAD, which every record's
    estate commit must be an ancestor of (as the run's pre-flight checked); else None."""
    from .history import git as run_git

    own = run_git(root, "rev-parse", "--path-format=absolute", "--git-dir").decode().strip()
    common = run_git(root, "rev-parse", "--path-format=absolute",
                     "--git-common-dir").decode().strip()
    if own == common:
        return None
    return run_git(Path(common).parent, f"--git-dir={common}", "rev-parse", "HEAD",
                   check=False).decode().strip() or None


def _carried_files(repo: Any, root: Path, sha: str, run_id: str) -> dict[str, bytes]:
    """Files the commit ``sha`` added or modified (root-relative) except the run's own record,
    as bytes: what the re-made commit must carry again."""
    prefix = _prefix(repo, root).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    changed = repo.git.diff_tree("--no-commit-id", "--name-only", "--diff-filter=AM", "-r",
                                 "--root", sha).splitlines()
    tree = repo.commit(sha).tree
    out: dict[str, bytes] = {}
    for path in changed:
        name = Path(path).name
        if not path.startswith(prefix) or name == f"{run_id}.yaml" or is_temp(name):
            continue
        out[path[len(prefix):]] = tree[path].data_stream.read()
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
