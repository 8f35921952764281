"""The SARIF summary step (sarif_summary.py), run on real reports: Bandit's and gitleaks' SARIF, written here
by the dev dependencies' Bandit and gitleaks on planted findings and validated against the SARIF 2.1.0
schema, then summarised as the rendered step does it in the job summary."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pipekit.render.scripts import sarif_summary

from .sample_repos import SARIF_SCHEMA, Repo, bandit_command, github_token, gitleaks_binary
from .support import rendered_step, run_step

VULNERABLE = """import pickle
import subprocess


def run(command):
    return subprocess.call(command, shell=True)


def load(data):
    return pickle.loads(data)
"""
CLEAN = "def add(a, b):\n    return a + b\n"


def validate(report: dict[str, Any]) -> None:
    """`report` is SARIF 2.1.0 as the OASIS schema defines it."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(report)


def bandit_sarif(folder: Path, source: str) -> dict[str, Any]:
    (folder / "app").mkdir(parents=True)
    (folder / "app" / "module.py").write_text(source, encoding="utf-8")
    command = [bandit_command(), "--recursive", "app", "--format", "sarif", "--output", "bandit.sarif", "-q"]
    subprocess.run(command, cwd=folder, capture_output=True, check=False, timeout=120)
    report: dict[str, Any] = json.loads((folder / "bandit.sarif").read_text(encoding="utf-8"))
    return report


def gitleaks_sarif(folder: Path) -> dict[str, Any]:
    repo = Repo(folder / "repo")
    repo.commit({"app/settings.py": f'GITHUB_TOKEN = "{github_token(7)}"\n'})
    report_path = folder / "gitleaks.sarif"
    command = [str(gitleaks_binary()), "git", "--no-banner", "--redact", "--report-format", "sarif"]
    command += ["--report-path", str(report_path), "--exit-code", "0", str(repo.path)]
    subprocess.run(command, capture_output=True, check=True, timeout=120)
    report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    return report


@pytest.fixture(scope="module")
def bandit_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return bandit_sarif(tmp_path_factory.mktemp("bandit"), VULNERABLE)


@pytest.fixture(scope="module")
def gitleaks_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return gitleaks_sarif(tmp_path_factory.mktemp("gitleaks"))


def test_the_scanners_write_valid_sarif(
    bandit_report: dict[str, Any], gitleaks_report: dict[str, Any], tmp_path: Path
) -> None:
    validate(bandit_report)
    validate(gitleaks_report)
    validate(bandit_sarif(tmp_path, CLEAN))  # no findings is valid SARIF too


def test_the_schema_refuses_what_is_not_sarif(bandit_report: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(bandit_report))
    broken["runs"][0]["results"][0]["level"] = "critical"  # SARIF levels: none, note, warning, error
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)


def test_bandit_findings_by_level_and_rule(bandit_report: dict[str, Any]) -> None:
    text = sarif_summary.summary(bandit_report, "Bandit", report_only=False)
    lines = text.splitlines()
    assert lines[0] == "## Bandit"
    # B602 (shell=True) is high severity, B301 (pickle.loads) medium; B403 and B404 (the imports) low.
    assert "**4 findings** (1 error, 1 warning, 2 note)." in lines
    assert "| B602 subprocess_popen_with_shell_equals_true | error | 1 |" in lines
    assert "| B301 blacklist | warning | 1 |" in lines
    assert "Report only" not in text
    rows = [line for line in lines if line.startswith("| error |") or line.startswith("| warning |")]
    assert rows[0].startswith("| error | B602 subprocess_popen_with_shell_equals_true | app/module.py:6 |")
    assert "subprocess call with shell=True" in rows[0]


def test_gitleaks_findings_take_sarifs_default_level(gitleaks_report: dict[str, Any]) -> None:
    # gitleaks' results carry no level and its rules no default: SARIF 2.1.0 3.27.10 makes them warnings.
    text = sarif_summary.summary(gitleaks_report, "gitleaks", report_only=False)
    assert "**1 finding** (1 warning)." in text
    assert "| github-pat | warning | 1 |" in text
    assert "app/settings.py:1" in text
    assert github_token(7) not in text
    assert github_token(7) not in json.dumps(gitleaks_report)  # --redact keeps it out of the artifact


def test_only_the_most_severe_are_listed(tmp_path: Path) -> None:
    many = "import subprocess\n" + "".join(
        f"def run{index}(command):\n    return subprocess.call(command, shell=True)\n" for index in range(12)
    )
    text = sarif_summary.summary(bandit_sarif(tmp_path, many), "Bandit", report_only=False)
    assert "The 10 most severe of 13:" in text
    listed = [line for line in text.splitlines() if line.startswith("| error | B602")]
    assert len(listed) == 10
    assert "| note |" not in text.split("most severe")[1]  # the import (a note) is not among them


def test_report_only_says_so(bandit_report: dict[str, Any]) -> None:
    text = sarif_summary.summary(bandit_report, "Bandit", report_only=True)
    assert "**Report only:** findings do not fail this job" in text
    assert "`fail_on_findings: false`" in text


