"""`pipekit history fetch`: a repository's workflow runs, their jobs of every attempt, its workflows and
(optionally) the reports its artifacts hold, from GitHub's REST API into the history database.

Runs are listed by disjoint ``created`` windows: GitHub's filtered listing stops at 1,000 results, so a
window whose ``total_count`` is larger is split in two (by time, to the second) until each holds at most
1,000. GitHub's ``A..B`` includes both ends, so windows are whole seconds that never share one. The last
week is listed day by day, and the next fetch starts among those days: it asks for the same pages, and
GitHub answers ``304`` for those that did not change (no quota).

Each run is saved with its jobs in one transaction, so an interrupted fetch leaves only whole runs; a
run already stored, completed and not updated since, costs no job requests. The next fetch starts a
margin before the last completed fetch (and at the oldest run still in progress), on whole days.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pipekit.errors import InputFileError
from pipekit.history import stored
from pipekit.history.api import Client, ServerError
from pipekit.history.artifacts import report_files
from pipekit.history.store import Artifact, Job, Run, Store, Workflow, parse_time, utc_text

MAX_LISTED = 1000  # GitHub's cap on the results of a filtered run listing
PER_PAGE = 100
FIRST_FETCH = dt.timedelta(days=90)  # how far back a fetch into an empty database reaches
RESUME_MARGIN = dt.timedelta(days=7)  # re-runs and late updates of runs fetched before
OPEN_RUN_LOOKBACK = dt.timedelta(days=30)  # a run still in progress older than this is taken as stuck
MAX_ARTIFACT_BYTES = 100 * 1024 * 1024  # a larger artifact (an image, a wheelhouse) is not downloaded

# What a run listing's page keeps in the database for its 304 answers (the fields Run.from_api reads).
RUN_FIELDS = (
    "id", "workflow_id", "name", "path", "event", "head_branch", "head_sha", "run_number", "run_attempt",
    "status", "conclusion", "created_at", "updated_at", "run_started_at",
)  # fmt: skip
_Parsed = TypeVar("_Parsed")
_REPO_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")


@dataclasses.dataclass(frozen=True)
class Window:
    """Runs created from `start` to `end`, both included, in whole seconds since the epoch (UTC)."""

    start: int
    end: int

    def query(self) -> str:
        return f"{_stamp(self.start)}..{_stamp(self.end)}"

    def halves(self) -> tuple[Window, Window]:
        middle = (self.start + self.end) // 2
        return Window(self.start, middle), Window(middle + 1, self.end)


@dataclasses.dataclass
class FetchSummary:
    runs_listed: int = 0
    runs_saved: int = 0  # new or changed
    runs_unchanged: int = 0
    jobs_saved: int = 0
    workflows: int = 0
    artifact_files: int = 0
    windows: int = 0
    crowded_seconds: list[str] = dataclasses.field(default_factory=list)  # >1,000 runs in one second


def check_repo_name(repo: str) -> str:
    if not _REPO_NAME.fullmatch(repo):
        raise InputFileError(f"--repo {repo!r}: expected OWNER/NAME, such as octo-org/octo-repo")
    return repo


def claim_database(store: Store, repo: str, api_url: str) -> None:
    """Mark the database as `repo`'s history at `api_url`; one holding another repository is refused."""
    held, held_api = store.meta("repository"), store.meta("api_url")
    if held is not None and (held.lower() != repo.lower() or (held_api or api_url) != api_url):
        raise InputFileError(
            f"{store.path}: holds the history of {held} ({held_api}), not {repo} ({api_url}); "
            "give another --db for it"
        )
    if held is None:
        store.set_meta("repository", repo)
    if held_api is None:
        store.set_meta("api_url", api_url)


