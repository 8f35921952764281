"""What the tests that start a Jupyter server (JupyterLab, `pipekit lab`, Voila) and drive Debian's
chromium share.

A server listens on loopback only, on a free port, with a random token, in a Jupyter home of its own (no
user config, kernels or settings; no news or update checks). It runs in its own process group, which is
stopped at the end, and it dies with the test run (the parent-death signal), so a killed test leaves no
server behind. Its kernels import this checkout's pipekit. The browser is Debian's chromium (never
`playwright install`); every request that is not to the local server is blocked and fails the test.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
SERVER_START_SECONDS = 60
STOP_SECONDS = 15
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class Server:
    url: str
    token: str
    root: Path
    log: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def as_root_options() -> list[str]:
    """Jupyter refuses to run as root unless told; a test machine may be root."""
    return ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def jupyter_env(home: Path, token: str) -> dict[str, str]:
    """The environment of a server in `home`: nothing from the user's Jupyter or IPython setup (config,
    kernels, settings, runtime files), the token, and this checkout's pipekit for its kernels."""
    notification = (
        home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    )
    notification.parent.mkdir(parents=True, exist_ok=True)
    # Never ask about (or fetch) Jupyter news and updates: no toast over a screenshot, no request.
    notification.write_text('{"fetchNews": "false", "checkForUpdates": false}\n', encoding="utf-8")
    return {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTER_TOKEN": token,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "lib"), os.environ.get("PYTHONPATH")])),
    }


def lab_options(home: Path) -> list[str]:
    """JupyterLab's settings and workspaces in `home`; no announcements, update checks or PyPI listings,
    so the server fetches nothing either."""
    return [
        f"--LabApp.user_settings_dir={home / 'settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]


def answers(url: str, token: str, timeout: float = 2) -> bytes | None:
    """The body at `url` when the server answers 200 with the token, else None."""
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return bytes(response.read()) if response.status == 200 else None
    except OSError:
        return None


def _die_with_parent() -> None:
    """In the server's process, before it starts: SIGTERM when the test run that started it ends."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextlib.contextmanager
def server(
    command: Callable[[int], Sequence[str]],
    *,
    root: Path,
    home: Path,
    ready_path: str = "/api/status",
) -> Iterator[Server]:
    """The server `command(port)` starts, running in `root` until the block ends. The test fails with
    the server's log when it does not answer `ready_path` within SERVER_START_SECONDS."""
    port, token = free_port(), secrets.token_hex(24)
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "server.log"
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            list(command(port)),
            cwd=root,
            env=jupyter_env(home, token),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the server and its kernels, nothing else
            preexec_fn=_die_with_parent,
        )
        try:
            deadline = time.monotonic() + SERVER_START_SECONDS
            while answers(url + ready_path, token) is None:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    tail = log_path.read_text(errors="replace")[-3000:]
                    pytest.fail(f"{command(port)[:4]} did not start on {url}:\n{tail}")
                time.sleep(0.3)
            yield Server(url=url, token=token, root=root, log=log_path)
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the process group: the server, then whatever kernels outlived it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def loopback_page(viewport: dict[str, int]) -> Iterator[Page]:
    """A chromium page that may load only from the local server; the test fails afterwards if the page
    asked for anything else."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make browser` (tools/bootstrap-browser.sh) to install chromium"
        )
    from playwright.sync_api import Route, sync_playwright

    blocked: list[str] = []

    def only_loopback(route: Route) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=viewport)
            page.set_default_timeout(30_000)
            page.route("**/*", only_loopback)
            yield page
        finally:
            browser.close()
    assert blocked == [], f"requests outside the loopback server: {blocked}"
