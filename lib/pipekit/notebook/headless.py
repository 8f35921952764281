"""Running the design notebooks headlessly with papermill, and keeping the committed ones clean.

Notebooks run concurrently in threads: each one spends most of its time in its own kernel process, so
two workers use both cores. papermill's `cwd` argument calls os.chdir (not thread-safe), so the kernel's
working folder is set through nbclient's `resources` instead and every path passed is absolute.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pipekit.errors import PipekitError
from pipekit.files import NOTEBOOKS
from pipekit.notebook.packaged import notebook_text

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
START_TIMEOUT = 60  # seconds for a kernel to start
CELL_TIMEOUT = 300  # seconds for one cell; the slowest (charts) takes about one
# The monitoring notebook reads the run history and writes no files: regeneration leaves it out, and
# `--in-place` re-executes it with its own parameters like every other notebook.
MONITORING = "monitoring.ipynb"


@dataclasses.dataclass(frozen=True, kw_only=True)
class NotebookRun:
    """One notebook to execute: where it is, where the executed copy goes, the parameters to inject."""

    notebook: Path
    report: Path
    parameters: Mapping[str, Any]
    cwd: Path | None = None  # the kernel's working folder; default: the notebook's folder


@dataclasses.dataclass(frozen=True, kw_only=True)
class Failure:
    notebook: str
    message: str  # one line

    def __str__(self) -> str:
        return f"{self.notebook}: {self.message}"


def find_notebooks(folder: Path) -> list[Path]:
    """The notebooks in `folder`: the known ones in their order (overview first: it is the slowest)."""
    found = sorted(folder.glob("*.ipynb"))
    if not found:
        raise PipekitError(f"{folder}: no notebooks (*.ipynb) here; pass --notebooks DIR")
    rank = {name: index for index, name in enumerate(NOTEBOOKS)}
    return sorted(found, key=lambda path: (rank.get(path.stem, len(rank)), path.name))


def regeneration_runs(
    notebooks: Iterable[Path], *, design: Path, out: Path, reports: Path
) -> list[NotebookRun]:
    """Runs that write each notebook's files from `design` into `out`, keeping reports in `reports` (the
    monitoring notebook writes none: it is left out)."""
    parameters = {"design": str(design.resolve()), "out": str(out.resolve()), "write": True}
    return [
        NotebookRun(notebook=path.resolve(), report=(reports / path.name).resolve(), parameters=parameters)
        for path in notebooks
        if path.name != MONITORING
    ]


def _first_line(text: object) -> str:
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""


def execute(run: NotebookRun, *, cell_timeout: float = CELL_TIMEOUT) -> Failure | None:
    """Execute one notebook with papermill; a failure is described in one line."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            str(run.notebook),
            str(run.report),
            parameters=dict(run.parameters),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            start_timeout=START_TIMEOUT,
            execution_timeout=cell_timeout,
            resources={"metadata": {"path": str(run.cwd or run.notebook.parent)}},
            # The kernel's own log (transport warnings, the interrupt at shutdown) would garble the
            # progress bar; failures still arrive as cell errors or a dead-kernel exception.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except PapermillExecutionError as error:
        cell = f"cell In [{error.exec_count}]" if error.exec_count else f"cell {error.cell_index}"
        return Failure(
            notebook=run.notebook.name, message=f"{cell}: {error.ename}: {_first_line(error.evalue)}"
        )
    except Exception as error:  # kernel start, timeouts, unreadable notebooks: report, do not crash the pool
        message = f"{type(error).__name__}: {_first_line(error) or 'no message'}"
        return Failure(notebook=run.notebook.name, message=message)
    return None


def run_notebooks(
    runs: Sequence[NotebookRun],
    *,
    workers: int = 2,
    progress: bool = True,
    executor: Callable[[NotebookRun], Failure | None] = execute,
) -> list[Failure]:
    """Execute every run, `workers` at a time, with a progress bar; returns the failures in run order."""
    from tqdm import tqdm

    for run in runs:
        run.report.parent.mkdir(parents=True, exist_ok=True)
    results: dict[int, Failure | None] = {}
    with (
        concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool,
        tqdm(total=len(runs), desc="notebooks", unit="nb", disable=not progress) as bar,
    ):
        futures = {pool.submit(executor, run): index for index, run in enumerate(runs)}
        for future in concurrent.futures.as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            bar.set_postfix_str(runs[index].notebook.name, refresh=False)
            bar.update()
    return [failure for _, failure in sorted(results.items()) if failure is not None]


