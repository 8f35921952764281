"""Writes history.json: five weeks of the run history of the pipeline design.yaml describes, as GitHub's
REST API returns it (see pipekit.history.recorded for the layout). Seeded: every run writes the same bytes,
and tests/history/test_recorded.py checks that the committed file is what this script writes.

Run it from the repository's root after changing it: ``python tests/data/history/generate.py``.

The objects follow GitHub's schemas (tests/data/github-api) and its examples' values (the repository,
URLs); the jobs are the design's job instances under GitHub's names. What the jobs take is modelled here,
deliberately unlike the design's estimates, so calibrating against this history has something to find:

- each job's own Linux minutes, times an OS and a mode factor, times log-normal noise; the Windows legs of
  the production mode take longer than the factors say (a dependency compiled from source);
- the image build on a push builds linux/arm64 under emulation as well;
- the macOS legs queue for the plan's five macOS slots; other jobs wait seconds for a runner;
- one macOS leg is flaky (its tests fail now and then and pass when re-run), one Windows leg timed out
  once, lint and Bandit fail on some pull requests, two pull-request runs were cancelled by a newer push;
- deploy.yaml starts once per completed Test and Build run of a push (workflow_run); its rollback and
  production jobs are skipped, as is staging in the start that stands down;
- the runs keep their artifacts: the coverage report, the benchmark results and the scanners' SARIF,
  with a coverage drop and a benchmark regression in the last weeks.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import math
import random
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "lib"))

from pipekit import files, yamlio  # noqa: E402  (the checkout's library, whoever runs this)
from pipekit.design.load import load_design  # noqa: E402
from pipekit.design.model import Design  # noqa: E402
from pipekit.facts.runners import load_catalog  # noqa: E402
from pipekit.history.instances import job_titles, workflow_job_names  # noqa: E402
from pipekit.render import render_all  # noqa: E402

DESIGN = HERE / "design.yaml"
OUTPUT = HERE / "history.json"
EXAMPLES = HERE.parent / "github-api" / "examples"
SEED = 20261005
START = dt.datetime(2026, 10, 5, tzinfo=dt.UTC)  # a Monday
WEEKS = 5
API = "https://api.github.com/repos/octo-org/octo-repo"
WEB = "https://github.com/octo-org/octo-repo"

# What the jobs really take on Linux, in minutes, by (workflow file, job id).
LINUX_MINUTES: Mapping[tuple[str, str], float] = {
    ("test.yaml", "lint"): 3.1,
    ("test.yaml", "test"): 7.4,
    ("test.yaml", "benchmark"): 4.3,
    ("test.yaml", "passed"): 0.12,
    ("build.yaml", "image"): 8.6,
    ("security.yaml", "gitleaks"): 0.7,
    ("security.yaml", "trivy"): 2.3,
    ("security.yaml", "bandit"): 1.3,
    ("security.yaml", "pip-audit"): 1.7,
    ("security.yaml", "sbom"): 1.1,
    ("license-compliance.yaml", "headers"): 0.3,
    ("license-compliance.yaml", "dependencies"): 2.6,
    ("license-compliance.yaml", "report"): 0.25,
    ("deploy.yaml", "gate"): 0.4,
    ("deploy.yaml", "staging"): 4.4,
}
OS_FACTOR = {"linux": 1.0, "windows": 1.9, "macos": 1.45}
MODE_FACTOR = {"basic": 1.0, "enhanced": 1.3, "production": 1.15}
SLOW_LEG = {"os": "windows-latest", "mode": "production"}  # takes SLOWDOWN times what the factors say
SLOWDOWN = 1.6
EMULATION = 3.6  # an arm64 image build under QEMU, in native builds
NOISE = 0.09  # sigma of the log-normal noise on every duration
MACOS_SLOTS = 5  # concurrent macOS jobs on the Team plan
FLAKY_LEG = "Test (3.12, macos-latest, enhanced)"
FLAKY_SHARE = 0.3
TIMED_OUT = ("Test (3.11, windows-latest, production)", 5)  # the leg and the event that hit the timeout
LINT_FAILS = (4, 9)  # pull-request events whose lint failed
BANDIT_FAILS = (6,)
CANCELLED = (2, 7)  # pull-request events a newer push superseded four minutes later
WEEKLY = (  # (weekday, hour, minute, trigger): the pipeline's events each week
    (0, 3, 17, "schedule"),
    (1, 14, 20, "pull_request"),
    (2, 15, 30, "push"),
    (3, 11, 40, "pull_request"),
)
HEAVY_STEPS = {
    "lint": "Type-check (mypy)",
    "test": "Run tests",
    "benchmark": "Run benchmarks",
    "image": "Build and push",
    "dependencies": "List dependency licenses",
    "pip-audit": "Audit the dependencies (pip-audit)",
    "staging": "Deploy",
}
BENCHMARKS = {"test_route_simple": 0.0021, "test_route_with_fallback": 0.0054, "test_cost_estimate": 0.00083}
REGRESSION = ("test_route_with_fallback", 4, 1.3)  # from week 4 on, 30% slower
COVERAGE = 86.0
COVERAGE_DROP = (5, 6.5)  # in week 5, six and a half points lower


def example(name: str, key: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))[key][0]
    return data


def stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sha(*parts: object) -> str:
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()


class Recorder:
    """Builds the API objects; ids and run numbers count up as GitHub's do."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.random = random.Random(SEED)
        self.catalog = load_catalog()
        self.titles = job_titles(design)
        self.run_template = example("workflow-run-paginated.json", "workflow_runs")
        self.run_template.pop("actor", None)  # optional, and the same for every run
        self.run_template.pop("triggering_actor", None)
        schema = json.loads((EXAMPLES.parent / "runs.schema.json").read_text(encoding="utf-8"))
        required = schema["$defs"]["minimal-repository"]["required"]
        for key in ("repository", "head_repository"):  # its required properties only: a smaller file
            self.run_template[key] = {name: self.run_template[key][name] for name in required}
        self.job_template = example("job-paginated.json", "jobs")
        self.workflow_template = example("workflow-paginated.json", "workflows")
        self.workflow_ids = {name: 161335 + index for index, name in enumerate(self._workflows())}
        self.rendered = {name: yamlio.loads(render_all(design)[name], name) for name in self.workflow_ids}
        self.names = {name: str(workflow["name"]) for name, workflow in self.rendered.items()}
        self.steps = self._step_names()
        self.run_id = 9_100_000_000
        self.job_id = 25_000_000_000
        self.artifact_id = 4_200_000_000
        self.numbers: dict[str, int] = {}
        self.runs: list[dict[str, Any]] = []

    def _workflows(self) -> list[str]:
        return [files.workflow_file(stem).name for stem in files.WORKFLOWS]

    def _step_names(self) -> dict[tuple[str, str], list[str]]:
        names: dict[tuple[str, str], list[str]] = {}
        for file_name, workflow in self.rendered.items():
            for job_id, job in workflow["jobs"].items():
                steps = []
                for step in job["steps"]:
                    if "name" in step:
                        steps.append(step["name"])
                    elif "uses" in step:
                        steps.append("Run " + step["uses"].split("#")[0].strip())
                    else:
                        steps.append("Run " + step["run"].splitlines()[0])
                names[(file_name, job_id)] = ["Set up job", *steps, "Complete job"]
        return names

    # -- durations -----------------------------------------------------------------------------------

    def minutes(self, workflow: str, job: str, matrix: Mapping[str, Any], os: str, trigger: str) -> float:
        base = LINUX_MINUTES[(workflow, job)] * OS_FACTOR[os] * MODE_FACTOR.get(str(matrix.get("mode")), 1.0)
        if all(matrix.get(key) == value for key, value in SLOW_LEG.items()):
            base *= SLOWDOWN
        if (workflow, job) == ("build.yaml", "image") and trigger == "push":
            base *= 1 + EMULATION
        return base * math.exp(self.random.gauss(0, NOISE))

    def queue_seconds(self, os: str) -> float:
        typical = {"linux": 8.0, "windows": 35.0, "macos": 50.0}[os]
        return typical * math.exp(self.random.gauss(0, 0.4))

    # -- objects -------------------------------------------------------------------------------------

    def workflows(self) -> dict[str, Any]:
        items = []
        for name, workflow_id in self.workflow_ids.items():
            item = copy.deepcopy(self.workflow_template)
            item.update(
                id=workflow_id,
                node_id=f"W_{workflow_id}",
                name=self.names[name],
                path=f".github/workflows/{name}",
                created_at="2026-09-01T09:00:00Z",
                updated_at="2026-09-01T09:00:00Z",
                url=f"{API}/actions/workflows/{workflow_id}",
                html_url=f"{WEB}/blob/main/.github/workflows/{name}",
                badge_url=f"{WEB}/workflows/{self.names[name]}/badge.svg",
            )
            items.append(item)
        return {"total_count": len(items), "workflows": items}

    def run_object(
        self, workflow: str, event: str, commit: str, branch: str, created: dt.datetime
    ) -> dict[str, Any]:
        self.run_id += self.random.randint(3, 40)
        self.numbers[workflow] = self.numbers.get(workflow, 0) + 1
        run = copy.deepcopy(self.run_template)
        run_id, workflow_id = self.run_id, self.workflow_ids[workflow]
        run.update(
            id=run_id,
            name=self.names[workflow],
            node_id=f"WFR_{run_id}",
            check_suite_id=run_id + 7,
            check_suite_node_id=f"CS_{run_id + 7}",
            head_branch=branch,
            head_sha=commit,
            path=f".github/workflows/{workflow}@refs/heads/{branch}",
            run_number=self.numbers[workflow],
            event=event,
            display_title=f"Change {commit[:7]}",
            status="completed",
            conclusion="success",
            workflow_id=workflow_id,
            url=f"{API}/actions/runs/{run_id}",
            html_url=f"{WEB}/actions/runs/{run_id}",
            created_at=stamp(created),
            updated_at=stamp(created),
            run_attempt=1,
            run_started_at=stamp(created),
            jobs_url=f"{API}/actions/runs/{run_id}/jobs",
            logs_url=f"{API}/actions/runs/{run_id}/logs",
            check_suite_url=f"{API}/check-suites/{run_id + 7}",
            artifacts_url=f"{API}/actions/runs/{run_id}/artifacts",
            cancel_url=f"{API}/actions/runs/{run_id}/cancel",
            rerun_url=f"{API}/actions/runs/{run_id}/rerun",
            workflow_url=f"{API}/actions/workflows/{workflow_id}",
        )
        run["head_commit"].update(id=commit, tree_id=sha("tree", commit), timestamp=stamp(created))
        run["head_commit"]["message"] = f"Change {commit[:7]}"
        return run

    def job_object(
        self,
        run: dict[str, Any],
        attempt: int,
        name: str,
        job_id: str,
        label: str | None,
        times: tuple[dt.datetime, dt.datetime, dt.datetime] | None,
        conclusion: str,
        failing_step: str | None = None,
    ) -> dict[str, Any]:
        """One job; `times` is (created, started, completed), None for a skipped job; `label` None for a
        job that got no runner."""
        self.job_id += self.random.randint(1, 9)
        job = copy.deepcopy(self.job_template)
        created = times[0] if times else dt.datetime.fromisoformat(run["updated_at"].replace("Z", "+00:00"))
        started, completed = (times[1], times[2]) if times else (created, created)
        workflow = run["path"].split("@")[0].rsplit("/", 1)[1]
        job.update(
            id=self.job_id,
            run_id=run["id"],
            run_url=run["url"],
            node_id=f"CR_{self.job_id}",
            head_sha=run["head_sha"],
            url=f"{API}/actions/jobs/{self.job_id}",
            html_url=f"{WEB}/actions/runs/{run['id']}/job/{self.job_id}",
            status="completed",
            conclusion=conclusion,
            created_at=stamp(created),
            started_at=stamp(started),
            completed_at=stamp(completed),
            name=name,
            check_run_url=f"{API}/check-runs/{self.job_id}",
            labels=[label] if label else [],
            runner_id=(self.job_id % 90) + 1 if label else None,
            runner_name=f"GitHub Actions {(self.job_id % 90) + 1}" if label else None,
            runner_group_id=0 if label else None,
            runner_group_name="GitHub Actions" if label else None,
            workflow_name=run["name"],
            head_branch=run["head_branch"],
            run_attempt=attempt,
        )
        job["steps"] = self.step_objects(workflow, job_id, started, completed, conclusion, failing_step)
        if times is None or label is None:
            job["steps"] = []
        return job

    def step_objects(
        self,
        workflow: str,
        job_id: str,
        started: dt.datetime,
        completed: dt.datetime,
        conclusion: str,
        failing_step: str | None,
    ) -> list[dict[str, Any]]:
        names = self.steps[(workflow, job_id)]
        heavy = HEAVY_STEPS.get(job_id)
        weights = [0.05 if name in ("Set up job", "Complete job") else 1.0 for name in names]
        weights = [
            8.0 if name in (heavy, failing_step) else weight
            for name, weight in zip(names, weights, strict=True)
        ]
        total = (completed - started).total_seconds()
        steps, moment, stopped = [], started, False
        for number, (name, weight) in enumerate(zip(names, weights, strict=True), start=1):
            if stopped and name != "Complete job":
                steps.append(
                    {"name": name, "status": "completed", "conclusion": "skipped", "number": number,
                     "started_at": stamp(moment), "completed_at": stamp(moment)}
                )  # fmt: skip
                continue
            end = moment + dt.timedelta(seconds=round(total * weight / sum(weights)))
            end = min(end, completed) if name != "Complete job" else completed
            outcome = "success"
            if name == failing_step:
                outcome, stopped = ("cancelled" if conclusion == "timed_out" else "failure"), True
            elif conclusion == "cancelled" and name == names[-2]:
                outcome, stopped = "cancelled", True
            steps.append(
                {"name": name, "status": "completed", "conclusion": outcome, "number": number,
                 "started_at": stamp(moment), "completed_at": stamp(end)}
            )  # fmt: skip
            moment = end
        return steps


