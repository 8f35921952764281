"""test.yaml: the reference test workflow and other variants, read back from the rendered YAML, run through
the validators and compared with their golden files; its scripts are tested in tests/render/scripts."""

from __future__ import annotations

import itertools
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pipekit.check import run_all
from pipekit.design import design_from_data
from pipekit.render import test as render_test

from . import golden_files
from .support import write_variants

VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "pip-and-limits": {
        "project": {"package_manager": "pip"},
        "test": {
            "max-parallel": 4,
            "fail-fast": True,
            "pytest_args": "-m 'not slow'",
            "coverage": {"fail_under": 85, "html_artifact": False},
            "lint": {"mypy": False},
        },
    },
    "include-exclude": {
        "test": {
            "matrix": {
                "python-version": ["3.10", "3.13"],
                "os": ["ubuntu-24.04", "windows-2025"],
                "mode": ["basic", "enhanced"],
                "exclude": [{"os": "windows-2025", "mode": "enhanced"}],
                "include": [{"python-version": "3.14", "os": "ubuntu-24.04", "mode": "basic"}],
            },
            "benchmark": {"enabled": False},
            "dependency_audit": False,
            "coverage": {"enabled": False},
        }
    },
}


def _render(data: dict[str, Any]) -> str:
    text = render_test.render(design_from_data(data), "pipeline.yaml")
    assert text is not None
    return text


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, dict[str, Any], Path]]:
    return write_variants(tmp_path_factory.mktemp("test-workflows"), VARIANTS, _render)


def test_every_variant_passes_the_outside_validators(
    rendered: dict[str, tuple[str, dict[str, Any], Path]],
) -> None:
    # schema, pinned actions' inputs, pin comments, GitHub's parser, zizmor
    assert run_all([path for _, _, path in rendered.values()]) == []


@pytest.mark.parametrize("name", VARIANTS)
def test_matches_its_golden_file(rendered: dict[str, tuple[str, dict[str, Any], Path]], name: str) -> None:
    golden_files.check("test.yaml", name, rendered[name][0])


def test_every_golden_file_is_a_variant() -> None:
    golden_files.check_no_strays("test.yaml", VARIANTS)


def test_reference_matrix_is_18_jobs_without_fail_fast(
    rendered: dict[str, tuple[str, dict[str, Any], Path]],
) -> None:
    strategy = rendered["default"][1]["jobs"]["test"]["strategy"]
    assert strategy["fail-fast"] is False
    matrix = strategy["matrix"]
    assert matrix == {
        "python-version": ["3.11", "3.12"],
        "os": ["ubuntu-latest", "macos-latest", "windows-latest"],
        "mode": ["basic", "enhanced", "production"],
    }
    # GitHub: the cartesian product of the vectors; no include/exclude here.
    assert len(list(itertools.product(*matrix.values()))) == 18
    assert rendered["default"][1]["jobs"]["test"]["runs-on"] == "${{ matrix.os }}"


