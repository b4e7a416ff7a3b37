"""The lab's offline apt repository: a few tiny real .deb packages in two versions each.

Why: upgrades and rollbacks must be real apt operations, but a lab host can never reach the
internet. So we build small packages ourselves with dpkg-deb (deterministic: fixed mtimes,
root ownership) and index them with apt-ftparchive into three suites, the way Debian does:
``bookworm`` (the release), ``bookworm-updates`` and ``bookworm-security`` (so a check can tell a
security update from an ordinary one by the candidate's archive). Hosts see it read-only at
``/srv/patrol-apt`` through ``deb [trusted=yes] file:/srv/patrol-apt <suite> main``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .config import CACHE_DIR

MOUNT_POINT = "/srv/patrol-apt"  # where every host sees the repository
EPOCH = 1700000000  # fixed mtime for every file: the same recipe gives the same bytes


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    suite: str
    description: str
    files: tuple[tuple[str, str], ...]  # (path inside the package, content)


def _agent(version: str) -> tuple[tuple[str, str], ...]:
    script = f'#!/bin/sh\necho "patrol-agent {version}"\n'
    return (("usr/bin/patrol-agent", script),
            ("usr/share/doc/patrol-agent/VERSION", version + "\n"))


def _motd(version: str) -> tuple[tuple[str, str], ...]:
    return (("usr/share/patrol-motd/motd", f"Welcome to a Patrol lab host (motd {version})\n"),)


PACKAGES: tuple[Package, ...] = (
    Package("patrol-agent", "1.0.0-1", "bookworm", "Patrol lab agent", _agent("1.0.0-1")),
    Package("patrol-agent", "1.1.0-1", "bookworm-security",
            "Patrol lab agent (security fix)", _agent("1.1.0-1")),
    Package("patrol-motd", "2.0-1", "bookworm", "Patrol lab message of the day", _motd("2.0-1")),
    Package("patrol-motd", "2.1-1", "bookworm-updates",
            "Patrol lab message of the day", _motd("2.1-1")),
    Package("patrol-tools", "0.9-1", "bookworm", "Patrol lab tools", (
        ("usr/bin/patrol-tools", '#!/bin/sh\necho "patrol-tools 0.9-1"\n'),)),
)
SUITES = ("bookworm", "bookworm-updates", "bookworm-security")
SOURCES_LIST = "".join(f"deb [trusted=yes] file:{MOUNT_POINT} {s} main\n" for s in SUITES)


def recipe_hash() -> str:
    """Changes whenever a package or the layout changes, so the cache is rebuilt then only."""
    data = json.dumps([p.__dict__ for p in PACKAGES] + [SUITES, MOUNT_POINT, 2], default=list)
    return hashlib.sha256(data.encode()).hexdigest()[:12]


def repo_dir() -> Path:
    return CACHE_DIR / f"apt-{recipe_hash()}"


def ensure_repo(rebuild: bool = False) -> Path:
    """Build the repository once into the cache (atomically: build aside, then rename)."""
    target = repo_dir()
    if target.is_dir() and not rebuild:
        return target
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".apt-", dir=CACHE_DIR))
    try:
        _build(tmp)
        tmp.chmod(0o755)
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _build(root: Path) -> None:
    for pkg in PACKAGES:
        pool = root / "pool" / pkg.suite / "main"
        pool.mkdir(parents=True, exist_ok=True)
        _build_deb(pkg, pool / f"{pkg.name}_{pkg.version}_all.deb")
    for suite in SUITES:
        binary = root / "dists" / suite / "main" / "binary-amd64"
        binary.mkdir(parents=True)
        packages = subprocess.run(
            ["apt-ftparchive", "packages", f"pool/{suite}"], cwd=root, check=True,
            capture_output=True, text=True).stdout
        (binary / "Packages").write_text(packages)
        subprocess.run(["gzip", "-9nkf", str(binary / "Packages")], check=True)
        label = "Patrol-Lab-Security" if suite.endswith("-security") else "Patrol-Lab"
        release = subprocess.run(
            ["apt-ftparchive",
             "-o", "APT::FTPArchive::Release::Origin=Patrol-Lab",
             "-o", f"APT::FTPArchive::Release::Label={label}",
             "-o", f"APT::FTPArchive::Release::Suite={suite}",
             "-o", f"APT::FTPArchive::Release::Codename={suite}",
             "-o", "APT::FTPArchive::Release::Architectures=amd64 all",
             "-o", "APT::FTPArchive::Release::Components=main",
             "release", "."], cwd=root / "dists" / suite, check=True,
            capture_output=True, text=True).stdout
        (root / "dists" / suite / "Release").write_text(release)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _build_deb(pkg: Package, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "pkg"
        (tree / "DEBIAN").mkdir(parents=True)
        (tree / "DEBIAN" / "control").write_text(
            f"Package: {pkg.name}\nVersion: {pkg.version}\nArchitecture: all\n"
            f"Maintainer: Patrol Lab <lab@patrol.invalid>\nSection: admin\nPriority: optional\n"
            f"Description: {pkg.description}\n A tiny package for Patrol's offline lab.\n")
        for rel, content in pkg.files:
            path = tree / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
            path.chmod(0o755 if rel.startswith("usr/bin/") else 0o644)
        for path in [tree, *tree.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
            os.utime(path, (EPOCH, EPOCH))
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)}
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(tree),
                        str(out)], check=True, capture_output=True, env=env)
