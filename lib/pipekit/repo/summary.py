"""What `pipekit init` prints: the main values it read and where from, what to fix before the first push,
and the repository's existing workflows next to the new design, per run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pipekit.check.finding import Finding
from pipekit.cost.plan import TRIGGER_TITLES, PipelinePlan
from pipekit.design.model import TRIGGERS, Design
from pipekit.repo.proposal import Proposal
from pipekit.repo.workflows import DEFAULT_JOB_MINUTES, ExistingWorkflow, estimate
from pipekit.wording import plural, usd

# The values the summary shows, by key path, with a label.
SHOWN = (
    ("project.package_manager", "package manager"),
    ("test.matrix.python-version", "Python"),
    ("project.source_dirs", "source folders"),
    ("project.tests_dir", "tests folder"),
    ("project.default_branch", "default branch"),
    ("test.modes", "test modes"),
    ("test.benchmark.enabled", "benchmarks"),
    ("build.dockerfile", "Dockerfile"),
    ("build.enabled", "image build"),
    ("license.header", "license header"),
    ("project.owner_type", "owner"),
    ("billing.plan", "plan"),
    ("billing.visibility", "visibility"),
)
# Which trigger of a workflow's `on:` starts it for each of the design's triggers.
_STARTED_BY = {
    "pull_request": ("pull_request", "pull_request_target"),
    "push": ("push",),
    "schedule": ("schedule",),
}


def _shown(path: str, value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return "none"
    if isinstance(value, str) and "\n" in value:
        return plural(len(value.splitlines()), "line")
    return str(value)


def _modes(proposal: Proposal) -> tuple[str, str]:
    """The modes (those outside the matrix marked so) and what each installs."""
    in_matrix = proposal.value("test.matrix.mode") or []
    names, comments = [], []
    for path, found in proposal.values.items():
        if path[:2] == ("test", "modes"):
            names.append(path[2] if path[2] in in_matrix else f"{path[2]} (not in the matrix)")
            comments.append(f"{path[2]}: {found.comment}")
    return ", ".join(names), "; ".join(comments)


def inferred(proposal: Proposal) -> list[str]:
    """One line per shown value: label, value, source."""
    lines = []
    for path, label in SHOWN:
        if path == "test.modes":
            value, comment = _modes(proposal)
        else:
            found = proposal.values.get(tuple(path.split(".")))
            if found is None:
                continue
            value, comment = _shown(path, found.value), found.comment
        lines.append(f"  {label:<17} {value:<34} {comment}")
    return lines


def before_first_push(proposal: Proposal, findings: Sequence[Finding]) -> list[str]:
    """Remarks and the repository check's findings on the new design."""
    return [f"  - {remark}" for remark in proposal.remarks] + [f"  - {finding}" for finding in findings]


def _existing_rows(existing: Sequence[ExistingWorkflow], design: Design) -> list[str]:
    day = dt.date.fromisoformat(design.billing.prices_on)
    lines = []
    for workflow in existing:
        if not workflow.runs and workflow.problems:
            lines.append(f"  {workflow.path}: {'; '.join(workflow.problems)}")
            continue
        cost = estimate(
            workflow.runs, plan=design.billing.plan, visibility=design.billing.visibility, prices_on=day
        )
        triggers = ", ".join(workflow.triggers) or "no trigger"
        lines.append(
            f"  {workflow.path:<44} {plural(len(workflow.jobs), 'job'):>8} "
            f"{plural(cost.job_runs, 'job run'):>12}  {usd(cost.usd):>8}/run  on {triggers}"
        )
        lines += [f"      {problem}" for problem in workflow.problems]
    return lines


def comparison(existing: Sequence[ExistingWorkflow], design: Design, plan: PipelinePlan) -> list[str]:
    """The existing workflows, then a run of each trigger: existing workflows against the new design."""
    if not existing:
        return []
    day = dt.date.fromisoformat(design.billing.prices_on)
    lines = [
        f"existing workflows in .github/workflows (each job run counted at {DEFAULT_JOB_MINUTES:g} minutes, "
        f"on the {design.billing.plan} plan, {design.billing.visibility}):",
        *_existing_rows(existing, design),
        "per run, the existing workflows against the new design (its own estimates):",
    ]
    for trigger in TRIGGERS:
        started = [run for w in existing if set(w.triggers) & set(_STARTED_BY[trigger]) for run in w.runs]
        old = estimate(started, plan=design.billing.plan, visibility=design.billing.visibility, prices_on=day)
        new = plan.trigger(trigger).cost
        unpriced = f" ({old.unpriced} not priced: runner not known before the run)" if old.unpriced else ""
        lines.append(
            f"  {TRIGGER_TITLES[trigger]:<30} existing {plural(old.job_runs, 'job run'):>12}, "
            f"{old.billable_minutes:>4} billable min, {usd(old.usd):>7}{unpriced}"
            f"  |  new {plural(len(new.jobs), 'job run'):>12}, {new.billable_minutes:>4} billable min, "
            f"{usd(new.usd):>7}"
        )
    return lines