def test_hardening(rendered: dict[str, tuple[str, dict[str, Any], Path]]) -> None:
    for text, workflow, _ in rendered.values():
        assert workflow["permissions"] == {}
        assert workflow["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
        for job in workflow["jobs"].values():
            assert isinstance(job["timeout-minutes"], int)
            for step in job["steps"]:
                assert "${{" not in step.get("run", "")
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False
        assert "contents: read # check out the repository" in text


def _steps(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["name"]: step for step in job["steps"]}


def test_lint_caching_coverage_and_audit(rendered: dict[str, tuple[str, dict[str, Any], Path]]) -> None:
    jobs = rendered["default"][1]["jobs"]
    lint = _steps(jobs["lint"])
    assert lint["Check formatting (ruff)"]["run"] == "poetry run ruff format --check .\n"
    assert lint["Type-check (mypy)"]["run"] == "poetry run mypy app\n"
    test = _steps(jobs["test"])
    assert test["Set up Python"]["with"] == {
        "python-version": "${{ matrix.python-version }}",
        "cache": "poetry",
    }
    assert "Install Poetry" in test
    assert "--cov=app" in test["Run tests"]["run"] and "--cov-report=html" in test["Run tests"]["run"]
    upload = test["Upload the coverage report"]
    assert upload["with"]["path"] == "htmlcov/"
    assert upload["if"] == (
        "always() && matrix.python-version == '3.12' && matrix.os == 'ubuntu-latest'"
        " && matrix.mode == 'production'"
    )
    assert "pip-audit" in _steps(jobs["dependency-audit"])["Audit dependencies (pip-audit)"]["run"]
    pip = _steps(rendered["pip-and-limits"][1]["jobs"]["test"])
    assert pip["Set up Python"]["with"]["cache"] == "pip"
    assert "--cov-fail-under=85" in pip["Run tests"]["run"]
    assert pip["Run tests"]["env"] == {"PYTEST_ARGS": "-m 'not slow'"}
    assert "Upload the coverage report" not in pip
    assert rendered["pip-and-limits"][1]["jobs"]["test"]["strategy"]["max-parallel"] == 4


def test_benchmark_is_comment_only_with_artifact_and_fallback(
    rendered: dict[str, tuple[str, dict[str, Any], Path]],
) -> None:
    job = rendered["default"][1]["jobs"]["benchmark"]
    steps = _steps(job)
    assert steps["Store benchmark results"]["if"] == "always()"
    action = steps["Compare with earlier results"]
    assert action["with"]["auto-push"] is False
    assert action["with"]["external-data-json-path"] == "benchmark-data/benchmark.json"
    assert "gh-pages-branch" not in action["with"]
    assert action["with"]["comment-always"] == "${{ github.event_name == 'pull_request' }}"
    assert action["continue-on-error"] is True
    fallback = steps["Comment on the pull request (fallback)"]
    assert fallback["if"] == "steps.benchmark.outcome == 'failure' && github.event_name == 'pull_request'"
    assert fallback["run"] == 'gh pr comment "$PR_NUMBER" --body-file benchmark-comment.md\n'
    assert fallback["env"]["PR_NUMBER"] == "${{ github.event.pull_request.number }}"
    assert set(job["permissions"]) == {"contents", "pull-requests"}
    assert "benchmark" not in rendered["include-exclude"][1]["jobs"]


def test_include_exclude_variant(rendered: dict[str, tuple[str, dict[str, Any], Path]]) -> None:
    matrix = rendered["include-exclude"][1]["jobs"]["test"]["strategy"]["matrix"]
    assert matrix["python-version"] == ["3.10", "3.13"]  # strings, not 3.1
    assert matrix["exclude"] == [{"os": "windows-2025", "mode": "enhanced"}]
    assert matrix["include"] == [{"python-version": "3.14", "os": "ubuntu-24.04", "mode": "basic"}]


def _bash(script: str, tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=tmp_path, env={**os.environ, **env}, capture_output=True, text=True
    )


def test_mode_step_selects_extras_and_env(
    tmp_path: Path, rendered: dict[str, tuple[str, dict[str, Any], Path]]
) -> None:
    script = _steps(rendered["default"][1]["jobs"]["test"])["Select the mode's extras"]["run"]
    github_env = tmp_path / "env"
    for mode, expected in [
        ("basic", ["EXTRAS="]),
        ("production", ["ENV=production", "EXTRAS=enhanced production"]),
    ]:
        github_env.write_text("")
        result = _bash(script, tmp_path, {"MODE": mode, "GITHUB_ENV": str(github_env)})
        assert result.returncode == 0, result.stderr
        assert github_env.read_text().splitlines() == expected
    assert _bash(script, tmp_path, {"MODE": "nope", "GITHUB_ENV": str(github_env)}).returncode == 1


def test_options_change_the_output() -> None:
    base = _render({})
    for data in (
        {"test": {"min_tests": 200}},
        {"test": {"fail-fast": True}},
        {"test": {"mode_variable": "APP_MODE"}},
        {"test": {"benchmark": {"alert_threshold": "120%"}}},
        {"test": {"benchmark": {"command": "make bench"}}},
        {"test": {"lint": {"ruff_check": False}}},
        {"test": {"coverage": {"report_leg": {"os": "macos-latest"}}}},
        {"project": {"source_dirs": ["src"]}},
    ):
        assert _render(data) != base, data
