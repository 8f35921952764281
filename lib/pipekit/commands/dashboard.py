"""`pipekit dashboard`: the repository's overview notebook as a Voila page: the panel, its figures and
the report, without code cells. Voila is the `dashboard` extra. It listens on loopback only, with a token
in the address it prints (JUPYTER_TOKEN sets it), unless told otherwise through Voila's own options."""

from __future__ import annotations

import argparse
from typing import Any

from pipekit.commands.lab import add_server_arguments

TEMPLATE = "pipekit"  # data/jupyter/voila/templates/pipekit: Voila's lab template, nothing from a CDN


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "dashboard", help="show the repository's overview notebook as a page without code (Voila)"
    )
    add_server_arguments(parser, "Voila")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from pipekit.errors import PipekitError
    from pipekit.notebook.servers import LOOPBACK, port_options, repository_overview

    overview = repository_overview(Path(args.repo), Path(args.notebooks) if args.notebooks else None)
    try:
        from voila.app import Voila
    except ImportError:
        raise PipekitError(
            "Voila is not installed; install the dashboard extra: pip install 'pipekit[dashboard]'"
        ) from None
    # Voila finds templates in the Jupyter data folders; pipekit's (data/jupyter) goes first.
    data = Path(__file__).resolve().parents[1] / "data" / "jupyter"
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(data), os.environ.get("JUPYTER_PATH")]))
    argv = [
        str(overview),
        f"--Voila.ip={LOOPBACK}",
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--Voila.auto_token=True",
        "--VoilaConfiguration.strip_sources=True",
        *port_options("Voila", args.port),
        *(["--no-browser"] if args.no_browser else []),
        *args.options,
    ]
    Voila.launch_instance(argv=argv)
    return 0
