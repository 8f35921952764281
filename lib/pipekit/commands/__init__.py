"""Subcommands of `pipekit`, one module each. A module defines `add_parser(subparsers)`, which sets `run`
on its parser; it imports at the top only what building the parser needs and the rest inside `run`, so
each command loads only what it uses."""

from __future__ import annotations

import importlib
from types import ModuleType

NAMES: tuple[str, ...] = (
    "init",
    "plan",
    "expand",
    "render",
    "check",
    "pins",
    "rehearse",
    "notebooks",
    "lab",
    "dashboard",
    "history",
    "schema",
)


def modules() -> list[ModuleType]:
    return [importlib.import_module(f"pipekit.commands.{name}") for name in NAMES]
