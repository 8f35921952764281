"""Fixtures every test folder may use: the repository's paths and a scratch copy of the default design."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DESIGN = ROOT / "pipeline.yaml"
NOTEBOOKS = ROOT / "notebooks"


@pytest.fixture
def design_file(tmp_path: Path) -> Path:
    """A writable copy of the default design (with its comments)."""
    path = tmp_path / "pipeline.yaml"
    shutil.copyfile(DESIGN, path)
    return path


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    path = tmp_path / "workflows"
    path.mkdir()
    return path
