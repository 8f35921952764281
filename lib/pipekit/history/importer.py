"""`pipekit history import FILE...`: the history exported with ``gh api --paginate``, for machines
without a token.

``gh api --paginate`` prints one JSON object per page, back to back; ``--slurp`` prints one array of
them; ``--jq '.workflow_runs[]'`` prints the bare runs. All three are read, from any number of files, in
any order: pages of runs (``workflow_runs``), jobs (``jobs``), workflows (``workflows``) and artifacts
(``artifacts``), and bare runs and jobs. A run is saved with its jobs in one transaction, as a fetch saves
it; a run the files hold no jobs for keeps the jobs the database already has.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pipekit.errors import InputFileError
from pipekit.history import stored
from pipekit.history.fetch import check_repo_name, claim_database
from pipekit.history.store import Artifact, Job, Run, Store, Workflow

_RUN_URL = re.compile(r"^(?P<api>.+?)/repos/(?P<repo>[^/]+/[^/]+)/actions/runs/\d+")


@dataclasses.dataclass
class ImportSummary:
    repository: str = ""
    runs_saved: int = 0
    jobs_saved: int = 0
    workflows: int = 0
    artifacts: int = 0
    orphan_jobs: int = 0  # jobs of runs neither the files nor the database hold


@dataclasses.dataclass
class _Export:
    runs: dict[int, dict[str, Any]] = dataclasses.field(default_factory=dict)
    jobs: dict[int, dict[str, Any]] = dataclasses.field(default_factory=dict)
    workflows: dict[int, dict[str, Any]] = dataclasses.field(default_factory=dict)
    artifacts: dict[int, dict[str, Any]] = dataclasses.field(default_factory=dict)

    def add(self, value: Any, where: str) -> None:
        if isinstance(value, list):  # --slurp: an array of pages
            for item in value:
                self.add(item, where)
            return
        if not isinstance(value, dict):
            found = type(value).__name__
            raise InputFileError(f"{where}: expected JSON objects from `gh api`, found {found}")
        for key, bucket in (
            ("workflow_runs", self.runs),
            ("jobs", self.jobs),
            ("workflows", self.workflows),
            ("artifacts", self.artifacts),
        ):
            if isinstance(value.get(key), list):
                for item in value[key]:
                    _keep_newest(bucket, _object(item, where))
                return
        if "workflow_id" in value and "run_number" in value:
            _keep_newest(self.runs, value)
        elif "run_id" in value and "labels" in value:
            _keep_newest(self.jobs, value)
        else:
            keys = ", ".join(sorted(value)[:6])
            raise InputFileError(
                f"{where}: a JSON object that is no page of runs, jobs, workflows or artifacts "
                f"(keys: {keys}); export with `gh api --paginate repos/OWNER/NAME/actions/runs`"
            )


def read_values(path: Path) -> Iterator[tuple[Any, str]]:
    """The JSON values in a file written by ``gh api``, one after another, each with where it starts."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(f"{path}: cannot read the file ({error})") from None
    decoder = json.JSONDecoder()
    position = 0
    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        if position >= len(text):
            return
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise InputFileError(
                f"{path}:{error.lineno}:{error.colno}: not JSON ({error.msg}); "
                "expected the output of `gh api --paginate`"
            ) from None
        line = text.count("\n", 0, position) + 1
        yield value, f"{path}:{line}"
        position = end


def is_recorded_history(value: Any) -> bool:
    """Whether a JSON value is a recorded history (pipekit.history.recorded): runs with their jobs and
    artifact files in one object, as the repository's test data and the monitoring notebook keep them."""
    runs = value.get("runs") if isinstance(value, dict) else None
    return isinstance(runs, list) and all(isinstance(entry, dict) and "run" in entry for entry in runs)


