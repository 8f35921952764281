"""Whole pipelines for materially different designs, through every check pipekit has.

The checks hold each file to its authority: the workflow schema, GitHub's parser, zizmor, the pinned
actions' inputs and pins, GitHub's permission model (least privilege), and gitleaks' config rules. What
a file alone cannot say, the design can: whether upload-sarif needs `actions: read` (private
repositories only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipekit.check import run_all
from pipekit.design import Design
from pipekit.render import render_all
from pipekit.yamlio import loads

from ..designs import reference

DESIGNS: dict[str, dict[str, Any]] = {
    "default": {},
    "no-windows": {"test": {"matrix": {"os": ["ubuntu-latest", "macos-latest"]}}},
    "code-security": {"security": {"code_security": True}},
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
        "security": {"gitleaks": {"version": "8.30.1"}},
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
        "deploy": {"preview": {"secrets": ["PREVIEW_TOKEN"]}, "commands": {"teardown": "./teardown.sh"}},
    },
}


@pytest.fixture(scope="module")
def pipelines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Design, dict[str, Path]]]:
    result = {}
    for name, data in DESIGNS.items():
        design = reference(data)  # each a change of the repository's reference pipeline
        folder = tmp_path_factory.mktemp(name)
        paths = {}
        for file, text in render_all(design).items():
            (folder / file).write_text(text)
            paths[file] = folder / file
        result[name] = (design, paths)
    return result


def test_every_check_finds_nothing(pipelines: dict[str, tuple[Design, dict[str, Path]]]) -> None:
    for name, (design, paths) in pipelines.items():
        assert len(paths) >= 4, name
        assert run_all(paths.values(), gitleaks_version=design.security.gitleaks.version) == [], name


def test_gitleaks_config_only_when_enabled(pipelines: dict[str, tuple[Design, dict[str, Path]]]) -> None:
    for design, paths in pipelines.values():
        assert (".gitleaks.toml" in paths) == design.security.gitleaks.enabled


SARIF = ("github/codeql-action/upload-sarif", "github/codeql-action/analyze")


def test_actions_read_is_granted_only_on_private_repositories(
    pipelines: dict[str, tuple[Design, dict[str, Path]]],
) -> None:
    """upload-sarif reads the workflow run only on private repositories: the permissions check allows
    the grant without requiring it, so the design decides. deploy.yaml's gate reads workflow runs, and
    test.yaml's report the run's jobs, through the REST API, which needs the same grant whatever the
    visibility."""
    seen = set()
    for design, paths in pipelines.values():
        private = design.billing.visibility == "private"
        for file, path in paths.items():
            if not file.endswith(".yaml"):
                continue
            for job_id, job in loads(path.read_text())["jobs"].items():
                uploads = any(str(step.get("uses", "")).startswith(SARIF) for step in job["steps"])
                granted = job["permissions"].get("actions") == "read"
                if (file, job_id) in (("deploy.yaml", "gate"), ("test.yaml", "report")):
                    assert granted
                    continue
                assert granted == (uploads and private), (file, job_id)
                seen.add((uploads, private))
    assert {(True, True), (True, False)} <= seen