def test_no_findings_and_no_report(tmp_path: Path) -> None:
    assert sarif_summary.summary(bandit_sarif(tmp_path, CLEAN), "Bandit", report_only=False) == (
        "## Bandit\n\nNo findings.\n"
    )
    missing = sarif_summary.summary(sarif_summary.load(str(tmp_path / "none.sarif")), "Trivy", False)
    assert "The scan wrote no SARIF report; see the job log." in missing


def test_levels_follow_sarif_rules() -> None:
    rule = {"id": "R1", "defaultConfiguration": {"level": "error"}}
    assert sarif_summary.level_of({"level": "note"}, rule) == "note"
    assert sarif_summary.level_of({}, rule) == "error"
    assert sarif_summary.level_of({"kind": "pass"}, rule) == "none"
    assert sarif_summary.level_of({}, {}) == "warning"


def test_text_from_the_report_stays_in_its_cell() -> None:
    report = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "x"}},
                "results": [
                    {
                        "ruleId": "a|b",
                        "message": {"text": "<script>x</script>\n| forged | row |"},
                        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.py"}}}],
                    }
                ],
            }
        ],
    }
    validate(report)
    text = sarif_summary.summary(report, "X", report_only=False)
    assert "&lt;script&gt;" in text and "<script>" not in text
    assert "\n| forged" not in text
    assert "a&#124;b" in text


def test_the_rendered_step_writes_the_job_summary(tmp_path: Path, bandit_report: dict[str, Any]) -> None:
    step = rendered_step("security.yaml", "bandit", "Summarize the Bandit results")
    assert step["if"] == "always()"
    assert step["env"] == {"SARIF_FILE": "bandit.sarif", "SCANNER": "Bandit", "REPORT_ONLY": "false"}
    (tmp_path / "bandit.sarif").write_text(json.dumps(bandit_report), encoding="utf-8")
    done = run_step(step, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.summary == sarif_summary.summary(bandit_report, "Bandit", report_only=False)
    annotated = sarif_summary.annotation_commands(bandit_report, "Bandit", report_only=False)
    assert done.stdout.splitlines() == annotated
    # A scan that died before writing its report still gets a summary, and the step passes.
    (tmp_path / "bandit.sarif").unlink()
    done = run_step(step, tmp_path)
    assert done.returncode == 0
    assert "wrote no SARIF report" in done.summary


def test_report_only_reaches_the_rendered_step(tmp_path: Path, bandit_report: dict[str, Any]) -> None:
    step = rendered_step(
        "security.yaml",
        "bandit",
        "Summarize the Bandit results",
        {"security": {"bandit": {"fail_on_findings": False}}},
    )
    assert step["env"]["REPORT_ONLY"] == "true"
    (tmp_path / "bandit.sarif").write_text(json.dumps(bandit_report), encoding="utf-8")
    assert "**Report only:**" in run_step(step, tmp_path).summary


def test_the_most_severe_findings_are_annotated(bandit_report: dict[str, Any]) -> None:
    assert sarif_summary.annotation_commands(bandit_report, "Bandit", report_only=False) == [
        "::error file=app/module.py,line=6,title=Bandit B602 subprocess_popen_with_shell_equals_true::"
        "subprocess call with shell=True identified, security issue.",
        "::warning file=app/module.py,line=10,title=Bandit B301 blacklist::Pickle and modules that wrap it "
        "can be unsafe when used to deserialize untrusted data, possible security issue.",
        "::notice file=app/module.py,line=1,title=Bandit B403 blacklist::Consider possible security "
        "implications associated with pickle module.",
        "::notice file=app/module.py,line=2,title=Bandit B404 blacklist::Consider possible security "
        "implications associated with the subprocess module.",
    ]
    # Report-only findings do not fail the job, so none is annotated as an error.
    report_only = sarif_summary.annotation_commands(bandit_report, "Bandit", report_only=True)
    assert report_only[0].startswith("::warning file=app/module.py,line=6,title=Bandit B602")
    assert not any(line.startswith("::error") for line in report_only)


def test_annotations_escape_what_would_end_a_property_or_the_line() -> None:
    report = {
        "runs": [
            {
                "tool": {"driver": {"name": "x", "rules": [{"id": "R1", "name": "a:b,c"}]}},
                "results": [
                    {
                        "ruleId": "R1",
                        "level": "error",
                        "message": {"text": "100% bad\n::error::forged"},
                        "locations": [
                            {"physicalLocation": {"artifactLocation": {"uri": "a,b.py"}}},
                        ],
                    }
                ],
            }
        ]
    }
    assert sarif_summary.annotation_commands(report, "Scan", report_only=False) == [
        "::error file=a%2Cb.py,title=Scan R1 a%3Ab%2Cc::100%25 bad ::error::forged"
    ]
    assert sarif_summary.annotation_commands(None, "Scan", report_only=False) == []
