"""The JSON Schema of the design file (`pipekit schema`), for editors that validate YAML as it is typed."""

from __future__ import annotations

from typing import Any

from pipekit.design.model import Design
from pipekit.typed import json_schema


def design_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the design file: types, patterns, bounds and help text of every key.

    Rules that span several keys (`design.rules`) are beyond JSON Schema; `pipekit plan` reports those.
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://pipekit.dev/schema/design-v1.json",
        "title": "pipekit design",
        **json_schema(Design),
    }
