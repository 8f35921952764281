"""pipx for rehearsals: what generated workflows ask of the pipx of GitHub's runner images, nothing more.

Workflows install pinned tools with ``pipx install poetry==X.Y.Z`` before actions/setup-python (as
setup-python documents for ``cache: poetry``). A rehearsal must not install into this machine's pipx, and
should not download the same Poetry for every job, so this stand-in keeps one virtual environment per
requirement and interpreter under the rehearsal's tool folder (reused by later rehearsals: a pinned
release does not change) and links the package's own commands into the rehearsal's bin folder, which is
on PATH, as pipx links them into PIPX_BIN_DIR. It understands ``pipx install [--python PY] SPEC`` and
``pipx --version``; anything else exits 2 with a one-line message, so a workflow needing more fails
plainly instead of doing something else.

It is run as a script by the ``pipx`` command `pipekit.rehearse.shims.install_shims` writes, with only
the standard library, and takes its folders from PIPEKIT_PIPX_HOME and PIPEKIT_PIPX_BIN_DIR.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict

VERSION = "0+pipekit.rehearsal"  # `pipx --version`: a version that says this is no real pipx
HOME_VARIABLE = "PIPEKIT_PIPX_HOME"
BIN_VARIABLE = "PIPEKIT_PIPX_BIN_DIR"
MARKER = "pipekit-pipx.json"  # written last into a finished environment: what it holds and its commands
SUPPORTED = "only `pipx install [--python PY] SPEC` and `pipx --version` are supported in a rehearsal"
# A requirement by name (PEP 508 without URLs or markers): name, optional extras, optional versions.
REQUIREMENT = re.compile(
    r"(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[A-Za-z0-9._,\s-]*\])?\s*"
    r"(?P<versions>(?:(?:==|!=|<=|>=|~=|===|<|>)\s*[A-Za-z0-9.*+!_-]+\s*,?\s*)*)"
)
_METADATA = (
    "import importlib.metadata as m, json, sys; d = m.distribution(sys.argv[1]); "
    "print(json.dumps({'version': d.version, 'files': [str(d.locate_file(f)) for f in d.files or []]}))"
)
_PYTHON_VERSION = "import sys; print('%d.%d.%d' % sys.version_info[:3])"


class Installed(TypedDict):
    """What the marker of a finished environment records."""

    spec: str
    version: str
    apps: list[str]


class ShimError(Exception):
    """A message for stderr and the exit code to leave with."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def main(argv: list[str]) -> int:
    try:
        if argv == ["--version"]:
            print(VERSION)
            return 0
        if argv[:1] == ["install"]:
            spec, python = _install_arguments(argv[1:])
            install(spec, python, Path(_folder(HOME_VARIABLE)), Path(_folder(BIN_VARIABLE)))
            return 0
        raise ShimError(f"`{' '.join(['pipx', *argv])}`: {SUPPORTED}", 2)
    except ShimError as error:
        print(f"pipx: {error}", file=sys.stderr)
        return error.code


def _folder(variable: str) -> str:
    value = os.environ.get(variable)
    if not value:
        raise ShimError(f"{variable} is not set: run this through the pipx command of a rehearsal", 2)
    return value


def _install_arguments(args: list[str]) -> tuple[str, str | None]:
    python: str | None = None
    specs: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--python" and rest:
            python = rest.pop(0)
        elif arg.startswith("--python="):
            python = arg.split("=", 1)[1]
        elif arg.startswith("-"):
            raise ShimError(f"install {arg}: {SUPPORTED}", 2)
        else:
            specs.append(arg)
    if len(specs) != 1:
        raise ShimError(f"install takes one package spec, got {len(specs)}: {SUPPORTED}", 2)
    return specs[0], python or os.environ.get("PIPX_DEFAULT_PYTHON") or None


