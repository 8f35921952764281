"""`pipekit lab` for real: JupyterLab rooted at a repository with copied notebooks, on a free loopback
port, answering its API; and the one-line errors before anything starts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pipekit.files import NOTEBOOKS

from ..browser.servers import ROOT, answers, as_root_options, lab_options, server
from ..hostile.support import run_in_process

IDLE_SECONDS = 120  # a server the test lost (never stopped) shuts itself down after this


def test_lab_serves_the_repository_with_its_notebooks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pipeline.yaml").write_bytes((ROOT / "pipeline.yaml").read_bytes())
    assert run_in_process(["notebooks", "--init", "--repo", str(repo)], capsys).code == 0
    home = tmp_path / "home"

    def command(port: int) -> list[str]:
        return [
            sys.executable, "-m", "pipekit.cli", "lab", "--repo", str(repo), "--port", str(port),
            "--no-browser", "--", *lab_options(home), *as_root_options(),
            f"--ServerApp.shutdown_no_activity_timeout={IDLE_SECONDS}",
        ]  # fmt: skip

    with server(command, root=tmp_path, home=home) as lab:
        listing = answers(f"{lab.url}/api/contents/notebooks/pipekit", lab.token, timeout=10)
        assert listing is not None
        names = sorted(entry["name"] for entry in json.loads(listing)["content"])
        assert names == sorted(f"{name}.ipynb" for name in NOTEBOOKS)
        assert answers(f"{lab.url}/api/contents/pipeline.yaml", lab.token) is not None  # rooted at the repo
        assert answers(f"{lab.url}/api/status", "not-the-token") is None
    log = lab.log.read_text(errors="replace")
    assert f"http://127.0.0.1:{lab.url.rsplit(':', 1)[1]}/lab/tree/notebooks/pipekit/overview.ipynb" in log


def test_lab_without_copies_names_notebooks_init(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_in_process(["lab", "--repo", str(tmp_path), "--no-browser"], capsys)
    assert result.code == 2
    overview = tmp_path / "notebooks" / "pipekit" / "overview.ipynb"
    assert result.stderr == (
        f"pipekit: error: {overview}: not there; copy pipekit's notebooks first: "
        f"`pipekit notebooks --init --repo {tmp_path}`\n"
    )


def test_lab_needs_a_repository_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_in_process(["lab", "--repo", str(tmp_path / "missing")], capsys)
    assert result.code == 2
    assert (
        result.stderr == f"pipekit: error: {tmp_path / 'missing'}: --repo must be the repository's folder\n"
    )
