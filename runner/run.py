"""The run skeleton every run shares: inspections, upgrades, escalations and compliance runs.

A run is made in one order, here and nowhere else:

1. ``RunContext``: the clock, ``today`` (for validation: waivers expire), the run-id factory,
   and who triggered it (CI variables or the local user, read once at the boundary).
2. ``lock_and_load``: check the tools (``git``, ``ssh``, Ansible for a play), and for a run
   that commits, that the estate has a first commit (a record names its estate commit);
   take the checkout's run lock, read
   the clock once (the run's start; ``today`` is its UTC date), load the estate as of that
   day and refuse an invalid one, then the archive's pre-flight (``archive.preflight``: a
   spooled run put back, ``reports/`` whole and writable with room, HEAD on a branch, the
   archive's tip verified since the last verified commit — a broken tip is refused with the
   ``patrol audit verify`` message) and the signing key (refused when the service policy
   requires signatures and there is none) — all before any host is touched, so a run never
   measures what it could not keep. With an archive branch, ``reports/`` is that branch's
   worktree (``Opened.records``), not the estate checkout's.
3. ``begin``: the start time, the run id and the estate commit, captured *before* the run
   changes anything (an upgrade rewrites the inventory; the record must name the estate it
   was made from, not the one it left behind).
4. ``header`` / ``write_record`` / ``commit``: the record header every kind shares, the seal
   over the record, the write (spooled in ``.git/`` when it fails), and the signed commit
   with its ``Patrol-*`` trailers. Every kind of run goes through these (``record_findings``
   for runs that only move findings): every Patrol commit adds a record.
5. With an archive branch, a run that edits the estate (an upgrade, a stock movement) commits
   the edit on its own branch for a PR (``edit_on_branch``), never on the estate's branch,
   and its record names that branch (``with_estate_edit``); ``estate_edit_refusal`` checks
   before anything changes that the edit can be made that way.

Time you can trust: a record's times are the machine's clock. ``--now`` moves the clock for
previews and tests, so ``trusted_moment`` refuses a ``--now`` more than ``DRIFT`` from the
real clock for any run that would write (the user adds ``--no-commit``, or ``--check``).

Secrets: a run declares the secret fields its plays use (``needs_secrets``); only those must
resolve before measuring (``require_secrets``). No Patrol play uses become, so today none is
needed and an undecryptable ``!vault`` value costs an inspection nothing.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from . import archive
from .clock import Clock, iso, stamp, utc_now
from .errors import Exit, PatrolError
from .findings import store as findings_store
from .trigger import local_identity, trigger_from


def random_suffix() -> str:
    """Six hex digits that keep two runs started in the same second apart."""
    return uuid.uuid4().hex[:6]


@dataclass(frozen=True)
class RunContext:
    """What a run takes from the world, passed in so tests can fix every part of it."""

    root: Path
    clock: Clock = utc_now
    env: Mapping[str, str] = field(default_factory=dict)
    local: str = "unknown@localhost"  # user@host when no CI variables say who
    suffix: Callable[[], str] = random_suffix

    @classmethod
    def here(cls, root: Path, *, clock: Clock = utc_now, env: Mapping[str, str] | None = None,
             suffix: Callable[[], str] = random_suffix) -> RunContext:
        """The context of a run started on this machine: its environment and user."""
        return cls(Path(root), clock, dict(os.environ if env is None else env), local_identity(),
                   suffix)

    def now(self) -> datetime:
        return self.clock()

    def run_id(self, started: datetime, label: str) -> str:
        return f"{stamp(started)}-{label}-{self.suffix()}"

    def trigger(self) -> dict[str, str]:
        return trigger_from(self.env, self.local)


def load_valid_estate(root: Path, today: date) -> Any:
    """The estate, or a clear refusal: nothing runs against an invalid estate."""
    from .estate.loader import load_valid

    return load_valid(root, today)


def today(at: datetime) -> date:
    """A run's date (UTC), for validation: a waiver dated before it has expired."""
    return at.astimezone(UTC).date()


# tool -> the Debian package that provides it, so the error says what to install
TOOLS = {"git": "git", "ssh": "openssh-client"}