def import_files(store: Store, paths: Sequence[Path], repo: str | None = None) -> ImportSummary:
    export = _Export()
    recorded: list[dict[str, Any]] = []
    for path in paths:
        for value, where in read_values(path):
            if is_recorded_history(value):
                recorded.append(value)
                for entry in value["runs"]:  # the runs name the repository, like a gh export's
                    export.add(entry["run"], where)
                    export.add(entry.get("jobs") or {"jobs": []}, where)
                export.add(value.get("workflows") or {"workflows": []}, where)
            else:
                export.add(value, where)
    summary = ImportSummary(repository=_repository(export, store, repo))
    if recorded:
        from pipekit.history.recorded import load_recorded  # keeps the artifact files the entries carry

        for value in recorded:
            summary.runs_saved += load_recorded(store, value)
            summary.jobs_saved += sum(
                len((entry.get("jobs") or {}).get("jobs", [])) for entry in value["runs"]
            )
        for entry in (entry for value in recorded for entry in value["runs"]):
            export.runs.pop(int(entry["run"]["id"]), None)  # saved whole above
            for job in (entry.get("jobs") or {}).get("jobs", []):
                export.jobs.pop(int(job["id"]), None)
    runs = {run_id: _parsed(Run.from_api, data) for run_id, data in export.runs.items()}
    jobs_of: dict[int, list[Job]] = {}
    for data in export.jobs.values():
        job = _parsed(Job.from_api, data)
        jobs_of.setdefault(job.run_id, []).append(job)
    artifacts_of: dict[int, list[Artifact]] = {}
    for data in export.artifacts.values():
        run_id = int((data.get("workflow_run") or {}).get("id") or 0)
        if run_id:
            artifact = _parsed(Artifact.from_api, data, run_id)
            artifacts_of.setdefault(artifact.run_id, []).append(artifact)
    store.save_workflows(_parsed(Workflow.from_api, data) for data in export.workflows.values())
    summary.workflows = len(export.workflows)
    for run_id in sorted(set(runs) | set(jobs_of) | set(artifacts_of)):
        run = runs.get(run_id) or stored.run(store, run_id)
        if run is None:
            summary.orphan_jobs += len(jobs_of.get(run_id, ()))
            continue
        before = stored.run(store, run_id)
        jobs = _merged(stored.jobs(store, before) if before else [], jobs_of.get(run_id, []))
        artifacts = _with_stored_files(store, run_id, artifacts_of.get(run_id))
        store.save_run(run, jobs, artifacts)
        summary.runs_saved += 1
        summary.jobs_saved += len(jobs_of.get(run_id, ()))
        summary.artifacts += len(artifacts_of.get(run_id, ()))
    return summary


def _repository(export: _Export, store: Store, repo: str | None) -> str:
    """The repository the files are the history of, from their runs' URLs; the database must hold the
    same one (or none yet)."""
    found: set[tuple[str, str]] = set()
    for data in [*export.runs.values(), *export.jobs.values()]:
        match = _RUN_URL.match(str(data.get("url") or data.get("run_url") or ""))
        if match:
            found.add((match["api"], match["repo"]))
    names = sorted({name.lower() for _, name in found})
    if len(names) > 1:
        raise InputFileError(
            f"the files hold the runs of {len(names)} repositories ({', '.join(names)}); "
            "import one repository's files into each database"
        )
    if repo is not None:
        check_repo_name(repo)
        if names and names[0] != repo.lower():
            raise InputFileError(f"--repo {repo}: the files hold the runs of {names[0]}")
    if found:
        api_url, name = sorted(found)[0]
    else:
        name = repo or store.meta("repository") or ""
        api_url = store.meta("api_url") or "https://api.github.com"
        if not name:
            raise InputFileError("the files name no repository; give --repo OWNER/NAME")
    claim_database(store, repo or name, api_url)
    return repo or name


def _keep_newest(bucket: dict[int, dict[str, Any]], data: dict[str, Any]) -> None:
    """One object per id: a later export of the same run or job replaces an earlier one."""
    if "id" not in data:
        return
    key = int(data["id"])
    held = bucket.get(key)
    if held is None or _freshness(data) >= _freshness(held):
        bucket[key] = data


def _freshness(data: dict[str, Any]) -> tuple[str, str]:
    return str(data.get("updated_at") or ""), str(data.get("completed_at") or "")


def _object(item: Any, where: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InputFileError(f"{where}: a list item is {type(item).__name__}, not a JSON object")
    return item


def _parsed(build: Any, data: dict[str, Any], *more: Any) -> Any:
    try:
        return build(data, *more)
    except (KeyError, TypeError, ValueError) as error:
        raise InputFileError(
            f"an exported object (id {data.get('id')}) lacks a usable {error} field; "
            "export the full objects, without --jq field selections"
        ) from None


def _merged(before: list[Job], given: list[Job]) -> list[Job]:
    jobs = {job.id: job for job in before}
    jobs.update({job.id: job for job in given})
    return list(jobs.values())


def _with_stored_files(store: Store, run_id: int, given: list[Artifact] | None) -> list[Artifact]:
    """The artifacts the files list for the run (or the stored ones), keeping downloaded files."""
    held = {artifact.id: artifact for artifact in stored.artifacts(store, run_id)}
    if given is None:
        return list(held.values())
    return [
        dataclasses.replace(artifact, files=held[artifact.id].files) if artifact.id in held else artifact
        for artifact in given
    ]
