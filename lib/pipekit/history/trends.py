"""What the runs' artifacts say over time: total coverage, security findings by severity, benchmark means,
and the regressions among them.

Files are read as the workflows write them: coverage.py's HTML report (its index states the total; a
coverage.json or Cobertura XML is read too), pytest-benchmark's JSON, and SARIF 2.1.0, whose findings
are counted by level with the rules the workflows' own job summary uses (`render.scripts.sarif_summary`).
A file that cannot be read is skipped: an artifact is evidence, not input that must be valid.
"""

from __future__ import annotations

import dataclasses
import json
import re
import statistics
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from pipekit.history.store import Artifact, ArtifactFile, Run
from pipekit.render.scripts.sarif_summary import LEVELS, level_of, rule_of, rules_of

PC_COV = re.compile(rb'<span class="pc_cov">\s*([0-9]+(?:\.[0-9]+)?)%\s*</span>')


@dataclasses.dataclass(frozen=True, kw_only=True)
class Point:
    """One figure of one run."""

    run_id: int
    created_at: str  # the run's creation, stored UTC text
    name: str  # what was measured: "coverage", a benchmark's name, a scanner's artifact and a level
    value: float


@dataclasses.dataclass(frozen=True, kw_only=True)
class Regression:
    point: Point
    baseline: float  # the median of the earlier runs' figures
    change: float  # point.value / baseline - 1 (a coverage drop: points lost, negative)


def coverage_percent(content: bytes) -> float | None:
    """The total coverage a report states, in percent."""
    found = PC_COV.search(content)
    if found:
        return float(found.group(1))
    try:
        data = json.loads(content)
        return float(data["totals"]["percent_covered"])
    except (ValueError, KeyError, TypeError):
        pass
    try:
        rate = ET.fromstring(content).get("line-rate")  # Cobertura XML (coverage xml)
        return None if rate is None else 100 * float(rate)
    except (ET.ParseError, ValueError):
        return None


def benchmark_means(content: bytes) -> dict[str, float]:
    """Each benchmark's mean, in seconds, from pytest-benchmark's JSON."""
    try:
        data = json.loads(content)
        return {str(item["name"]): float(item["stats"]["mean"]) for item in data["benchmarks"]}
    except (ValueError, KeyError, TypeError):
        return {}


def finding_levels(content: bytes) -> Counter[str]:
    """SARIF findings counted by level (error, warning, note, none)."""
    try:
        data = json.loads(content)
        counts: Counter[str] = Counter()
        for run in data["runs"]:
            rules = rules_of(run)
            for result in run.get("results") or []:
                counts[level_of(result, rule_of(result, rules))] += 1
        return counts
    except (ValueError, KeyError, TypeError, AttributeError):
        return Counter()


def _created(runs: Iterable[Run]) -> dict[int, str]:
    return {run.id: run.created_at for run in runs}


def coverage_points(runs: Sequence[Run], files: Iterable[tuple[Artifact, ArtifactFile]]) -> list[Point]:
    created = _created(runs)
    points = []
    for artifact, item in files:
        percent = coverage_percent(item.content)
        if percent is not None and artifact.run_id in created:
            points.append(
                Point(
                    run_id=artifact.run_id,
                    created_at=created[artifact.run_id],
                    name="coverage",
                    value=percent,
                )
            )
    return points


def benchmark_points(runs: Sequence[Run], files: Iterable[tuple[Artifact, ArtifactFile]]) -> list[Point]:
    created = _created(runs)
    return [
        Point(run_id=artifact.run_id, created_at=created[artifact.run_id], name=name, value=mean)
        for artifact, item in files
        if artifact.run_id in created
        for name, mean in sorted(benchmark_means(item.content).items())
    ]


def finding_points(runs: Sequence[Run], files: Iterable[tuple[Artifact, ArtifactFile]]) -> list[Point]:
    """One point per SARIF artifact and level: name is "<artifact name>: <level>"."""
    created = _created(runs)
    points = []
    for artifact, item in files:
        if artifact.run_id not in created:
            continue
        counts = finding_levels(item.content)
        for level in LEVELS:
            points.append(
                Point(
                    run_id=artifact.run_id,
                    created_at=created[artifact.run_id],
                    name=f"{artifact.name}: {level}",
                    value=float(counts.get(level, 0)),
                )
            )
    return points


def regressions(points: Sequence[Point], threshold: float) -> list[Regression]:
    """Points more than `threshold` (0.10: 10%) above the median of the same name's earlier points:
    a benchmark that got slower."""
    found = []
    for series in _series(points).values():
        for index, point in enumerate(series[1:], start=1):
            baseline = statistics.median(earlier.value for earlier in series[:index])
            if baseline > 0 and point.value / baseline - 1 > threshold:
                found.append(Regression(point=point, baseline=baseline, change=point.value / baseline - 1))
    return found


def coverage_drops(points: Sequence[Point], points_lost: float) -> list[Regression]:
    """Coverage more than `points_lost` percentage points below the median of the earlier runs'."""
    found = []
    for series in _series(points).values():
        for index, point in enumerate(series[1:], start=1):
            baseline = statistics.median(earlier.value for earlier in series[:index])
            if baseline - point.value > points_lost:
                found.append(Regression(point=point, baseline=baseline, change=point.value - baseline))
    return found


def _series(points: Sequence[Point]) -> Mapping[str, list[Point]]:
    series: dict[str, list[Point]] = {}
    for point in sorted(points, key=lambda item: (item.created_at, item.run_id)):
        series.setdefault(point.name, []).append(point)
    return series