def require_tools(names: Iterable[str], which: Callable[[str], str | None] = shutil.which
                  ) -> None:
    """Refuse (exit 3) before anything runs when a tool the run needs is missing."""
    missing = sorted({TOOLS[n] for n in names if which(n) is None})
    if missing:
        raise PatrolError(f"missing tools: apt-get install {' '.join(missing)}",
                          exit_code=Exit.ENVIRONMENT)


DRIFT = timedelta(minutes=5)


def trusted_moment(at: datetime | None, writes: bool, real: datetime, preview: str) -> None:
    """A run that writes keeps the machine's time: refuse a ``--now`` more than ``DRIFT``
    from the real clock unless the run writes nothing (``preview`` names the flag for that)."""
    if at is None or not writes or abs(at - real) <= DRIFT:
        return
    raise PatrolError(
        f"--now {iso(at)} is {abs(at - real).total_seconds() / 3600:.1f} h from this "
        f"machine's clock ({iso(real)}): a "
        f"record keeps the real time, so --now is for previews; add {preview} (nothing is "
        "written) or leave --now out", exit_code=Exit.USAGE)


@dataclass(frozen=True)
class Opened:
    """A run holding the lock: the valid estate, the instant the run started, and the files
    of a spooled earlier run that pre-flight put back (this run's commit carries them)."""

    estate: Any
    started: datetime
    restored: list[str] = field(default_factory=list)
    preflight_seconds: float = 0.0  # what the archive's pre-flight cost (benchmarks report it)
    signing_key: str | None = None  # None: this run's commits are unsigned
    records: Path | None = None  # whose reports/ the run reads and writes (the archive branch's)
    findings: dict[str, Any] = field(default_factory=dict)  # as pre-flight loaded them, whole

    def reports_root(self, ctx: RunContext) -> Path:
        return self.records or ctx.root


SIGNING_ENV = "PATROL_SIGNING_KEY"


def signing_key(ctx: RunContext) -> str | None:
    """The SSH key Patrol signs with: ``PATROL_SIGNING_KEY`` (CI, from a secret), else the
    repository's own ``user.signingkey``."""
    return ctx.env.get(SIGNING_ENV) or archive.config_value(ctx.root, "user.signingkey")


def archive_policy(estate: Any) -> Any:
    """``archive:`` of the service policy (require_signatures, branch)."""
    return getattr(getattr(estate, "service", None), "archive", None)


def records_root(ctx: RunContext, estate: Any) -> tuple[Path, str | None]:
    """Where the run's records go: the estate's own reports/, or the archive branch's
    worktree; and the estate revision a record's estate commit must be an ancestor of."""
    from .archive import branch

    policy = archive_policy(estate)
    if policy is None or not policy.branch:
        return ctx.root, None
    return branch.records_root(ctx.root, policy.branch), archive.resolve_head(ctx.root)


def signing(ctx: RunContext, estate: Any) -> str | None:
    """The key this run signs with; refused when the policy requires one and none is set."""
    key = signing_key(ctx)
    policy = archive_policy(estate)
    if key is None:
        if policy is not None and policy.require_signatures:
            raise PatrolError(
                f"policies/service.yaml requires signed records, and no signing key is set "
                f"({SIGNING_ENV} or git config user.signingkey); nothing was measured",
                exit_code=Exit.FAILED)
    elif not Path(key).expanduser().exists() and not key.startswith(("ssh-", "key::")):
        raise PatrolError(f"signing key {key} does not exist", exit_code=Exit.ENVIRONMENT)
    from .archive.preflight import require_signing_key

    require_signing_key(ctx.root, key)  # a key the policy in force does not allow: refused
    return key


