"""gitleaks releases: the packaged default rule sets, the release gitleaks-action runs, the config table
each release reads, and RE2 as gitleaks' regexp dialect."""

from __future__ import annotations

import tomllib

import pytest

from pipekit.facts import gitleaks


def test_releases_are_the_packaged_rule_sets() -> None:
    releases = gitleaks.releases()
    assert releases.versions == ("8.24.3", "8.30.1")
    assert releases.action_default == "8.24.3"
    assert releases.allowlists_since == (8, 25, 0)


@pytest.mark.parametrize("version", gitleaks.versions())
def test_default_configs_name_their_release(version: str) -> None:
    text = gitleaks.default_config(version)
    lines = text.splitlines()
    assert lines[0].startswith("# Copied from the shared gitleaks data")
    assert lines[1].startswith(f"# gitleaks default config at v{version} (")
    assert gitleaks.default_config(f"v{version}") == text
    rules = tomllib.loads(text)["rules"]
    assert gitleaks.default_rule_ids(version) == {rule["id"] for rule in rules}
    assert len(rules) > 100


def test_newer_release_has_rules_the_older_lacks() -> None:
    assert gitleaks.default_rule_ids("8.24.3") < gitleaks.default_rule_ids(
        "8.24.3"
    ) | gitleaks.default_rule_ids("8.30.1")
    assert gitleaks.default_rule_ids("8.30.1") - gitleaks.default_rule_ids("8.24.3")


@pytest.mark.parametrize(("version", "reads"), [("8.24.3", False), ("8.25.0", True), ("8.30.1", True)])
def test_which_table_a_release_reads(version: str, reads: bool) -> None:
    assert gitleaks.reads_allowlists_table(version) is reads


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        (r"^docs/", None),
        (r"(?i)x{8,}", None),
        (r"foo(?=bar)", "invalid perl operator: (?="),
        (r"(a)\1", "invalid escape sequence: \\1"),
    ],
)
def test_re2_is_the_dialect(pattern: str, problem: str | None) -> None:
    assert gitleaks.re2_problem(pattern) == problem
