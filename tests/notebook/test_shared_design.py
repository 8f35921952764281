"""Two notebooks open on one design file never lose each other's edits: every interleaving of edit,
save and Apply (save, then write) by two panels ends with both edits in the file and the written files
as the final design renders them; a key both changed is a conflict the user resolves; a panel takes in
what another saved, with its own unsaved edits kept."""

from __future__ import annotations

import html
import itertools
import time
from pathlib import Path

import pytest

from pipekit import widgets
from pipekit.commands.render import render_design
from pipekit.design import load_design
from pipekit.notebook.controls import Control
from pipekit.notebook.session import DesignConflict


def control(panel: widgets.Panel, *path: str) -> Control:
    return next(item for item in panel.controls if item.path == path)


def edit_matrix(panel: widgets.Panel) -> None:
    control(panel, "test", "matrix", "os").source.value = ("ubuntu-latest", "windows-latest")


def edit_benchmark(panel: widgets.Panel) -> None:
    control(panel, "test", "benchmark", "enabled").source.value = False


STEPS = ("edit", "save", "apply")


def interleavings() -> list[tuple[str, ...]]:
    """Every order of A's three steps and B's three steps that keeps each panel's own order."""
    orders = set()
    for places in itertools.combinations(range(6), 3):
        orders.add(tuple("A" if index in places else "B" for index in range(6)))
    return sorted(orders)


@pytest.mark.parametrize("order", interleavings(), ids="".join)
def test_two_panels_keep_both_edits_in_every_interleaving(
    design_file: Path, out_dir: Path, order: tuple[str, ...]
) -> None:
    panels = {
        "A": widgets.test_matrix_panel(design_file, out_dir),
        "B": widgets.overview_panel(design_file, out_dir),
    }
    edits = {"A": edit_matrix, "B": edit_benchmark}
    done = {"A": 0, "B": 0}
    for who in order:
        panel, step = panels[who], STEPS[done[who]]
        done[who] += 1
        if step == "edit":
            edits[who](panel)
        elif step == "save":
            panel.save_button.click()
        else:
            panel.write_button.click()
        assert panel.conflict is None, panel.status.value
        assert "error" not in panel.status.value.lower(), panel.status.value
    design = load_design(design_file)
    assert design.test.matrix.os == ("ubuntu-latest", "windows-latest")
    assert design.test.benchmark.enabled is False
    rendered = render_design(str(design_file))
    for path in out_dir.iterdir():
        assert path.read_text(encoding="utf-8") == rendered[path.name], path.name
    assert (out_dir / "test.yaml").exists()
    for panel in panels.values():
        panel.sync()
        assert not panel.session.dirty and panel.unsaved.value == ""


@pytest.mark.parametrize(("side", "kept"), [("mine", ["windows-latest"]), ("theirs", ["macos-latest"])])
def test_a_key_both_changed_is_shown_and_resolved(
    design_file: Path, out_dir: Path, side: str, kept: list[str]
) -> None:
    first = widgets.test_matrix_panel(design_file, out_dir)
    second = widgets.test_matrix_panel(design_file, out_dir)
    control(second, "test", "matrix", "os").source.value = ("windows-latest",)
    control(first, "test", "matrix", "os").source.value = ("macos-latest",)
    first.save_button.click()
    before = design_file.read_text(encoding="utf-8")
    second.write_button.click()  # Apply: the save meets the conflict, so nothing is written
    assert isinstance(second.conflict, DesignConflict)
    assert second.status.value.startswith("<span")
    assert (
        f"{design_file} changed on disk since this notebook loaded it, and both changed test.matrix.os "
        '(this notebook: ["windows-latest"], the file: ["macos-latest"])'
    ) in html.unescape(second.status.value)
    assert design_file.read_text(encoding="utf-8") == before and not list(out_dir.iterdir())
    assert second.keep_mine.layout.display is None and second.take_theirs.layout.display is None
    (second.keep_mine if side == "mine" else second.take_theirs).click()
    assert second.conflict is None and second.keep_mine.layout.display == "none"
    assert list(load_design(design_file).test.matrix.os) == kept
    assert list(control(second, "test", "matrix", "os").source.value) == kept
    assert (out_dir / "test.yaml").read_text(encoding="utf-8") == render_design(str(design_file))["test.yaml"]


def test_a_panel_takes_in_another_save_and_keeps_its_own_edits(design_file: Path, out_dir: Path) -> None:
    first = widgets.test_matrix_panel(design_file, out_dir)
    second = widgets.test_matrix_panel(design_file, out_dir)
    control(
        second,
        "test",
        "min_tests",
    ).source.value = 7  # unsaved in the second
    control(first, "test", "matrix", "os").source.value = ("ubuntu-latest",)
    first.save_button.click()
    second.sync()
    assert list(control(second, "test", "matrix", "os").source.value) == ["ubuntu-latest"]
    assert control(second, "test", "min_tests").source.value == 7
    assert second.session.dirty and "unsaved" in second.unsaved.value
    assert "took in a change" in second.status.value
    second.save_button.click()
    saved = load_design(design_file)
    assert saved.test.matrix.os == ("ubuntu-latest",) and saved.test.min_tests == 7


