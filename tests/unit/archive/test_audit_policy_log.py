"""`patrol audit log` names every change to what was promised — the service policy's terms,
the spare-part commitments, the archive's signature policy and its allowed signers — with the
commit, its author and who signed it (verified against the signers in force before it), on
real Git with real SSH keys. The signature policy's own verdicts come from its mainline walk."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import commit_all
from tests.unit.archive import test_audit_verify as base
from tests.unit.archive.test_audit_verify import patrol
from tests.unit.archive.test_signature_policy import signed_commit

signed = base.signed  # signatures required, Patrol's key allowed; a stranger's key


def policy_events(root: Path) -> list[dict[str, str]]:
    r = patrol(root, "audit", "log", "--format", "json")
    assert r.returncode == 0, r.stderr
    return [e for e in json.loads(r.stdout)["events"] if e["kind"] == "policy"]


def test_terms_keys_and_the_requirement_changes_are_in_the_audit_log(signed):
    root, key, stranger = signed
    service = root / "policies/service.yaml"
    service.write_text(service.read_text().replace("  critical: 4h\n", "  critical: 3m\n", 1))
    terms = signed_commit(root, key, "shorten the critical deadline", "policies/service.yaml")
    pub = Path(f"{stranger}.pub").read_text().strip()
    with (root / "policies/allowed_signers").open("a") as fh:
        fh.write(f"ops@example.com {pub}\n")
    enrol = signed_commit(root, key, "enrol the ops key", "policies/allowed_signers")
    spares = root / "policies/spares.yaml"
    spares.write_text(spares.read_text() + "# reviewed\n")  # no value changed: no event
    commit_all(root, "note a review")
    spares.write_text(spares.read_text().replace(
        "{part: dell-psu-750w, min_stock: 1,", "{part: dell-psu-750w, min_stock: 3,"))
    stock = signed_commit(root, key, "keep more Dell PSUs", "policies/spares.yaml")
    service.write_text(service.read_text().replace("require_signatures: true",
                                                   "require_signatures: false"))
    off = commit_all(root, "turn signatures off, unsigned")

    events = policy_events(root)
    by = {(e["commit"], e["subject"]): e for e in events}
    e = by[(terms, "policies/service.yaml")]
    assert "rectification.critical: 4h -> 3m" in e["text"]
    assert (e["author"], e["signer"]) == ("Test <test@example.com>", "patrol@example.com")
    e = by[(enrol, "policies/allowed_signers")]
    kind, body = pub.split()[:2]
    assert e["text"] == (f"policies/allowed_signers: key added: ops@example.com {kind} "
                         f"{body[:16]}...")
    assert e["signer"] == "patrol@example.com"
    offs = [e for e in events if e["commit"] == off]
    assert any("archive.require_signatures: True -> False" in e["text"] for e in offs), offs
    assert any("does not count" in e["text"] for e in offs), offs  # the mainline's verdict
    assert {e["signer"] for e in offs} == {"unsigned"}
    (e,) = [e for e in events if e["subject"] == "policies/spares.yaml"]
    assert (e["commit"], e["text"]) == (
        stock, "policies/spares.yaml: commitments[dell-psu-750w].min_stock: 1 -> 3")
    # the first requirement is the mainline walk's own event, at the commit that set it
    first = [e for e in events if "signatures required from here on" in e["text"]]
    assert len(first) == 1

    text = patrol(root, "audit", "log").stdout
    line = next(x for x in text.splitlines() if x.split()[1:2] == [terms[:12]])
    assert "policy   policies/service.yaml: rectification.critical: 4h -> 3m" in line
    assert line.endswith("[Test <test@example.com>; signed by patrol@example.com]")
    assert "policy" not in {e["kind"] for e in json.loads(
        patrol(root, "audit", "log", "--host", "web-01", "--format", "json").stdout)["events"]}
