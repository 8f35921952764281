"""`pipekit dashboard`: the overview notebook of a repository as a Voila page in headless chromium, started
and driven as tests/browser/servers.py does (loopback only, a random token, nothing from the network).
The panel's figures are the library's, and no code is shown."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pipekit.cost.plan import plan_design
from pipekit.design import load_design
from pipekit.notebook import figures as figs
from pipekit.wording import minutes, usd

from ..hostile.support import run_in_process
from .servers import ARTIFACTS, ROOT, loopback_page, server

SCREENSHOT = ARTIFACTS / "voila-overview.png"
RENDER_MS = 120_000  # kernel start, imports, and every cell of the overview (its charts the slowest)


def expected_values(design: Path) -> list[str]:
    """The overview's five headline figures on a pull request, by the library, as the panel writes them."""
    figures = figs.figures(plan_design(load_design(design)))
    run = figures.run("pull_request")
    return [
        str(run.jobs),
        str(run.billable_minutes),
        usd(run.usd),
        usd(figures.usd_per_month),
        minutes(run.wall_clock),
    ]


def code_lines(notebook: Path) -> list[str]:
    data = json.loads(notebook.read_text(encoding="utf-8"))
    sources = ["".join(cell["source"]) for cell in data["cells"] if cell["cell_type"] == "code"]
    return [line.strip() for source in sources for line in source.splitlines() if line.strip()]


def test_the_dashboard_shows_the_overview_panel_without_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pipeline.yaml").write_bytes((ROOT / "pipeline.yaml").read_bytes())
    assert run_in_process(["notebooks", "--init", "--repo", str(repo)], capsys).code == 0
    overview = repo / "notebooks" / "pipekit" / "overview.ipynb"

    def command(port: int) -> list[str]:
        return [
            sys.executable, "-m", "pipekit.cli", "dashboard", "--repo", str(repo), "--port", str(port),
            "--no-browser",
        ]  # fmt: skip

    with (
        # ready: Voila serves its front end (the page itself would start a kernel on every look)
        server(command, root=tmp_path, home=tmp_path / "home", ready_path="/voila/static/voila.js") as voila,
        loopback_page({"width": 1400, "height": 1000}) as page,
    ):
        from playwright.sync_api import expect

        page.goto(f"{voila.url}/?token={voila.token}")
        panel = page.locator(".pipekit-panel")
        expect(panel.locator(".pipekit-value")).to_have_count(5, timeout=RENDER_MS)
        values = expected_values(repo / "pipeline.yaml")
        assert all(any(c.isdigit() for c in value) for value in values)
        expect(panel.locator(".pipekit-value")).to_have_text(values)
        assert page.get_by_text("Error displaying widget").count() == 0
        expect(page.get_by_role("heading", name="Pipeline overview").first).to_be_visible()

        shown = page.inner_text("body")
        assert page.locator(".cm-editor, .jp-InputArea-editor").count() == 0
        assert [line for line in code_lines(overview) if line in shown] == []
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
