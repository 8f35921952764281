"""gitleaks_config: a .gitleaks.toml against the rules gitleaks applies when it reads one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipekit.check import gitleaks_config
from pipekit.errors import InputFileError
from pipekit.facts import gitleaks

from .samples import DATA

GOOD = DATA / "gitleaks_config" / "good.toml"
VERSION = "8.30.1"


def test_a_good_config_passes() -> None:
    assert gitleaks_config.check(GOOD, VERSION) == []


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (lambda t: t.replace("useDefault = true", "useDefault = false"), "gitleaks-extend"),
        (lambda t: t.replace("[extend]\nuseDefault = true\n", "[extend]\n"), "gitleaks-extend"),
        (lambda t: t.replace('["generic-api-key"]', '["generic-api-keys"]'), "gitleaks-disabled-rule"),
        (lambda t: t.replace("svc_0{32}", "(?<!x)svc_0{32}"), "gitleaks-regex"),  # no lookbehind in RE2/Go
        (lambda t: t.replace("\\.lock$", "(a"), "gitleaks-regex"),
        (lambda t: t.replace("regexes = ['''svc_0{32}''']", "regexes = 'svc'"), "gitleaks-regex"),
        (lambda t: t.replace('id = "internal-token"', ""), "gitleaks-rule"),
        (lambda t: t.replace("regex = '''(?i)\\bsvc_[a-z0-9]{32}\\b'''", ""), "gitleaks-rule"),
    ],
)
def test_planted_violations(change: Callable[[str], str], rule: str) -> None:
    text = change(GOOD.read_text(encoding="utf-8"))
    assert text != GOOD.read_text(encoding="utf-8")
    findings = gitleaks_config.check_text(text, ".gitleaks.toml", VERSION)
    assert [f.rule for f in findings] == [rule], findings
    assert (findings[0].line, findings[0].column) == (None, None)  # gitleaks names no position


def test_toml_errors_say_where() -> None:
    (finding,) = gitleaks_config.check_text(
        GOOD.read_text(encoding="utf-8") + "\n[[rules]\n", "g.toml", VERSION
    )
    assert (finding.rule, finding.line, finding.column) == ("gitleaks-toml", 20, 8)
    assert str(finding).startswith("g.toml:20:8: not valid TOML: ")


@pytest.mark.parametrize("version", gitleaks.versions())
def test_gitleaks_default_rules_compile_under_re2(version: str) -> None:
    """gitleaks' own default config is the best proof the RE2 check matches gitleaks (Go regexp)."""
    findings = gitleaks_config.check_text(gitleaks.default_config(version), "default.toml", version)
    assert [f.rule for f in findings] == ["gitleaks-extend"]  # the default config does not extend itself


def test_disabled_rule_ids_are_those_of_the_reading_release(tmp_path: Path) -> None:
    release = gitleaks.default_version()
    known = sorted(gitleaks.default_rule_ids(release))[0]
    path = tmp_path / ".gitleaks.toml"
    path.write_text(
        f'[extend]\nuseDefault = true\ndisabledRules = ["{known}", "no-such-rule"]\n', encoding="utf-8"
    )
    findings = gitleaks_config.check(path)  # by default, the release a design runs
    assert findings == gitleaks_config.check(path, release)
    assert [(f.rule, "no-such-rule" in f.message) for f in findings] == [("gitleaks-disabled-rule", True)]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        gitleaks_config.check(tmp_path / ".gitleaks.toml")
