"""zizmor: offline audits at the regular persona, with zizmor's own positions and audit ids."""

from __future__ import annotations

import sys
from pathlib import Path

from pipekit.check import zizmor

from .samples import CLEAN, broken


def test_clean_samples_pass() -> None:
    assert zizmor.check(CLEAN) == []


def test_a_planted_violation_is_found_where_it_is() -> None:
    (path,) = broken("zizmor")
    (finding,) = zizmor.check(path)
    # `run: echo ${{ github.event.issue.title }}`: zizmor points at the expression
    assert (finding.file, finding.line, finding.column, finding.rule) == (
        str(path),
        21,
        23,
        "template-injection",
    )
    assert (
        "severity high" in finding.message
        and "https://docs.zizmor.sh/audits/#template-injection" in finding.message
    )


def test_audits_files_whatever_their_name(tmp_path: Path) -> None:
    """zizmor treats action.yml as an action and refuses other suffixes; copies are audited as workflows."""
    source = broken("zizmor")[0].read_text(encoding="utf-8")
    odd = [tmp_path / "action.yml", tmp_path / "workflow.txt", tmp_path / "dependabot.yml"]
    for path in odd:
        path.write_text(source, encoding="utf-8")
    findings = zizmor.check(odd)
    assert sorted((f.file, f.rule, f.line) for f in findings) == sorted(
        (str(p), "template-injection", 21) for p in odd
    )


def test_reports_unloadable_files_and_audits_the_rest(tmp_path: Path) -> None:
    unloadable = tmp_path / "syntax.yaml"
    unloadable.write_text("on: push\njobs: [\n", encoding="utf-8")
    findings = zizmor.check([unloadable, *broken("zizmor"), *CLEAN])
    assert sorted((Path(f.file).name, f.rule) for f in findings) == [
        ("broken-injection.yaml", "template-injection"),
        ("syntax.yaml", "zizmor-input"),
    ]
    unloaded = next(f for f in findings if f.rule == "zizmor-input")
    assert (unloaded.line, unloaded.column) == (3, 1)
    assert "YAML" in unloaded.message and str(tmp_path) not in unloaded.message


def test_runs_offline_without_config() -> None:
    cmd = zizmor.command(["x.yml"], None)
    assert {"--offline", "--no-config", "--strict-collection", "--no-exit-codes"} <= set(cmd)
    assert cmd[cmd.index("--persona") + 1] == "regular"  # zizmor's default persona
    assert Path(cmd[0]).parent == Path(sys.executable).parent
