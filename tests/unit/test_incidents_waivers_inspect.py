"""Through the inspection path with a fake fleet: an incident whose finding is then waived
pauses with the waiver as its reason, named in the run's record."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.unit.test_incidents_waivers import WAIVER, estate  # noqa: F401 - the fixture


def test_inspections_pause_an_incident_when_its_finding_is_waived(estate: Path):  # noqa: F811
    import yaml

    from runner.incidents import store
    from runner.inspect import inspect
    from tests.conftest import commit_all
    from tests.unit.test_inspect_run import T0 as RUN0
    from tests.unit.test_inspect_run import FakeFleet, context

    fleet = FakeFleet()
    fleet.agent["web-02"] = "0.9.0-1"
    inspect(estate, "crit", ctx=context(estate, RUN0), play=fleet)
    (inc,) = store.load(estate).values()
    assert inc.state.value == "open"
    (estate / "policies/waivers.yaml").write_text(WAIVER)
    commit_all(estate)
    at = RUN0 + timedelta(minutes=10)
    run = inspect(estate, "crit", ctx=context(estate, at), play=fleet)
    inc = store.load(estate)[inc.id]
    assert inc.state.value == "waiting" and inc.pauses[-1].start == at
    assert inc.pauses[-1].reason == "waiver: vendor pins 0.9 until the next release"
    record = yaml.safe_load((estate / run.record_path).read_bytes())
    assert {"incident": inc.id, "finding": "web-02/agent-pin", "event": "paused"} in \
        record["incidents"]
    from runner import archive

    assert archive.verify_chain(estate) == []
