"""The charts of the live panels and of their static reports: which ones, and when they change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipekit import widgets
from pipekit.notebook import live_charts, report
from pipekit.notebook.controls import Control

DESIGN = Path(__file__).resolve().parents[2] / "pipeline.yaml"
GREY = "opacity:0.4"


def control(panel: widgets.Panel, *path: str) -> Control:
    return next(item for item in panel.controls if item.path == path)


def charts(panel: widgets.Panel) -> dict[str, str]:
    return {kind: box.value for kind, box in panel.charts.boxes.items()}


@pytest.mark.parametrize("name", sorted(widgets.PAGES))
def test_every_panel_shows_its_charts_as_inline_svg(name: str, out_dir: Path) -> None:
    panel = widgets.open_panel(name, DESIGN, out_dir)
    kinds = ["gantt", "cost", "matrix"] if name == "test-matrix" else ["gantt", "cost"]
    assert list(panel.charts.boxes) == kinds
    assert [box._dom_classes for box in panel.charts.widget.children] == [
        (f"pipekit-chart-{k}",) for k in kinds
    ]
    assert panel.charts.widget in panel.widget.children
    for kind, value in charts(panel).items():
        if name == "deploy" and kind == "gantt":  # the reference design deploys nothing on pull requests
            assert value == "<p><i>deploy.yaml starts no job on pull_request.</i></p>"
        else:
            assert value.startswith("<svg ") and "currentColor" in value, kind


def test_a_control_change_redraws_the_charts_it_changes(out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(DESIGN, out_dir)
    before = charts(panel)
    control(panel, "test", "matrix", "os").source.value = ("ubuntu-latest", "windows-latest")
    after = charts(panel)
    assert all(after[kind] != before[kind] for kind in before)
    assert "macos-latest" not in after["matrix"] and "macos-latest" in before["matrix"]


def test_the_gantt_and_the_matrix_follow_the_trigger(out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(DESIGN, out_dir)
    before = charts(panel)
    assert "test.yaml in one pull_request run" in before["gantt"]
    panel.trigger.value = "schedule"
    after = charts(panel)
    assert "test.yaml starts no job on schedule." in after["gantt"]
    assert "does not run on schedule" in after["matrix"]
    assert after["cost"] == before["cost"]  # a month is every trigger's runs
    panel.trigger.value = "push"
    assert "in one push run" in charts(panel)["gantt"] and "Test matrix on push" in charts(panel)["matrix"]


def test_a_chart_is_drawn_again_only_when_its_data_changed(
    out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = widgets.test_matrix_panel(DESIGN, out_dir)
    drawn: list[Any] = []
    draw = live_charts.chart_html

    def counting(data: Any) -> str:
        drawn.append(type(data).__name__)
        return draw(data)

    monkeypatch.setattr(live_charts, "chart_html", counting)
    control(panel, "test", "min_tests").source.value = 200  # test.yaml changes, its cost and schedule do not
    assert drawn == [] and panel.error is None
    panel.trigger.value = "push"
    assert drawn == ["RunGantt", "MatrixGrid"]
    control(panel, "billing", "runs_per_month", "push").source.value = 41
    assert drawn == ["RunGantt", "MatrixGrid", "MonthlyCost"]


def test_the_charts_of_an_invalid_design_are_greyed(out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(DESIGN, out_dir)
    valid = charts(panel)
    control(panel, "test", "matrix", "os").source.value = ()
    assert panel.error is not None
    assert all(GREY in value and valid[kind] in value for kind, value in charts(panel).items())
    panel.trigger.value = "push"  # still the last valid design's, still greyed
    assert all(GREY in value for value in charts(panel).values())
    control(panel, "test", "matrix", "os").source.value = ("ubuntu-latest", "macos-latest", "windows-latest")
    assert panel.error is None and all(GREY not in value for value in charts(panel).values())


def shown_report(panel: widgets.Panel, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The PNG images the panel's static report displays."""
    images: list[bytes] = []
    monkeypatch.setattr(report, "display", lambda value: images.append(getattr(value, "data", b"")))
    panel.show_report()
    return [image for image in images if isinstance(image, bytes) and image.startswith(b"\x89PNG")]


@pytest.mark.parametrize(("name", "count"), [("overview", 2), ("test-matrix", 3), ("security", 2)])
def test_the_static_report_shows_the_pages_charts_as_png(
    name: str, count: int, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(shown_report(widgets.open_panel(name, DESIGN, out_dir), monkeypatch)) == count


def test_the_report_says_when_a_run_has_no_job_to_chart(
    out_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert len(shown_report(widgets.deploy_panel(DESIGN, out_dir), monkeypatch)) == 1  # the cost
    assert "deploy.yaml starts no job on pull_request." in capsys.readouterr().out
