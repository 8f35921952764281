"""`pipekit check`: the files on disk are what the design renders, and outside validators agree."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Any

from pipekit import validators
from pipekit.commands.render import render_design
from pipekit.design import DEFAULT_DESIGN_FILE
from pipekit.errors import EXIT_FINDINGS, InputFileError
from pipekit.output import OWNED_FILES


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check", help="fail on drift between the design and the files on disk; run workflow validators"
    )
    parser.add_argument("--design", default=DEFAULT_DESIGN_FILE, metavar="FILE", help="design file")
    parser.add_argument("--dir", default="workflows", metavar="DIR", help="folder of generated files")
    parser.add_argument("--no-validators", action="store_true", help="only compare, skip the validators")
    parser.set_defaults(run=run)


def drift(expected: dict[str, str], folder: Path) -> list[str]:
    """Unified diffs (or one-line notes) for every owned file that differs from what the design renders."""
    problems: list[str] = []
    for name in OWNED_FILES:
        path = folder / name
        want = expected.get(name)
        try:
            # Undecodable bytes cannot match what the design renders: they show up in the diff.
            have = path.read_bytes().decode("utf-8", errors="replace") if path.is_file() else None
        except OSError as error:
            raise InputFileError(f"{path}: cannot read ({error.strerror})") from None
        if want == have:
            continue
        if have is None:
            problems.append(f"{path}: missing; run `pipekit render` to write it\n")
        elif want is None:
            problems.append(f"{path}: the design no longer produces this file; delete it\n")
        else:
            diff = difflib.unified_diff(
                have.splitlines(keepends=True),
                want.splitlines(keepends=True),
                fromfile=f"{path} (on disk)",
                tofile=f"{path} (from the design)",
            )
            problems.append("".join(diff))
    return problems


def run(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    expected = render_design(args.design)
    problems = drift(expected, folder)
    for problem in problems:
        sys.stdout.write(problem)
    findings: list[validators.Finding] = []
    if not args.no_validators:
        workflows = [
            str(folder / name) for name in expected if name.endswith(".yaml") and (folder / name).is_file()
        ]
        if workflows:
            findings += validators.check_schema(workflows)
            findings += validators.check_zizmor(workflows)
    for finding in findings:
        print(finding)
    if problems or findings:
        print(
            f"pipekit check: {len(problems)} file(s) drifted from {args.design}, "
            f"{len(findings)} validator finding(s)",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    print(f"pipekit check: {len(expected)} files match {args.design}; validators found nothing")
    return 0
