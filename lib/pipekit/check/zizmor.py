"""zizmor's offline audits at its default (regular) persona; rule = the audit id (``template-injection``,
``artipacked``...), ``zizmor-input`` for a file zizmor cannot load."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from pipekit.check.external import run_tool
from pipekit.check.finding import Finding
from pipekit.check.paths import PathArg, as_paths, require_files
from pipekit.errors import PipekitError
from pipekit.wording import squeeze

INPUT_RULE = "zizmor-input"
AUTHORITY = "zizmor, offline, regular persona"
_LOAD_ERROR_POSITION = re.compile(r"at line (\d+) column (\d+)")


def executable() -> str:
    """The zizmor installed next to this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / ("zizmor.exe" if os.name == "nt" else "zizmor")
    if beside.is_file():
        return str(beside)
    found = shutil.which("zizmor")
    if found is None:
        raise PipekitError("zizmor is not installed; install it with: pip install zizmor")
    return found


def command(files: list[str], config: Path | None) -> list[str]:
    cmd = [executable(), "--offline", "--persona", "regular", "--format", "json"]
    # --no-exit-codes: 0 means "audited", whatever was found; --strict-collection: a file zizmor
    # cannot load is an error rather than a warning and a silently skipped file.
    cmd += ["--no-exit-codes", "--strict-collection", "--no-progress", "--color", "never"]
    cmd += ["--config", str(config)] if config is not None else ["--no-config"]
    return cmd + files


def _failure(stderr: str) -> str:
    # zizmor prints "fatal: ...", the error and a "Caused by:" chain; log lines start with a level.
    lines = [
        line.strip()
        for line in stderr.splitlines()
        if line.strip() and not re.match(r"^\s*(INFO|WARN|DEBUG|TRACE)\b", line)
    ]
    lines = [line for line in lines if line not in ("Caused by:", "fatal: no audit was performed")]
    return squeeze("; ".join(lines)) or "zizmor failed without a message"


def _findings(output: str, originals: Mapping[str, str]) -> list[Finding]:
    try:
        findings = []
        for result in json.loads(output):
            if result.get("ignored"):
                continue
            locations = result["locations"]
            primary = next((loc for loc in locations if loc["symbolic"]["kind"] == "Primary"), locations[0])
            staged = primary["symbolic"]["key"]["Local"]["verbatim_path"]
            start = primary["concrete"]["location"]["start_point"]  # 0-based row and column
            severity = result["determinations"]["severity"].lower()
            confidence = result["determinations"]["confidence"].lower()
            message = (
                f"{result['desc']}: {primary['symbolic']['annotation']} "
                f"(severity {severity}, confidence {confidence}; {result['url']})"
            )
            findings.append(
                Finding(
                    file=originals.get(staged, staged),
                    line=start["row"] + 1,
                    column=start["column"] + 1,
                    rule=result["ident"],
                    message=squeeze(message),
                )
            )
    except (ValueError, KeyError, TypeError, IndexError, StopIteration) as error:
        raise PipekitError(
            f"zizmor printed JSON pipekit does not understand ({error!r}); is it zizmor 1.x?"
        ) from None
    return findings


def check(paths: PathArg | Iterable[PathArg], config: PathArg | None = None) -> list[Finding]:
    """Audit workflow files with zizmor.

    `config` is a zizmor.yml to honour; by default no configuration is read, so results do not depend
    on what happens to be in the current directory.
    """
    sources = as_paths(paths)
    require_files(sources)
    if not sources:
        return []
    config_path = Path(config) if config is not None else None
    with tempfile.TemporaryDirectory(prefix="pipekit-zizmor-") as tmp:
        # zizmor decides what a file is from its name (action.yml is an action, .yml/.yaml is required),
        # so audit copies with neutral workflow names and map the results back.
        originals: dict[str, str] = {}
        for index, source in enumerate(sources):
            copy = Path(tmp) / f"{index:03d}-{re.sub(r'[^A-Za-z0-9_.-]', '_', source.stem)}.yml"
            shutil.copyfile(source, copy)
            originals[str(copy)] = str(source)
        staged_files = list(originals)
        done = run_tool(command(staged_files, config_path), "zizmor")
        if done.returncode == 0:
            return _findings(done.stdout, originals)
        if "failed to load" not in done.stderr:
            raise PipekitError(f"zizmor failed (exit {done.returncode}): {_failure(done.stderr)}")
        # Some file could not be loaded: audit one at a time to say which, and audit the rest.
        findings: list[Finding] = []
        for staged in staged_files:
            single = run_tool(command([staged], config_path), "zizmor")
            if single.returncode == 0:
                findings += _findings(single.stdout, originals)
            elif "failed to load" in single.stderr:
                message = _failure(single.stderr).replace(f"file://{staged}", "the file")
                at = _LOAD_ERROR_POSITION.search(message)
                line, column = (int(at.group(1)), int(at.group(2))) if at else (None, None)
                findings.append(
                    Finding(
                        file=originals[staged], line=line, column=column, rule=INPUT_RULE, message=message
                    )
                )
            else:
                raise PipekitError(f"zizmor failed (exit {single.returncode}): {_failure(single.stderr)}")
        return findings
