"""gitleaks releases pipekit supports: their default rules, the release gitleaks-action runs, and the
config table each release reads. Allowlist patterns are Go regexps (RE2), checked with RE2 itself."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping

from pipekit.errors import DataError
from pipekit.facts.packaged import data_names, data_text, data_yaml

FOLDER = "gitleaks"
_DEFAULTS = re.compile(r"default-v([0-9]+\.[0-9]+\.[0-9]+)\.toml")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Releases:
    versions: tuple[str, ...]  # every release with a packaged default rule set, oldest first
    action_default: str  # what gitleaks-action runs unless GITLEAKS_VERSION is set
    allowlists_since: tuple[int, ...]  # first release that reads [[allowlists]]


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.removeprefix("v").split("."))


@functools.cache
def releases() -> Releases:
    found = [m.group(1) for name in data_names(FOLDER) if (m := _DEFAULTS.fullmatch(name))]
    facts = data_yaml(FOLDER, "versions.yaml")
    where = f"data/{FOLDER}/versions.yaml"
    if not isinstance(facts, Mapping):
        raise DataError(f"{where}: expected a mapping")
    action_default, since = facts.get("action_default"), facts.get("allowlists_since")
    if action_default not in found:
        raise DataError(f"{where}: action_default {action_default!r} has no default-v*.toml beside it")
    if not isinstance(since, str) or not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", since):
        raise DataError(f"{where}: allowlists_since {since!r} is not a version like 8.25.0")
    return Releases(
        versions=tuple(sorted(found, key=version_tuple)),
        action_default=action_default,
        allowlists_since=version_tuple(since),
    )


def versions() -> tuple[str, ...]:
    """The gitleaks releases a design may choose."""
    return releases().versions


def reads_allowlists_table(version: str) -> bool:
    """Whether `version` reads ``[[allowlists]]`` (else only ``[allowlist]``)."""
    return version_tuple(version) >= releases().allowlists_since


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
