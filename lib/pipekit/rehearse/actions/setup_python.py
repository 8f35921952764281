"""actions/setup-python: the Python version a job asks for, from this machine, in a fresh environment.

The action puts a CPython release on PATH and exports pythonLocation and the CMake/pkg-config variables
pointing at it (src/find-python.ts). Here the release is found on this machine (see `_pythons`) and steps
get a virtual environment made from it under RUNNER_TEMP, so their ``pip install`` never reaches the
machine's own interpreter, and the next job, whose RUNNER_TEMP is new, starts as clean as a job on GitHub.
A second call for the same version in one job reuses that job's environment, as a second call on GitHub
finds the same installed release with what earlier steps installed into it. A version missing here is not
rehearsed: another version would prove nothing about the one asked for.

The ``cache:`` input restores nothing (a rehearsal reaches no cache service), but its checks run: GitHub
fails the step when no dependency file matches (src/cache-distributions/cache-distributor.ts), and, for
``cache: poetry``, when ``poetry`` is not on PATH yet (poetry-cache.ts runs ``poetry config --list``).
``LD_LIBRARY_PATH`` is left alone: the action points it at its own release's lib folder, and the
interpreters here find their libraries without it.
"""

from __future__ import annotations

import platform
import re
import shutil
import tomllib
from pathlib import Path

from pipekit.rehearse.actions import _core, _glob, _pythons
from pipekit.rehearse.model import ActionCall, ActionResult, failure, not_rehearsed, success

_CACHE_FILES = {"pip": "**/requirements.txt", "pipenv": "**/Pipfile.lock", "poetry": "**/poetry.lock"}
_PIP_BACKUP = "**/pyproject.toml"  # pip-cache.ts falls back to this when nothing matches
_ARCHITECTURES = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}  # the action's names
_PIP_VERSION = re.compile(r"\d+(\.\d+)?(\.\d+)?")


def setup_python(call: ActionCall) -> ActionResult:
    """Find the asked-for Python here and give the job its own virtual environment of it."""
    log: list[str] = []
    try:
        versions = _versions(call, log)
        update = _core.get_bool(call, "update-environment", default=True)
        for name in ("check-latest", "allow-prereleases"):
            _core.get_bool(call, name)
        if _core.get_bool(call, "freethreaded"):
            return not_rehearsed("freethreaded: true asks for a free-threaded build, which is not rehearsed")
    except _core.InputError as error:
        return failure(str(error))
    if not versions:
        log.append(
            "The `python-version` input is not set. The version of Python currently in `PATH` will be used."
        )
        return success("\n".join(log))
    architecture = _core.get_input(call, "architecture")
    here = _ARCHITECTURES.get(platform.machine().lower(), platform.machine())
    if architecture and architecture != here:
        return not_rehearsed(f"architecture {architecture!r} is not this machine's ({here})")

    venvs: list[tuple[Path, _pythons.Interpreter]] = []
    for spec in versions:
        try:
            request = _pythons.parse(spec)
        except _pythons.Unsupported as error:
            return not_rehearsed(str(error))
        interpreter = _pythons.find(request)
        if interpreter is None:
            return not_rehearsed(f"Python {request} is not installed here")
        venv = call.places.temp / "setup-python" / f"cpython-{interpreter.full_version}"
        try:
            made = _pythons.make_venv(interpreter, venv, call.places.tools)
        except _core.CommandError as error:
            return not_rehearsed(
                f"could not make an environment of Python {interpreter.full_version}: {error}"
            )
        log.append(
            f"Python {interpreter.full_version} from {interpreter.executable}: "
            + ("a new virtual environment" if made else "this job's environment")
            + f" at {venv}"
        )
        venvs.append((venv, interpreter))
        problem = _pip_version(call, venv, log)  # useCpythonVersion installs pip-version into each
        if problem is not None:
            return problem

    venv, interpreter = venvs[-1]  # the last version listed is added to PATH last: it comes first
    path = tuple(str(folder / "bin") for folder, _ in venvs) if update else ()
    problem = _cache_checks(call, path, log)
    if problem is not None:
        return problem
    env = (
        {
            "pythonLocation": str(venv),
            "PKG_CONFIG_PATH": str(venv / "lib" / "pkgconfig"),
            "Python_ROOT_DIR": str(venv),
            "Python2_ROOT_DIR": str(venv),
            "Python3_ROOT_DIR": str(venv),
        }
        if update
        else {}
    )
    outputs = {
        "python-version": interpreter.full_version,
        "python-path": str(venv / "bin" / "python"),
        "cache-hit": "false",
    }
    log.append(f"Successfully set up CPython ({interpreter.full_version})")
    return success("\n".join(log), outputs=outputs, path=path, env=env)


