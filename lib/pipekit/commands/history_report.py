"""`pipekit history report`: per workflow and job, the run history against the design's prices."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipekit.commands.history import DEFAULT_DATABASE
from pipekit.design import DEFAULT_DESIGN_FILE

if TYPE_CHECKING:
    from pipekit.history.store import Job, Run


def history_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=DEFAULT_DATABASE,
        metavar="FILE",
        help=f"history database (default: {DEFAULT_DATABASE})",
    )
    parser.add_argument(
        "--design",
        default=DEFAULT_DESIGN_FILE,
        metavar="FILE",
        help=f"design file (default: {DEFAULT_DESIGN_FILE})",
    )
    parser.add_argument(
        "--since", metavar="DATE", help="only runs created on or after DATE (YYYY-MM-DD, UTC)"
    )


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="per workflow and job: durations, queue, failure and flaky rates, re-runs, billable minutes and "
        "USD (at the design's prices), and the spend per week",
    )
    history_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print JSON (a stable format)")
    parser.set_defaults(run=run_report)


def read_history(args: argparse.Namespace) -> tuple[list[Run], list[Job]]:
    from pathlib import Path

    from pipekit.errors import InputFileError
    from pipekit.history.reading import jobs_of
    from pipekit.history.store import open_store

    database = Path(args.db)
    if not database.is_file():
        raise InputFileError(
            f"{database}: no history database here; run `pipekit history fetch` first, or pass --db FILE"
        )
    with open_store(database) as store:
        runs = store.runs(since=args.since)
        return runs, jobs_of(store, runs)  # neither command looks at steps


def run_report(args: argparse.Namespace) -> int:
    import sys

    from pipekit.design.load import load_design
    from pipekit.history.report import build_report, format_json, format_text

    design = load_design(args.design)
    runs, jobs = read_history(args)
    report = build_report(design, runs, jobs)
    sys.stdout.write(format_json(report) if args.json else format_text(report))
    return 0
