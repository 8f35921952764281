"""The test gate of test.yaml: fail when fewer tests ran than the design's minimum.

Reads junit.xml, written by ``pytest --junitxml``. A test ran when it was not skipped: each suite's
`tests` less its `skipped`, so failed tests and errors count as run (the test step fails on them
itself). A missing or unreadable report counts as no test run.

Environment: MIN_TESTS, the minimum; GITHUB_STEP_SUMMARY, the job summary file.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

REPORT = "junit.xml"


def tests_ran(root: ET.Element) -> int:
    """Tests that ran in a JUnit XML document whose root is `testsuites` or a single `testsuite`."""
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    return sum(int(suite.get("tests", "0")) - int(suite.get("skipped", "0")) for suite in suites)


def read_report(path: str) -> int | None:
    """The number of tests that ran, or None when pytest wrote no readable report."""
    try:
        return tests_ran(ET.parse(path).getroot())
    except (OSError, ET.ParseError):
        return None


def main() -> int:
    minimum = int(os.environ["MIN_TESTS"])
    counted = read_report(REPORT)
    ran = counted or 0
    if counted is None:
        found = f"pytest wrote no readable {REPORT}, so no test counts as run"
    else:
        found = f"{ran} tests ran"
    print(f"{found}; the gate needs at least {minimum}.")
    if ran < minimum:
        print(f"::error title=Test gate::{found}; at least {minimum} must run.")
    with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
        summary.write(f"**Test gate:** {found} (minimum {minimum}).\n")
    return 0 if ran >= minimum else 1


if __name__ == "__main__":
    raise SystemExit(main())
