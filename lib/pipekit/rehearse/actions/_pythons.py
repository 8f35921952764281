"""The Python interpreters of this machine, and fresh virtual environments made from them.

actions/setup-python installs the CPython release a workflow asks for; a rehearsal cannot download one,
so it looks for that version on this machine: ``python3.X`` on PATH, then pyenv's versions, then the
interpreter running pipekit. It never substitutes another version: a job rehearsed on 3.11 when the
workflow asks for 3.12 proves nothing about 3.12.

Steps then ``pip install`` into the interpreter setup-python gave them. On GitHub that interpreter belongs
to the job's throwaway machine; here it is shared, so a stand-in hands steps a virtual environment made from
it instead. ``python -m venv`` spends most of its time (about 6 s) in ensurepip installing pip; the pip it
installs is the same for every environment of one interpreter, so it is installed once into a seed
environment under `places.tools` and copied from there (well under a second), with the launcher scripts'
interpreter path rewritten.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from pipekit.rehearse.actions import _core, _tools

# What a candidate interpreter says about itself; a venv's interpreter reports its base interpreter too.
_QUERY = (
    "import json, sys, sysconfig; print(json.dumps({"
    "'version': list(sys.version_info[:3]), 'level': sys.version_info.releaselevel, "
    "'implementation': sys.implementation.name, "
    "'base': getattr(sys, '_base_executable', sys.executable), "
    "'venv': sys.prefix != sys.base_prefix, "
    "'freethreaded': bool(sysconfig.get_config_var('Py_GIL_DISABLED'))}))"
)


@dataclasses.dataclass(frozen=True)
class Request:
    """A CPython version a workflow asks for: a minor version, or one exact release when `patch` is set."""

    major: int
    minor: int
    patch: int | None = None

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}" + (f".{self.patch}" if self.patch is not None else "")


@dataclasses.dataclass(frozen=True)
class Interpreter:
    """A CPython interpreter of this machine (never a virtual environment's)."""

    executable: Path
    version: tuple[int, int, int]

    @property
    def full_version(self) -> str:
        return ".".join(str(part) for part in self.version)


class Unsupported(ValueError):
    """A version spec a rehearsal does not resolve (a range, PyPy, a free-threaded build...)."""


_MINOR = re.compile(r"(\d+)\.(\d+)(?:\.[xX*])?")
_TILDE = re.compile(r"~(\d+)\.(\d+)(?:\.0)?")
_EXACT = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def parse(spec: str) -> Request:
    """A python-version value: ``3.12``, ``3.12.x``, ``3.12.*``, ``~3.12`` or an exact ``3.12.4``.

    Anything else can only be resolved against GitHub's list of releases, which a rehearsal does not
    have, so it raises Unsupported with the reason."""
    text = spec.strip()
    if text.startswith(("pypy", "graalpy")):
        raise Unsupported(
            f"python-version {text!r} asks for {text.rstrip('0123456789.-')}: only CPython is rehearsed"
        )
    if re.fullmatch(r"\d+\.\d+(\.\d+)?t(-dev)?", text):
        raise Unsupported(f"python-version {text!r} asks for a free-threaded build, which is not rehearsed")
    if text.endswith("-dev") or re.search(r"\d(a|b|rc)\d*$", text):
        raise Unsupported(f"python-version {text!r} asks for a pre-release, which is not rehearsed")
    for pattern in (_MINOR, _TILDE):
        found = pattern.fullmatch(text)
        if found:
            return Request(int(found[1]), int(found[2]))
    found = _EXACT.fullmatch(text)
    if found:
        return Request(int(found[1]), int(found[2]), int(found[3]))
    raise Unsupported(
        f"python-version {text!r} is a range; a rehearsal takes a minor version such as 3.12 "
        "(GitHub picks from its own list of releases, which is not here)"
    )


def find(request: Request) -> Interpreter | None:
    """The interpreter of this machine that `request` names, or None: python3.X on PATH, then pyenv's
    versions (the highest patch release), then the interpreter running pipekit."""
    for candidate in _candidates(request):
        found = _query(candidate)
        if found is not None and _fits(found, request):
            return found
    return None


def _candidates(request: Request) -> list[Path]:
    name = f"python{request.major}.{request.minor}"
    found: list[Path] = []
    on_path = shutil.which(name, path=os.environ.get("PATH", os.defpath))
    if on_path:
        found.append(Path(on_path))
    root = _pyenv_root()
    if root is not None:
        wanted = re.compile(rf"{request.major}\.{request.minor}\.(\d+)")
        versions = sorted(
            (int(match[1]), entry)
            for entry in _listdir(root / "versions")
            if (match := wanted.fullmatch(entry.name)) is not None
        )
        found.extend(entry / "bin" / name for _, entry in reversed(versions))
    found.append(Path(sys.executable))
    return found


def _pyenv_root() -> Path | None:
    pyenv = shutil.which("pyenv", path=os.environ.get("PATH", os.defpath))
    if pyenv is not None:
        try:
            return Path(_core.run([pyenv, "root"], timeout=30).strip())
        except _core.CommandError:
            pass
    root = os.environ.get("PYENV_ROOT")
    return Path(root) if root else None


def _listdir(folder: Path) -> list[Path]:
    try:
        return [entry for entry in folder.iterdir() if entry.is_dir()]
    except OSError:
        return []


@functools.cache
def _query_cached(path: str, mtime: int) -> Interpreter | None:
    try:
        done = subprocess.run(
            [path, "-I", "-c", _QUERY], capture_output=True, text=True, timeout=60, check=False, cwd="/"
        )
        facts = json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    if not isinstance(facts, dict) or facts.get("implementation") != "cpython":
        return None
    if facts.get("level") != "final" or facts.get("freethreaded"):
        return None
    major, minor, patch = (int(part) for part in facts["version"])
    return Interpreter(executable=Path(facts["base"]), version=(major, minor, patch))


def _query(candidate: Path) -> Interpreter | None:
    """What `candidate` is, by running it (a pyenv shim of a version that is not selected fails here and is
    skipped); cached by the file's path and modification time."""
    try:
        mtime = candidate.stat().st_mtime_ns
    except OSError:
        return None
    return _query_cached(str(candidate), mtime)


def _fits(found: Interpreter, request: Request) -> bool:
    major, minor, patch = found.version
    return (major, minor) == (request.major, request.minor) and request.patch in (None, patch)


def make_venv(interpreter: Interpreter, target: Path, tools: Path) -> bool:
    """A virtual environment of `interpreter` at `target`, with the pip it comes with; returns whether it
    was made now (False: `target` already was one of that interpreter, kept as it is)."""
    config = target / "pyvenv.cfg"
    if config.is_file() and f"version = {interpreter.full_version}" in _read(config):
        return False
    if target.exists():
        shutil.rmtree(target)
    seed = _seed(interpreter, tools)
    _core.run([interpreter.executable, "-I", "-m", "venv", "--without-pip", target])
    site = _site_packages(target)
    for entry in _site_packages(seed).iterdir():
        destination = site / entry.name
        if entry.is_dir():
            shutil.copytree(entry, destination, symlinks=True, dirs_exist_ok=True)
        else:
            shutil.copy2(entry, destination)
    for script in (seed / "bin").iterdir():
        destination = target / "bin" / script.name
        if destination.exists() or destination.is_symlink() or not script.is_file() or script.is_symlink():
            continue
        text = _read(script)
        if text.startswith("#!"):
            destination.write_text(text.replace(str(seed), str(target)), encoding="utf-8")
            destination.chmod(0o755)
    return True


def _seed(interpreter: Interpreter, tools: Path) -> Path:
    """A full ``python -m venv`` of `interpreter` under `tools`, made once: the pip every environment of
    that interpreter starts with."""
    key = hashlib.sha256(str(interpreter.executable).encode()).hexdigest()[:12]
    folder = tools / "python-seeds" / f"cpython-{interpreter.full_version}-{key}"
    what = f"{interpreter.executable} {interpreter.full_version}"

    def install(into: Path) -> None:
        _core.run([interpreter.executable, "-I", "-m", "venv", "--clear", into])

    _tools.installed_once(folder, what, install)
    return folder


def _site_packages(venv: Path) -> Path:
    found = sorted((venv / "lib").glob("python*/site-packages"))
    if len(found) != 1:
        raise _core.CommandError(f"{venv}: expected one lib/python*/site-packages folder, found {len(found)}")
    return found[0]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
