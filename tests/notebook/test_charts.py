"""The charts as drawn: SVG that takes the theme's colours, deterministic bytes, and what each shows."""

from __future__ import annotations

import re

import pytest

from pipekit.cost.plan import PipelinePlan, plan_design
from pipekit.notebook import chart_data, charts, svg
from pipekit.notebook.chart_data import ChartData
from pipekit.wording import usd

from ..designs import reference


@pytest.fixture(scope="module")
def plan() -> PipelinePlan:
    return plan_design(reference())


def every_chart(plan: PipelinePlan) -> dict[str, ChartData]:
    return {
        "gantt of the pipeline": chart_data.run_gantt(plan, "pull_request"),
        "gantt of test.yaml": chart_data.run_gantt(plan, "push", "test"),
        "cost by workflow": chart_data.monthly_cost(plan),
        "cost by trigger": chart_data.monthly_cost(plan, "security"),
        "matrix": chart_data.matrix_grid(plan, "pull_request"),
    }


def texts(image: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", image)


def test_live_charts_take_the_themes_colour_on_no_background(plan: PipelinePlan) -> None:
    for name, data in every_chart(plan).items():
        image = svg.chart_svg(data)
        assert image.startswith("<svg "), name  # an element for an HTML page, no XML prolog
        assert "currentColor" in image, name
        assert svg.SENTINEL not in image, name
        # nothing paints the figure's background: no white, and no path as large as the figure
        assert not re.search(r"#fff(fff)?\b", image, re.IGNORECASE), name
        width, height = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', image).groups()  # type: ignore[union-attr]
        assert f"L {width} {height}" not in image and f"L {width} 0" not in image, name
        assert " id=" not in image, name  # charts share a page: their ids would repeat
        # a stylesheet in an SVG would style the whole notebook page
        assert "<style" not in image and 'stroke-linejoin="round"' in image, name
        # text stays text, in the page's font
        assert "<text" in image and "font-family: 'DejaVu Sans', sans-serif" in image, name


def test_the_same_data_gives_the_same_bytes(plan: PipelinePlan) -> None:
    again = plan_design(reference())
    for name, data in every_chart(plan).items():
        twin = every_chart(again)[name]
        assert twin == data
        assert svg.chart_svg(data) == svg.chart_svg(twin), name
        assert charts.chart_png(data) == charts.chart_png(twin), name


def test_the_report_draws_dark_ink_on_white(plan: PipelinePlan) -> None:
    image = charts.chart_png(chart_data.monthly_cost(plan))
    assert image.startswith(b"\x89PNG") and b"Software" not in image


def test_the_cost_chart_labels_each_bar_with_its_total(plan: PipelinePlan) -> None:
    data = chart_data.monthly_cost(plan, "test")
    shown = texts(svg.chart_svg(data))
    for bar in data.bars:
        assert bar.label in shown and usd(bar.total) in shown
    assert "linux" in shown and "macos" in shown and "windows" in shown


def test_the_gantt_names_every_job_and_the_macos_limit(plan: PipelinePlan) -> None:
    data = chart_data.run_gantt(plan, "pull_request")
    shown = texts(svg.chart_svg(data))
    assert [text for text in shown if text in {row.label for row in data.rows}] == [
        row.label for row in data.rows
    ]
    assert f"limit: {data.macos_limit} " in shown
    assert "queued (waiting for a slot)" in shown  # the reference design queues a macOS leg
    unqueued = chart_data.run_gantt(
        plan_design(reference({"billing": {"plan": "enterprise"}})), "pull_request"
    )
    assert "queued (waiting for a slot)" not in texts(svg.chart_svg(unqueued))


def test_the_matrix_shows_each_legs_value_once(plan: PipelinePlan) -> None:
    data = chart_data.matrix_grid(plan, "pull_request")
    shown = texts(svg.chart_svg(data))
    values = [text for text in shown if re.fullmatch(r"\$\d+\.\d\d", text)]
    # one per leg, and the colour bar's lowest and highest
    assert len(values) == len(data.legs) + 2
    assert sorted(values[:-2]) == sorted(
        f"${cell.value:,.2f}" for cell in data.legs if cell.value is not None
    )
