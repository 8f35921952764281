"""test.yaml for the reference design (Poetry), uv and pip projects and the neutral defaults, read back from
the rendered YAML, run through the validators and compared with their golden files. Each rule about
GitHub or an action names its source; the scripts the steps embed are tested in tests/render/scripts."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from pipekit import yamlio
from pipekit.check import run_all
from pipekit.check.permissions import needs_of as permission_needs
from pipekit.design import Design, design_from_data
from pipekit.facts import actions, tools
from pipekit.github.expression_evaluation import evaluate
from pipekit.github.expression_syntax import parse
from pipekit.github.matrix import expand_matrix_legs
from pipekit.pipeline import graph
from pipekit.pipeline.instances import job_runs
from pipekit.rehearse.actions._glob import minimatch
from pipekit.render import blocks
from pipekit.render import test as render_test
from pipekit.render.scripts import run_report

from ..designs import reference
from . import golden_files
from .scripts.support import recorded_calls, stub_command
from .support import Rendered

NEUTRAL = "neutral"  # the model's own defaults: what an empty design file renders

VARIANTS: dict[str, dict[str, Any]] = {
    NEUTRAL: {},
    "default": {},
    # pip with requirements files, a dependency group and extras per mode, docs-only changes ignored
    "pip-and-limits": {
        "project": {
            "package_manager": "pip",
            "requirements": ["requirements/test.txt"],
            "paths_ignore": ["docs/**", "*.md"],
            "artifact_retention_days": 5,
        },
        "test": {
            "max-parallel": 4,
            "fail-fast": True,
            "pytest_args": "-m 'not slow'",
            "setup": "mkdir -p services\ntouch services/ready",
            "coverage": {"fail_under": 85, "html_artifact": False},
            "lint": {"mypy": False},
            "modes": {
                "basic": {"extras": [], "groups": ["test"]},
                "enhanced": {"extras": ["ml"], "groups": ["test"]},
                "production": {"extras": ["ml", "otel"], "groups": ["test"], "env": {"APP_ENV": "prod"}},
            },
        },
    },
    # uv with a src layout, extras and groups per mode, benchmarks on a Windows runner that fail on alerts
    "uv": {
        "project": {"package_manager": "uv", "source_dirs": ["src/router"], "python": "3.13"},
        "test": {
            "matrix": {"python-version": ["3.12", "3.13"]},
            "modes": {
                "basic": {"extras": [], "groups": []},
                "enhanced": {"extras": ["ml"], "groups": []},
                "production": {"extras": ["ml"], "groups": ["monitoring"]},
            },
            "benchmark": {
                "runner": "windows-latest",
                "fail_on_alert": True,
                "alert_threshold": "120%",
                "command": "pytest benchmarks --benchmark-only --benchmark-json=benchmark.json\n",
            },
            "design_check": {"enabled": True, "requirement": "pipekit==0.1.0", "design": "pipeline.yaml"},
        },
    },
    # the run's report with its results kept 3 days and a failure notification, on a `trunk` default branch
    "report-and-notify": {
        "project": {"default_branch": "trunk"},
        "test": {"report": {"retention_days": 3, "webhook_secret": "TEAM_WEBHOOK"}},
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
            "coverage": {"enabled": False},
        }
    },
}


def design(name: str) -> Design:
    return design_from_data({}) if name == NEUTRAL else reference(VARIANTS[name])


def _render(design_: Design) -> str:
    text = render_test.render(design_, "pipeline.yaml")
    assert text is not None
    return text


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    folder = tmp_path_factory.mktemp("test-workflows")
    result: Rendered = {}
    for name in VARIANTS:
        text = _render(design(name))
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        result[name] = (text, yamlio.loads(text), path)
    return result


def jobs_of(rendered: Rendered, name: str) -> dict[str, Any]:
    jobs: dict[str, Any] = rendered[name][1]["jobs"]
    return jobs


def steps_of(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["name"]: step for step in job["steps"]}


def uses_of(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if str(step.get("uses", "")).startswith(f"{action}@")]


# --- outside authorities and golden files --------------------------------------------------------------


def test_every_variant_passes_the_outside_validators(rendered: Rendered) -> None:
    # schema, pinned actions' inputs, pin comments, permissions, GitHub's parser, zizmor
    assert run_all([path for _, _, path in rendered.values()]) == []


@pytest.mark.parametrize("name", VARIANTS)
def test_matches_its_golden_file(rendered: Rendered, name: str) -> None:
    golden_files.check("test.yaml", name, rendered[name][0])


def test_every_golden_file_is_a_variant() -> None:
    golden_files.check_no_strays("test.yaml", VARIANTS)


def test_jobs_follow_the_job_graph(rendered: Rendered) -> None:
    for name in VARIANTS:
        specs = graph.workflow_jobs(design(name), "test")
        jobs = jobs_of(rendered, name)
        assert list(jobs) == [spec.id for spec in specs]
        for spec in specs:
            assert jobs[spec.id]["runs-on"] == spec.runner


def test_reference_matrix_is_18_jobs_without_fail_fast(rendered: Rendered) -> None:
    strategy = jobs_of(rendered, "default")["test"]["strategy"]
    assert strategy["fail-fast"] is False
    matrix = strategy["matrix"]
    assert matrix == {
        "python-version": ["3.11", "3.12"],
        "os": ["ubuntu-latest", "macos-latest", "windows-latest"],
        "mode": ["basic", "enhanced", "production"],
    }
    # GitHub: the cartesian product of the vectors; no include/exclude here.
    assert len(list(itertools.product(*matrix.values()))) == 18
    assert jobs_of(rendered, "default")["test"]["runs-on"] == "${{ matrix.os }}"
    assert jobs_of(rendered, "default")["test"]["env"] == {"MODELMUXER_MODE": "${{ matrix.mode }}"}


def test_the_neutral_defaults_ask_nothing_of_the_repository(rendered: Rendered) -> None:
    jobs = jobs_of(rendered, NEUTRAL)
    assert list(jobs) == ["lint", "test", "passed", "report"]  # no benchmark unless the design has benchmarks
    test = jobs["test"]
    assert test["strategy"]["matrix"]["mode"] == ["default"]
    assert "env" not in test  # test.mode_variable is null
    install = steps_of(test)["Install dependencies"]
    assert install["run"] == "python -m pip install -e .\n"  # pip, the project alone, no mode case
    assert "--benchmark-disable" not in steps_of(test)["Run tests"]["run"]


def test_hardening(rendered: Rendered) -> None:
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


# --- package managers ---------------------------------------------------------------------------------


def test_poetry_comes_from_pipx_before_setup_python_caches_it(rendered: Rendered) -> None:
    """setup-python's docs/advanced-usage.md ("Caching poetry dependencies", v7.0.0): `pipx install
    poetry`, then actions/setup-python with `cache: poetry`, which runs `poetry config --list` to find
    the virtualenvs (src/cache-distributions/poetry-cache.ts). pipx is on every hosted runner, so the
    Windows legs get Poetry the same way; snok/install-poetry is not used."""
    for job in jobs_of(rendered, "default").values():
        if job["name"] in (render_test.JOB_NAMES["passed"], render_test.JOB_NAMES["report"]):
            continue  # they install nothing
        names = [step["name"] for step in job["steps"]]
        assert names.index("Install Poetry") + 1 == names.index("Set up Python")
        assert steps_of(job)["Install Poetry"]["run"] == f"pipx install {tools.requirement('poetry')}\n"
        assert steps_of(job)["Set up Python"]["with"]["cache"] == "poetry"
        assert not uses_of(job, "snok/install-poetry")
    assert "snok/install-poetry" not in "".join(text for text, _, _ in rendered.values())


def test_uv_is_pinned_cached_and_runs_the_synced_environment(rendered: Rendered) -> None:
    """astral-sh/setup-uv (action.yml at the pinned release): `version` pins uv, `python-version` sets
    UV_PYTHON, `enable-cache` keeps uv's cache, `prune-cache` (docs/caching.md: faster on hosted
    runners). setup-uv's docs/environment-and-tools.md recommends `uv run` over activate-environment;
    `--no-sync` keeps exactly what `uv sync --locked` installed."""
    for job_id in ("lint", "test", "benchmark"):
        job = jobs_of(rendered, "uv")[job_id]
        (setup,) = uses_of(job, "astral-sh/setup-uv")
        assert setup["with"]["version"] == tools.version("uv")
        assert setup["with"]["enable-cache"] is True and setup["with"]["prune-cache"] is True
        assert not uses_of(job, "actions/setup-python")
    test = steps_of(jobs_of(rendered, "uv")["test"])
    assert test["Set up uv and Python"]["with"]["python-version"] == "${{ matrix.python-version }}"
    assert test["Run tests"]["run"].startswith("uv run --no-sync pytest ")
    assert test["Check the number of tests that ran"]["run"].startswith("uv run --no-sync python - <<'PY'\n")
    lint = steps_of(jobs_of(rendered, "uv")["lint"])
    assert lint["Type-check (mypy)"]["run"] == "uv run --no-sync mypy src/router\n"
    assert lint["Install dependencies"]["run"] == "uv sync --locked --extra ml --group monitoring\n"


def test_pip_caches_on_its_dependency_files_and_installs_groups_with_a_pip_that_can(
    rendered: Rendered,
) -> None:
    """setup-python's pip cache keys on the files `cache-dependency-path` names (default
    **/requirements.txt, then **/pyproject.toml: src/cache-distributions/pip-cache.ts, constants.ts).
    `pip install --group` (PEP 735) exists from pip 25.1 (pip's 25.1 release notes), so a command with
    groups first installs the pinned pip."""
    test = steps_of(jobs_of(rendered, "pip-and-limits")["test"])
    assert test["Set up Python"]["with"] == {
        "python-version": "${{ matrix.python-version }}",
        "cache": "pip",
        "cache-dependency-path": "requirements/test.txt\npyproject.toml\n",
    }
    assert tuple(int(part) for part in tools.version("pip").split(".")[:2]) >= (25, 1)
    for command in test["Install dependencies"]["run"].split(";;"):
        if "--group" in command:
            assert f"python -m pip install {tools.requirement('pip')}" in command
    assert steps_of(jobs_of(rendered, NEUTRAL)["lint"])["Set up Python"]["with"] == {
        "python-version": "3.13",
        "cache": "pip",
        "cache-dependency-path": "pyproject.toml",
    }


def run_install(step: dict[str, Any], folder: Path, mode: str) -> list[list[str]]:
    """The install step run under bash, as GitHub runs it on every OS here (the test job's default
    shell), with poetry, uv and python stubs: each call's arguments, in order."""
    return recorded_calls(step["run"], folder, ("poetry", "uv", "python"), {"MODE": mode})


@pytest.mark.parametrize(
    ("variant", "calls"),
    [
        # Poetry: `sync` removes what a cached environment holds beyond the selection (poetry's
        # console/commands/sync.py); --with takes groups joined by "," (group_command.py splits on ","),
        # --extras a space-separated list (install.py splits each value).
        (
            "default",
            {
                "basic": [["poetry", "sync", "--no-interaction"]],
                "enhanced": [["poetry", "sync", "--no-interaction", "--with", "ml"]],
                "production": [["poetry", "sync", "--no-interaction", "--with", "monitoring"]],
            },
        ),
        (
            "uv",
            {
                "basic": [["uv", "sync", "--locked"]],
                "enhanced": [["uv", "sync", "--locked", "--extra", "ml"]],
                "production": [["uv", "sync", "--locked", "--extra", "ml", "--group", "monitoring"]],
            },
        ),
        (
            "pip-and-limits",
            {
                "basic": [
                    ["python", "-m", "pip", "install", tools.requirement("pip")],
                    [
                        "python",
                        "-m",
                        "pip",
                        "install",
                        "-r",
                        "requirements/test.txt",
                        "-e",
                        ".",
                        "--group",
                        "test",
                    ],
                ],
                "production": [
                    ["python", "-m", "pip", "install", tools.requirement("pip")],
                    [
                        "python",
                        "-m",
                        "pip",
                        "install",
                        "-r",
                        "requirements/test.txt",
                        "-e",
                        ".[ml,otel]",
                        "--group",
                        "test",
                    ],
                ],
            },
        ),
    ],
)
def test_each_mode_installs_its_extras_and_groups(
    tmp_path: Path, rendered: Rendered, variant: str, calls: Mapping[str, list[list[str]]]
) -> None:
    step = steps_of(jobs_of(rendered, variant)["test"])["Install dependencies"]
    assert step["env"] == {"MODE": "${{ matrix.mode }}"}
    for mode, expected in calls.items():
        assert run_install(step, tmp_path, mode) == expected, mode


def test_an_unknown_mode_fails_the_install(tmp_path: Path, rendered: Rendered) -> None:
    step = steps_of(jobs_of(rendered, "default")["test"])["Install dependencies"]
    with pytest.raises(AssertionError):
        run_install(step, tmp_path, "nope")


def test_the_test_job_runs_bash_on_every_os(rendered: Rendered) -> None:
    # bash is on GitHub's Windows and macOS runners too; the install case and the scripts need it
    for name in VARIANTS:
        assert jobs_of(rendered, name)["test"]["defaults"] == {"run": {"shell": "bash"}}


def test_mode_environment_reaches_later_steps(tmp_path: Path, rendered: Rendered) -> None:
    script = steps_of(jobs_of(rendered, "pip-and-limits")["test"])["Set the mode's environment"]["run"]
    github_env = tmp_path / "env"
    for mode, expected in [("basic", []), ("production", ["APP_ENV=prod"])]:
        github_env.write_text("")
        done = subprocess.run(
            ["bash", "-e", "-c", script],
            env={**os.environ, "MODE": mode, "GITHUB_ENV": str(github_env)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert github_env.read_text().splitlines() == expected
    # modes without environment variables need no step
    assert "Set the mode's environment" not in steps_of(jobs_of(rendered, "default")["test"])


def test_the_setup_runs_after_the_install_and_before_the_tests(tmp_path: Path, rendered: Rendered) -> None:
    names = [step["name"] for step in jobs_of(rendered, "pip-and-limits")["test"]["steps"]]
    assert names.index("Install dependencies") < names.index("Prepare the tests") < names.index("Run tests")
    script = steps_of(jobs_of(rendered, "pip-and-limits")["test"])["Prepare the tests"]["run"]
    subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, check=True)
    assert (tmp_path / "services" / "ready").is_file()
    # only the test legs prepare: lint and the designs without a setup have no such step
    assert "Prepare the tests" not in steps_of(jobs_of(rendered, "pip-and-limits")["lint"])
    assert "Prepare the tests" not in steps_of(jobs_of(rendered, "default")["test"])


def test_benchmark_commands_run_in_the_project_environment(rendered: Rendered) -> None:
    run = steps_of(jobs_of(rendered, "default")["benchmark"])["Run benchmarks"]["run"]
    assert run.splitlines() == [
        '. "$(poetry env info --path)/bin/activate"',
        "pytest tests/performance --benchmark-only --benchmark-json=benchmark.json",
    ]
    # a virtual environment on Windows keeps its scripts in Scripts/
    windows = steps_of(jobs_of(rendered, "uv")["benchmark"])["Run benchmarks"]["run"]
    assert (
        windows
        == ". .venv/Scripts/activate\npytest benchmarks --benchmark-only --benchmark-json=benchmark.json\n"
    )


# --- coverage, the test gate and artifacts -------------------------------------------------------------


def test_caching_coverage_and_the_gate(rendered: Rendered) -> None:
    jobs = jobs_of(rendered, "default")
    lint = steps_of(jobs["lint"])
    assert lint["Check formatting (ruff)"]["run"] == "poetry run ruff format --check .\n"
    assert lint["Type-check (mypy)"]["run"] == "poetry run mypy app\n"
    test = steps_of(jobs["test"])
    assert test["Set up Python"]["with"] == {
        "python-version": "${{ matrix.python-version }}",
        "cache": "poetry",
    }
    assert "--cov=app" in test["Run tests"]["run"] and "--cov-report=html" in test["Run tests"]["run"]
    assert test["Check the number of tests that ran"]["env"] == {"MIN_TESTS": "116"}
    upload = test["Upload coverage-html"]
    assert upload["with"]["path"] == "htmlcov/"
    assert upload["if"] == (
        "always() && matrix.python-version == '3.12' && matrix.os == 'ubuntu-latest'"
        " && matrix.mode == 'production'"
    )
    pip = steps_of(jobs_of(rendered, "pip-and-limits")["test"])
    assert "--cov-fail-under=85" in pip["Run tests"]["run"]
    assert pip["Run tests"]["env"] == {"PYTEST_ARGS": "-m 'not slow'"}
    assert "Upload coverage-html" not in pip
    assert jobs_of(rendered, "pip-and-limits")["test"]["strategy"]["max-parallel"] == 4


def test_every_artifact_is_kept_for_the_designs_retention_days(rendered: Rendered) -> None:
    """actions/upload-artifact's `retention-days` (action.yml): without it the repository's default (90
    days unless changed) applies. The legs' results are read in the same run: test.report keeps them
    for its own, short, time."""
    assert "retention-days" in actions.load_metadata("actions/upload-artifact").declared
    uploads = results = 0
    for name in VARIANTS:
        days = design(name).project.artifact_retention_days
        for job in jobs_of(rendered, name).values():
            for upload in uses_of(job, "actions/upload-artifact"):
                if upload["with"]["name"].startswith(render_test.RESULTS_PREFIX):
                    assert upload["with"]["retention-days"] == design(name).test.report.retention_days
                    results += 1
                else:
                    assert upload["with"]["retention-days"] == days
                uploads += 1
    assert uploads >= 5 and results == len(VARIANTS)
    assert (
        steps_of(jobs_of(rendered, "report-and-notify")["test"])["Upload the test results"]["with"][
            "retention-days"
        ]
        == 3
    )


# --- benchmarks -----------------------------------------------------------------------------------------


def test_benchmarks_do_not_also_run_in_every_test_leg(rendered: Rendered) -> None:
    """pytest-benchmark's --benchmark-disable (src/pytest_benchmark/plugin.py): benchmarked functions run
    once, as tests, without timing rounds; the benchmark job times them."""
    for name in VARIANTS:
        bench = design(name).test.benchmark
        run = steps_of(jobs_of(rendered, name)["test"])["Run tests"]["run"]
        assert ("--benchmark-disable" in run) == (bench.enabled and bench.tool == "pytest"), name
    custom = reference({"test": {"benchmark": {"tool": "customSmallerIsBetter", "command": "make bench"}}})
    run = steps_of(yamlio.loads(_render(custom))["jobs"]["test"])["Run tests"]["run"]
    assert "--benchmark-disable" not in run  # not pytest-benchmark: the flag would be unknown to pytest


def test_benchmark_comments_need_pull_requests_write_only(rendered: Rendered) -> None:
    """github-action-benchmark v1.22.0 comments on a pull request as a review
    (dist/src/comment/leavePRComment.js: pulls.createReview) and on a commit only without one
    (leaveCommitComment.js: repos.createCommitComment). The job comments only on pull requests, so it
    needs pull-requests: write and no contents: write."""
    for name in ("default", "uv"):
        job = jobs_of(rendered, name)["benchmark"]
        assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
        action = steps_of(job)["Compare with earlier results"]["with"]
        assert action["auto-push"] is False and "gh-pages-branch" not in action
        for key in ("comment-always", "comment-on-alert"):
            assert action[key] == f"${{{{ {blocks.WRITABLE_PULL_REQUEST} }}}}"


def test_the_alert_threshold_is_read(rendered: Rendered) -> None:
    """dist/src/write.js, handleAlert: without comment-on-alert and fail-on-alert the alert check is
    skipped, so alert-threshold alone would do nothing."""
    for name in ("default", "uv"):
        action = steps_of(jobs_of(rendered, name)["benchmark"])["Compare with earlier results"]["with"]
        assert action["alert-threshold"] == design(name).test.benchmark.alert_threshold
        assert action["comment-on-alert"] not in (False, "false") or action["fail-on-alert"] is True
    assert steps_of(jobs_of(rendered, "uv")["benchmark"])["Compare with earlier results"]["with"][
        "fail-on-alert"
    ]
    assert "Fail on a benchmark alert" in steps_of(jobs_of(rendered, "uv")["benchmark"])


def test_raw_results_are_posted_whenever_nothing_was_compared(rendered: Rendered) -> None:
    """dist/src/write.js, writeBenchmark: with no earlier result (prevBench null) the action comments,
    summarises and alerts on nothing, and succeeds. The job looks for earlier results itself first and
    posts the raw table when there are none, or when the action failed."""
    job = jobs_of(rendered, "default")["benchmark"]
    steps = steps_of(job)
    names = [step["name"] for step in job["steps"]]
    order = ["Restore earlier benchmark data", "Look for earlier results", "Compare with earlier results"]
    assert [names.index(name) for name in order] == sorted(names.index(name) for name in order)
    baseline = steps["Look for earlier results"]
    assert baseline["id"] == "baseline"
    assert baseline["run"] == render_test.benchmark_baseline(design("default"))
    action = steps["Compare with earlier results"]["with"]
    assert baseline["env"]["BENCHMARK_DATA"] == action["external-data-json-path"]
    assert baseline["env"]["BENCHMARK_NAME"] == action["name"]
    restore = steps["Restore earlier benchmark data"]["with"]
    assert action["external-data-json-path"].startswith(restore["path"] + "/")
    no_comparison = "steps.benchmark.outcome == 'failure' || steps.baseline.outputs.found != 'true'"
    assert steps["Write the raw results"]["if"] == no_comparison
    comment = steps["Comment the raw results on the pull request"]
    assert comment["if"] == f"({no_comparison}) && {blocks.WRITABLE_PULL_REQUEST}"
    assert comment["run"] == 'gh pr comment "$PR_NUMBER" --body-file benchmark-comment.md\n'
    assert comment["env"]["PR_NUMBER"] == "${{ github.event.pull_request.number }}"
    assert steps["Compare with earlier results"]["continue-on-error"] is True
    # only pushes store results, so the baseline is the default branch's
    assert action["save-data-file"] == "${{ github.event_name == 'push' }}"


# --- fork and Dependabot pull requests ------------------------------------------------------------------

PULL_REQUEST = {"event_name": "pull_request", "repository": "acme/router"}


@pytest.mark.parametrize(
    ("github", "writable"),
    [
        (
            {
                **PULL_REQUEST,
                "event": {
                    "pull_request": {
                        "head": {"repo": {"full_name": "acme/router"}},
                        "user": {"login": "alice"},
                    }
                },
            },
            True,
        ),
        (
            {
                **PULL_REQUEST,
                "event": {
                    "pull_request": {
                        "head": {"repo": {"full_name": "fork/router"}},
                        "user": {"login": "mallory"},
                    }
                },
            },
            False,
        ),
        (
            {
                **PULL_REQUEST,
                "event": {
                    "pull_request": {
                        "head": {"repo": {"full_name": "acme/router"}},
                        "user": {"login": "dependabot[bot]"},
                    }
                },
            },
            False,
        ),
        ({"event_name": "push", "repository": "acme/router", "event": {}}, False),
    ],
)
def test_comments_only_where_the_token_can_write(github: dict[str, Any], writable: bool) -> None:
    """GitHub gives pull requests from forks a read-only GITHUB_TOKEN and no secrets ("Events that trigger
    workflows", pull_request), and so does a Dependabot pull request by default ("Automating Dependabot
    with GitHub Actions"); a comment step there would fail the job."""
    condition = parse(blocks.WRITABLE_PULL_REQUEST, ["github"])
    assert evaluate(condition, {"github": github}) is writable


def test_every_comment_step_has_the_writable_pull_request_condition(rendered: Rendered) -> None:
    for name in VARIANTS:
        for job in jobs_of(rendered, name).values():
            for step in job["steps"]:
                if "gh pr comment" in step.get("run", ""):
                    assert step["if"].endswith(f"&& {blocks.WRITABLE_PULL_REQUEST}")


# --- the required check and the triggers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("results", "fails"),
    [
        ({"lint": "success", "test": "success", "benchmark": "success"}, False),
        ({"lint": "success", "test": "failure", "benchmark": "success"}, True),
        ({"lint": "success", "test": "cancelled", "benchmark": "success"}, True),
        ({"lint": "skipped", "test": "success", "benchmark": "success"}, True),
    ],
)
def test_passed_fails_unless_every_job_succeeded(
    rendered: Rendered, results: dict[str, str], fails: bool
) -> None:
    """One check to require: a skipped job counts as passed for a required check (GitHub docs,
    "Troubleshooting required status checks"), so `passed` runs always() and fails itself."""
    job = jobs_of(rendered, "default")["passed"]
    assert job["needs"] == ["lint", "test", "benchmark"]
    assert job["if"] == "always()"
    assert job["permissions"] == {}
    (step,) = job["steps"]
    needs = {job_id: {"result": result} for job_id, result in results.items()}
    assert evaluate(parse(step["if"], ["needs"]), {"needs": needs}) is fails


def test_passed_names_the_jobs_that_did_not_pass(rendered: Rendered) -> None:
    (step,) = jobs_of(rendered, "default")["passed"]["steps"]
    assert step["env"]["RESULTS"].splitlines() == [
        "lint ${{ needs.lint.result }}",
        "test ${{ needs.test.result }}",
        "benchmark ${{ needs.benchmark.result }}",
    ]
    results = "lint failure\ntest success\nbenchmark skipped\n"
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        env={**os.environ, "RESULTS": results},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert (
        done.stdout
        == "::error title=Test jobs::not every test.yaml job passed: lint failure, benchmark skipped\n"
    )


def test_paths_ignore_skips_pushes_but_never_the_required_check(rendered: Rendered) -> None:
    """GitHub docs, "Troubleshooting required status checks" (handling skipped but required checks): a
    workflow its path filter skipped leaves its required checks pending, and the pull request cannot
    merge. test.yaml holds `passed`, so its pull requests always run; pushes skip docs-only changes."""
    on = rendered["pip-and-limits"][1]["on"]
    assert on["push"] == {"branches": ["main"], "paths-ignore": ["docs/**", "*.md"]}
    assert on["pull_request"] == {"branches": ["main"]}
    assert rendered["default"][1]["on"]["push"] == {"branches": ["main"]}  # none ignored
    other = blocks.triggers(design("pip-and-limits"), ["push", "pull_request"])
    assert other["pull_request"] == {"branches": ["main"], "paths-ignore": ["docs/**", "*.md"]}


def test_include_exclude_variant(rendered: Rendered) -> None:
    matrix = jobs_of(rendered, "include-exclude")["test"]["strategy"]["matrix"]
    assert matrix["python-version"] == ["3.10", "3.13"]  # strings, not 3.1
    assert matrix["exclude"] == [{"os": "windows-2025", "mode": "enhanced"}]
    assert matrix["include"] == [{"python-version": "3.14", "os": "ubuntu-24.04", "mode": "basic"}]
    assert "benchmark" not in jobs_of(rendered, "include-exclude")


def test_options_change_the_output() -> None:
    base = _render(reference({}))
    for data in (
        {"test": {"min_tests": 200}},
        {"test": {"fail-fast": True}},
        {"test": {"mode_variable": "APP_MODE"}},
        {"test": {"benchmark": {"alert_threshold": "120%"}}},
        {"test": {"benchmark": {"command": "make bench"}}},
        {"test": {"lint": {"ruff_check": False}}},
        {"test": {"coverage": {"report_leg": {"os": "macos-latest"}}}},
        {"project": {"source_dirs": ["src"]}},
        {"project": {"artifact_retention_days": 30}},
        {"project": {"paths_ignore": ["docs/**"]}},
        {"test": {"report": {"retention_days": 7}}},
        {"test": {"report": {"webhook_secret": "TEAM_WEBHOOK"}}},
        {"test": {"report": {"enabled": False}}},
    ):
        assert _render(reference(data)) != base, data


def test_the_design_check_runs_pipekit_check_and_the_notebooks(rendered: Rendered) -> None:
    text = rendered["uv"][0]
    assert "CI runs `pipekit check` (test.yaml's design job) to prove this file" in text.splitlines()[2]
    job = jobs_of(rendered, "uv")["design"]
    steps = steps_of(job)
    install = steps["Install pipekit"]
    assert install["env"] == {"PIPEKIT": "pipekit==0.1.0"}
    # the requirement reaches pip as one quoted argument from the environment, never spliced into the script
    assert install["run"] == f'python -m pip install "$PIPEKIT" {tools.requirement("nbval")} ' + (
        f"{tools.requirement('pytest')}\n"
    )
    assert steps["Workflows match the design (pipekit check)"]["run"] == (
        "pipekit check --repo . --design pipeline.yaml\n"
    )
    assert "--nbval" in steps["Design notebooks run (nbval)"]["run"]
    # the notebooks run after drift too (one run names every problem), but never without pipekit
    assert steps["Install pipekit"]["id"] == "install"
    assert steps["Design notebooks run (nbval)"]["if"] == "always() && steps.install.outcome == 'success'"
    assert steps["Design notebooks run (nbval)"]["run"].endswith(" notebooks/pipekit\n")
    assert job["permissions"] == {"contents": "read"}
    assert "design" in jobs_of(rendered, "uv")["passed"]["needs"]
    # without the job, the header does not claim CI runs the check
    assert "design" not in jobs_of(rendered, "default")
    assert rendered["default"][0].splitlines()[2].startswith("# Run `pipekit check` to prove this file")


def test_the_design_check_without_notebooks_installs_pipekit_alone() -> None:
    check = {
        "enabled": True,
        "requirement": "pipekit @ git+https://github.com/o/pipekit@v1",
        "notebooks": None,
    }
    job = yamlio.loads(_render(reference({"test": {"design_check": check}})))["jobs"]["design"]
    steps = steps_of(job)
    assert steps["Install pipekit"]["run"] == 'python -m pip install "$PIPEKIT"\n'
    assert "Design notebooks run (nbval)" not in steps
    assert steps["Workflows match the design (pipekit check)"]["run"].endswith("--design pipeline.yaml\n")


# --- the run's report -----------------------------------------------------------------------------------

REPORTING = [name for name in VARIANTS if design(name).test.report.enabled]


def substituted(template: str, contexts: Mapping[str, Any]) -> str:
    """A value with ``${{ }}`` expressions, as GitHub's runner fills it in from `contexts`."""
    return re.sub(
        r"\$\{\{(.*?)\}\}",
        lambda found: str(evaluate(parse(found.group(1).strip(), list(contexts)), contexts)),
        template,
    )


def leg_matrices(rendered: Rendered, name: str) -> list[dict[str, Any]]:
    """Each test leg's matrix values, from the rendered strategy.matrix by GitHub's rules."""
    strategy = jobs_of(rendered, name)["test"]["strategy"]["matrix"]
    return [dict(leg.matrix) for leg in expand_matrix_legs(strategy, job="test")]


@pytest.mark.parametrize("name", REPORTING)
def test_every_leg_uploads_its_results_under_a_name_of_its_own(rendered: Rendered, name: str) -> None:
    """upload-artifact answers a second upload under the same name in a run with 409 Conflict (the
    artifact service; the rehearsal's stand-in keeps that refusal), so every leg needs its own name."""
    steps = steps_of(jobs_of(rendered, name)["test"])
    collect, upload = steps["Collect the test results"], steps["Upload the test results"]
    names = list(steps)
    assert (
        names.index("Run tests")
        < names.index("Collect the test results")
        < names.index("Upload the test results")
    )
    # failed legs keep their results too
    assert collect["if"] == "always()" and upload["if"] == "always()"
    assert collect["env"]["JOB_STATUS"] == "${{ job.status }}"
    assert upload["with"]["path"] == "test-results/"
    legs = leg_matrices(rendered, name)
    uploaded = [substituted(upload["with"]["name"], {"matrix": leg}) for leg in legs]
    assert len(set(uploaded)) == len(legs) > 0
    # the folder inside the artifact is the artifact's name: merge-multiple keeps the legs apart
    assert [substituted(collect["env"]["RESULTS"], {"matrix": leg}) for leg in legs] == uploaded
    # the report downloads exactly these artifacts, and reads each under the leg it belongs to
    report = jobs_of(rendered, name)["report"]
    download = steps_of(report)["Download the test results"]["with"]
    assert download["merge-multiple"] is True and download["path"] == "test-results"
    every_artifact = [
        str(step["with"]["name"])
        for job in jobs_of(rendered, name).values()
        for step in uses_of(job, "actions/upload-artifact")
    ]
    matched = [artifact for artifact in every_artifact if minimatch(download["pattern"], artifact)]
    assert matched == [upload["with"]["name"]]  # only the legs' results, not coverage-html or benchmarks
    assert all(minimatch(download["pattern"], artifact) for artifact in uploaded)
    jobs = run_report.read_jobs(steps_of(report)["Write the test report"]["env"]["JOBS"])
    assert [job["results"] for job in jobs if job["job"] == "test"] == uploaded


def test_the_collect_step_keeps_the_reports_and_the_status(tmp_path: Path, rendered: Rendered) -> None:
    collect = steps_of(jobs_of(rendered, "default")["test"])["Collect the test results"]
    (tmp_path / "junit.xml").write_text("<testsuites/>", encoding="utf-8")  # pytest stopped before coverage
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", collect["run"]],
        cwd=tmp_path,
        env={**os.environ, "RESULTS": "test-results-3.12-ubuntu-latest-basic", "JOB_STATUS": "failure"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "test-results" / "test-results-3.12-ubuntu-latest-basic"
    assert sorted(path.name for path in folder.iterdir()) == ["junit.xml", "status.txt"]
    assert (folder / "status.txt").read_text(encoding="utf-8") == "failure\n"
    # coverage.xml is collected only where the design measures coverage
    assert "coverage.xml" in collect["run"]
    off = steps_of(jobs_of(rendered, "include-exclude")["test"])["Collect the test results"]
    assert "coverage.xml" not in off["run"]


@pytest.mark.parametrize("name", REPORTING)
def test_the_report_needs_every_other_job_and_runs_always(rendered: Rendered, name: str) -> None:
    """A job whose needs failed is skipped unless its `if` has a status function; `always()` runs it
    after failures and cancellations too (GitHub docs, "Using conditions to control job execution")."""
    jobs = jobs_of(rendered, name)
    report = jobs["report"]
    assert report["needs"] == [job_id for job_id in jobs if job_id != "report"]
    assert report["if"] == "always()"
    assert "report" not in jobs["passed"]["needs"]  # the required check never waits for the report
    results = steps_of(report)["Write the test report"]["env"]["RESULTS"]
    assert results.splitlines() == [f"{need} ${{{{ needs.{need}.result }}}}" for need in report["needs"]]


@pytest.mark.parametrize("name", REPORTING)
def test_the_report_is_granted_exactly_what_it_uses(rendered: Rendered, name: str) -> None:
    """The report lists the run's jobs through the REST API, which needs "Actions" read (fine-grained
    permissions of "List jobs for a workflow run attempt"); download-artifact reads the current run's
    artifacts with the runner's own token and needs no scope (its README); nothing checks out."""
    report = jobs_of(rendered, name)["report"]
    assert report["permissions"] == {"actions": "read"}
    assert not uses_of(report, "actions/checkout")
    needed = {
        need.scope: need.level
        for step in report["steps"]
        for need in permission_needs(step, report["steps"])
        if need.required
    }
    assert needed == {"actions": "read"}
    script = steps_of(report)["Write the test report"]
    assert "/actions/runs/" in script["run"] and script["env"]["GITHUB_TOKEN"] == "${{ github.token }}"


def test_the_reports_jobs_are_named_and_estimated_as_github_and_the_plan_see_them(rendered: Rendered) -> None:
    """GitHub names a matrix leg of a job with a `name:` by that name and the leg's values in brackets;
    the plan's estimate of each leg is the report's yardstick."""
    jobs = jobs_of(rendered, "default")
    entries = run_report.read_jobs(steps_of(jobs["report"])["Write the test report"]["env"]["JOBS"])
    matrix = jobs["test"]["strategy"]["matrix"]
    legs = [
        f"{jobs['test']['name']} ({', '.join(values)})"
        for values in itertools.product(matrix["python-version"], matrix["os"], matrix["mode"])
    ]
    others = [job["name"] for job_id, job in jobs.items() if job_id not in ("test", "report")]
    assert sorted(entry["name"] for entry in entries) == sorted(legs + others)
    planned = [run for run in job_runs(design("default"), "push", workflows=("test",)) if run.job != "report"]
    assert [(entry["job"], entry["estimate_minutes"]) for entry in entries] == [
        (run.job, pytest.approx(run.minutes)) for run in planned
    ]
    # the coverage figure comes from the leg that uploads the HTML report
    condition = steps_of(jobs["test"])["Upload coverage-html"]["if"].removeprefix("always() && ")
    tests = [entry for entry in entries if entry["job"] == "test"]
    for entry, leg in zip(tests, leg_matrices(rendered, "default"), strict=True):
        assert entry["coverage_leg"] is evaluate(parse(condition, ["matrix"]), {"matrix": leg})
    assert sum(entry["coverage_leg"] for entry in tests) == 1


NOTIFY = "Notify the webhook of the failure"


@pytest.mark.parametrize(
    ("event", "ref", "results", "sends"),
    [
        # results of lint, test, benchmark and passed
        ("push", "refs/heads/trunk", ["success", "failure", "success", "failure"], True),
        ("push", "refs/heads/trunk", ["success", "success", "success", "success"], False),
        ("push", "refs/heads/trunk", ["success", "cancelled", "success", "failure"], True),
        ("push", "refs/heads/trunk", ["success", "cancelled", "success", "cancelled"], False),
        ("pull_request", "refs/pull/7/merge", ["failure", "success", "success", "failure"], False),
        ("workflow_dispatch", "refs/heads/trunk", ["failure", "success", "success", "failure"], False),
        ("push", "refs/heads/main", ["failure", "success", "success", "failure"], False),  # not the default
    ],
)
def test_the_notification_goes_only_to_failed_pushes_of_the_default_branch(
    rendered: Rendered, event: str, ref: str, results: list[str], sends: bool
) -> None:
    report = jobs_of(rendered, "report-and-notify")["report"]
    assert report["needs"] == ["lint", "test", "benchmark", "passed"]
    condition = steps_of(report)[NOTIFY]["if"]
    assert condition.startswith("always() && ")  # also when the report step itself failed
    needs = {need: {"result": result} for need, result in zip(report["needs"], results, strict=True)}
    contexts = {"github": {"event_name": event, "ref": ref}, "needs": needs}
    assert evaluate(parse(condition.removeprefix("always() && "), list(contexts)), contexts) is sends


def test_the_webhook_url_comes_from_the_secret_and_only_with_one(rendered: Rendered) -> None:
    report = jobs_of(rendered, "report-and-notify")["report"]
    step = steps_of(report)[NOTIFY]
    assert step["env"]["WEBHOOK_URL"] == "${{ secrets.TEAM_WEBHOOK }}"
    assert "${{" not in step["run"] and 'echo "$WEBHOOK_URL' not in step["run"]
    written = steps_of(report)["Write the test report"]["env"]["NOTIFICATION_FILE"]
    assert step["env"]["NOTIFICATION_FILE"] == written
    for name in REPORTING:
        if design(name).test.report.webhook_secret is None:
            other = jobs_of(rendered, name)["report"]
            assert NOTIFY not in steps_of(other)
            assert "NOTIFICATION_FILE" not in steps_of(other)["Write the test report"]["env"]
            assert "secrets." not in yamlio.dumps(other)


def run_notify(
    step: Mapping[str, Any], folder: Path, url: str, curl: str
) -> subprocess.CompletedProcess[str]:
    """The notify step under bash as GitHub runs it, with a curl that logs its arguments and runs `curl`."""
    stub_command(folder / "stubs", "curl", f'printf \'%s\\n\' "$@" > "{folder}/curl.args"\n{curl}\n')
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=folder,
        env={
            **os.environ,
            "PATH": f"{folder / 'stubs'}{os.pathsep}{os.environ['PATH']}",
            "WEBHOOK_URL": url,
            "NOTIFICATION_FILE": step["env"]["NOTIFICATION_FILE"],
        },
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_notify_step_posts_the_reports_json_and_never_fails_the_report(
    tmp_path: Path, rendered: Rendered
) -> None:
    step = steps_of(jobs_of(rendered, "report-and-notify")["report"])[NOTIFY]
    payload = tmp_path / step["env"]["NOTIFICATION_FILE"]
    payload.write_text('{"text": "Test failed"}', encoding="utf-8")
    url = "https://hooks.example.com/services/T0/B0/secret"
    done = run_notify(step, tmp_path, url, "exit 0")
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr
    args = (tmp_path / "curl.args").read_text(encoding="utf-8").splitlines()
    assert args[-1] == url
    assert args[args.index("--data-binary") + 1] == f"@{step['env']['NOTIFICATION_FILE']}"
    assert "Content-Type: application/json" in args and "--fail" in args
    # the webhook refused: a warning, the report stays green
    done = run_notify(step, tmp_path, url, "exit 22")
    assert done.returncode == 0
    assert done.stdout == "::warning title=Test report::the webhook did not take the notification\n"
    # no URL in the secret: nothing is called
    (tmp_path / "curl.args").unlink()
    done = run_notify(step, tmp_path, "", "exit 0")
    assert done.returncode == 0 and not (tmp_path / "curl.args").exists()
    assert "the secret TEAM_WEBHOOK holds no webhook URL" in done.stdout
    payload.unlink()
    done = run_notify(step, tmp_path, url, "exit 0")
    assert done.returncode == 0 and not (tmp_path / "curl.args").exists()
    assert "the report wrote no notification" in done.stdout


def test_without_the_report_no_leg_keeps_results() -> None:
    off = yamlio.loads(_render(reference({"test": {"report": {"enabled": False}}})))["jobs"]
    assert "report" not in off
    assert "Collect the test results" not in steps_of(off["test"])
    assert not [
        step for step in uses_of(off["test"], "actions/upload-artifact") if "test-results" in str(step)
    ]
