"""`pipekit check`: the files on disk are what the design renders, and outside authorities accept them.

With `--dir DIR` (default `workflows`) the generated files are read from one folder; with `--repo DIR`
from where `pipekit render --repo` writes them (DIR/.github/workflows, .gitleaks.toml at DIR's root), and
the design is also held against the repository (`check.repository`).

Output: the diff of every drifted file, then one line per finding (``file:line:column: message [rule]``),
then a summary on stderr. Exit 1 on drift or findings, 3 when the only difference is action pins a bot
moved (`pipekit pins sync` takes them over), 2 on bad input (or a check that cannot run).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipekit.design import DEFAULT_DESIGN_FILE

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_DIR = "workflows"


def drift_annotation(path: Path, design_file: str | Path, repo: Path | None) -> str:
    """A GitHub error annotation on a drifted file, which the run's page shows next to the file."""
    shown = path.relative_to(repo) if repo is not None and path.is_relative_to(repo) else path
    regenerate = f"pipekit render --repo . --design {design_file}" if repo else "pipekit render"
    from pipekit.github import workflow_commands

    message = f"{shown} is not what {design_file} renders: run `{regenerate}` and commit it"
    return workflow_commands.error(message, file=str(shown), title="pipekit check")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check", help="fail on drift between the design and the files on disk, or on any check's finding"
    )
    parser.add_argument(
        "--design", metavar="FILE", help=f"design file (default: {DEFAULT_DESIGN_FILE}, in DIR with --repo)"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--dir", metavar="DIR", help=f"folder of generated files (default: {DEFAULT_DIR})")
    where.add_argument(
        "--repo",
        metavar="DIR",
        help="a repository's root: its .github/workflows and .gitleaks.toml, and the design held against "
        "its files",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--no-validators",
        action="store_true",
        help="run none of the workflow validators, only compare with the design (and, with --repo, the "
        "repository)",
    )
    which.add_argument(
        "--github-parser",
        action="store_true",
        help="also run GitHub's own workflow parser (needs Node.js and `make tools`; about a second more)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import os
    import sys
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    from pipekit import files
    from pipekit.check import CHECKS, Finding, run_all
    from pipekit.check.drift import EXIT_PIN_UPDATES, compare, folder_paths
    from pipekit.commands.render import design_path
    from pipekit.design import load_design
    from pipekit.errors import EXIT_FINDINGS, InputFileError
    from pipekit.render import render_all
    from pipekit.wording import one_line

    repo = Path(args.repo) if args.repo is not None else None
    if repo is not None and not repo.is_dir():
        raise InputFileError(f"{repo}: --repo must be the repository's folder")
    design_file = design_path(args)
    paths = files.repo_paths(repo) if repo is not None else folder_paths(Path(args.dir or DEFAULT_DIR))
    design = load_design(design_file)
    wanted = {"workflow-parser"} if args.github_parser else set()
    checks = [] if args.no_validators else [c for c in CHECKS if c.by_default or c.name in wanted]
    # Every generated file on disk, also one the design no longer makes: GitHub runs what is committed.
    on_disk = [path for path in paths.values() if path.is_file()]
    findings: list[Finding] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pipekit-checks") as pool:
        # The checks read the files on disk, so they need not wait for the render: run them meanwhile.
        pending = None
        if checks and on_disk:
            version = design.security.gitleaks.version
            pending = pool.submit(
                run_all, on_disk, checks=checks, gitleaks_version=version, design_pins=design.pins
            )
        expected = render_all(design, Path(design_file).name)
        drift = compare(expected, paths)
        for problem in drift.problems:
            sys.stdout.write(problem)
        if os.environ.get("GITHUB_ACTIONS") == "true":  # in a workflow: one annotation per drifted file
            for path in drift.drifted:
                print(drift_annotation(path, design_file, repo))
        if pending is not None:
            findings = pending.result()
    # A line a bot moved to a new release is reported once, as the pin update, not also as a bad pin.
    findings = [finding for finding in findings if not drift.explains(finding)]
    if repo is not None:
        from pipekit.check import repository

        findings += repository.check(design, repo)
    for finding in [*drift.findings(), *findings]:
        print(one_line(str(finding)))
    names = ", ".join([*(check.name for check in checks), *(["repository"] if repo is not None else [])])
    if drift.problems or findings:
        print(
            f"pipekit check: {len(drift.problems)} file(s) drifted from {design_file}, "
            f"{len(findings)} finding(s) from {names or 'no other check'}"
            + (f", {len(drift.pin_updates)} pin update(s) by a bot" if drift.pin_updates else ""),
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    if drift.pin_updates:
        print(
            f"pipekit check: only action pins a bot moved differ from {design_file} "
            f"({len(drift.pin_updates)}); run `pipekit pins sync` to take them into the design",
            file=sys.stderr,
        )
        return EXIT_PIN_UPDATES
    verdict = f"{names} found nothing" if names else "no other check ran"
    print(f"pipekit check: {len(expected)} files match {design_file}; {verdict}")
    return 0
