"""Headless regeneration: papermill runs each notebook once per session; what it writes is exactly what
`pipekit render` writes, file for file and byte for byte."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from pipekit import files
from pipekit.cli import main as pipekit_main
from pipekit.commands import notebooks as notebooks_command
from pipekit.errors import DesignError
from pipekit.notebook import headless as notebooks

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """What `pipekit render --design pipeline.yaml` writes, by file name."""
    out = tmp_path_factory.mktemp("render")
    assert pipekit_main(["render", "--design", str(ROOT / "pipeline.yaml"), "--out", str(out)]) == 0
    return {path.name: path.read_bytes() for path in out.iterdir()}


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every notebook run once, concurrently, as from the repository root: relative paths, one out
    folder per notebook so each one's files can be told apart."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copyfile(ROOT / "pipeline.yaml", root / "pipeline.yaml")
    runs = [
        notebooks.NotebookRun(
            notebook=ROOT / "notebooks" / f"{name}.ipynb",
            report=root / "reports" / f"{name}.ipynb",
            parameters={"design": "pipeline.yaml", "out": f"out/{name}", "write": True},
            cwd=root,
        )
        for name in notebooks.NOTEBOOKS
    ]
    for name in notebooks.NOTEBOOKS:
        (root / "out" / name).mkdir(parents=True)
    failures = notebooks.run_notebooks(runs, workers=2, progress=False)
    assert [str(failure) for failure in failures] == []
    return root


@pytest.mark.parametrize("name", notebooks.NOTEBOOKS)
def test_each_notebook_writes_its_files_as_render_does(
    name: str, executed: Path, rendered: dict[str, bytes]
) -> None:
    written = {path.name: path.read_bytes() for path in (executed / "out" / name).iterdir()}
    assert sorted(written) == sorted(files.notebook_files(name))
    for file, data in written.items():
        assert data == rendered[file], f"{name}.ipynb wrote a different {file}"


@pytest.mark.parametrize("name", notebooks.NOTEBOOKS)
def test_each_report_has_the_injected_parameters_and_no_errors(name: str, executed: Path) -> None:
    report = nbformat.read(executed / "reports" / f"{name}.ipynb", as_version=4)
    tags = [cell.metadata.get("tags", []) for cell in report.cells]
    assert ["injected-parameters"] in tags
    outputs = [output for cell in report.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    printed = "".join(output.get("text", "") for output in outputs if output.output_type == "stream")
    assert f"wrote out/{name}/" in printed


def _tiny_notebook(path: Path, code: str) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = dict(notebooks.KERNELSPEC)
    notebook.cells = [
        nbformat.v4.new_code_cell(
            'design = "x"\nout = "y"\nwrite = False', metadata={"tags": ["parameters"]}
        ),
        nbformat.v4.new_code_cell(code),
    ]
    nbformat.write(notebook, path)


def test_the_command_reports_a_failing_cell_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "nbs"
    folder.mkdir()
    _tiny_notebook(folder / "good.ipynb", "print(write)")
    _tiny_notebook(folder / "bad.ipynb", 'raise ValueError("boom\\nsecond line")')
    parser = argparse.ArgumentParser()
    notebooks_command.add_parser(parser.add_subparsers())
    args = parser.parse_args(
        ["notebooks", "--notebooks", str(folder), "--design", str(ROOT / "pipeline.yaml"),
         "--out", str(tmp_path / "out"), "--reports", str(tmp_path / "reports"), "--no-progress"]
    )  # fmt: skip
    assert args.run(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["pipekit notebooks: bad.ipynb: cell In [3]: ValueError: boom"]
    good = json.loads((tmp_path / "reports" / "good.ipynb").read_text(encoding="utf-8"))
    assert good["cells"][2]["outputs"][0]["text"] == ["True\n"]  # the injected write = True
    assert (tmp_path / "reports" / "bad.ipynb").is_file()  # kept for reading the traceback


def test_a_bad_design_fails_before_any_notebook_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = tmp_path / "pipeline.yaml"
    design.write_text("test:\n  matrix:\n    os: []\n", encoding="utf-8")
    parser = argparse.ArgumentParser()
    notebooks_command.add_parser(parser.add_subparsers())
    args = parser.parse_args(
        ["notebooks", "--design", str(design), "--notebooks", str(ROOT / "notebooks"),
         "--out", str(tmp_path / "out"), "--reports", str(tmp_path / "reports")]
    )  # fmt: skip
    with pytest.raises(DesignError, match=r"test\.matrix\.os"):
        args.run(args)
    assert not (tmp_path / "reports").exists() and not (tmp_path / "out").exists()


def test_refresh_in_place_replaces_only_notebooks_that_ran(tmp_path: Path) -> None:
    _tiny_notebook(tmp_path / "good.ipynb", "print(design)")
    _tiny_notebook(tmp_path / "bad.ipynb", "1 / 0")
    bad_before = (tmp_path / "bad.ipynb").read_bytes()
    failures = notebooks.refresh_in_place(sorted(tmp_path.glob("*.ipynb")), progress=False)
    assert [failure.notebook for failure in failures] == ["bad.ipynb"]
    assert (tmp_path / "bad.ipynb").read_bytes() == bad_before
    good = json.loads((tmp_path / "good.ipynb").read_text(encoding="utf-8"))
    assert notebooks.notebook_problems(good) == []
    assert good["cells"][1]["outputs"][0]["text"] == ["x\n"]


def test_a_bad_design_in_a_notebook_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    import papermill

    bad = tmp_path / "pipeline.yaml"
    bad.write_text("tset: {}\n")
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        papermill.execute_notebook(
            str(ROOT / "notebooks" / "test-matrix.ipynb"),
            str(tmp_path / "out.ipynb"),
            parameters={"design": str(bad)},
            cwd=str(ROOT / "notebooks"),
            progress_bar=False,
        )
    assert caught.value.ename == "DesignError"
    errors = [
        output
        for cell in nbformat.read(tmp_path / "out.ipynb", as_version=4).cells
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert [error.traceback for error in errors] == [
        [
            f"pipekit: error: {bad}: tset: unknown key; did you mean 'test'? (allowed here: version, "
            "project, test, build, security, license, deploy, runners, pins, billing, estimates)"
        ]
    ]