@contextmanager
def lock_and_load(ctx: RunContext, intent: archive.Intent | None = None, *,
                  reaches_hosts: bool = True) -> Iterator[Opened]:
    """Check tools, hold the run lock for the whole run, read the clock once, load the
    estate and run the archive's pre-flight for ``intent`` (see the module docstring)."""
    from .archive.preflight import preflight

    intent = intent or archive.Intent()
    require_tools(("git", "ssh") if reaches_hosts else ("git",))
    if reaches_hosts:
        from .execute import require_ansible

        require_ansible()
    if intent.commits:  # a record must name the estate commit it ran on
        archive.require_history(ctx.root)
    from .archive.history import remembering

    # under the lock the checkout's layout and committer stay as they are: git is asked once
    # per run, not by each step that needs the Git directory (spool, tip cache, commit)
    with remembering({}), archive.run_lock(ctx.root):
        started = ctx.now()
        estate = load_valid_estate(ctx.root, today(started))
        t0 = time.perf_counter()
        records, estate_ref = records_root(ctx, estate)
        try:
            restored = preflight(records, intent, len(estate.hosts))
            findings = findings_store.load(records)  # every finding whole, or one error
            if intent.writes:
                archive.verify_tip(records, estate_ref)  # from the last verified commit on
        except PatrolError:
            if intent.writes:  # a broken archive refuses the run: say so to people first
                tell_broken(ctx, records, estate, estate_ref)
            raise
        key = signing(ctx, estate) if intent.commits else None
        yield Opened(estate, started, restored, time.perf_counter() - t0, key,
                     None if records == ctx.root else records, findings)


def tell_broken(ctx: RunContext, records: Path, estate: Any, estate_ref: str | None) -> None:
    """A broken tip refuses the run; first the people the routes name are told, once per set
    of breaks (``notify.broken``). A failure to tell is said and never hides the refusal."""
    from .archive.tip import check
    from .notify import broken

    if not broken.wanted(estate):
        return
    try:
        told = broken.tell(records, estate, check(records, estate_ref).breaks, ctx.now,
                           dict(os.environ))
    except PatrolError as exc:
        print(f"patrol: the break could not be told: {exc}", file=sys.stderr)
        return
    if told is not None and (told.delivered or told.failed):
        print(f"patrol: archive.broken: {len(told.delivered)} delivered, {len(told.failed)} "
              "failed", file=sys.stderr)


def require_secrets(hosts: Iterable[Any], needed: Iterable[str],
                    usable: Callable[[Any], bool] | None = None) -> None:
    """Each secret field the run's plays use (``needed``) resolves on every host it will
    reach; otherwise one error naming the hosts and fields, before measuring. Fields the run
    does not use are never read, so an undecryptable ``!vault`` there costs nothing."""
    from .estate.secrets import secret_fields

    if usable is None:
        from .execute import secret_usable as usable
    wanted = set(needed)
    bad = [f"{host.name}: connection.{name}" for host in hosts
           for name, value in secret_fields(host).items()
           if name in wanted and not usable(value)]
    if bad:
        raise PatrolError("secrets this run needs cannot be read (an unset {env: VAR}, or a "
                          "!vault value without its vault password): " + "; ".join(bad),
                          exit_code=Exit.FAILED)


@dataclass(frozen=True)
class Begun:
    """A run's identity, fixed before it changes anything."""

    run_id: str
    started: datetime
    estate_commit: str | None
    estate_dirty: bool


def begin(ctx: RunContext, label: str, started: datetime) -> Begun:
    """Name the run and capture the estate commit; call it before changing anything."""
    run_id = ctx.run_id(started, label)
    sha, dirty = archive.estate_commit(ctx.root)
    return Begun(run_id, started, sha, dirty)


def tools() -> dict[str, str]:
    from . import __version__, execute

    return {"patrol": __version__, "ansible_core": execute.ansible_version()}


def header(ctx: RunContext, begun: Begun, finished: datetime,
           own: Mapping[str, Any]) -> dict[str, Any]:
    """The record header: the run kind's own keys first, then what every run records."""
    return {
        **own,
        "started": iso(begun.started),
        "finished": iso(finished),
        "estate": {"commit": begun.estate_commit, "dirty": begun.estate_dirty},
        "trigger": ctx.trigger(),
        "tools": tools(),
    }


def sealed_record(run_id: str, started: datetime, body: dict[str, Any]
                  ) -> tuple[str, bytes, str]:
    """The record body sealed: (root-relative path, bytes, hash)."""
    data, digest = archive.seal(archive.dump_yaml(body))
    return archive.record_path(run_id, started.year, started.month), data, digest


