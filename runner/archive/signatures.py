"""Signatures as a policy on the whole mainline.

The archive policy is two things in the estate: ``archive.require_signatures`` in
``policies/service.yaml`` and the keys in ``policies/allowed_signers``. Read naively (as of
each parent commit), anyone who can commit could weaken it, forge, and restore it; so the
policy in force is followed along the first-parent line from the root:

- while signatures are not required, any change to the policy counts (the requirement has
  not begun; turning it on, with the keys that may sign, needs no key);
- while they are required, every first-parent commit must carry an SSH signature
  (``gpg.format=ssh``; an OpenPGP or X.509 signature is a break, whatever the verifying
  machine trusts) by a key in the allowed signers in force before it; and a change to the
  policy — a key added or removed, the requirement turned off — counts only when its commit
  is signed by a key that was allowed before it. An unsigned or wrongly signed change is a
  break and does not count: the commits after it are judged by the policy before it;
- turning the requirement off is a signed, *recorded* event: the signed commit that turns it
  off only makes it pending. It counts from where a sealed, chained ``kind: policy`` record
  naming that commit (``turned_off_by``) lands in the archive, in a commit signed by a key
  allowed before it (``patrol audit signatures-off`` writes both). Until then signatures are
  still required. Where records live beside the estate the record's commit is the point;
  on an archive branch it is the estate commit the record names. Verify reports it
  (``Event``) with the record's reason.

Git checks SSH signatures itself (``ssh-keygen -Y verify``), pinned: ``gpg.ssh.program`` is
``ssh-keygen`` and the allowed signers are the file in force, never the user's own config.
"""

from __future__ import annotations

import base64
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Exit, PatrolError
from . import history, reader

SERVICE = "policies/service.yaml"
SIGNERS = "policies/allowed_signers"
_KINDS = {b"-----BEGIN SSH SIGNATURE-----": "ssh", b"-----BEGIN PGP SIGNATURE-----": "openpgp",
          b"-----BEGIN SIGNED MESSAGE-----": "x509"}


@dataclass(frozen=True)
class Policy:
    """Whether signatures are required, and who may sign (the allowed_signers bytes)."""

    required: bool = False
    signers: bytes | None = None


@dataclass(frozen=True)
class Event:
    commit: str
    text: str


POLICY = "policy"  # the record kind that records a turn-off
POLICY_MARK = "-policy-"  # in its run id, so the records' line is searched by name only


@dataclass(frozen=True)
class TurnOff:
    """A policy record: the commit that adds it, the estate commit it names, the commit
    whose turn-off it records, and why."""

    commit: str
    estate: str
    turned_off_by: str
    reason: str


@dataclass
class Mainline:
    """The policy in force before and after each first-parent commit, and what went wrong."""

    order: list[str] = field(default_factory=list)  # oldest first
    before: dict[str, Policy] = field(default_factory=dict)
    after: dict[str, Policy] = field(default_factory=dict)
    breaks: list[tuple[str, str, str]] = field(default_factory=list)  # (commit, path, message)
    events: list[Event] = field(default_factory=list)
    pending: str | None = None  # a signed turn-off not recorded yet, at the end of the line

    def at(self, root: Path, sha: str, ref: str) -> Policy:
        """The policy in force as of ``sha`` (an estate commit): after it when it is on the
        mainline, else after the mainline commit that brought it in."""
        if sha in self.after:
            return self.after[sha]
        brought = history.git(root, "rev-list", "--first-parent", "--ancestry-path",
                              f"{sha}..{ref}", check=False).decode().split()
        if brought and brought[-1] in self.after:
            return self.after[brought[-1]]
        return self.after[self.order[-1]] if self.order else Policy()


def parse_policy(service: bytes | None, signers: bytes | None, was: Policy) -> Policy:
    """The policy two files give; a service file that does not read keeps the requirement
    as it was (an unreadable file never turns signatures off)."""
    required = False
    if service is not None:
        from .files import load_yaml

        try:
            doc = load_yaml(service)
            archive = doc.get("archive") if isinstance(doc, dict) else None
            required = bool(archive.get("require_signatures")) if isinstance(archive, dict) \
                else False
        except Exception:
            required = was.required
    return Policy(required, signers)


def kinds(root: Path, shas: list[str]) -> dict[str, str | None]:
    """Per commit, the kind of signature it carries (ssh, openpgp, x509, unknown), or None."""
    got = history.Blobs(root).read(shas)
    out: dict[str, str | None] = {}
    for sha in shas:
        raw = got.get(sha, b"")
        header = raw.split(b"\n\n", 1)[0]
        m = re.search(rb"^gpgsig(?:-sha256)? (.*)$", header, re.M)
        if not m:
            out[sha] = None
            continue
        first = m.group(1).strip()
        out[sha] = next((k for armor, k in _KINDS.items() if first.startswith(armor)),
                        "unknown")
    return out