def events() -> list[tuple[int, dt.datetime, str]]:
    """(number of the event of its trigger, when, trigger), oldest first."""
    found, counts = [], {"pull_request": 0, "push": 0, "schedule": 0}
    for week in range(WEEKS):
        for weekday, hour, minute, trigger in WEEKLY:
            counts[trigger] += 1
            moment = START + dt.timedelta(days=7 * week + weekday, hours=hour, minutes=minute)
            found.append((counts[trigger], moment, trigger))
            if trigger == "pull_request" and counts[trigger] in CANCELLED:
                found.append((counts[trigger], moment + dt.timedelta(minutes=4), "pull_request-superseding"))
    return found


def workflows_started(design: Design, trigger: str) -> list[str]:
    from pipekit.pipeline.instances import job_runs

    started = {run.workflow for run in job_runs(design, trigger)}
    return [name for name in (files.workflow_file(stem).name for stem in files.WORKFLOWS) if name in started]


def record(design: Design) -> dict[str, Any]:
    recorder = Recorder(design)
    entries: list[dict[str, Any]] = []
    deploys: list[tuple[dt.datetime, dict[str, Any]]] = []
    for number, moment, kind in events():
        trigger = kind.removesuffix("-superseding")
        commit = sha(kind, number, moment.isoformat())
        branch = "main" if trigger != "pull_request" else f"feature-{number}"
        event = "pull_request" if trigger == "pull_request" else trigger
        for workflow in workflows_started(design, trigger):
            if workflow == "deploy.yaml":
                continue  # started by the Test and Build runs' completion, below
            created = moment + dt.timedelta(seconds=recorder.random.randint(1, 4))
            cancel_at = (
                moment + dt.timedelta(minutes=4)
                if kind == "pull_request"
                and number in CANCELLED
                and workflow in ("test.yaml", "security.yaml")
                else None
            )
            entry, finished = run_workflow(
                recorder, workflow, event, trigger, commit, branch, created, number, cancel_at
            )
            entries.append(entry)
            if trigger == "push" and workflow in ("test.yaml", "build.yaml"):
                for done, conclusion in finished:
                    deploys.append((done, {"commit": commit, "conclusion": conclusion, "workflow": workflow}))
    for done, started_by in sorted(deploys, key=lambda item: item[0]):
        entries.append(run_deploy(recorder, started_by, done, deploys))
    entries.sort(key=lambda entry: (entry["run"]["created_at"], entry["run"]["id"]))
    return {
        "comment": "Generated by tests/data/history/generate.py (seeded); do not edit by hand.",
        "workflows": recorder.workflows(),
        "runs": entries,
    }


