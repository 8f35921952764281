"""Saving the design from a notebook (designio.save_design) never truncates or half-writes pipeline.yaml."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from pipekit import yamlio
from pipekit.design import save as designio
from pipekit.errors import DesignError, InputFileError, OutputError, PipekitError

from .support import snapshot

REPO_DESIGN = Path(__file__).resolve().parents[2] / "pipeline.yaml"


@pytest.fixture
def design(tmp_path: Path) -> Path:
    """A copy of the repository's commented pipeline.yaml: the kind of file people care about."""
    path = tmp_path / "pipeline.yaml"
    shutil.copyfile(REPO_DESIGN, path)
    return path


def _changed(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yamlio.loads(path.read_text(encoding="utf-8"))
    data["test"]["fail-fast"] = not data["test"]["fail-fast"]
    data["test"]["matrix"]["python-version"] = ["3.10", "3.13"]
    return data


def _raise(error: BaseException) -> Any:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise error

    return fail


FAILURES = {
    # the last step: the rename of the finished temporary file over pipeline.yaml
    "rename": (os, "replace", OSError(errno.EIO, "Input/output error"), OutputError),
    # the disk fills up while the temporary file is flushed
    "disk-full": (os, "fsync", OSError(errno.ENOSPC, "No space left on device"), OutputError),
    # the folder does not let us create the temporary file
    "no-temporary": (tempfile, "NamedTemporaryFile", PermissionError(errno.EACCES, "denied"), OutputError),
    # the YAML writer breaks before anything is written
    "dump": (YAML, "dump", RuntimeError("emitter failed"), RuntimeError),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failed_save_leaves_the_file_byte_identical(
    failure: str, design: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, name, error, raised = FAILURES[failure]
    data = _changed(design)
    before = snapshot(tmp_path)
    monkeypatch.setattr(owner, name, _raise(error))
    with pytest.raises(raised) as info:
        designio.save_design(design, data)
    if raised is OutputError:
        assert "the file was left as it was" in str(info.value)
    assert snapshot(tmp_path) == before  # same bytes, and no temporary file left beside it


def test_a_failed_save_through_a_symbolic_link_keeps_link_and_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "config" / "pipeline.yaml"
    real.parent.mkdir()
    shutil.copyfile(REPO_DESIGN, real)
    link = tmp_path / "pipeline.yaml"
    link.symlink_to(real)
    data = _changed(real)
    before = snapshot(tmp_path)
    monkeypatch.setattr(os, "replace", _raise(OSError(errno.EXDEV, "Invalid cross-device link")))
    with pytest.raises(OutputError):
        designio.save_design(link, data)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("edit", "raised", "fragment"),
    [
        # an invalid design is refused before anything is written
        (lambda d: d["test"]["matrix"].update(mode=["basic", "fast"]), DesignError, "test.matrix.mode[1]"),
        (
            lambda d: d["deploy"]["commands"].update(deploy="echo ${{ github.event.issue.title }}"),
            DesignError,
            "deploy.commands.deploy",
        ),
        # text that cannot be written as UTF-8 fails the read-back check, not the file
        (lambda d: d["test"]["benchmark"].update(command="pytest \ud800"), InputFileError, "pipeline.yaml"),
    ],
)
def test_a_refused_design_is_never_written(
    edit: Any, raised: type[PipekitError], fragment: str, design: Path, tmp_path: Path
) -> None:
    data = yamlio.loads(design.read_text(encoding="utf-8"))
    edit(data)
    before = snapshot(tmp_path)
    with pytest.raises(raised) as info:
        designio.save_design(design, data)
    assert fragment in str(info.value)
    assert snapshot(tmp_path) == before


def test_a_file_pipekit_cannot_read_is_left_alone(design: Path, tmp_path: Path) -> None:
    data = _changed(design)
    design.write_text(design.read_text(encoding="utf-8") + "test:\n  fail-fast: true\n", encoding="utf-8")
    before = snapshot(tmp_path)
    with pytest.raises(PipekitError, match="cannot read the file to update it"):
        designio.save_design(design, data)
    assert snapshot(tmp_path) == before


def test_a_successful_save_keeps_comments_and_mode(design: Path) -> None:
    design.chmod(0o640)
    data = _changed(design)
    assert designio.save_design(design, data) is True
    text = design.read_text(encoding="utf-8")
    assert yamlio.loads(text) == data
    assert "# pipekit design: the CI/CD pipeline of ModelMuxer" in text
    assert design.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in design.parent.iterdir()) == ["pipeline.yaml"]
