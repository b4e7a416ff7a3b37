"""Incident commands end to end on the sample estate in a throwaway repository: each step one
file, one sealed record and one commit; bad input one line, exit 2, nothing written; listings
with clocks, filters and escaping; owners for findings and incidents; escalation."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from runner import archive
from runner.cli import findings_app
from runner.cli import incidents as cli_incidents
from runner.commands import findings as findings_cmd
from runner.commands import incidents as cmd
from runner.errors import PatrolError
from runner.findings import store as findings_store
from runner.incidents import store
from tests.conftest import git, patrol_commit

T0 = datetime(2026, 11, 25, 6, 15, tzinfo=UTC)  # Wednesday
app = typer.Typer()  # the commands under test, without touching runner.cli's app
app.add_typer(findings_app, name="findings")
cli_incidents.register(app)
PATROL = str(Path(sys.executable).parent / "patrol")


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def clock(minutes: float = 0):
    return lambda: at(minutes)


def open_db02(root: Path, summary: str = "db-02 does not answer") -> str:
    assert cmd.open_(root, ["db-02"], summary, None, "Anna Schmidt", "phone", None,
                     clock=clock()) == 0
    return "INC-2026-0001"


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD")


def test_opening_writes_the_incident_a_sealed_record_and_one_commit(estate_repo: Path):
    before = head(estate_repo)
    iid = open_db02(estate_repo)
    doc = yaml.safe_load((estate_repo / "reports/incidents/2026/INC-2026-0001.yaml").read_text())
    # db-02 is critical at fra-dc2, which runs 24x7: 30m response, 4h on site
    assert (doc["id"], doc["hosts"], doc["level"], doc["state"], doc["owner"]) == (
        iid, ["db-02"], "critical", "open", "ops-team@example.com")
    assert doc["clocks"]["response"]["due"] == "2026-11-25T06:45:00Z"
    assert doc["clocks"]["on_site"]["due"] == "2026-11-25T10:15:00Z"
    assert git(estate_repo, "rev-list", "--count", f"{before}..HEAD") == "1"
    files = sorted(git(estate_repo, "show", "--name-only", "--format=", "HEAD").split())
    (record_path,) = [f for f in files if f.startswith("reports/runs/")]
    assert files == sorted([record_path, "reports/incidents/2026/INC-2026-0001.yaml"])
    message = git(estate_repo, "log", "-1", "--format=%B")
    assert message.startswith(f"incident {iid}: opened (db-02, critical)")
    sha = archive.record_hash((estate_repo / record_path).read_bytes())
    assert f"Patrol-Record: sha256:{sha}" in message
    assert archive.verify_chain(estate_repo) == []


def test_a_step_logged_later_keeps_the_stated_time_and_the_real_time(estate_repo: Path):
    iid = open_db02(estate_repo)
    stated = "2026-11-25T06:20:00Z"
    assert cmd.respond(estate_repo, iid, "Jonas Weber", "called back", stated,
                       clock=clock(120)) == 0
    inc = store.load_one(estate_repo, iid)
    assert inc.clocks["response"].met_at == at(5)  # on time: due at +30m
    record = yaml.safe_load((estate_repo / archive.latest_record(estate_repo)[0]).read_text())
    assert record["step"]["at"] == stated
    assert record["step"]["written"] == record["started"] == "2026-11-25T08:15:00Z"
    assert record["clocks"]["response"]["breached"] is False


@pytest.mark.parametrize("step, message", [
    (lambda r: cmd.open_(r, ["nope-01"], "x", None, "A", "phone", None, clock=clock(1)),
     "unknown host 'nope-01'"),
    (lambda r: cmd.respond(r, "INC-2026-0042", "Jonas", None, None, clock=clock(1)),
     "unknown incident 'INC-2026-0042'"),
    (lambda r: cmd.arrive(r, "INC-2026-0001", "   ", None, clock=clock(1)),
     "--engineer is empty"),
    (lambda r: cmd.respond(r, "INC-2026-0001", "Jonas", None, "2026-11-25T07:00:00Z",
                           clock=clock(1)), "is in the future"),
    (lambda r: cmd.respond(r, "INC-2026-0001", "Jonas", None, "2026-11-24T06:15:00Z",
                           clock=clock(1)), "more than 24 h back"),
    (lambda r: cmd.respond(r, "INC-2026-0001", "Jonas", None, "2026-11-25T06:10:00Z",
                           clock=clock(1)), "before incident INC-2026-0001's latest step"),
])
def test_bad_input_is_one_clear_error_exit_2_and_nothing_written(estate_repo: Path, step,
                                                                 message):
    open_db02(estate_repo)
    before = head(estate_repo)
    with pytest.raises(PatrolError, match=message) as err:
        step(estate_repo)
    assert int(err.value.exit_code) == 2
    assert head(estate_repo) == before
    assert git(estate_repo, "status", "--porcelain") == ""


def test_respond_on_a_resolved_incident_is_refused_through_the_cli(estate_repo: Path):
    iid = open_db02(estate_repo)
    assert cmd.resolve(estate_repo, iid, "restarted the service", None, None,
                       clock=clock(3)) == 0
    before = head(estate_repo)
    for argv in (["incident", "respond", iid, "--by", "Jonas"],
                 ["incident", "open", "--host", "db-02", "--summary", "x", "--at", "tomorrow"]):
        proc = subprocess.run([PATROL, *argv, "--estate", str(estate_repo)], capture_output=True,
                              text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert proc.returncode == 2
        assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("patrol: ")
        assert "Traceback" not in proc.stderr
    assert "is resolved: cannot respond" in subprocess.run(
        [PATROL, "incident", "respond", iid, "--by", "J", "--estate", str(estate_repo)],
        capture_output=True, text=True, timeout=60).stderr
    assert head(estate_repo) == before
    assert git(estate_repo, "status", "--porcelain") == ""


def test_an_engineer_not_resident_at_the_site_is_logged_with_a_warning(estate_repo: Path,
                                                                         capsys):
    iid = open_db02(estate_repo)
    assert cmd.arrive(estate_repo, iid, "Bob外包", None, clock=clock(60)) == 0
    err = capsys.readouterr().err
    assert "Bob外包 is not a resident engineer of site fra-dc2 (resident: Jonas Weber)" in err
    inc = store.load_one(estate_repo, iid)
    assert (inc.state.value, inc.clocks["on_site"].met_by) == ("on-site", "Bob外包")
    assert cmd.open_(estate_repo, ["app-01"], "slow", None, "A", "email", None,
                     clock=clock(61)) == 0
    assert cmd.arrive(estate_repo, "INC-2026-0002", "Jonas Weber", None, clock=clock(62)) == 0
    assert "resident" not in capsys.readouterr().err


def test_waiting_pauses_both_clocks_and_resume_moves_them_by_the_pause(estate_repo: Path):
    iid = open_db02(estate_repo)
    assert cmd.wait(estate_repo, iid, "customer to power-cycle", None, clock=clock(10)) == 0
    assert cmd.resume(estate_repo, iid, None, clock=clock(70)) == 0
    doc = yaml.safe_load((estate_repo / store.path_of(iid)).read_text())
    assert doc["clocks"]["response"]["due"] == "2026-11-25T07:45:00Z"  # 30m + 60m paused
    assert doc["clocks"]["on_site"]["due"] == "2026-11-25T11:15:00Z"
    assert doc["state"] == "open"
    assert doc["pauses"] == [{"start": "2026-11-25T06:25:00Z", "end": "2026-11-25T07:25:00Z",
                              "reason": "customer to power-cycle"}]


def listing(root: Path, capsys, *args: str) -> str:
    result = CliRunner().invoke(app, ["incidents", *args, "--estate", str(root)])
    assert result.exit_code == 0, result.output
    return result.output


def test_listing_shows_time_left_or_breached_by_and_filters(estate_repo: Path, capsys):
    open_db02(estate_repo, "disk `full` | <script> @ops \x1b[31mred")
    assert cmd.open_(estate_repo, ["web-01"], "slow pages", "low", "Li Wei", "email", None,
                     clock=clock(1)) == 0
    assert cmd.assign(estate_repo, "INC-2026-0002", "zhang.min@example.com",
                      clock=clock(2)) == 0
    now = "2026-11-25T07:15:00Z"  # db-02's response is 30 min late, on-site has 3h left
    text = listing(estate_repo, capsys, "--now", now)
    db = next(line for line in text.splitlines() if line.startswith("INC-2026-0001"))
    assert "response BREACHED by 30m" in db and "on-site 3h left" in db
    assert "\x1b" not in text and "\\x1b[31mred" in text
    breached = listing(estate_repo, capsys, "--now", now, "--breached", "--format", "json")
    assert [i["id"] for i in json.loads(breached)["incidents"]] == ["INC-2026-0001"]
    mine = listing(estate_repo, capsys, "--owner", "zhang.min@example.com", "--format", "json")
    assert [i["id"] for i in json.loads(mine)["incidents"]] == ["INC-2026-0002"]
    site = listing(estate_repo, capsys, "--host", "site=hz-dc1", "--format", "json")
    assert [i["id"] for i in json.loads(site)["incidents"]] == ["INC-2026-0002"]
    md = listing(estate_repo, capsys, "--now", now, "--format", "markdown")
    assert "disk \\`full\\` \\| \\<script\\> @\u2060ops" in md
    assert "|" not in md.split("disk", 1)[1].split(" |\n", 1)[0].replace("\\|", "")


def test_escalation_warns_then_breaches_incident_clocks_with_a_record(estate_repo: Path):
    iid = open_db02(estate_repo)
    before = head(estate_repo)
    assert findings_cmd.escalate(estate_repo, None, True, clock=clock(15)) == 0  # 50 %
    assert head(estate_repo) == before  # nothing moved, nothing committed
    assert findings_cmd.escalate(estate_repo, None, True, clock=clock(23)) == 0  # 76 %
    inc = store.load_one(estate_repo, iid)
    assert inc.clocks["response"].warned_at == at(23)
    assert inc.clocks["response"].breached_at is None
    assert findings_cmd.escalate(estate_repo, None, True, clock=clock(30)) == 0  # 100 %
    assert store.load_one(estate_repo, iid).clocks["response"].breached_at == at(30)
    record = yaml.safe_load((estate_repo / archive.latest_record(estate_repo)[0]).read_text())
    assert record["kind"] == "escalation"
    assert record["incidents"] == [{"incident": iid, "clock": "response", "to": "breached",
                                    "due": "2026-11-25T06:45:00Z"}]
    assert "incidents: 1 clock(s) warned or breached" in git(estate_repo, "log", "-1",
                                                            "--format=%s")
    assert archive.verify_chain(estate_repo) == []


def test_findings_carry_the_hosts_owner_and_can_be_assigned(estate_repo: Path):
    from runner.findings import Finding, State

    f = Finding("web-01/ssh", "check", "web-01", "daily", "ssh", "high", State.OPEN, T0,
                T0 + timedelta(days=1), "run-1")
    findings_store.save(estate_repo, {f.id: f})
    patrol_commit(estate_repo)  # as a run would commit it: a record names the finding
    before = head(estate_repo)
    with pytest.raises(PatrolError, match="unknown finding"):
        findings_cmd.assign(estate_repo, "web-09/ssh", "x@example.com", clock=clock())
    with pytest.raises(PatrolError, match="--to is empty"):
        findings_cmd.assign(estate_repo, f.id, " ", clock=clock())
    assert head(estate_repo) == before
    assert findings_cmd.assign(estate_repo, f.id, "li.wei@example.com", clock=clock()) == 0
    assert findings_store.load(estate_repo)[f.id].owner == "li.wei@example.com"
    record = yaml.safe_load((estate_repo / archive.latest_record(estate_repo)[0]).read_text())
    assert (record["kind"], record["owner"], record["previous_owner"]) == (
        "assignment", "li.wei@example.com", "ops-team@example.com")
    assert archive.verify_chain(estate_repo) == []
    from runner.archive.verify import verify

    assert verify(estate_repo).breaks == []  # the auditor's walk accepts the assignment too
    assert git(estate_repo, "log", "-1", "--format=%s") == (
        f"findings: {f.id} assigned to li.wei@example.com")
    result = CliRunner().invoke(app, ["findings", "--owner", "li.wei@example.com", "--format",
                                      "json", "--estate", str(estate_repo)])
    assert [x["id"] for x in json.loads(result.output)["findings"]] == [f.id]
    result = CliRunner().invoke(app, ["findings", "--owner", "ops-team@example.com", "--format",
                                      "json", "--estate", str(estate_repo)])
    assert json.loads(result.output)["findings"] == []
