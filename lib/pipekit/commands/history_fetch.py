"""`pipekit history fetch --repo OWNER/NAME`: runs, jobs of every attempt and workflows from GitHub's
REST API (optionally the reports in the runs' artifacts) into the history database."""

from __future__ import annotations

import argparse
from typing import Any

from pipekit.commands.history import DEFAULT_DATABASE

DEFAULT_API_URL = "https://api.github.com"  # pipekit.history.api's; not imported here to start fast
TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fetch",
        help="fetch workflow runs, their jobs and workflows from GitHub into the history database",
        description="The token comes from GITHUB_TOKEN or GH_TOKEN and is sent only to --api-url's host.",
    )
    parser.add_argument("--repo", required=True, metavar="OWNER/NAME", help="the repository on GitHub")
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="fetch runs created from DATE (2026-11-01, or a timestamp with its offset); default: a week "
        "before the last fetch, or 90 days back into an empty database",
    )
    parser.add_argument("--db", default=DEFAULT_DATABASE, metavar="FILE", help=f"default: {DEFAULT_DATABASE}")
    parser.add_argument(
        "--api-url",
        default=DEFAULT_API_URL,
        metavar="URL",
        help=f"the REST API's base URL (default: {DEFAULT_API_URL}; GitHub Enterprise Server: "
        "https://HOST/api/v3)",
    )
    parser.add_argument(
        "--artifacts",
        action="store_true",
        help="also download the runs' artifacts and keep their JUnit, coverage, benchmark and SARIF files",
    )
    parser.set_defaults(run=run)


def token_from_environment() -> tuple[str | None, str]:
    """The token and the variable it came from (the first one set)."""
    import os

    for name in TOKEN_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value:
            return value, name
    return None, TOKEN_VARIABLES[0]


def run(args: argparse.Namespace) -> int:
    import datetime as dt
    import sys

    from tqdm import tqdm

    from pipekit.history.api import Client
    from pipekit.history.fetch import Fetcher, check_repo_name, default_since, parse_since
    from pipekit.history.store import open_store
    from pipekit.wording import plural

    repo = check_repo_name(args.repo)
    since_given = parse_since(args.since) if args.since else None
    token, source = token_from_environment()
    if token is None:
        print(
            f"pipekit: no {' or '.join(TOKEN_VARIABLES)} set: unauthenticated requests are limited to 60 an "
            "hour and see public repositories only",
            file=sys.stderr,
        )
    now = dt.datetime.now(dt.UTC)
    with (
        Client(args.api_url, token, token_source=source) as client,
        open_store(args.db) as store,
        tqdm(total=0, unit="run", desc=repo, file=sys.stderr, disable=None, leave=False) as bar,
    ):
        client.cache = store
        since = since_given or default_since(store, now)

        def progress(done: int, known: int) -> None:
            bar.total = known
            bar.update(done - bar.n)

        summary = Fetcher(client, store, repo, artifacts=args.artifacts, progress=progress).run(since, now)
        counts = client.counts
    reports = f", {plural(summary.artifact_files, 'report file')} from artifacts" if args.artifacts else ""
    print(
        f"fetched {repo} from {since:%Y-%m-%d %H:%M:%S}Z into {args.db}: "
        f"{plural(summary.runs_listed, 'run')} ({summary.runs_saved} new or updated, "
        f"{summary.runs_unchanged} unchanged), "
        f"{plural(summary.jobs_saved, 'job')} saved, {plural(summary.workflows, 'workflow')}{reports}"
    )
    print(
        f"{plural(counts.requests, 'request')}: {counts.not_modified} answered 304 (no quota), "
        f"{counts.retries} retried, {counts.rate_limit_waits} rate-limit waits"
    )
    return 0
