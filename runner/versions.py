"""Debian package versions compared as dpkg compares them, in one place.

Why not ``==`` on strings: ``0:1.0.0-1`` and ``1.0.0-1`` are one version to dpkg (epoch 0 is
the default), ``1.0~rc1`` sorts before ``1.0``, and a revision is compared piece by piece.
Every comparison of versions (the package_version and drift checks, upgrade plans and their
rollbacks, the estate's validation) goes through this module, which leans on python-debian's
implementation of dpkg's algorithm (``dpkg --compare-versions`` agrees with it).
"""

from __future__ import annotations

from debian.debian_support import Version, version_compare

__all__ = ["compare", "same", "valid"]


def valid(version: str) -> str:
    """Validator: the version unchanged if dpkg could parse it; ValueError saying why not."""
    if not isinstance(version, str) or not version.strip():
        raise ValueError(f"{version!r} is not a Debian version")
    try:
        Version(version)
    except ValueError:
        raise ValueError(
            f"{version!r} is not a Debian version ([epoch:]upstream[-revision])"
        ) from None
    return version


def compare(a: str, b: str) -> int:
    """<0, 0, >0 as ``dpkg --compare-versions a lt/eq/gt b``."""
    return version_compare(a, b)


def same(a: object, b: object) -> bool:
    """Whether two versions are equal to dpkg; None (not installed) equals only None, and a
    value that is not a parseable version string equals only an identical value."""
    if a is None or b is None or not isinstance(a, str) or not isinstance(b, str):
        return a == b
    try:
        return version_compare(a, b) == 0
    except ValueError:
        return a == b
