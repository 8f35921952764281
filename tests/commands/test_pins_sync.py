"""`pipekit pins sync`: a bot's pin updates (Dependabot, Renovate) taken into the design, so that the
design renders the bot's files and `pipekit check` passes; anything that is not such an update refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipekit import files, yamlio
from pipekit.check import CHECKS, run_all
from pipekit.check.drift import EXIT_PIN_UPDATES, compare
from pipekit.commands.render import render_design
from pipekit.design import load_design
from pipekit.facts import actions

from ..check import bots
from ..hostile.support import Result, run_in_process

CHECKOUT = actions.load_pins()["actions/checkout"]
NEW = "v7.1.0"


def _pipekit(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    return run_in_process(list(argv), capsys)


def _bump(folder: Path, bot: str, sha: str = bots.NEW_SHA, version: str = NEW) -> None:
    """What the bot's pull request does: every workflow's actions/checkout moved to `version`."""
    move = ("actions/checkout", CHECKOUT.sha, sha, CHECKOUT.version, version)
    for path in folder.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if bot == "dependabot":
            path.write_text(bots.dependabot(text, *move), encoding="utf-8")
        else:
            path.write_text(bots.renovate(text, *move, tag_prefix=bot == "renovate-tag"), encoding="utf-8")


def _action_pin_findings(design_file: Path, folder: Path) -> list[str]:
    (action_pins,) = [check for check in CHECKS if check.name == "action-pins"]
    paths = sorted(folder.glob("*.yaml"))
    found = run_all(paths, checks=[action_pins], design_pins=load_design(design_file).pins)
    return [str(finding) for finding in found]


@pytest.mark.parametrize("bot", ["dependabot", "renovate", "renovate-tag"])
def test_sync_render_check_round_trip(
    bot: str, design_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "workflows"
    design = str(design_file)
    assert _pipekit(capsys, "render", "--design", design, "--out", str(out)).code == 0
    _bump(out, bot)
    check = _pipekit(capsys, "check", "--design", design, "--dir", str(out), "--no-validators")
    assert check.code == EXIT_PIN_UPDATES, check.stderr
    assert check.stdout.count("pin updated by a bot: run `pipekit pins sync` [bot-pin-update]") > 10
    assert "---" not in check.stdout  # no diff
    before = design_file.read_text()

    synced = _pipekit(capsys, "pins", "sync", "--design", design, "--dir", str(out))
    assert synced.code == 0, synced.stderr
    assert synced.stdout.startswith(f"pipekit pins sync: took 1 pin update(s) from {out} into {design}\n")
    assert f"  actions/checkout: {NEW} ({bots.NEW_SHA})\n" in synced.stdout
    pins = yamlio.load_file(design_file)["pins"]
    assert pins == {"actions/checkout": {"version": NEW, "sha": bots.NEW_SHA}}
    # The saver keeps what people wrote: every comment of the file is still there.
    comments = [line.split("#", 1)[1] for line in before.splitlines() if "#" in line]
    assert all(comment in design_file.read_text() for comment in comments)

    rendered = _pipekit(capsys, "render", "--design", design, "--out", str(out))
    assert rendered.code == 0
    if bot == "renovate-tag":
        # The same release in Renovate's older words: render writes pipekit's comment.
        assert "the bot wrote version comments in its own way" in synced.stdout
        assert rendered.stdout.count("wrote ") == 5
    else:  # render reproduces the bot's files exactly
        assert rendered.stdout == f"6 file(s) in {out} already matched the design\n"
    again = _pipekit(capsys, "check", "--design", design, "--dir", str(out), "--no-validators")
    assert again.code == 0, again.stdout + again.stderr
    assert _action_pin_findings(design_file, out) == []  # the pins check holds files to the design's pins


def test_sync_into_a_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copyfile(Path(__file__).resolve().parents[2] / "pipeline.yaml", repo / "pipeline.yaml")
    assert _pipekit(capsys, "render", "--repo", str(repo)).code == 0
    workflows = repo / ".github" / "workflows"
    _bump(workflows, "dependabot")
    synced = _pipekit(capsys, "pins", "sync", "--repo", str(repo))  # the design: DIR/pipeline.yaml
    assert synced.code == 0, synced.stderr
    rendered = _pipekit(capsys, "render", "--repo", str(repo))
    assert rendered.stdout == f"6 file(s) in {repo} already matched the design\n"
    paths = files.repo_paths(repo)
    result = compare(render_design(str(repo / "pipeline.yaml")), paths)
    assert (result.problems, result.pin_updates) == ((), ())


NOT_A_SHA = f"actions/checkout@{NEW} # {NEW}"
NO_COMMENT = f"actions/checkout@{bots.NEW_SHA}"
UNKNOWN = f"evil/checkout@{bots.NEW_SHA} # {NEW}"


@pytest.mark.parametrize(
    ("replacement", "message"),
    [
        (
            NOT_A_SHA,
            f"actions/checkout@{NEW} is not a full 40-character commit SHA; a tag or branch can move",
        ),
        (
            NO_COMMENT,
            "actions/checkout@0123456789ab… has no version comment; write '# vX.Y.Z' of that commit",
        ),
        (UNKNOWN, "pipekit pins no action evil/checkout; the design runs actions/checkout here"),
    ],
)
def test_what_is_no_pin_to_take_is_refused_and_nothing_changes(
    replacement: str,
    message: str,
    design_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "workflows"
    design = str(design_file)
    assert _pipekit(capsys, "render", "--design", design, "--out", str(out)).code == 0
    _bump(out, "dependabot")  # a good update everywhere, then one bad line
    test = out / "test.yaml"
    good = f"actions/checkout@{bots.NEW_SHA} # {NEW}"
    line = test.read_text().split(good)[0].count("\n") + 1
    test.write_text(test.read_text().replace(good, replacement, 1))
    before = design_file.read_bytes()
    result = _pipekit(capsys, "pins", "sync", "--design", design, "--dir", str(out))
    assert result.code == 2
    assert result.stderr.startswith(f"pipekit: error: {test}:{line}:15: {message}")
    assert result.stderr.endswith("; no pin was taken\n") and result.stderr.count("\n") == 1
    assert design_file.read_bytes() == before


def test_two_releases_of_one_action_are_refused(
    design_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "workflows"
    assert _pipekit(capsys, "render", "--design", str(design_file), "--out", str(out)).code == 0
    _bump(out, "dependabot")
    other = "f" * 40
    (out / "test.yaml").write_text(
        (out / "test.yaml").read_text().replace(bots.NEW_SHA, other).replace(NEW, "v7.2.0")
    )
    before = design_file.read_bytes()
    result = _pipekit(capsys, "pins", "sync", "--design", str(design_file), "--dir", str(out))
    assert result.code == 2
    assert "actions/checkout is moved to v7.1.0 here but to v7.2.0 at" in result.stderr
    assert design_file.read_bytes() == before


def test_nothing_to_take_and_other_drift_is_left_to_check(
    design_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "workflows"
    assert _pipekit(capsys, "render", "--design", str(design_file), "--out", str(out)).code == 0
    before = design_file.read_bytes()
    (out / "build.yaml").write_text((out / "build.yaml").read_text().replace("name: Build", "name: Built"))
    result = _pipekit(capsys, "pins", "sync", "--design", str(design_file), "--dir", str(out))
    assert result.code == 0, result.stderr
    assert result.stdout == (
        f"skipped {out / 'build.yaml'}: it differs from the design in more than action pins; "
        "`pipekit check` shows how\n"
        f"pipekit pins sync: no pin updates in {out}; the design's pins match the workflows\n"
    )
    assert design_file.read_bytes() == before


def test_going_back_to_pipekits_own_pin_drops_the_designs_entry(
    design_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yamlio.load_file(design_file)
    data["pins"] = {"actions/checkout": {"version": NEW, "sha": bots.NEW_SHA}}
    design_file.write_text(yamlio.dumps(data))
    out = tmp_path / "workflows"
    assert _pipekit(capsys, "render", "--design", str(design_file), "--out", str(out)).code == 0
    for path in out.glob("*.yaml"):  # the bot moves it to the release pipekit pins
        path.write_text(
            bots.dependabot(
                path.read_text(), "actions/checkout", bots.NEW_SHA, CHECKOUT.sha, NEW, CHECKOUT.version
            )
        )
    result = _pipekit(capsys, "pins", "sync", "--design", str(design_file), "--dir", str(out))
    assert result.code == 0, result.stderr
    assert yamlio.load_file(design_file)["pins"] == {}
