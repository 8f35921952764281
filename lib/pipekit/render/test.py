"""test.yaml: lint, the test matrix with coverage and a test-count gate, benchmarks, dependency audit."""

from __future__ import annotations

import shlex
from typing import Any

from pipekit.design.model import Design
from pipekit.facts import tools
from pipekit.pipeline import graph
from pipekit.pipeline.graph import JobSpec
from pipekit.render import blocks as common
from pipekit.render import scripts
from pipekit.render.blocks import READ_CONTENTS, Job, Step, checkout, permissions, step

TEST_GATE = scripts.python("min_tests_gate.py", scripts.SETUP_PYTHON)
BENCHMARK_COMMENT = scripts.python("benchmark_comment.py", scripts.SETUP_PYTHON)

POETRY_ACTIVATE = '. "$(poetry env info --path)/bin/activate"\n'


def _mode_step(design: Design) -> Step:
    """Selects the mode's extras and environment; mode names and env keys are validated identifiers."""
    lines = ['case "$MODE" in']
    for name, mode in design.test.modes.items():
        actions = [f"extras={shlex.quote(' '.join(mode.extras))}"]
        actions += [
            f'echo {shlex.quote(f"{key}={value}")} >> "$GITHUB_ENV"' for key, value in mode.env.items()
        ]
        lines.append(f"  {name}) " + "; ".join(actions) + " ;;")
    lines.append('  *) echo "unknown test mode: $MODE" >&2; exit 1 ;;')
    lines.append("esac")
    lines.append('echo "EXTRAS=$extras" >> "$GITHUB_ENV"')
    return step("Select the mode's extras", run="\n".join(lines) + "\n", env={"MODE": "${{ matrix.mode }}"})


def _report_leg_condition(design: Design) -> str:
    leg = graph.report_leg(design)
    parts = [f"matrix.{key} == '{value}'" for key, value in leg.items()]
    return " && ".join(["always()", *parts])


def _lint_job(design: Design, spec: JobSpec) -> Job:
    lint, run = design.test.lint, common.in_env(design)
    sources = " ".join(shlex.quote(d) for d in design.project.source_dirs)
    steps = [checkout(), *common.setup_python(design, design.project.python), common.install(design)]
    if lint.ruff_format:
        steps.append(step("Check formatting (ruff)", run=f"{run}ruff format --check .\n"))
    if lint.ruff_check:
        steps.append(step("Lint (ruff)", run=f"{run}ruff check --output-format=github .\n"))
    if lint.mypy:
        steps.append(step("Type-check (mypy)", run=f"{run}mypy {sources}\n"))
    return common.job(
        name="Lint and type-check",
        runs_on=spec.runner,
        timeout=design.test.timeout_minutes,
        perms=permissions(contents=READ_CONTENTS),
        steps=steps,
    )


def _test_job(design: Design, spec: JobSpec) -> Job:
    test, run = design.test, common.in_env(design)
    coverage = test.coverage
    sources = design.project.source_dirs
    pytest = f"{run}pytest --junitxml=junit.xml"
    if coverage.enabled:
        pytest += "".join(f" --cov={shlex.quote(s)}" for s in sources)
        pytest += " --cov-report=term --cov-report=xml"
        if coverage.html_artifact:
            pytest += " --cov-report=html"
        if coverage.fail_under is not None:
            pytest += f" --cov-fail-under={coverage.fail_under:g}"
    if test.pytest_args:
        pytest += " $PYTEST_ARGS"
    steps: list[Step] = [
        checkout(),
        *common.setup_python(design, "${{ matrix.python-version }}"),
        _mode_step(design),
        common.install(design, extras_from_env=True),
        step(
            "Run tests",
            run=pytest + "\n",
            env={"PYTEST_ARGS": test.pytest_args} if test.pytest_args else None,
        ),
        step("Check the number of tests that ran", run=TEST_GATE, env={"MIN_TESTS": str(test.min_tests)}),
    ]
    if coverage.enabled and coverage.html_artifact:
        steps.append(
            step(
                "Upload the coverage report",
                uses_action="actions/upload-artifact",
                if_=_report_leg_condition(design),
                with_={"name": "coverage-html", "path": "htmlcov/", "if-no-files-found": "warn"},
            )
        )
    strategy: dict[str, Any] = {"fail-fast": test.fail_fast}
    if test.max_parallel is not None:
        strategy["max-parallel"] = test.max_parallel
    strategy["matrix"] = design.test.matrix.strategy()
    return common.job(
        name="Test",
        runs_on=spec.runner,
        timeout=test.timeout_minutes,
        perms=permissions(contents=READ_CONTENTS),
        strategy=strategy,
        env={test.mode_variable: "${{ matrix.mode }}"},
        defaults={"run": {"shell": "bash"}},
        steps=steps,
    )


