"""The outside validators, run for real on hand-written hardened and deliberately broken workflows.

Nothing here is skipped: zizmor comes from the venv, GitHub's parser from tools/workflow-parser (run
`make tools` once), check-jsonschema and RE2 from the venv.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from pipekit import yamlio
from pipekit.check import validators
from pipekit.check.validators import Finding
from pipekit.errors import InputFileError, PipekitError
from pipekit.facts import actions, gitleaks

HARDENED = Path(__file__).parent / "data" / "hardened"
GOOD = sorted(p for p in HARDENED.glob("*.yaml") if not p.name.startswith("broken-"))
BROKEN = sorted(HARDENED.glob("broken-*.yaml"))
PARSER_DIR = validators.WORKFLOW_PARSER_DIR

TIMINGS: list[tuple[str, float]] = []


@pytest.fixture(scope="module", autouse=True)
def report_timings(pytestconfig: pytest.Config) -> Iterator[None]:
    """Print how long each validator took (information, not a test)."""
    yield
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not TIMINGS:
        return
    with capture.global_and_fixture_disabled():  # teardown runs while output is being captured
        reporter.write_line("")
        reporter.write_line("validator timings:")
        for label, seconds in TIMINGS:
            reporter.write_line(f"  {label:<66} {seconds * 1000:8.1f} ms")


T = TypeVar("T")


def timed(label: str, call: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = call()
    TIMINGS.append((label, time.perf_counter() - start))
    return result


def action_checks(path: Path) -> list[Finding]:
    text = path.read_text(encoding="utf-8")
    return validators.check_action_inputs(yamlio.loads(text, str(path)), str(path))


def pin_comment_checks(path: Path) -> list[Finding]:
    return validators.check_pin_comments(path.read_text(encoding="utf-8"), str(path))


VALIDATORS: dict[str, Callable[[Path], list[Finding]]] = {
    "schema": lambda p: validators.check_schema(p),
    "zizmor": lambda p: validators.check_zizmor([p]),
    "parser": lambda p: validators.check_workflow_parser([p]),
    "inputs": action_checks,
    "comments": pin_comment_checks,
}


def test_parser_is_installed() -> None:
    if not (PARSER_DIR / "node_modules" / "@actions" / "workflow-parser").is_dir():
        pytest.fail(
            "GitHub's workflow parser is not installed: "
            "run `make tools` (npm ci --prefix tools/workflow-parser)"
        )


# --- the hardened samples ------------------------------------------------------------------------


def test_samples_exist() -> None:
    assert len(GOOD) >= 2 and len(BROKEN) >= 5


def test_hardened_samples_pass_every_validator() -> None:
    assert (
        timed("check_schema, 3 files (first call: builds validator)", lambda: validators.check_schema(GOOD))
        == []
    )
    assert timed("check_schema, 3 files (warm)", lambda: validators.check_schema(GOOD)) == []
    assert timed("check_zizmor, 3 files", lambda: validators.check_zizmor(GOOD)) == []
    assert timed("check_workflow_parser, 3 files", lambda: validators.check_workflow_parser(GOOD)) == []
    for path in GOOD:
        assert timed(f"check_action_inputs, {path.name}", functools.partial(action_checks, path)) == []
        assert timed(f"check_pin_comments, {path.name}", functools.partial(pin_comment_checks, path)) == []


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_hardened_samples_have_the_hardened_shape(path: Path) -> None:
    """Keep the samples honest about what "hardened" means in this project."""
    text = path.read_text(encoding="utf-8")
    workflow = yamlio.loads(text, str(path))
    assert workflow["name"]
    assert workflow["permissions"] == {}
    assert "cancel-in-progress" in workflow["concurrency"]
    lines = text.splitlines()
    for job_id, job in workflow["jobs"].items():
        assert isinstance(job["timeout-minutes"], int), job_id
        assert job["permissions"], f"{job_id}: grant per job"
        for scope in job["permissions"]:
            grant = next(line for line in lines if line.strip().startswith(f"{scope}:"))
            assert " # " in grant, f"{job_id}: explain why {scope} is granted"
        for step in job["steps"]:
            uses = step.get("uses", "")
            if uses.startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
            if uses:
                action = uses.partition("@")[0]
                assert uses == actions.uses(action)


# --- the broken samples: each validator reports exactly the expected rules -----------------------

EXPECTED: dict[str, dict[str, list[str]]] = {
    "broken-undeclared-input.yaml": {"inputs": ["action-input"]},
    "broken-missing-required-input.yaml": {"inputs": ["action-required-input"]},
    # zizmor's default policy wants every action hash-pinned, so it agrees with our pin check
    "broken-unpinned.yaml": {"inputs": ["action-pin"], "zizmor": ["unpinned-uses"]},
    "broken-pin-comment.yaml": {"comments": ["action-pin"]},
    # GitHub rejects branches + branches-ignore on one event; only the schema encodes that rule
    "broken-schema.yaml": {"schema": ["schema"]},
    "broken-injection.yaml": {"zizmor": ["template-injection"]},
}


def test_every_broken_sample_has_expectations() -> None:
    assert sorted(EXPECTED) == [p.name for p in BROKEN]


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("validator", sorted(VALIDATORS))
def test_broken_samples(name: str, validator: str) -> None:
    path = HARDENED / name
    findings = timed(f"{validator}, {name}", lambda: VALIDATORS[validator](path))
    assert sorted(f.rule for f in findings) == EXPECTED[name].get(validator, []), findings
    assert all(f.file == str(path) for f in findings)


# --- check_schema ---------------------------------------------------------------------------------


def _cli_schema_errors(paths: list[Path]) -> set[tuple[str, str]]:
    cli = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert cli, "check-jsonschema is not installed in the venv"
    cmd = [cli, "--builtin-schema", validators.GITHUB_WORKFLOW_SCHEMA, "-o", "json", *map(str, paths)]
    report = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=False).stdout)
    errors = {(e["filename"], e["path"]) for e in report["errors"]}
    return errors | {(e["filename"], "<parse>") for e in report["parse_errors"]}


def _our_schema_errors(paths: list[Path]) -> set[tuple[str, str]]:
    found = set()
    for finding in validators.check_schema(paths):
        where = finding.message.split(": ")[0]
        found.add((finding.file, "<parse>" if where == "cannot parse the file" else where))
    return found


def test_check_schema_agrees_with_the_check_jsonschema_cli(tmp_path: Path) -> None:
    extra = {
        # `on` must stay a string; check-jsonschema's ruamel reads 1_0 as 10, so this file passes
        "yaml12.yml": "name: x\non: push\njobs:\n  a:\n    runs-on: linux\n    timeout-minutes: 1_0\n"
        "    steps:\n      - run: echo 1:30\n",
        "missing-jobs.yaml": "name: x\non: push\n",
        "bad-perm.yaml": "on: push\npermissions: {contents: readd}\njobs:\n  a:\n    runs-on: x\n"
        "    steps: [{run: a}]\n",
        "syntax.yaml": "on: push\njobs: [\n",
        "unknown-event.json": '{"on": "pushh", "jobs": {}}',
    }
    for name, text in extra.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = [*GOOD, *BROKEN, *sorted(tmp_path.iterdir())]
    ours = timed(f"check_schema, {len(paths)} files", lambda: _our_schema_errors(paths))
    assert ours == _cli_schema_errors(paths)
    failing = {Path(file).name for file, _ in ours}
    assert failing == {
        "broken-schema.yaml",
        "missing-jobs.yaml",
        "bad-perm.yaml",
        "syntax.yaml",
        "unknown-event.json",
    }


def test_check_schema_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        validators.check_schema(tmp_path / "nope.yaml")


# --- zizmor ---------------------------------------------------------------------------------------


def test_zizmor_audits_files_whatever_their_name(tmp_path: Path) -> None:
    """zizmor treats action.yml as an action and refuses other suffixes; we audit copies as workflows."""
    source = (HARDENED / "broken-injection.yaml").read_text(encoding="utf-8")
    odd = [tmp_path / "action.yml", tmp_path / "workflow.txt", tmp_path / "dependabot.yml"]
    for path in odd:
        path.write_text(source, encoding="utf-8")
    findings = timed("check_zizmor, 3 oddly named files", lambda: validators.check_zizmor(odd))
    assert sorted((f.file, f.rule) for f in findings) == sorted((str(p), "template-injection") for p in odd)
    assert all(f.message.startswith("line 21: ") for f in findings)


def test_zizmor_reports_unloadable_files_and_audits_the_rest(tmp_path: Path) -> None:
    broken = tmp_path / "syntax.yaml"
    broken.write_text("on: push\njobs: [\n", encoding="utf-8")
    paths = [broken, HARDENED / "broken-injection.yaml", *GOOD]
    findings = timed("check_zizmor, 5 files with one unloadable", lambda: validators.check_zizmor(paths))
    assert sorted((Path(f.file).name, f.rule) for f in findings) == [
        ("broken-injection.yaml", "template-injection"),
        ("syntax.yaml", "zizmor-input"),
    ]
    assert "YAML" in next(f.message for f in findings if f.rule == "zizmor-input")


def test_zizmor_runs_offline_without_config() -> None:
    cmd = validators._zizmor_cmd(["x.yml"], None)
    assert {"--offline", "--no-config", "--strict-collection", "--no-exit-codes"} <= set(cmd)
    assert cmd[cmd.index("--persona") + 1] == "regular"  # zizmor's default persona
    assert Path(cmd[0]).parent == Path(sys.executable).parent


# --- GitHub's workflow parser ---------------------------------------------------------------------


def test_workflow_parser_reports_lines(tmp_path: Path) -> None:
    unknown_key = tmp_path / "unknown-key.yml"
    unknown_key.write_text(
        "on: push\njobs:\n  b:\n    runs-on: x\n    timeout: 5\n    steps:\n      - run: echo\n",
        encoding="utf-8",
    )
    syntax = tmp_path / "syntax.yml"
    syntax.write_text("on: push\njobs: [\n", encoding="utf-8")
    cron = tmp_path / "cron.yml"
    cron.write_text(
        "on:\n  schedule:\n    - cron: '61 * * * *'\n"
        "jobs:\n  b:\n    runs-on: x\n    steps:\n      - run: echo\n",
        encoding="utf-8",
    )
    findings = timed(
        "check_workflow_parser, 3 broken files",
        lambda: validators.check_workflow_parser([unknown_key, syntax, cron]),
    )
    messages = {Path(f.file).name: f.message for f in findings}
    assert {f.rule for f in findings} == {"workflow-parser"}
    assert messages["unknown-key.yml"] == "line 5, column 5: Unexpected value 'timeout'"
    assert messages["syntax.yml"].startswith("line 3, column 1: ")
    assert messages["cron.yml"].startswith("line 3, column 13: Invalid cron expression")


def test_workflow_parser_needs_node_modules(tmp_path: Path) -> None:
    with pytest.raises(PipekitError, match=r"run `make tools`"):
        validators.check_workflow_parser([GOOD[0]], parser_dir=tmp_path)


def test_the_json_import_hook_is_still_needed() -> None:
    """Without register.mjs, Node refuses the package's attribute-less JSON import.

    If this starts failing, the package (or Node) fixed it and the hook can go.
    """
    node = shutil.which("node")
    assert node
    script = 'import { parseWorkflow } from "@actions/workflow-parser"; console.log(typeof parseWorkflow);'
    plain = subprocess.run(
        [node, "--input-type=module", "-e", script],
        cwd=PARSER_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert plain.returncode != 0 and "ERR_IMPORT_ASSERTION_TYPE_MISSING" in plain.stderr
    hooked = subprocess.run(
        [node, "--import", "./register.mjs", "--input-type=module", "-e", script],
        cwd=PARSER_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (hooked.returncode, hooked.stdout.strip()) == (0, "function")


# --- pins and inputs ------------------------------------------------------------------------------


def _workflow(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"on": "push", "jobs": {"a": {"runs-on": "x", "steps": list(steps)}}}


def test_action_inputs_edge_cases() -> None:
    checkout = actions.uses("actions/checkout")
    sha = "0" * 40
    workflow = _workflow(
        {"uses": "./local-action", "with": {"anything": 1}},
        {"uses": "docker://alpine:3.20"},
        {"uses": "someone/else@v1"},  # unknown action by tag: not pinned
        {"uses": f"someone/else@{sha}", "with": {"x": 1}},  # unknown action by SHA: nothing to compare
        {"uses": checkout, "with": {"Fetch-Depth": 0}},  # the runner compares input names case-insensitively
        {"uses": f"actions/checkout@{sha}"},  # a SHA, but not the pinned one
        {"uses": "actions/checkout"},
        {"uses": actions.uses("github/codeql-action/upload-sarif"), "with": {"sarif_file": "x"}},
        {"uses": actions.uses("github/codeql-action")},
        {"uses": actions.uses("actions/cache"), "with": {"path": "p"}},
    )
    findings = validators.check_action_inputs(workflow, "w.yml")
    assert [(f.rule, f.message.split(":")[0]) for f in findings] == [
        ("action-pin", "jobs.a.steps[2]"),
        ("action-pin", "jobs.a.steps[5]"),
        ("action-pin", "jobs.a.steps[6]"),
        ("action-input", "jobs.a.steps[8]"),
        ("action-required-input", "jobs.a.steps[9]"),
    ]
    assert "'key'" in findings[-1].message


def test_container_actions_also_take_entrypoint_and_args(monkeypatch: pytest.MonkeyPatch) -> None:
    docker = actions.ActionInputs("actions/checkout", frozenset({"image"}), frozenset(), "docker")
    monkeypatch.setattr(actions, "load_metadata", lambda action: docker)
    step = {
        "uses": actions.uses("actions/checkout"),
        "with": {"entrypoint": "sh", "args": "-c x", "other": 1},
    }
    findings = validators.check_action_inputs(_workflow(step), "w.yml")
    assert [(f.rule, "'other'" in f.message) for f in findings] == [("action-input", True)]


def test_action_inputs_ignore_what_the_schema_reports() -> None:
    assert validators.check_action_inputs({"jobs": "x"}, "w.yml") == []
    assert validators.check_action_inputs({"jobs": {"a": {"steps": ["x", {"uses": 3}]}}}, "w.yml") == []


def test_pin_comments_on_text() -> None:
    sha = actions.load_pins()["actions/checkout"].sha
    text = (
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        f"      - uses: 'actions/checkout@{sha}' # v7.0.1 verified 2026-11-27\n"
        f"      - uses: actions/checkout@{sha}\n"
        f"      - {{uses: actions/checkout@{sha}}} #v7.0.1\n"
        f"      - run: |\n          echo 'uses: actions/checkout@{sha}'\n"
        "      - uses: actions/checkout@v7 # v7.0.1\n"
    )
    findings = validators.check_pin_comments(text, "w.yml")
    assert [(f.rule, f.message.split(":")[0]) for f in findings] == [("action-pin", "line 7")]
    assert "no comment" in findings[0].message
    assert str(findings[0]).startswith("w.yml: line 7: ") and str(findings[0]).endswith(" [action-pin]")


def test_pin_comments_refuse_bad_yaml() -> None:
    with pytest.raises(InputFileError, match="duplicate key"):
        validators.check_pin_comments("on: push\non: pull_request\n", "w.yml")


# --- gitleaks -------------------------------------------------------------------------------------

DEFAULTS = "8.30.1"

GOOD_GITLEAKS = """
title = "project gitleaks config"

