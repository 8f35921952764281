"""Inspect existing workflow files: every job, expanded into one row per job run GitHub starts.

A row is ``{"workflow": <path as given>, "job": <job id>, "matrix": {<combination>}, "runs_on": <text>}``;
its JSON form (`format_json`) is a public interface, so keys and their order are fixed.

Files are read as GitHub reads them (github.workflow_yaml), matrices expanded as GitHub expands them
(github.matrix) and ``${{ }}`` in strategy and runs-on evaluated as far as the workflow alone decides
(github.expressions). What only GitHub knows when the run starts (github, inputs, vars, needs) is never
guessed: a matrix that depends on it skips its job, a runner label that depends on it is shown as written;
both are reported in `problems`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipekit.errors import InputFileError, MatrixError
from pipekit.github.expression_evaluation import NotKnown
from pipekit.github.expressions import (
    RUNS_ON_CONTEXTS,
    STRATEGY_CONTEXTS,
    find_expression,
    is_expression,
    job_contexts,
    resolve,
    resolve_tree,
)
from pipekit.github.json_form import to_json_data
from pipekit.github.matrix import MatrixLeg, expand_matrix_legs
from pipekit.github.values import INT32_MAX, INT32_MIN, kind_of, to_text
from pipekit.github.workflow_yaml import load_workflow
from pipekit.wording import describe

NOT_EXPANDABLE = "not statically expandable"
NOT_KNOWN = "not statically known"
STRATEGY_KEYS = ("fail-fast", "max-parallel", "matrix")  # WorkflowTemplateConverter.ConvertToStrategy


@dataclass
class ExpandResult:
    """Rows in file order, then job order, then GitHub's order of job runs.

    `problems` lists what could not be known (one line each, naming the file): jobs skipped because their
    matrix is not statically expandable, and jobs whose runner is shown as written. `names` holds GitHub's
    display name of each row, in the same order as `rows`.
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def expand_workflow_files(paths: Sequence[str]) -> ExpandResult:
    """Expand every job of every workflow file in `paths`.

    Raises InputFileError for a file that cannot be read or that GitHub would refuse, and MatrixError
    (prefixed with the file) for a matrix GitHub would reject.
    """
    result = ExpandResult()
    for path in paths:
        _expand_workflow(path, load_workflow(path), result)
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
    """The rows as a JSON list, keys in insertion order; always valid JSON (see json_form.to_json_data)."""
    rows = [{**row, "matrix": to_json_data(row["matrix"])} for row in result.rows]
    return json.dumps(rows, indent=2, allow_nan=False) + "\n"


def _expand_workflow(path: str, workflow: Any, result: ExpandResult) -> None:
    if not isinstance(workflow, Mapping):
        raise InputFileError(f"{path}: expected a workflow mapping (on:, jobs:), got {describe(workflow)}")
    if "jobs" not in workflow:
        raise InputFileError(f"{path}: no jobs mapping; a workflow lists its jobs under jobs:")
    jobs = workflow["jobs"]
    if not isinstance(jobs, Mapping):
        raise InputFileError(f"{path}: jobs: expected a mapping of job ids to jobs, got {describe(jobs)}")
    for job_id, job in jobs.items():
        where = f"{path}: jobs.{job_id}"
        if not isinstance(job, Mapping):
            raise InputFileError(f"{where}: expected a mapping with runs-on or uses, got {describe(job)}")
        if "uses" not in job and "runs-on" not in job:
            raise InputFileError(
                f"{where}: runs-on is missing; a job needs runs-on (or uses: for a reusable workflow)"
            )
        runs = _job_runs(path, job_id, job, result)
        if runs is None:
            continue
        unknown: list[str] = []
        for leg, strategy in runs:
            if "uses" in job:
                runs_on = f"uses: {job['uses']}"
            else:
                contexts = job_contexts(leg.matrix, strategy)
                runs_on = _runs_on(job["runs-on"], contexts, f"{where}.runs-on", unknown)
            result.rows.append({"workflow": path, "job": job_id, "matrix": leg.matrix, "runs_on": runs_on})
            result.names.append(leg.display_name(job_id))
        if unknown:
            result.problems.append(
                f"{path}: job {job_id!r}: runs-on is {NOT_KNOWN} (it reads {', '.join(unknown)}); "
                "shown as written"
            )


