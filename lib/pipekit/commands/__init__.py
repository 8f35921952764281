"""Subcommands of `pipekit`; each module has `add_parser(subparsers)` and sets `run` on its parser."""

from __future__ import annotations

from types import ModuleType

from pipekit.commands import check, expand, notebooks, plan, render, schema

SUBCOMMANDS: tuple[ModuleType, ...] = (plan, expand, render, check, notebooks, schema)
