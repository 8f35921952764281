"""The dispatch table: every action pipekit pins is either stood in for or said why it is not."""

from __future__ import annotations

import pytest

from pipekit.facts import actions as action_facts
from pipekit.facts.packaged import data_names
from pipekit.rehearse import actions
from pipekit.rehearse.actions import REASONS, STAND_INS, reason, stand_in
from tests.rehearse.actions.conftest import Call


def _pinned_actions() -> list[str]:
    """Each pinned repository, and each action.yml copy (subpaths such as github/codeql-action/init)."""
    repositories = set(action_facts.load_pins())
    with_metadata = {
        name.removesuffix(".yml").replace("__", "/") for name in data_names(action_facts.METADATA_DIR)
    }
    return sorted(repositories | with_metadata)


@pytest.mark.parametrize("action", _pinned_actions())
def test_every_pinned_action_has_a_stand_in_or_a_reason(action: str) -> None:
    if action in STAND_INS:
        return
    assert not reason(action).startswith("no stand-in"), f"{action}: add a stand-in or a reason to REASONS"


def test_the_pinned_repositories_with_stand_ins_only_for_subpaths_are_covered() -> None:
    # github/codeql-action is stood in for at upload-sarif; its other paths need the repository's reason
    assert "github/codeql-action/upload-sarif" in STAND_INS
    assert reason("github/codeql-action/analyze") == REASONS["github/codeql-action"]
    assert reason("github/codeql-action/init") == REASONS["github/codeql-action"]


@pytest.mark.parametrize(
    ("action", "words"),
    [
        (
            "docker/build-push-action",
            "builds and pushes container images: needs a Docker daemon and a registry",
        ),
        ("docker/setup-qemu-action", "needs a Docker daemon and a registry"),
        ("aquasecurity/trivy-action", "Trivy"),
        ("actions/dependency-review-action", "dependency graph"),
        ("actions/attest-build-provenance", "OIDC token"),
        ("benchmark-action/github-action-benchmark", "stores and compares results on GitHub"),
        ("anchore/sbom-action", "Syft"),
    ],
)
def test_actions_without_stand_ins_are_not_rehearsed_with_their_reason(
    make_call: Call, action: str, words: str
) -> None:
    result = stand_in(make_call(action))
    assert result.outcome == "not_rehearsed"
    assert words in result.reason


def test_an_unknown_action_is_not_rehearsed_by_name(make_call: Call) -> None:
    result = stand_in(make_call("someone/something"))
    assert (result.outcome, result.reason) == ("not_rehearsed", "no stand-in for someone/something")


def test_dispatch_runs_the_stand_in(make_call: Call) -> None:
    result = stand_in(make_call("actions/cache", path="x", key="k"))
    assert result.outcome == "success"
    assert "Cache not found" in result.log


def test_the_runner_finds_install_shims_beside_stand_in() -> None:
    assert callable(actions.install_shims)
