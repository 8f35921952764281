"""deploy.yaml's image digest step, with a stub `docker` standing in for `docker buildx imagetools inspect`:
its JSON output for `--format '{{json .Manifest}}'` is the manifest descriptor with `digest` (buildx
docs/reference/buildx_imagetools_inspect.md, "JSON output")."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest

from pipekit.render import deploy

from .support import StepRun, rendered_step, run_step, stub_command

SHA = "0123456789abcdef0123456789abcdef01234567"
IMAGE = "ghcr.io/acme/modelmuxer"
DIGEST = "sha256:" + "ab12" * 16
INDEX = {
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.index.v1+json",
    "digest": DIGEST,
    "size": 855,
    "manifests": [],
}
# What buildx before 0.33 prints for a template starting with {{.Manifest: its default text.
DEFAULT_TEXT = (
    f"Name:      {IMAGE}:sha-{SHA}\nMediaType: application/vnd.oci.image.index.v1+json\nDigest:    {DIGEST}\n"
)


@pytest.fixture
def digest_step() -> dict[str, Any]:
    return rendered_step("deploy.yaml", "gate", "Image digest")


def run_with_docker(
    step: dict[str, Any], folder: Path, stdout: str, stderr: str = "", status: int = 0
) -> StepRun:
    stubs = folder / "bin"
    stub_command(
        stubs,
        "docker",
        f'printf "%s\\n" "$*" >> "{folder}/calls"\n'
        f"printf '%s' {shlex.quote(stdout)}\n"
        f"printf '%s' {shlex.quote(stderr)} >&2\n"
        f"exit {status}\n",
    )
    return run_step(step, folder, {"IMAGE": IMAGE, "COMMIT": SHA}, path_first=[stubs])


def test_the_step_embeds_the_script_and_runs_once_the_gate_let_the_commit_through(
    digest_step: dict[str, Any],
) -> None:
    assert digest_step["run"] == deploy.IMAGE_DIGEST
    assert digest_step["if"] == "steps.gate.outputs.deploy == 'true'"
    assert digest_step["env"] == {
        "IMAGE": "${{ steps.image.outputs.name }}",
        "COMMIT": "${{ steps.gate.outputs.commit }}",
    }


def test_the_digest_of_the_commits_tag(tmp_path: Path, digest_step: dict[str, Any]) -> None:
    run = run_with_docker(digest_step, tmp_path, json.dumps(INDEX, indent=2))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.output == f"digest={DIGEST}\n"
    assert f"{IMAGE}:sha-{SHA} is {IMAGE}@{DIGEST}" in run.stdout
    # build.yaml's tag for the commit, read once, with a template buildx executes on every release
    calls = (tmp_path / "calls").read_text(encoding="utf-8").splitlines()
    assert calls == [f"buildx imagetools inspect {IMAGE}:sha-{SHA} --format {{{{json .Manifest}}}}"]


@pytest.mark.parametrize(
    ("stdout", "stderr", "status", "says"),
    [
        ("", f"ERROR: {IMAGE}:sha-{SHA}: not found", 1, f"cannot be read from its registry: ERROR: {IMAGE}"),
        ("", "", 1, "cannot be read from its registry: exit status 1"),
        (DEFAULT_TEXT, "", 0, "gave no sha256 digest"),
        (json.dumps({**INDEX, "digest": "sha256:1234"}), "", 0, "gave no sha256 digest"),
        (json.dumps([INDEX]), "", 0, "gave no sha256 digest"),
    ],
)
def test_no_digest_fails_the_step(
    tmp_path: Path, digest_step: dict[str, Any], stdout: str, stderr: str, status: int, says: str
) -> None:
    run = run_with_docker(digest_step, tmp_path, stdout, stderr, status)
    assert run.returncode == 1
    assert run.output == ""
    (error,) = run.annotations
    assert error.startswith("::error title=Image digest::")
    assert says in error and error.endswith("; did build.yaml push it?")
