"""The files a step writes to talk to the runner: GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH, and
GITHUB_STEP_SUMMARY, read after the step as the runner reads them (src/Runner.Worker/FileCommandManager.cs
of actions/runner: EnvFileKeyValuePairs, AddPathFileCommand, SetEnvFileCommand's block list)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pipekit.errors import PipekitError

FILES = {
    "GITHUB_ENV": "set_env",
    "GITHUB_OUTPUT": "set_output",
    "GITHUB_PATH": "add_path",
    "GITHUB_STATE": "save_state",
    "GITHUB_STEP_SUMMARY": "step_summary",
}
ENV_BLOCK_LIST = frozenset({"NODE_OPTIONS"})  # SetEnvFileCommand._setEnvBlockList, compared ignoring case


class FileCommandError(PipekitError):
    """A step wrote a file command the runner refuses: GitHub fails the step with this message."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Written:
    env: dict[str, str]
    outputs: dict[str, str]
    path: list[str]
    summary: str
    refused: list[str]  # env names the runner does not let a step set (it logs an error and goes on)


def prepare(folder: Path, step_number: int) -> dict[str, str]:
    """Fresh empty files for one step, by the environment variable that names each."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for variable, prefix in FILES.items():
        path = folder / f"{prefix}_{step_number}"
        path.write_bytes(b"")
        paths[variable] = str(path)
    return paths


def read(paths: dict[str, str]) -> Written:
    env: dict[str, str] = {}
    refused: list[str] = []
    for key, value in pairs(Path(paths["GITHUB_ENV"])):
        if key.upper() in ENV_BLOCK_LIST:
            refused.append(key)
        else:
            env[key] = value
    outputs = dict(pairs(Path(paths["GITHUB_OUTPUT"])))
    path_lines = [line for line in _text(Path(paths["GITHUB_PATH"])).split("\n") if line]
    return Written(
        env=env,
        outputs=outputs,
        path=path_lines,
        summary=_text(Path(paths["GITHUB_STEP_SUMMARY"])),
        refused=refused,
    )


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def pairs(path: Path) -> list[tuple[str, str]]:
    """NAME=VALUE lines and NAME<<DELIMITER heredocs, whichever separator comes first on the line; blank
    lines skipped. Raises FileCommandError with the runner's wording for a malformed file."""
    text = _text(path)
    result: list[tuple[str, str]] = []
    lines = text.split("\n")
    # a final "\n" leaves an empty last element that is not a line (ReadLine returns null there)
    has_newline = [True] * (len(lines) - 1) + [False]
    if lines and lines[-1] == "":
        lines, has_newline = lines[:-1], has_newline[:-1]
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            key, value = line.split("=", 1)
            result.append((key, value))
        elif heredoc >= 0 and (equals < 0 or heredoc < equals):
            key, delimiter = line.split("<<", 1)
            if not key or not delimiter:
                raise FileCommandError(
                    f"Invalid format '{line}'. Name must not be empty and delimiter must not be empty"
                )
            value_lines: list[str] = []
            while True:
                if index >= len(lines):
                    raise FileCommandError(f"Invalid value. Matching delimiter not found '{delimiter}'")
                current, newline = lines[index], has_newline[index]
                index += 1
                if current == delimiter:
                    break
                if not newline:
                    raise FileCommandError("Invalid value. EOF marker missing new line.")
                value_lines.append(current)
            result.append((key, "\n".join(value_lines)))
        else:
            raise FileCommandError(f"Invalid format '{line}'")
    return result