def parse_since(text: str) -> dt.datetime:
    """``--since``: a date (its midnight, UTC) or a timestamp with its offset."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), dt.UTC)
        except ValueError:
            pass
        raise InputFileError(f"--since {text!r}: expected a date such as 2026-11-01")
    moment = parse_time(text)
    assert moment is not None
    return moment.astimezone(dt.UTC)


def default_since(store: Store, now: dt.datetime) -> dt.datetime:
    """Where a fetch without ``--since`` starts: a margin before the last completed fetch, or at the
    oldest stored run still in progress if earlier; 90 days back on a database no fetch completed."""
    through = parse_time(store.meta("fetched_through"))
    if through is None:
        return _day(now - FIRST_FETCH)
    start = through - RESUME_MARGIN
    row = store.connection.execute(
        "SELECT MIN(created_at) FROM runs "
        "WHERE (status IS NULL OR status != 'completed') AND created_at >= ?",
        (utc_text((through - OPEN_RUN_LOOKBACK).isoformat()),),
    ).fetchone()
    oldest_open = parse_time(row[0]) if row and row[0] else None
    if oldest_open is not None:
        start = min(start, oldest_open)
    return _day(start)


class Fetcher:
    """One fetch of `repo` through `client` into `store`."""

    def __init__(
        self,
        client: Client,
        store: Store,
        repo: str,
        *,
        artifacts: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.client, self.store, self.repo = client, store, check_repo_name(repo)
        self.artifacts = artifacts
        self.progress = progress  # (runs done, runs known so far)
        self.summary = FetchSummary()
        self._known = 0
        self._used_urls: set[str] = set()

    def run(self, since: dt.datetime, now: dt.datetime) -> FetchSummary:
        claim_database(self.store, self.repo, self.client.api_url)
        _prefer_wal(self.store)
        workflows = [
            Workflow.from_api(item)
            for page in self._pages("/actions/workflows", {"per_page": PER_PAGE}, cache=True)
            for item in _items(page.data, "workflows", page.url)
        ]
        self.store.save_workflows(workflows)
        self.summary.workflows = len(workflows)
        seen: set[int] = set()
        listed = (data for window in windows(since, now) for data in self._listed_runs(window))
        for data in listed:
            run = _parsed(Run.from_api, data, "a run")
            if run.id in seen:  # a run created during the fetch shifts the pages by one
                continue
            seen.add(run.id)
            self.summary.runs_listed += 1
            self._take(run)
            if self.progress:
                self.progress(self.summary.runs_listed, max(self._known, self.summary.runs_listed))
        self._finish(since, now)
        return self.summary

    # -- runs ------------------------------------------------------------------------------------------

    def _listed_runs(self, window: Window) -> Iterator[dict[str, Any]]:
        """The runs created in `window`, split until every part lists completely."""
        params: dict[str, str | int] = {
            "created": window.query(),
            "per_page": PER_PAGE,
            "exclude_pull_requests": "true",  # smaller pages; the pull requests are a guess anyway
        }
        url = self._url("/actions/runs")
        page = self.client.page(url, params, cache=True, keep=_trimmed_runs)
        self._used_urls.add(page.url)
        total = int(page.data.get("total_count") or 0)
        if total > MAX_LISTED and window.start < window.end:
            for half in window.halves():
                yield from self._listed_runs(half)
            return
        if total > MAX_LISTED:
            self.summary.crowded_seconds.append(_stamp(window.start))
            self.client.notice(
                f"{total} runs were created in the second {_stamp(window.start)}; GitHub lists only "
                f"{MAX_LISTED} of them"
            )
        self.summary.windows += 1
        self._known += min(total, MAX_LISTED)
        while True:
            yield from _items(page.data, "workflow_runs", page.url)
            if page.next_url is None:
                return
            page = self.client.page(page.next_url, cache=True, keep=_trimmed_runs)
            self._used_urls.add(page.url)

    def _take(self, run: Run) -> None:
        before = self.store.stored_run(run.id)
        unchanged = (
            before is not None and before[0] == run.updated_at and before[1] == run.status == "completed"
        )
        if unchanged and not (self.artifacts and not stored.has_artifacts(self.store, run.id)):
            self.summary.runs_unchanged += 1
            return
        jobs = stored.jobs(self.store, run) if unchanged else self._jobs(run)
        artifacts = self._artifacts(run) if self.artifacts else stored.artifacts(self.store, run.id)
        self.store.save_run(run, jobs, artifacts)
        if unchanged:
            self.summary.runs_unchanged += 1
        else:
            self.summary.runs_saved += 1
            self.summary.jobs_saved += len({job.id for job in jobs})
        self.summary.artifact_files += sum(len(a.files) for a in artifacts if self.artifacts)

    def _jobs(self, run: Run) -> list[Job]:
        """The jobs of every attempt: ``filter=all``, or attempt by attempt when the answer does not say
        which attempt a job belongs to."""
        # A completed run's jobs are asked for once; an open run's pages are kept for their 304s.
        cache = run.status != "completed"
        everything: dict[str, str | int] = {"filter": "all", "per_page": PER_PAGE}
        listed = [
            item
            for page in self._pages(f"/actions/runs/{run.id}/jobs", everything, cache)
            for item in _items(page.data, "jobs", page.url)
        ]
        if run.run_attempt == 1 or all("run_attempt" in item for item in listed):
            return [_parsed(Job.from_api, item, "a job") for item in listed]
        jobs = []
        for attempt in range(1, run.run_attempt + 1):
            path = f"/actions/runs/{run.id}/attempts/{attempt}/jobs"
            for page in self._pages(path, {"per_page": PER_PAGE}, cache):
                jobs += [
                    _parsed(Job.from_api, item, "a job", attempt)
                    for item in _items(page.data, "jobs", page.url)
                ]
        return jobs

    def _artifacts(self, run: Run) -> list[Artifact]:
        found = []
        for page in self._pages(f"/actions/runs/{run.id}/artifacts", {"per_page": PER_PAGE}, cache=True):
            for item in _items(page.data, "artifacts", page.url):
                artifact = _parsed(Artifact.from_api, item, "an artifact", run.id)
                url = item.get("archive_download_url")
                if artifact.expired or not url or artifact.size_in_bytes > MAX_ARTIFACT_BYTES:
                    found.append(artifact)
                    continue
                archive = self.client.download(str(url), MAX_ARTIFACT_BYTES)
                files = report_files(archive) if archive is not None else ()
                found.append(dataclasses.replace(artifact, files=files))
        return found

    # -- helpers ---------------------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return self.client.url(f"/repos/{self.repo}{path}")

    def _pages(self, path: str, params: dict[str, str | int], cache: bool) -> Iterator[Any]:
        for page in self.client.pages(self._url(path), params, cache=cache):
            if cache:
                self._used_urls.add(page.url)
            yield page

    def _finish(self, since: dt.datetime, now: dt.datetime) -> None:
        """Record how far the history is complete, and drop stored pages this fetch no longer asks for
        (windows of earlier days, runs that have completed)."""
        through = parse_time(self.store.meta("fetched_through"))
        if through is None or since <= through:
            self.store.set_meta("fetched_through", utc_text(now.isoformat()) or "")
        prefix = self._url("/")
        with self.store.connection as connection:
            connection.execute("CREATE TEMP TABLE IF NOT EXISTS used_urls (url TEXT PRIMARY KEY)")
            connection.execute("DELETE FROM used_urls")
            connection.executemany(
                "INSERT OR IGNORE INTO used_urls VALUES (?)", [(url,) for url in self._used_urls]
            )
            connection.execute(
                "DELETE FROM etags WHERE substr(url, 1, ?) = ? AND url NOT IN (SELECT url FROM used_urls)",
                (len(prefix), prefix),
            )


def windows(since: dt.datetime, now: dt.datetime) -> list[Window]:
    """The windows a fetch from `since` lists, oldest first: the last days one window per day (the
    next fetch starts among them and asks for the same pages, which GitHub answers 304), what is older
    in one window."""
    day = 24 * 60 * 60
    start = int(since.timestamp())
    recent = int(_day(max(since, _day(now) - RESUME_MARGIN)).timestamp())
    found = [Window(start, recent - 1)] if start < recent else []
    for midnight in range(recent, int(_day(now).timestamp()) + 1, day):
        found.append(Window(max(start, midnight), midnight + day - 1))
    return found


def _prefer_wal(store: Store) -> None:
    """Write-ahead logging: a commit per run stays cheap, and a report can read while a fetch writes.
    Every committed run is still whole after a crash."""
    store.connection.execute("PRAGMA journal_mode = WAL")
    store.connection.execute("PRAGMA synchronous = NORMAL")


def _items(data: dict[str, Any], key: str, url: str) -> list[dict[str, Any]]:
    items = data.get(key)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ServerError(f"{url.split('?')[0]}: the answer has no list of {key}")
    return items


def _parsed(build: Callable[..., _Parsed], data: dict[str, Any], what: str, *more: Any) -> _Parsed:
    """`build(data, *more)`; an object GitHub sent without a field the database needs is one line."""
    try:
        return build(data, *more)
    except (KeyError, TypeError, ValueError) as error:
        where = data.get("url") or f"id {data.get('id')}"
        raise ServerError(f"{what} without a usable {error} field: {where}") from None


def _trimmed_runs(data: dict[str, Any]) -> dict[str, Any]:
    runs = data.get("workflow_runs") or []
    return {
        "total_count": data.get("total_count"),
        "workflow_runs": [{key: run.get(key) for key in RUN_FIELDS if key in run} for run in runs],
    }


def _day(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _stamp(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
