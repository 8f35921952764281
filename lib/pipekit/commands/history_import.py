"""`pipekit history import FILE...`: runs, jobs and workflows exported with ``gh api --paginate``, into
the history database, for machines without a token."""

from __future__ import annotations

import argparse
from typing import Any

from pipekit.commands.history import DEFAULT_DATABASE

EXPORT_HINT = (
    "export with: gh api --paginate 'repos/OWNER/NAME/actions/runs?per_page=100' > runs.json; "
    "gh api --paginate 'repos/OWNER/NAME/actions/runs/RUN_ID/jobs?filter=all&per_page=100' > jobs-RUN_ID.json"
)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import runs, jobs and workflows saved with `gh api --paginate` into the history database",
        description=EXPORT_HINT,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="output of `gh api --paginate` (or --slurp)")
    parser.add_argument("--db", default=DEFAULT_DATABASE, metavar="FILE", help=f"default: {DEFAULT_DATABASE}")
    parser.add_argument(
        "--repo", metavar="OWNER/NAME", help="the repository, when the files do not name it (jobs only)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from pipekit.history.importer import import_files
    from pipekit.history.store import open_store
    from pipekit.wording import plural

    with open_store(args.db) as store:
        summary = import_files(store, [Path(name) for name in args.files], repo=args.repo)
    print(
        f"imported {summary.repository} into {args.db}: {plural(summary.runs_saved, 'run')}, "
        f"{plural(summary.jobs_saved, 'job')}, {plural(summary.workflows, 'workflow')}, "
        f"{plural(summary.artifacts, 'artifact')}"
    )
    if summary.orphan_jobs:
        print(
            f"pipekit: skipped {plural(summary.orphan_jobs, 'job')} of runs neither the files nor the "
            "database hold; import the runs' pages too",
            file=sys.stderr,
        )
    return 0
