"""Golden files: the exact text each renderer test variant produces, kept as
golden/<file stem>/<variant><suffix> (``golden/license-compliance/default.yaml``,
``golden/gitleaks/default.toml``) and compared byte for byte.

A normal test run only reads them. After a change to a renderer that is meant to change its output,
rewrite them and review the difference before committing it:

    PIPEKIT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/render
    git diff tests/render/golden

The update also removes golden files whose variant no longer exists.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PIPEKIT_UPDATE_GOLDEN") == "1"
HOW_TO_UPDATE = "PIPEKIT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/render"


def folder(file_name: str) -> Path:
    """The golden folder of a generated file: its stem without a leading dot (".gitleaks.toml": gitleaks)."""
    return GOLDEN / Path(file_name).stem.lstrip(".")


def golden_path(file_name: str, variant: str) -> Path:
    return folder(file_name) / f"{variant}{Path(file_name).suffix}"


def check(file_name: str, variant: str, text: str) -> None:
    """`text`, the variant's rendering of `file_name`, equals its golden file byte for byte."""
    path = golden_path(file_name, variant)
    if UPDATE:
        if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        return
    where = path.relative_to(GOLDEN.parent)
    assert path.is_file(), f"{where} is missing; write it with {HOW_TO_UPDATE}"
    expected = path.read_bytes().decode("utf-8")
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True), text.splitlines(keepends=True), str(where), "rendered"
        )
        intended = f"if the change is intended, {HOW_TO_UPDATE}"
        pytest.fail(f"the rendering differs from {where}; {intended}\n{''.join(diff)}")


def check_no_strays(file_name: str, variants: Iterable[str]) -> None:
    """Every golden file of `file_name` belongs to one of `variants`."""
    expected = {golden_path(file_name, variant) for variant in variants}
    strays = sorted(path for path in folder(file_name).glob("*") if path not in expected)
    if UPDATE:
        for path in strays:
            path.unlink()
        return
    names = [path.relative_to(GOLDEN.parent).as_posix() for path in strays]
    assert names == [], f"golden files of no variant: {names}; {HOW_TO_UPDATE}"
