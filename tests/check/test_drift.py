"""drift: the generated files on disk against what the design renders."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipekit import files
from pipekit.check import pins
from pipekit.check.drift import PinUpdate, Refusal, compare, drift, folder_paths, pin_changes
from pipekit.check.finding import Finding
from pipekit.errors import InputFileError
from pipekit.facts import actions

from . import bots

EXPECTED = {"test.yaml": "on: push\njobs: {}\n", ".gitleaks.toml": "[extend]\nuseDefault = true\n"}


def _write(folder: Path, contents: dict[str, str]) -> None:
    for name, text in contents.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_no_drift(tmp_path: Path) -> None:
    _write(tmp_path, EXPECTED)
    (tmp_path / "notes.md").write_text("not a generated file\n")
    assert drift(EXPECTED, tmp_path) == []


def test_a_changed_file_is_a_unified_diff(tmp_path: Path) -> None:
    _write(tmp_path, {**EXPECTED, "test.yaml": "on: pull_request\njobs: {}\n"})
    (diff,) = drift(EXPECTED, tmp_path)
    assert diff.startswith(
        f"--- {tmp_path / 'test.yaml'} (on disk)\n+++ {tmp_path / 'test.yaml'} (from the design)\n"
    )
    assert "\n-on: pull_request\n+on: push\n" in diff


def test_missing_and_extra_files(tmp_path: Path) -> None:
    _write(tmp_path, {"test.yaml": EXPECTED["test.yaml"], "deploy.yaml": "on: push\n"})
    problems = drift(EXPECTED, tmp_path)
    assert problems == [
        f"{tmp_path / 'deploy.yaml'}: the design no longer produces this file; delete it\n",
        f"{tmp_path / '.gitleaks.toml'}: missing; run `pipekit render` to write it\n",
    ]
    assert "deploy.yaml" in files.NAMES


def test_undecodable_bytes_show_in_the_diff(tmp_path: Path) -> None:
    _write(tmp_path, EXPECTED)
    (tmp_path / "test.yaml").write_bytes(b"on: push\xff\njobs: {}\n")
    (diff,) = drift(EXPECTED, tmp_path)
    assert "-on: push\ufffd\n" in diff


def test_what_is_not_a_file_counts_as_missing(tmp_path: Path) -> None:
    _write(tmp_path, EXPECTED)
    (tmp_path / "build.yaml").mkdir()  # a folder by a generated file's name: no file the design lacks
    assert drift(EXPECTED, tmp_path) == []
    target = tmp_path / "test.yaml"
    target.unlink()
    target.symlink_to(target)  # a symlink loop
    assert drift(EXPECTED, tmp_path) == [f"{target}: missing; run `pipekit render` to write it\n"]


def test_a_read_error_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, EXPECTED)

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputFileError, match=r"test\.yaml: cannot read \(Permission denied\)$"):
        drift(EXPECTED, tmp_path)


# --------------------------------------------------------------------------- a bot's pin update or drift

CHECKOUT = actions.load_pins()["actions/checkout"]
UPLOAD = actions.load_pins()["actions/upload-artifact"]


def _workflow(checkout: str = f"actions/checkout@{CHECKOUT.sha} # {CHECKOUT.version}") -> str:
    return (
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - name: Check out\n        uses: {checkout}\n"
        f"      - uses: actions/upload-artifact@{UPLOAD.sha} # {UPLOAD.version}\n"
        f"      - name: Again\n        uses: actions/checkout@{CHECKOUT.sha} # {CHECKOUT.version}\n"
    )


WORKFLOW = _workflow()


def _bumped(bot: str) -> str:
    move = (WORKFLOW, "actions/checkout", CHECKOUT.sha, bots.NEW_SHA, CHECKOUT.version, "v7.1.0")
    if bot == "dependabot":
        return bots.dependabot(*move)
    return bots.renovate(*move, tag_prefix=bot == "renovate-tag")


@pytest.mark.parametrize("bot", ["dependabot", "renovate", "renovate-tag"])
def test_a_bots_pin_update_is_told_from_drift(tmp_path: Path, bot: str) -> None:
    path = tmp_path / "test.yaml"
    path.write_text(_bumped(bot))
    comment = "# tag=v7.1.0" if bot == "renovate-tag" else "# v7.1.0"
    assert f"uses: actions/checkout@{bots.NEW_SHA} {comment}\n" in path.read_text()
    result = compare({"test.yaml": WORKFLOW}, {"test.yaml": path})
    assert result.problems == ()
    assert result.only_pin_updates
    assert [(u.line, u.column, u.action, u.version, u.sha) for u in result.pin_updates] == [
        (7, 15, "actions/checkout", "v7.1.0", bots.NEW_SHA),
        (10, 15, "actions/checkout", "v7.1.0", bots.NEW_SHA),
    ]
    first = result.findings()[0]
    assert str(first) == (
        f"{path}:7:15: actions/checkout moved to v7.1.0 ({bots.NEW_SHA[:12]}…): pin updated by a bot: "
        "run `pipekit pins sync` [bot-pin-update]"
    )
    assert drift({"test.yaml": WORKFLOW}, {"test.yaml": path}) == [f"{f}\n" for f in result.findings()]


def test_a_pin_update_with_any_other_change_is_drift(tmp_path: Path) -> None:
    path = tmp_path / "test.yaml"
    path.write_text(_bumped("dependabot").replace("runs-on: ubuntu-latest", "runs-on: ubuntu-24.04"))
    result = compare({"test.yaml": WORKFLOW}, {"test.yaml": path})
    assert result.pin_updates == ()
    (diff,) = result.problems
    assert "-    runs-on: ubuntu-24.04\n+    runs-on: ubuntu-latest\n" in diff
    assert f"-        uses: actions/checkout@{bots.NEW_SHA} # v7.1.0\n" in diff


OLD = f"actions/checkout@{CHECKOUT.sha} # {CHECKOUT.version}"


@pytest.mark.parametrize(
    ("edited", "problem"),
    [
        ("actions/checkout@v7.1.0 # v7.1.0", "actions/checkout@v7.1.0 is not a full 40-character commit SHA"),
        (f"actions/checkout@{bots.NEW_SHA[:12]} # v7.1.0", "is not a full 40-character commit SHA"),
        (f"actions/checkout@{bots.NEW_SHA.upper()} # v7.1.0", "is not a full 40-character commit SHA"),
        (f"actions/checkout@{bots.NEW_SHA}", "has no version comment; write '# vX.Y.Z' of that commit"),
        (f"actions/checkout@{bots.NEW_SHA} # latest", "has the comment '# latest', not a release"),
        (f"actions/checkout@{bots.NEW_SHA} # v7.1.0 pinned by hand", "not a release such as '# v4.2.2'"),
        (f"evil/checkout@{bots.NEW_SHA} # v7.1.0", "pipekit pins no action evil/checkout; the design runs"),
        (f"actions/cache@{bots.NEW_SHA} # v7.1.0", "actions/cache is another action; the design runs"),
        (f"'actions/checkout@{bots.NEW_SHA}' # v7.1.0", "changed, not only its commit and version comment"),
        (f"actions/checkout@{bots.NEW_SHA} # {CHECKOUT.version}", "its comment still says v7.0.1"),
        (f"actions/checkout@{CHECKOUT.sha} # tag={CHECKOUT.version}", "only the comment after"),
    ],
)
def test_a_changed_uses_line_that_is_no_pin_update_is_drift(
    tmp_path: Path, edited: str, problem: str
) -> None:
    """Only a full 40-character SHA is taken: "Pinning an action to a full length commit SHA is currently
    the only way to use an action as an immutable release" (GitHub docs, Security hardening for GitHub
    Actions, Using third-party actions); only the release comments the bots write (see bots.py); only
    the action the design runs there."""
    text = WORKFLOW.replace(OLD, edited, 1)
    (change,) = pin_changes(text, WORKFLOW, "test.yaml") or []
    assert isinstance(change, Refusal)
    assert (change.line, change.column) == (7, 15)
    assert problem in change.problem
    path = tmp_path / "test.yaml"
    path.write_text(text)
    result = compare({"test.yaml": WORKFLOW}, {"test.yaml": path})
    assert result.pin_updates == () and len(result.problems) == 1 and result.problems[0].startswith("--- ")


def test_only_uses_lines_can_be_pin_changes() -> None:
    assert pin_changes(WORKFLOW, WORKFLOW, "w.yaml") == []
    assert pin_changes(WORKFLOW + "# more\n", WORKFLOW, "w.yaml") is None
    assert pin_changes(WORKFLOW.rstrip("\n"), WORKFLOW, "w.yaml") is None
    assert pin_changes(WORKFLOW.replace("name: Again", "name: Once more"), WORKFLOW, "w.yaml") is None
    # A line of a script that reads like a `uses:` line is no step's action: changing it is drift.
    script = WORKFLOW.replace(
        "      - name: Again\n",
        f"      - run: |\n          echo\n          uses: {OLD}\n        name: Again\n",
    )
    assert pin_changes(script.replace(OLD, f"actions/checkout@{bots.NEW_SHA} # v7.1.0", 1), script, "w") == [
        PinUpdate(file="w", line=7, column=15, action="actions/checkout", version="v7.1.0", sha=bots.NEW_SHA)
    ]
    in_script = script.replace(f"echo\n          uses: {OLD}", f"echo\n          uses: {OLD[:-1]}2")
    assert pin_changes(in_script, script, "w") is None


def test_the_pin_check_finding_on_an_updated_line_is_explained(tmp_path: Path) -> None:
    """The action-pin check says the bot's line is not the pinned release and advises going back: the
    pin update says what to do instead, so `pipekit check` shows that one."""
    path = tmp_path / "test.yaml"
    path.write_text(_bumped("dependabot"))
    result = compare({"test.yaml": WORKFLOW}, {"test.yaml": path})
    findings = pins.check(path)
    assert [(f.line, f.rule) for f in findings] == [(7, "action-pin"), (10, "action-pin")]
    assert all(result.explains(finding) for finding in findings)
    other = Finding(file=str(path), line=8, column=15, rule="action-pin", message="x")
    assert not result.explains(other)
    assert not result.explains(Finding(file=str(path), line=7, column=15, rule="schema", message="x"))


def test_compare_takes_each_files_path(tmp_path: Path) -> None:
    paths = files.repo_paths(tmp_path)
    paths["test.yaml"].parent.mkdir(parents=True)
    paths["test.yaml"].write_text(WORKFLOW)
    paths[".gitleaks.toml"].write_text("[extend]\n")
    expected = {"test.yaml": WORKFLOW, ".gitleaks.toml": "[extend]\nuseDefault = true\n"}
    result = compare(expected, paths)
    assert [problem.splitlines()[0] for problem in result.problems] == [
        f"--- {tmp_path / '.gitleaks.toml'} (on disk)"
    ]
    assert folder_paths(tmp_path)["test.yaml"] == tmp_path / "test.yaml"
