"""Reading a stand-in's inputs the way an action's @actions/core reads them, and running helper commands.

Stand-ins take the same input text as the action and must accept and refuse the same values, so input
parsing follows @actions/core (getInput trims, getBooleanInput takes only the YAML 1.2 core-schema words,
getMultilineInput drops empty lines). A wrong value is an `InputError` carrying the message the action
fails with, which the stand-in turns into a failure.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from pipekit.rehearse.model import ActionCall

_TRUE = ("true", "True", "TRUE")
_FALSE = ("false", "False", "FALSE")
TAIL_LINES = 12  # lines of a failed command's output kept in a reason or log


class InputError(Exception):
    """An input the action itself would refuse; the message is the action's."""


class CommandError(Exception):
    """A helper command (git, pip, venv) failed; the message ends with the tail of its output."""


def get_input(call: ActionCall, name: str, *, required: bool = False) -> str:
    """core.getInput: the input's text, trimmed; a required input that is empty is an error."""
    value = call.inputs.get(name, "").strip()
    if required and not value:
        raise InputError(f"Input required and not supplied: {name}")
    return value


def get_bool(call: ActionCall, name: str, default: bool = False) -> bool:
    """core.getBooleanInput: only true/True/TRUE and false/False/FALSE are accepted.

    `default` stands in for the declared default when the runner passed no value at all (the actions
    give every boolean a default, which the runner applies before calling a stand-in)."""
    value = get_input(call, name)
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InputError(
        f'Input does not meet YAML 1.2 "Core Schema" specification: {name}\n'
        "Support boolean input list: `true | True | TRUE | false | False | FALSE`"
    )


def get_loose_bool(call: ActionCall, name: str) -> bool:
    """The ``toUpperCase() === 'TRUE'`` test actions/checkout and actions/cache use instead: anything
    but a spelling of true is false."""
    return get_input(call, name).upper() == "TRUE"


def get_multiline(call: ActionCall, name: str) -> list[str]:
    """core.getMultilineInput: one value a line, trimmed, empty lines dropped."""
    return [line.strip() for line in call.inputs.get(name, "").split("\n") if line.strip()]


def home(call: ActionCall) -> Path:
    """The HOME a step sees, for the ``~`` the actions expand: the step's, not this process's."""
    return Path(call.env.get("HOME") or os.path.expanduser("~"))


def resolve(call: ActionCall, text: str, base: Path | None = None) -> Path:
    """A path input as the action resolves it: ``~`` is HOME, relative paths are under the workspace
    (the working directory GitHub runs an action in) or `base`."""
    if text == "~" or text.startswith("~/"):
        text = str(home(call)) + text[1:]
    return Path(os.path.normpath((base or call.places.workspace) / text))


def step_path(call: ActionCall, added: Sequence[str] = ()) -> str:
    """The PATH of the step after an action's addPath calls of `added`, in call order (as
    ActionResult.path lists them): each goes in front, so the last one comes first."""
    rest = call.env.get("PATH", os.environ.get("PATH", os.defpath))
    return os.pathsep.join([*reversed(added), rest]) if added else rest


def run(
    command: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 900,
) -> str:
    """Run a helper command and return its standard output; a failure raises CommandError with the
    command's last lines of output."""
    try:
        done = subprocess.run(
            [os.fspath(part) for part in command],
            cwd=cwd,
            env=dict(env) if env is not None else None,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CommandError(f"{os.fspath(command[0])}: {error}") from None
    if done.returncode != 0:
        raise CommandError(
            f"`{' '.join(os.fspath(part) for part in command)}` exited with {done.returncode}: "
            + tail(done.stderr or done.stdout)
        )
    return done.stdout


def tail(output: str, lines: int = TAIL_LINES) -> str:
    """The last non-empty lines of a command's output, joined with `` | `` to stay on one line."""
    kept = [line.strip() for line in output.splitlines() if line.strip()][-lines:]
    return " | ".join(kept) if kept else "(no output)"
