"""Running a workflow script as its step does: the rendered step's `run:` under the bash command line
GitHub uses, with the step's `env:`, job summary and output files, and this interpreter as `python`."""

from __future__ import annotations

import dataclasses
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipekit import files, yamlio

from ...designs import reference

PYTHON_DIR = str(Path(sys.executable).parent)  # holds `python` and `python3`, as setup-python's folder does


def rendered_step(
    file_name: str, job: str, step_name: str, data: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The step `step_name` of `job` in the workflow `file_name` rendered from the design `data`, with
    the job's default shell when the step names none."""
    (entry,) = [file for file in files.FILES if file.name == file_name]
    text = entry.render_function()(reference(dict(data or {})), "pipeline.yaml")
    assert text is not None, f"the design turns {file_name} off"
    workflow_job = yamlio.loads(text)["jobs"][job]
    (found,) = [step for step in workflow_job["steps"] if step["name"] == step_name]
    step: dict[str, Any] = dict(found)
    default_shell = workflow_job.get("defaults", {}).get("run", {}).get("shell")
    if "shell" not in step and default_shell is not None:
        step["shell"] = default_shell
    return step


@dataclasses.dataclass(frozen=True)
class StepRun:
    returncode: int
    stdout: str
    stderr: str
    summary: str  # what the step appended to GITHUB_STEP_SUMMARY
    output: str  # what the step appended to GITHUB_OUTPUT

    @property
    def annotations(self) -> list[str]:
        """The workflow commands (::error, ::warning) the step printed."""
        return [line for line in self.stdout.splitlines() if line.startswith("::")]


def step_env(step: Mapping[str, Any]) -> dict[str, str]:
    """The step's env: as the runner sets it; values holding expressions are GitHub's to fill in, so a
    test that needs one sets it itself."""
    return {name: str(value) for name, value in step.get("env", {}).items() if "${{" not in str(value)}


def run_step(
    step: Mapping[str, Any],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    path_first: Sequence[Path] = (),
) -> StepRun:
    """Run the step's script in `cwd` with its env: plus `env`; `path_first` folders (stub commands)
    come first on PATH, then this interpreter's folder."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        script, summary, output = folder / "step.sh", folder / "summary.md", folder / "output"
        script.write_text(step["run"], encoding="utf-8")
        summary.touch()
        output.touch()
        path = os.pathsep.join([*map(str, path_first), PYTHON_DIR, os.environ.get("PATH", "")])
        full_env = {
            **os.environ,
            **step_env(step),
            "PATH": path,
            "RUNNER_TEMP": str(folder),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(output),
            **(env or {}),
        }
        # `shell: bash` runs `bash --noprofile --norc -eo pipefail {0}`; steps without it run `bash -e {0}`.
        flags = ["--noprofile", "--norc", "-eo", "pipefail"] if step.get("shell") == "bash" else ["-e"]
        done = subprocess.run(
            ["bash", *flags, str(script)],
            cwd=cwd,
            env=full_env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        return StepRun(
            done.returncode,
            done.stdout,
            done.stderr,
            summary.read_text(encoding="utf-8"),
            output.read_text(encoding="utf-8"),
        )


def stub_command(folder: Path, name: str, body: str) -> Path:
    """An executable `folder/name` running the shell `body`, to stand in for a tool on PATH."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}", encoding="utf-8")
    path.chmod(0o755)
    return path


def recorded_calls(
    script: str, folder: Path, tools: Sequence[str], env: Mapping[str, str] | None = None
) -> list[list[str]]:
    """Run `script` under bash as a `shell: bash` step runs, with stubs for `tools` that record how they
    were called; each call's tool and arguments, in order."""
    log = folder / "calls.log"
    log.unlink(missing_ok=True)
    where = shlex.quote(str(log))
    for tool in tools:
        # one line per call: the tool and each argument, each followed by a unit separator (octal 037)
        stub_command(folder / "stubs", tool, f"printf '%s\\037' {tool} \"$@\" >> {where}\necho >> {where}\n")
    path = f"{folder / 'stubs'}{os.pathsep}{os.environ['PATH']}"
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=folder,
        env={**os.environ, **(env or {}), "PATH": path},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if done.returncode != 0:
        raise AssertionError(f"the script exited {done.returncode}: {done.stderr}")
    return [line.split("\x1f")[:-1] for line in log.read_text(encoding="utf-8").splitlines()]
