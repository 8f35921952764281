"""The image record step of build.yaml (image_record.sh), run as the rendered step runs it: a push run
writes image.json with the pushed digest for the deploy workflow, and refuses to record anything that is
not a digest, an image name or a commit SHA."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipekit.render import build

from .support import rendered_step, run_step

DIGEST = "sha256:" + "ab" * 32
COMMIT = "0123456789abcdef0123456789abcdef01234567"
IMAGE = "ghcr.io/acme/modelmuxer"


@pytest.fixture(scope="module")
def step() -> dict[str, Any]:
    return rendered_step("build.yaml", "image", "Record the pushed image")


def test_the_step_reads_the_build_outputs(step: dict[str, Any]) -> None:
    assert step["if"] == "github.event_name != 'pull_request'"  # pull requests push nothing
    assert step["env"] == {
        "IMAGE": "${{ steps.image.outputs.name }}",
        "DIGEST": "${{ steps.build.outputs.digest }}",
        "COMMIT": "${{ github.sha }}",
    }


def test_a_pushed_image_is_recorded_by_digest(step: dict[str, Any], tmp_path: Path) -> None:
    done = run_step(step, tmp_path, env={"IMAGE": IMAGE, "DIGEST": DIGEST, "COMMIT": COMMIT})
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / build.IMAGE_FILE).read_text(encoding="utf-8"))
    assert record == {"image": IMAGE, "digest": DIGEST, "reference": f"{IMAGE}@{DIGEST}", "commit": COMMIT}


@pytest.mark.parametrize(
    ("env", "annotation"),
    [
        (
            {"DIGEST": ""},
            "::error::the build reported no image digest (got ''), so there is nothing to deploy",
        ),
        ({"DIGEST": "sha256:short"}, "::error::the build reported no image digest (got 'sha256:short'), so"),
        ({"IMAGE": 'ghcr.io/a", "x": "y'}, '::error::\'ghcr.io/a", "x": "y\' is not an image name'),
        ({"COMMIT": "main"}, "::error::'main' is not a commit SHA"),
    ],
)
def test_anything_but_a_digest_is_refused(
    step: dict[str, Any], tmp_path: Path, env: dict[str, str], annotation: str
) -> None:
    done = run_step(step, tmp_path, env={"IMAGE": IMAGE, "DIGEST": DIGEST, "COMMIT": COMMIT, **env})
    assert done.returncode == 1
    assert done.annotations[0].startswith(annotation)
    assert not (tmp_path / build.IMAGE_FILE).exists()
