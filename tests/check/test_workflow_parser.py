"""workflow_parser: GitHub's own parser under Node, from tools/workflow-parser (`make tools` installs it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipekit.check import workflow_parser
from pipekit.errors import PipekitError

from .samples import CLEAN, broken

PARSER_DIR = workflow_parser.PARSER_DIR


def test_the_parser_is_installed() -> None:
    assert (PARSER_DIR / workflow_parser.PACKAGE).is_file(), (
        "GitHub's workflow parser is not installed: run `make tools`"
    )


def test_the_parser_is_found_from_the_source_tree() -> None:
    """An editable install keeps this module in lib/pipekit/check, three folders below the tree's root."""
    root = Path(__file__).resolve().parents[2]
    assert root / "tools" / "workflow-parser" == PARSER_DIR
    assert (PARSER_DIR / "validate.mjs").is_file()


def test_clean_samples_pass() -> None:
    assert workflow_parser.check(CLEAN) == []


def test_a_planted_violation_is_found_where_it_is() -> None:
    (path,) = broken("workflow_parser")
    (finding,) = workflow_parser.check(path)
    assert (finding.file, finding.line, finding.column, finding.rule) == (str(path), 7, 13, "workflow-parser")
    assert finding.message.startswith("Invalid cron expression")


def test_reports_lines_and_columns(tmp_path: Path) -> None:
    unknown_key = tmp_path / "unknown-key.yml"
    unknown_key.write_text(
        "on: push\njobs:\n  b:\n    runs-on: x\n    timeout: 5\n    steps:\n      - run: echo\n",
        encoding="utf-8",
    )
    syntax = tmp_path / "syntax.yml"
    syntax.write_text("on: push\njobs: [\n", encoding="utf-8")
    findings = workflow_parser.check([unknown_key, syntax])
    by_file = {Path(f.file).name: f for f in findings}
    assert (
        str(by_file["unknown-key.yml"]) == f"{unknown_key}:5:5: Unexpected value 'timeout' [workflow-parser]"
    )
    assert (by_file["syntax.yml"].line, by_file["syntax.yml"].column) == (3, 1)
    assert "\n" not in by_file["syntax.yml"].message


def test_without_the_package_it_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(PipekitError, match=r"not installed in .*; run `make tools`") as raised:
        workflow_parser.check(CLEAN, parser_dir=tmp_path)
    assert "\n" not in str(raised.value)


def test_without_node_it_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(PipekitError, match=r"^node is not on PATH; install Node\.js"):
        workflow_parser.check(CLEAN)


def test_the_json_import_hook_is_still_needed() -> None:
    """Without register.mjs, Node refuses the package's attribute-less JSON import.

    If this starts failing, the package (or Node) fixed it and the hook can go.
    """
    node = shutil.which("node")
    assert node, "node is not on PATH"
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