def normalized_name(name: str) -> str:
    """PEP 503: lower case, runs of -, _ and . as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def folder_name(spec: str, python_version: str) -> str:
    """One folder per requirement and interpreter minor version: ``poetry-2.5.1-py3.12``."""
    text = re.sub(r"[^a-z0-9.+]+", "-", spec.lower()).strip("-")
    return f"{text}-py{'.'.join(python_version.split('.')[:2])}"


def install(spec: str, python: str | None, home: Path, bin_dir: Path) -> list[str]:
    """Install `spec` (once per interpreter) and link its commands into `bin_dir`; returns them."""
    found = REQUIREMENT.fullmatch(spec.strip())
    if found is None:
        raise ShimError(f"install {spec}: only a requirement such as name==1.2.3 is supported", 2)
    name = normalized_name(found["name"])
    interpreter = _interpreter(python)
    python_version = _version_of(interpreter)
    if not python_version:
        raise ShimError(f"{interpreter} does not run")
    venv = home / folder_name(spec.strip(), python_version)
    facts = _installed(venv, spec)
    if facts is None:
        with _locked(venv.with_name(venv.name + ".lock")):
            facts = _installed(venv, spec) or _make(venv, spec, name, interpreter)
    apps = facts["apps"]
    bin_dir.mkdir(parents=True, exist_ok=True)
    for app in apps:
        link = bin_dir / app
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(venv / "bin" / app)
    print(f"  installed package {name} {facts['version']}, installed using Python {python_version}")
    print("  These apps are now globally available")
    for app in apps:
        print(f"    - {app}")
    print("done!")
    return apps


def _interpreter(python: str | None) -> str:
    """The interpreter for the environment: this one, a path or command, or for a version such as 3.12
    ``python3.12`` on PATH or else pyenv's highest 3.12 release (a pyenv shim of an unselected version
    fails, so each candidate must run)."""
    if python is None:
        return sys.executable
    if not re.fullmatch(r"\d+\.\d+", python):
        found = shutil.which(python) if os.sep not in python else python
        if found is None or not os.access(found, os.X_OK):
            raise ShimError(f"no Python interpreter {python!r} found")
        return found
    candidates = [shutil.which(f"python{python}"), *_pyenv_pythons(python)]
    for candidate in candidates:
        if candidate is not None and _version_of(candidate).startswith(python + "."):
            return candidate
    raise ShimError(f"no Python {python} found on PATH or in pyenv")


def _pyenv_pythons(version: str) -> list[str]:
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    releases = []
    for entry in Path(root, "versions").glob(f"{version}.*"):
        patch = entry.name[len(version) + 1 :]
        if patch.isdigit():
            releases.append((int(patch), str(entry / "bin" / f"python{version}")))
    return [path for _, path in sorted(releases, reverse=True)]


def _version_of(python: str) -> str:
    try:
        return _run([python, "-I", "-c", _PYTHON_VERSION]).strip()
    except ShimError:
        return ""


def _installed(venv: Path, spec: str) -> Installed | None:
    try:
        facts = json.loads((venv / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(facts, dict) or facts.get("spec") != spec.strip():
        return None
    return Installed(spec=str(facts["spec"]), version=str(facts["version"]), apps=list(facts["apps"]))


def _make(venv: Path, spec: str, name: str, interpreter: str) -> Installed:
    if venv.exists():
        shutil.rmtree(venv)
    try:
        _run([interpreter, "-I", "-m", "venv", str(venv)])
        python = str(venv / "bin" / "python")
        _run([python, "-I", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", spec.strip()])
        metadata = json.loads(_run([python, "-I", "-c", _METADATA, name]))
    except BaseException:
        shutil.rmtree(venv, ignore_errors=True)
        raise
    bin_dir = (venv / "bin").resolve()
    apps = sorted(
        Path(file).name
        for file in metadata["files"]
        if Path(file).resolve().parent == bin_dir and not Path(file).name.startswith(("activate", "python"))
    )
    if not apps:
        shutil.rmtree(venv, ignore_errors=True)
        raise ShimError(f"No apps associated with package {name}.")
    facts = Installed(spec=spec.strip(), version=str(metadata["version"]), apps=apps)
    (venv / MARKER).write_text(json.dumps(facts), encoding="utf-8")
    return facts


@contextlib.contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ShimError(f"{command[0]}: {error}") from None
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        raise ShimError(f"`{' '.join(command)}` failed: " + " | ".join(lines[-8:]))
    return done.stdout


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
