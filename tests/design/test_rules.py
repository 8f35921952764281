"""Every design rule, each shown refusing a planted violation (naming its key path) and accepting the
default and the reference design: the one list `design.rules.RULES` is what every command and the
notebooks run. Violations are planted in the reference design (the repository's pipeline.yaml)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pipekit.design import design_from_data
from pipekit.design.model import GitleaksAllowlist
from pipekit.design.rules import RULES
from pipekit.errors import DesignError
from pipekit.facts import gitleaks

from ..designs import reference, reference_data

BIG_LINUX = {"kind": "larger", "os": "linux", "price_class": "linux-x64-8core"}

# rule name -> (a design breaking only that rule, the key path of the error, a fragment of the message)
VIOLATIONS: dict[str, tuple[dict[str, Any], str, str]] = {
    "matrix_entries_are_plain": (
        {"test": {"matrix": {"include": [{"python-version": 3.10, "os": "ubuntu-latest", "mode": "basic"}]}}},
        "test.matrix.include[0].python-version",
        "got the number 3.1; YAML reads unquoted numbers as numbers (3.10 becomes 3.1)",
    ),
    "matrix_modes_are_declared": (
        {"test": {"matrix": {"mode": ["basic", "fast"]}}},
        "test.matrix.mode[1]",
        "mode 'fast' has no entry under test.modes",
    ),
    "matrix_yields_test_legs": (
        {
            "test": {
                "matrix": {
                    "python-version": ["3.12"],
                    "os": ["ubuntu-latest"],
                    "mode": ["basic"],
                    "exclude": [{"mode": "basic"}],
                }
            }
        },
        "test.matrix",
        "exclude removes every combination",
    ),
    "report_leg_runs": (
        {
            "test": {
                "matrix": {"exclude": [{"os": "macos-latest", "mode": "basic"}]},
                "coverage": {"report_leg": {"os": "macos-latest", "mode": "basic"}},
            }
        },
        "test.coverage.report_leg",
        "no leg of the test matrix has these values",
    ),
    "matrix_legs_differ_in_their_axes": (
        {
            "test": {
                "matrix": {
                    "exclude": [{"python-version": "3.12", "os": "ubuntu-latest", "mode": "basic"}],
                    "include": [
                        {"python-version": "3.12", "os": "ubuntu-latest", "mode": "basic", "shard": 1},
                        {"python-version": "3.12", "os": "ubuntu-latest", "mode": "basic", "shard": 2},
                    ],
                }
            }
        },
        "test.matrix.include",
        "two legs have python-version 3.12, os ubuntu-latest and mode basic",
    ),
    "custom_runners_are_consistent": (
        {"runners": {"big": {"kind": "larger", "os": "windows", "price_class": "linux-x64-8core"}}},
        "runners.big.price_class",
        "a larger windows runner needs a larger-runner price class, got 'linux-x64-8core'",
    ),
    "design_check_says_how_to_install_pipekit": (
        {"test": {"design_check": {"enabled": True}}},
        "test.design_check.requirement",
        "expected the pip requirement that installs pipekit in CI",
    ),
    "runner_labels_are_known": (
        {"build": {"runner": "ubuntu-lates"}},
        "build.runner",
        "unknown runner label 'ubuntu-lates'; did you mean 'ubuntu-latest'?",
    ),
    "prices_cover_the_runners": (
        {"test": {"benchmark": {"runner": "ubuntu-24.04-arm"}}, "billing": {"prices_on": "2025-06-01"}},
        "billing.prices_on",
        "has no rate for ubuntu-24.04-arm (linux-arm64-2core, at test.benchmark.runner)",
    ),
    "commands_hold_no_expressions": (
        {"deploy": {"commands": {"smoke": "curl ${{ github.event.issue.title }}"}}},
        "deploy.commands.smoke",
        "GitHub evaluates '${{ }}' before the shell runs",
    ),
    "commands_are_not_blank": (
        {"deploy": {"commands": {"smoke": "   "}}},
        "deploy.commands.smoke",
        "expected a shell command",
    ),
    "deploys_have_their_commands": (
        {"deploy": {"commands": {"rollback": None}}},
        "deploy.commands.rollback",
        "deploy.yaml needs the rollback command",
    ),
    "deploy_secrets_are_free_names": (
        {"deploy": {"production": {"secrets": ["IMAGE"]}}},
        "deploy.production.secrets[0]",
        "IMAGE is a name the deploy steps already use",
    ),
    "preview_secrets_are_their_own": (
        {"deploy": {"preview": {"secrets": ["KUBE_CONFIG"]}, "commands": {"teardown": "./teardown.sh"}}},
        "deploy.preview.secrets[0]",
        "KUBE_CONFIG is also a staging or production secret",
    ),
    "webhook_secret_is_a_secret_name": (
        {"test": {"report": {"webhook_secret": "GITHUB_WEBHOOK"}}},
        "test.report.webhook_secret",
        "GitHub refuses names that start with GITHUB_",
    ),
    "webhook_needs_the_report": (
        {"test": {"report": {"enabled": False, "webhook_secret": "TEAM_WEBHOOK"}}},
        "test.report.webhook_secret",
        "the report job sends the notification, and test.report.enabled is false",
    ),
    "environments_are_available": (
        {"billing": {"plan": "free"}},
        "deploy.enabled",
        "not available to private repositories on the Free plan",
    ),
    "production_approval_is_available": (
        {"deploy": {"production_approval": "reviewers"}},
        "deploy.production_approval",
        "need GitHub Enterprise for private repositories (the design says team)",
    ),
    "health_checks_fit_the_timeout": (
        {"deploy": {"health_retries": 100, "health_interval_seconds": 600}},
        "deploy.health_retries",
        "outlast the 30-minute job timeout",
    ),
    "gitleaks_disabled_rules_exist": (
        {"security": {"gitleaks": {"disabled_rules": ["generic-api-keys"]}}},
        "security.gitleaks.disabled_rules[0]",
        "did you mean 'generic-api-key'?",
    ),
    "gitleaks_allowlist_is_re2": (
        {"security": {"gitleaks": {"allowlist": {"regexes": ["secret(?=value)"]}}}},
        "security.gitleaks.allowlist.regexes[0]",
        "is not a Go/RE2 regular expression",
    ),
    "license_lists_do_not_overlap": (
        {"license": {"allow": ["MIT", "GPL-3.0-only"]}},
        "license.deny[1]",
        "GPL-3.0-only is also in license.allow",
    ),
    "scheduled_runs_come_from_the_cron": (
        {"security": {"schedule": "0 */6 * * *"}, "billing": {"runs_per_month": {"schedule": 4}}},
        "billing.runs_per_month.schedule",
        "scheduled runs come from security.schedule ('0 */6 * * *': 122 a month); remove this key",
    ),
    "ignored_paths_are_named": (
        {"billing": {"ignored_share": 0.2}},
        "billing.ignored_share",
        "no change is ignored without project.paths_ignore",
    ),
    "pins_name_actions_pipekit_uses": (
        {"pins": {"actions/chekout": {"version": "v4.2.2", "sha": "a" * 40}}},
        "pins.actions/chekout",
        "did you mean 'actions/checkout'?",
    ),
    "estimates_name_real_jobs": (
        {"estimates": {"minutes": {"test": {"tests": 3.0}}}},
        "estimates.minutes.test.tests",
        "unknown job; did you mean 'test'?",
    ),
    "override_matches_name_matrix_keys": (
        {
            "estimates": {
                "overrides": [
                    {"workflow": "test", "job": "test", "match": {"python-version": 3.10}, "minutes": 9}
                ]
            }
        },
        "estimates.overrides[0].match.python-version",
        "got the number 3.1; YAML reads unquoted numbers",
    ),
    "estimates_fit_the_job_limit": (
        {"estimates": {"minutes": {"test": {"test": 300.0}}}},
        "estimates.minutes.test.test",
        "over the 360-minute limit for jobs on GitHub-hosted runners",
    ),
}


def test_every_rule_has_a_planted_violation_and_a_docstring() -> None:
    assert [rule.__name__ for rule in RULES] == list(VIOLATIONS)
    for rule in RULES:
        assert rule.__doc__ and len(rule.__doc__.split()) >= 8, rule.__name__


def test_the_default_and_the_reference_design_follow_every_rule() -> None:
    for design in (design_from_data({}), reference()):
        for rule in RULES:
            rule(design)


@pytest.mark.parametrize("name", list(VIOLATIONS))
def test_a_planted_violation_is_refused_by_its_rule(name: str) -> None:
    changes, path, fragment = VIOLATIONS[name]
    with pytest.raises(DesignError) as refused:
        design_from_data(reference_data(changes), "pipeline.yaml")
    assert refused.value.path == path, str(refused.value)
    assert fragment in str(refused.value)
    assert str(refused.value).startswith(f"pipeline.yaml: {path}: ")
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("data", "path"),
    [
        # an unquoted version is refused wherever a version is written, not only on the axis
        (
            {"test": {"matrix": {"exclude": [{"python-version": 3.10}]}}},
            "test.matrix.exclude[0].python-version",
        ),
        (
            {"test": {"coverage": {"report_leg": {"python-version": 3.12}}}},
            "test.coverage.report_leg.python-version",
        ),
        ({"test": {"matrix": {"python-version": [3.11]}}}, "test.matrix.python-version[0]"),
        ({"project": {"python": 3.12}}, "project.python"),
    ],
)
def test_unquoted_versions_are_refused_everywhere(data: dict[str, Any], path: str) -> None:
    with pytest.raises(DesignError) as refused:
        design_from_data(reference_data(data))
    assert refused.value.path == path
    assert "write it in quotes" in str(refused.value)


def test_custom_runner_paths_name_the_runner_key() -> None:
    for runner, fragment in (
        (
            {"kind": "self-hosted", "os": "linux", "price_class": "linux-2core"},
            "self-hosted runners are not billed",
        ),
        ({"kind": "larger", "os": "linux"}, "needs a larger-runner price class, got none"),
    ):
        with pytest.raises(DesignError) as refused:
            design_from_data({"runners": {"farm": runner}})
        assert refused.value.path == "runners.farm.price_class"
        assert fragment in str(refused.value)
    with pytest.raises(DesignError) as refused:
        design_from_data({"runners": {"ubuntu-latest": {"kind": "self-hosted", "os": "linux"}}})
    assert refused.value.path == "runners.ubuntu-latest"


def test_declared_runners_are_accepted_where_labels_go() -> None:
    design = design_from_data({"runners": {"big": BIG_LINUX}, "build": {"runner": "big"}})
    assert design.build.runner == "big"


def test_free_jobs_need_no_rate_on_an_older_price_table() -> None:
    # public repositories run standard runners free, so the 2025 table's missing arm64 rate is no problem
    data: dict[str, Any] = {"test": {"benchmark": {"runner": "ubuntu-24.04-arm"}}}
    data["billing"] = {"prices_on": "2025-06-01", "visibility": "public"}
    design_from_data(reference_data(data))


def test_the_default_allowlist_compiles_under_re2() -> None:
    # the RE2 rule skips pipekit's own default patterns; this is what makes that safe
    defaults = GitleaksAllowlist()
    for pattern in (*defaults.paths, *defaults.regexes):
        assert gitleaks.re2_problem(pattern) is None, pattern


@pytest.mark.parametrize(
    ("setup", "fragment"),
    [
        ("  \n", "expected a shell command (or null)"),
        ("echo ${{ github.head_ref }}", "GitHub evaluates '${{ }}' before the shell runs"),
    ],
)
def test_the_test_setup_is_a_plain_command(setup: str, fragment: str) -> None:
    with pytest.raises(DesignError) as refused:
        design_from_data(reference_data({"test": {"setup": setup}}))
    assert refused.value.path == "test.setup"
    assert fragment in str(refused.value)


@pytest.mark.parametrize(
    ("check", "path", "words"),
    [
        ({"enabled": True}, "test.design_check.requirement", "the pip requirement that installs pipekit"),
        (
            {"enabled": True, "requirement": "--index-url=https://example.org"},
            "test.design_check.requirement",
            "not an option",
        ),
    ],
)
def test_the_design_check_needs_a_requirement_that_is_no_option(
    check: dict[str, object], path: str, words: str
) -> None:
    with pytest.raises(DesignError, match=re.escape(path) + ".*" + re.escape(words)):
        design_from_data({"version": 1, "test": {"design_check": check}})


def test_legs_may_share_their_axes_when_nothing_names_a_leg_by_them() -> None:
    # without the run's report and the coverage HTML upload, no artifact is named by a leg's axes
    changes, _, _ = VIOLATIONS["matrix_legs_differ_in_their_axes"]
    data = reference_data(changes)
    data["test"]["report"] = {"enabled": False}
    data["test"]["coverage"]["html_artifact"] = False
    assert len(design_from_data(data).test.matrix.include) == 2
    data["test"]["coverage"]["html_artifact"] = True
    with pytest.raises(DesignError, match=r"two legs have python-version 3\.12"):
        design_from_data(data)
