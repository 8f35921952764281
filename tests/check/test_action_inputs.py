"""action_inputs: `with:` keys against the pinned release's action.yml."""

from __future__ import annotations

import pytest

from pipekit.check import action_inputs
from pipekit.facts import actions

from .samples import CLEAN, broken


def test_clean_samples_pass() -> None:
    assert action_inputs.check(CLEAN) == []


def test_planted_violations_are_found_where_they_are() -> None:
    findings = action_inputs.check(broken("action_inputs"))
    assert [(f.file.rsplit("/", 1)[-1], f.line, f.column, f.rule) for f in findings] == [
        ("broken-missing-required-input.yaml", 23, 9, "action-required-input"),  # at `with:`
        ("broken-undeclared-input.yaml", 25, 11, "action-input"),  # at the key
    ]
    assert findings[0].message.endswith(
        "actions/upload-artifact v7.0.0 requires input 'path' (it has no default)"
    )
    assert findings[1].message.endswith("has no input 'fetch_depth'; did you mean 'fetch-depth'?")


def _steps(*lines: str) -> str:
    return "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n" + "".join(
        f"      {line}\n" for line in lines
    )


def test_edge_cases() -> None:
    cache = actions.uses("actions/cache")
    text = _steps(
        "- {uses: ./local-action, with: {anything: 1}}",  # 6: a local action: its inputs are unknown
        "- {uses: someone/else@v1, with: {x: 1}}",  # 7: no pin, no metadata: the pins check says so
        f"- {{uses: '{actions.uses('actions/checkout')}', with: {{Fetch-Depth: 0}}}}",  # 8: any case
        f"- {{uses: 'actions/checkout@{'0' * 40}', with: {{depth: 1}}}}",  # 9: held to the pinned release
        f"- {{uses: '{actions.uses('github/codeql-action/upload-sarif')}', with: {{sarif_file: x}}}}",  # 10
        f"- uses: {actions.uses('github/codeql-action')}",  # 11: pinned, but no action.yml at the root
        f"- uses: {cache}",  # 12: `key` and `path` are required, and missing: reported at `uses:`
        f"- {{uses: '{cache}', with: [key, path]}}",  # 13: `with:` is no mapping (the schema's finding)
    )
    findings = action_inputs.check_text(text, "w.yml")
    assert [(f.line, f.rule, f.message.split(":")[0]) for f in findings] == [
        (9, "action-input", "jobs.a.steps[3]"),
        (11, "action-input", "jobs.a.steps[5]"),
        (12, "action-required-input", "jobs.a.steps[6]"),
        (12, "action-required-input", "jobs.a.steps[6]"),
        (13, "action-required-input", "jobs.a.steps[7]"),
        (13, "action-required-input", "jobs.a.steps[7]"),
    ]
    assert "actions/checkout v7.0.1 has no input 'depth'" in findings[0].message
    assert "no action.yml for github/codeql-action" in findings[1].message
    assert "requires input 'key'" in findings[2].message and "requires input 'path'" in findings[3].message
    assert (findings[2].column, findings[4].column) == (9, 74)  # at `uses:`, then at `with:`


def test_container_actions_also_take_entrypoint_and_args(monkeypatch: pytest.MonkeyPatch) -> None:
    docker = actions.ActionInputs("actions/checkout", frozenset({"image"}), frozenset(), "docker")
    monkeypatch.setattr(actions, "load_metadata", lambda action: docker)
    text = _steps(
        f"- {{uses: '{actions.uses('actions/checkout')}', with: {{entrypoint: sh, args: x, other: 1}}}}"
    )
    findings = action_inputs.check_text(text, "w.yml")
    assert [(f.rule, "'other'" in f.message) for f in findings] == [("action-input", True)]


def test_ignores_shapes_the_schema_reports() -> None:
    assert action_inputs.check_text("jobs: x\n", "w.yml") == []
    assert action_inputs.check_text("jobs:\n  a:\n    steps: [x, {uses: 3}, {uses: [a]}]\n", "w.yml") == []
