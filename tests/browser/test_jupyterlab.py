"""The test-matrix notebook in a real JupyterLab, driven by headless chromium through Playwright.

The server listens on loopback only, with a random token, in a scratch copy of the notebooks, the design
and workflows/; the browser is Debian's chromium (never `playwright install`), and every request that
is not to the local server is blocked and makes the test fail, so nothing is fetched from the network.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from pipekit import yamlio
from pipekit.cost.plan import plan_design
from pipekit.design import design_from_data
from pipekit.wording import usd

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "artifacts" / "jupyterlab-test-matrix.png"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
SERVER_START_SECONDS = 60
KERNEL_SECONDS = 120  # kernel start, imports and the first evaluation of every cell
UPDATE_MS = 15_000  # one widget change: a comm round trip and a re-evaluation


@dataclass(frozen=True)
class Lab:
    url: str
    token: str
    root: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _ready(url: str, token: str) -> bool:
    request = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(
        ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    shutil.copytree(ROOT / "workflows", root / "workflows")
    shutil.copyfile(ROOT / "pipeline.yaml", root / "pipeline.yaml")
    home = tmp_path_factory.mktemp("jupyter-home")
    env = {
        **os.environ,
        # Nothing from the user's Jupyter or IPython setup: config, kernels, settings, runtime files.
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    # Never ask about (or fetch) Jupyter news and updates: no toast over the screenshot, no request.
    notification = (
        home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    )
    notification.parent.mkdir(parents=True)
    notification.write_text('{"fetchNews": "false", "checkForUpdates": false}\n', encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(24)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={home / 'settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True",  # lets the test run JupyterLab commands
        # No announcements, update checks or PyPI listings: the server fetches nothing either.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (home / "server.log").open("wb")
    server = subprocess.Popen(
        command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"

    def stop() -> None:
        # Own process group: the server and the kernels it started, and nothing else, are stopped.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)  # kernels that outlived the server
        log.close()

    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _ready(url, token):
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                tail = (home / "server.log").read_text(errors="replace")[-3000:]
                pytest.fail(f"JupyterLab did not start on {url}:\n{tail}")
            time.sleep(0.3)
        yield Lab(url=url, token=token, root=root)
    finally:
        stop()


def _expected(os_labels: list[str]) -> tuple[str, str]:
    """The job count and USD per run of test.yaml on a pull request, by the library."""
    data: dict[str, Any] = yamlio.load_file(ROOT / "pipeline.yaml")
    data["test"]["matrix"]["os"] = os_labels
    plan = plan_design(design_from_data(data))
    run = next(wf for wf in plan.trigger("pull_request").workflows if wf.workflow == "test.yaml")
    return f"{run.jobs} jobs", f"{usd(run.cost.usd)} per run"


def test_the_test_matrix_notebook_in_jupyterlab(lab: Lab) -> None:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make browser` (tools/bootstrap-browser.sh) to install chromium"
        )
    from playwright.sync_api import Route, expect, sync_playwright

    blocked: list[str] = []

    def only_loopback(route: Route) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    panel = ".pipekit-panel-test-matrix"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.set_default_timeout(30_000)
            page.route("**/*", only_loopback)
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
            tags.filter(has_text="macos-latest").locator(".jupyter-widget-tag-close").dispatch_event(
                "mousedown"
            )
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
            page.locator(f"{panel} .pipekit-trigger").evaluate(
                "node => node.scrollIntoView({block: 'center'})"
            )
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
        finally:
            browser.close()
    assert blocked == [], f"requests outside the loopback server: {blocked}"
