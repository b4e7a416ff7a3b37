"""JUnit XML so CI systems show each host's checks as test cases."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from .results import HostResult, Status


def junit_xml(suite: str, results: dict[str, HostResult]) -> bytes:
    """One testsuite per host, one testcase per check; unreachable hosts are one error case."""
    root = ET.Element("testsuites", name=f"patrol {suite}")
    for name in sorted(results):
        hr = results[name]
        ts = ET.SubElement(root, "testsuite", name=f"{suite}.{name}")
        tests = failures = errors = skipped = 0
        if not hr.reachable and hr.measured:
            case = ET.SubElement(ts, "testcase", classname=name, name="reachable")
            ET.SubElement(case, "error", message=hr.message or "unreachable", type="unreachable")
            tests, errors = 1, 1
        for cid in sorted(hr.checks) if hr.reachable or not hr.measured else []:
            r = hr.checks[cid]
            case = ET.SubElement(ts, "testcase", classname=name, name=cid)
            tests += 1
            if r.status is Status.FAIL:
                ET.SubElement(case, "failure", message=r.reason, type="fail")
                failures += 1
            elif r.status is Status.ERROR:
                ET.SubElement(case, "error", message=r.reason, type="error")
                errors += 1
            elif r.status is Status.WAIVED:
                ET.SubElement(case, "skipped", message=f"waived: {r.reason}")
                skipped += 1
            elif r.status is Status.NOT_MEASURED:
                ET.SubElement(case, "skipped", message=f"not measured: {r.reason}")
                skipped += 1
        ts.set("tests", str(tests))
        ts.set("failures", str(failures))
        ts.set("errors", str(errors))
        ts.set("skipped", str(skipped))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_junit(path: Path, suite: str, results: dict[str, HostResult]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(junit_xml(suite, results))
