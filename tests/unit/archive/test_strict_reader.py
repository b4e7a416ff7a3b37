"""One strict reader for everything under reports/: a repeated key, an alias bomb, a tag or a
symlink is one clean error at file:line in every command that reads the archive (verify,
findings, incidents, audit log, the monthly report), never a traceback or a blown memory."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runner.archive import reader
from runner.archive.verify import verify
from tests.conftest import git
from tests.unit.archive import test_audit_verify as base

PATROL = str(Path(sys.executable).parent / "patrol")
BOMB = "".join([
    "bomb0: &b0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    *(f"bomb{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9)}]\n" for i in range(1, 10)),
])


def limited() -> None:
    """A reader that expanded the aliases would need terabytes: cap it at 1 GiB."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def patrol(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PATROL_SIGNING_KEY"}
    return subprocess.run([PATROL, *args, "--estate", str(root)], capture_output=True,
                          text=True, timeout=120, env=env, preexec_fn=limited)


def clean_refusal(r: subprocess.CompletedProcess[str], where: str) -> None:
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert where in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and "MemoryError" not in r.stderr, r.stderr


archive = base.archive  # three chained runs, each moving a finding


def crafted(root: Path, run_id: str, extra: str = "", findings: str = "[]",
            started: str = "2026-11-20T06:00:00Z", finished: str = "2026-11-20T06:01:00Z",
            env: dict[str, str] | None = None) -> str:
    """A sealed, chained record holding ``extra`` in its header, committed the way Patrol
    commits (trailers, the real commit path): what only a key-holder or a bug could make."""
    from runner import archive as arc
    from runner.run import commit

    prev = arc.latest_record(root)
    estate = git(root, "rev-parse", "HEAD")
    body = (f"format: patrol/run-record/v1\nkind: seed\nrun: {run_id}\n"
            f"started: '{started}'\nfinished: '{finished}'\n"
            f"estate:\n  commit: {estate}\n"
            f"previous:\n  record: {prev[0]}\n  sha256: {prev[1]}\n{extra}"
            f"summary:\n  findings: 0\nfindings: {findings}\n").encode()
    data, digest = arc.seal(body)
    rel = arc.record_path(run_id, 2026, 11)
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_bytes(data)
    saved = {k: os.environ.get(k) for k in env or {}}
    os.environ.update(env or {})  # e.g. GIT_COMMITTER_DATE
    try:
        commit(root, [rel], "seed: crafted", run_id, estate=estate, record=(rel, digest))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k)
            else:
                os.environ[k] = v
    return rel


# -- the reader itself -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "says"), [
    (b"host: a\nstate: open\nstate: closed\n", 3, "repeated"),
    (b'{\n "id": "x",\n "state": "open",\n "state": "closed"\n}\n', 4, "repeated"),
    (b"a: &x [1]\nb: *x\n", 1, "alias"),
    (b"a: 1\nb: !!python/object/apply:os.system [id]\n", 2, "tag"),
    (b"a: !!binary aGk=\n", 1, "tag"),
    (b"base: &b {x: 1}\nother:\n  <<: *b\n", 3, "merge key"),
    (b"a: 1\n<<<<<<< HEAD\n", 2, "conflict"),
])
def test_the_reader_refuses_what_patrol_never_writes_at_its_line(text, line, says):
    with pytest.raises(reader.Refused) as caught:
        reader.parse(text)
    assert caught.value.line == line and says in str(caught.value), caught.value


def test_an_alias_bomb_is_refused_before_it_is_expanded():
    t = time.perf_counter()
    with pytest.raises(reader.Refused, match="alias"):
        reader.parse(BOMB.encode())
    assert time.perf_counter() - t < 0.5


def test_plain_documents_read_as_before():
    assert reader.parse(b"a: 1\nb: [x, {c: 2026-11-01}]\nd: null\n")["b"][0] == "x"
    assert reader.parse(b'{"a": [1, 2]}\n') == {"a": [1, 2]}


# -- every command that reads the archive ------------------------------------------------------


def test_a_repeated_key_in_a_finding_is_one_error_for_findings_and_a_break_for_verify(archive):
    from runner.archive.records import findings_record
    from runner.run import commit, write_record

    finding = sorted((archive / "reports/findings").rglob("*.yaml"))[0]
    rel = finding.relative_to(archive).as_posix()
    fid = rel.removeprefix("reports/findings/").removesuffix(".yaml")
    text = finding.read_text()
    assert "state: open\n" in text
    finding.write_text(text + "state: closed\n")  # the pattern reads open, a loader closed
    line = len(text.splitlines()) + 1
    clean_refusal(patrol(archive, "findings"), f"{rel}:{line}:1")
    from datetime import datetime

    from runner import archive as arc

    run_id = "20261120T060000Z-seed-000020"
    estate = git(archive, "rev-parse", "HEAD")
    body = findings_record(run_id=run_id, kind="seed", header={"estate": {"commit": estate}},
                           previous=arc.latest_record(archive),
                           findings=[{"finding": fid, "from": "open", "to": "open"}])
    rec, digest = write_record(archive, run_id, datetime(2026, 11, 20), body)
    commit(archive, [rec, rel], "seed", run_id, estate=estate, record=(rec, digest))
    found = [b.text() for b in verify(archive).breaks]
    assert any(rel in b and f"line {line}" in b and "repeated" in b for b in found), found