# ------------------------------------------------------------------------------ committed notebooks


def clean_notebook(notebook: dict[str, Any]) -> dict[str, Any]:
    """Drop what changes from run to run or machine to machine: papermill's run metadata, timings,
    widget state and views (random model ids), the local kernelspec and the Python patch version.

    A widget view without its saved state can never be shown again, so only the text/plain summary the
    panels put beside it is kept: that is what GitHub and an unexecuted JupyterLab display."""
    metadata = notebook.setdefault("metadata", {})
    metadata.pop("papermill", None)
    metadata.pop("widgets", None)
    metadata["kernelspec"] = dict(KERNELSPEC)
    info = metadata.get("language_info")
    if isinstance(info, dict) and isinstance(info.get("version"), str):
        info["version"] = ".".join(info["version"].split(".")[:2])
    for cell in notebook.get("cells", []):
        cell_metadata = cell.setdefault("metadata", {})
        for key in ("papermill", "execution", "collapsed", "scrolled"):
            cell_metadata.pop(key, None)
        if cell_metadata.get("tags") == []:
            del cell_metadata["tags"]
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    return notebook


def notebook_problems(notebook: Mapping[str, Any]) -> list[str]:
    """Why a committed notebook is not clean (empty when it is)."""
    problems: list[str] = []
    metadata = notebook.get("metadata", {})
    for key in ("papermill", "widgets"):
        if key in metadata:
            problems.append(f"metadata.{key} is run-specific; strip it")
    if metadata.get("kernelspec") != KERNELSPEC:
        problems.append(f"kernelspec is {metadata.get('kernelspec')!r}, expected {KERNELSPEC!r}")
    version = str(metadata.get("language_info", {}).get("version", ""))
    if version.count(".") != 1:
        problems.append(f"language_info.version {version!r} should be major.minor only")
    parameters = 0
    for index, cell in enumerate(notebook.get("cells", [])):
        cell_metadata = cell.get("metadata", {})
        for key in ("papermill", "execution"):
            if key in cell_metadata:
                problems.append(f"cell {index}: metadata.{key} is run-specific; strip it")
        tags = cell_metadata.get("tags", [])
        parameters += "parameters" in tags
        if "injected-parameters" in tags:
            problems.append(f"cell {index}: papermill's injected-parameters cell; remove it")
        if cell.get("cell_type") == "code":
            if cell.get("execution_count") is None:
                problems.append(f"cell {index}: not executed; commit the notebook with its outputs")
            outputs = cell.get("outputs", [])
            if any(output.get("output_type") == "error" for output in outputs):
                problems.append(f"cell {index}: has an error output")
            if any(WIDGET_VIEW in output.get("data", {}) for output in outputs):
                problems.append(f"cell {index}: a widget view (random model id, no saved state); strip it")
    if parameters != 1:
        problems.append(f"{parameters} cells tagged 'parameters'; expected exactly one")
    return problems


def refresh_in_place(notebooks: Sequence[Path], *, workers: int = 2, progress: bool = True) -> list[Failure]:
    """Execute the committed notebooks with their default parameters, then replace each with its
    cleaned, executed copy; a notebook that fails is left as it was."""
    with tempfile.TemporaryDirectory(prefix="pipekit-notebooks-") as temp:
        runs = [
            NotebookRun(notebook=path.resolve(), report=Path(temp) / path.name, parameters={})
            for path in notebooks
        ]
        failures = run_notebooks(runs, workers=workers, progress=progress)
        failed = {failure.notebook for failure in failures}
        for run in runs:
            if run.notebook.name not in failed:
                data = json.loads(run.report.read_text(encoding="utf-8"))
                run.notebook.write_text(notebook_text(clean_notebook(data)), encoding="utf-8")
    return failures
