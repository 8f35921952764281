"""`pipekit plan`: jobs, billable minutes, dollars and wall-clock per trigger, then the month."""

from __future__ import annotations

import argparse
from typing import Any

from pipekit.design import DEFAULT_DESIGN_FILE


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("plan", help="what a design's pipeline costs and how long a run takes")
    parser.add_argument("--design", default=DEFAULT_DESIGN_FILE, metavar="FILE", help="design file")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a report")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from pipekit.cost.plan import plan_design
    from pipekit.cost.report import format_text, to_json
    from pipekit.design.load import load_design

    plan = plan_design(load_design(args.design))
    if args.json:
        sys.stdout.write(json.dumps(to_json(plan), indent=2) + "\n")
    else:
        sys.stdout.write(format_text(plan))
    return 0
