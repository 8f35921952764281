"""The run-history database: SQLite, one file (default `.pipekit/history.sqlite`), schema versioned.

Rows come from GitHub's REST API objects (`workflow-run`, `job`, `workflow`, artifacts) as
`pipekit history fetch` or `import` reads them. A run is saved with its jobs of every attempt in one
transaction, so an interrupted fetch leaves only whole runs. Timestamps are stored in UTC as
``YYYY-MM-DDTHH:MM:SS.ffffffZ`` text: they sort and compare as text, whatever offset GitHub sent
(job times end in ``Z``, step times may carry ``-08:00``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pipekit.errors import InputFileError

DEFAULT_DATABASE = ".pipekit/history.sqlite"
SCHEMA_VERSION = 1

# Each entry takes the database from the version before it to its own number.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE workflows (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        state TEXT NOT NULL
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        workflow_id INTEGER NOT NULL,
        name TEXT,
        path TEXT NOT NULL,
        event TEXT NOT NULL,
        head_branch TEXT,
        head_sha TEXT NOT NULL,
        run_number INTEGER NOT NULL,
        run_attempt INTEGER NOT NULL,
        status TEXT,
        conclusion TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        run_started_at TEXT
    );
    CREATE INDEX runs_created ON runs (created_at);
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        run_attempt INTEGER NOT NULL,
        name TEXT NOT NULL,
        workflow_name TEXT,
        status TEXT NOT NULL,
        conclusion TEXT,
        created_at TEXT,
        started_at TEXT NOT NULL,
        completed_at TEXT,
        labels TEXT NOT NULL,
        runner_name TEXT,
        runner_group_name TEXT
    );
    CREATE INDEX jobs_run ON jobs (run_id);
    CREATE TABLE steps (
        job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        conclusion TEXT,
        started_at TEXT,
        completed_at TEXT,
        PRIMARY KEY (job_id, number)
    );
    CREATE TABLE artifacts (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        size_in_bytes INTEGER NOT NULL,
        expired INTEGER NOT NULL,
        created_at TEXT
    );
    CREATE TABLE artifact_files (
        artifact_id INTEGER NOT NULL REFERENCES artifacts (id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        kind TEXT NOT NULL,
        content BLOB NOT NULL,
        PRIMARY KEY (artifact_id, path)
    );
    CREATE TABLE etags (url TEXT PRIMARY KEY, etag TEXT NOT NULL, body TEXT NOT NULL);
    """,
)
assert len(MIGRATIONS) == SCHEMA_VERSION


def parse_time(text: str | None) -> dt.datetime | None:
    """An ISO 8601 timestamp with its offset (``Z``, ``-08:00``) as an aware datetime; None stays None."""
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputFileError(
            f"{text!r}: expected an ISO 8601 timestamp such as 2026-11-29T10:00:00Z"
        ) from None
    if moment.tzinfo is None:
        raise InputFileError(f"{text!r}: the timestamp has no offset (GitHub sends Z or +hh:mm)")
    return moment


def utc_text(text: str | None) -> str | None:
    """A timestamp as the database keeps it: UTC, microseconds, ``Z``."""
    moment = parse_time(text)
    return None if moment is None else moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def workflow_path(path: str) -> str:
    """A run's workflow path without the ref GitHub appends (``.github/workflows/test.yaml@main``)."""
    return path.partition("@")[0]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Workflow:
    id: int
    name: str
    path: str
    state: str

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Workflow:
        return cls(
            id=int(data["id"]), name=str(data["name"]), path=str(data["path"]), state=str(data["state"])
        )


@dataclasses.dataclass(frozen=True, kw_only=True)
class Run:
    id: int
    workflow_id: int
    name: str | None
    path: str  # without the @ref suffix
    event: str
    head_branch: str | None
    head_sha: str
    run_number: int
    run_attempt: int
    status: str | None
    conclusion: str | None
    created_at: str  # UTC text, see utc_text
    updated_at: str
    run_started_at: str | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Run:
        created, updated = utc_text(data["created_at"]), utc_text(data["updated_at"])
        assert created is not None and updated is not None
        return cls(
            id=int(data["id"]),
            workflow_id=int(data["workflow_id"]),
            name=data.get("name"),
            path=workflow_path(str(data["path"])),
            event=str(data["event"]),
            head_branch=data.get("head_branch"),
            head_sha=str(data["head_sha"]),
            run_number=int(data["run_number"]),
            run_attempt=int(data.get("run_attempt") or 1),
            status=data.get("status"),
            conclusion=data.get("conclusion"),
            created_at=created,
            updated_at=updated,
            run_started_at=utc_text(data.get("run_started_at")),
        )


@dataclasses.dataclass(frozen=True, kw_only=True)
class Step:
    number: int
    name: str
    status: str
    conclusion: str | None
    started_at: str | None
    completed_at: str | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Step:
        return cls(
            number=int(data["number"]),
            name=str(data["name"]),
            status=str(data["status"]),
            conclusion=data.get("conclusion"),
            started_at=utc_text(data.get("started_at")),
            completed_at=utc_text(data.get("completed_at")),
        )


