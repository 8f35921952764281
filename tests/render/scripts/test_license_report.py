"""The compliance report of license-compliance.yaml, from the reports the two check jobs upload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipekit.render import license
from pipekit.render.scripts import license_report

from .support import rendered_step, run_step

HEADERS_REPORT = "## License headers\n\n2 files checked for this header:\n\nEvery file has the header.\n"
LICENSES_REPORT = (
    "## Dependency licenses\n\n"
    "1 packages: 0 allowed, 1 denied, 0 in neither list, 0 without a license, 0 excepted.\n"
)


@pytest.fixture
def report_step() -> dict[str, Any]:
    return rendered_step("license-compliance.yaml", "report", "Write the compliance report")


def downloaded(folder: Path, **reports: str) -> Path:
    """`folder` with the reports the download steps put in reports/."""
    (folder / "reports").mkdir()
    for name, text in reports.items():
        (folder / "reports" / f"{name.replace('_', '-')}.md").write_text(text, encoding="utf-8")
    return folder


def test_the_step_embeds_the_script(report_step: dict[str, Any]) -> None:
    assert report_step["run"] == license.REPORT_SCRIPT


def test_a_failed_check_makes_the_report_not_compliant(tmp_path: Path, report_step: dict[str, Any]) -> None:
    # the dependency job failed on a denied license; the header job failed before uploading anything
    folder = downloaded(tmp_path, licenses=LICENSES_REPORT)
    results = {"HEADERS_RESULT": "failure", "DEPENDENCIES_RESULT": "failure"}
    run = run_step(report_step, folder, results)
    assert run.returncode == 0, run.stdout + run.stderr  # the next step decides whether the run fails
    report = (tmp_path / "license-compliance-report.md").read_text(encoding="utf-8")
    assert report == run.summary
    assert report.startswith("# License compliance report\n\n**Not compliant**\n")
    assert "| Source-file license headers | failure |" in report
    assert "| Dependency licenses | failure |" in report
    assert "Source-file license headers: no details (failure)." in report
    assert LICENSES_REPORT in report


def test_passing_checks_make_the_report_compliant(tmp_path: Path, report_step: dict[str, Any]) -> None:
    folder = downloaded(tmp_path, license_headers=HEADERS_REPORT, licenses=LICENSES_REPORT)
    run = run_step(report_step, folder, {"HEADERS_RESULT": "success", "DEPENDENCIES_RESULT": "success"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.summary.startswith("# License compliance report\n\n**Compliant**\n")
    assert HEADERS_REPORT in run.summary and LICENSES_REPORT in run.summary
    assert "no details" not in run.summary


def test_report_and_details() -> None:
    checks = [("Headers", "success", "missing/file.md"), ("Dependencies", "cancelled", "missing/other.md")]
    text = license_report.report(checks)
    assert "**Not compliant**" in text
    assert "| Dependencies | cancelled |" in text
    assert text.endswith("Dependencies: no details (cancelled).\n")


def test_without_a_header_check_the_report_covers_the_dependencies(tmp_path: Path) -> None:
    step = rendered_step(
        "license-compliance.yaml", "report", "Write the compliance report", {"license": {"header": None}}
    )
    folder = downloaded(tmp_path, licenses=LICENSES_REPORT)
    run = run_step(step, folder, {"DEPENDENCIES_RESULT": "success"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.summary.startswith("# License compliance report\n\n**Compliant**\n")
    assert "| Source-file license headers | not checked |" in run.summary
    assert "Source-file license headers: no details" not in run.summary
    assert LICENSES_REPORT in run.summary
