"""`pipekit history calibrate`: the design's estimates fitted to the run history."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipekit.commands.history_report import history_arguments, read_history

if TYPE_CHECKING:
    from pipekit.history.calibrate import Calibration
    from pipekit.history.store import Run


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "calibrate",
        help="fit the design's estimates (Linux minutes, OS and mode factors, overrides) to the history",
    )
    history_arguments(parser)
    parser.add_argument(
        "--write", action="store_true", help="save the fitted estimates into the design (comments kept)"
    )
    parser.set_defaults(run=run_calibrate)


def run_calibrate(args: argparse.Namespace) -> int:
    import sys

    from pipekit.design.save import save_design
    from pipekit.history.calibrate import calibrate

    runs, jobs = read_history(args)
    if not runs:
        print(
            "pipekit history calibrate: no runs in the database for this window; nothing to fit "
            "(run `pipekit history fetch` or `pipekit history import` first)",
            file=sys.stderr,
        )
        return 1
    result = calibrate(args.design, runs, jobs)
    sys.stdout.write(format_calibration(result, runs))
    if args.write:
        changed = save_design(args.design, result.data)
        print(
            f"{args.design}: "
            + ("the fitted estimates are saved" if changed else "already holds these estimates")
        )
    else:
        print(f"Run with --write to save the fitted estimates into {args.design} (only estimates: changes).")
    return 0


def _error(estimate: float, actual: float) -> str:
    return f"{100 * (estimate / actual - 1):+.0f}%" if actual else "-"


def format_calibration(result: Calibration, runs: list[Run]) -> str:
    """What `pipekit history calibrate` prints."""
    from pipekit.history.calibrate import THRESHOLD

    if not runs:
        return "pipekit history calibrate: no runs in the database for this window; nothing to fit\n"
    lines = [
        f"pipekit history calibrate: {len(runs)} runs created {runs[0].created_at[:10]} to "
        f"{runs[-1].created_at[:10]}; successful jobs only, every attempt",
        "",
        "Per job: the median minutes it took, and the estimate before and after calibrating",
    ]
    width = max((len(row.name) for row in result.jobs), default=20) + 2
    lines.append(
        f"  {'job':<{width}}{'jobs':>5}{'actual':>8}{'before':>8}{'error':>7}{'after':>8}{'error':>7}"
    )
    workflow = None
    for row in result.jobs:
        if row.workflow != workflow:
            workflow = row.workflow
            lines.append(f"  {workflow}")
        lines.append(
            f"  {row.name:<{width}}{row.samples:>5}{row.actual:>8.1f}{row.before:>8.1f}"
            f"{_error(row.before, row.actual):>7}{row.after:>8.1f}{_error(row.after, row.actual):>7}"
        )
    lines += [
        "",
        "Billable minutes a run starts, per trigger: the history's mean against the plan's prediction",
    ]
    for check in result.checks:
        lines.append(
            f"  {check.trigger:<14}{check.events:>4} events  actual {check.actual:>7.1f}"
            f"  before {check.before:>5} ({_error(check.before, check.actual)})"
            f"  after {check.after:>5} ({_error(check.after, check.actual)})"
        )
    fitted = result.fitted
    lines += ["", "Fitted estimates (minutes on Linux; factors; overrides beyond "
              f"{100 * THRESHOLD:.0f}% of what the factors predict):"]  # fmt: skip
    by_workflow: dict[str, list[str]] = {}
    for (stem, job), value in sorted(fitted.minutes.items()):
        by_workflow.setdefault(stem, []).append(f"{job}: {value:g}")
    lines += [f"  minutes.{stem}: {', '.join(values)}" for stem, values in by_workflow.items()]
    lines.append(
        "  os_factor: " + ", ".join(f"{name}: {value:g}" for name, value in fitted.os_factor.items())
    )
    lines.append(
        "  mode_factor: " + ", ".join(f"{name}: {value:g}" for name, value in fitted.mode_factor.items())
    )
    for override in fitted.overrides:
        match = ", ".join(f"{key}: {value}" for key, value in override["match"].items())
        lines.append(
            f"  override {override['workflow']}.{override['job']} where {match}: {override['minutes']:g}"
        )
    lines += [
        "",
        "Re-runs and cancellations (the design has no keys for these rates, so the plan leaves them out):",
        f"  {'workflow':<44}{'runs':>6}{'re-run':>9}{'re-run min':>12}{'cancelled':>11}",
    ]
    for rate in result.rates:
        lines.append(
            f"  {rate.workflow:<44}{rate.runs:>6}{100 * rate.rerun_share:>8.1f}%"
            f"{100 * rate.rerun_minutes_share:>11.1f}%{100 * rate.cancelled_share:>10.1f}%"
        )
    lines.append(
        "  (re-run: runs with a later attempt; re-run min: minutes of later attempts over first attempts)"
    )
    if result.unmatched:
        lines += ["", "History jobs the design has no job for (not fitted):"]
        lines += [f"  {name}" for name in result.unmatched]
    return "\n".join(lines) + "\n"
