"""Reading the files under ``pipekit/data``: a missing or malformed one is a DataError (a pipekit bug)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from pipekit import yamlio
from pipekit.errors import DataError, InputFileError


def data_text(*parts: str) -> str:
    """The text of ``data/<parts>``."""
    resource = resources.files("pipekit").joinpath("data", *parts)
    try:
        return resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"packaged data file data/{'/'.join(parts)} is missing; reinstall pipekit") from None


def data_yaml(*parts: str) -> Any:
    """``data/<parts>`` read as YAML 1.2."""
    name = "data/" + "/".join(parts)
    try:
        return yamlio.loads(data_text(*parts), name)
    except InputFileError as error:
        raise DataError(f"packaged data file is not valid YAML: {error}") from None


def data_names(*parts: str) -> list[str]:
    """The file names in the folder ``data/<parts>``."""
    folder = resources.files("pipekit").joinpath("data", *parts)
    return sorted(entry.name for entry in folder.iterdir() if entry.is_file())
