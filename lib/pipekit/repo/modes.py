"""Test modes a repository supports, and the tools its test and lint jobs can run.

A test mode is environment variables plus extras plus dependency groups. `pipekit init` proposes the
``default`` mode: the project's default install, plus the extras or groups that hold the tools the jobs
run (pytest, pytest-cov, pytest-benchmark, ruff, mypy) when the default install lacks them; and, when the
project has extras or groups it does not install by default, an ``all`` mode with every one of them,
declared but left out of the matrix (adding it doubles the test jobs). It never names an extra or a group
the project does not declare.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipekit.repo.dependencies import Dependencies, normalized, requirement_name
from pipekit.repo.found import Found, derived
from pipekit.repo.tree import Tree

DEFAULT_MODE = "default"
ALL_MODE = "all"
# Groups a test tool is taken from first, when several hold it.
PREFERRED_GROUPS = ("test", "tests", "testing", "dev")


@dataclass(frozen=True)
class Tool:
    """Whether a tool is installed in the default mode, and where it is declared (or why not)."""

    name: str
    available: Found[bool]


@dataclass(frozen=True)
class ModePlan:
    """The modes to write, by name, and each tool the jobs run, by distribution name."""

    modes: Mapping[str, Found[dict[str, Any]]]
    tools: Mapping[str, Tool]

    def has(self, tool: str) -> bool:
        found = self.tools.get(tool)
        return found is not None and found.available.value


def requirements_packages(tree: Tree, files: Sequence[str]) -> dict[str, str]:
    """The distributions the requirements files name, each with the file naming it first."""
    found: dict[str, str] = {}
    for name in files:
        for line in (tree.text(name) or "").splitlines():
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                package = requirement_name(line)
                if package:
                    found.setdefault(package, name)
    return found


def _preferred(holders: list[tuple[str, str]]) -> tuple[str, str]:
    for wanted in PREFERRED_GROUPS:
        for kind, name in holders:
            if normalized(name) == wanted:
                return kind, name
    return holders[0]


def plan_modes(deps: Dependencies, requirements: Mapping[str, str], tools: Sequence[str]) -> ModePlan:
    """The modes to write and where each of `tools` (distribution names) comes from."""
    base: dict[str, str] = {package: "the project's dependencies" for package in deps.main}
    for group in deps.groups.values():
        if group.default:
            base.update({package: group.source for package in group.packages if package not in base})
    base.update({package: file for package, file in requirements.items() if package not in base})
    extras: list[str] = []
    groups: list[str] = []
    reasons: list[str] = []
    found: dict[str, Tool] = {}
    for tool in tools:
        wanted = normalized(tool)
        if wanted in base:
            found[tool] = Tool(tool, Found(True, f"{base[wanted]}: {tool}"))
            continue
        holders = deps.holding(wanted)
        if not holders:
            found[tool] = Tool(tool, derived(False, f"{tool} is not among the project's dependencies"))
            continue
        kind, name = _preferred(holders)
        chosen = extras if kind == "extra" else groups
        if name not in chosen:
            chosen.append(name)
            reasons.append(f"{kind} {name} ({tool})")
        where = deps.extras_source if kind == "extra" else deps.groups[name].source
        found[tool] = Tool(
            tool, Found(True, f"{where}: {tool}" if kind == "group" else f"{where} {name}: {tool}")
        )
    default_source = "the default install" + (f", with {', '.join(reasons)}" if reasons else "")
    modes: dict[str, Found[dict[str, Any]]] = {
        DEFAULT_MODE: derived({"env": {}, "extras": extras, "groups": groups}, default_source)
    }
    every_extra = sorted(deps.extras) if deps.extras_known else []
    every_group = sorted(g.name for g in deps.groups.values() if not g.default)
    if set(every_extra) - set(extras) or set(every_group) - set(groups):
        modes[ALL_MODE] = derived(
            {"env": {}, "extras": every_extra, "groups": every_group},
            f"every extra and non-default group; add {ALL_MODE} to test.matrix.mode to test with them",
        )
    return ModePlan(modes, found)