def run_workflow(
    recorder: Recorder,
    workflow: str,
    event: str,
    trigger: str,
    commit: str,
    branch: str,
    created: dt.datetime,
    number: int,
    cancel_at: dt.datetime | None,
) -> tuple[dict[str, Any], list[tuple[dt.datetime, str]]]:
    """One workflow run with its attempts; returns its entry and when each attempt finished, how."""
    design = recorder.design
    run = recorder.run_object(workflow, event, commit, branch, created)
    instances = workflow_job_names(design, workflow, recorder.titles)
    needs = {job.id: job.needs for job in _jobs_of(design, workflow)}
    triggers = {job.id: job.triggers for job in _jobs_of(design, workflow)}
    jobs: list[dict[str, Any]] = []
    artifacts: list[dict[str, Any]] = []
    artifact_files: list[dict[str, Any]] = []
    finished: list[tuple[dt.datetime, str]] = []

    def attempt_jobs(
        attempt: int, start: dt.datetime, names: set[str] | None
    ) -> tuple[dict[str, str], dt.datetime]:
        """Run the jobs of one attempt (`names`: only these, for a re-run of failed jobs)."""
        outcome: dict[str, str] = {}
        ended: dict[str, dt.datetime] = {}
        macos_free: list[dt.datetime] = []
        for job_id, name, matrix, label in instances:
            if names is not None and name not in names:
                continue
            if trigger not in triggers[job_id]:
                jobs.append(recorder.job_object(run, attempt, name, job_id, None, None, "skipped"))
                continue
            ready = max([start, *(ended[other] for other in needs[job_id] if other in ended)])
            ready += dt.timedelta(seconds=recorder.random.randint(1, 4))
            runner = recorder.catalog.runner(label, design.runners)
            begin = ready + dt.timedelta(seconds=recorder.queue_seconds(runner.os))
            if runner.os == "macos" and len(macos_free) >= MACOS_SLOTS:  # wait for a macOS slot
                macos_free.sort()
                begin = max(begin, macos_free.pop(0) + dt.timedelta(seconds=recorder.queue_seconds("linux")))
            minutes = recorder.minutes(workflow, job_id, matrix, runner.os, trigger)
            conclusion, failing = "success", None
            if job_id == "passed":
                failed = [value for key, value in outcome.items() if value != "success"]
                conclusion, failing = (
                    ("failure", "Fail unless every job passed") if failed else ("success", None)
                )
                if names is not None:
                    conclusion, failing = "success", None  # the re-run fixed what failed
            elif attempt == 1:
                conclusion, failing, minutes = fate(recorder, event, number, name, job_id, minutes)
            end = begin + dt.timedelta(seconds=max(3, round(minutes * 60)))
            if cancel_at is not None and end > cancel_at:
                if begin >= cancel_at:
                    jobs.append(
                        recorder.job_object(
                            run, attempt, name, job_id, None, (ready, cancel_at, cancel_at), "cancelled"
                        )
                    )
                    outcome[job_id] = "cancelled"
                    continue
                end, conclusion, failing = cancel_at, "cancelled", None
            if runner.os == "macos":
                macos_free.append(end)
            begin, end = begin.replace(microsecond=0), end.replace(microsecond=0)
            jobs.append(
                recorder.job_object(
                    run,
                    attempt,
                    name,
                    job_id,
                    label,
                    (ready.replace(microsecond=0), begin, end),
                    conclusion,
                    failing,
                )
            )
            outcome[job_id] = conclusion if outcome.get(job_id, "success") == "success" else outcome[job_id]
            ended[job_id] = max(ended.get(job_id, end), end)
            if conclusion == "success" and attempt == 1:
                add_artifacts(recorder, run, job_id, matrix, created, artifacts, artifact_files)
        last = max(ended.values(), default=start)
        return outcome, last

    outcome, last = attempt_jobs(1, created, None)
    conclusion = run_conclusion(outcome)
    finished.append((last, conclusion))
    flaky_failed = [
        job["name"]
        for job in jobs
        if job["conclusion"] in ("failure", "timed_out") and job["name"] in (FLAKY_LEG, TIMED_OUT[0])
    ]
    if flaky_failed and cancel_at is None:
        # someone re-runs the failed jobs; the flaky leg passes, and so does the job that needs it
        rerun_start = last + dt.timedelta(minutes=recorder.random.randint(20, 90))
        names = {*flaky_failed, recorder.titles[(workflow, "passed")]}
        outcome_2, last = attempt_jobs(2, rerun_start, names)
        run.update(
            run_attempt=2, run_started_at=stamp(rerun_start), previous_attempt_url=f"{run['url']}/attempts/1"
        )
        conclusion = run_conclusion(outcome_2)
        finished.append((last, conclusion))
    run.update(conclusion="cancelled" if cancel_at is not None else conclusion, updated_at=stamp(last))
    entry = {
        "run": run,
        "jobs": {"total_count": len(jobs), "jobs": jobs},
        "artifacts": {"total_count": len(artifacts), "artifacts": artifacts},
        "artifact_files": artifact_files,
    }
    return entry, finished


