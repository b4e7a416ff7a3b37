"""The signature policy where records live on an archive branch: the estate's own branch
carries the policy, and a pull request that enrols its own key there does not count."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import git
from tests.unit.archive.conftest import clone, make_remote
from tests.unit.archive.test_audit_verify import keypair, patrol


def test_a_key_enrolled_unsigned_on_the_estate_branch_signs_nothing(tmp_path: Path):
    key, pub = keypair(tmp_path, "patrol")
    stranger, stranger_pub = keypair(tmp_path, "stranger")
    remote = make_remote(tmp_path, {"policies/allowed_signers": f"patrol@example.com {pub}\n"},
                         require_signatures=True)
    a = clone(remote, tmp_path / "a")
    with (a / "policies/allowed_signers").open("a") as fh:
        fh.write(f"me@example.com {stranger_pub}\n")
    git(a, "commit", "-qam", "enrol me")  # unsigned, as a pull request's merge would be
    enrol = git(a, "rev-parse", "HEAD")
    refused = patrol(a, "lifecycle", "check", "--push",
                     env={"PATROL_SIGNING_KEY": str(stranger)})
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "not in policies/allowed_signers" in refused.stderr
    assert git(remote, "for-each-ref", "refs/heads/patrol-archive") == ""  # nothing recorded
    v = patrol(a, "audit", "verify", "--format", "json")
    assert v.returncode == 1, v.stdout + v.stderr
    breaks = json.loads(v.stdout)["breaks"]
    assert any(b["commit"] == enrol and "does not count" in b["message"] for b in breaks), \
        v.stdout + v.stderr
    ok = patrol(a, "lifecycle", "check", "--push", env={"PATROL_SIGNING_KEY": str(key)})
    assert ok.returncode in (0, 1) and "allowed_signers" not in ok.stderr, ok.stderr
