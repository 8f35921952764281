"""`pipekit lab`: JupyterLab on a repository, opening the overview of its design notebooks (the copy
`pipekit notebooks --init` made in notebooks/pipekit). It listens on loopback only unless told otherwise
through JupyterLab's own options (after `--`)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("lab", help="open the repository's design notebooks in JupyterLab")
    add_server_arguments(parser, "JupyterLab")
    parser.set_defaults(run=run)


def add_server_arguments(parser: argparse.ArgumentParser, app: str) -> None:
    parser.add_argument("--repo", default=".", metavar="DIR", help="the repository's root (default: .)")
    parser.add_argument(
        "--notebooks", metavar="FOLDER", help="its notebooks (default: DIR/notebooks/pipekit)"
    )
    parser.add_argument(
        "--port", type=int, metavar="N", help=f"the port (default: {app}'s, or the next free)"
    )
    parser.add_argument("--no-browser", action="store_true", help="print the address; open no browser")
    parser.add_argument("options", nargs="*", metavar="-- OPTION", help=f"{app}'s own options, after --")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path
    from urllib.parse import quote

    from pipekit.notebook.servers import LOOPBACK, port_options, repository_overview

    repo = Path(args.repo)
    overview = repository_overview(repo, Path(args.notebooks) if args.notebooks else None)
    opened = overview.resolve().relative_to(repo.resolve()).as_posix()
    argv = [
        f"--ServerApp.root_dir={repo.resolve()}",
        f"--ServerApp.ip={LOOPBACK}",
        f"--LabApp.default_url=/lab/tree/{quote(opened)}",
        *port_options("ServerApp", args.port),
        *(["--no-browser"] if args.no_browser else []),
        *args.options,
    ]
    from jupyterlab.labapp import LabApp

    LabApp.launch_instance(argv=argv)
    return 0
