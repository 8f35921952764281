"""Designs the tests start from: the repository's own `pipeline.yaml` (the ModelMuxer pipeline), with
changes merged in. The model's defaults describe a generic project; most tests want the reference one."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipekit import yamlio
from pipekit.design import Design, design_from_data

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_FILE = ROOT / "pipeline.yaml"
REFERENCE: dict[str, Any] = yamlio.load_file(REFERENCE_FILE)


def merged(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `changes` merged in: mappings key by key, anything else (lists too) replaced."""
    result = copy.deepcopy(dict(base))
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def reference_data(changes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The reference design's data with `changes` merged in."""
    return merged(REFERENCE, changes or {})


def reference(changes: Mapping[str, Any] | None = None) -> Design:
    """The reference design with `changes` merged in, validated."""
    return design_from_data(reference_data(changes), "pipeline.yaml")
