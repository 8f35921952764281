"""`pipekit notebooks --init` on a repository `pipekit init` designed: the shipped notebooks are copied
into it, pointed at its design and .github/workflows, and, run headlessly, write exactly what
`pipekit render --repo` writes, where it writes it. Copies that differ are refused unless --force."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipekit import files
from pipekit.cost.plan import plan_design
from pipekit.design.load import load_design
from pipekit.notebook import figures

from ..conftest import ROOT
from ..hostile.support import Result, snapshot
from ..repo.fixtures import poetry_service

COPIES = ROOT / "notebooks"
NAMES = sorted(f"{name}.ipynb" for name in files.NOTEBOOKS)  # the design notebooks pipekit ships


def pipekit(*args: str, cwd: Path) -> Result:
    """The command as a user runs it; its kernels import this checkout's pipekit."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "lib"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "pipekit.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def designed(tmp_path: Path) -> Path:
    """A Poetry service that `pipekit init` has designed (pipeline.yaml at its root)."""
    repo = poetry_service(tmp_path / "ledger")
    assert pipekit("init", "--repo", str(repo), cwd=tmp_path).code == 0
    return repo


def parameters(notebook: Path) -> str:
    data = json.loads(notebook.read_text(encoding="utf-8"))
    cell = next(cell for cell in data["cells"] if "parameters" in cell["metadata"].get("tags", []))
    return "".join(cell["source"])


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Result]:
    """The repository after --init and a headless run of its copies, and a twin after `render --repo`."""
    work = tmp_path_factory.mktemp("notebooks-init")
    repo = designed(work)
    copied = pipekit("notebooks", "--init", "--repo", "ledger", cwd=work)
    assert copied.code == 0, copied.stderr
    twin = work / "twin"
    shutil.copytree(repo, twin, symlinks=True)
    assert pipekit("render", "--repo", str(twin), cwd=work).code == 0
    ran = pipekit("notebooks", "--repo", "ledger", "--reports", "reports", "--no-progress", cwd=work)
    assert ran.code == 0, ran.stderr
    return repo, twin, ran


def test_init_copies_every_notebook_pointed_at_the_repository(
    regenerated: tuple[Path, Path, Result],
) -> None:
    repo, _, _ = regenerated
    folder = repo / "notebooks" / "pipekit"
    assert sorted(path.name for path in folder.iterdir()) == NAMES
    for name in NAMES:
        cell = parameters(folder / name)
        assert 'design = "../../pipeline.yaml"  # the design file\n' in cell
        assert 'out = "../../.github/workflows"  #' in cell
        assert "write = False" in cell  # the rest of the cell is the shipped one's
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        code = [cell for cell in data["cells"] if cell["cell_type"] == "code"]
        assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code)


def test_the_copies_write_what_render_repo_writes_where_it_writes_it(
    regenerated: tuple[Path, Path, Result],
) -> None:
    repo, twin, ran = regenerated
    assert ran.stdout.startswith("pipekit notebooks: ran 6 notebook(s) into ledger; reports in reports")

    def tree(root: Path) -> dict[str, str]:
        skipped = (root / ".git", root / "notebooks")
        state = snapshot(root)
        return {
            str(Path(path).relative_to(root)): entry
            for path, entry in state.items()
            if not any(Path(path) == top or top in Path(path).parents for top in skipped)
        }

    assert tree(repo) == tree(twin)  # the design untouched, every file the same, nothing else written
    written = {path.relative_to(repo).as_posix() for path in files.repo_paths(repo).values() if path.exists()}
    assert ".gitleaks.toml" in written and ".github/workflows/test.yaml" in written
    assert not (repo / ".github" / "workflows" / ".gitleaks.toml").exists()


def test_the_copies_evaluate_the_repositorys_design(regenerated: tuple[Path, Path, Result]) -> None:
    repo, _, _ = regenerated
    report = json.loads((repo.parent / "reports" / "overview.ipynb").read_text(encoding="utf-8"))
    printed = [
        "".join(output.get("text") or output.get("data", {}).get("text/plain", ""))
        for cell in report["cells"]
        for output in cell.get("outputs", [])
    ]
    plan = plan_design(load_design(repo / "pipeline.yaml"))
    summary = figures.summary_line(figures.figures(plan), "pull_request")
    assert printed[0] == f"pipekit: Pipeline overview\n{summary}"
    assert any(text.startswith("pipekit plan: ledger on the free plan") for text in printed)
    # compared with the repository's files, .gitleaks.toml at its root (whether the notebook that shares
    # a file wrote it before the overview compared depends on which ran first)
    shown = "".join(printed).splitlines()
    for path in (repo / ".github" / "workflows" / "test.yaml", repo / ".gitleaks.toml"):
        assert {
            f"----- {path.resolve()}: up to date",
            f"----- {path.resolve()}: does not exist yet; Apply writes it",
        } & set(shown)


