"""test.yaml: lint, the test matrix with coverage and a test-count gate, benchmarks, `passed`, the one
job to require in branch protection, and the run's report. Dependencies are audited once, in
security.yaml."""

from __future__ import annotations

import json
import shlex
from typing import Any

from pipekit.cost.estimates import estimate_minutes
from pipekit.design.model import AXES, Design, Mode
from pipekit.facts import tools
from pipekit.facts.runners import load_catalog
from pipekit.pipeline import graph
from pipekit.pipeline.graph import JobSpec
from pipekit.render import blocks as common
from pipekit.render import scripts
from pipekit.render.blocks import READ_CONTENTS, WRITABLE_PULL_REQUEST, Job, Step, checkout, permissions, step

BENCHMARK_NAME = "Benchmark"  # the action's `name`: its data file keeps each name's results apart
BENCHMARK_DATA = "benchmark-data/benchmark.json"
BENCHMARK_COMMENT = "benchmark-comment.md"
# Each job's `name:`: GitHub shows it, and the report finds a job's times under it in GitHub's API.
JOB_NAMES = {
    "lint": "Lint and type-check",
    "test": "Test",
    "benchmark": "Benchmark",
    "design": "Design matches the workflows",
    "passed": "All test jobs passed",
    "report": "Test report",
}
# Each test leg keeps its results in a folder named as its artifact, under this folder, so that the
# report's download puts every leg's files in a folder of its own however many legs uploaded.
RESULTS_FOLDER = "test-results"
RESULTS_PREFIX = "test-results-"
NOTIFICATION_FILE = "test-report-notification.json"


def test_gate(design: Design) -> str:
    return scripts.python("min_tests_gate.py", common.script_python(design))


def benchmark_baseline(design: Design) -> str:
    return scripts.python("benchmark_baseline.py", common.script_python(design))


def benchmark_table(design: Design) -> str:
    return scripts.python("benchmark_comment.py", common.script_python(design))


def _leg_mode(design: Design) -> Mode:
    """The mode of the report leg: lint and benchmarks install what it installs."""
    name = graph.report_leg(design).get("mode", design.test.matrix.mode[0])
    return design.test.modes[name]


def _mode_env_step(design: Design) -> Step | None:
    """Sets each mode's environment variables; mode names and env keys are validated names."""
    modes = {name: mode for name, mode in design.test.modes.items() if mode.env}
    if not modes:
        return None
    lines = ['case "$MODE" in']
    for name, mode in modes.items():
        sets = [f'echo {shlex.quote(f"{key}={value}")} >> "$GITHUB_ENV"' for key, value in mode.env.items()]
        lines.append(f"  {name}) " + "; ".join(sets) + " ;;")
    lines.append("esac")
    return step("Set the mode's environment", run="\n".join(lines) + "\n", env={"MODE": "${{ matrix.mode }}"})


def _mode_install_step(design: Design) -> Step:
    """Installs the mode's extras and groups: one command when every mode installs the same."""
    commands = {
        name: common.install_command(design, mode.extras, mode.groups)
        for name, mode in design.test.modes.items()
    }
    if len(set(commands.values())) == 1:
        return common.install(design, _leg_mode(design).extras, _leg_mode(design).groups)
    lines = ['case "$MODE" in']
    for name, command in commands.items():
        lines.append(f"  {name})")
        lines += [f"    {line}" for line in command.splitlines()]
        lines.append("    ;;")
    lines.append('  *) echo "::error title=Test mode::no install command for mode $MODE" >&2; exit 1 ;;')
    lines.append("esac")
    return step(
        "Install dependencies",
        run="\n".join(lines) + "\n",
        env={"MODE": "${{ matrix.mode }}"},
        shell="bash",
    )


def report_script() -> str:
    """The report job's script, on the runner's own Python (the job sets none up)."""
    return scripts.python("run_report.py", scripts.RUNNER_PYTHON)


