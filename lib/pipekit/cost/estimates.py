"""Estimated job durations from the design's `estimates:` section.

A job instance takes an exact override when one matches its leg; otherwise its workflow's figure for the
job (minutes on Linux) times the factor of its runner's OS and, for matrix legs, of its mode.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pipekit.design.model import Design, Estimates, Trigger
from pipekit.facts.platforms import load_platform_factors

if TYPE_CHECKING:
    from pipekit.pipeline.graph import JobSpec

DEFAULT_MINUTES = 5.0  # a job the design and the default table leave out
IMAGE_BUILD = ("build", "image")


def base_minutes(design: Design, workflow: str, job: str) -> float:
    """Linux minutes of a job: the design's figure, else the default table's."""
    configured = design.estimates.minutes.get(workflow, {})
    if job in configured:
        return configured[job]
    return Estimates().minutes.get(workflow, {}).get(job, DEFAULT_MINUTES)


def build_platforms(design: Design, trigger: Trigger) -> tuple[str, ...]:
    """The platforms build.yaml's image job builds on `trigger` (pull requests build fewer)."""
    build = design.build
    return build.platforms_pull_request if trigger == "pull_request" else build.platforms_push


def estimate_minutes(
    design: Design,
    job: JobSpec,
    leg: Mapping[str, Any],
    os: str,
    *,
    trigger: Trigger = "push",
    arch: str = "x64",
) -> float:
    """Estimated minutes of one instance of `job` (its matrix values `leg`) on a runner with `os` and
    `arch`, started by `trigger`. The image build's figure is one native platform's build: each platform
    the trigger builds adds its factor (emulated ones take longer; see data/build-platforms.yaml)."""
    estimates = design.estimates
    for override in estimates.overrides:
        if (
            override.workflow == job.workflow
            and override.job == job.id
            and all(leg.get(key) == value for key, value in override.match.items())
        ):
            return override.minutes
    minutes = base_minutes(design, job.workflow, job.id)
    if (job.workflow, job.id) == IMAGE_BUILD:
        minutes *= load_platform_factors().build_factor(
            build_platforms(design, trigger), arch, design.estimates.platform_factor
        )
    minutes *= dict(estimates.os_factor).get(os, 1.0)  # type: ignore[call-overload]
    mode = leg.get("mode")
    if isinstance(mode, str):
        minutes *= estimates.mode_factor.get(mode, 1.0)
    return float(minutes)


def estimate_in_force(design: Design, path: tuple[str, ...]) -> float:
    """The figure the cost model uses for an `estimates` key path the design may leave out:
    ``("estimates", "minutes", "test", "lint")``, ``("estimates", "os_factor", "macos")``,
    ``("estimates", "mode_factor", "basic")`` or ``("estimates", "platform_factor", "linux/arm64")``."""
    match path:
        case ("estimates", "minutes", workflow, job):
            return base_minutes(design, workflow, job)
        case ("estimates", "os_factor", os):
            return float(dict(design.estimates.os_factor).get(os, 1.0))  # type: ignore[call-overload]
        case ("estimates", "mode_factor", mode):
            return float(design.estimates.mode_factor.get(mode, 1.0))
        case ("estimates", "platform_factor", platform):
            mine = dict(design.estimates.platform_factor)
            return float(mine.get(platform, load_platform_factors().emulated.get(platform, 1.0)))  # type: ignore[call-overload]
    raise KeyError(".".join(path))
