"""What a rehearsal found: per job run and step the outcome and seconds, the last lines of what failed,
and every step that was not rehearsed with the reason; as text for people and as JSON for tools.

The JSON shape is stable: ``{"jobs": [{"workflow", "job", "leg", "outcome", "steps": [{"name", "outcome",
"seconds"}]}], "not_rehearsed": [{"workflow", "job", "step", "reason"}]}``; `leg` is the job run's
display name (``test (3.12, ubuntu-latest)``), `step` is null where a whole job run was not rehearsed.
A job run's outcome is success, failure, skipped (its if: was false), not_rehearsed (it runs on another
OS or architecture, or needs what this machine lacks) or partial (what ran passed, some steps did not
run); a step's is success, failure, skipped or not_rehearsed.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from pipekit.rehearse.model import Outcome

TAIL_LINES = 15
SYMBOLS = {
    "success": "passed",
    "partial": "passed what was rehearsed",
    "failure": "FAILED",
    "skipped": "skipped",
    "not_rehearsed": "not rehearsed",
}


@dataclasses.dataclass(kw_only=True)
class StepReport:
    name: str
    outcome: Outcome
    seconds: float = 0.0
    reason: str = ""  # why it failed or was not rehearsed
    tail: tuple[str, ...] = ()  # the last lines of its output, for a failure


@dataclasses.dataclass(kw_only=True)
class JobReport:
    workflow: str
    job: str
    leg: str
    outcome: Outcome
    steps: list[StepReport] = dataclasses.field(default_factory=list)
    reason: str = ""  # why the whole job run was skipped or not rehearsed
    summary: str = ""  # what its steps wrote to GITHUB_STEP_SUMMARY


@dataclasses.dataclass(kw_only=True)
class Report:
    event: str
    jobs: list[JobReport] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)  # workflows the event does not start, ...
    kept: str | None = None  # the rehearsal folder, when kept

    @property
    def failed(self) -> bool:
        return any(job.outcome == "failure" for job in self.jobs)

    def not_rehearsed(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for job in self.jobs:
            if job.outcome == "not_rehearsed" and not job.steps:
                found.append({"workflow": job.workflow, "job": job.leg, "step": None, "reason": job.reason})
            for step in job.steps:
                if step.outcome == "not_rehearsed":
                    found.append(
                        {"workflow": job.workflow, "job": job.leg, "step": step.name, "reason": step.reason}
                    )
        return found


def to_json(report: Report) -> str:
    data = {
        "jobs": [
            {
                "workflow": job.workflow,
                "job": job.job,
                "leg": job.leg,
                "outcome": job.outcome,
                "steps": [
                    {"name": step.name, "outcome": step.outcome, "seconds": round(step.seconds, 2)}
                    for step in job.steps
                ],
            }
            for job in report.jobs
        ],
        "not_rehearsed": report.not_rehearsed(),
    }
    return json.dumps(data, indent=2) + "\n"


def to_text(report: Report) -> str:
    lines: list[str] = [f"pipekit rehearse: the {report.event.replace('_', ' ')} event"]
    for note in report.notes:
        lines.append(f"  {note}")
    for job in report.jobs:
        lines.append("")
        head = f"{job.workflow}  {job.leg}: {SYMBOLS[job.outcome]}"
        lines.append(head + (f" ({job.reason})" if job.reason else ""))
        width = max((len(step.name) for step in job.steps), default=0)
        for step in job.steps:
            seconds = f"{step.seconds:7.1f} s" if step.outcome in ("success", "failure") else " " * 9
            line = f"  {step.name.ljust(width)}  {SYMBOLS[step.outcome].ljust(13)} {seconds}"
            if step.reason and step.outcome != "success":
                line += f"  {step.reason}"
            lines.append(line.rstrip())
            if step.outcome == "failure" and step.tail:
                lines += [f"      | {text}" for text in step.tail]
    lines.append("")
    lines.append(summary_line(report.jobs))
    if report.kept:
        lines.append(f"the rehearsal folder is kept: {report.kept}")
    return "\n".join(lines) + "\n"


def summary_line(jobs: Sequence[JobReport]) -> str:
    counts = {outcome: sum(job.outcome == outcome for job in jobs) for outcome in SYMBOLS}
    steps = [step for job in jobs for step in job.steps]
    not_rehearsed_steps = sum(step.outcome == "not_rehearsed" for step in steps)
    parts = [
        f"{counts['success']} job run(s) passed",
        f"{counts['partial']} partly rehearsed",
        f"{counts['failure']} failed",
        f"{counts['skipped']} skipped",
        f"{counts['not_rehearsed']} not rehearsed",
        f"{not_rehearsed_steps} step(s) not rehearsed",
    ]
    return "summary: " + ", ".join(parts)
