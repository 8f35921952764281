"""Pinned third-party actions and the inputs each pinned release declares.

Both are package data copied from verified upstream sources (each file says where from). Renderers use
`uses()` and `comment()` to write ``uses: actions/checkout@<sha> # v7.0.1``; the checks use
`load_metadata()` to hold ``with:`` keys against what the pinned release's action.yml declares.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any

from pipekit.errors import DataError, PipekitError
from pipekit.facts.packaged import data_yaml

PINS_FILE = "action-pins.yaml"
METADATA_DIR = "action-metadata"

_SHA = re.compile(r"^[0-9a-f]{40}$")
_VERSION = re.compile(r"^v\d+\.\d+\.\d+$")
_MAJOR_REF = re.compile(r"^(?:(?:tag|branch) v\d+|none)$")
_ACTION = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_./-]+)?$")


class UnknownActionError(PipekitError):
    """An action pipekit has no pin or metadata for."""


@dataclass(frozen=True)
class Pin:
    """One verified release of an action: `uses: <action>@<sha> # <version>`."""

    action: str  # owner/repo
    version: str  # vX.Y.Z
    sha: str  # 40-hex commit SHA of that tag
    date: dt.date  # committer date of that commit
    major_ref: str  # what '@vN' resolves to: 'tag vN', 'branch vN' or 'none'


@dataclass(frozen=True)
class ActionInputs:
    """The inputs an action's action.yml declares at the pinned release."""

    action: str  # owner/repo[/path]
    declared: frozenset[str]
    required: frozenset[str]  # `required: true` and no `default`: the runner has nothing to fall back to
    using: str  # runs.using: node24, composite, docker...
    defaults: Mapping[str, str] = field(default_factory=dict)  # input -> its declared default, as text


def split_action(action: str) -> tuple[str, str]:
    """``github/codeql-action/upload-sarif`` -> (``github/codeql-action``, ``upload-sarif``)."""
    if not _ACTION.match(action) or ".." in action.split("/"):
        raise UnknownActionError(f"{action!r} is not an action name like owner/repo or owner/repo/path")
    owner, repo, *path = action.split("/")
    return f"{owner}/{repo}", "/".join(path)


def _parse_pin(action: str, entry: Any) -> Pin:
    where = f"data/{PINS_FILE}: actions.{action}"
    if not isinstance(entry, Mapping):
        raise DataError(f"{where}: expected a mapping with version, sha, date, major_ref")
    missing = {"version", "sha", "date", "major_ref"} - set(entry)
    if missing:
        raise DataError(f"{where}: missing {', '.join(sorted(missing))}")
    version, sha, date, major_ref = entry["version"], entry["sha"], entry["date"], entry["major_ref"]
    if not isinstance(version, str) or not _VERSION.match(version):
        raise DataError(f"{where}.version: {version!r} is not a version like v1.2.3")
    if not isinstance(sha, str) or not _SHA.match(sha):
        raise DataError(f"{where}.sha: {sha!r} is not a 40-character lowercase hex commit SHA")
    try:
        # The YAML 1.2 reader keeps dates as strings; anything but YYYY-MM-DD is an error.
        parsed_date = dt.date.fromisoformat(date) if isinstance(date, str) and len(date) == 10 else None
    except ValueError:
        parsed_date = None
    if parsed_date is None:
        raise DataError(f"{where}.date: {date!r} is not a date like 2026-01-31")
    if not isinstance(major_ref, str) or not _MAJOR_REF.match(major_ref):
        raise DataError(f"{where}.major_ref: {major_ref!r} is not 'tag vN', 'branch vN' or 'none'")
    return Pin(action=action, version=version, sha=sha, date=parsed_date, major_ref=major_ref)


@functools.cache
def load_pins() -> Mapping[str, Pin]:
    """All pins, keyed by ``owner/repo``."""
    data = data_yaml(PINS_FILE)
    actions = data.get("actions") if isinstance(data, Mapping) else None
    if not isinstance(actions, Mapping) or not actions:
        raise DataError(f"data/{PINS_FILE}: expected a top-level 'actions' mapping")
    pins: dict[str, Pin] = {}
    for action, entry in actions.items():
        if not isinstance(action, str) or not _ACTION.match(action) or action.count("/") != 1:
            raise DataError(f"data/{PINS_FILE}: actions.{action}: key is not an owner/repo name")
        pins[action] = _parse_pin(action, entry)
    return MappingProxyType(pins)


def pin_for(action: str) -> Pin:
    """The pin for an action; subpaths (``github/codeql-action/init``) share their repository's pin."""
    repo, _ = split_action(action)
    pin = load_pins().get(repo)
    if pin is None:
        raise UnknownActionError(
            f"no pin for {repo}: add it to data/{PINS_FILE} with a verified release tag and commit SHA"
        )
    return pin


def uses(action: str) -> str:
    """The ``uses:`` value: ``owner/repo[/path]@<sha>``."""
    return f"{action}@{pin_for(action).sha}"


def comment(action: str) -> str:
    """The release the pinned SHA is, written as a trailing comment after `uses()`."""
    return pin_for(action).version


def metadata_file(action: str) -> str:
    """File name under data/action-metadata: ``/`` becomes ``__``."""
    split_action(action)
    return action.replace("/", "__") + ".yml"


def has_metadata(action: str) -> bool:
    try:
        name = metadata_file(action)
    except UnknownActionError:
        return False
    return resources.files("pipekit").joinpath("data", METADATA_DIR, name).is_file()


@functools.cache
def load_metadata(action: str) -> ActionInputs:
    """Declared and required inputs of the pinned release of `action` (``owner/repo[/path]``)."""
    if not has_metadata(action):
        raise UnknownActionError(f"no action.yml copy for {action} in data/{METADATA_DIR}")
    name = metadata_file(action)
    where = f"data/{METADATA_DIR}/{name}"
    data = data_yaml(METADATA_DIR, name)
    if not isinstance(data, Mapping):
        raise DataError(f"{where}: expected an action.yml mapping")
    inputs = data.get("inputs") or {}
    if not isinstance(inputs, Mapping):
        raise DataError(f"{where}: inputs: expected a mapping of input names")
    declared: set[str] = set()
    required: set[str] = set()
    defaults: dict[str, str] = {}
    for key, spec in inputs.items():
        if not isinstance(key, str):
            raise DataError(f"{where}: inputs: {key!r} is not a string input name")
        spec = spec or {}
        if not isinstance(spec, Mapping):
            raise DataError(f"{where}: inputs.{key}: expected a mapping")
        flag = spec.get("required", False)
        if not isinstance(flag, bool):
            raise DataError(f"{where}: inputs.{key}.required: {flag!r} is not true or false")
        declared.add(key)
        if flag and "default" not in spec:
            required.add(key)
        if spec.get("default") is not None:
            default = spec["default"]
            # the runner hands every input over as text; YAML may have read true or 30 as other types
            defaults[key] = ("true" if default else "false") if isinstance(default, bool) else str(default)
    runs = data.get("runs")
    using = runs.get("using") if isinstance(runs, Mapping) else None
    if not isinstance(using, str):
        raise DataError(f"{where}: runs.using: expected a string such as node24, composite or docker")
    return ActionInputs(action, frozenset(declared), frozenset(required), using, defaults)
