"""What the database already holds for one run, read back so that saving the run again (a fetch that
found it updated, an import that holds only its run or only its jobs) keeps it: `Store.save_run`
replaces a run whole, with its jobs and artifacts."""

from __future__ import annotations

import dataclasses
import datetime as dt

from pipekit.history.store import Artifact, ArtifactFile, Job, Run, Store, parse_time, utc_text

_RUN_COLUMNS = ", ".join(field.name for field in dataclasses.fields(Run))


def run(store: Store, run_id: int) -> Run | None:
    row = store.connection.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        return None
    return Run(**dict(zip((field.name for field in dataclasses.fields(Run)), row, strict=True)))


def jobs(store: Store, stored_run: Run) -> list[Job]:
    """The run's stored jobs of every attempt, with their steps."""
    created = parse_time(stored_run.created_at)
    assert created is not None
    until = utc_text((created + dt.timedelta(seconds=1)).isoformat())
    same_second = store.jobs(since=stored_run.created_at, until=until)
    return [job for job in same_second if job.run_id == stored_run.id]


def has_artifacts(store: Store, run_id: int) -> bool:
    row = store.connection.execute("SELECT 1 FROM artifacts WHERE run_id = ? LIMIT 1", (run_id,))
    return row.fetchone() is not None


def artifacts(store: Store, run_id: int) -> list[Artifact]:
    """The run's stored artifacts with their files."""
    rows = store.connection.execute(
        "SELECT id, name, size_in_bytes, expired, created_at FROM artifacts WHERE run_id = ? ORDER BY id",
        (run_id,),
    ).fetchall()
    found = []
    for artifact_id, name, size, expired, created_at in rows:
        files = tuple(
            ArtifactFile(path=path, kind=kind, content=bytes(content))
            for path, kind, content in store.connection.execute(
                "SELECT path, kind, content FROM artifact_files WHERE artifact_id = ? ORDER BY path",
                (artifact_id,),
            )
        )
        found.append(
            Artifact(
                id=artifact_id,
                run_id=run_id,
                name=name,
                size_in_bytes=size,
                expired=bool(expired),
                created_at=created_at,
                files=files,
            )
        )
    return found
