"""GitHub's GITHUB_TOKEN permission model, held to least privilege.

GitHub's rules (https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#permissions):
a job with its own ``permissions`` gets exactly those scopes and nothing else; one without gets the
workflow's top-level ``permissions``, or the repository's default token (often write access to
everything) when there are none. pipekit's rules on top, each a rule id:

- ``permissions-workflow``: the top level is ``{}`` or read-only, so no job inherits a write grant;
- ``permissions-job``: every job grants its own scopes, one by one (no ``read-all``/``write-all``);
- ``permissions-scope``: scope names and levels are ones GitHub accepts;
- ``permissions-reason``: every granted scope has a trailing comment saying why;
- ``permissions-excess``: a job is granted no more than its steps need (table `needs_of`);
- ``permissions-missing``: a job is granted what its steps need.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from pipekit.check import yaml_source
from pipekit.check.finding import Finding
from pipekit.check.paths import PathArg
from pipekit.check.yaml_source import YamlSource

AUTHORITY = "GitHub's GITHUB_TOKEN permission model, least privilege"
RULES = (
    "permissions-workflow",
    "permissions-job",
    "permissions-scope",
    "permissions-reason",
    "permissions-excess",
    "permissions-missing",
)

_ANY = frozenset({"read", "write", "none"})
# The scopes and levels GitHub's parser accepts (@actions/workflow-parser's workflow schema,
# permissions-mapping); a test holds this table to the installed parser.
SCOPES: Mapping[str, frozenset[str]] = {
    "actions": _ANY,
    "artifact-metadata": _ANY,
    "attestations": _ANY,
    "checks": _ANY,
    "code-quality": _ANY,
    "contents": _ANY,
    "copilot-requests": frozenset({"write", "none"}),
    "deployments": _ANY,
    "discussions": _ANY,
    "drives": _ANY,
    "id-token": frozenset({"write", "none"}),
    "issues": _ANY,
    "models": frozenset({"read", "none"}),
    "packages": _ANY,
    "pages": _ANY,
    "pull-requests": _ANY,
    "repository-projects": _ANY,
    "security-events": _ANY,
    "statuses": _ANY,
    "vulnerability-alerts": frozenset({"read", "none"}),
}
SHORTHANDS = ("read-all", "write-all")
_RANK = {"none": 0, "read": 1, "write": 2}


@dataclass(frozen=True)
class Need:
    """A grant a step needs: `required` False when only some repositories need it, so granting it is
    not excess and leaving it out is not missing (the file cannot say which repository it runs in)."""

    scope: str
    level: str  # read or write
    reason: str
    required: bool = True


# A request path of the workflow-runs endpoints, /repos/{owner}/{repo}/actions/runs (and what lies under a
# run, such as its jobs) or .../actions/workflows/{workflow}/runs, in a step's script (deploy.yaml's
# release gate builds the latter, test.yaml's report lists a run attempt's jobs).
_READS_RUNS = re.compile(r"/actions/(?:workflows/[^/\s]+/)?runs\b")


def _truthy(value: Any) -> bool:
    """Whether an action input is on: an expression may be, false and empty are not."""
    return value not in (None, False, "", "false")


def needs_of(step: Mapping[str, Any], job_steps: Sequence[Mapping[str, Any]]) -> list[Need]:
    """What one step needs from GITHUB_TOKEN, from each action's documentation; `job_steps` are all the
    steps of its job (docker/login-action needs more when the job also pushes)."""
    action = str(step.get("uses", "")).partition("@")[0]
    given = step.get("with")
    inputs: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    run = step.get("run")
    if action in ("actions/checkout", "actions/dependency-review-action", "anchore/sbom-action"):
        return [Need("contents", "read", f"{action} reads the repository")]
    if action in ("github/codeql-action/upload-sarif", "github/codeql-action/analyze"):
        return [
            Need("security-events", "write", f"{action} uploads results to code scanning"),
            Need(
                "actions", "read", f"{action} reads the workflow run on private repositories", required=False
            ),
        ]
    if action == "docker/login-action" and inputs.get("registry") == "ghcr.io":
        pushes = any(
            str(other.get("uses", "")).startswith("docker/build-push-action@") for other in job_steps
        )
        if pushes:
            return [Need("packages", "write", "the job pushes an image to ghcr.io")]
        return [Need("packages", "read", "the job pulls from ghcr.io")]
    if action == "actions/attest-build-provenance":
        return [
            Need("id-token", "write", f"{action} signs with the workflow's OIDC identity"),
            Need("attestations", "write", f"{action} stores the attestation"),
        ]
    if isinstance(run, str) and _READS_RUNS.search(run):
        # GitHub's REST API "List workflow runs", "List jobs for a workflow run attempt": fine-grained
        # tokens need "Actions" repository read
        return [Need("actions", "read", "the step reads workflow runs through GitHub's REST API")]
    if action == "peter-evans/create-or-update-comment" or (isinstance(run, str) and "gh pr comment" in run):
        return [Need("pull-requests", "write", "the step comments on a pull request")]
    if action == "benchmark-action/github-action-benchmark":
        return _benchmark_needs(action, inputs)
    return []


def _benchmark_needs(action: str, inputs: Mapping[str, Any]) -> list[Need]:
    """github-action-benchmark v1.22.0 pushes its data with auto-push, and comments (comment-always,
    comment-on-alert) on a pull request as a review (dist/src/comment/leavePRComment.js,
    pulls.createReview), elsewhere on the commit (leaveCommitComment.js, repos.createCommitComment)."""
    needs: list[Need] = []
    if _truthy(inputs.get("auto-push")):
        needs.append(Need("contents", "write", f"{action} pushes its data branch"))
    comments = [inputs.get(key) for key in ("comment-always", "comment-on-alert")]
    if any(_truthy(value) for value in comments):
        if all(not _truthy(v) or "github.event_name == 'pull_request'" in str(v) for v in comments):
            needs.append(Need("pull-requests", "write", f"{action} comments on the pull request"))
        else:
            needs.append(Need("contents", "write", f"{action} comments on the commit"))
    return needs


def _strongest(needs: Iterable[Need], *, required_only: bool) -> dict[str, Need]:
    """The strongest need per scope."""
    result: dict[str, Need] = {}
    for need in needs:
        if required_only and not need.required:
            continue
        if need.scope not in result or _RANK[need.level] > _RANK[result[need.scope].level]:
            result[need.scope] = need
    return result


class _Report:
    """Findings of one file, each at a node's position."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.findings: list[Finding] = []

    def add(self, node: yaml.Node | None, rule: str, message: str) -> None:
        line, column = yaml_source.position(node) if node is not None else (None, None)
        self.findings.append(Finding(file=self.file, line=line, column=column, rule=rule, message=message))