[extend]
useDefault = true
disabledRules = ["generic-api-key"]

[[rules]]
id = "internal-token"
description = "Internal service token"
regex = '''(?i)\\bsvc_[a-z0-9]{32}\\b'''
keywords = ["svc_"]

[[rules.allowlists]]
regexes = ['''svc_0{32}''']
paths = ['''(?:^|/)testdata/''']

[allowlist]
paths = ['''\\.lock$''']
"""


def test_gitleaks_good_config() -> None:
    findings = timed(
        "check_gitleaks_config, small config",
        lambda: validators.check_gitleaks_config(GOOD_GITLEAKS, ".gitleaks.toml", DEFAULTS),
    )
    assert findings == []


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (lambda t: t + "\n[[rules]\n", "gitleaks-toml"),
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
def test_gitleaks_broken_configs(change: Callable[[str], str], rule: str) -> None:
    text = change(GOOD_GITLEAKS)
    assert text != GOOD_GITLEAKS
    findings = validators.check_gitleaks_config(text, ".gitleaks.toml", DEFAULTS)
    assert [f.rule for f in findings] == [rule], findings


@pytest.mark.parametrize("version", gitleaks.versions())
def test_gitleaks_default_rules_compile_under_re2(version: str) -> None:
    """gitleaks' own default config is the best proof the RE2 check matches gitleaks (Go regexp)."""
    text = gitleaks.default_config(version)
    findings = timed(
        f"check_gitleaks_config, default config v{version}",
        lambda: validators.check_gitleaks_config(text, "default.toml", version),
    )
    assert [f.rule for f in findings] == ["gitleaks-extend"]  # the default config does not extend itself


def test_gitleaks_disabled_rule_ids_differ_between_versions() -> None:
    old, new = gitleaks.versions()
    only_new = sorted(gitleaks.default_rule_ids(new) - gitleaks.default_rule_ids(old))
    assert only_new
    text = f'[extend]\nuseDefault = true\ndisabledRules = ["{only_new[0]}"]\n'
    assert validators.check_gitleaks_config(text, "g.toml", new) == []
    assert [f.rule for f in validators.check_gitleaks_config(text, "g.toml", old)] == [
        "gitleaks-disabled-rule"
    ]


# --- everything -----------------------------------------------------------------------------------


def test_check_workflows_runs_everything() -> None:
    assert timed("check_workflows (all checks), 3 good files", lambda: validators.check_workflows(GOOD)) == []
    findings = timed(
        "check_workflows (all checks), 6 broken files", lambda: validators.check_workflows(BROKEN)
    )
    expected = sorted(
        rule for by_validator in EXPECTED.values() for rules in by_validator.values() for rule in rules
    )
    assert sorted(f.rule for f in findings) == expected


def test_finding_str() -> None:
    assert str(Finding("a.yml", "schema", "$.on: bad")) == "a.yml: $.on: bad [schema]"
