"""upload-artifact and download-artifact: the files the actions pick, kept between jobs of a rehearsal."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipekit.rehearse.actions import _artifacts, stand_in
from pipekit.rehearse.model import Places
from tests.rehearse.actions.conftest import Call, write


def _tree(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


@pytest.fixture
def built(places: Places) -> Places:
    write(
        places.workspace,
        {
            "htmlcov/index.html": "<html>",
            "htmlcov/js/app.js": "1",
            "htmlcov/.gitignore": "*",
            "htmlcov/tmp/skip.html": "x",
            "licenses.json": "{}",
            "licenses.md": "# l",
            "reports/a/one.sarif": "{}",
            "reports/b/two.sarif": "{}",
            "reports/b/notes.txt": "n",
            ".hidden/secret.txt": "s",
        },
    )
    return places


def test_a_folder_uploads_below_itself_without_hidden_files(make_call: Call, built: Places) -> None:
    result = stand_in(make_call("actions/upload-artifact", {"name": "coverage-html", "path": "htmlcov/"}))
    assert result.outcome == "success", result.reason
    kept = built.artifacts / "coverage-html"
    assert _tree(kept) == ["index.html", "js/app.js", "tmp/skip.html"]
    assert result.outputs["artifact-id"] == str(_artifacts.artifact_id("coverage-html"))
    assert result.outputs["artifact-url"] == kept.as_uri()
    assert len(result.outputs["artifact-digest"]) == 64
    assert "there will be 3 files uploaded" in result.log


def test_hidden_files_when_asked(make_call: Call, built: Places) -> None:
    inputs = {"name": "all", "path": "htmlcov", "include-hidden-files": "true"}
    assert stand_in(make_call("actions/upload-artifact", inputs)).outcome == "success"
    assert ".gitignore" in _tree(built.artifacts / "all")


def test_several_paths_are_kept_below_their_common_folder(make_call: Call, built: Places) -> None:
    inputs = {"name": "dependency-licenses", "path": "licenses.json\nlicenses.md\n", "overwrite": "true"}
    assert stand_in(make_call("actions/upload-artifact", inputs)).outcome == "success"
    assert _tree(built.artifacts / "dependency-licenses") == ["licenses.json", "licenses.md"]


def test_globs_and_exclusions(make_call: Call, built: Places) -> None:
    inputs = {"name": "sarif", "path": "reports/**/*.sarif\n!reports/a\n# a comment\n"}
    assert stand_in(make_call("actions/upload-artifact", inputs)).outcome == "success"
    assert _tree(built.artifacts / "sarif") == ["b/two.sarif"]  # the root is the search path, reports/


def test_a_lone_file_lands_at_the_top(make_call: Call, built: Places) -> None:
    inputs = {"name": "sarif-b", "path": "reports/b/two.sarif"}
    assert stand_in(make_call("actions/upload-artifact", inputs)).outcome == "success"
    assert _tree(built.artifacts / "sarif-b") == ["two.sarif"]


def test_upload_keeps_no_permission_bits(make_call: Call, built: Places) -> None:
    script = built.workspace / "run.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    assert (
        stand_in(make_call("actions/upload-artifact", {"name": "script", "path": "run.sh"})).outcome
        == "success"
    )
    assert not (built.artifacts / "script" / "run.sh").stat().st_mode & 0o111


@pytest.mark.parametrize(
    ("mode", "outcome"), [("error", "failure"), ("warn", "success"), ("ignore", "success")]
)
def test_if_no_files_found(make_call: Call, built: Places, mode: str, outcome: str) -> None:
    inputs = {"name": "bench", "path": "benchmark.json", "if-no-files-found": mode}
    result = stand_in(make_call("actions/upload-artifact", inputs))
    assert result.outcome == outcome
    message = "No files were found with the provided path: benchmark.json. No artifacts will be uploaded."
    assert message in (result.reason if outcome == "failure" else result.log)
    assert not (built.artifacts / "bench").exists()
    assert dict(result.outputs) == {}


def test_the_same_name_twice_needs_overwrite(make_call: Call, built: Places) -> None:
    first = {"name": "report", "path": "licenses.md"}
    assert stand_in(make_call("actions/upload-artifact", first)).outcome == "success"
    again = stand_in(make_call("actions/upload-artifact", {"name": "report", "path": "licenses.json"}))
    assert again.outcome == "failure"
    assert "(409) Conflict: an artifact with this name already exists on the workflow run" in again.reason
    replaced = stand_in(
        make_call("actions/upload-artifact", {**first, "path": "licenses.json", "overwrite": "true"})
    )
    assert replaced.outcome == "success"
    assert _tree(built.artifacts / "report") == ["licenses.json"]


@pytest.mark.parametrize(
    ("inputs", "words"),
    [
        ({"name": "a/b", "path": "licenses.md"}, "The artifact name is not valid: a/b."),
        ({"name": "x", "path": "../outside"}, "Relative pathing '.' and '..' is not allowed."),
        ({"name": "x", "path": "htmlcov", "archive": "false"}, "only a single file can be uploaded. Found 3"),
        ({"name": "x", "path": "licenses.md", "retention-days": "soon"}, "Invalid retention-days"),
        ({"name": "x", "path": "licenses.md", "if-no-files-found": "fail"}, "Unrecognized if-no-files-found"),
    ],
)
def test_refusals_of_the_action(make_call: Call, built: Places, inputs: dict[str, str], words: str) -> None:
    result = stand_in(make_call("actions/upload-artifact", inputs))
    assert result.outcome == "failure"
    assert words in result.reason


def test_archive_false_names_the_artifact_after_the_file(make_call: Call, built: Places) -> None:
    inputs = {"name": "ignored", "path": "licenses.md", "archive": "false"}
    assert stand_in(make_call("actions/upload-artifact", inputs)).outcome == "success"
    assert _tree(built.artifacts / "licenses.md") == ["licenses.md"]


def test_round_trip_by_name_into_a_folder(make_call: Call, built: Places) -> None:
    upload = {"name": "license-headers", "path": "htmlcov/", "retention-days": "14", "overwrite": "True"}
    assert stand_in(make_call("actions/upload-artifact", upload)).outcome == "success"
    result = stand_in(make_call("actions/download-artifact", {"name": "license-headers", "path": "reports"}))
    assert result.outcome == "success"
    assert result.outputs == {"download-path": str(built.workspace / "reports")}
    assert (built.workspace / "reports" / "index.html").read_text() == "<html>"
    assert (built.workspace / "reports" / "js" / "app.js").is_file()


def test_a_missing_name_fails_with_the_actions_message(make_call: Call) -> None:
    result = stand_in(
        make_call("actions/download-artifact", {"name": "dependency-licenses", "path": "reports"})
    )
    assert (result.outcome, result.reason) == (
        "failure",
        "Unable to download artifact(s): Artifact not found for name: dependency-licenses",
    )


def test_patterns_put_each_artifact_in_its_folder_unless_merged(make_call: Call, built: Places) -> None:
    for name, path in (
        ("sarif-a", "reports/a"),
        ("sarif-b", "reports/b/two.sarif"),
        ("other", "licenses.md"),
    ):
        assert (
            stand_in(make_call("actions/upload-artifact", {"name": name, "path": path})).outcome == "success"
        )
    separate = stand_in(make_call("actions/download-artifact", {"pattern": "sarif-*", "path": "out"}))
    assert separate.outcome == "success"
    assert _tree(built.workspace / "out") == ["sarif-a/one.sarif", "sarif-b/two.sarif"]
    merged = {"pattern": "sarif-*", "path": "merged", "merge-multiple": "true"}
    assert stand_in(make_call("actions/download-artifact", merged)).outcome == "success"
    assert _tree(built.workspace / "merged") == ["one.sarif", "two.sarif"]
    everything = stand_in(make_call("actions/download-artifact", {"path": "all"}))
    assert _tree(built.workspace / "all") == ["other/licenses.md", "sarif-a/one.sarif", "sarif-b/two.sarif"]
    assert "downloading all artifacts" in everything.log


def test_download_by_the_uploads_artifact_id(make_call: Call, built: Places) -> None:
    upload = stand_in(make_call("actions/upload-artifact", {"name": "lic", "path": "licenses.md"}))
    by_id = {"artifact-ids": upload.outputs["artifact-id"], "path": "by-id"}
    assert stand_in(make_call("actions/download-artifact", by_id)).outcome == "success"
    assert _tree(built.workspace / "by-id") == ["licenses.md"]
    wrong = stand_in(make_call("actions/download-artifact", {"artifact-ids": "1,x"}))
    assert (wrong.outcome, wrong.reason) == (
        "failure",
        "Unable to download artifact(s): Invalid artifact ID: 'x'. Must be a number.",
    )


def test_artifacts_of_another_run_are_not_rehearsed(make_call: Call) -> None:
    inputs = {"name": "x", "github-token": "t", "run-id": "42", "repository": "acme/app"}
    result = stand_in(
        make_call(
            "actions/download-artifact", inputs, {"GITHUB_RUN_ID": "7", "GITHUB_REPOSITORY": "acme/app"}
        )
    )
    assert (result.outcome, result.reason) == (
        "not_rehearsed",
        "downloads artifacts of workflow run 42, which a rehearsal does not have",
    )
