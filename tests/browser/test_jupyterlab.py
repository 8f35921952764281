"""The test-matrix notebook in a real JupyterLab, driven by headless chromium through Playwright.

The server runs in a scratch copy of the notebooks, the design and workflows/, as tests/browser/servers.py
starts servers: loopback only, a random token, nothing fetched from the network.
"""

from __future__ import annotations

from typing import Any

from pipekit import yamlio
from pipekit.cost.plan import plan_design
from pipekit.design import design_from_data
from pipekit.wording import usd

from .servers import ARTIFACTS, ROOT, Server, loopback_page

SCREENSHOT = ARTIFACTS / "jupyterlab-test-matrix.png"
KERNEL_SECONDS = 120  # kernel start, imports and the first evaluation of every cell
UPDATE_MS = 15_000  # one widget change: a comm round trip and a re-evaluation


def _expected(os_labels: list[str]) -> tuple[str, str]:
    """The job count and USD per run of test.yaml on a pull request, by the library."""
    data: dict[str, Any] = yamlio.load_file(ROOT / "pipeline.yaml")
    data["test"]["matrix"]["os"] = os_labels
    plan = plan_design(design_from_data(data))
    run = next(wf for wf in plan.trigger("pull_request").workflows if wf.workflow == "test.yaml")
    return f"{run.jobs} jobs", f"{usd(run.cost.usd)} per run"


def test_the_test_matrix_notebook_in_jupyterlab(lab: Server) -> None:
    from playwright.sync_api import expect

    panel = ".pipekit-panel-test-matrix"
    with loopback_page({"width": 1500, "height": 1100}) as page:
        page.goto(f"{lab.url}/lab/tree/notebooks/test-matrix.ipynb?token={lab.token}")
        page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.sessionContext",
            timeout=60_000,
        )
        page.evaluate(
            """async () => {
                const notebook = window.jupyterapp.shell.currentWidget;
                await notebook.context.ready;
                await notebook.sessionContext.ready;
                await window.jupyterapp.commands.execute('notebook:run-all-cells');
            }"""
        )
        jobs, cost = (
            page.locator(f"{panel} .pipekit-job-count"),
            page.locator(f"{panel} .pipekit-usd-run"),
        )
        default_jobs, default_cost = _expected(["ubuntu-latest", "macos-latest", "windows-latest"])
        expect(jobs).to_have_text(default_jobs, timeout=KERNEL_SECONDS * 1000)
        expect(cost).to_have_text(default_cost)

        labels = page.locator(f"{panel} .pipekit-test-matrix-os-input")
        expect(labels).to_be_visible()
        tags = labels.locator(".jupyter-widget-tag:not(.jupyter-widget-taginput)")
        assert [text.strip() for text in tags.all_inner_texts()] == [
            "ubuntu-latest",
            "macos-latest",
            "windows-latest",
        ]
        # the runner catalogue is suggested as the user types, not only the design's labels
        assert labels.locator("datalist option").count() > 3
        assert page.get_by_text("Error displaying widget").count() == 0

        # one click on a tag's cross removes that label alone
        tags.filter(has_text="macos-latest").locator(".jupyter-widget-tag-close").dispatch_event("mousedown")
        new_jobs, new_cost = _expected(["ubuntu-latest", "windows-latest"])
        assert (new_jobs, new_cost) != (default_jobs, default_cost)
        # each figure shows its change against the saved design next to the new value
        fewer = int(default_jobs.split()[0]) - int(new_jobs.split()[0])
        expect(jobs.locator(".pipekit-value")).to_have_text(new_jobs.split()[0], timeout=UPDATE_MS)
        expect(jobs.locator(".pipekit-delta")).to_have_text(f"-{fewer} vs saved", timeout=UPDATE_MS)
        expect(cost).to_contain_text(new_cost, timeout=UPDATE_MS)
        expect(page.locator(f"{panel} .pipekit-unsaved")).to_contain_text("unsaved")
        expect(page.locator(f"{panel} .pipekit-yaml").first).not_to_contain_text("macos-latest")

        # The controls above and the figures, table and diff below in one picture.
        page.locator(f"{panel} .pipekit-trigger").evaluate("node => node.scrollIntoView({block: 'center'})")
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