class Checker:
    """Checks commits' signatures against allowed-signers files (written once per content)."""

    def __init__(self, root: Path, tmp: Path) -> None:
        self.root, self.tmp = root, tmp
        self._files: dict[bytes, Path] = {}

    def _file(self, signers: bytes) -> Path:
        path = self._files.get(signers)
        if path is None:
            path = self.tmp / f"allowed_signers.{len(self._files)}"
            path.write_bytes(signers)
            self._files[signers] = path
        return path

    def check(self, shas: list[str], signers: bytes | None) -> dict[str, str | None]:
        """Per commit: None when signed by an allowed key, else why not."""
        out: dict[str, str | None] = {}
        kind = kinds(self.root, shas)
        ssh = [s for s in shas if kind[s] == "ssh"]
        for s in shas:
            if kind[s] is None:
                out[s] = "not signed, and a signature by an allowed key is required here"
            elif kind[s] != "ssh":
                out[s] = (f"signed with an {kind[s]} signature: the archive accepts SSH "
                          "signatures only (gpg.format=ssh)")
        if not ssh:
            return out
        if signers is None:
            for s in ssh:
                out[s] = f"no {SIGNERS} in force says who may sign"
            return out
        status = {sha: (g, key) for sha, g, _who, key in
                  history.signatures(self.root, ssh, self._file(signers))}
        for s in ssh:
            g, key = status.get(s, ("N", ""))
            out[s] = None if g == "G" else (
                f"signed by {key or 'an unknown key'}, which is not in {SIGNERS} as in force "
                f"before it (git says {g})")
        return out


def mainline(root: Path, rev: str, checker: Checker, records: str | None = None) -> Mainline:
    """Follow the policy along the first-parent line to ``rev`` (module docstring).
    ``records``: the revision whose first-parent line holds the archive's records when it is
    not ``rev`` (an archive branch); a turn-off then counts at the estate commit its record
    names."""
    out = Mainline()
    out.order = history.git(root, "rev-list", "--first-parent", "--reverse", rev,
                            check=False).decode().split()
    if not out.order:
        return out
    prefix = history.prefix_of(root)
    blobs = history.Blobs(root)
    ids = _blob_ids(root, [f"{c}:{prefix}{f}" for c in out.order for f in (SERVICE, SIGNERS)])
    content = blobs.read({i for i in ids.values() if i})
    eff = Policy()
    latest = Policy()  # what the files say, as far as it counts
    prev: tuple[str | None, str | None] = (None, None)
    recorded: dict[str, TurnOff] | None = None  # read only once a turn-off is pending
    for sha in out.order:
        out.before[sha] = eff
        now = (ids.get(f"{sha}:{prefix}{SERVICE}"), ids.get(f"{sha}:{prefix}{SIGNERS}"))
        if now != prev:
            raw_before = parse_policy(content.get(prev[0]) if prev[0] else None,
                                      content.get(prev[1]) if prev[1] else None, eff)
            raw = parse_policy(content.get(now[0]) if now[0] else None,
                               content.get(now[1]) if now[1] else None, raw_before)
            if raw != raw_before:
                eff, latest = _change(checker, out, sha, eff, latest, raw, raw_before)
        prev = now
        if out.pending is not None:
            if recorded is None:
                recorded = {(t.estate if records else t.commit): t
                            for t in policy_records(root, records or rev)}
            eff = _recorded(checker, out, recorded.get(sha), eff, latest)
        out.after[sha] = eff
    return out


def _change(checker: Checker, out: Mainline, sha: str, eff: Policy, latest: Policy,
            raw: Policy, raw_before: Policy) -> tuple[Policy, Policy]:
    """The policy in force after a commit that changes the files, and what they now say."""
    what = ", ".join(p for p, changed in ((SIGNERS, raw.signers != raw_before.signers),
                                          (SERVICE, raw.required != raw_before.required))
                     if changed)
    if not eff.required:
        if raw.required:
            out.events.append(Event(sha, "signatures required from here on"))
        return raw, raw
    why = checker.check([sha], eff.signers)[sha]
    if why is not None:
        why = "not signed" if why.startswith("not signed") else why
        out.breaks.append((sha, what, f"changes the archive's signature policy but is {why}: "
                                      "the change does not count"))
        return eff, latest
    if raw.required:
        out.pending = None  # turned on again before the turn-off was recorded
        return raw, raw
    if out.pending is None:
        out.pending = sha
        out.events.append(Event(sha, "signatures turned off by a signed commit: still "
                                     "required until a policy record (`patrol audit "
                                     "signatures-off`) records it"))
    return Policy(True, raw.signers), raw


def _recorded(checker: Checker, out: Mainline, turn_off: TurnOff | None, eff: Policy,
              latest: Policy) -> Policy:
    """The policy after a commit where a policy record may record the pending turn-off: it
    counts when it names that turn-off and its commit is signed by a key allowed now."""
    if turn_off is None or turn_off.turned_off_by != out.pending:
        return eff
    if checker.check([turn_off.commit], eff.signers)[turn_off.commit] is not None:
        return eff  # the unsigned record commit is itself a break where it lands
    reason = f": {turn_off.reason}" if turn_off.reason else ""
    out.events.append(Event(turn_off.commit, f"signatures no longer required: the turn-off "
                                             f"in {out.pending[:12]} is recorded{reason}"))
    out.pending = None
    return Policy(False, latest.signers)


