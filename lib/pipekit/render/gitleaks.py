""".gitleaks.toml: gitleaks' default rules plus the design's allowlist, for the release security.yaml runs.

The file extends the default rules (`[extend] useDefault = true`): a config holding only an allowlist loads
no rules and finds nothing. The allowlist is an `[[allowlists]]` table, which every release pipekit supports
reads; `minVersion` makes an older gitleaks warn instead of silently skipping it.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipekit import files
from pipekit.design.model import Design
from pipekit.facts import gitleaks
from pipekit.render import blocks as common


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
    settings = design.security.gitleaks
    if not settings.enabled:
        return None
    header = common.header(design, design_file, files.by_renderer("gitleaks").name)
    header += (
        f"\nRead by gitleaks {settings.version}, the version security.yaml runs; "
        "commit this file at the repository root."
    )
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    allowlist = settings.allowlist
    fields = [
        ("paths", allowlist.paths, True),
        ("regexes", allowlist.regexes, True),
        ("stopwords", allowlist.stopwords, False),
    ]
    has_allowlist = any(values for _, values, _ in fields)
    lines += ["", f"title = {_basic(f'{design.project.name} gitleaks config')}"]
    if has_allowlist:
        # Older gitleaks would silently skip the [[allowlists]] below; minVersion makes them warn.
        since = ".".join(map(str, gitleaks.releases().allowlists_since))
        lines.append(f"minVersion = {_basic('v' + since)}")
    lines += [
        "",
        "# Keep gitleaks' built-in rules: without this a config loads no rules and finds nothing.",
        "[extend]",
        "useDefault = true",
    ]
    if settings.disabled_rules:
        lines.append(f"disabledRules = {_array(settings.disabled_rules)}")
    if has_allowlist:
        lines.append("")
        description = "placeholders, documentation and test files are not secrets"
        lines += ["[[allowlists]]", f"description = {_basic(description)}"]
        for name, values, regex in fields:
            if values:
                lines.append(f"{name} = {_array(values, regex=regex)}")
    return "\n".join(lines) + "\n"
