"""`pipekit notebooks`: regenerate the workflow files by running the design notebooks headlessly, or copy
the notebooks pipekit ships into a repository (`--init`).

With `--repo DIR` the notebooks are DIR's copy (DIR/notebooks/pipekit), the design DIR/pipeline.yaml, and
the files go where `pipekit render --repo DIR` puts them.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipekit.design import DEFAULT_DESIGN_FILE

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_OUT = "workflows"
DEFAULT_NOTEBOOKS = "notebooks"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "notebooks",
        help="run the design notebooks with papermill (write the workflows, keep the reports); "
        "--init copies them into a repository",
    )
    parser.add_argument(
        "--design", metavar="FILE", help=f"design file (default: {DEFAULT_DESIGN_FILE}, in DIR with --repo)"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", metavar="DIR", help=f"output folder (default: {DEFAULT_OUT})")
    where.add_argument(
        "--repo",
        metavar="DIR",
        help="a repository's root: its notebooks (DIR/notebooks/pipekit) and design; the files go where "
        "`pipekit render --repo` puts them",
    )
    parser.add_argument(
        "--reports", default="reports", metavar="DIR", help="where executed notebooks go (default: reports)"
    )
    parser.add_argument(
        "--notebooks",
        metavar="DIR",
        help=f"folder of notebooks (default: {DEFAULT_NOTEBOOKS}, DIR/notebooks/pipekit with --repo)",
    )
    parser.add_argument(
        "--workers", type=int, default=2, metavar="N", help="notebooks run at once (default: 2)"
    )
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="instead: re-execute the notebooks with their default parameters and commit-ready outputs",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--init",
        action="store_true",
        help="instead: copy pipekit's notebooks into the repository (--repo, default .), pointed at its "
        "design and .github/workflows",
    )
    parser.add_argument(
        "--into", metavar="FOLDER", help="with --init: where the copies go (default: DIR/notebooks/pipekit)"
    )
    parser.add_argument(
        "--force", action="store_true", help="with --init: replace copies that differ from pipekit's"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pipekit.errors import PipekitError

    if args.init:
        for flag, given in (
            ("--out", args.out),
            ("--notebooks", args.notebooks),
            ("--in-place", args.in_place),
        ):
            if given:
                raise PipekitError(f"{flag}: not with --init, which copies the notebooks into --repo DIR")
        return copy_into_repository(args)
    for flag, given in (("--into", args.into), ("--force", args.force)):
        if given:
            raise PipekitError(f"{flag}: only with --init (copying the notebooks into a repository)")
    return run_notebooks(args)


def copy_into_repository(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipekit import files
    from pipekit.commands.render import design_path
    from pipekit.errors import InputFileError, OutputError
    from pipekit.notebook import packaged
    from pipekit.write import check_repo_dir, write_into_repo

    repo = check_repo_dir(Path(args.repo or "."))
    design = Path(design_path(args))
    if not design.is_file():
        raise InputFileError(
            f"{design}: no design file; run `pipekit init --repo {repo}` first, or pass --design FILE"
        )
    into = Path(args.into) if args.into else repo / packaged.IN_REPOSITORY
    root = repo.resolve()
    if into.resolve() != root and root not in into.resolve().parents:
        raise OutputError(f"{into}: --into must be a folder inside the repository {repo}")
    parameters = {
        "design": packaged.relative(design, into),
        "out": packaged.relative(repo.joinpath(*files.WORKFLOWS_FOLDER), into),
    }
    copies = {
        into / name: packaged.notebook_text(packaged.repository_copy(notebook, parameters))
        for name, notebook in packaged.shipped_notebooks().items()
    }
    differing = [path for path, text in copies.items() if _differs(path, text)]
    if differing and not args.force:
        listed = ", ".join(str(path) for path in differing)
        raise OutputError(
            f"{listed}: already there and different from pipekit's notebooks; nothing was copied; "
            "pass --force to replace them (their edits are lost)"
        )
    written = write_into_repo(repo, copies)
    for path in written:
        print(f"wrote {path}")
    if len(written) < len(copies):
        print(f"{len(copies) - len(written)} notebook(s) in {into} were already pipekit's")
    print(
        f"the notebooks edit {design} and write into {repo.joinpath(*files.WORKFLOWS_FOLDER)}; "
        f"open them with `pipekit lab --repo {repo}`, or run them with `pipekit notebooks --repo {repo}`"
    )
    return 0


def _differs(path: Path, text: str) -> bool:
    from pipekit.errors import OutputError

    if not path.is_file():
        return False
    try:
        return path.read_bytes() != text.encode("utf-8")
    except OSError as error:
        raise OutputError(f"{path}: cannot read ({error.strerror}); nothing was copied") from None


def run_notebooks(args: argparse.Namespace) -> int:
    import sys
    import time
    from pathlib import Path

    from pipekit.commands.render import design_path
    from pipekit.design.load import load_design
    from pipekit.errors import EXIT_BAD_INPUT, InputFileError
    from pipekit.notebook import headless as notebooks
    from pipekit.notebook import packaged
    from pipekit.write import check_out_dir, check_repo_dir

    started = time.perf_counter()
    repo = check_repo_dir(Path(args.repo)) if args.repo is not None else None
    folder = Path(args.notebooks or (repo / packaged.IN_REPOSITORY if repo else DEFAULT_NOTEBOOKS))
    if repo is not None and not folder.is_dir():
        raise InputFileError(
            f"{folder}: no notebooks here; run `pipekit notebooks --init --repo {repo}` first"
        )
    found = notebooks.find_notebooks(folder)
    progress = not args.no_progress
    if args.in_place:
        failures = notebooks.refresh_in_place(found, workers=args.workers, progress=progress)
        done = f"refreshed {len(found) - len(failures)} notebook(s) in {folder}"
    else:
        design = Path(design_path(args))
        load_design(design)  # a bad design fails here in one line, not once per notebook
        # Created once, before the notebooks write into it concurrently. A repository's .github/workflows
        # makes the notebooks write as `render --repo` does (pipekit.files.repository_of).
        out = _workflows_folder(repo) if repo is not None else check_out_dir(Path(args.out or DEFAULT_OUT))
        runs = notebooks.regeneration_runs(found, design=design, out=out, reports=Path(args.reports))
        failures = notebooks.run_notebooks(runs, workers=args.workers, progress=progress)
        into = repo if repo is not None else out
        done = f"ran {len(runs)} notebook(s) into {into}; reports in {args.reports}"
    for failure in failures:
        print(f"pipekit notebooks: {failure}", file=sys.stderr)
    if failures:
        return EXIT_BAD_INPUT
    print(f"pipekit notebooks: {done} ({time.perf_counter() - started:.1f} s)")
    return 0


def _workflows_folder(repo: Path) -> Path:
    from pipekit import files
    from pipekit.errors import OutputError

    folder = repo.joinpath(*files.WORKFLOWS_FOLDER)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{folder}: cannot create the folder ({error.strerror})") from None
    return folder
