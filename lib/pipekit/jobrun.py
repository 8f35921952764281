"""The unit that costing and scheduling work on: one job of one workflow run, matrix already expanded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, kw_only=True)
class JobRun:
    """One job instance in a run: a matrix leg, or a job without a matrix."""

    workflow: str  # generated file name, e.g. "test.yaml"
    job: str  # job id inside the workflow, e.g. "test"
    matrix: Mapping[str, Any] = field(default_factory=dict)  # one combination; {} without a matrix
    runner: str  # runs-on label after matrix substitution, e.g. "ubuntu-latest"
    minutes: float  # estimated duration of this instance
    needs: tuple[str, ...] = ()  # job ids (same workflow) that must finish first
    max_parallel: int | None = None  # strategy.max-parallel of the job, if any

    @property
    def name(self) -> str:
        """Display name as GitHub shows it: ``test (3.11, ubuntu-latest, basic)``."""
        if not self.matrix:
            return self.job
        values = ", ".join(_display(v) for v in self.matrix.values())
        return f"{self.job} ({values})"


def _display(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(_display(v) for v in value.values())
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
