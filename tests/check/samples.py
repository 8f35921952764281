"""The check tests' samples: hand-written hardened workflows every check accepts (hardened/), and per
check module a folder of broken-* samples (workflows, and .gitleaks.toml configs), each breaking one of
its rules."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
CLEAN = sorted((DATA / "hardened").glob("*.yaml"))


def broken(module: str) -> list[Path]:
    """The broken samples of one check module (``pins`` -> data/pins/broken-*.yaml)."""
    return sorted((DATA / module).glob("broken-*.yaml"))


BROKEN_WORKFLOWS = sorted(DATA.glob("*/broken-*.yaml"))
ALL_BROKEN = sorted([*BROKEN_WORKFLOWS, *DATA.glob("*/broken-*.toml")])