def results_name(leg: dict[str, Any]) -> str:
    """A test leg's results artifact, by its axes (the rules make them unique and plain names); with
    ``${{ matrix.<axis> }}`` values, the name the workflow writes."""
    return RESULTS_PREFIX + "-".join(str(leg[axis]) for axis in AXES)


def _report_leg_condition(design: Design) -> str:
    leg = graph.report_leg(design)
    parts = [f"matrix.{key} == '{value}'" for key, value in leg.items()]
    return " && ".join(["always()", *parts])


def _lint_job(design: Design, spec: JobSpec) -> Job:
    lint, run = design.test.lint, common.in_env(design)
    sources = " ".join(shlex.quote(d) for d in design.project.source_dirs)
    mode = _leg_mode(design)
    steps = [
        checkout(),
        *common.setup_python(design, design.project.python),
        common.install(design, mode.extras, mode.groups),
    ]
    if lint.ruff_format:
        steps.append(step("Check formatting (ruff)", run=f"{run}ruff format --check .\n"))
    if lint.ruff_check:
        steps.append(step("Lint (ruff)", run=f"{run}ruff check --output-format=github .\n"))
    if lint.mypy:
        steps.append(step("Type-check (mypy)", run=f"{run}mypy {sources}\n"))
    return common.job(
        name=JOB_NAMES["lint"],
        runs_on=spec.runner,
        timeout=design.test.timeout_minutes,
        perms=permissions(contents=READ_CONTENTS),
        steps=steps,
    )


def benchmarks_run_separately(design: Design) -> bool:
    """Whether pytest-benchmark's benchmarks have their own job, so the test legs run them only once as
    tests (`--benchmark-disable`), without timing rounds."""
    return design.test.benchmark.enabled and design.test.benchmark.tool == "pytest"


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
    if benchmarks_run_separately(design):
        pytest += " --benchmark-disable"
    if test.pytest_args:
        pytest += " $PYTEST_ARGS"
    mode_env = _mode_env_step(design)
    steps: list[Step] = [
        checkout(),
        *common.setup_python(design, "${{ matrix.python-version }}"),
        *([mode_env] if mode_env else []),
        _mode_install_step(design),
        *([step("Prepare the tests", run=test.setup.rstrip("\n") + "\n")] if test.setup is not None else []),
        step(
            "Run tests",
            run=pytest + "\n",
            env={"PYTEST_ARGS": test.pytest_args} if test.pytest_args else None,
        ),
        step(
            "Check the number of tests that ran",
            run=test_gate(design),
            env={"MIN_TESTS": str(test.min_tests)},
        ),
    ]
    if coverage.enabled and coverage.html_artifact:
        steps.append(
            common.upload_artifact(design, "coverage-html", "htmlcov/", if_=_report_leg_condition(design))
        )
    if test.report.enabled:
        steps += _keep_results_steps(design)
    strategy: dict[str, Any] = {"fail-fast": test.fail_fast}
    if test.max_parallel is not None:
        strategy["max-parallel"] = test.max_parallel
    strategy["matrix"] = design.test.matrix.strategy()
    return common.job(
        name=JOB_NAMES["test"],
        runs_on=spec.runner,
        timeout=test.timeout_minutes,
        perms=permissions(contents=READ_CONTENTS),
        strategy=strategy,
        env={test.mode_variable: "${{ matrix.mode }}"} if test.mode_variable else None,
        defaults={"run": {"shell": "bash"}},
        steps=steps,
    )


