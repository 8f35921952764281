"""`pipekit notebooks`: regenerate the workflow files by running the design notebooks headlessly."""

from __future__ import annotations

import argparse
from typing import Any

from pipekit.design import DEFAULT_DESIGN_FILE


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "notebooks", help="run the design notebooks with papermill: write the workflows, keep the reports"
    )
    parser.add_argument("--design", default=DEFAULT_DESIGN_FILE, metavar="FILE", help="design file")
    parser.add_argument(
        "--out", default="workflows", metavar="DIR", help="output folder (default: workflows)"
    )
    parser.add_argument(
        "--reports", default="reports", metavar="DIR", help="where executed notebooks go (default: reports)"
    )
    parser.add_argument(
        "--notebooks", default="notebooks", metavar="DIR", help="folder of notebooks (default: notebooks)"
    )
    parser.add_argument(
        "--workers", type=int, default=2, metavar="N", help="notebooks run at once (default: 2)"
    )
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="instead: re-execute the notebooks with their default parameters and commit-ready outputs",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys
    import time
    from pathlib import Path

    from pipekit.design.load import load_design
    from pipekit.errors import EXIT_BAD_INPUT
    from pipekit.notebook import headless as notebooks
    from pipekit.write import check_out_dir

    started = time.perf_counter()
    found = notebooks.find_notebooks(Path(args.notebooks))
    progress = not args.no_progress
    if args.in_place:
        failures = notebooks.refresh_in_place(found, workers=args.workers, progress=progress)
        done = f"refreshed {len(found) - len(failures)} notebook(s) in {args.notebooks}"
    else:
        design = Path(args.design)
        load_design(design)  # a bad design fails here in one line, not once per notebook
        out = check_out_dir(Path(args.out))  # created once, before notebooks write into it concurrently
        runs = notebooks.regeneration_runs(found, design=design, out=out, reports=Path(args.reports))
        failures = notebooks.run_notebooks(runs, workers=args.workers, progress=progress)
        done = f"ran {len(found)} notebook(s) into {args.out}; reports in {args.reports}"
    for failure in failures:
        print(f"pipekit notebooks: {failure}", file=sys.stderr)
    if failures:
        return EXIT_BAD_INPUT
    print(f"pipekit notebooks: {done} ({time.perf_counter() - started:.1f} s)")
    return 0
