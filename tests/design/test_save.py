"""Saving a design keeps the file's comments, key order, flow style and quoting; never truncates it."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest

from pipekit import yamlio
from pipekit.design import load_design
from pipekit.design import save as designio
from pipekit.errors import DesignError, OutputError, PipekitError

DESIGN = Path(__file__).resolve().parents[2] / "pipeline.yaml"


def _data() -> dict[str, Any]:
    data: dict[str, Any] = yamlio.load_file(DESIGN)
    return data


def test_unchanged_data_gives_the_same_bytes() -> None:
    text = DESIGN.read_text(encoding="utf-8")
    assert designio.updated_text(text, _data()) == text


def test_only_changed_values_change() -> None:
    text = DESIGN.read_text(encoding="utf-8")
    data = _data()
    data["test"]["matrix"]["os"] = ["ubuntu-latest", "windows-latest"]
    data["test"]["matrix"]["python-version"].append("3.13")
    data["billing"]["runs_per_month"]["push"] = 41
    data["build"]["image"] = "acme/modelmuxer"
    new = designio.updated_text(text, data)
    old_lines, new_lines = text.splitlines(), new.splitlines()
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [
        ('    python-version: ["3.11", "3.12"]', '    python-version: ["3.11", "3.12", "3.13"]'),
        ("    os: [ubuntu-latest, macos-latest, windows-latest]", "    os: [ubuntu-latest, windows-latest]"),
        (
            "  image: null                     # null: the repository's own name",
            "  image: acme/modelmuxer          # null: the repository's own name",
        ),
        (
            "    push: 40                      # pushes to main",
            "    push: 41                      # pushes to main",
        ),
    ]
    assert yamlio.loads(new) == data


def test_lists_of_entries_become_block_lists_and_null_stays_null() -> None:
    text = DESIGN.read_text(encoding="utf-8")
    data = _data()
    data["test"]["matrix"]["include"] = [{"python-version": "3.13", "os": "ubuntu-latest", "mode": "basic"}]
    data["deploy"]["commands"]["smoke"] = None
    new = designio.updated_text(text, data)
    assert "    include:\n      - python-version: '3.13'\n        os: ubuntu-latest\n" in new
    assert "    smoke: null\n" in new
    assert "  preview: null                   # no per-pull-request environments for this service\n" in new
    assert yamlio.loads(new) == data


def test_removed_and_added_keys() -> None:
    new = designio.updated_text("# keep me\na: 1  # one\nb: [x, y]\n", {"b": ["x"], "c": {"d": True}})
    assert new == "# keep me\nb: [x]\nc:\n  d: true\n"


def test_an_empty_file_gets_the_data() -> None:
    assert yamlio.loads(designio.updated_text("", {"version": 1})) == {"version": 1}


def test_save_writes_a_valid_design_and_reports_no_change(design_file: Path) -> None:
    data = _data()
    assert designio.save_design(design_file, data) is False
    data["billing"]["plan"] = "enterprise"
    assert designio.save_design(design_file, data) is True
    assert load_design(design_file).billing.plan == "enterprise"
    assert "# free | pro | team | enterprise" in design_file.read_text(encoding="utf-8")
    assert [p.name for p in design_file.parent.iterdir()] == ["pipeline.yaml"]  # no temporaries left


def test_an_invalid_design_is_never_saved(design_file: Path) -> None:
    before = design_file.read_bytes()
    data = _data()
    data["test"]["matrix"]["os"] = []
    with pytest.raises(DesignError, match=r"test\.matrix\.os"):
        designio.save_design(design_file, data)
    assert design_file.read_bytes() == before


def test_a_failed_rename_leaves_the_file_whole(design_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = design_file.read_bytes()
    data = _data()
    data["billing"]["plan"] = "pro"

    def fail(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OutputError, match="left as it was"):
        designio.save_design(design_file, data)
    assert design_file.read_bytes() == before
    assert [p.name for p in design_file.parent.iterdir()] == ["pipeline.yaml"]


def test_a_file_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(PipekitError, match="not a mapping"):
        designio.updated_text("- a\n- b\n", {"version": 1})


def test_the_data_is_not_modified() -> None:
    data = _data()
    data["test"]["matrix"]["os"] = ["ubuntu-latest"]
    snapshot = copy.deepcopy(data)
    designio.updated_text(DESIGN.read_text(encoding="utf-8"), data)
    assert data == snapshot