def test_a_copy_that_differs_is_refused_unless_forced(tmp_path: Path) -> None:
    repo = designed(tmp_path)
    assert pipekit("notebooks", "--init", "--repo", str(repo), cwd=tmp_path).code == 0
    again = pipekit("notebooks", "--init", "--repo", str(repo), cwd=tmp_path)
    assert again.code == 0 and "6 notebook(s) in" in again.stdout  # the same copies: nothing to do
    build = repo / "notebooks" / "pipekit" / "build.ipynb"
    build.write_text(build.read_text(encoding="utf-8").replace("Container build", "Our build"), "utf-8")
    (repo / "notebooks" / "pipekit" / "deploy.ipynb").unlink()
    before = snapshot(repo)
    refused = pipekit("notebooks", "--init", "--repo", str(repo), cwd=tmp_path)
    assert refused.code == 2
    assert refused.stderr == (
        f"pipekit: error: {build}: already there and different from pipekit's notebooks; nothing was "
        "copied; pass --force to replace them (their edits are lost)\n"
    )
    assert snapshot(repo) == before  # not even the missing deploy.ipynb
    forced = pipekit("notebooks", "--init", "--repo", str(repo), "--force", cwd=tmp_path)
    assert forced.code == 0
    assert forced.stdout.splitlines()[:2] == [f"wrote {build}", f"wrote {build.parent / 'deploy.ipynb'}"]
    assert "Container build" in build.read_text(encoding="utf-8")


def test_without_a_design_it_says_to_run_init_first(tmp_path: Path) -> None:
    repo = poetry_service(tmp_path / "ledger")
    refused = pipekit("notebooks", "--init", "--repo", str(repo), cwd=tmp_path)
    assert refused.code == 2
    assert refused.stderr == (
        f"pipekit: error: {repo / 'pipeline.yaml'}: no design file; run `pipekit init --repo {repo}` "
        "first, or pass --design FILE\n"
    )
    assert not (repo / "notebooks").exists()


def test_another_design_and_folder_are_pointed_at_relatively(tmp_path: Path) -> None:
    repo = poetry_service(tmp_path / "ledger")
    (repo / "ci").mkdir()
    assert pipekit("init", "--repo", "ledger", "--design", "ledger/ci/pipekit.yaml", cwd=tmp_path).code == 0
    done = pipekit(
        "notebooks", "--init", "--repo", "ledger", "--design", "ledger/ci/pipekit.yaml",
        "--into", "ledger/tools/design", cwd=tmp_path,
    )  # fmt: skip
    assert done.code == 0, done.stderr
    cell = parameters(repo / "tools" / "design" / "overview.ipynb")
    assert 'design = "../../ci/pipekit.yaml"' in cell and 'out = "../../.github/workflows"' in cell
    outside = pipekit("notebooks", "--init", "--repo", "ledger", "--design", "ledger/ci/pipekit.yaml",
                      "--into", "elsewhere", cwd=tmp_path)  # fmt: skip
    assert outside.code == 2
    assert (
        outside.stderr == "pipekit: error: elsewhere: --into must be a folder inside the repository ledger\n"
    )


def test_running_a_repository_without_copies_names_init(tmp_path: Path) -> None:
    repo = designed(tmp_path)
    done = pipekit("notebooks", "--repo", str(repo), cwd=tmp_path)
    assert done.code == 2
    assert done.stderr == (
        f"pipekit: error: {repo / 'notebooks' / 'pipekit'}: no notebooks here; "
        f"run `pipekit notebooks --init --repo {repo}` first\n"
    )


def test_init_points_at_notebooks_init(tmp_path: Path) -> None:
    repo = poetry_service(tmp_path / "ledger")
    done = pipekit("init", "--repo", str(repo), cwd=tmp_path)
    assert done.stdout.splitlines()[-1] == (
        f"next: `pipekit plan --design {repo / 'pipeline.yaml'}`; the notebooks: "
        f"`pipekit notebooks --init --repo {repo}`, then `pipekit lab --repo {repo}`; "
        f"then `pipekit render --repo {repo}`"
    )
