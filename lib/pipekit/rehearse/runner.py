"""Run the jobs of rendered workflows on this machine, as GitHub's runner would on a Linux runner.

Jobs run one after another in `needs:` order; each Linux job run (matrix leg) gets a fresh RUNNER_TEMP.
A job's `if:` and each step's `if:` are evaluated by GitHub's evaluator with the status the runner gives
them (`success()` added when the condition names no status function); `continue-on-error`,
`timeout-minutes`, `working-directory`, `defaults.run` and `env:` at each level apply as on GitHub, and
the file commands (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STEP_SUMMARY) are read between steps.

A step whose action has no stand-in is not rehearsed, and neither are the steps after it in that job
run: they may rest on what it would have made, and a rehearsal never reports as passed what it did not
run. A job run on another operating system or architecture, or needing a Python this machine lacks, is
not rehearsed either, with the reason.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import re
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pipekit.errors import PipekitError
from pipekit.facts import actions as action_facts
from pipekit.facts.runners import Catalog, CustomRunner
from pipekit.github.matrix import MatrixLeg, expand_matrix_legs
from pipekit.github.workflow_yaml import load_workflow
from pipekit.rehearse import file_commands, shell
from pipekit.rehearse.actions import stand_in
from pipekit.rehearse.events import Event, triggers
from pipekit.rehearse.expressions import Evaluator, ExpressionError
from pipekit.rehearse.model import ActionCall, Outcome, Places
from pipekit.rehearse.report import TAIL_LINES, JobReport, Report, StepReport
from pipekit.rehearse.workspace import git

SETUP_PYTHON = "actions/setup-python@"
DEFAULT_JOB_MINUTES = 360  # GitHub's default timeout-minutes of a job
# The user's environment must not leak a token, a virtual environment or another runner's state in.
SCRUBBED_PREFIXES = ("GITHUB_", "RUNNER_", "ACTIONS_", "INPUT_", "STATE_")
SCRUBBED = frozenset(
    {
        "GH_TOKEN",
        "GITHUB_TOKEN",
        "VIRTUAL_ENV",
        "PYTHONPATH",
        "PYTHONHOME",
        "POETRY_ACTIVE",
        "CONDA_PREFIX",
        "UV_PROJECT_ENVIRONMENT",
    }
)
ARCH = {"x86_64": "X64", "amd64": "X64", "aarch64": "ARM64", "arm64": "ARM64"}
RUNNER_ARCH = {"x64": "X64", "arm64": "ARM64"}


@dataclasses.dataclass(frozen=True, kw_only=True)
class Selection:
    """What to rehearse: workflow file names, job ids, and matrix values a leg must have (all None: every
    Linux job run the event starts)."""

    workflows: frozenset[str] | None = None
    jobs: frozenset[str] | None = None
    leg: Mapping[str, str] | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class Setting:
    """The rehearsal's fixed parts: its folders, the event's `github` context, and how runners are
    resolved (`catalog` with the design's own `runners`)."""

    folder: Path  # the rehearsal folder: repo/, temp/, artifacts/, logs/, bin/
    workspace: Path
    tools: Path
    event: Event
    github: Mapping[str, Any]
    default_branch: str
    catalog: Catalog
    custom_runners: Mapping[str, CustomRunner]
    progress: Callable[[str], None]


@dataclasses.dataclass(kw_only=True)
class JobRun:
    """One job run in progress: its contexts, environment and where its steps stand."""

    places: Places
    contexts: dict[str, Any]
    env: dict[str, str]  # workflow env, job env, then what GITHUB_ENV set
    path: list[str]  # GITHUB_PATH and action additions, most recent first
    status: str = "success"
    blocked_by: str | None = None  # a step that was not rehearsed; the rest of the job follows it
    # why the whole job run is not rehearsed: its Python is not on this machine (setup-python said so)
    unavailable: str | None = None


def rehearse(
    setting: Setting, workflow_files: Sequence[Path], selection: Selection, evaluator: Evaluator
) -> Report:
    report = Report(event=setting.event)
    for path in workflow_files:
        name = path.name
        if selection.workflows is not None and name not in selection.workflows:
            continue
        workflow = load_workflow(str(path))
        why_not = triggers(workflow, setting.event, setting.default_branch)
        if why_not is not None:
            report.notes.append(f"{name}: not started ({why_not})")
            continue
        _rehearse_workflow(setting, name, workflow, selection, evaluator, report)
    return report


def _rehearse_workflow(
    setting: Setting,
    name: str,
    workflow: Mapping[str, Any],
    selection: Selection,
    evaluator: Evaluator,
    report: Report,
) -> None:
    jobs: Mapping[str, Any] = workflow["jobs"]
    wanted = _with_needs(jobs, selection.jobs) if selection.jobs is not None else set(jobs)
    artifacts = setting.folder / "artifacts" / Path(name).stem
    github = {**setting.github, "workflow": str(workflow.get("name", name))}
    base = {"github": github, "secrets": {}, "vars": {}, "inputs": {}, "env": {}}
    workflow_env = _evaluate_env(workflow.get("env"), base, evaluator, setting.workspace)
    needs_results: dict[str, dict[str, Any]] = {}
    for job_id in _ordered(jobs):
        if job_id not in wanted:
            continue
        job = jobs[job_id]
        needs = _needs(job)
        needs_context = {
            need: needs_results.get(need, {"result": "skipped", "outputs": {}}) for need in needs
        }
        results: list[JobReport] = []
        outputs: dict[str, Any] = {}
        legs = _legs(job_id, job)
        for index, leg in enumerate(legs):
            if selection.leg and not _leg_matches(leg, selection.leg):
                continue
            strategy = _strategy(job, index, len(legs))
            run_report, run_outputs = _run_leg(
                setting,
                name,
                job_id,
                job,
                leg,
                strategy,
                needs_context,
                workflow,
                workflow_env,
                artifacts,
                evaluator,
                base,
            )
            results.append(run_report)
            report.jobs.append(run_report)
            outputs.update(run_outputs)  # GitHub keeps one job's outputs: the last leg that set each wins
        needs_results[job_id] = {"result": _job_result(results), "outputs": outputs}


def _with_needs(jobs: Mapping[str, Any], chosen: frozenset[str]) -> set[str]:
    unknown = sorted(chosen - set(jobs))
    if unknown and not (chosen & set(jobs)):
        return set()
    found: set[str] = set()
    pending = [job for job in chosen if job in jobs]
    while pending:
        job_id = pending.pop()
        if job_id not in found:
            found.add(job_id)
            pending += [need for need in _needs(jobs[job_id]) if need in jobs]
    return found


def _needs(job: Mapping[str, Any]) -> list[str]:
    needs = job.get("needs", [])
    return [needs] if isinstance(needs, str) else [str(need) for need in needs]


def _ordered(jobs: Mapping[str, Any]) -> list[str]:
    """Job ids with every job after its needs, otherwise in file order."""
    done: list[str] = []
    remaining = list(jobs)
    while remaining:
        for job_id in remaining:
            if all(need in done or need not in jobs for need in _needs(jobs[job_id])):
                done.append(job_id)
                remaining.remove(job_id)
                break
        else:
            raise PipekitError(f"jobs {', '.join(remaining)} need each other in a cycle")
    return done


def _legs(job_id: str, job: Mapping[str, Any]) -> list[MatrixLeg]:
    strategy = job.get("strategy") or {}
    if "matrix" not in strategy:
        return [MatrixLeg({}, ())]
    return expand_matrix_legs(strategy["matrix"], job=job_id)


def _strategy(job: Mapping[str, Any], index: int, total: int) -> dict[str, Any]:
    strategy = job.get("strategy") or {}
    parallel = strategy.get("max-parallel") or total
    return {
        "fail-fast": strategy.get("fail-fast", True),
        "job-index": index,
        "job-total": total,
        "max-parallel": parallel,
    }


def _leg_matches(leg: MatrixLeg, wanted: Mapping[str, str]) -> bool:
    """Keys a job's matrix does not have do not filter it: --leg narrows the matrix jobs only."""
    return all(key not in leg.matrix or _text(leg.matrix[key]) == value for key, value in wanted.items())


def _job_result(results: Sequence[JobReport]) -> str:
    """The `needs.<job>.result` of a job from its rehearsed runs: failure if one failed, skipped if all
    were skipped, otherwise success (runs not rehearsed count as what they cannot show: nothing)."""
    outcomes = {result.outcome for result in results}
    if "failure" in outcomes:
        return "failure"
    if outcomes and outcomes <= {"skipped"}:
        return "skipped"
    return "success"


def _run_leg(
    setting: Setting,
    workflow_name: str,
    job_id: str,
    job: Mapping[str, Any],
    leg: MatrixLeg,
    strategy: Mapping[str, Any],
    needs: Mapping[str, Any],
    workflow: Mapping[str, Any],
    workflow_env: Mapping[str, str],
    artifacts: Path,
    evaluator: Evaluator,
    base: Mapping[str, Any],
) -> tuple[JobReport, dict[str, Any]]:
    display = leg.display_name(job_id)
    report = JobReport(workflow=workflow_name, job=job_id, leg=display, outcome="success")
    contexts: dict[str, Any] = {
        **base,
        "github": {**base["github"], "job": job_id},
        "matrix": dict(leg.matrix),
        "strategy": dict(strategy),
        "needs": dict(needs),
        "env": dict(workflow_env),
    }
    status = _needs_status(needs)
    try:
        runs = evaluator.condition(
            _text(job.get("if", "")), contexts, status=status, workspace=setting.workspace
        )
    except ExpressionError as error:
        report.outcome, report.reason = "failure", f"its if: cannot be evaluated: {error}"
        return report, {}
    if not runs:
        report.outcome, report.reason = "skipped", "its if: is false"
        setting.progress(f"{workflow_name}  {display}: skipped")
        return report, {}
    runner = _runner_problem(setting, job, contexts, evaluator)
    if runner is not None:
        report.outcome, report.reason = "not_rehearsed", runner
        setting.progress(f"{workflow_name}  {display}: not rehearsed ({runner})")
        return report, {}
    setting.progress(f"{workflow_name}  {display}")
    _fresh_checkout(setting.workspace)
    places = _places(setting, artifacts)
    run = JobRun(places=places, contexts=contexts, env=dict(workflow_env), path=[])
    run.contexts["runner"] = _runner_context(places)
    run.contexts["job"] = {"status": "success", "container": {}, "services": {}}
    run.contexts["steps"] = {}
    job_env = _evaluate_env(job.get("env"), run.contexts, evaluator, setting.workspace)
    run.env.update(job_env)
    run.contexts["env"] = dict(run.env)
    defaults = {**_run_defaults(workflow), **_run_defaults(job)}
    deadline_minutes = float(
        _evaluated(job.get("timeout-minutes", DEFAULT_JOB_MINUTES), run, evaluator, setting)
    )
    remaining = deadline_minutes * 60
    log_folder = setting.folder / "logs" / Path(workflow_name).stem / _slug(display)
    log_folder.mkdir(parents=True, exist_ok=True)
    for number, step in enumerate(job.get("steps", []), start=1):
        step_report = _run_step(setting, run, step, number, defaults, remaining, log_folder, evaluator)
        report.steps.append(step_report)
        remaining -= step_report.seconds
        setting.progress(_progress_line(step_report))
        if remaining <= 0 and step_report.outcome == "failure" and "time limit" in step_report.reason:
            break
    report.summary = _read_summary(log_folder)
    outputs: dict[str, Any] = {}
    for key, template in (job.get("outputs") or {}).items():
        try:
            value = evaluator.template(
                str(template), run.contexts, status=run.status, workspace=setting.workspace
            )
        except ExpressionError as error:
            report.outcome, report.reason = "failure", f"output {key} cannot be evaluated: {error}"
            return report, {}
        outputs[key] = "" if value is None else value if isinstance(value, str) else _text(value)
    if run.status == "failure":
        report.outcome = "failure"
    elif run.unavailable is not None:
        # the leg cannot run here at all: never silently on another Python
        report.outcome, report.reason = "not_rehearsed", run.unavailable
    elif any(step.outcome == "not_rehearsed" for step in report.steps):
        report.outcome = "partial"
    return report, outputs


def _needs_status(needs: Mapping[str, Any]) -> str:
    """The status a job's own `if:` sees: failure when a job it needs failed or was cancelled, skipped
    (success() and failure() both false) when one was skipped, else success."""
    results = {need["result"] for need in needs.values()}
    if results & {"failure", "cancelled"}:
        return "failure"
    return "skipped" if "skipped" in results else "success"


def _runner_problem(
    setting: Setting, job: Mapping[str, Any], contexts: Mapping[str, Any], evaluator: Evaluator
) -> str | None:
    """Why this job run cannot be rehearsed on this machine (None: it can)."""
    if "container" in job or "services" in job:
        return "runs in a container or with service containers, which need Docker"
    runs_on = job["runs-on"]
    if isinstance(runs_on, str):
        runs_on = evaluator.template(runs_on, contexts, workspace=setting.workspace)
    labels = runs_on if isinstance(runs_on, list) else [runs_on]
    machine = ARCH.get(platform.machine().lower(), platform.machine())
    for raw in labels:
        label = _text(
            evaluator.template(raw, contexts, workspace=setting.workspace) if isinstance(raw, str) else raw
        )
        if label == "self-hosted":
            continue
        try:
            runner = setting.catalog.runner(label, setting.custom_runners)
        except PipekitError:
            return f"runs on {label}, a runner label pipekit does not know"
        if runner.os != "linux":
            return f"runs on {label} ({runner.os})"
        if RUNNER_ARCH.get(runner.arch.lower(), runner.arch.upper()) != machine:
            return f"runs on {label} ({runner.arch}); this machine is {machine}"
    return None


def _fresh_checkout(workspace: Path) -> None:
    """Every job on GitHub starts from a fresh clone: nothing an earlier job built, installed or wrote
    (a .venv, coverage files, reports) is left in the workspace."""
    git(workspace, "reset", "--quiet", "--hard", "HEAD")
    git(workspace, "clean", "-q", "-ffdx")


def _places(setting: Setting, artifacts: Path) -> Places:
    temp = setting.folder / "temp"
    if temp.exists():
        shutil.rmtree(temp)
    temp.mkdir(parents=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    return Places(
        workspace=setting.workspace,
        temp=temp,
        artifacts=artifacts,
        tools=setting.tools,
        bin=setting.folder / "bin",
    )


def _runner_context(places: Places) -> dict[str, Any]:
    arch = ARCH.get(platform.machine().lower(), platform.machine())
    return {
        "name": "pipekit-rehearse",
        "os": "Linux",
        "arch": arch,
        "temp": str(places.temp),
        "tool_cache": str(places.tools / "toolcache"),
        "environment": "self-hosted",
        "debug": "",
    }


def _run_defaults(owner: Mapping[str, Any]) -> dict[str, Any]:
    defaults = owner.get("defaults") or {}
    run = defaults.get("run") if isinstance(defaults, Mapping) else None
    return dict(run) if isinstance(run, Mapping) else {}


def _evaluate_env(
    env: Any, contexts: Mapping[str, Any], evaluator: Evaluator, workspace: Path
) -> dict[str, str]:
    if not isinstance(env, Mapping):
        return {}
    result: dict[str, str] = {}
    for key, value in env.items():
        evaluated = (
            evaluator.template(value, contexts, workspace=workspace) if isinstance(value, str) else value
        )
        result[str(key)] = _text(evaluated)
    return result


def _text(value: Any) -> str:
    """A value as an environment variable or input holds it (GitHub's string coercion)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, indent=2)
    return str(value)


def _evaluated(value: Any, run: JobRun, evaluator: Evaluator, setting: Setting) -> Any:
    if isinstance(value, str):
        return evaluator.template(value, run.contexts, status=run.status, workspace=setting.workspace)
    return value


def _run_step(
    setting: Setting,
    run: JobRun,
    step: Mapping[str, Any],
    number: int,
    defaults: Mapping[str, Any],
    remaining: float,
    log_folder: Path,
    evaluator: Evaluator,
) -> StepReport:
    name = _step_name(step, run, evaluator, setting)
    if run.blocked_by is not None:
        return StepReport(
            name=name, outcome="not_rehearsed", reason=f"follows {run.blocked_by!r}, which was not rehearsed"
        )
    if remaining <= 0:
        run.status = "failure"
        return StepReport(name=name, outcome="skipped", reason="the job reached its timeout-minutes")
    run.contexts["job"]["status"] = run.status
    try:
        if not evaluator.condition(
            _text(step.get("if", "")), run.contexts, status=run.status, workspace=setting.workspace
        ):
            why = "its if: is false" + (" after a failed step" if run.status == "failure" else "")
            return StepReport(name=name, outcome="skipped", reason=why)
        step_env = _evaluate_env(step.get("env"), run.contexts, evaluator, setting.workspace)
        continue_on_error = _truthy(_evaluated(step.get("continue-on-error", False), run, evaluator, setting))
        step_minutes = step.get("timeout-minutes")
        limit = (
            remaining
            if step_minutes is None
            else min(remaining, float(_evaluated(step_minutes, run, evaluator, setting)) * 60)
        )
    except ExpressionError as error:
        run.status = "failure"
        return StepReport(name=name, outcome="failure", reason=str(error))
    env = {**run.env, **step_env}
    log = log_folder / f"{number:02d}-{_slug(name)}.log"
    if "uses" in step:
        outcome, reason, seconds, outputs = _uses_step(setting, run, step, name, env, log, evaluator)
    else:
        outcome, reason, seconds, outputs = _script_step(
            setting, run, step, number, defaults, env, limit, log, evaluator
        )
    if outcome == "not_rehearsed":
        run.blocked_by = name
        if str(step.get("uses", "")).startswith(SETUP_PYTHON):
            run.unavailable = reason
        return StepReport(name=name, outcome="not_rehearsed", reason=reason)
    conclusion = "success" if outcome == "failure" and continue_on_error else outcome
    if "id" in step:
        run.contexts["steps"][str(step["id"])] = {
            "outputs": outputs,
            "outcome": outcome,
            "conclusion": conclusion,
        }
    if conclusion == "failure":
        run.status = "failure"
    tail = _tail(log) if outcome == "failure" else ()
    if outcome == "failure" and continue_on_error:
        reason = f"{reason}; continue-on-error lets the job go on"
    return StepReport(name=name, outcome=outcome, seconds=seconds, reason=reason, tail=tail)


def _truthy(value: Any) -> bool:
    return value not in (False, None, "", 0, "false")


def _step_name(step: Mapping[str, Any], run: JobRun, evaluator: Evaluator, setting: Setting) -> str:
    if "name" in step:
        try:
            return _text(
                evaluator.template(
                    str(step["name"]), run.contexts, status=run.status, workspace=setting.workspace
                )
            )
        except ExpressionError:
            return str(step["name"])
    if "uses" in step:
        return f"Run {step['uses']}"
    first = str(step.get("run", "")).strip().splitlines()
    return f"Run {first[0]}" if first else "Run"


def _process_env(
    setting: Setting, run: JobRun, env: Mapping[str, str], files: Mapping[str, str]
) -> dict[str, str]:
    """The machine's environment without what would leak in, the runner's variables, then the step's."""
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in SCRUBBED and not key.startswith(SCRUBBED_PREFIXES)
    }
    github = run.contexts["github"]
    runner = run.contexts["runner"]
    event_path = setting.folder / "event.json"
    variables = {
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(setting.workspace),
        "GITHUB_EVENT_NAME": github["event_name"],
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_REPOSITORY": github["repository"],
        "GITHUB_REPOSITORY_OWNER": github["repository_owner"],
        "GITHUB_REF": github["ref"],
        "GITHUB_REF_NAME": github["ref_name"],
        "GITHUB_REF_TYPE": github["ref_type"],
        "GITHUB_SHA": github["sha"],
        "GITHUB_HEAD_REF": github["head_ref"],
        "GITHUB_BASE_REF": github["base_ref"],
        "GITHUB_SERVER_URL": github["server_url"],
        "GITHUB_API_URL": github["api_url"],
        "GITHUB_GRAPHQL_URL": github["graphql_url"],
        "GITHUB_RUN_ID": github["run_id"],
        "GITHUB_RUN_NUMBER": github["run_number"],
        "GITHUB_RUN_ATTEMPT": github["run_attempt"],
        "GITHUB_ACTOR": github["actor"],
        "GITHUB_TRIGGERING_ACTOR": github["triggering_actor"],
        "GITHUB_WORKFLOW": github["workflow"],
        "GITHUB_JOB": github["job"],
        "RUNNER_OS": "Linux",
        "RUNNER_ARCH": runner["arch"],
        "RUNNER_NAME": runner["name"],
        "RUNNER_TEMP": runner["temp"],
        "RUNNER_TOOL_CACHE": runner["tool_cache"],
        "RUNNER_ENVIRONMENT": runner["environment"],
        **files,
    }
    protect = {
        # GitHub's runner images refuse pip installs into their system Python (PEP 668); here the
        # machine's own interpreters must not take them either, so pip installs only into environments.
        "PIP_REQUIRE_VIRTUALENV": "true",
        # Poetry's environments go with the job, not into the user's cache, where each copy would leave one.
        "POETRY_VIRTUALENVS_PATH": str(run.places.temp / "poetry-virtualenvs"),
    }
    result = {**base, **protect, **env, **variables}
    result["PATH"] = os.pathsep.join([*run.path, str(run.places.bin), *_machine_path(base.get("PATH", ""))])
    return result


def _machine_path(path: str) -> list[str]:
    """PATH without this program's own virtual environment: its tools must not stand in for the job's."""
    own = Path(sys.prefix).resolve() if sys.prefix != sys.base_prefix else None
    kept = []
    for entry in path.split(os.pathsep):
        if not entry:
            continue
        if own is not None and Path(entry).resolve().is_relative_to(own):
            continue
        kept.append(entry)
    return kept


def _script_step(
    setting: Setting,
    run: JobRun,
    step: Mapping[str, Any],
    number: int,
    defaults: Mapping[str, Any],
    env: Mapping[str, str],
    limit: float,
    log: Path,
    evaluator: Evaluator,
) -> tuple[Outcome, str, float, dict[str, str]]:
    try:
        script = _text(
            evaluator.template(str(step["run"]), run.contexts, status=run.status, workspace=setting.workspace)
        )
        shell_name = step.get("shell", defaults.get("shell"))
        directory = step.get("working-directory", defaults.get("working-directory"))
        if directory is not None:
            directory = _text(
                evaluator.template(
                    str(directory), run.contexts, status=run.status, workspace=setting.workspace
                )
            )
    except ExpressionError as error:
        return "failure", str(error), 0.0, {}
    cwd = setting.workspace / directory if directory else setting.workspace
    if not cwd.is_dir():
        return "failure", f"working-directory {directory} does not exist in the repository", 0.0, {}
    files = file_commands.prepare(run.places.temp / "_runner_file_commands", number)
    process_env = _process_env(setting, run, env, files)
    try:
        script_path = shell.script_file(run.places.temp, str(shell_name) if shell_name else None, script)
        argv = shell.command_line(str(shell_name) if shell_name else None, script_path, process_env["PATH"])
    except shell.UnsupportedShell as error:
        return "not_rehearsed", str(error), 0.0, {}
    finished = shell.run(argv, cwd=cwd, env=process_env, log=log, timeout_seconds=limit)
    outputs, reason = _apply_file_commands(run, files, log)
    if finished.exit_code is None:
        return "failure", f"stopped at the time limit ({limit / 60:.1f} min)", finished.seconds, outputs
    if finished.exit_code != 0:
        return "failure", _failure_reason(log, f"exit code {finished.exit_code}"), finished.seconds, outputs
    if reason:
        return "failure", reason, finished.seconds, outputs
    return "success", "", finished.seconds, outputs


def _apply_file_commands(run: JobRun, files: Mapping[str, str], log: Path) -> tuple[dict[str, str], str]:
    try:
        written = file_commands.read(dict(files))
    except file_commands.FileCommandError as error:
        return {}, str(error)
    run.env.update(written.env)
    run.contexts["env"] = dict(run.env)
    for entry in written.path:
        if entry in run.path:
            run.path.remove(entry)
        run.path.insert(0, entry)
    if written.summary:
        with (log.parent / "summary.md").open("a", encoding="utf-8") as summary:
            summary.write(written.summary)
    return written.outputs, ""


def _uses_step(
    setting: Setting,
    run: JobRun,
    step: Mapping[str, Any],
    name: str,
    env: Mapping[str, str],
    log: Path,
    evaluator: Evaluator,
) -> tuple[Outcome, str, float, dict[str, str]]:
    uses = str(step["uses"])
    if uses.startswith(("docker://", "./")) or "@" not in uses:
        return "not_rehearsed", f"{uses}: only pinned actions from GitHub have stand-ins", 0.0, {}
    action = uses.split("@", 1)[0]
    try:
        inputs = _inputs(action, step.get("with") or {}, run, evaluator, setting)
    except ExpressionError as error:
        return "failure", str(error), 0.0, {}
    process_env = _process_env(setting, run, env, {})
    import time

    started = time.monotonic()
    result = stand_in(
        ActionCall(action=action, inputs=inputs, env=process_env, places=run.places, step_name=name)
    )
    seconds = time.monotonic() - started
    log.write_text(result.log, encoding="utf-8")
    if result.outcome == "not_rehearsed":
        return "not_rehearsed", result.reason, seconds, {}
    for entry in result.path:
        if entry in run.path:
            run.path.remove(entry)
        run.path.insert(0, entry)
    run.env.update(result.env)
    run.contexts["env"] = dict(run.env)
    if result.outcome == "failure":
        return "failure", result.reason, seconds, dict(result.outputs)
    return "success", "", seconds, dict(result.outputs)


def _inputs(
    action: str, given: Mapping[str, Any], run: JobRun, evaluator: Evaluator, setting: Setting
) -> dict[str, str]:
    """`with:` evaluated, over the action's declared defaults (evaluated too), every value as text."""
    defaults: Mapping[str, str] = {}
    if action_facts.has_metadata(action):
        defaults = action_facts.load_metadata(action).defaults
    inputs: dict[str, str] = {}
    for key, value in {**defaults, **{str(k): v for k, v in given.items()}}.items():
        evaluated = (
            evaluator.template(value, run.contexts, status=run.status, workspace=setting.workspace)
            if isinstance(value, str)
            else value
        )
        inputs[key] = _text(evaluated)
    return inputs


# A workflow command `::error file=F,line=N,title=T::message`, as @actions/core's command.ts writes it.
ERROR_LINE = re.compile(r"^::error(?:\s+(?P<properties>[^:]*))?::(?P<message>.*)$")
# command.ts escapes data with %25, %0D, %0A and properties also with %3A and %2C; the runner undoes it.
_DATA_ESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
_PROPERTY_ESCAPES = (("%3A", ":"), ("%2C", ","), *_DATA_ESCAPES)


def _unescape(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for escaped, plain in escapes:
        text = text.replace(escaped, plain)
    return text


def error_annotation(line: str) -> str | None:
    """The text GitHub shows for an ``::error::`` line (``file:line: message`` when it names a place),
    or None for any other line."""
    found = ERROR_LINE.match(line.strip())
    if found is None:
        return None
    message = _unescape(found["message"], _DATA_ESCAPES).strip().splitlines()
    properties = {}
    for item in (found["properties"] or "").split(","):
        key, equals, value = item.partition("=")
        if equals:
            properties[key.strip()] = _unescape(value, _PROPERTY_ESCAPES)
    place = ":".join(properties[key] for key in ("file", "line") if properties.get(key))
    text = message[0].strip() if message else properties.get("title", "")
    return f"{place}: {text}" if place else text


def _failure_reason(log: Path, fallback: str) -> str:
    """The first `::error::` the step printed, else its last non-empty line, with the exit code."""
    lines = _read_lines(log)
    for line in lines:
        annotation = error_annotation(line)
        if annotation is not None:
            return f"{annotation[:300]} ({fallback})"
    for line in reversed(lines):
        if line.strip():
            return f"{line.strip()[:200]} ({fallback})"
    return fallback


# Colours and cursor moves of terminal output (ECMA-48 CSI sequences), which a report shows as noise.
TERMINAL_CODES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


def _read_lines(log: Path) -> list[str]:
    try:
        return TERMINAL_CODES.sub("", log.read_text(encoding="utf-8", errors="replace")).splitlines()
    except FileNotFoundError:
        return []


def _tail(log: Path) -> tuple[str, ...]:
    return tuple(line[:300] for line in _read_lines(log)[-TAIL_LINES:])


def _read_summary(log_folder: Path) -> str:
    summary = log_folder / "summary.md"
    return summary.read_text(encoding="utf-8") if summary.is_file() else ""


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:80] or "step"


def _progress_line(step: StepReport) -> str:
    seconds = f" ({step.seconds:.1f} s)" if step.outcome in ("success", "failure") else ""
    reason = f": {step.reason}" if step.reason and step.outcome != "success" else ""
    return f"  {step.name}: {step.outcome.replace('_', ' ')}{seconds}{reason}"