def write_record(root: Path, run_id: str, started: datetime, body: dict[str, Any],
                 more: Mapping[str, bytes] | None = None) -> tuple[str, str]:
    """Seal the record body and write it first, then ``more`` files (path -> bytes); all go
    to the spool when a write fails. Returns (root-relative path, hash)."""
    rel, data, digest = sealed_record(run_id, started, body)
    archive.write_or_spool(root, {rel: data, **(more or {})}, run_id)
    return rel, digest


_UNSIGNED_SAID: set[str] = set()


def commit(root: Path, paths: Iterable[str], summary: str, run_id: str, *,
           estate: str | None, record: tuple[str, str], sign: str | None = None,
           maintain: bool = True) -> str:
    """Commit the run's files with its trailers (``Patrol-Run``, ``Patrol-Estate``,
    ``Patrol-Record`` with the hash of ``record`` = (path, sha256)), signed with ``sign``.
    Every Patrol commit adds a record: that is what ``patrol audit verify`` demands.
    ``maintain``: whether Git may run its automatic maintenance after this commit."""
    from .archive import tip

    if sign is None and run_id not in _UNSIGNED_SAID:  # once per run, even over push retries
        _UNSIGNED_SAID.add(run_id)
        print(f"patrol: no signing key ({SIGNING_ENV} or git config user.signingkey): "
              f"{run_id} is committed unsigned", file=sys.stderr)
    trailers = {"Patrol-Run": run_id, "Patrol-Estate": estate or "none",
                "Patrol-Record": f"sha256:{record[1]}"}
    parent = archive.resolve_head(root)
    sha = archive.commit(root, paths, summary, trailers, sign_key=sign, maintain=maintain)
    tip.advance(root, parent, sha, tip.Tip(record[0], record[1]))
    return sha


@dataclass(frozen=True)
class Change:
    """A change recorded outside an inspection (an incident step, an assignment, an
    escalation): its run id, record and commit."""

    run_id: str
    record_path: str
    record_sha256: str
    commit: str | None


def record_change(ctx: RunContext, opened: Opened, label: str, kind: str,
                  own: Mapping[str, Any], paths: Iterable[str], summary: str, *,
                  commit_it: bool = True, begun: Begun | None = None,
                  follows: bool = False) -> Change:
    """Seal a record of one change onto the chain (after the documents in ``paths`` were
    written) and commit record and documents together, signed: one change, one record, one
    commit. Every run that is not an inspection, an upgrade or a spares run (an incident
    step, an assignment, an escalation, a cadence breach) records through here.

    The documents go into the run's spool entry with the record (``write_record``'s
    ``more``): a record that cannot be written, or a commit that fails, leaves record and
    documents together in the spool, and the next run commits them together — an incident
    file never reaches a commit without the record that names its step. ``begun``: the
    run's ``begin``, when the caller took it earlier (while waiting on something else).
    ``follows``: this change follows another commit of the same run a moment ago, so Git's
    automatic maintenance, which that commit ran, is not run again."""
    from .archive.records import preamble

    root = opened.reports_root(ctx)
    begun = begun or begin(ctx, label, opened.started)
    previous = archive.latest_record(root)
    body = preamble(kind, begun.run_id, header(ctx, begun, ctx.now(), {}), previous)
    clash = sorted(set(own) & set(body))
    assert not clash, f"a change's own keys may not replace the record header's: {clash}"
    body.update(own)
    paths = list(paths)
    documents = {p: (root / p).read_bytes() for p in paths if (root / p).is_file()}
    rel, digest = write_record(root, begun.run_id, opened.started, body, documents)
    sha = None
    if commit_it:
        sha = commit(root, [rel, *paths], summary, begun.run_id, estate=begun.estate_commit,
                     record=(rel, digest), sign=opened.signing_key, maintain=not follows)
    return Change(begun.run_id, rel, digest, sha)


def record_findings(ctx: RunContext, opened: Opened, kind: str, store: dict[str, Any],
                    moves: list[Any], summary: str, *,
                    extra: dict[str, Any] | None = None) -> str | None:
    """A run that only moves findings (a cadence breach): when a finding file changes, a
    sealed record naming each one (``record_change``), committed with them; a spooled run
    that pre-flight put back is committed the same way. Returns the commit (or None)."""
    root = opened.reports_root(ctx)
    changed = findings_store.save(root, store, {m.finding for m in moves})
    changed += owe(ctx, opened, root, store, moves)
    changed += [r for r in opened.restored if r not in changed]
    if not changed:
        return None
    own = {**(extra or {}), "findings": findings_store.entries(moves, store, set())}
    return record_change(ctx, opened, kind, kind, own, changed, summary).commit


