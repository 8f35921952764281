"""Two design notebooks open on one design in a real JupyterLab: a save in one reaches the other, Apply
writes what both saved, a key both changed is a conflict the user resolves, Reset drops edits, the
charts follow the controls; then every notebook is photographed in the light and the dark theme."""

from __future__ import annotations

import shutil
from typing import Any

from pipekit import files, yamlio
from pipekit.cost.plan import plan_design
from pipekit.design import design_from_data

from .servers import ARTIFACTS, ROOT, Server, loopback_page

KERNEL_MS = 120_000  # kernel start, imports and the first evaluation of every cell
UPDATE_MS = 15_000  # a widget change, or another notebook's save taken in (the panel looks every 2 s)
LIGHT, DARK = "JupyterLab Light", "JupyterLab Dark"

OPEN_AND_RUN = """async (path) => {
    const app = window.jupyterapp;
    await app.restored;  // every plugin (and its commands) is in place
    const widget = await app.commands.execute('docmanager:open', {path});
    await widget.context.ready;
    await widget.sessionContext.ready;
    app.shell.activateById(widget.id);
    await app.commands.execute('notebook:run-all-cells');
}"""
ACTIVATE = """(path) => {
    const app = window.jupyterapp;
    for (const widget of app.shell.widgets('main')) {
        if (widget.context && widget.context.path === path) { app.shell.activateById(widget.id); return; }
    }
    throw new Error('not open: ' + path);
}"""
CLOSE = """async (path) => {
    const app = window.jupyterapp;
    for (const widget of app.shell.widgets('main')) {
        if (widget.context && widget.context.path === path) {
            await widget.sessionContext.shutdown();
            widget.dispose();
        }
    }
}"""
CHANGE_THEME = "(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})"
# The luminance of the text colour a chart's labels take (currentColor: the theme's foreground).
CHART_TEXT_LUMINANCE = """(svgText) => {
    const [r, g, b] = getComputedStyle(svgText).fill.match(/\\d+/g).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}"""


def pull_request_jobs(data: dict[str, Any], workflow: str | None = None) -> int:
    run = plan_design(design_from_data(data)).trigger("pull_request")
    if workflow is None:
        return len(run.cost.jobs)
    return next(wf.jobs for wf in run.workflows if wf.workflow == f"{workflow}.yaml")


