"""A `run:` step as the runner starts it on Linux (src/Runner.Worker/Handlers/ScriptHandler.cs and
ScriptHandlerHelpers.cs of actions/runner): the script in a file under RUNNER_TEMP, run by

- no shell given (step or defaults.run.shell): `bash -e {0}` (bash found on PATH, else `sh -e {0}`);
- `bash`: `bash --noprofile --norc -e -o pipefail {0}`; `sh`: `sh -e {0}`; `python`: `python {0}`;
- anything else: the command as written, `{0}` replaced by the script's path (appended when absent).

Output goes to a log file; a step over its time limit is stopped with its whole process group, as
GitHub cancels it.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

DEFAULT_ARGUMENTS = {
    "bash": "--noprofile --norc -e -o pipefail {0}",
    "sh": "-e {0}",
    "python": "{0}",
}
EXTENSIONS = {"bash": ".sh", "sh": ".sh", "python": ".py"}
GRACE_SECONDS = 7.5  # the runner's cancellation sends SIGINT, then SIGTERM after 7.5 s


@dataclasses.dataclass(frozen=True, kw_only=True)
class Finished:
    exit_code: int | None  # None: stopped at the time limit
    seconds: float
    command: str  # the shell line, as the runner logs it


class UnsupportedShell(Exception):
    """A shell this machine does not have (pwsh, cmd, powershell): the step is not rehearsed."""


def command_line(shell: str | None, script: Path, path: str) -> list[str]:
    """The argv that runs `script`, with executables looked up on the step's PATH."""
    if not shell:
        bash = shutil.which("bash", path=path)
        if bash:
            return [bash, "-e", str(script)]
        return [_which("sh", path), "-e", str(script)]
    name, _, arguments = shell.partition(" ")
    if not arguments:
        arguments = DEFAULT_ARGUMENTS.get(name, "")
    if name in ("pwsh", "powershell", "cmd") and shutil.which(name, path=path) is None:
        raise UnsupportedShell(f"the {name} shell is not on this machine")
    if "{0}" not in arguments:
        arguments = f"{arguments} {{0}}".strip()
    return [_which(name, path), *(word.replace("{0}", str(script)) for word in shlex.split(arguments))]


def _which(name: str, path: str) -> str:
    found = shutil.which(name, path=path)
    if found is None:
        raise UnsupportedShell(f"{name} is not on the step's PATH")
    return found


def script_file(temp: Path, shell: str | None, text: str) -> Path:
    name = (shell or "bash").partition(" ")[0]
    path = temp / f"{uuid.uuid4()}{EXTENSIONS.get(name, '')}"
    path.write_text(text, encoding="utf-8")
    return path


def run(
    argv: list[str], *, cwd: Path, env: Mapping[str, str], log: Path, timeout_seconds: float | None
) -> Finished:
    """Run to completion or to the time limit; stdout and stderr interleaved into `log`."""
    started = time.monotonic()
    with log.open("ab") as out:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            code: int | None = process.wait(timeout=timeout_seconds)
        except subprocess.TimeoutExpired:
            _stop(process)
            code = None
        except BaseException:
            _stop(process)
            raise
    return Finished(exit_code=code, seconds=time.monotonic() - started, command=shlex.join(argv))


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGINT to the step's process group, SIGTERM after the grace period, then SIGKILL."""
    for sent in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sent)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=GRACE_SECONDS if sent != signal.SIGKILL else None)
            return
        except subprocess.TimeoutExpired:
            continue