def _versions(call: ActionCall, log: list[str]) -> list[str]:
    """python-version lines, else the python-version-file's, else .python-version's (setup-python.ts)."""
    versions = _core.get_multiline(call, "python-version")
    version_file = _core.get_input(call, "python-version-file")
    if versions:
        if version_file:
            log.append(
                "Both python-version and python-version-file inputs are specified, "
                "only python-version will be used."
            )
        return versions
    if version_file:
        path = _core.resolve(call, version_file)
        if not path.is_file():
            raise _core.InputError(f"The specified python version file at: {version_file} doesn't exist.")
        return _from_file(path)
    default = call.places.workspace / ".python-version"
    return _from_file(default) if default.is_file() else []


def _from_file(path: Path) -> list[str]:
    """Versions in a version file, read as utils.ts getVersionInputFromFile reads each kind."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.name.endswith(".toml") or "Pipfile" in path.name:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise _core.InputError(f"{path.name}: {error}") from None
        if "Pipfile" in path.name and not path.name.endswith(".toml"):
            value = _dig(data, "requires", "python_full_version") or _dig(data, "requires", "python_version")
        elif "project" in data:
            value = _dig(data, "project", "requires-python")
        else:
            value = _dig(data, "tool", "poetry", "dependencies", "python")
        return [" ".join(value.split(","))] if isinstance(value, str) else []
    if ".tool-versions" in path.name:
        for line in text.splitlines():
            found = re.fullmatch(r"\s*python\s*v?\s*(\S+)\s*", line)
            if found and not line.strip().startswith("#"):
                return [found[1]]
        return []
    lines = (line.strip() for line in text.strip().splitlines())
    return [line.split("/")[0] for line in lines if line and not line.startswith("#")]


def _dig(data: object, *keys: str) -> object:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _pip_version(call: ActionCall, venv: Path, log: list[str]) -> ActionResult | None:
    """pip-version: the action upgrades the new interpreter's pip to that release."""
    wanted = _core.get_input(call, "pip-version")
    if not wanted:
        return None
    if not _PIP_VERSION.fullmatch(wanted):
        return failure(
            f'Invalid pip-version "{wanted}". Please specify a version in the format major[.minor][.patch].'
        )
    try:
        _core.run(
            [venv / "bin" / "python", "-m", "pip", "install", "--upgrade", f"pip=={wanted}",
             "--disable-pip-version-check", "--no-warn-script-location"]
        )  # fmt: skip
    except _core.CommandError as error:
        return not_rehearsed(f"could not install pip {wanted}: {error}")
    log.append(f"pip-version input is specified. Installed pip version {wanted}")
    return None


def _cache_checks(call: ActionCall, path: tuple[str, ...], log: list[str]) -> ActionResult | None:
    """The checks ``cache:`` makes before it looks for a cache entry; the entry itself is never found."""
    manager = _core.get_input(call, "cache")
    if not manager:
        return None
    if manager not in _CACHE_FILES:
        return failure(f"Caching for '{manager}' is not supported")
    patterns = _core.get_input(call, "cache-dependency-path") or _CACHE_FILES[manager]
    workspace = call.places.workspace
    try:
        found = _glob.any_file(patterns, cwd=workspace, home=_core.home(call), within=workspace) or (
            manager == "pip"
            and _glob.any_file(_PIP_BACKUP, cwd=workspace, home=_core.home(call), within=workspace)
        )
    except _glob.PatternError as error:
        return failure(str(error))
    if not found:
        listed = ",".join(patterns.split("\n"))
        if manager == "pip":
            listed += f" or {_PIP_BACKUP}"
        return failure(
            f"No file in {workspace} matched to [{listed}], "
            "make sure you have checked out the target repository"
        )
    if manager == "poetry" and shutil.which("poetry", path=_core.step_path(call, path)) is None:
        return failure(
            "Unable to locate executable file: poetry. Please verify either the file path exists or the file "
            "can be found within a directory specified by the PATH environment variable. Also check the file "
            "mode to verify the file is executable."
        )
    log.append(
        f"cache: {manager}: a rehearsal reaches no cache service, so nothing was restored (cache-hit false)"
    )
    return None
