"""What `pipekit lab` and `pipekit dashboard` share: the repository's overview notebook they open, and
the options every server gets (loopback only; a port given is that port or an error)."""

from __future__ import annotations

from pathlib import Path

from pipekit.errors import InputFileError
from pipekit.files import OVERVIEW
from pipekit.notebook.packaged import IN_REPOSITORY

LOOPBACK = "127.0.0.1"


def repository_overview(repo: Path, notebooks: Path | None) -> Path:
    """The overview notebook of `repo`'s copy (`notebooks`, default notebooks/pipekit), which must be
    inside `repo` (the server's root)."""
    if not repo.is_dir():
        raise InputFileError(f"{repo}: --repo must be the repository's folder")
    overview = (notebooks if notebooks is not None else repo / IN_REPOSITORY) / f"{OVERVIEW}.ipynb"
    if not overview.is_file():
        raise InputFileError(
            f"{overview}: not there; copy pipekit's notebooks first: `pipekit notebooks --init --repo {repo}`"
        )
    if repo.resolve() not in overview.resolve().parents:
        raise InputFileError(f"{overview.parent}: --notebooks must be a folder inside the repository {repo}")
    return overview


def port_options(app: str, port: int | None) -> list[str]:
    """`app`'s options for `port`: none (its default, trying the next ones when taken), or exactly it."""
    return [] if port is None else [f"--{app}.port={port}", f"--{app}.port_retries=0"]