def test_an_alias_bomb_in_a_record_is_a_break_and_a_clean_error_everywhere(archive):
    rel = crafted(archive, "20261120T060000Z-seed-000020", BOMB)
    r = patrol(archive, "audit", "verify")
    assert r.returncode == 1 and rel in r.stdout and "alias" in r.stdout, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    clean_refusal(patrol(archive, "audit", "log"), f"{rel}:")
    clean_refusal(patrol(archive, "report", "monthly", "2026-11", "--format", "json"),
                  f"{rel}:")


def test_a_tag_in_a_record_is_a_clean_error_for_the_monthly_report(archive):
    rel = crafted(archive, "20261120T060000Z-seed-000020", "note: !!binary aGk=\n")
    clean_refusal(patrol(archive, "report", "monthly", "2026-11", "--format", "json"),
                  f"{rel}:11:7:")  # the line after the ten header lines
    assert any(rel in b.text() and "tag" in b.text() for b in verify(archive).breaks)


def test_a_symlinked_finding_is_refused_with_its_path(archive, tmp_path):
    outside = tmp_path / "outside.yaml"
    real = sorted((archive / "reports/findings").rglob("*.yaml"))[0]
    outside.write_bytes(real.read_bytes())
    link = real.parent / "linked.yaml"
    link.symlink_to(outside)
    rel = link.relative_to(archive).as_posix()
    r = patrol(archive, "findings")
    clean_refusal(r, rel)
    assert "symlink" in r.stderr and str(outside) not in r.stderr


def test_a_symlinked_incidents_folder_is_refused(archive, tmp_path):
    elsewhere = tmp_path / "elsewhere" / "2026"
    elsewhere.mkdir(parents=True)
    (archive / "reports/incidents").symlink_to(elsewhere.parent)
    r = patrol(archive, "incidents")
    clean_refusal(r, "reports/incidents")
    assert "symlink" in r.stderr


def test_a_repeated_key_in_an_incident_is_one_error_at_its_line(archive):
    inc = archive / "reports/incidents/2026/INC-2026-0001.yaml"
    inc.parent.mkdir(parents=True)
    inc.write_text('{\n "id": "INC-2026-0001",\n "state": "open",\n "state": "closed"\n}\n')
    clean_refusal(patrol(archive, "incidents"), "reports/incidents/2026/INC-2026-0001.yaml:4:")


# -- the event path: plain data without nodes ----------------------------------------------------


def test_plain_documents_never_reach_the_node_path_and_read_the_same(archive, monkeypatch):
    """Findings, records and incidents as Patrol writes them are built straight from the C
    parser's events (a third of the time); they read exactly as the node path reads them, and
    the node path is only used for what the event path leaves to it (a tag, an anchor)."""
    import yaml

    docs = [p.read_bytes() for p in sorted((archive / "reports").rglob("*.yaml"))]
    docs += [b"a: yes\nb: 0o17\nc: 1_000\nd: 2026-11-01T01:02:03Z\ne: .inf\nf: ~\ng: ''\n",
             b"a: |\n  text\nb: [1, {c: 2026-11-01}]\n'q': \"\\u00e9\"\n",
             b"- 1\n- [2, 3]\n", b"", b"{a: 1, b: [x, y]}\n"]
    by_nodes = [yaml.load(d, Loader=reader._Strict) for d in docs]
    calls = []
    real = yaml.load
    monkeypatch.setattr(yaml, "load", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert [reader.parse(d) for d in docs] == by_nodes
    assert calls == []  # no plain document went through the node path
    assert reader.parse(b"a: !!str 12\n") == {"a": "12"} and len(calls) == 1


@pytest.mark.parametrize(("text", "line"), [
    (b"a:\n  b: 1\n  c:\n    - {d: 1, d: 2}\n", 4),
    (b"x: 1\ny: 2\nx: 3\n", 3),
])
def test_the_event_path_refuses_a_repeated_key_at_its_line(text, line, monkeypatch):
    import yaml

    monkeypatch.setattr(yaml, "load", lambda *a, **k: pytest.fail("node path used"))
    with pytest.raises(reader.Refused, match="repeated") as caught:
        reader.parse(text)
    assert caught.value.line == line