def test_reset_drops_unsaved_edits(design_file: Path, out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(design_file, out_dir)
    original = list(control(panel, "test", "matrix", "os").source.value)
    control(panel, "test", "matrix", "os").source.value = ("ubuntu-latest",)
    assert panel.unsaved.value
    panel.reset_button.click()
    assert list(control(panel, "test", "matrix", "os").source.value) == original
    assert not panel.session.dirty and panel.unsaved.value == ""
    assert panel.status.value == f"reset to {design_file}"


def test_apply_without_save_leaves_no_drift(design_file: Path, out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(design_file, out_dir)
    control(panel, "test", "matrix", "os").source.value = ("ubuntu-latest",)
    panel.write_button.click()
    assert load_design(design_file).test.matrix.os == ("ubuntu-latest",)
    assert (out_dir / "test.yaml").read_text(encoding="utf-8") == render_design(str(design_file))["test.yaml"]


def test_figures_show_the_change_from_the_saved_design(design_file: Path, out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(design_file, out_dir)
    assert "vs saved" not in panel.figure_boxes["job-count"].value
    control(panel, "test", "matrix", "os").source.value = ("ubuntu-latest",)
    saved, now = panel.saved_figures, panel.figures
    assert saved is not None and now is not None
    fewer = saved.run("pull_request").jobs - now.run("pull_request").jobs
    assert fewer > 0
    assert f"-{fewer} vs saved" in panel.figure_boxes["job-count"].value
    assert "vs saved" in panel.figure_boxes["usd-month"].value
    panel.save_button.click()
    assert "vs saved" not in panel.figure_boxes["job-count"].value


def test_an_invalid_value_is_shown_at_its_control_and_greys_the_figures(
    design_file: Path, out_dir: Path
) -> None:
    panel = widgets.test_matrix_panel(design_file, out_dir)
    os_control = control(panel, "test", "matrix", "os")
    os_control.source.value = ()
    assert panel.error is not None
    assert str(panel.error).startswith("test.matrix.os: ")  # the notebook's data, not the file, is wrong
    assert str(design_file) not in panel.error_box.value
    assert os_control.error.value and "test.matrix.os" not in os_control.error.value
    assert all("opacity:0.4" in box.value for box in panel.figure_boxes.values())
    os_control.source.value = ("ubuntu-latest",)
    assert panel.error is None and os_control.error.value == ""
    assert not any("opacity:0.4" in box.value for box in panel.figure_boxes.values())


def test_a_displayed_panel_takes_in_another_save_while_idle(design_file: Path, out_dir: Path) -> None:
    idle = widgets.test_matrix_panel(design_file, out_dir)
    other = widgets.test_matrix_panel(design_file, out_dir)
    idle.watch(interval=0.05)
    try:
        assert idle._repr_mimebundle_()["text/plain"].startswith("pipekit:")  # displaying keeps one watcher
        control(other, "test", "matrix", "os").source.value = ("ubuntu-latest",)
        other.save_button.click()
        deadline = time.monotonic() + 30  # a bound for a loaded machine, not a speed claim
        while "took in a change" not in idle.status.value:  # the status is the sync's last step
            assert time.monotonic() < deadline, "the idle panel never took in the saved change"
            time.sleep(0.05)
        with idle._lock:  # the watcher is done with this change
            assert list(control(idle, "test", "matrix", "os").source.value) == ["ubuntu-latest"]
            assert not idle.session.dirty
    finally:
        idle.stop_watching()
    assert idle._watcher is not None and not idle._watcher.is_alive()


def test_an_edit_to_a_key_another_notebook_saved_is_never_overwritten(
    design_file: Path, out_dir: Path
) -> None:
    first = widgets.test_matrix_panel(design_file, out_dir)
    second = widgets.test_matrix_panel(design_file, out_dir)
    control(first, "test", "min_tests").source.value = 5
    first.save_button.click()
    control(second, "test", "min_tests").source.value = 9  # the same key, edited after the other save
    assert control(second, "test", "min_tests").source.value == 9
    second.save_button.click()
    assert isinstance(second.conflict, DesignConflict)
    assert "test.min_tests (this notebook: 9, the file: 5)" in html.unescape(second.status.value)
    second.keep_mine.click()
    assert load_design(design_file).test.min_tests == 9


def test_an_edit_after_taking_in_a_save_stays_unsaved(design_file: Path, out_dir: Path) -> None:
    # After a sync the data and the file's data came from one merge; an edit in a section the other
    # notebook saved (billing) must change the data alone, or the panel would believe the file holds it.
    matrix, overview = (
        widgets.test_matrix_panel(design_file, out_dir),
        widgets.overview_panel(design_file, out_dir),
    )
    control(matrix, "billing", "runs_per_month", "push").source.value = 77
    matrix.save_design()
    overview.sync()
    control(overview, "billing", "plan").source.value = "enterprise"
    assert overview.session.dirty and "unsaved" in overview.unsaved.value
    assert overview.session.saved["billing"]["plan"] == "team"
    overview.save_design()
    text = design_file.read_text(encoding="utf-8")
    assert "  plan: enterprise" in text and "push: 77" in text
