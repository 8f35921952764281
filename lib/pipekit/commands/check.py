"""`pipekit check`: the files on disk are what the design renders, and outside authorities accept them.

Output: the diff of every drifted file, then one line per finding (``file:line:column: message [rule]``),
then a summary on stderr. Exit 1 on drift or findings, 2 on bad input (or a check that cannot run).
"""

from __future__ import annotations

import argparse
from typing import Any

from pipekit.design import DEFAULT_DESIGN_FILE


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check", help="fail on drift between the design and the files on disk, or on any check's finding"
    )
    parser.add_argument("--design", default=DEFAULT_DESIGN_FILE, metavar="FILE", help="design file")
    parser.add_argument("--dir", default="workflows", metavar="DIR", help="folder of generated files")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--no-validators", action="store_true", help="only compare with the design, run no other check"
    )
    which.add_argument(
        "--github-parser",
        action="store_true",
        help="also run GitHub's own workflow parser (needs Node.js and `make tools`; about a second more)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    from pipekit import files
    from pipekit.check import CHECKS, Finding, run_all
    from pipekit.check.drift import drift
    from pipekit.design import load_design
    from pipekit.errors import EXIT_FINDINGS
    from pipekit.render import render_all
    from pipekit.wording import one_line

    folder = Path(args.dir)
    design = load_design(args.design)
    wanted = {"workflow-parser"} if args.github_parser else set()
    checks = [] if args.no_validators else [c for c in CHECKS if c.by_default or c.name in wanted]
    # Every generated file on disk, also one the design no longer makes: GitHub runs what is committed.
    on_disk = [folder / name for name in files.NAMES if (folder / name).is_file()]
    findings: list[Finding] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pipekit-checks") as pool:
        # The checks read the files on disk, so they need not wait for the render: run them meanwhile.
        pending = None
        if checks and on_disk:
            version = design.security.gitleaks.version
            pending = pool.submit(run_all, on_disk, checks=checks, gitleaks_version=version)
        expected = render_all(design, Path(args.design).name)
        problems = drift(expected, folder)
        for problem in problems:
            sys.stdout.write(problem)
        if pending is not None:
            findings = pending.result()
    for finding in findings:
        print(one_line(str(finding)))
    names = ", ".join(check.name for check in checks)
    if problems or findings:
        print(
            f"pipekit check: {len(problems)} file(s) drifted from {args.design}, "
            f"{len(findings)} finding(s) from {names or 'no other check'}",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    verdict = f"{names} found nothing" if checks else "no other check ran"
    print(f"pipekit check: {len(expected)} files match {args.design}; {verdict}")
    return 0
