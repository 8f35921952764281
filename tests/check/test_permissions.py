"""permissions: GitHub's GITHUB_TOKEN model, held to least privilege with a reason for every grant."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipekit.check import permissions, workflow_parser, workflow_schema
from pipekit.facts import actions

from .samples import CLEAN, broken


def test_clean_samples_pass() -> None:
    assert permissions.check(CLEAN) == []


def test_planted_violations_are_found_where_they_are() -> None:
    found = [
        (f.file.rsplit("/", 1)[-1], f.line, f.column, f.rule)
        for f in permissions.check(broken("permissions"))
    ]
    assert found == [
        ("broken-excess.yaml", 20, 7, "permissions-excess"),
        ("broken-job-without-permissions.yaml", 15, 3, "permissions-job"),
        ("broken-missing.yaml", 19, 5, "permissions-missing"),
        ("broken-no-reason.yaml", 20, 7, "permissions-reason"),
        ("broken-top-level-write.yaml", 9, 3, "permissions-workflow"),
        ("broken-unknown-scope.yaml", 20, 7, "permissions-scope"),
    ]
    assert {rule for *_, rule in found} == set(permissions.RULES)


def test_scopes_are_the_ones_githubs_parser_accepts() -> None:
    schema = json.loads(
        (
            workflow_parser.PARSER_DIR
            / "node_modules"
            / "@actions"
            / "workflow-parser"
            / "dist"
            / "workflow-v1.0.min.json"
        ).read_text(encoding="utf-8")
    )
    levels = {
        "permission-level-any": {"read", "write", "none"},
        "permission-level-read-or-no-access": {"read", "none"},
        "permission-level-write-or-no-access": {"write", "none"},
    }
    mapping = schema["definitions"]["permissions-mapping"]["mapping"]["properties"]
    assert {scope: levels[spec["type"]] for scope, spec in mapping.items()} == permissions.SCOPES


def test_the_workflow_schema_knows_no_scope_or_level_githubs_parser_refuses() -> None:
    schema = json.loads(workflow_schema.schema_file().read_text(encoding="utf-8"))["definitions"]
    for scope, spec in schema["permissions-event"]["properties"].items():
        accepted = set(spec.get("enum") or schema["permissions-level"]["enum"])
        assert accepted <= permissions.SCOPES[scope], scope


def _workflow(top: str, job: str, *steps: str) -> str:
    lines = ["on: push", top, "jobs:", "  a:", "    runs-on: x", job, "    steps:"]
    lines += [f"      - {step}" for step in steps]
    return "\n".join(line for line in lines if line) + "\n"


def _rules(text: str) -> list[tuple[int | None, str]]:
    return [(f.line, f.rule) for f in permissions.check_text(text, "w.yml")]


CHECKOUT = f"uses: {actions.uses('actions/checkout')}"
JOB_READS = "    permissions:\n      contents: read # check out"


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        ("permissions: {}", []),
        ("permissions: read-all", []),
        ("permissions:\n  contents: read # everyone checks out", []),
        ("permissions:\n  contents: none", []),
        ("", [(None, "permissions-workflow")]),
        ("permissions: write-all", [(2, "permissions-workflow")]),
        ("permissions:\n  issues: write # label", [(3, "permissions-workflow")]),
        ("permissions:\n  contents: read", [(3, "permissions-reason")]),
    ],
)
def test_the_top_level_is_empty_or_read_only(top: str, expected: list[tuple[int | None, str]]) -> None:
    assert _rules(_workflow(top, JOB_READS, CHECKOUT)) == expected


@pytest.mark.parametrize(
    ("job", "expected"),
    [
        ("    permissions:\n      contents: read # check out", []),
        ("    permissions:\n      contents: read # check out\n      issues: none", []),
        ("", [(4, "permissions-job")]),
        ("    permissions: read-all", [(6, "permissions-job")]),
        ("    permissions:\n      contents: read #", [(7, "permissions-reason")]),
        (
            "    permissions:\n      contents: reed # typo",
            [(7, "permissions-scope"), (6, "permissions-missing")],
        ),
        (
            "    permissions:\n      contents: read # check out\n      id-token: read # sign",
            [(8, "permissions-scope")],
        ),
        ("    permissions:\n      contents: write # push", [(7, "permissions-excess")]),
        (
            "    permissions:\n      contents: read # check out\n      issues: read # why not",
            [(8, "permissions-excess")],
        ),
    ],
)
def test_every_job_grants_what_its_steps_need(job: str, expected: list[tuple[int | None, str]]) -> None:
    assert _rules(_workflow("permissions: {}", job, CHECKOUT)) == expected


def test_a_reusable_workflow_call_is_held_only_to_the_form() -> None:
    text = "on: push\npermissions: {}\njobs:\n  call:\n    uses: ./.github/workflows/x.yml\n"
    assert _rules(text) == [(4, "permissions-job")]
    granted = text + "    permissions:\n      packages: write # the called workflow pushes\n"
    assert _rules(granted) == []


def _needs(step: dict[str, Any], *others: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    steps = [step, *others]
    return {need.scope: (need.level, need.required) for need in permissions.needs_of(step, steps)}


def test_what_steps_need() -> None:
    assert _needs({"uses": "actions/checkout@x"}) == {"contents": ("read", True)}
    # upload-sarif reads the run only on private repositories, which the file cannot tell
    assert _needs({"uses": "github/codeql-action/upload-sarif@x"}) == {
        "security-events": ("write", True),
        "actions": ("read", False),
    }
    login = {"uses": "docker/login-action@x", "with": {"registry": "ghcr.io"}}
    assert _needs(login) == {"packages": ("read", True)}
    assert _needs(login, {"uses": "docker/build-push-action@x"}) == {"packages": ("write", True)}
    assert _needs({"uses": "docker/login-action@x", "with": {"registry": "docker.io"}}) == {}
    assert _needs({"uses": "actions/attest-build-provenance@x"}) == {
        "id-token": ("write", True),
        "attestations": ("write", True),
    }
    assert _needs({"run": 'gh pr comment "$PR" --body x'}) == {"pull-requests": ("write", True)}
    runs = 'url = f"{api}/repos/{repository}/actions/workflows/{urllib.parse.quote(workflow)}/runs?{query}"'
    assert _needs({"run": runs}) == {"actions": ("read", True)}
    listing = 'gh api "repos/$GITHUB_REPOSITORY/actions/runs?head_sha=$SHA"'
    assert _needs({"run": listing}) == {"actions": ("read", True)}
    assert _needs({"run": "echo see /actions/runner docs"}) == {}
    benchmark = "benchmark-action/github-action-benchmark@x"
    assert _needs({"uses": benchmark, "with": {"comment-always": False, "auto-push": "false"}}) == {}
    # v1.22.0 comments on a pull request as a review (dist/src/comment/leavePRComment.js), elsewhere on
    # the commit (leaveCommitComment.js), and pushes its data branch with auto-push
    assert _needs(
        {"uses": benchmark, "with": {"comment-always": "${{ github.event_name == 'pull_request' }}"}}
    ) == {"pull-requests": ("write", True)}
    assert _needs({"uses": benchmark, "with": {"comment-on-alert": True}}) == {"contents": ("write", True)}
    assert _needs({"uses": benchmark, "with": {"auto-push": True}}) == {"contents": ("write", True)}
    assert _needs({"uses": "actions/upload-artifact@x"}) == {}
