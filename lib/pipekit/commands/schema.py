"""`pipekit schema`: print the JSON Schema of the design file."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("schema", help="print the JSON Schema of pipeline.yaml")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from pipekit.design.jsonschema import design_schema

    print(json.dumps(design_schema(), indent=2))
    return 0
