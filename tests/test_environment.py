"""environment.yml (for conda users) lists the same runtime dependencies as pyproject.toml, with the
extras meant for users (the Voila dashboard), not the development tools."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _normalise(requirement: str) -> tuple[str, str]:
    match = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*(.*?)\s*", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(1)).lower(), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    for_users = [r for name, extra in extras.items() if name != "dev" for r in extra]
    wanted = dict(_normalise(r) for r in [*project["dependencies"], *for_users])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed: dict[str, str] = {}
    for entry in env["dependencies"]:
        for requirement in entry["pip"] if isinstance(entry, dict) else [entry]:
            name, spec = _normalise(requirement)
            if name not in {"python", "pip"}:
                listed[name] = spec
    assert listed == wanted
    python = next(e for e in env["dependencies"] if isinstance(e, str) and e.startswith("python"))
    assert _normalise(python)[1] == project["requires-python"]