def _benchmark_job(design: Design, spec: JobSpec) -> Job:
    bench = design.test.benchmark
    leg_mode = graph.report_leg(design).get("mode", design.test.matrix.mode[0])
    extras = " ".join(design.test.modes[leg_mode].extras) if leg_mode in design.test.modes else ""
    # A command written as a YAML block already ends in a newline; a second would spoil the block.
    command = bench.command.removesuffix("\n")
    # Every line of the user's command runs in the project's environment, not just the first.
    activate = POETRY_ACTIVATE if design.project.package_manager == "poetry" else ""
    is_pr = "github.event_name == 'pull_request'"
    steps: list[Step] = [
        checkout(),
        *common.setup_python(design, design.project.python),
        common.install(design, extras),
        step("Run benchmarks", shell="bash", run=f"{activate}{command}\n"),
        step(
            "Store benchmark results",
            uses_action="actions/upload-artifact",
            if_="always()",
            with_={"name": "benchmark-results", "path": "benchmark.json", "if-no-files-found": "warn"},
        ),
        # Comment-only mode: earlier results come from the Actions cache, never from a gh-pages branch.
        step(
            "Restore earlier benchmark data",
            uses_action="actions/cache",
            with_={
                "path": "benchmark-data",
                "key": "benchmark-${{ runner.os }}-${{ github.run_id }}",
                "restore-keys": "benchmark-${{ runner.os }}-",
            },
        ),
        step(
            "Compare with earlier results",
            id="benchmark",
            uses_action="benchmark-action/github-action-benchmark",
            continue_on_error=True,
            with_={
                "name": "Benchmark",
                "tool": bench.tool,
                "output-file-path": "benchmark.json",
                "external-data-json-path": "benchmark-data/benchmark.json",
                "save-data-file": "${{ github.event_name == 'push' }}",
                "auto-push": False,
                "github-token": "${{ secrets.GITHUB_TOKEN }}",
                "comment-always": f"${{{{ {is_pr} }}}}",
                "summary-always": True,
                "alert-threshold": bench.alert_threshold,
                "fail-on-alert": bench.fail_on_alert,
            },
        ),
        step(
            "Write the fallback comment",
            if_=f"steps.benchmark.outcome == 'failure' && {is_pr}",
            run=BENCHMARK_COMMENT,
        ),
        # The runner's own gh posts it: no third-party action needed.
        step(
            "Comment on the pull request (fallback)",
            if_=f"steps.benchmark.outcome == 'failure' && {is_pr}",
            env={
                "GH_TOKEN": "${{ github.token }}",
                "GH_REPO": "${{ github.repository }}",
                "PR_NUMBER": "${{ github.event.pull_request.number }}",
            },
            run='gh pr comment "$PR_NUMBER" --body-file benchmark-comment.md\n',
        ),
    ]
    if bench.fail_on_alert:
        steps.append(
            step(
                "Fail on a benchmark alert",
                if_="steps.benchmark.outcome == 'failure'",
                run='echo "The benchmark comparison failed or raised an alert." >&2\nexit 1\n',
            )
        )
    return common.job(
        name="Benchmark",
        runs_on=spec.runner,
        timeout=design.test.timeout_minutes,
        perms=permissions(
            contents=("write", "github-action-benchmark posts its comparison as a commit comment"),
            pull_requests=("write", "post the fallback comment when the benchmark action fails"),
        ),
        steps=steps,
    )


def _audit_job(design: Design, spec: JobSpec) -> Job:
    run = common.in_env(design)
    audit = shlex.quote(tools.requirement("pip-audit"))
    steps: list[Step] = [
        checkout(),
        *common.setup_python(design, design.project.python),
        common.install(design),
        step(
            "Audit dependencies (pip-audit)",
            run=f"{run}python -m pip install {audit}\n"
            f"{run}pip-audit --progress-spinner off --skip-editable\n",
        ),
    ]
    return common.job(
        name="Dependency vulnerability scan",
        runs_on=spec.runner,
        timeout=design.test.timeout_minutes,
        perms=permissions(contents=READ_CONTENTS),
        steps=steps,
    )


def render(design: Design, design_file: str) -> str | None:
    builders = {
        "lint": _lint_job,
        "test": _test_job,
        "benchmark": _benchmark_job,
        "dependency-audit": _audit_job,
    }
    return common.render_workflow(design, design_file, "test", name="Test", builders=builders)