def test_two_notebooks_share_one_design(lab: Server) -> None:
    from playwright.sync_api import Page, expect

    design = lab.root / "pipeline.yaml"
    matrix, overview = ".pipekit-panel-test-matrix", ".pipekit-panel-overview"

    def show(page: Page, name: str) -> None:
        page.evaluate(ACTIVATE, f"notebooks/{name}.ipynb")

    with loopback_page({"width": 1500, "height": 1100}) as page:
        page.goto(f"{lab.url}/lab?token={lab.token}")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
        data: dict[str, Any] = yamlio.load_file(design)
        for name, panel, workflow in (("test-matrix", matrix, "test"), ("overview", overview, None)):
            page.evaluate(OPEN_AND_RUN, f"notebooks/{name}.ipynb")
            expect(page.locator(f"{panel} .pipekit-job-count .pipekit-value")).to_have_text(
                str(pull_request_jobs(data, workflow)), timeout=KERNEL_MS
            )
        assert page.get_by_text("Error displaying widget").count() == 0

        # test-matrix: drop macOS and save; the charts follow the change
        show(page, "test-matrix")
        grid, gantt = (
            page.locator(f"{matrix} .pipekit-chart-matrix"),
            page.locator(f"{matrix} .pipekit-chart-gantt"),
        )
        expect(grid.locator("svg")).to_be_visible()
        before = grid.inner_html(), gantt.inner_html()
        tags = page.locator(f"{matrix} .pipekit-test-matrix-os-input .jupyter-widget-tag")
        tags.filter(has_text="macos-latest").locator(".jupyter-widget-tag-close").dispatch_event("mousedown")
        data["test"]["matrix"]["os"] = ["ubuntu-latest", "windows-latest"]
        expect(page.locator(f"{matrix} .pipekit-job-count .pipekit-value")).to_have_text(
            str(pull_request_jobs(data, "test")), timeout=UPDATE_MS
        )
        page.wait_for_function(
            "([node, html]) => node.innerHTML !== html",
            arg=[grid.element_handle(), before[0]],
            timeout=UPDATE_MS,
        )
        page.wait_for_function(
            "([node, html]) => node.innerHTML !== html",
            arg=[gantt.element_handle(), before[1]],
            timeout=UPDATE_MS,
        )
        page.locator(f"{matrix} .pipekit-save").click()
        expect(page.locator(f"{matrix} .pipekit-status")).to_contain_text("saved", timeout=UPDATE_MS)

        # overview takes in the matrix change by itself, then applies a plan change: the file and the
        # workflows hold both
        show(page, "overview")
        expect(page.locator(f"{overview} .pipekit-job-count .pipekit-value")).to_have_text(
            str(pull_request_jobs(data)), timeout=UPDATE_MS
        )
        expect(page.locator(f"{overview} .pipekit-status")).to_contain_text("took in a change")
        page.locator(f"{overview} .pipekit-billing-plan-input select").select_option("enterprise")
        expect(page.locator(f"{overview} .pipekit-unsaved")).to_contain_text("unsaved", timeout=UPDATE_MS)
        page.locator(f"{overview} .pipekit-write").click()
        expect(page.locator(f"{overview} .pipekit-status")).to_contain_text("wrote", timeout=UPDATE_MS)
        saved = yamlio.load_file(design)
        assert saved["test"]["matrix"]["os"] == ["ubuntu-latest", "windows-latest"]
        assert saved["billing"]["plan"] == "enterprise"
        assert "macos-latest" not in (lab.root / "workflows" / files.workflow_file("test").name).read_text()

        # a key both notebooks changed: overview saves "team", test-matrix holds "pro" unsaved
        show(page, "test-matrix")
        plan_in_matrix = page.locator(f"{matrix} .pipekit-billing-plan-input select")
        expect(plan_in_matrix).to_have_value("enterprise", timeout=UPDATE_MS)  # taken in while idle
        plan_in_matrix.select_option("pro")
        show(page, "overview")
        page.locator(f"{overview} .pipekit-billing-plan-input select").select_option("team")
        page.locator(f"{overview} .pipekit-save").click()
        expect(page.locator(f"{overview} .pipekit-status")).to_contain_text("saved", timeout=UPDATE_MS)
        show(page, "test-matrix")
        page.locator(f"{matrix} .pipekit-save").click()
        status = page.locator(f"{matrix} .pipekit-status")
        expect(status).to_contain_text("billing.plan", timeout=UPDATE_MS)
        expect(status).to_contain_text("team")
        expect(status).to_contain_text("pro")
        assert yamlio.load_file(design)["billing"]["plan"] == "team"  # nothing written while in conflict
        page.locator(f"{matrix} .pipekit-keep-mine").click()
        expect(status).to_contain_text("saved", timeout=UPDATE_MS)
        expect(page.locator(f"{matrix} .pipekit-keep-mine")).to_be_hidden()
        assert yamlio.load_file(design)["billing"]["plan"] == "pro"

        # Reset drops an unsaved edit
        min_tests = page.locator(f"{matrix} .pipekit-test-min-tests-input input")
        original = min_tests.input_value()
        min_tests.fill("999")
        min_tests.press("Enter")
        expect(page.locator(f"{matrix} .pipekit-unsaved")).to_contain_text("unsaved", timeout=UPDATE_MS)
        page.locator(f"{matrix} .pipekit-reset").click()
        expect(page.locator(f"{matrix} .pipekit-unsaved")).to_have_text("", timeout=UPDATE_MS)
        expect(min_tests).to_have_value(original)
        page.screenshot(path=str(ARTIFACTS / "jupyterlab-two-notebooks.png"))


def test_every_notebook_reads_in_the_light_and_the_dark_theme(lab: Server) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(
        ROOT / "pipeline.yaml", lab.root / "pipeline.yaml"
    )  # the root design, whatever ran before
    with loopback_page({"width": 1400, "height": 1600}) as page:
        page.goto(f"{lab.url}/lab?token={lab.token}")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
        for name in files.NOTEBOOKS:
            path = f"notebooks/{name}.ipynb"
            panel = f".pipekit-panel-{name}"
            page.evaluate(OPEN_AND_RUN, path)
            expect(page.locator(f"{panel} .pipekit-job-count .pipekit-value")).not_to_be_empty(
                timeout=KERNEL_MS
            )
            chart_text = page.locator(f"{panel} .pipekit-chart-cost svg text").first
            expect(chart_text).to_be_attached(timeout=UPDATE_MS)
            page.locator(f"{panel} .pipekit-trigger").evaluate(
                "node => node.scrollIntoView({block: 'start'})"
            )
            for theme, shot in ((LIGHT, "light"), (DARK, "dark")):
                page.evaluate(
                    "(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme
                )
                page.wait_for_function(
                    "(light) => document.body.dataset.jpThemeLight === light", arg=str(theme == LIGHT).lower()
                )
                luminance = chart_text.evaluate(CHART_TEXT_LUMINANCE)
                # chart labels take the theme's text colour: dark on light, light on dark
                assert (luminance < 0.5) if theme == LIGHT else (luminance > 0.5), (name, theme, luminance)
                page.screenshot(path=str(ARTIFACTS / f"notebook-{name}-{shot}.png"))
            page.evaluate(CHANGE_THEME, LIGHT)
            page.evaluate(CLOSE, path)
