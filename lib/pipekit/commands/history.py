"""`pipekit history ACTION`: the repository's own run history, in a database beside it.

Each action is a module of its own with an `add_parser(subparsers)`, listed in ACTIONS; adding one is a
module and a line here.
"""

from __future__ import annotations

import importlib
from typing import Any

# pipekit.history.store's, repeated so that building the parser imports no database code (a test keeps
# the two equal); every action's --db defaults to it.
DEFAULT_DATABASE = ".pipekit/history.sqlite"

ACTIONS: tuple[str, ...] = (
    "pipekit.commands.history_fetch",
    "pipekit.commands.history_import",
    "pipekit.commands.history_report",
    "pipekit.commands.history_calibrate",
)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "history",
        help="the GitHub Actions run history: fetch or import it, report it, calibrate the design",
    )
    actions = parser.add_subparsers(dest="history_command", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    for name in ACTIONS:
        importlib.import_module(name).add_parser(actions)
