"""astral-sh/setup-uv: the uv release a workflow pins, installed once and reused by later rehearsals.

The action downloads uv from GitHub's releases; here the same release comes from PyPI (the ``uv`` wheel
ships the same binaries) into a virtual environment under `places.tools`. Only a folder holding links to
``uv`` and ``uvx`` goes on PATH: the environment's own ``python`` and ``pip`` must not shadow the job's.

The variables the action exports follow src/setup-uv.ts: ``UV_PYTHON`` for ``python-version``,
``UV_PYTHON_INSTALL_DIR`` (RUNNER_TEMP/uv-python-dir, as on GitHub's runners) and ``UV_CACHE_DIR``. Two
differ on purpose: the uv cache lives under `places.tools`, so downloads are shared between rehearsals,
and ``UV_TOOL_DIR``/``UV_TOOL_BIN_DIR`` point into RUNNER_TEMP, where the action would leave uv's
defaults (~/.local), so ``uv tool install`` cannot write into this machine's home. uv looks for the
``python-version`` interpreter on PATH (it cannot download one here), so a folder linking
``python3.X`` to that version of this machine goes on PATH too; a version not installed here is not
rehearsed, as for setup-python. The GitHub cache (``enable-cache``) saves and restores nothing here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pipekit.facts import tools
from pipekit.rehearse.actions import _core, _pythons, _tools
from pipekit.rehearse.model import ActionCall, ActionResult, failure, not_rehearsed, success

_EXACT = re.compile(r"\d+\.\d+\.\d+")


def setup_uv(call: ActionCall) -> ActionResult:
    """Install the pinned uv (once) and set up PATH and uv's variables as the action does."""
    log: list[str] = []
    try:
        activate = _core.get_bool(call, "activate-environment")
        no_project = _core.get_bool(call, "no-project")
    except _core.InputError as error:
        return failure(str(error))
    version = _version(call, log)
    try:
        bin_dir = install(call.places.tools, version, log)
    except _core.CommandError as error:
        return not_rehearsed(f"could not install uv {version} from the package index: {error}")

    places = call.places
    working = _core.resolve(call, _core.get_input(call, "working-directory") or ".")
    tool_dir = _core.get_input(call, "tool-dir")
    tool_bin = _core.get_input(call, "tool-bin-dir")
    cache_local = _core.get_input(call, "cache-local-path")
    env = {
        "UV_TOOL_DIR": str(
            _core.resolve(call, tool_dir, working) if tool_dir else places.temp / "uv-tool-dir"
        ),
        "UV_TOOL_BIN_DIR": str(
            _core.resolve(call, tool_bin, working) if tool_bin else places.temp / "uv-tool-bin-dir"
        ),
        "UV_PYTHON_INSTALL_DIR": str(places.temp / "uv-python-dir"),
        "UV_CACHE_DIR": str(
            _core.resolve(call, cache_local, working) if cache_local else places.tools / "uv-cache"
        ),
    }
    # In the order of the action's addPath calls (the last one ends up first on PATH); the folder with
    # the python-version interpreter is added before them, so on PATH it comes after the action's folders.
    path: list[str] = []
    python = _core.get_input(call, "python-version")
    if python:
        env["UV_PYTHON"] = python
        linked = _link_python(call, python, log)
        if isinstance(linked, str):
            return not_rehearsed(linked)
        if linked is not None:
            path.append(str(linked))
    path += [env["UV_TOOL_BIN_DIR"], str(bin_dir), env["UV_PYTHON_INSTALL_DIR"]]
    outputs = {
        "uv-version": version,
        "uv-path": str(bin_dir / "uv"),
        "uvx-path": str(bin_dir / "uvx"),
        "cache-hit": "false",
        "python-version": python or "unknown",
    }
    if activate:
        venv = _core.resolve(call, _core.get_input(call, "venv-path") or ".venv", working)
        command = [str(bin_dir / "uv"), "venv", str(venv), "--directory", str(working), "--clear"]
        try:
            _core.run(
                [*command, *(["--no-project"] if no_project else [])],
                env={**call.env, **env, "PATH": _core.step_path(call, path)},
            )
        except _core.CommandError as error:
            return failure(str(error), "\n".join(log))
        path.append(str(venv / "bin"))
        env["VIRTUAL_ENV"] = str(venv)
        outputs["venv"] = str(venv)
        log.append(f"Created and activated the virtual environment at {venv}")
    if _core.get_input(call, "enable-cache") not in ("", "false"):
        log.append(
            "enable-cache: a rehearsal reaches no cache service; uv's cache is kept in UV_CACHE_DIR instead"
        )
    log.append(f"Successfully installed uv version {version}")
    return success("\n".join(log), outputs=outputs, path=tuple(path), env=env)


def _version(call: ActionCall, log: list[str]) -> str:
    """The exact release from ``version``; anything else (empty, latest, a range) gets the pinned one."""
    wanted = _core.get_input(call, "version").removeprefix("v")
    if _EXACT.fullmatch(wanted):
        return wanted
    pinned = tools.version("uv")
    asked = f"version {wanted!r}" if wanted else "no version"
    log.append(f"{asked} given: a rehearsal installs the pinned uv {pinned} (data/tool-pins.yaml)")
    return pinned


def install(tool_root: Path, version: str, log: list[str] | None = None) -> Path:
    """uv `version` under `tool_root`, installed once; returns the folder holding only ``uv`` and ``uvx``."""
    folder = tool_root / f"uv-{version}"

    def install_into(into: Path) -> None:
        venv = into / "venv"
        _core.run([sys.executable, "-I", "-m", "venv", venv])
        _core.run(
            [venv / "bin" / "python", "-I", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             f"uv=={version}"]
        )  # fmt: skip
        (into / "bin").mkdir()
        for name in ("uv", "uvx"):
            (into / "bin" / name).symlink_to(venv / "bin" / name)

    made = _tools.installed_once(folder, f"uv=={version}", install_into)
    if log is not None:
        log.append(f"{'Installed' if made else 'Reused'} uv {version} at {folder}")
    return folder / "bin"


def _link_python(call: ActionCall, python: str, log: list[str]) -> Path | str | None:
    """A folder holding only ``python3.X`` linked to that version of this machine, for uv to find (None
    when `python` is no plain version: uv resolves it alone; a reason text when that version is not here).

    The link goes to the interpreter itself: uv makes its environments only from an interpreter that is
    not a virtual environment's, and finds a link to one as that environment's (Python tells a virtual
    environment by the path it was started from)."""
    try:
        request = _pythons.parse(python)
    except _pythons.Unsupported:
        log.append(f"UV_PYTHON={python}: uv resolves it from what is on PATH")
        return None
    interpreter = _pythons.find(request)
    if interpreter is None:
        return f"Python {request} is not installed here"
    folder = call.places.temp / "setup-uv-python" / f"cpython-{interpreter.full_version}"
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / f"python{request.major}.{request.minor}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(interpreter.executable)
    log.append(
        f"UV_PYTHON={python}: Python {interpreter.full_version} of this machine ({interpreter.executable})"
    )
    return folder
