"""`pipekit schema`: print the JSON Schema of the design file."""

from __future__ import annotations

import argparse
import json
from typing import Any

from pipekit.design import design_schema


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("schema", help="print the JSON Schema of pipeline.yaml")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print(json.dumps(design_schema(), indent=2))
    return 0
