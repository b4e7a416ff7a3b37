"""Stock movements: the one-line round-trip edit of inventory/spares.yaml, the record on the
chain and the commit; bad requests refused with one line, exit 2, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from runner.errors import PatrolError
from runner.spares.movements import Movement, edit_stock
from tests.conftest import ROOT, git

PATROL = str(Path(sys.executable).parent / "patrol")
SAMPLE = (ROOT / "inventory" / "spares.yaml").read_text()


def _m(part, depot, before, after, action="use"):
    return Movement(action, part, depot, after - before, before, after, "r", "web-01")


def test_use_changes_only_the_one_quantity_line_byte_for_byte():
    new = edit_stock(SAMPLE, _m("hpe-disk-960g-ssd", "fra-dc2-cage", 2, 1))
    old_lines, new_lines = SAMPLE.splitlines(keepends=True), new.splitlines(keepends=True)
    differ = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert len(differ) == 1
    i = differ[0]
    assert old_lines[i] == "  - {part: hpe-disk-960g-ssd, depot: fra-dc2-cage, quantity: 2}\n"
    assert new_lines[i] == "  - {part: hpe-disk-960g-ssd, depot: fra-dc2-cage, quantity: 1}\n"


def test_block_style_entries_with_comments_keep_everything_else():
    text = ("stock:  # what we hold\n"
            "  - part: psu   # hot-plug\n"
            "    depot: cage\n"
            "    quantity: 12    # counted 2026-11\n"
            "  - part: fan\n"
            "    depot: cage\n"
            "    quantity: 3\n")
    new = edit_stock(text, _m("psu", "cage", 12, 9, "use"))
    assert new == text.replace("quantity: 12    #", "quantity: 9    #")


def test_receiving_a_part_a_depot_has_no_line_for_appends_one_line():
    new = edit_stock(SAMPLE, _m("dell-perc-h740p", "hz-dc1-cage", 0, 2, "receive"))
    assert new == SAMPLE + "  - {part: dell-perc-h740p, depot: hz-dc1-cage, quantity: 2}\n"


def test_a_part_listed_twice_at_one_depot_is_not_guessed():
    text = "stock:\n  - {part: a, depot: d, quantity: 1}\n  - {part: a, depot: d, quantity: 2}\n"
    with pytest.raises(PatrolError, match="listed 2 times"):
        edit_stock(text, _m("a", "d", 3, 2))


@pytest.fixture
def patrol(estate_repo: Path):
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([PATROL, *args, "--estate", str(estate_repo)], capture_output=True,
                              text=True, timeout=120, stdin=subprocess.DEVNULL)
    return run


def test_use_edits_records_and_commits_who_which_host_and_why(patrol, estate_repo: Path):
    r = patrol("spares", "use", "hpe-psu-500w", "--depot", "hz-dc1-cage", "--host", "web-01",
               "--reason", "PSU 2 failed, ticket 42")
    assert r.returncode == 0, r.stderr
    diff = git(estate_repo, "show", "HEAD", "--", "inventory/spares.yaml")
    assert "-  - {part: hpe-psu-500w, depot: hz-dc1-cage, quantity: 2}" in diff
    assert "+  - {part: hpe-psu-500w, depot: hz-dc1-cage, quantity: 1}" in diff
    assert diff.count("\n-  ") == 1 and diff.count("\n+  ") == 1
    message = git(estate_repo, "log", "-1", "--format=%B")
    assert "on web-01" in message and "PSU 2 failed" in message
    assert "Patrol-Record: sha256:" in message
    record = next((estate_repo / "reports" / "runs").rglob("*spares-use*.yaml")).read_text()
    assert "host: web-01" in record and "reason: PSU 2 failed, ticket 42" in record
    assert "before: 2" in record and "after: 1" in record
    from runner.archive import verify_chain

    assert verify_chain(estate_repo) == []


@pytest.mark.parametrize(("args", "needle"), [
    (["use", "no-such-part", "--depot", "hz-dc1-cage", "--host", "web-01", "--reason", "x"],
     "unknown part 'no-such-part'"),
    (["use", "hpe-psu-500w", "--depot", "nowhere", "--host", "web-01", "--reason", "x"],
     "unknown depot 'nowhere'"),
    (["receive", "hpe-psu-500w", "--depot", "hz-dc1-cage", "--quantity", "-2", "--reason", "x"],
     "--quantity -2"),
    (["use", "hpe-psu-500w", "--depot", "hz-dc1-cage", "--host", "web-01", "--reason", "  "],
     "--reason is empty"),
    (["use", "hpe-psu-500w", "--depot", "hz-dc1-cage", "--host", "nohost", "--reason", "x"],
     "--host 'nohost'"),
    (["use", "dell-psu-750w", "--depot", "hz-dc1-cage", "--host", "web-01", "--reason", "x"],
     "web-01's model dl360-g10 does not use dell-psu-750w"),
])
def test_bad_requests_are_one_line_exit_2_and_change_nothing(patrol, estate_repo: Path, args,
                                                             needle):
    head = git(estate_repo, "rev-parse", "HEAD")
    r = patrol("spares", *args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert needle in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert git(estate_repo, "status", "--porcelain") == ""
    assert git(estate_repo, "rev-parse", "HEAD") == head


def test_using_a_part_not_in_stock_is_refused_and_changes_nothing(patrol, estate_repo: Path):
    r = patrol("spares", "use", "dell-perc-h740p", "--depot", "hz-dc1-cage", "--host", "db-01",
               "--reason", "controller dead")
    assert r.returncode == 1
    assert "it holds 0; nothing changed" in r.stderr
    assert git(estate_repo, "status", "--porcelain") == ""


def test_spares_exits_1_when_short_and_check_opens_then_closes_the_finding(patrol,
                                                                          estate_repo: Path):
    assert patrol("spares").returncode == 0
    for _ in range(2):
        assert patrol("spares", "use", "hpe-psu-500w", "--depot", "hz-dc1-cage", "--host",
                      "web-01", "--reason", "failed").returncode == 0
    r = patrol("spares", "--site", "hz-dc1", "--format", "json")
    assert r.returncode == 1
    assert '"shortfall": 2' in r.stdout
    r = patrol("spares", "check")
    assert r.returncode == 1 and "_spares/hz-dc1.hpe-psu-500w: new -> open" in r.stdout
    assert (estate_repo / "reports/findings/_spares/hz-dc1.hpe-psu-500w.yaml").exists()
    assert patrol("spares", "receive", "hpe-psu-500w", "--depot", "hz-dc1-cage", "--quantity",
                  "2", "--reason", "delivery 7731").returncode == 0
    r = patrol("spares", "check")
    assert r.returncode == 0 and "open -> closed" in r.stdout
    from runner.archive import verify_chain

    assert verify_chain(estate_repo) == []
