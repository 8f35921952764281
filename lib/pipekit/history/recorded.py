"""A recorded run history: GitHub's REST API responses kept in one JSON file, loaded into a database.

The file holds what a fetch reads, unchanged: ``workflows``, the body of "List repository workflows";
``runs``, one entry per workflow run with ``run`` (a `workflow-run`), ``jobs`` (the body of "List jobs for a
workflow run" with ``filter=all``: every attempt's jobs), ``artifacts`` (the body of "List workflow run
artifacts") and ``artifact_files`` (``{"artifact_id", "path", "kind", "text"}``: files read from the
artifacts' zips). The monitoring notebook and the tests build their databases from such a file.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from pipekit.errors import InputFileError
from pipekit.history.store import Artifact, ArtifactFile, Job, Run, Store, Workflow


def read_recorded(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputFileError(f"{path}: cannot read the recorded history ({error.strerror})") from None
    except json.JSONDecodeError as error:
        raise InputFileError(f"{path}: not JSON ({error.msg}, line {error.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        raise InputFileError(f"{path}: expected an object with a `runs` list (a recorded history)")
    return data


def load_recorded(store: Store, data: dict[str, Any]) -> int:
    """Save a recorded history's workflows and runs into `store`; returns the number of runs."""
    store.save_workflows(Workflow.from_api(item) for item in data.get("workflows", {}).get("workflows", []))
    for entry in data["runs"]:
        run = Run.from_api(entry["run"])
        jobs = [Job.from_api(item) for item in entry.get("jobs", {}).get("jobs", [])]
        files: dict[int, list[ArtifactFile]] = defaultdict(list)
        for item in entry.get("artifact_files", []):
            files[int(item["artifact_id"])].append(
                ArtifactFile(path=item["path"], kind=item["kind"], content=item["text"].encode("utf-8"))
            )
        artifacts = [
            dataclasses.replace(artifact, files=tuple(files[artifact.id]))
            for artifact in (
                Artifact.from_api(item, run.id) for item in entry.get("artifacts", {}).get("artifacts", [])
            )
        ]
        store.save_run(run, jobs, artifacts)
    return len(data["runs"])
