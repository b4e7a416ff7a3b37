"""JUnit output read back by a real JUnit parser (junitparser) and validated against a strict
JUnit schema (tests/schemas/junit.xsd), whatever the free text in reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped
from lxml import etree

from runner.junit import junit_xml, write_junit
from runner.results import HostResult, Result, Status

XSD = Path(__file__).resolve().parents[1] / "schemas" / "junit.xsd"

# reason as a check gave it -> what a CI user must see (written out by hand)
NASTY = {
    "esc": ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
    "bel-nul": ("ring\x07 nul\x00", "ring\\x07 nul\\x00"),
    "noncharacter": ("a\ufffeb\uffff", "a\\ufffeb\\uffff"),
    "markup": ('<b>&amp; "q" ]]> </testcase>', '<b>&amp; "q" ]]> </testcase>'),
    "lines": ("first\nsecond\ttab", "first\nsecond\ttab"),
    "bidi": ("abc\u202edcba", "abc\\u202edcba"),
}


# what the measuring module reported for web-01: per check, and its whole call
CHECK_SECONDS = {"ok": 0.0123, "fail-esc": 2.5, "error-esc": 0.4567, "waived": 0.002}
HOST_SECONDS = 3.25


def results() -> dict[str, HostResult]:
    checks = {f"fail-{k}": Result(Status.FAIL, None, v[0]) for k, v in NASTY.items()}
    checks["error-esc"] = Result(Status.ERROR, None, NASTY["esc"][0])
    checks["waived"] = Result(Status.WAIVED, None, NASTY["bel-nul"][0])
    checks["ok"] = Result(Status.PASS, 1, "fine")
    return {
        "web-01": HostResult("web-01", True, checks, check_seconds=dict(CHECK_SECONDS),
                             host_seconds=HOST_SECONDS),
        # measured, but its module reported no span: the suite is the sum of its cases
        "app-01": HostResult("app-01", True, {"a": Result(Status.PASS, 1, "fine"),
                                              "b": Result(Status.FAIL, 2, "bad"),
                                              "c": Result(Status.PASS, 3, "fine")},
                             check_seconds={"a": 0.25, "b": 1.5}),
        "db-01": HostResult("db-01", False, {}, "ssh: \x1b]0;owned\x07 refused"),
    }


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "junit.xml"
    write_junit(path, "daily", results(), seconds=12.3456)
    return path


def test_valid_against_the_junit_schema(report: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.parse(str(report))  # a well-formedness error raises here
    assert schema.validate(doc), schema.error_log


def test_junitparser_reads_every_reason_in_text_and_message(report: Path) -> None:
    xml = JUnitXml.fromfile(str(report))
    cases = {(suite.name, case.name): case for suite in xml for case in suite}
    assert len(cases) == len(NASTY) + 3 + 1 + 3
    for key, (_, shown) in NASTY.items():
        [outcome] = cases[("daily.web-01", f"fail-{key}")].result
        assert isinstance(outcome, Failure)
        assert (outcome.message, outcome.text) == (shown, shown)
    [error] = cases[("daily.web-01", "error-esc")].result
    assert isinstance(error, Error) and error.text == NASTY["esc"][1]
    [skipped] = cases[("daily.web-01", "waived")].result
    assert isinstance(skipped, Skipped) and skipped.text == "waived: ring\\x07 nul\\x00"
    [unreachable] = cases[("daily.db-01", "reachable")].result
    assert isinstance(unreachable, Error)
    assert unreachable.text == "ssh: \\x1b]0;owned\\x07 refused"
    assert cases[("daily.web-01", "ok")].result == []


def test_time_on_every_case_and_totals_on_testsuites(report: Path) -> None:
    root = etree.parse(str(report)).getroot()
    assert root.tag == "testsuites"
    failing = len(NASTY) + 1
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "time")} == {
        "tests": str(failing + 3 + 1 + 2), "failures": str(failing), "errors": "2",
        "time": "12.346"}  # the whole run
    assert all(case.get("time") is not None for case in root.iter("testcase"))
    web = root.find("testsuite[@name='daily.web-01']")
    assert (web.get("skipped"), web.get("time")) == ("1", f"{HOST_SECONDS:.3f}")


def test_each_case_takes_its_measurements_time_and_each_suite_its_hosts() -> None:
    xml = JUnitXml.fromstring(junit_xml("daily", results(), seconds=99.0))
    suites = {suite.name: suite for suite in xml}
    web = {case.name: case.time for case in suites["daily.web-01"]}
    for cid in web:  # a check the module gave no time for took none
        assert web[cid] == pytest.approx(round(CHECK_SECONDS.get(cid, 0.0), 3)), cid
    assert suites["daily.web-01"].time == pytest.approx(HOST_SECONDS)
    app = suites["daily.app-01"]
    assert {case.name: case.time for case in app} == {"a": 0.25, "b": 1.5, "c": 0.0}
    assert app.time == pytest.approx(0.25 + 1.5)
    db = suites["daily.db-01"]  # unreachable: nothing was measured
    assert db.time == 0.0 and [case.time for case in db] == [0.0]
    assert xml.time == pytest.approx(99.0)


def test_no_results_is_still_a_valid_document() -> None:
    doc = etree.fromstring(junit_xml("daily", {}))
    assert etree.XMLSchema(etree.parse(str(XSD))).validate(doc)
    assert (doc.get("tests"), doc.get("failures"), doc.get("errors")) == ("0", "0", "0")
