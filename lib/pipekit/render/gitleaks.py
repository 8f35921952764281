""".gitleaks.toml: gitleaks' default rules plus the design's allowlist, in the running gitleaks' syntax.

The file extends the default rules (`[extend] useDefault = true`): a config holding only an allowlist loads
no rules and finds nothing. The allowlist table must match the gitleaks version security.yaml runs:
`[[allowlists]]` exists from gitleaks 8.25.0, older releases read only `[allowlist]`.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable

from pipekit import actions
from pipekit.design import Design
from pipekit.errors import DesignError
from pipekit.goregex import re2_problem
from pipekit.render import common
from pipekit.schema import did_you_mean

FILE = ".gitleaks.toml"
ALLOWLISTS_SINCE = (8, 25, 0)  # first gitleaks release with the [[allowlists]] table


def _version(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@functools.cache
def default_rule_ids(version: str) -> frozenset[str]:
    """Rule ids of gitleaks' built-in config at `version`."""
    rules = tomllib.loads(actions.gitleaks_default_config(version)).get("rules", [])
    return frozenset(str(rule["id"]) for rule in rules)


def check_disabled_rules(design: Design) -> None:
    """Every `disabled_rules` id is a default rule of the gitleaks version the workflow runs."""
    gitleaks = design.security.gitleaks
    known = default_rule_ids(gitleaks.version)
    for index, rule_id in enumerate(gitleaks.disabled_rules):
        if rule_id not in known:
            raise DesignError(
                f"security.gitleaks.disabled_rules[{index}]",
                f"{rule_id!r} is not a rule of gitleaks {gitleaks.version}'s default config"
                f"{did_you_mean(rule_id, known)}",
            )


def check_allowlist_patterns(design: Design) -> None:
    """Allowlist paths and regexes are Go regexps (RE2 syntax): no lookarounds, no backreferences."""
    allowlist = design.security.gitleaks.allowlist
    for field, patterns in (("paths", allowlist.paths), ("regexes", allowlist.regexes)):
        for index, pattern in enumerate(patterns):
            problem = re2_problem(pattern)
            if problem is not None:
                raise DesignError(
                    f"security.gitleaks.allowlist.{field}[{index}]",
                    f"{pattern!r} is not a Go/RE2 regular expression ({problem}); gitleaks cannot load it "
                    "(RE2 has no lookaheads, lookbehinds or backreferences)",
                )


def check_design(design: Design) -> None:
    """The gitleaks settings gitleaks itself would reject or silently get wrong."""
    check_disabled_rules(design)
    check_allowlist_patterns(design)


def _basic(text: str) -> str:
    """A TOML basic string: backslash, quote and control characters escaped."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char < " " or char == "\x7f":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _regex(pattern: str) -> str:
    """A regex as gitleaks' own configs write it ('''...''', no escaping), else a basic string."""
    if "'" in pattern or any(char < " " or char == "\x7f" for char in pattern):
        return _basic(pattern)
    return f"'''{pattern}'''"


def _array(values: Iterable[str], *, regex: bool = False) -> str:
    items = [(_regex(value) if regex else _basic(value)) for value in values]
    return "[\n" + "".join(f"    {item},\n" for item in items) + "]"


def render(design: Design, design_file: str) -> str | None:
    gitleaks = design.security.gitleaks
    if not gitleaks.enabled:
        return None
    check_design(design)
    header = common.header(design_file, FILE)
    header += (
        f"\nRead by gitleaks {gitleaks.version}, the version security.yaml runs; "
        "commit this file at the repository root."
    )
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += ["", f"title = {_basic(f'{design.project.name} gitleaks config')}"]
    new_tables = _version(gitleaks.version) >= ALLOWLISTS_SINCE
    if new_tables:
        # Older gitleaks would silently skip the [[allowlists]] below; minVersion makes them warn.
        lines.append(f"minVersion = {_basic('v' + '.'.join(map(str, ALLOWLISTS_SINCE)))}")
    lines += [
        "",
        "# Keep gitleaks' built-in rules: without this a config loads no rules and finds nothing.",
        "[extend]",
        "useDefault = true",
    ]
    if gitleaks.disabled_rules:
        lines.append(f"disabledRules = {_array(gitleaks.disabled_rules)}")
    allowlist = gitleaks.allowlist
    fields = [
        ("paths", allowlist.paths, True),
        ("regexes", allowlist.regexes, True),
        ("stopwords", allowlist.stopwords, False),
    ]
    if any(values for _, values, _ in fields):
        lines.append("")
        description = "placeholders, documentation and test files are not secrets"
        lines += ["[[allowlists]]" if new_tables else "[allowlist]", f"description = {_basic(description)}"]
        for name, values, regex in fields:
            if values:
                lines.append(f"{name} = {_array(values, regex=regex)}")
    return "\n".join(lines) + "\n"
