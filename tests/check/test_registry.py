"""The list of checks (pipekit.check): every sample, clean or broken, through every check."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipekit import yamlio
from pipekit.check import CHECKS, DEFAULT_CHECKS, Check, gather, run_all
from pipekit.errors import InputFileError
from pipekit.facts import actions

from .samples import ALL_BROKEN, CLEAN, DATA

# What each check says about each broken sample: its own rule, and where authorities overlap, theirs.
EXPECTED: dict[str, dict[str, list[str]]] = {
    "action_inputs/broken-missing-required-input.yaml": {"action-inputs": ["action-required-input"]},
    "action_inputs/broken-undeclared-input.yaml": {"action-inputs": ["action-input"]},
    "gitleaks_config/broken-extend.toml": {"gitleaks-config": ["gitleaks-extend"]},
    "permissions/broken-excess.yaml": {"permissions": ["permissions-excess"]},
    "permissions/broken-job-without-permissions.yaml": {"permissions": ["permissions-job"]},
    "permissions/broken-missing.yaml": {"permissions": ["permissions-missing"]},
    "permissions/broken-no-reason.yaml": {"permissions": ["permissions-reason"]},
    "permissions/broken-top-level-write.yaml": {"permissions": ["permissions-workflow"]},
    # GitHub's parser and the schema refuse an unknown permission too
    "permissions/broken-unknown-scope.yaml": {
        "permissions": ["permissions-scope"],
        "workflow-schema": ["schema"],
        "workflow-parser": ["workflow-parser"],
    },
    "pins/broken-pin-comment.yaml": {"action-pins": ["action-pin"]},
    # zizmor's default policy wants every action hash-pinned, so it agrees with the pin check
    "pins/broken-unpinned.yaml": {"action-pins": ["action-pin"], "zizmor": ["unpinned-uses"]},
    "workflow_parser/broken-cron.yaml": {"workflow-parser": ["workflow-parser"]},
    # GitHub refuses branches + branches-ignore on one event; only the schema encodes that rule
    "workflow_schema/broken-schema.yaml": {"workflow-schema": ["schema"]},
    "zizmor/broken-injection.yaml": {"zizmor": ["template-injection"]},
}


def test_every_broken_sample_has_expectations() -> None:
    assert sorted(EXPECTED) == [path.relative_to(DATA).as_posix() for path in ALL_BROKEN]


def test_the_list() -> None:
    names = [check.name for check in CHECKS]
    assert len(set(names)) == len(names)
    assert [check.name for check in CHECKS if check not in DEFAULT_CHECKS] == ["workflow-parser"]
    rules = [rule for check in CHECKS for rule in check.rules]
    assert len(set(rules)) == len(rules)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.name)
def test_each_check_passes_the_clean_samples(check: Check) -> None:
    inputs, unreadable = gather(CLEAN)
    assert unreadable == [] and check.run(inputs) == []


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.name)
def test_each_check_on_every_broken_sample(check: Check) -> None:
    inputs, _ = gather(ALL_BROKEN)
    found: dict[str, list[str]] = {}
    for finding in check.run(inputs):
        found.setdefault(Path(finding.file).relative_to(DATA).as_posix(), []).append(finding.rule)
    expected = {name: rules[check.name] for name, rules in EXPECTED.items() if check.name in rules}
    assert {name: sorted(rules) for name, rules in found.items()} == expected
    assert expected, f"{check.name}: no broken sample shows it failing"
    if check.rules:
        assert {rule for rules in expected.values() for rule in rules} <= set(check.rules)


def test_run_all_runs_every_check_in_file_and_line_order(tmp_path: Path) -> None:
    findings = run_all(ALL_BROKEN)
    assert sorted(f.rule for f in findings) == sorted(
        rule for by_check in EXPECTED.values() for rules in by_check.values() for rule in rules
    )
    assert findings == sorted(findings, key=lambda f: (f.file, f.line or 0, f.column or 0))
    assert run_all(CLEAN) == []


def test_gitleaks_configs_go_to_the_gitleaks_check(tmp_path: Path) -> None:
    config = tmp_path / ".gitleaks.toml"
    config.write_text("[extend]\nuseDefault = true\n", encoding="utf-8")
    assert run_all([*CLEAN, config], gitleaks_version="8.30.1") == []
    config.write_text("[extend]\n", encoding="utf-8")
    assert [f.rule for f in run_all([*CLEAN, config])] == ["gitleaks-extend"]


def test_a_file_that_is_not_yaml_is_one_finding(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs: [\n", encoding="utf-8")
    (finding,) = run_all([bad, *CLEAN])
    assert (finding.file, finding.line, finding.column, finding.rule) == (str(bad), 3, 1, "yaml")
    assert finding.message.startswith("YAML syntax error at line 3, column 1")


def test_other_files_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "notes.md"
    other.write_text("# notes\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"notes\.md: not a workflow"):
        run_all([other])
    with pytest.raises(InputFileError, match="no such file"):
        run_all([tmp_path / "gone.yaml"])


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_the_clean_samples_are_hardened(path: Path) -> None:
    """What the checks cannot see, the samples still show: names, time limits, cancellation, no token
    left in .git/config."""
    workflow = yamlio.loads(path.read_text(encoding="utf-8"))
    assert workflow["name"]
    assert "cancel-in-progress" in workflow["concurrency"]
    for job_id, job in workflow["jobs"].items():
        assert isinstance(job["timeout-minutes"], int), job_id
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
            if "uses" in step:
                assert step["uses"] == actions.uses(step["uses"].partition("@")[0])