@dataclasses.dataclass(frozen=True, kw_only=True)
class Job:
    id: int
    run_id: int
    run_attempt: int
    name: str  # as GitHub names it: a matrix leg is "test (3.12, ubuntu-latest, basic)"
    workflow_name: str | None
    status: str
    conclusion: str | None
    created_at: str | None  # missing in GitHub's own example: an unknown queue time, not an error
    started_at: str
    completed_at: str | None
    labels: tuple[str, ...]
    runner_name: str | None
    runner_group_name: str | None
    steps: tuple[Step, ...] = ()

    @classmethod
    def from_api(cls, data: Mapping[str, Any], run_attempt: int | None = None) -> Job:
        """`run_attempt`: the attempt the job was listed under, for responses that leave the field out."""
        started = utc_text(data["started_at"])
        assert started is not None
        return cls(
            id=int(data["id"]),
            run_id=int(data["run_id"]),
            run_attempt=int(data.get("run_attempt") or run_attempt or 1),
            name=str(data["name"]),
            workflow_name=data.get("workflow_name"),
            status=str(data["status"]),
            conclusion=data.get("conclusion"),
            created_at=utc_text(data.get("created_at")),
            started_at=started,
            completed_at=utc_text(data.get("completed_at")),
            labels=tuple(str(label) for label in data.get("labels") or ()),
            runner_name=data.get("runner_name"),
            runner_group_name=data.get("runner_group_name"),
            steps=tuple(Step.from_api(step) for step in data.get("steps") or ()),
        )


@dataclasses.dataclass(frozen=True, kw_only=True)
class ArtifactFile:
    path: str  # inside the artifact's zip
    kind: str  # "junit", "coverage", "benchmark" or "sarif"
    content: bytes


@dataclasses.dataclass(frozen=True, kw_only=True)
class Artifact:
    id: int
    run_id: int
    name: str
    size_in_bytes: int
    expired: bool
    created_at: str | None
    files: tuple[ArtifactFile, ...] = ()

    @classmethod
    def from_api(cls, data: Mapping[str, Any], run_id: int) -> Artifact:
        return cls(
            id=int(data["id"]),
            run_id=int((data.get("workflow_run") or {}).get("id") or run_id),
            name=str(data["name"]),
            size_in_bytes=int(data.get("size_in_bytes") or 0),
            expired=bool(data.get("expired")),
            created_at=utc_text(data.get("created_at")),
        )


