"""The notebooks pipekit ships, found from a source checkout, and a repository's copy of them: outputs
gone, the parameters cell pointing elsewhere, every other line kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipekit.errors import DataError
from pipekit.files import NOTEBOOKS
from pipekit.notebook import packaged

from ..conftest import NOTEBOOKS as CHECKOUT_NOTEBOOKS


def test_a_checkout_ships_its_notebooks_folder_overview_first() -> None:
    shipped = packaged.shipped_notebooks()
    assert list(shipped) == [f"{name}.ipynb" for name in NOTEBOOKS]
    for name, notebook in shipped.items():
        assert notebook == json.loads((CHECKOUT_NOTEBOOKS / name).read_text(encoding="utf-8"))


def test_the_copy_has_no_outputs_and_only_design_and_out_change() -> None:
    original = packaged.shipped_notebooks()["overview.ipynb"]
    copied = packaged.repository_copy(original, {"design": "../../pipeline.yaml", "out": "../../x"})
    assert len(copied["cells"]) == len(original["cells"])
    assert any(cell.get("outputs") for cell in original["cells"])  # so clearing them is seen
    for before, after in zip(original["cells"], copied["cells"], strict=True):
        if after["cell_type"] == "code":
            assert after["outputs"] == [] and after["execution_count"] is None
        if "parameters" not in after.get("metadata", {}).get("tags", []):
            assert after["source"] == before["source"]
            continue
        old, new = "".join(before["source"]).splitlines(), "".join(after["source"]).splitlines()
        changed = [(was, now) for was, now in zip(old, new, strict=True) if was != now]
        assert [now.split("  #")[0] for _, now in changed] == [
            'design = "../../pipeline.yaml"',
            'out = "../../x"',
        ]
        assert [was.split("  #")[1] for was, _ in changed] == [now.split("  #")[1] for _, now in changed]
    assert copied["metadata"] == original["metadata"]


def test_assign_keeps_comments_and_counts_columns_in_bytes() -> None:
    source = 'title = "Café"; design = "ä/b.yaml"  # the design\nout = "o"\nwrite = False\n'
    assigned = packaged.assign(source, {"design": 'new "é" path', "out": "w"})
    assert assigned == (
        'title = "Café"; design = "new \\"é\\" path"  # the design\nout = "w"\nwrite = False\n'
    )
    namespace: dict[str, object] = {}
    exec(assigned, namespace)
    assert namespace["design"] == 'new "é" path'


@pytest.mark.parametrize(
    ("source", "problem"),
    [('design = "x"\n', "does not assign out"), ('design = ("x"\n  "y")\nout = "z"\n', "spans lines")],
)
def test_a_parameters_cell_it_cannot_rewrite_is_a_one_line_error(source: str, problem: str) -> None:
    with pytest.raises(DataError, match=problem):
        packaged.assign(source, {"design": "a", "out": "b"})


def test_relative_paths_are_from_the_notebook_folder_with_forward_slashes(tmp_path: Path) -> None:
    into = tmp_path / "notebooks" / "pipekit"
    assert packaged.relative(tmp_path / ".github" / "workflows", into) == "../../.github/workflows"
    assert packaged.relative(tmp_path / "ci" / "design.yaml", into) == "../../ci/design.yaml"
