"""The history database: GitHub's own example objects stored and read back, timestamps normalised to UTC,
runs replaced whole, and the schema's version checked."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pipekit.errors import InputFileError
from pipekit.history import store

EXAMPLES = Path(__file__).resolve().parents[2] / "tests" / "data" / "github-api" / "examples"


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def test_offsets_become_utc_text_that_sorts() -> None:
    assert store.utc_text("2020-01-20T09:42:40.000-08:00") == "2020-01-20T17:42:40.000000Z"
    assert store.utc_text("2020-01-20T17:42:41Z") == "2020-01-20T17:42:41.000000Z"
    assert store.utc_text("2020-01-20T17:42:40.000-08:00") > store.utc_text("2020-01-21T00:00:00+00:00")  # type: ignore[operator]
    with pytest.raises(InputFileError, match="no offset"):
        store.utc_text("2020-01-20T17:42:41")


def test_githubs_examples_round_trip(tmp_path: Path) -> None:
    run_data = example("workflow-run-paginated.json")["workflow_runs"][0]
    job_data = example("job-paginated.json")["jobs"][0]
    run = store.Run.from_api(run_data)
    job = store.Job.from_api({**job_data, "run_id": run.id}, run_attempt=1)
    assert run.path == ".github/workflows/build.yml"  # the @ref suffix is not part of the file
    assert job.created_at is None  # GitHub's example leaves it out: an unknown queue time
    assert job.steps[0].started_at == "2020-01-20T17:42:40.000000Z"  # -08:00 in the example
    with store.open_store(tmp_path / "h.sqlite") as db:
        db.save_run(run, [job, job])  # filter=all may list a job twice
        db.save_run(run, [job])  # saving again replaces, never duplicates
        assert db.runs() == [run]
        assert db.jobs() == [job]
        db.save_workflows(store.Workflow.from_api(w) for w in example("workflow-paginated.json")["workflows"])
        assert all(w.path.startswith(".github/workflows/") for w in db.workflows())


def test_a_window_selects_runs_by_their_creation(tmp_path: Path) -> None:
    base = example("workflow-run-paginated.json")["workflow_runs"][0]
    with store.open_store(tmp_path / "h.sqlite") as db:
        for number, created in enumerate(("2026-10-31T23:59:59-02:00", "2026-11-01T10:00:00Z"), start=1):
            db.save_run(store.Run.from_api({**base, "id": number, "created_at": created}), [])
        # 23:59:59-02:00 on Oct 31 is 01:59:59Z on Nov 1
        assert [run.id for run in db.runs(since="2026-11-01")] == [1, 2]
        assert [run.id for run in db.runs(since="2026-11-01T05:00:00Z")] == [2]
        assert [run.id for run in db.runs(until="2026-11-01T05:00:00Z")] == [1]


def test_a_newer_schema_or_another_file_is_refused_in_one_line(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as connection:
        connection.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    with pytest.raises(InputFileError, match=r"newer.sqlite: history schema version 2 is newer"):
        store.open_store(newer)
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database\n" * 100, encoding="utf-8")
    with pytest.raises(InputFileError, match=r"notes.sqlite: not a pipekit history database"):
        store.open_store(text)


def test_a_new_database_has_the_current_schema_version(tmp_path: Path) -> None:
    with store.open_store(tmp_path / "deep" / "h.sqlite") as db:
        version = db.connection.execute("PRAGMA user_version").fetchone()[0]
    assert version == store.SCHEMA_VERSION
