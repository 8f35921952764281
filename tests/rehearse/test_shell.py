"""`run:` steps started as the runner starts them on Linux (actions/runner
src/Runner.Worker/Handlers/ScriptHandler.cs and ScriptHandlerHelpers.cs; GitHub docs "Workflow syntax:
jobs.<job_id>.steps[*].shell")."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pipekit.rehearse import shell

PATH = os.environ["PATH"]


def _run(
    tmp_path: Path, shell_name: str | None, text: str, timeout: float | None = None
) -> tuple[int | None, str]:
    script = shell.script_file(tmp_path, shell_name, text)
    argv = shell.command_line(shell_name, script, PATH)
    log = script.with_suffix(".log")
    finished = shell.run(argv, cwd=tmp_path, env=dict(os.environ), log=log, timeout_seconds=timeout)
    return finished.exit_code, log.read_text()


def test_without_a_shell_bash_runs_with_e_but_without_pipefail(tmp_path: Path) -> None:
    assert _run(tmp_path, None, "false | true\necho reached\n") == (0, "reached\n")
    assert _run(tmp_path, None, "false\necho never\n")[0] == 1


def test_shell_bash_adds_pipefail(tmp_path: Path) -> None:
    assert _run(tmp_path, "bash", "false | true\necho never\n")[0] == 1


def test_sh_and_python_and_a_custom_command(tmp_path: Path) -> None:
    assert _run(tmp_path, "sh", "echo from sh\n") == (0, "from sh\n")
    assert _run(tmp_path, "python", "import sys\nprint(sys.argv[0].endswith('.py'))\n") == (0, "True\n")
    assert _run(tmp_path, "bash -c 'echo custom' {0}", "exit 3\n") == (0, "custom\n")


def test_the_argv_is_the_runners(tmp_path: Path) -> None:
    script = tmp_path / "s.sh"
    argv = shell.command_line("bash", script, PATH)
    assert argv[1:] == ["--noprofile", "--norc", "-e", "-o", "pipefail", str(script)]
    assert shell.command_line("sh", script, PATH)[1:] == ["-e", str(script)]


def test_a_shell_this_machine_lacks_is_not_rehearsed(tmp_path: Path) -> None:
    with pytest.raises(shell.UnsupportedShell, match="pwsh"):
        shell.command_line("pwsh", tmp_path / "s.ps1", "/nonexistent")


def test_the_time_limit_stops_the_whole_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "child-still-running"
    text = f"(sleep 3; touch {marker}) &\nsleep 30\n"
    started = time.monotonic()
    code, _ = _run(tmp_path, "bash", text, timeout=0.5)
    assert code is None
    assert time.monotonic() - started < 10
    time.sleep(3.5)
    assert not marker.exists()  # the background child was stopped with its group