class Store:
    """An open history database. Use as a context manager, or call `close`."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    # -- writing ---------------------------------------------------------------------------------------

    def save_run(self, run: Run, jobs: Iterable[Job], artifacts: Iterable[Artifact] = ()) -> None:
        """The run, its jobs of every attempt (with their steps) and artifacts, in one transaction: the
        run's earlier rows are replaced, so saving a run again never duplicates a job."""
        jobs, artifacts = list(jobs), list(artifacts)
        with self.connection:
            self.connection.execute("DELETE FROM runs WHERE id = ?", (run.id,))
            self.connection.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run.id, run.workflow_id, run.name, run.path, run.event, run.head_branch, run.head_sha,
                    run.run_number, run.run_attempt, run.status, run.conclusion, run.created_at,
                    run.updated_at, run.run_started_at,
                ),
            )  # fmt: skip
            for job in {job.id: job for job in jobs}.values():  # filter=all may list a job twice
                self.connection.execute(
                    "INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        job.id, run.id, job.run_attempt, job.name, job.workflow_name, job.status,
                        job.conclusion, job.created_at, job.started_at, job.completed_at,
                        json.dumps(list(job.labels)), job.runner_name, job.runner_group_name,
                    ),
                )  # fmt: skip
                self.connection.executemany(
                    "INSERT INTO steps VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (job.id, s.number, s.name, s.status, s.conclusion, s.started_at, s.completed_at)
                        for s in job.steps
                    ],
                )
            for artifact in artifacts:
                self.connection.execute(
                    "INSERT OR REPLACE INTO artifacts VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        artifact.id, run.id, artifact.name, artifact.size_in_bytes, int(artifact.expired),
                        artifact.created_at,
                    ),
                )  # fmt: skip
                self.connection.executemany(
                    "INSERT OR REPLACE INTO artifact_files VALUES (?, ?, ?, ?)",
                    [(artifact.id, f.path, f.kind, f.content) for f in artifact.files],
                )

    def save_workflows(self, workflows: Iterable[Workflow]) -> None:
        with self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO workflows VALUES (?, ?, ?, ?)",
                [(w.id, w.name, w.path, w.state) for w in workflows],
            )

    def set_meta(self, key: str, value: str) -> None:
        with self.connection:
            self.connection.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def meta(self, key: str) -> str | None:
        row = self.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def etag(self, url: str) -> tuple[str, str] | None:
        """The ETag and body last received for `url` (for If-None-Match and a 304's answer)."""
        row = self.connection.execute("SELECT etag, body FROM etags WHERE url = ?", (url,)).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    def set_etag(self, url: str, etag: str, body: str) -> None:
        with self.connection:
            self.connection.execute("INSERT OR REPLACE INTO etags VALUES (?, ?, ?)", (url, etag, body))

    # -- reading ---------------------------------------------------------------------------------------

    def stored_run(self, run_id: int) -> tuple[str, str | None, int] | None:
        """(updated_at, status, run_attempt) of a stored run: a fetch skips runs that have not changed."""
        row = self.connection.execute(
            "SELECT updated_at, status, run_attempt FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        return None if row is None else (str(row[0]), row[1], int(row[2]))

    def workflows(self) -> list[Workflow]:
        rows = self.connection.execute("SELECT id, name, path, state FROM workflows ORDER BY id")
        return [Workflow(id=row[0], name=row[1], path=row[2], state=row[3]) for row in rows]

    def runs(self, since: str | None = None, until: str | None = None) -> list[Run]:
        """Runs created in [since, until) (UTC text or a date ``2026-11-01``), oldest first."""
        query, args = _window("SELECT * FROM runs", "created_at", since, until)
        rows = self.connection.execute(query + " ORDER BY created_at, id", args)
        return [Run(**dict(zip(_RUN_FIELDS, row, strict=True))) for row in rows]

    def jobs(self, since: str | None = None, until: str | None = None) -> list[Job]:
        """Jobs of every attempt of the runs created in [since, until), with their steps."""
        query, args = _window(
            "SELECT jobs.* FROM jobs JOIN runs ON runs.id = jobs.run_id", "runs.created_at", since, until
        )
        rows = self.connection.execute(
            query + " ORDER BY runs.created_at, jobs.run_id, jobs.id", args
        ).fetchall()
        steps: dict[int, list[Step]] = {}
        ids = [row[0] for row in rows]
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            for row in self.connection.execute(
                f"SELECT * FROM steps WHERE job_id IN ({','.join('?' * len(part))}) ORDER BY job_id, number",
                part,
            ):
                steps.setdefault(row[0], []).append(Step(**dict(zip(_STEP_FIELDS, row[1:], strict=True))))
        jobs = []
        for row in rows:
            jobs.append(job_from_row(row, tuple(steps.get(row[0], ()))))
        return jobs

    def artifact_files(self, kind: str | None = None) -> Iterator[tuple[Artifact, ArtifactFile]]:
        """Stored artifact files (of one `kind`), with their artifact, oldest run first."""
        query = (
            "SELECT a.id, a.run_id, a.name, a.size_in_bytes, a.expired, a.created_at, "
            "f.path, f.kind, f.content FROM artifact_files f "
            "JOIN artifacts a ON a.id = f.artifact_id JOIN runs r ON r.id = a.run_id"
        )
        args: list[Any] = []
        if kind is not None:
            query += " WHERE f.kind = ?"
            args.append(kind)
        for row in self.connection.execute(query + " ORDER BY r.created_at, a.id, f.path", args):
            artifact = Artifact(
                id=row[0],
                run_id=row[1],
                name=row[2],
                size_in_bytes=row[3],
                expired=bool(row[4]),
                created_at=row[5],
            )
            yield artifact, ArtifactFile(path=row[6], kind=row[7], content=bytes(row[8]))


_RUN_FIELDS = tuple(field.name for field in dataclasses.fields(Run))
JOB_COLUMNS = tuple(field.name for field in dataclasses.fields(Job) if field.name != "steps")


def job_from_row(row: Sequence[Any], steps: tuple[Step, ...] = ()) -> Job:
    """A `jobs` row (its columns in JOB_COLUMNS order) as a Job."""
    values = dict(zip(JOB_COLUMNS, row, strict=True))
    values["labels"] = tuple(json.loads(values["labels"]))
    return Job(**values, steps=steps)


_STEP_FIELDS = tuple(field.name for field in dataclasses.fields(Step))


def _window(query: str, column: str, since: str | None, until: str | None) -> tuple[str, list[str]]:
    conditions, args = [], []
    for operator, bound in ((">=", since), ("<", until)):
        if bound is not None:
            conditions.append(f"{column} {operator} ?")
            args.append(_bound(bound))
    return (query + (" WHERE " + " AND ".join(conditions) if conditions else "")), args


def _bound(text: str) -> str:
    """A date (``2026-11-01``: its midnight UTC) or a timestamp, as stored text."""
    if len(text) == 10:
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise InputFileError(f"{text!r}: expected a date such as 2026-11-01") from None
        text += "T00:00:00Z"
    stored = utc_text(text)
    assert stored is not None
    return stored


def open_store(path: str | Path = DEFAULT_DATABASE) -> Store:
    """The database at `path`, created (with its folder) or migrated to SCHEMA_VERSION; a database from a
    newer pipekit, or a file that is no SQLite database, is an InputFileError naming the file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as error:
        connection.close()
        raise InputFileError(f"{path}: not a pipekit history database ({error})") from None
    if version > SCHEMA_VERSION:
        connection.close()
        raise InputFileError(
            f"{path}: history schema version {version} is newer than this pipekit's ({SCHEMA_VERSION}); "
            "upgrade pipekit"
        )
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        # one migration, its version number with it, or nothing
        connection.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
    return Store(connection, path)