def _jobs_of(design: Design, workflow: str) -> list[Any]:
    from pipekit.pipeline.graph import pipeline_jobs

    return [job for job in pipeline_jobs(design) if job.file == workflow]


def run_conclusion(outcome: Mapping[str, str]) -> str:
    values = set(outcome.values())
    for conclusion in ("cancelled", "timed_out", "failure"):
        if conclusion in values:
            return "failure" if conclusion == "timed_out" else conclusion
    return "success"


def fate(
    recorder: Recorder, event: str, number: int, name: str, job_id: str, minutes: float
) -> tuple[str, str | None, float]:
    """How a first attempt ends: (conclusion, failing step, minutes it ran)."""
    pull = event == "pull_request"
    if name == FLAKY_LEG and recorder.random.random() < FLAKY_SHARE:
        return "failure", "Run tests", minutes * recorder.random.uniform(0.6, 0.9)
    if name == TIMED_OUT[0] and pull and number == TIMED_OUT[1]:
        return "timed_out", "Run tests", float(recorder.design.test.timeout_minutes)
    if job_id == "lint" and pull and number in LINT_FAILS:
        return "failure", "Type-check (mypy)", minutes * 0.9
    if job_id == "bandit" and pull and number in BANDIT_FAILS:
        return "failure", "Scan the Python sources (Bandit)", minutes
    return "success", None, minutes


