"""pins: every `uses:` is pipekit's pinned SHA with `# vX.Y.Z` of that pin after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipekit.check import CHECKS, pins, run_all
from pipekit.design.model import ActionPin
from pipekit.errors import InputFileError
from pipekit.facts import actions

from .samples import CLEAN, broken

CHECKOUT = actions.load_pins()["actions/checkout"]


def test_clean_samples_pass() -> None:
    assert pins.check(CLEAN) == []


def test_planted_violations_are_found_where_they_are() -> None:
    findings = pins.check(broken("pins"))
    assert [(f.file.rsplit("/", 1)[-1], f.line, f.column, f.rule) for f in findings] == [
        ("broken-pin-comment.yaml", 22, 15, "action-pin"),
        ("broken-unpinned.yaml", 22, 15, "action-pin"),
    ]
    assert "has comment '# v7.0.0'; write '# v7.0.1'" in findings[0].message
    assert f"use actions/checkout@{CHECKOUT.sha} # v7.0.1" in findings[1].message


def _steps(*lines: str) -> str:
    return "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n" + "".join(
        f"      {line}\n" for line in lines
    )


def test_which_uses_are_held_to_a_pin() -> None:
    sha = CHECKOUT.sha
    text = _steps(
        "- uses: ./local-action",  # 6: a local action: nothing to pin
        "- uses: docker://alpine:3.20",  # 7: an image: nothing to pin
        "- uses: someone/else@v1",  # 8: no pin for it
        f"- uses: someone/else@{'0' * 40} # v1.0.0",  # 9: a SHA pipekit never verified
        f"- uses: actions/checkout@{'0' * 40} # v7.0.1",  # 10: a SHA, but not the pinned one
        "- uses: actions/checkout",  # 11: no ref at all
        "- uses: not an action",  # 12
        f"- uses: 'actions/checkout@{sha}' # v7.0.1 verified 2026-11-27",  # 13: quoted, comment goes on
        f"- {{uses: actions/checkout@{sha}}} #v7.0.1",  # 14: flow style, no space after '#'
        f"- run: |\n          echo 'uses: actions/checkout@{sha}'",  # 15: text in a script is no `uses:`
        f"- uses: actions/checkout@{sha}",  # 17: no comment
        f"- uses: actions/checkout@{sha} # v7.0",  # 18: not the pin's version
    )
    findings = pins.check_text(text, "w.yml")
    assert [(f.line, f.message.split(":")[0]) for f in findings] == [
        (8, "jobs.a.steps[2]"),
        (9, "jobs.a.steps[3]"),
        (10, "jobs.a.steps[4]"),
        (11, "jobs.a.steps[5]"),
        (12, "jobs.a.steps[6]"),
        (17, "jobs.a.steps[10]"),
        (18, "jobs.a.steps[11]"),
    ]
    assert {f.rule for f in findings} == {"action-pin"}
    assert "no verified pin for someone/else" in findings[1].message
    assert "has no comment" in findings[5].message and "comment '# v7.0'" in findings[6].message


def test_reusable_workflows_are_held_to_a_pin_too() -> None:
    text = (
        "on: push\njobs:\n  call:\n    uses: someone/repo/.github/workflows/x.yml@v1\n"
        "  local:\n    uses: ./.github/workflows/y.yml\n"
    )
    (finding,) = pins.check_text(text, "w.yml")
    assert (finding.line, finding.column) == (4, 11)
    assert finding.message.startswith("jobs.call: pipekit has no verified pin for someone/repo")


def test_refuses_bad_yaml() -> None:
    with pytest.raises(InputFileError, match="duplicate key"):
        pins.check_text("on: push\non: pull_request\n", "w.yml")


# ------------------------------------------------------------------------------- the design's own pins

NEW_SHA = "0123456789abcdef0123456789abcdef01234567"
DESIGN_PINS = {"actions/checkout": ActionPin(version="v7.1.0", sha=NEW_SHA)}


def test_the_designs_pins_replace_pipekits_for_their_actions() -> None:
    text = _steps(
        f"- uses: actions/checkout@{NEW_SHA} # v7.1.0",  # 6: the design's release
        f"- uses: actions/checkout@{CHECKOUT.sha} # v7.0.1",  # 7: pipekit's, which the design replaced
        f"- uses: actions/checkout@{NEW_SHA} # v7.0.1",  # 8: the design's SHA, another release's comment
    )
    findings = pins.check_text(text, "w.yml", DESIGN_PINS)
    assert [f.line for f in findings] == [7, 8]
    assert f"is not the release the design's pins: name; use actions/checkout@{NEW_SHA} # v7.1.0" in (
        findings[0].message
    )
    assert "has comment '# v7.0.1'; write '# v7.1.0'" in findings[1].message
    # Without them, the design's release is what does not pass.
    assert [f.line for f in pins.check_text(text, "w.yml")] == [6, 8]
    assert "not the release pipekit's pins name" in pins.check_text(text, "w.yml")[0].message


def test_the_checks_get_the_designs_pins(tmp_path: Path) -> None:
    path = tmp_path / "w.yml"
    path.write_text(_steps(f"- uses: actions/checkout@{NEW_SHA} # v7.1.0"))
    (action_pins,) = [check for check in CHECKS if check.name == "action-pins"]
    assert run_all(path, checks=[action_pins], design_pins=DESIGN_PINS) == []
    assert [f.rule for f in run_all(path, checks=[action_pins])] == ["action-pin"]
    assert pins.check(path, DESIGN_PINS) == []
    assert pins.pins_in_effect(DESIGN_PINS)["actions/checkout"].sha == NEW_SHA
    assert pins.pins_in_effect()["actions/checkout"] == CHECKOUT
