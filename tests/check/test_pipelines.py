"""Whole pipelines for materially different designs, proved by outside validators and a permission rule.

Validators: the GitHub workflow JSON schema, GitHub's own parser, zizmor (default persona), the pinned
actions' declared inputs, pin comments, and gitleaks' config rules under RE2. Permissions: the grants
each job needs are derived from its steps by the table below and must equal what the job is given.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from pipekit.check import validators
from pipekit.design import Design, design_from_data
from pipekit.render import render_all
from pipekit.yamlio import loads

DESIGNS: dict[str, dict[str, Any]] = {
    "default": {},
    "no-windows": {"test": {"matrix": {"os": ["ubuntu-latest", "macos-latest"]}}},
    "scanners-off": {
        "build": {"scan": {"enabled": False}, "attestations": False},
        "security": {
            "gitleaks": {"enabled": False},
            "trivy": {"enabled": False},
            "bandit": {"enabled": False},
            "sbom": {"enabled": False},
        },
        "test": {"benchmark": {"enabled": False}},
    },
    "public-no-deploy": {
        "billing": {"visibility": "public", "plan": "free"},
        "project": {"owner_type": "user"},
        "security": {"gitleaks": {"license_secret": None, "version": "8.30.1"}},
        "deploy": {"enabled": False},
    },
    "large-matrix": {
        "test": {
            "matrix": {
                "python-version": ["3.10", "3.11", "3.12", "3.13"],
                "os": ["ubuntu-24.04", "ubuntu-24.04-arm", "windows-2025", "macos-15"],
                "mode": ["basic", "enhanced", "production"],
                "exclude": [
                    {"os": "macos-15", "mode": "basic"},
                    {"python-version": "3.10", "os": "windows-2025"},
                ],
                "include": [{"python-version": "3.14", "os": "ubuntu-24.04", "mode": "basic"}],
            },
            "max-parallel": 12,
        }
    },
    "custom-registry": {
        "build": {
            "registry": "registry.example.com",
            "image": "acme/router",
            "platforms_push": ["linux/amd64"],
        },
        "project": {"package_manager": "pip", "default_branch": "trunk"},
        "deploy": {"preview": None, "secrets": ["KUBE_CONFIG"]},
    },
}


@pytest.fixture(scope="module")
def pipelines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Design, dict[str, Path]]]:
    result = {}
    for name, data in DESIGNS.items():
        design = design_from_data(data)
        folder = tmp_path_factory.mktemp(name)
        paths = {}
        for file, text in render_all(design).items():
            (folder / file).write_text(text)
            paths[file] = folder / file
        result[name] = (design, paths)
    return result


def _workflow_paths(pipelines: dict[str, tuple[Design, dict[str, Path]]]) -> list[Path]:
    return [p for _, paths in pipelines.values() for name, p in paths.items() if name.endswith(".yaml")]


def test_schema_parser_and_zizmor_find_nothing(pipelines: dict[str, tuple[Design, dict[str, Path]]]) -> None:
    paths = _workflow_paths(pipelines)
    assert len(paths) >= 5 * len(DESIGNS) - 2
    assert validators.check_schema(paths) == []
    assert validators.check_workflow_parser(paths) == []
    assert validators.check_zizmor(paths) == []


def test_action_inputs_and_pins(pipelines: dict[str, tuple[Design, dict[str, Path]]]) -> None:
    for path in _workflow_paths(pipelines):
        text = path.read_text()
        assert validators.check_action_inputs(loads(text), str(path)) == []
        assert validators.check_pin_comments(text, str(path)) == []


def test_gitleaks_config_extends_defaults_and_compiles_under_re2(
    pipelines: dict[str, tuple[Design, dict[str, Path]]],
) -> None:
    for design, paths in pipelines.values():
        if not design.security.gitleaks.enabled:
            assert ".gitleaks.toml" not in paths
            continue
        config = paths[".gitleaks.toml"]
        defaults = design.security.gitleaks.version
        assert validators.check_gitleaks_config(config.read_text(), str(config), defaults) == []


# ------------------------------------------------------------------------------------------ permissions

SARIF = "github/codeql-action/upload-sarif"


def needed_permissions(design: Design, job: dict[str, Any]) -> dict[str, str]:
    """What a job's steps need, from each action's documentation; the strongest level wins."""
    needed: dict[str, str] = {}

    def need(scope: str, level: str) -> None:
        if needed.get(scope) != "write":
            needed[scope] = level

    for step in job["steps"]:
        uses = str(step.get("uses", "")).split("@")[0]
        with_ = step.get("with", {})
        if uses == "actions/checkout":
            need("contents", "read")
        elif uses == SARIF:
            need("security-events", "write")
            if design.billing.visibility == "private":
                need("actions", "read")  # upload-sarif reads the run's details on private repositories
        elif uses == "docker/login-action" and with_.get("registry") == "ghcr.io":
            pushes = any(str(s.get("uses", "")).startswith("docker/build-push-action@") for s in job["steps"])
            need("packages", "write" if pushes else "read")
        elif uses == "actions/attest-build-provenance":
            need("id-token", "write")
            need("attestations", "write")
        elif uses == "peter-evans/create-or-update-comment" or "gh pr comment" in step.get("run", ""):
            need("pull-requests", "write")
        elif uses == "benchmark-action/github-action-benchmark" and with_.get("comment-always") not in (
            None,
            False,
        ):
            need("contents", "write")  # its comment is a commit comment
        elif uses == "gitleaks/gitleaks-action":
            need("pull-requests", "read")  # lists a pull request's commits
        elif uses in ("actions/dependency-review-action", "anchore/sbom-action"):
            need("contents", "read")
    return needed


def test_each_job_is_granted_exactly_what_its_steps_need(
    pipelines: dict[str, tuple[Design, dict[str, Path]]],
) -> None:
    for name, (design, paths) in pipelines.items():
        for file, path in paths.items():
            if not file.endswith(".yaml"):
                continue
            workflow = loads(path.read_text())
            assert workflow["permissions"] == {}, (name, file)
            for job_id, job in workflow["jobs"].items():
                assert job["permissions"] == needed_permissions(design, job), (name, file, job_id)


def test_every_grant_explains_itself(pipelines: dict[str, tuple[Design, dict[str, Path]]]) -> None:
    grant = re.compile(r"^\s+[a-z-]+: (?:read|write)\b")
    for _, paths in pipelines.values():
        for file, path in paths.items():
            if file.endswith(".yaml"):
                for line in path.read_text().splitlines():
                    if grant.match(line):
                        assert re.search(r" # \S", line), (file, line)