def _job_runs(
    path: str, job_id: str, job: Mapping[str, Any], result: ExpandResult
) -> list[tuple[MatrixLeg, dict[str, Any]]] | None:
    """Each job run's matrix leg and strategy context, or None when the job was skipped as a problem."""
    where = f"{path}: jobs.{job_id}.strategy"
    strategy = _resolved(job.get("strategy", {}), {}, STRATEGY_CONTEXTS, where)
    if is_expression(strategy):
        result.problems.append(
            f"{path}: job {job_id!r}: strategy is a ${{{{ }}}} expression: {NOT_EXPANDABLE}; skipped"
        )
        return None
    if not isinstance(strategy, Mapping):
        raise InputFileError(
            f"{where}: expected a mapping (matrix, fail-fast, max-parallel), got {describe(strategy)}"
        )
    for key in strategy:
        if key not in STRATEGY_KEYS:
            raise InputFileError(f"{where}: unknown key {key!r}; GitHub allows {', '.join(STRATEGY_KEYS)}")
    fail_fast = _fail_fast(strategy.get("fail-fast", True), where)
    max_parallel = _max_parallel(strategy.get("max-parallel", 0), where)
    if "matrix" not in strategy:
        return [(MatrixLeg({}, ()), _strategy_context(fail_fast, 0, 1, 1))]
    try:
        legs = expand_matrix_legs(strategy["matrix"], job=job_id)
    except MatrixError as error:
        if NOT_EXPANDABLE in error.message:
            result.problems.append(f"{path}: {error.message}; skipped")
            return None
        raise MatrixError(f"{path}: {error.message}") from None
    if not legs[0].matrix:
        # no combination: EvaluateStrategy runs the job once, with its own strategy context
        return [(legs[0], _strategy_context(fail_fast, 0, 1, 1))]
    total = len(legs)
    # the context's max-parallel: the strategy's when above 0, else the number of job runs
    parallel = max_parallel if isinstance(max_parallel, NotKnown) or max_parallel > 0 else total
    return [(leg, _strategy_context(fail_fast, index, total, parallel)) for index, leg in enumerate(legs)]


def _strategy_context(fail_fast: Any, index: int, total: int, max_parallel: Any) -> dict[str, Any]:
    """The strategy context of one job run (WorkflowTemplateConverter.cs lines 1005-1040)."""
    return {"fail-fast": fail_fast, "job-index": index, "job-total": total, "max-parallel": max_parallel}


def _fail_fast(value: Any, where: str) -> Any:
    if is_expression(value):
        return _not_known(value)
    if not isinstance(value, bool):
        raise InputFileError(f"{where}.fail-fast: expected true or false, got {describe(value)}")
    return value


def _max_parallel(value: Any, where: str) -> Any:
    """max-parallel as GitHub keeps it, (Int32) of the number: 0 when it is not set."""
    if is_expression(value):
        return _not_known(value)
    if kind_of(value) != "number":
        raise InputFileError(f"{where}.max-parallel: expected a number, got {describe(value)}")
    if not math.isfinite(value) or not INT32_MIN <= value <= INT32_MAX:
        # what .NET makes of a number beyond Int32 depends on its version
        return NotKnown("strategy")
    return int(value)  # the cast drops the fraction


def _not_known(template: str) -> Any:
    value = resolve(template, {}, STRATEGY_CONTEXTS).value
    return value if isinstance(value, NotKnown) else NotKnown("strategy")


def _resolved(value: Any, contexts: Mapping[str, Any], allowed: Sequence[str], where: str) -> Any:
    try:
        resolved, _ = resolve_tree(value, contexts, allowed)
    except InputFileError as error:
        raise InputFileError(f"{where}: {error.message}") from None
    return resolved


def _runs_on(value: Any, contexts: Mapping[str, Any], where: str, unknown: list[str]) -> str:
    """runs-on for one job run as one line of text; what GitHub alone knows is kept as written and the
    contexts it reads are added to `unknown`."""
    try:
        resolved, reads = resolve_tree(value, contexts, RUNS_ON_CONTEXTS)
    except InputFileError as error:
        raise InputFileError(f"{where}: {error.message}") from None
    unknown.extend(source for source in reads if source not in unknown)
    evaluated = "" if find_expression(value, "") is None else f" once {value!r} is evaluated"
    # WorkflowTemplateConverter.ConvertToRunsOn: labels, or a mapping of group and labels
    if isinstance(resolved, Mapping):
        for key in resolved:
            if key not in ("group", "labels"):
                raise InputFileError(
                    f"{where}: unknown key {key!r}{evaluated}; GitHub allows group and labels"
                )
        parts: list[str] = []
        if resolved.get("group") is not None:
            parts.append(f"group={_label(resolved['group'], f'{where}.group', evaluated)}")
        if resolved.get("labels") is not None:
            labels = _labels(resolved["labels"], f"{where}.labels", evaluated)
            if labels:
                parts.append(f"labels={labels}")
        return ",".join(parts)
    return _labels(resolved, where, evaluated)


def _labels(value: Any, where: str, evaluated: str) -> str:
    if isinstance(value, list):
        return ",".join(_label(item, where, evaluated) for item in value)
    return _label(value, where, evaluated)


def _label(value: Any, where: str, evaluated: str) -> str:
    if isinstance(value, Mapping | list):
        raise InputFileError(f"{where}: a runner label must be text, got {describe(value)}{evaluated}")
    label = to_text(value)  # GitHub reads a number or boolean label as its text
    if not label:
        raise InputFileError(
            f"{where}: is empty{evaluated}; name a runner label, e.g. runs-on: ubuntu-latest"
        )
    return label