def policy_records(root: Path, rev: str) -> list[TurnOff]:
    """The sealed policy records added along ``rev``'s first-parent line, oldest first."""
    from .chain import record_is_intact
    from .files import REPORTS

    prefix = history.prefix_of(root)
    log = history.git(root, "log", "--first-parent", "--reverse", "--diff-filter=A",
                      "--name-only", "--format=%x01%H", rev, "--",
                      f"{prefix}{REPORTS}/runs/", check=False).decode()
    specs: list[tuple[str, str]] = []
    for chunk in log.split("\x01")[1:]:
        sha, *paths = chunk.strip().split("\n")
        specs += [(sha, f"{sha}:{p}") for p in paths if POLICY_MARK in p.rsplit("/", 1)[-1]]
    got = history.Blobs(root).at([spec for _, spec in specs])
    found: list[TurnOff] = []
    for sha, spec in specs:
        blob = got.get(spec) or b""
        if not record_is_intact(blob):
            continue
        try:
            doc = reader.parse(blob)
        except reader.Refused:
            continue
        sig = doc.get("signatures") if isinstance(doc, dict) else None
        if not (isinstance(doc, dict) and doc.get("kind") == POLICY and isinstance(sig, dict)
                and sig.get("required") is False and isinstance(sig.get("turned_off_by"), str)):
            continue
        estate = (doc.get("estate") or {}).get("commit") if isinstance(doc.get("estate"),
                                                                       dict) else None
        found.append(TurnOff(sha, str(estate or ""), sig["turned_off_by"],
                             str(sig.get("reason") or "")))
    return found


def _blob_ids(root: Path, specs: list[str]) -> dict[str, str | None]:
    """``<rev>:<path>`` -> blob id (None when absent), through one ``cat-file --batch-check``."""
    if not specs:
        return {}
    out = history.git(root, "cat-file", "--batch-check=%(objectname) %(objecttype)",
                      input="".join(f"{s}\n" for s in specs).encode()).decode().splitlines()
    found: dict[str, str | None] = {}
    for spec, line in zip(specs, out, strict=False):
        parts = line.split()
        found[spec] = parts[0] if len(parts) == 2 and parts[1] == "blob" else None
    return found


# -- the run's own key -----------------------------------------------------------------------


def public_key(key: str) -> tuple[str, str] | None:
    """(type, base64) of a signing key given as git's ``user.signingkey`` is: a private key's
    path (its public half read with ``ssh-keygen -y``, else ``<path>.pub``), or the public
    key itself (``ssh-ed25519 AAAA...``, ``key::ssh-ed25519 AAAA...``)."""
    text = key.removeprefix("key::").strip()
    if not text.startswith(("ssh-", "ecdsa-", "sk-")):
        path = Path(text).expanduser()
        proc = subprocess.run(["ssh-keygen", "-y", "-P", "", "-f", str(path)],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if proc.returncode == 0:
            text = proc.stdout.strip()
        else:
            pub = Path(f"{path}.pub")
            text = pub.read_text().strip() if pub.is_file() else ""
    parts = text.split()
    return (parts[0], parts[1]) if len(parts) >= 2 else None


def allowed_keys(signers: bytes) -> set[tuple[str, str]]:
    """(type, base64) of every key an allowed-signers file lists."""
    out = set()
    for line in signers.decode(errors="replace").splitlines():
        tokens = line.split()
        if not tokens or tokens[0].startswith("#"):
            continue
        for i, tok in enumerate(tokens[:-1]):
            if re.fullmatch(r"(ssh|ecdsa|sk)-[A-Za-z0-9@.-]+", tok):
                try:
                    base64.b64decode(tokens[i + 1], validate=True)
                except ValueError:
                    continue
                out.add((tok, tokens[i + 1]))
    return out


def require_allowed(root: Path, key: str, policy: Policy, listed: bool = False) -> None:
    """Refuse a signing key the policy in force does not allow (before anything is measured):
    its commits would verify as breaks. ``listed``: the key must be in allowed_signers even
    where signatures are not required (a repair)."""
    pub = public_key(key)
    if pub is None:
        raise PatrolError(f"signing key {key}: cannot read its public key (ssh-keygen -y, or "
                          f"{key}.pub); nothing was measured", exit_code=Exit.ENVIRONMENT)
    if policy.signers is None:
        if policy.required or listed:
            raise PatrolError(f"{SIGNERS} does not exist, so no key may sign; nothing was "
                              "measured or changed", exit_code=Exit.FAILED)
        return
    if pub not in allowed_keys(policy.signers):
        raise PatrolError(
            f"the signing key {key} ({pub[0]} {pub[1][:16]}...) is not in {SIGNERS} as in "
            "force at HEAD: its commits would not verify. Add its public key by a pull "
            "request signed by an allowed key, or use an allowed key; nothing was measured",
            exit_code=Exit.FAILED)