def week_of(moment: dt.datetime) -> int:
    return (moment - START).days // 7 + 1


def add_artifacts(
    recorder: Recorder,
    run: dict[str, Any],
    job_id: str,
    matrix: Mapping[str, Any],
    created: dt.datetime,
    artifacts: list[dict[str, Any]],
    artifact_files: list[dict[str, Any]],
) -> None:
    """The artifacts a successful job uploads, with the files the report reads."""
    week = week_of(created)
    files_of: list[tuple[str, str, str, str]] = []  # (artifact name, path, kind, text)
    if job_id == "test" and dict(matrix) == {
        "python-version": "3.12",
        "os": "ubuntu-latest",
        "mode": "production",
    }:
        percent = (
            COVERAGE
            + recorder.random.uniform(-0.6, 0.6)
            - (COVERAGE_DROP[1] if week >= COVERAGE_DROP[0] else 0)
        )
        files_of.append(("coverage-html", "htmlcov/index.html", "coverage", coverage_html(percent)))
    elif job_id == "benchmark":
        files_of.append(
            ("benchmark-results", "benchmark.json", "benchmark", benchmark_json(recorder, week, created))
        )
    elif job_id in ("gitleaks", "trivy", "bandit"):
        category = {"gitleaks": "gitleaks", "trivy": "trivy-fs", "bandit": "bandit"}[job_id]
        files_of.append((f"sarif-{category}", f"{category}.sarif", "sarif", sarif(recorder, job_id, week)))
    elif job_id == "image":
        files_of.append(
            ("sarif-trivy-image", "trivy-image.sarif", "sarif", sarif(recorder, "trivy-image", week))
        )
    for name, path, kind, text in files_of:
        recorder.artifact_id += recorder.random.randint(1, 50)
        artifact_id = recorder.artifact_id
        artifacts.append(
            {
                "id": artifact_id,
                "node_id": f"MDg6QXJ0aWZhY3Q{artifact_id}",
                "name": name,
                "size_in_bytes": len(text.encode()),
                "url": f"{API}/actions/artifacts/{artifact_id}",
                "archive_download_url": f"{API}/actions/artifacts/{artifact_id}/zip",
                "expired": False,
                "created_at": run["created_at"],
                "expires_at": stamp(created + dt.timedelta(days=14)),
                "updated_at": run["created_at"],
                "digest": "sha256:" + hashlib.sha256(text.encode()).hexdigest(),
                "workflow_run": {
                    "id": run["id"],
                    "repository_id": run["repository"]["id"],
                    "head_repository_id": run["head_repository"]["id"],
                    "head_branch": run["head_branch"],
                    "head_sha": run["head_sha"],
                },
            }
        )
        artifact_files.append({"artifact_id": artifact_id, "path": path, "kind": kind, "text": text})