def _grants(
    source: YamlSource, report: _Report, where: str, node: yaml.Node
) -> Iterator[tuple[str, str, yaml.Node]]:
    """(scope, level, key node) of a permissions mapping's grants other than none, reporting scopes
    and levels GitHub does not accept and grants without a reason."""
    for key, value in yaml_source.entries(node):
        scope, level = str(key.value), yaml_source.scalar(value)
        if scope not in SCOPES:
            report.add(key, "permissions-scope", f"{where}: GitHub has no permission {scope!r}")
            continue
        if level not in SCOPES[scope]:
            accepted = ", ".join(sorted(SCOPES[scope]))
            report.add(value, "permissions-scope", f"{where}.{scope}: {level!r} is not one of {accepted}")
            continue
        if level == "none":
            continue
        reason = source.trailing_comment(value)
        if reason is None or not reason.strip():
            message = f"{where}.{scope}: {level} is granted without a reason; say why in a trailing comment"
            report.add(key, "permissions-reason", message)
        yield scope, level, key


def _check_workflow_level(source: YamlSource, report: _Report) -> None:
    entry = next(((k, v) for k, v in yaml_source.entries(source.root) if k.value == "permissions"), None)
    if entry is None:
        message = (
            "no top-level permissions, so a job without its own gets the repository's default token; "
            "write `permissions: {}`"
        )
        report.add(None, "permissions-workflow", message)
        return
    key, value = entry
    shorthand = yaml_source.scalar(value)
    if shorthand == "read-all":
        return
    if shorthand is not None or not isinstance(value, yaml.MappingNode):
        report.add(
            key, "permissions-workflow", f"top-level permissions {shorthand!r}: write `permissions: {{}}`"
        )
        return
    for scope, level, scope_key in _grants(source, report, "permissions", value):
        if level == "write":
            message = (
                f"permissions.{scope}: write at the top level reaches every job; "
                "grant it in the job that needs it"
            )
            report.add(scope_key, "permissions-workflow", message)


