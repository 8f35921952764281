"""`history import` reads what `gh api --paginate` wrote (pages back to back, --slurp arrays, bare
objects) and stores the same history a fetch would."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import pytest

from pipekit.errors import InputFileError
from pipekit.history.api import Client
from pipekit.history.fetch import Fetcher
from pipekit.history.importer import import_files
from pipekit.history.store import Store, open_store

from .conftest import DAY
from .stand_in import REPO, GitHubStandIn


def gh_paginate(http: httpx.Client, url: str, separator: str = "") -> str:
    """What `gh api --paginate URL` prints: each page's body, one after another."""
    bodies = []
    next_url: str | None = url
    while next_url:
        response = http.get(next_url)
        bodies.append(json.dumps(response.json()))
        next_url = response.links.get("next", {}).get("url")
    return separator.join(bodies)


def export(github: GitHubStandIn, folder: Path) -> list[Path]:
    base = f"{github.api_url}/repos/{REPO}/actions"
    with httpx.Client() as http:
        files = {
            "runs.json": gh_paginate(http, f"{base}/runs?per_page=25"),
            "workflows.json": gh_paginate(http, f"{base}/workflows?per_page=100", "\n"),
        }
        for run_id in github.runs:
            jobs = f"{base}/runs/{run_id}/jobs?filter=all&per_page=2"
            files[f"jobs-{run_id}.json"] = gh_paginate(http, jobs)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]


def test_an_export_imports_the_history_a_fetch_stores(
    github: GitHubStandIn, client: Client, db: Store, tmp_path: Path
) -> None:
    for number in range(60):
        github.add_run(3000 + number, DAY + dt.timedelta(minutes=7 * number), attempts=1 + number % 2, jobs=3)
    Fetcher(client, db, REPO).run(DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1))
    with open_store(tmp_path / "imported.sqlite") as imported:
        summary = import_files(imported, export(github, tmp_path))
        assert (summary.repository, summary.runs_saved, summary.workflows) == (REPO, 60, 2)
        assert summary.jobs_saved == sum(len(jobs) for jobs in github.jobs.values())
        assert imported.runs() == db.runs()
        assert imported.jobs() == db.jobs()
        assert imported.workflows() == db.workflows()
        assert imported.meta("repository") == REPO
        assert imported.meta("api_url") == "https://api.github.com"  # from the runs' own URLs


def test_slurped_pages_bare_runs_and_jobs_alone_all_import(github: GitHubStandIn, tmp_path: Path) -> None:
    for run_id in (1, 2):
        github.add_run(run_id, DAY + dt.timedelta(hours=run_id), jobs=2)
    runs_only = tmp_path / "runs.jsonl"  # gh api --paginate ... --jq '.workflow_runs[]'
    runs_only.write_text("\n".join(json.dumps(run) for run in github.runs.values()), encoding="utf-8")
    slurped = tmp_path / "jobs.json"  # gh api --paginate --slurp .../jobs
    slurped.write_text(json.dumps([{"total_count": 2, "jobs": github.jobs[1]}]), encoding="utf-8")
    with open_store(tmp_path / "h.sqlite") as db:
        first = import_files(db, [runs_only, slurped])
        assert (first.runs_saved, first.jobs_saved) == (2, 2)
        # later, run 2's jobs alone: they join the stored run, and run 1 keeps its jobs
        later = tmp_path / "later.json"
        later.write_text(json.dumps({"total_count": 2, "jobs": github.jobs[2]}), encoding="utf-8")
        import_files(db, [later])
        assert sorted((job.run_id, job.name) for job in db.jobs()) == [
            (1, "test (1)"), (1, "test (2)"), (2, "test (1)"), (2, "test (2)"),
        ]  # fmt: skip
        orphans = tmp_path / "orphans.json"
        orphans.write_text(json.dumps({**github.jobs[2][0], "id": 1, "run_id": 99}), encoding="utf-8")
        assert import_files(db, [orphans]).orphan_jobs == 1


def test_what_is_no_export_is_one_line_naming_the_file(github: GitHubStandIn, tmp_path: Path) -> None:
    github.add_run(1, DAY)
    broken = tmp_path / "broken.json"
    broken.write_text('{"total_count": 1, "workflow_runs": [\n  {"id": 1,,}]}', encoding="utf-8")
    other = tmp_path / "other.json"
    other.write_text('{"login": "octocat"}', encoding="utf-8")
    with open_store(tmp_path / "h.sqlite") as db:
        with pytest.raises(InputFileError, match=r"broken.json:2:12: not JSON \(Expecting"):
            import_files(db, [broken])
        with pytest.raises(InputFileError, match=r"other.json:1: a JSON object that is no page of runs"):
            import_files(db, [other])
        foreign = json.loads(json.dumps(github.runs[1]).replace(REPO, "someone/else"))
        mixed = tmp_path / "mixed.json"
        mixed.write_text(json.dumps(github.runs[1]) + json.dumps({**foreign, "id": 2}), encoding="utf-8")
        with pytest.raises(InputFileError, match=r"hold the runs of 2 repositories"):
            import_files(db, [mixed])
        db.set_meta("repository", "someone/else")
        mine = tmp_path / "mine.json"
        mine.write_text(json.dumps(github.runs[1]), encoding="utf-8")
        with pytest.raises(InputFileError, match=r"holds the history of someone/else"):
            import_files(db, [mine])
