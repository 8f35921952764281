"""A .gitleaks.toml against what gitleaks itself enforces or silently gets wrong.

Rules: ``gitleaks-toml`` (not TOML), ``gitleaks-extend`` (``[extend] useDefault = true`` missing, so the
built-in rules would not run), ``gitleaks-rule`` (a rule without id, or matching nothing),
``gitleaks-regex`` (a pattern Go's regexp, RE2, rejects), ``gitleaks-disabled-rule`` (a
``disabledRules`` id that is not one of the reading release's default rules). Only TOML errors carry a
position: gitleaks reports the others without one.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pipekit import yamlio
from pipekit.check.finding import Finding
from pipekit.check.paths import PathArg, as_paths, require_files
from pipekit.facts import gitleaks
from pipekit.wording import did_you_mean

AUTHORITY = "gitleaks' config rules (TOML, RE2 regexes, default rule ids of the release that reads it)"
RULES = ("gitleaks-toml", "gitleaks-extend", "gitleaks-rule", "gitleaks-regex", "gitleaks-disabled-rule")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True)
class _NotRegex:
    """A regex field of the wrong shape; `expected` says what gitleaks wants there."""

    expected: str


def _allowlist_patterns(allowlist: Any, where: str) -> Iterator[tuple[str, Any]]:
    if not isinstance(allowlist, Mapping):
        yield where, _NotRegex("a table")
        return
    for field in ("regexes", "paths"):
        values = allowlist.get(field, [])
        if not isinstance(values, list):
            yield f"{where}.{field}", _NotRegex("an array of regex strings")
            continue
        for index, value in enumerate(values):
            yield f"{where}.{field}[{index}]", value


def _patterns(config: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(key path, value) for every field gitleaks compiles as a Go regexp."""
    if "allowlist" in config:
        yield from _allowlist_patterns(config["allowlist"], "allowlist")
    allowlists = config.get("allowlists", [])
    for index, allowlist in enumerate(allowlists if isinstance(allowlists, list) else [allowlists]):
        yield from _allowlist_patterns(allowlist, f"allowlists[{index}]")
    rules = config.get("rules", [])
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, Mapping):
            continue
        where = f"rules[{index}]({rule.get('id', '?')})"
        for field in ("regex", "path"):
            if field in rule:
                yield f"{where}.{field}", rule[field]
        if "allowlist" in rule:
            yield from _allowlist_patterns(rule["allowlist"], f"{where}.allowlist")
        rule_allowlists = rule.get("allowlists", [])
        for number, allowlist in enumerate(rule_allowlists if isinstance(rule_allowlists, list) else [None]):
            yield from _allowlist_patterns(allowlist, f"{where}.allowlists[{number}]")


def _problems(config: Mapping[str, Any], version: str) -> Iterator[tuple[str, str]]:
    """(rule, message) for everything gitleaks `version` would refuse or get wrong in `config`."""
    extend = config.get("extend")
    if not isinstance(extend, Mapping) or extend.get("useDefault") is not True:
        yield (
            "gitleaks-extend",
            "[extend] useDefault = true is missing, so gitleaks' built-in rules would not run",
        )
        extend = extend if isinstance(extend, Mapping) else {}
    rules = config.get("rules", [])
    if not isinstance(rules, list):
        yield "gitleaks-rule", "rules must be an array of tables ([[rules]])"
    else:
        for index, rule in enumerate(rules):
            if not isinstance(rule, Mapping) or not isinstance(rule.get("id"), str) or not rule["id"]:
                yield "gitleaks-rule", f"rules[{index}] has no id"
            elif "regex" not in rule and "path" not in rule:
                yield (
                    "gitleaks-rule",
                    f"rules[{index}]({rule['id']}) has neither regex nor path, so it matches nothing",
                )
    for where, pattern in _patterns(config):
        if not isinstance(pattern, str):
            expected = pattern.expected if isinstance(pattern, _NotRegex) else "a regex string"
            yield "gitleaks-regex", f"{where}: expected {expected}, got {pattern!r}"
            continue
        problem = gitleaks.re2_problem(pattern)
        if problem is not None:
            yield "gitleaks-regex", f"{where}: {pattern!r} is not an RE2/Go regexp ({problem})"
    disabled = extend.get("disabledRules", [])
    if disabled:
        known = gitleaks.default_rule_ids(version)
        for rule_id in disabled if isinstance(disabled, list) else [disabled]:
            if rule_id not in known:
                hint = did_you_mean(str(rule_id), sorted(known))
                yield (
                    "gitleaks-disabled-rule",
                    f"[extend] disabledRules: {rule_id!r} is not a default rule id{hint}",
                )


def check_text(text: str, file: str, version: str) -> list[Finding]:
    """Check one config's text as gitleaks `version` (whose default rules ``disabledRules`` may name)
    would read it."""
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = _TOML_POSITION.search(str(error))
        line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
        return [
            Finding(
                file=file, line=line, column=column, rule="gitleaks-toml", message=f"not valid TOML: {error}"
            )
        ]
    return [
        Finding(file=file, line=None, column=None, rule=rule, message=message)
        for rule, message in _problems(config, version)
    ]


def check(paths: PathArg | Iterable[PathArg], version: str | None = None) -> list[Finding]:
    """Check config files; `version` is the gitleaks release that reads them, by default the newest
    pipekit supports (what a design runs unless it names one)."""
    sources = as_paths(paths)
    require_files(sources)
    release = version if version is not None else gitleaks.default_version()
    return [finding for path in sources for finding in check_text(yamlio.read_text(path), str(path), release)]