def coverage_html(percent: float) -> str:
    """The head of coverage.py's HTML index, where it states the total."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<title>Coverage report</title>\n</head>\n<body>\n'
        '<header><div class="content"><h1>Coverage report:\n'
        f'<span class="pc_cov">{round(percent)}%</span>\n</h1></div></header>\n</body>\n</html>\n'
    )


def benchmark_json(recorder: Recorder, week: int, created: dt.datetime) -> str:
    """pytest-benchmark's --benchmark-json output, reduced to what it always writes."""
    entries = []
    for name, mean in BENCHMARKS.items():
        slower = REGRESSION[2] if name == REGRESSION[0] and week >= REGRESSION[1] else 1.0
        value = mean * slower * math.exp(recorder.random.gauss(0, 0.03))
        entries.append(
            {
                "group": None,
                "name": name,
                "fullname": f"tests/performance/test_router.py::{name}",
                "params": None,
                "param": None,
                "extra_info": {},
                "stats": {
                    "min": round(value * 0.92, 9),
                    "max": round(value * 1.2, 9),
                    "mean": round(value, 9),
                    "stddev": round(value * 0.04, 9),
                    "rounds": 200,
                    "median": round(value * 0.99, 9),
                    "ops": round(1 / value, 4),
                    "iterations": 1,
                },
            }
        )
    document = {
        "machine_info": {"node": "runner", "processor": "x86_64", "python_version": "3.12.7"},
        "commit_info": {"id": None},
        "benchmarks": entries,
        "datetime": created.isoformat(),
        "version": "5.1.0",
    }
    return json.dumps(document, indent=1) + "\n"


