"""The recorded history the report, calibration and monitoring notebook are tested on: what its generator
writes, valid against GitHub's schemas (and the SARIF files against SARIF 2.1.0), with what it promises."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema

from pipekit.history import reading, recorded, store

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "tests" / "data" / "history"
SCHEMAS = ROOT / "tests" / "data" / "github-api"
SARIF_SCHEMA = ROOT / "lib" / "pipekit" / "data" / "sarif" / "sarif-2.1.0.json"


@cache
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("history_generator", FOLDER / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def history() -> dict[str, Any]:
    return recorded.read_recorded(FOLDER / "history.json")


def validator(path: Path) -> jsonschema.protocols.Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)  # type: ignore[no-any-return]


def test_the_committed_history_is_what_the_generator_writes() -> None:
    text = (FOLDER / "history.json").read_text(encoding="utf-8")
    assert text == generator().history_text(), "run `python tests/data/history/generate.py`"


def test_every_object_is_valid_against_githubs_schemas() -> None:
    data = history()
    validator(SCHEMAS / "workflows.schema.json").validate(data["workflows"])
    runs, jobs = validator(SCHEMAS / "runs.schema.json"), validator(SCHEMAS / "jobs.schema.json")
    sarif = validator(SARIF_SCHEMA)
    for entry in data["runs"]:
        runs.validate({"total_count": 1, "workflow_runs": [entry["run"]]})
        jobs.validate(entry["jobs"])
        assert entry["jobs"]["total_count"] == len(entry["jobs"]["jobs"])
        for item in entry["artifact_files"]:
            if item["kind"] == "sarif":
                sarif.validate(json.loads(item["text"]))


def test_the_history_holds_what_the_tests_need() -> None:
    entries = history()["runs"]
    jobs = [job for entry in entries for job in entry["jobs"]["jobs"]]
    conclusions = Counter(job["conclusion"] for job in jobs)
    assert {"success", "failure", "timed_out", "skipped", "cancelled"} <= set(conclusions)
    assert any(entry["run"]["run_attempt"] == 2 for entry in entries)  # a re-run
    assert {entry["run"]["event"] for entry in entries} == {
        "pull_request",
        "push",
        "schedule",
        "workflow_run",
    }
    assert any(entry["run"]["conclusion"] == "cancelled" for entry in entries)
    kinds = Counter(item["kind"] for entry in entries for item in entry["artifact_files"])
    assert set(kinds) == {"coverage", "benchmark", "sarif"}
    # durations vary: the same leg never takes the same time twice in a row
    leg = [job for job in jobs if job["name"] == "Test (3.12, ubuntu-latest, basic)"]
    assert len({(job["completed_at"], job["started_at"]) for job in leg}) == len(leg) >= 10


def test_a_recorded_history_loads_into_a_database(tmp_path: Path) -> None:
    data = history()
    with store.open_store(tmp_path / "h.sqlite") as db:
        assert recorded.load_recorded(db, data) == len(data["runs"])
        assert len(db.runs()) == len(data["runs"])
        assert len(db.jobs()) == sum(len(entry["jobs"]["jobs"]) for entry in data["runs"])
        assert len(db.workflows()) == 5
        coverage = list(db.artifact_files("coverage"))
        assert coverage and coverage[0][1].path == "htmlcov/index.html"


def test_jobs_without_steps_are_the_stores_jobs_without_steps() -> None:
    with store.open_store(":memory:") as db:
        recorded.load_recorded(db, history())
        runs = db.runs(since="2026-10-19")
        expected = [dataclasses.replace(job, steps=()) for job in db.jobs(since="2026-10-19")]
        assert reading.jobs_of(db, runs) == expected
        assert expected and any(job.steps for job in db.jobs(since="2026-10-19"))