def owe(ctx: RunContext, opened: Opened, root: Path, store: dict[str, Any],
        moves: list[Any]) -> list[str]:
    """The notifications a findings-only run's moves owe (cadence breached, spares short,
    end of life), written beside the findings it commits."""
    from .notify import dispatch, events

    found = events.from_transitions(moves, store, opened.estate)
    return dispatch.write_owed(root, opened.estate, ctx.run_id(opened.started, "owed"),
                               opened.started, found)


@dataclass(frozen=True)
class EstateEdit:
    """An estate edit committed on its own branch for a PR (with an archive branch): the
    record names the branch, the estate commit it edits (``base``) and its commit."""

    branch: str
    base: str
    commit: str
    files: list[str]

    def entry(self) -> dict[str, Any]:
        return {"branch": self.branch, "base": self.base, "commit": self.commit,
                "files": sorted(self.files)}

    def describe(self, pushed: bool) -> str:
        """The line a command prints: where the edit is, and that it needs a pull request."""
        where = "pushed" if pushed else "committed locally (push it, or run with --push)"
        return (f"estate edit {self.commit[:12]} on branch {self.branch} (from "
                f"{self.base[:12]}), {where}: open a pull request from {self.branch} to "
                f"merge {', '.join(sorted(self.files))}")


def with_estate_edit(body: dict[str, Any], edit: EstateEdit | None) -> dict[str, Any]:
    """The record body with ``estate_edit`` right after ``estate`` (in the header, which
    ``patrol audit log`` reads without the per-host part); unchanged without an edit."""
    if edit is None:
        return body
    out: dict[str, Any] = {}
    for key, value in body.items():
        out[key] = value
        if key == "estate":
            out["estate_edit"] = edit.entry()
    return out


def estate_edit_refusal(opened: Opened, begun: Begun, push: bool) -> None:
    """Before anything changes: an estate edit on its own branch starts from the estate
    commit ``begin`` captured and must carry Patrol's edit and no more; ``--push`` without an
    archive branch would push the protected-or-not estate branch, which is the user's to push."""
    if opened.records is None:
        if push:
            raise PatrolError("--push needs archive.branch in policies/service.yaml (the "
                              "estate edit then goes on its own branch for a PR); without it "
                              "push the commit yourself", exit_code=Exit.USAGE)
        return
    if begun.estate_commit is None or begun.estate_dirty:
        raise PatrolError("the estate has uncommitted changes (or no commit): the estate edit "
                          "goes on its own branch from the estate commit; commit or discard "
                          "them first (or use --no-commit)", exit_code=Exit.USAGE)


def edit_on_branch(ctx: RunContext, opened: Opened, begun: Begun, files: Mapping[str, bytes],
                   summary: str) -> EstateEdit:
    """Commit the run's estate edit (``files``: estate-root-relative path -> bytes, made from
    ``begun.estate_commit``) on ``patrol/estate/<run-id>``: main is protected, so the edit
    reaches it by a PR, while the record goes on the archive branch."""
    from .archive import estate_branch

    assert begun.estate_commit is not None  # estate_edit_refusal saw to it
    branch = estate_branch.branch_name(begun.run_id)
    message = (f"{summary}\n\nThe estate edit of Patrol run {begun.run_id}; its record is on "
               "the archive branch. Merge it by pull request.\n\n"
               + archive.trailers({"Patrol-Run": begun.run_id,
                                   "Patrol-Estate": begun.estate_commit}) + "\n")
    sha = estate_branch.commit_edit(ctx.root, begun.estate_commit, files, branch, message,
                                    opened.signing_key)
    return EstateEdit(branch, begun.estate_commit, sha, list(files))


def push_edit(ctx: RunContext, edit: EstateEdit) -> None:
    from .archive import estate_branch

    estate_branch.push(ctx.root, edit.branch)
