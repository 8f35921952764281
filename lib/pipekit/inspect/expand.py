"""Inspect existing workflow files: every job, expanded into one row per matrix combination.

A row is ``{"workflow": <path as given>, "job": <job id>, "matrix": {<combination>}, "runs_on": <text>}``;
its JSON form (`format_json`) is a public interface, so keys and their order are fixed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipekit import yamlio
from pipekit.errors import InputFileError, MatrixError
from pipekit.github.expressions import substitute, whole_reference
from pipekit.github.matrix import MatrixLeg, expand_matrix_legs, is_expression, scalar_text

NOT_EXPANDABLE = "not statically expandable"


@dataclass
class ExpandResult:
    """Rows in file order, then job order, then GitHub's combination order.

    `problems` lists jobs that were skipped (one line each, naming the file); `names` holds GitHub's
    display name of each row, in the same order as `rows`.
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def expand_workflow_files(paths: Sequence[str]) -> ExpandResult:
    """Expand every job of every workflow file in `paths`.

    Raises InputFileError for a file that cannot be read or is not a workflow, and MatrixError (prefixed
    with the file) for a matrix GitHub would reject. A matrix that holds ``${{ }}`` expressions is not
    guessed at: the job is reported in `problems` and skipped.
    """
    result = ExpandResult()
    for path in paths:
        workflow = yamlio.load_file(Path(path))
        _expand_workflow(path, workflow, result)
    return result


def format_text(result: ExpandResult) -> str:
    """Human-readable listing: per workflow, each job with its count, then one line per job run.

    Problems are not included: they are in `result.problems`.
    """
    groups: list[tuple[str, str, list[int]]] = []  # consecutive rows of one job of one file
    for index, row in enumerate(result.rows):
        if groups and groups[-1][:2] == (row["workflow"], row["job"]):
            groups[-1][2].append(index)
        else:
            groups.append((row["workflow"], row["job"], [index]))
    lines: list[str] = []
    for number, (path, job, indexes) in enumerate(groups):
        if number == 0 or groups[number - 1][0] != path:
            if lines:
                lines.append("")  # a blank line between workflows
            lines.append(path)
        count = len(indexes)
        lines.append(f"  {job}: {count} job{'' if count == 1 else 's'}")
        for index in indexes:
            lines.append(f"    {result.names[index]} -> {result.rows[index]['runs_on']}")
    return "\n".join(lines) + "\n" if lines else ""


def format_json(result: ExpandResult) -> str:
    """The rows as a JSON list, keys in insertion order."""
    return json.dumps(result.rows, indent=2) + "\n"


def _expand_workflow(path: str, workflow: Any, result: ExpandResult) -> None:
    if not isinstance(workflow, Mapping):
        raise InputFileError(f"{path}: expected a workflow mapping (on:, jobs:), got {_describe(workflow)}")
    if "jobs" not in workflow:
        raise InputFileError(f"{path}: no jobs mapping; a workflow lists its jobs under jobs:")
    jobs = workflow["jobs"]
    if not isinstance(jobs, Mapping):
        raise InputFileError(f"{path}: jobs: expected a mapping of job ids to jobs, got {_describe(jobs)}")
    for raw_id, job in jobs.items():
        job_id = str(raw_id)
        where = f"{path}: jobs.{job_id}"
        if not isinstance(job, Mapping):
            raise InputFileError(f"{where}: expected a mapping with runs-on or uses, got {_describe(job)}")
        if "uses" not in job and "runs-on" not in job:
            raise InputFileError(
                f"{where}: runs-on is missing; a job needs runs-on (or uses: for a reusable workflow)"
            )
        legs = _job_legs(path, job_id, job, result)
        if legs is None:
            continue
        if not legs:
            result.problems.append(
                f"{path}: job {job_id!r}: exclude removes every matrix combination, "
                "so the matrix yields no jobs"
            )
        for leg in legs:
            runs_on = f"uses: {job['uses']}" if "uses" in job else _runs_on(job["runs-on"], leg.matrix, where)
            result.rows.append({"workflow": path, "job": job_id, "matrix": leg.matrix, "runs_on": runs_on})
            result.names.append(leg.display_name(job_id))


def _job_legs(path: str, job_id: str, job: Mapping[str, Any], result: ExpandResult) -> list[MatrixLeg] | None:
    """The job's matrix legs (one empty leg without a matrix), or None when it was skipped as a problem."""
    if "strategy" not in job:
        return [MatrixLeg({}, ())]
    strategy = job["strategy"]
    if is_expression(strategy):
        result.problems.append(
            f"{path}: job {job_id!r}: strategy is a ${{{{ }}}} expression: {NOT_EXPANDABLE}; skipped"
        )
        return None
    if not isinstance(strategy, Mapping):
        raise InputFileError(
            f"{path}: jobs.{job_id}.strategy: expected a mapping (matrix, fail-fast, max-parallel), "
            f"got {_describe(strategy)}"
        )
    if "matrix" not in strategy:
        return [MatrixLeg({}, ())]
    try:
        return expand_matrix_legs(strategy["matrix"], job=job_id)
    except MatrixError as error:
        if NOT_EXPANDABLE in error.message:
            result.problems.append(f"{path}: {error.message}; skipped")
            return None
        raise MatrixError(f"{path}: {error.message}") from None


def _runs_on(value: Any, matrix: Mapping[str, Any], where: str) -> str:
    """runs-on as one line of text, with matrix references replaced by this combination's values."""
    if isinstance(value, str):
        if not value.strip():  # GitHub rejects an empty label, as for runs-on: with no value
            raise InputFileError(
                f"{where}.runs-on: is empty; name a runner label, e.g. runs-on: ubuntu-latest"
            )
        resolved = whole_reference(value, matrix)
        if isinstance(resolved, list | Mapping):  # e.g. runs-on: ${{ matrix.runner }} holding labels
            return _runs_on(resolved, {}, where)
        return substitute(value, matrix)
    if isinstance(value, list):
        return ",".join(_runs_on(item, matrix, where) for item in value)
    if isinstance(value, Mapping):
        parts: list[str] = []
        if value.get("group") is not None:
            parts.append(f"group={_runs_on(value['group'], matrix, where)}")
        labels = value.get("labels")
        if labels is not None:
            joined = _runs_on(labels, matrix, where)
            if joined:
                parts.append(f"labels={joined}")
        return ",".join(parts)
    label = scalar_text(value)
    if not label:
        raise InputFileError(f"{where}.runs-on: is empty; name a runner label, e.g. runs-on: ubuntu-latest")
    return label


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"a string ({value!r})"
    return f"a {type(value).__name__} ({value!r})"