SCANNERS = {  # tool name, rules with a level and, for Trivy, GitHub's security-severity score
    "gitleaks": ("gitleaks", [("generic-api-key", "error", None)]),
    "trivy": ("Trivy", [("CVE-2026-1042", "error", "9.1"), ("CVE-2026-2210", "warning", "7.5")]),
    "trivy-image": ("Trivy", [("CVE-2026-0917", "error", "8.1"), ("CVE-2025-9931", "warning", "5.3")]),
    "bandit": ("Bandit", [("B105", "warning", None), ("B608", "error", None)]),
}


def sarif(recorder: Recorder, scanner: str, week: int) -> str:
    """A scanner's SARIF 2.1.0 report: a few findings that come and go."""
    tool, rules = SCANNERS[scanner]
    results = []
    for index, (rule_id, level, _) in enumerate(rules):
        count = recorder.random.choice((0, 0, 1, 2)) + (1 if scanner == "trivy" and week >= 3 else 0)
        for occurrence in range(count):
            results.append(
                {
                    "ruleId": rule_id,
                    "ruleIndex": index,
                    "level": level,
                    "message": {"text": f"{rule_id} finding {occurrence + 1}"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": f"app/module_{index}.py"},
                                "region": {"startLine": 10 + occurrence},
                            }
                        }
                    ],
                }
            )
    driver_rules = []
    for rule_id, level, score in rules:
        rule: dict[str, Any] = {"id": rule_id, "defaultConfiguration": {"level": level}}
        if score is not None:
            rule["properties"] = {"security-severity": score}
        driver_rules.append(rule)
    document = {
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{"tool": {"driver": {"name": tool, "rules": driver_rules}}, "results": results}],
    }
    return json.dumps(document, indent=1) + "\n"