def _benchmark_job(design: Design, spec: JobSpec) -> Job:
    """Benchmarks compared with the last results of the default branch, kept in the Actions cache (never
    a gh-pages branch). github-action-benchmark comments and summarises only when it has earlier
    results, and skips its alert check too (dist/src/write.js, writeBenchmark), so a first run, or any pull
    request before the default branch stored results, posts the raw table instead."""
    bench = design.test.benchmark
    mode = _leg_mode(design)
    # A command written as a YAML block already ends in a newline; a second would spoil the block.
    command = bench.command.removesuffix("\n")
    no_comparison = "steps.benchmark.outcome == 'failure' || steps.baseline.outputs.found != 'true'"
    steps: list[Step] = [
        checkout(),
        *common.setup_python(design, design.project.python),
        common.install(design, mode.extras, mode.groups),
        # Every line of the user's command runs in the project's environment, not just the first.
        step("Run benchmarks", shell="bash", run=common.activate(design, spec.runner) + command + "\n"),
        common.upload_artifact(design, "benchmark-results", "benchmark.json"),
        step(
            "Restore earlier benchmark data",
            uses_action="actions/cache",
            with_={
                "path": BENCHMARK_DATA.partition("/")[0],
                "key": "benchmark-${{ runner.os }}-${{ github.run_id }}",
                "restore-keys": "benchmark-${{ runner.os }}-",
            },
        ),
        step(
            "Look for earlier results",
            id="baseline",
            env={
                "BENCHMARK_DATA": BENCHMARK_DATA,
                "BENCHMARK_NAME": BENCHMARK_NAME,
                # the commit the action files this run under (dist/src/extract.js, getCommit)
                "COMMIT": "${{ github.event.pull_request.head.sha || github.sha }}",
            },
            run=benchmark_baseline(design),
        ),
        step(
            "Compare with earlier results",
            id="benchmark",
            uses_action="benchmark-action/github-action-benchmark",
            continue_on_error=True,
            with_={
                "name": BENCHMARK_NAME,
                "tool": bench.tool,
                "output-file-path": "benchmark.json",
                "external-data-json-path": BENCHMARK_DATA,
                # only the default branch's results become the baseline
                "save-data-file": "${{ github.event_name == 'push' }}",
                "auto-push": False,
                "github-token": "${{ secrets.GITHUB_TOKEN }}",
                # a review comment on the pull request; never a commit comment, which needs contents: write
                "comment-always": f"${{{{ {WRITABLE_PULL_REQUEST} }}}}",
                "summary-always": True,
                # alert-threshold is read only with comment-on-alert or fail-on-alert (handleAlert)
                "comment-on-alert": f"${{{{ {WRITABLE_PULL_REQUEST} }}}}",
                "alert-threshold": bench.alert_threshold,
                "fail-on-alert": bench.fail_on_alert,
            },
        ),
        step(
            "Write the raw results",
            if_=no_comparison,
            env={"BENCHMARK_OUTCOME": "${{ steps.benchmark.outcome }}"},
            run=benchmark_table(design),
        ),
        # The runner's own gh posts it: no third-party action needed.
        step(
            "Comment the raw results on the pull request",
            if_=f"({no_comparison}) && {WRITABLE_PULL_REQUEST}",
            env={
                "GH_TOKEN": "${{ github.token }}",
                "GH_REPO": "${{ github.repository }}",
                "PR_NUMBER": "${{ github.event.pull_request.number }}",
            },
            run=f'gh pr comment "$PR_NUMBER" --body-file {BENCHMARK_COMMENT}\n',
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
        name=JOB_NAMES["benchmark"],
        runs_on=spec.runner,
        timeout=design.test.timeout_minutes,
        perms=permissions(
            contents=READ_CONTENTS,
            pull_requests=("write", "comment the benchmark results on the pull request"),
        ),
        steps=steps,
    )


def _design_job(design: Design, spec: JobSpec) -> Job:
    """`pipekit check` on the committed workflows, then the design notebooks with nbval: what is committed
    is what the design produces, and the notebooks still run on it."""
    check = design.test.design_check
    install = 'python -m pip install "$PIPEKIT"'
    steps = [
        checkout(),
        step(
            "Set up Python",
            uses_action="actions/setup-python",
            with_={"python-version": design.project.python},
        ),
    ]
    if check.notebooks is not None:
        install += f" {shlex.quote(tools.requirement('nbval'))} {shlex.quote(tools.requirement('pytest'))}"
    steps.append(
        step("Install pipekit", id="install", env={"PIPEKIT": check.requirement}, run=install + "\n")
    )
    steps.append(
        step(
            "Workflows match the design (pipekit check)",
            run=f"pipekit check --repo . --design {shlex.quote(check.design)}\n",
        )
    )
    if check.notebooks is not None:
        steps.append(
            step(
                "Design notebooks run (nbval)",
                # also after drift, so one run names every problem; never without pipekit installed
                if_="always() && steps.install.outcome == 'success'",
                run=(
                    "python -m pytest -p no:cacheprovider --nbval --nbval-current-env "
                    f"{shlex.quote(check.notebooks)}\n"
                ),
            )
        )
    return common.job(
        name=JOB_NAMES["design"],
        runs_on=spec.runner,
        timeout=design.test.timeout_minutes,
        perms=permissions(contents=READ_CONTENTS),
        steps=steps,
    )


def _passed_job(design: Design, spec: JobSpec) -> Job:
    """The one check to require in branch protection: a matrix's legs and renamed jobs change their
    check names, this job's name stays. It runs whatever happened (`always()`: a skipped job counts as
    passed for a required check) and fails unless every job succeeded."""
    not_passed = " || ".join(
        f"contains(needs.*.result, '{result}')" for result in ("failure", "cancelled", "skipped")
    )
    return common.job(
        name=JOB_NAMES["passed"],
        runs_on=spec.runner,
        needs=spec.needs,
        if_="always()",
        timeout=5,
        perms={},  # reads only the results of the jobs it needs
        steps=[
            step(
                "Fail unless every job passed",
                if_=not_passed,
                env={"RESULTS": "".join(f"{need} ${{{{ needs.{need}.result }}}}\n" for need in spec.needs)},
                # one annotation naming the jobs that did not pass, shown on the run's summary page
                run=(
                    'failed=$(awk \'NF && $2 != "success" { printf "%s%s %s", sep, $1, $2; sep = ", " }\' '
                    '<<< "$RESULTS")\n'
                    'echo "::error title=Test jobs::not every test.yaml job passed: $failed"\n'
                    "exit 1\n"
                ),
            )
        ],
    )


def _keep_results_steps(design: Design) -> list[Step]:
    """Every leg, failed ones too, keeps its JUnit report, its coverage report when coverage is measured,
    and its job status so far, in a folder named as its artifact (see RESULTS_FOLDER)."""
    name = results_name({axis: f"${{{{ matrix.{axis} }}}}" for axis in AXES})
    reports = ["junit.xml", *(["coverage.xml"] if design.test.coverage.enabled else [])]
    collect = step(
        "Collect the test results",
        if_="always()",
        env={"RESULTS": name, "JOB_STATUS": "${{ job.status }}"},
        run=(
            f'mkdir -p "{RESULTS_FOLDER}/$RESULTS"\n'
            f'printf \'%s\\n\' "$JOB_STATUS" > "{RESULTS_FOLDER}/$RESULTS/status.txt"\n'
            f"for file in {' '.join(reports)}; do\n"
            f'  if [ -f "$file" ]; then cp "$file" "{RESULTS_FOLDER}/$RESULTS/"; fi\n'
            "done\n"
        ),
    )
    upload = common.upload_artifact(
        design,
        name,
        f"{RESULTS_FOLDER}/",
        retention_days=design.test.report.retention_days,
        title="Upload the test results",
    )
    return [collect, upload]


def report_jobs(design: Design) -> list[dict[str, Any]]:
    """The report's JOBS input: each job of the run it reports on, a test leg with its results folder,
    by the name GitHub shows, with the design's estimate. test.yaml's estimates do not depend on the
    trigger (only the image build's do)."""
    catalog = load_catalog()
    coverage_leg = graph.report_leg(design) if design.test.coverage.enabled else None
    entries: list[dict[str, Any]] = []
    for spec in graph.workflow_jobs(design, "test"):
        if spec.id == "report":
            continue
        for leg in graph.expand_job(spec, JOB_NAMES[spec.id]):
            runner = catalog.runner(leg.runner, design.runners)
            minutes = estimate_minutes(design, spec, leg.matrix, runner.os, trigger="push", arch=runner.arch)
            entry: dict[str, Any] = {"job": spec.id, "name": leg.name, "estimate_minutes": round(minutes, 2)}
            if spec.id == "test":
                entry["results"] = results_name(dict(leg.matrix))
                entry["coverage_leg"] = coverage_leg is not None and all(
                    leg.matrix.get(axis) == value for axis, value in coverage_leg.items()
                )
            entries.append(entry)
    return entries


def _report_job(design: Design, spec: JobSpec) -> Job:
    """The run's report, on every run, failed ones too (`always()`): it never decides the run, so it
    is not what `passed` needs. Downloading this run's artifacts needs no token scope (download-artifact's
    README: by default it downloads only from the current run); listing the run's jobs does."""
    report = design.test.report
    env: dict[str, Any] = {
        "JOBS": "".join(json.dumps(entry) + "\n" for entry in report_jobs(design)),
        "RESULTS": "".join(f"{need} ${{{{ needs.{need}.result }}}}\n" for need in spec.needs),
        "RESULTS_DIR": RESULTS_FOLDER,
        "GITHUB_TOKEN": "${{ github.token }}",
    }
    if report.webhook_secret is not None:
        env["NOTIFICATION_FILE"] = NOTIFICATION_FILE
    steps = [
        step(
            "Download the test results",
            uses_action="actions/download-artifact",
            # merge-multiple: each leg's files are already in a folder of the leg's own
            with_={"pattern": RESULTS_PREFIX + "*", "path": RESULTS_FOLDER, "merge-multiple": True},
        ),
        step("Write the test report", env=env, run=report_script()),
    ]
    if report.webhook_secret is not None:
        steps.append(_notify_step(design, report.webhook_secret))
    return common.job(
        name=JOB_NAMES["report"],
        runs_on=spec.runner,
        needs=spec.needs,
        if_="always()",
        timeout=10,
        perms=permissions(actions=("read", "list this run's jobs and their times (GitHub's REST API)")),
        steps=steps,
    )


def notify_condition(design: Design) -> str:
    """A push to the default branch in which a job failed; the report step may have failed too."""
    branch = design.project.default_branch
    return (
        f"always() && github.event_name == 'push' && github.ref == 'refs/heads/{branch}'"
        " && contains(needs.*.result, 'failure')"
    )


def _notify_step(design: Design, secret: str) -> Step:
    """POSTs the report's `{"text": ...}` to the webhook URL the secret holds. The URL reaches curl
    through the environment, never the script text; a failed notification warns and does not fail the
    report."""
    return step(
        "Notify the webhook of the failure",
        if_=notify_condition(design),
        env={"WEBHOOK_URL": f"${{{{ secrets.{secret} }}}}", "NOTIFICATION_FILE": NOTIFICATION_FILE},
        run=(
            'if [ -z "$WEBHOOK_URL" ]; then\n'
            f'  echo "::warning title=Test report::the secret {secret} holds no webhook URL; nothing sent"\n'
            'elif [ ! -f "$NOTIFICATION_FILE" ]; then\n'
            '  echo "::warning title=Test report::the report wrote no notification; nothing sent"\n'
            "elif ! curl --fail --silent --show-error --max-time 30 --retry 2 \\\n"
            "    --header 'Content-Type: application/json' \\\n"
            '    --data-binary "@$NOTIFICATION_FILE" "$WEBHOOK_URL"; then\n'
            '  echo "::warning title=Test report::the webhook did not take the notification"\n'
            "fi\n"
        ),
    )


def render(design: Design, design_file: str) -> str | None:
    builders: dict[str, common.JobBuilder] = {
        "lint": _lint_job,
        "test": _test_job,
        "benchmark": _benchmark_job,
        "design": _design_job,
        "passed": _passed_job,
        "report": _report_job,
    }
    # `passed` is the required check, so pull requests always run this workflow (blocks.triggers).
    on = common.triggers(design, graph.workflow_triggers(design, "test"), holds_required_check=True)
    return common.render_workflow(design, design_file, "test", name="Test", builders=builders, on=on)
