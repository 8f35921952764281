"""`pipekit render`: write the generated files of a design, atomically."""

from __future__ import annotations

import argparse
from typing import Any

from pipekit.design import DEFAULT_DESIGN_FILE


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("render", help="write the workflow files and .gitleaks.toml of a design")
    parser.add_argument("--design", default=DEFAULT_DESIGN_FILE, metavar="FILE", help="design file")
    parser.add_argument(
        "--out", default="workflows", metavar="DIR", help="output folder (default: workflows)"
    )
    parser.set_defaults(run=run)


def render_design(design_path: str) -> dict[str, str]:
    """Every file's text for the design at `design_path`; headers name the design by its file name."""
    from pathlib import Path

    from pipekit.design.load import load_design
    from pipekit.render import render_all

    return render_all(load_design(design_path), Path(design_path).name)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipekit.write import write_files

    files = render_design(args.design)
    written = write_files(Path(args.out), files)
    for path in written:
        print(f"wrote {path}")
    unchanged = len(files) - len(written)
    if unchanged:
        print(f"{unchanged} file(s) in {args.out} already matched the design")
    return 0