def run_deploy(
    recorder: Recorder,
    started_by: Mapping[str, Any],
    done: dt.datetime,
    deploys: list[tuple[dt.datetime, dict[str, Any]]],
) -> dict[str, Any]:
    """deploy.yaml started by one completed Test or Build run of a push (workflow_run): the gate runs
    when that run succeeded; the start made by whichever run finished last deploys to staging."""
    commit = started_by["commit"]
    created = done + dt.timedelta(seconds=recorder.random.randint(2, 6))
    run = recorder.run_object("deploy.yaml", "workflow_run", commit, "main", created)
    same = [(moment, other) for moment, other in deploys if other["commit"] == commit]
    latest = {other["workflow"]: other["conclusion"] for _, other in sorted(same, key=lambda item: item[0])}
    last_start = max(moment for moment, _ in same) == done
    deploying = started_by["conclusion"] == "success" and last_start and set(latest.values()) == {"success"}
    gate_runs = started_by["conclusion"] == "success"
    jobs: list[dict[str, Any]] = []
    moment = created
    for job_id, name, _matrix, label in workflow_job_names(recorder.design, "deploy.yaml", recorder.titles):
        runs = (job_id == "gate" and gate_runs) or (job_id == "staging" and deploying)
        if not runs:
            jobs.append(recorder.job_object(run, 1, name, job_id, None, None, "skipped"))
            continue
        ready = moment + dt.timedelta(seconds=recorder.random.randint(1, 4))
        begin = ready + dt.timedelta(seconds=recorder.queue_seconds("linux"))
        minutes = recorder.minutes("deploy.yaml", job_id, {}, "linux", "push")
        end = begin + dt.timedelta(seconds=max(3, round(minutes * 60)))
        jobs.append(recorder.job_object(run, 1, name, job_id, label, (ready, begin, end), "success"))
        moment = end
    run.update(conclusion="success" if gate_runs else "skipped", updated_at=stamp(moment))
    return {
        "run": run,
        "jobs": {"total_count": len(jobs), "jobs": jobs},
        "artifacts": {"total_count": 0, "artifacts": []},
        "artifact_files": [],
    }


def history_text() -> str:
    """The file's text: what `main` writes, one run a line (a change shows as the runs it touched)."""
    data = record(load_design(DESIGN))
    runs = ",\n".join(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")) for entry in data.pop("runs")
    )
    head = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return head[:-1] + ',"runs":[\n' + runs + "\n]}\n"


def main() -> None:
    OUTPUT.write_text(history_text(), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
