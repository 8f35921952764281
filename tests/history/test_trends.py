"""Reading the runs' artifacts: coverage totals, benchmark means, SARIF findings by level, and the
regressions flagged among them (the arithmetic in each test)."""

from __future__ import annotations

import json

from pipekit.history import trends
from pipekit.history.trends import Point


def test_coverage_totals_from_each_report_format() -> None:
    html = b'<h1>Coverage report:\n<span class="pc_cov">87%</span>\n</h1>'
    assert trends.coverage_percent(html) == 87.0
    assert trends.coverage_percent(json.dumps({"totals": {"percent_covered": 91.25}}).encode()) == 91.25
    assert trends.coverage_percent(b'<coverage line-rate="0.8125" branch-rate="0"></coverage>') == 81.25
    assert trends.coverage_percent(b"not a report") is None


def test_benchmark_means_and_sarif_levels() -> None:
    document = {
        "benchmarks": [{"name": "a", "stats": {"mean": 0.002}}, {"name": "b", "stats": {"mean": 0.5}}]
    }
    assert trends.benchmark_means(json.dumps(document).encode()) == {"a": 0.002, "b": 0.5}
    assert trends.benchmark_means(b"{}") == {}
    sarif = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "x",
                        "rules": [{"id": "R1", "defaultConfiguration": {"level": "note"}}],
                    }
                },
                # an explicit level; the rule's default (note); 'none' for a result that is not a failure
                "results": [
                    {"ruleId": "R1", "level": "error"},
                    {"ruleId": "R1"},
                    {"ruleId": "R1", "kind": "pass"},
                ],
            }
        ],
    }
    assert trends.finding_levels(json.dumps(sarif).encode()) == {"error": 1, "note": 1, "none": 1}


def point(day: int, value: float, name: str = "bench") -> Point:
    return Point(run_id=day, created_at=f"2026-11-{day:02d}T10:00:00.000000Z", name=name, value=value)


def test_a_benchmark_beyond_the_threshold_over_the_earlier_median_is_flagged() -> None:
    series = [point(1, 1.0), point(2, 1.05), point(3, 1.0), point(4, 1.25), point(5, 1.1)]
    flagged = trends.regressions(series, 0.10)
    # day 2: 1.05 over median(1.0) = +5%; day 3: 1.0; day 4: 1.25 over median(1.0, 1.05, 1.0) = 1.0: +25%;
    # day 5: 1.1 over median(1.0, 1.05, 1.0, 1.25) = 1.025: +7.3%
    assert [(flag.point.run_id, flag.baseline, round(flag.change, 4)) for flag in flagged] == [(4, 1.0, 0.25)]


def test_a_coverage_drop_is_counted_in_points() -> None:
    series = [point(1, 86.0, "coverage"), point(2, 85.5, "coverage"), point(3, 84.0, "coverage")]
    # day 2: 0.5 below 86.0; day 3: 84.0 against median(86.0, 85.5) = 85.75: 1.75 points lost
    flagged = trends.coverage_drops(series, 1.0)
    assert [(flag.point.run_id, flag.baseline, flag.change) for flag in flagged] == [(3, 85.75, -1.75)]