def _step_data(source: YamlSource, job_id: str) -> list[Mapping[str, Any]] | None:
    """A job's steps as data, or None when it has no list of steps."""
    jobs = source.data.get("jobs") if isinstance(source.data, Mapping) else None
    job = jobs.get(job_id) if isinstance(jobs, Mapping) else None
    steps = job.get("steps") if isinstance(job, Mapping) else None
    return [step for step in steps if isinstance(step, Mapping)] if isinstance(steps, list) else None


def _check_job(source: YamlSource, report: _Report, job_id: str, job_key: yaml.Node, job: yaml.Node) -> None:
    where = f"jobs.{job_id}.permissions"
    entry = next(((k, v) for k, v in yaml_source.entries(job) if k.value == "permissions"), None)
    if entry is None:
        message = f"jobs.{job_id} has no permissions of its own; grant the scopes its steps need (or {{}})"
        report.add(job_key, "permissions-job", message)
        return
    key, value = entry
    if not isinstance(value, yaml.MappingNode):
        message = f"{where}: {yaml_source.scalar(value)!r}; grant scopes one by one, each with a reason"
        report.add(key, "permissions-job", message)
        return
    granted = {scope: (level, scope_key) for scope, level, scope_key in _grants(source, report, where, value)}
    steps = _step_data(source, job_id)
    if steps is None:
        return  # no steps: a job calling a reusable workflow, whose needs are in the workflow it calls
    needs = [need for step in steps for need in needs_of(step, steps)]
    allowed = _strongest(needs, required_only=False)
    for scope, (level, scope_key) in granted.items():
        need = allowed.get(scope)
        if need is None:
            report.add(
                scope_key, "permissions-excess", f"{where}.{scope}: {level} is granted but no step needs it"
            )
        elif _RANK[level] > _RANK[need.level]:
            message = f"{where}.{scope}: write is granted but {need.level} is enough ({need.reason})"
            report.add(scope_key, "permissions-excess", message)
    for scope, need in _strongest(needs, required_only=True).items():
        level = granted[scope][0] if scope in granted else "none"
        if _RANK[level] < _RANK[need.level]:
            message = f"{where}: {need.reason}, so it needs {scope}: {need.level} (granted: {level})"
            report.add(key, "permissions-missing", message)


def check_source(source: YamlSource) -> list[Finding]:
    report = _Report(source.file)
    if source.root is None:
        return []
    _check_workflow_level(source, report)
    jobs_node = yaml_source.get(source.root, "jobs")
    for job_key, job in yaml_source.entries(jobs_node):
        if isinstance(job, yaml.MappingNode):
            _check_job(source, report, str(job_key.value), job_key, job)
    return report.findings


def check_text(text: str, file: str) -> list[Finding]:
    """Check one workflow's text (InputFileError when it is not YAML pipekit can read)."""
    return check_source(yaml_source.parse(text, file))


def check(paths: PathArg | Iterable[PathArg]) -> list[Finding]:
    return yaml_source.check_files(check_source, paths)
