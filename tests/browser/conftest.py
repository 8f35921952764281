"""The JupyterLab server the browser tests drive: one per test module, in a scratch copy of the
notebooks, the design and workflows/."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator

import pytest

from .servers import ROOT, Server, as_root_options, lab_options, server


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(
        ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    shutil.copytree(ROOT / "workflows", root / "workflows")
    shutil.copyfile(ROOT / "pipeline.yaml", root / "pipeline.yaml")
    home = tmp_path_factory.mktemp("jupyter-home")

    def command(port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True",  # lets the test run JupyterLab commands
            *lab_options(home),
            *as_root_options(),
        ]

    with server(command, root=root, home=home) as started:
        yield started
