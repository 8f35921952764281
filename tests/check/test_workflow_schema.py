"""workflow_schema: SchemaStore's workflow schema as check-jsonschema applies it, run in-process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipekit.check import workflow_parser, workflow_schema
from pipekit.errors import InputFileError

from .samples import BROKEN_WORKFLOWS, CLEAN, broken

YAML12 = "on: push\njobs:\n  a:\n    runs-on: linux\n    timeout-minutes: 1_0\n    steps:\n      - run: a\n"


def test_clean_samples_pass() -> None:
    assert workflow_schema.check(CLEAN) == []


def test_a_planted_violation_is_found_where_it_is() -> None:
    (path,) = broken("workflow_schema")
    (finding,) = workflow_schema.check(path)
    assert (finding.file, finding.rule) == (str(path), "schema")
    # branches + branches-ignore under `push:` (line 6): the most specific error is there
    assert (finding.line, finding.column) == (6, 3)
    assert finding.message.startswith("$.on: matches none of the allowed forms; best match: ")
    assert "deepest: $.on.push: " in finding.message


def test_errors_point_at_the_key_that_holds_the_bad_value() -> None:
    text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: a\n        shell: 3\n"
    findings = workflow_schema.check_text(text, "w.yml")
    assert [(f.line, f.column, f.message.split(":")[0]) for f in findings] == [(7, 9, "$.jobs.a")]


def _cli_errors(paths: list[Path]) -> set[tuple[str, str]]:
    cli = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert cli, "check-jsonschema is not installed in the venv"
    cmd = [cli, "--builtin-schema", workflow_schema.SCHEMA_NAME, "-o", "json", *map(str, paths)]
    report = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=False).stdout)
    errors = {(e["filename"], e["path"]) for e in report.get("errors", [])}
    return errors | {(e["filename"], "<parse>") for e in report.get("parse_errors", [])}


def _our_errors(paths: list[Path]) -> set[tuple[str, str]]:
    found = set()
    for finding in workflow_schema.check(paths):
        where = finding.message.split(": ")[0]
        found.add((finding.file, "<parse>" if where == "cannot parse the file" else where))
    return found


def test_agrees_with_the_check_jsonschema_command(tmp_path: Path) -> None:
    extra = {
        "missing-jobs.yaml": "name: x\non: push\n",
        "bad-perm.yaml": "on: push\npermissions: {contents: readd}\njobs:\n  a:\n    runs-on: x\n"
        "    steps: [{run: a}]\n",
        "syntax.yaml": "on: push\njobs: [\n",
        "unknown-event.json": '{"on": "pushh", "jobs": {}}',
        # ECMAScript patterns: a job id and an expression
        "pattern.yaml": "on: push\njobs:\n  'bad job!':\n    runs-on: x\n    steps: [{run: a}]\n"
        "  b:\n    runs-on: x\n    timeout-minutes: soon\n    steps: [{run: a}]\n",
    }
    for name, text in extra.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = [*CLEAN, *BROKEN_WORKFLOWS, *sorted(tmp_path.iterdir())]
    ours = _our_errors(paths)
    assert ours == _cli_errors(paths)
    assert {Path(file).name for file, _ in ours} >= {*extra, "broken-schema.yaml"}


def test_the_validator_is_check_jsonschemas(tmp_path: Path) -> None:
    """Built here without importing check-jsonschema; the same errors as the validator it builds."""
    from check_jsonschema.formats import FormatOptions  # type: ignore[import-untyped]
    from check_jsonschema.regex_variants import (  # type: ignore[import-untyped]
        RegexImplementation,
        RegexVariantName,
    )
    from check_jsonschema.schema_loader import BuiltinSchemaLoader  # type: ignore[import-untyped]

    from pipekit import yamlio

    regex = RegexImplementation(RegexVariantName.default)
    theirs = BuiltinSchemaLoader(workflow_schema.SCHEMA_NAME).get_validator(
        "<workflow>", {}, FormatOptions(regex_impl=regex), regex, False
    )
    for path in [*CLEAN, *BROKEN_WORKFLOWS]:
        data = yamlio.loads(path.read_text(encoding="utf-8"))
        expected = sorted((list(e.absolute_path), e.message) for e in theirs.iter_errors(data))
        got = sorted(
            (list(e.absolute_path), e.message) for e in workflow_schema.validator().iter_errors(data)
        )
        assert got == expected, path


def test_the_schema_has_no_formats() -> None:
    """check-jsonschema would check "format" with its own format checkers, which this check leaves out."""
    assert '"format"' not in workflow_schema.schema_file().read_text(encoding="utf-8")


def test_reads_yaml_as_github_does(tmp_path: Path) -> None:
    """`1_0` is a string to GitHub (YAML 1.2) and to this check; check-jsonschema's reader takes it for 10."""
    path = tmp_path / "yaml12.yml"
    path.write_text(YAML12, encoding="utf-8")
    assert _cli_errors([path]) == set()
    (finding,) = workflow_schema.check(path)
    assert "'1_0' is not of type 'number'" in finding.message and finding.line == 5
    (parser_finding,) = workflow_parser.check(path)
    assert parser_finding.message == "Unexpected value '1_0'"


def test_unparsable_files_are_findings() -> None:
    (finding,) = workflow_schema.check_text("on: push\njobs: [\n", "w.yml")
    assert (finding.line, finding.column, finding.rule) == (3, 1, "schema")
    assert finding.message.startswith("cannot parse the file: YAML syntax error at line 3, column 1")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        workflow_schema.check(tmp_path / "nope.yaml")


def test_jsonschema_loads_without_building_the_iri_grammar() -> None:
    """The deferred rfc3987-syntax import: not loaded for the schema, loaded (and right) for an "iri"."""
    script = """
import sys
from pipekit.check import workflow_schema
assert workflow_schema.check_text("on: push\\njobs: {a: {runs-on: x, steps: [run: a]}}\\n", "w") == []
assert "lark" not in sys.modules and "rfc3987_syntax" not in sys.modules
import jsonschema
iri = jsonschema.Draft7Validator({"format": "iri"}, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
assert iri.is_valid("https://例え.jp/パス") and not iri.is_valid("not an iri")
assert type(sys.modules["rfc3987_syntax"]).__name__ == "module" and "lark" in sys.modules
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stderr
