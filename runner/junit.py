"""JUnit XML so CI systems show each host's checks as test cases.

The shape is the JUnit XML that Jenkins, GitLab, GitHub test-report actions and junitparser
read (tests/schemas/junit.xsd states it strictly): totals and ``time`` on ``<testsuites>``
and each ``<testsuite>``, a ``time`` on every case, and the reason both in the ``message``
attribute (Jenkins) and as the element's text (GitLab shows that). Free text is made XML
1.0-safe (``runner.escape``): one escape sequence in a reason must not make a CI parser
reject the whole file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from .escape import xml_text
from .results import HostResult, Status

_ELEMENT = {Status.FAIL: ("failure", "fail"), Status.ERROR: ("error", "error")}


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def _outcome(case: ET.Element, tag: str, kind: str | None, reason: str) -> None:
    text = xml_text(reason)
    element = ET.SubElement(case, tag, message=text)
    if kind is not None:
        element.set("type", kind)
    element.text = text


def _suite_seconds(hr: HostResult, cases: list[float]) -> float:
    """The host's measured span (its one module call), else the sum of its cases."""
    return hr.host_seconds if hr.host_seconds is not None else sum(cases)


def junit_xml(suite: str, results: dict[str, HostResult], seconds: float = 0.0) -> bytes:
    """One testsuite per host, one testcase per check; unreachable hosts are one error case.

    Times come from the measurement: a case's is what its check's probe took on the host
    (checks sharing one probe share its time; 0 for a check nothing measured), a suite's is
    the host's whole measuring call, and ``seconds`` (the play's duration, connections and
    all) is the time of ``<testsuites>``. They are read from the in-memory results: the
    record and the status files keep no timings (they jitter from run to run).
    """
    root = ET.Element("testsuites", name=xml_text(f"patrol {suite}"))
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for name in sorted(results):
        hr = results[name]
        ts = ET.SubElement(root, "testsuite", name=xml_text(f"{suite}.{name}"))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        times: list[float] = []
        if not hr.reachable and hr.measured:
            case = ET.SubElement(ts, "testcase", classname=name, name="reachable",
                                 time=_seconds(0))
            _outcome(case, "error", "unreachable", hr.message or "unreachable")
            counts["tests"], counts["errors"] = 1, 1
        for cid in sorted(hr.checks) if hr.reachable or not hr.measured else []:
            r = hr.checks[cid]
            times.append(hr.check_seconds.get(cid, 0.0))
            case = ET.SubElement(ts, "testcase", classname=name, name=cid,
                                 time=_seconds(times[-1]))
            counts["tests"] += 1
            if r.status in _ELEMENT:
                tag, kind = _ELEMENT[r.status]
                _outcome(case, tag, kind, r.reason)
                counts["failures" if tag == "failure" else "errors"] += 1
            elif r.status is Status.WAIVED:
                _outcome(case, "skipped", None, f"waived: {r.reason}")
                counts["skipped"] += 1
            elif r.status is Status.NOT_MEASURED:
                _outcome(case, "skipped", None, f"not measured: {r.reason}")
                counts["skipped"] += 1
        for key, value in counts.items():
            ts.set(key, str(value))
        ts.set("time", _seconds(_suite_seconds(hr, times)))
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", _seconds(seconds))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_junit(path: Path, suite: str, results: dict[str, HostResult],
                seconds: float = 0.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(junit_xml(suite, results, seconds))
