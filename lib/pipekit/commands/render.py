"""`pipekit render`: write the generated files of a design, atomically.

With `--out DIR` (default `workflows`) every file goes into one folder. With `--repo DIR` each goes where
the repository keeps it (workflows in DIR/.github/workflows, .gitleaks.toml at DIR's root): a file there
that pipekit did not generate is refused unless `--force`, and a generated file the design no longer
produces is removed.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipekit.design import DEFAULT_DESIGN_FILE

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_OUT = "workflows"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("render", help="write the workflow files and .gitleaks.toml of a design")
    parser.add_argument(
        "--design",
        metavar="FILE",
        help=f"design file (default: {DEFAULT_DESIGN_FILE}, in DIR with --repo)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", metavar="DIR", help=f"output folder (default: {DEFAULT_OUT})")
    where.add_argument(
        "--repo",
        metavar="DIR",
        help="a repository's root: workflows into DIR/.github/workflows, .gitleaks.toml into DIR",
    )
    parser.add_argument(
        "--force", action="store_true", help="with --repo: also overwrite files pipekit did not generate"
    )
    parser.set_defaults(run=run)


def design_path(args: argparse.Namespace) -> str:
    """The design file a command reads: --design, else pipeline.yaml (in the repository with --repo)."""
    from pathlib import Path

    if args.design is not None:
        return str(args.design)
    if getattr(args, "repo", None) is not None:
        return str(Path(args.repo) / DEFAULT_DESIGN_FILE)
    return DEFAULT_DESIGN_FILE


def render_design(design_path: str) -> dict[str, str]:
    """Every file's text for the design at `design_path`; headers name the design by its file name."""
    from pathlib import Path

    from pipekit.design.load import load_design
    from pipekit.render import render_all

    return render_all(load_design(design_path), Path(design_path).name)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipekit.errors import PipekitError

    if args.force and args.repo is None:
        raise PipekitError("--force: only with --repo; every file in an --out folder is pipekit's to write")
    files = render_design(design_path(args))
    if args.repo is not None:
        return _into_repo(Path(args.repo), files, force=args.force)
    from pipekit.write import write_files

    out = args.out or DEFAULT_OUT
    written = write_files(Path(out), files)
    for path in written:
        print(f"wrote {path}")
    unchanged = len(files) - len(written)
    if unchanged:
        print(f"{unchanged} file(s) in {out} already matched the design")
    return 0


def _into_repo(repo: Path, texts: dict[str, str], *, force: bool) -> int:
    from pipekit import files
    from pipekit.write import write_repo

    done = write_repo(repo, files.repo_paths(repo), texts, force=force)
    for path in done.written:
        print(f"wrote {path}")
    for path in done.removed:
        print(f"removed {path}: the design no longer produces it")
    for path in done.kept:
        print(f"left {path} alone: the design no longer produces it, but pipekit did not generate it")
    if done.unchanged:
        print(f"{len(done.unchanged)} file(s) in {repo} already matched the design")
    return 0
