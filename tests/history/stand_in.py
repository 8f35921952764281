"""A stand-in for GitHub's REST API on 127.0.0.1, for the fetch tests and the benchmark.

It serves what GitHub would: runs, jobs of every attempt, workflows and artifacts built from GitHub's own
example responses (`tests/data/github-api/examples`), each object checked against GitHub's JSON Schema
when it is built. It behaves as GitHub does where a client can go wrong: ``Link`` pagination, ETags and
``304``, the 1,000-result cap on a ``created``-filtered run listing (``total_count`` still says how many
there are), newest runs first, ``A..B`` windows that include both ends, and artifact zips behind a
``302`` to a storage host (a second server). Faults are injected on request: a status (502, 401, ...),
a rate-limit ``403`` whose reset is a second ahead, a ``429`` with ``Retry-After``, a connection dropped
halfway through a body. Every request is recorded with its headers.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jsonschema import Draft202012Validator, ValidationError

DATA = Path(__file__).resolve().parents[1] / "data" / "github-api"
REPO = "octo-org/octo-repo"  # the examples' repository
CAP = 1000  # GitHub lists at most this many runs of a filtered listing


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


class _Checker:
    """Checks the objects a listing holds (runs, jobs, workflows) against GitHub's schema for them.

    Objects built from one template differ from the first one checked only in some fields, so after
    the first, only the fields that differ are checked, each against its own property schema: the same
    verdict as checking the whole object, at a fraction of the cost (a run embeds two repositories)."""

    def __init__(self, name: str, key: str) -> None:
        root = _load(name)
        self.defs = root["$defs"]
        self.schema = self.defs[root["properties"][key]["items"]["$ref"].rsplit("/", 1)[1]]
        self.whole = Draft202012Validator({**self.schema, "$defs": self.defs})
        self.fields: dict[str, Draft202012Validator] = {}
        self.reference: dict[str, Any] | None = None

    def check(self, item: dict[str, Any]) -> None:
        if self.reference is None:
            self.whole.validate(item)
            self.reference = copy.deepcopy(item)
            return
        for key in self.schema.get("required", ()):
            if key not in item:
                raise ValidationError(f"{key!r} is a required property")
        for key, value in item.items():
            schema = self.schema.get("properties", {}).get(key)
            if schema is None or self.reference.get(key, ValidationError) == value:
                continue
            if key not in self.fields:
                self.fields[key] = Draft202012Validator({**schema, "$defs": self.defs})
            self.fields[key].validate(value)


@dataclasses.dataclass
class Fault:
    """What to do instead of answering, `times` times, for requests whose path and query contain `match`.

    kind: ``status`` (answer `status` with a GitHub-style message), ``rate_limit`` (403, no requests
    left, reset one second ahead), ``retry_after`` (429 with ``Retry-After: 1``), ``drop`` (send the
    headers and half the body, then close the connection)."""

    kind: str
    match: str
    times: int = 1
    status: int = 502


@dataclasses.dataclass(frozen=True)
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case

    @property
    def authorized(self) -> bool:
        return "authorization" in self.headers


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class GitHubStandIn:
    """Use as a context manager: ``with GitHubStandIn() as github: ... github.api_url``."""

    def __init__(self, *, validate: bool = True) -> None:
        self.validate = validate
        self.runs: dict[int, dict[str, Any]] = {}
        self.jobs: dict[int, list[dict[str, Any]]] = {}
        self.artifacts: dict[int, list[dict[str, Any]]] = {}
        self.zips: dict[int, bytes] = {}
        self.attempt_of: dict[int, int] = {}  # job id -> attempt, even where a job leaves it out
        self.workflows = _load("examples/workflow-paginated.json")["workflows"]
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        self.link_host: str | None = None  # name the next page on this host (host:port) instead
        self._next_job_id = 500_000_000
        self._next_artifact_id = 900_000
        self._lock = threading.Lock()
        # as text: a fresh copy is json.loads away (deepcopy is slower by far)
        self._run_example = json.dumps(_load("examples/workflow-run-paginated.json")["workflow_runs"][0])
        self._job_example = json.dumps(_load("examples/job-paginated.json")["jobs"][0])
        self._checkers = {
            "runs": _Checker("runs.schema.json", "workflow_runs"),
            "jobs": _Checker("jobs.schema.json", "jobs"),
            "workflows": _Checker("workflows.schema.json", "workflows"),
        }
        for workflow in self.workflows:
            self._check("workflows", workflow)
        self.api = _Server(self)
        self.storage = _Server(self, storage=True)

    # -- the data --------------------------------------------------------------------------------------

    def add_run(
        self,
        run_id: int,
        created: dt.datetime,
        *,
        jobs: int = 2,
        attempts: int = 1,
        status: str = "completed",
        steps: int = 3,
    ) -> dict[str, Any]:
        """A run with `jobs` jobs in each of its `attempts`, built from GitHub's example run and job."""
        run = json.loads(self._run_example)
        base = f"https://api.github.com/repos/{REPO}/actions/runs/{run_id}"
        updated = created + dt.timedelta(minutes=5 * attempts)
        run.update(
            id=run_id,
            run_number=run_id,
            workflow_id=self.workflows[0]["id"],
            path=f"{self.workflows[0]['path']}@main",
            status=status,
            conclusion="success" if status == "completed" else None,
            created_at=stamp(created),
            updated_at=stamp(updated),
            run_started_at=stamp(created + dt.timedelta(minutes=5 * (attempts - 1))),
            run_attempt=attempts,
            url=base,
            jobs_url=f"{base}/jobs",
            artifacts_url=f"{base}/artifacts",
            pull_requests=[],
        )
        self._check("runs", run)
        self.runs[run_id] = run
        self.jobs[run_id] = [
            self._job(run, attempt, index, steps)
            for attempt in range(1, attempts + 1)
            for index in range(jobs)
        ]
        return run

    def update_run(self, run_id: int, **fields: Any) -> None:
        self.runs[run_id].update(fields)
        self._check("runs", self.runs[run_id])

    def _job(self, run: dict[str, Any], attempt: int, index: int, steps: int) -> dict[str, Any]:
        job = json.loads(self._job_example)
        self._next_job_id += 1
        created = dt.datetime.fromisoformat(run["created_at"]) + dt.timedelta(minutes=5 * (attempt - 1))
        started = created + dt.timedelta(seconds=20 + index)
        completed = started + dt.timedelta(minutes=2)
        job.update(
            id=self._next_job_id,
            run_id=run["id"],
            run_url=run["url"],
            run_attempt=attempt,
            name=f"test ({index + 1})",
            created_at=stamp(created),
            started_at=stamp(started),
            completed_at=stamp(completed) if run["status"] == "completed" else None,
            status="completed" if run["status"] == "completed" else "in_progress",
            conclusion="success" if run["status"] == "completed" else None,
            labels=["ubuntu-latest"],
        )
        pacific = dt.timezone(dt.timedelta(hours=-8))  # step times carry an offset, as in GitHub's example
        template = job["steps"]
        job["steps"] = []
        for number in range(1, steps + 1):
            step = dict(template[(number - 1) % len(template)], number=number)
            begin = (started + dt.timedelta(seconds=number)).astimezone(pacific)
            step["started_at"] = begin.isoformat(timespec="milliseconds")
            step["completed_at"] = (begin + dt.timedelta(seconds=1)).isoformat(timespec="milliseconds")
            job["steps"].append(step)
        self._check("jobs", job)
        self.attempt_of[job["id"]] = attempt
        return job

    def add_artifact(self, run_id: int, name: str, files: dict[str, bytes]) -> dict[str, Any]:
        """An artifact of the run holding `files` (path -> content), zipped as upload-artifact does."""
        self._next_artifact_id += 1
        artifact_id = self._next_artifact_id
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path, content in files.items():
                archive.writestr(path, content)
        self.zips[artifact_id] = buffer.getvalue()
        run = self.runs[run_id]
        artifact = {
            "id": artifact_id,
            "node_id": "MDg6QXJ0aWZhY3QxMQ==",
            "name": name,
            "size_in_bytes": len(self.zips[artifact_id]),
            "url": f"https://api.github.com/repos/{REPO}/actions/artifacts/{artifact_id}",
            "archive_download_url": f"{self.api_url}/repos/{REPO}/actions/artifacts/{artifact_id}/zip",
            "expired": False,
            "created_at": run["updated_at"],
            "expires_at": "2099-01-01T00:00:00Z",
            "updated_at": run["updated_at"],
            "digest": "sha256:" + hashlib.sha256(self.zips[artifact_id]).hexdigest(),
            "workflow_run": {
                "id": run_id,
                "repository_id": run["repository"]["id"],
                "head_repository_id": run["head_repository"]["id"],
                "head_branch": run["head_branch"],
                "head_sha": run["head_sha"],
            },
        }
        self.artifacts.setdefault(run_id, []).append(artifact)
        return artifact

    def _check(self, kind: str, item: dict[str, Any]) -> None:
        if self.validate:
            self._checkers[kind].check(item)

    # -- serving ---------------------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return self.api.url

    def __enter__(self) -> GitHubStandIn:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.api.stop()
        self.storage.stop()

    def fault(self, kind: str, match: str, times: int = 1, status: int = 502) -> None:
        self.faults.append(Fault(kind, match, times, status))

    def _take_fault(self, target: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.match in target:
                    fault.times -= 1
                    return fault
        return None

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        """Status, headers and JSON body for an API request."""
        prefix = f"/repos/{REPO}/actions/"
        if not path.startswith(prefix):
            return 404, {}, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
        rest = path[len(prefix) :]
        per_page = min(int(query.get("per_page", 30)), 100)
        page = int(query.get("page", 1))
        if rest == "workflows":
            return self._paged(path, query, "workflows", self.workflows, len(self.workflows), per_page, page)
        if rest == "runs":
            runs = sorted(self._created_in(query.get("created")), key=lambda r: (r["created_at"], r["id"]))
            runs.reverse()  # newest first
            return self._paged(path, query, "workflow_runs", runs[:CAP], len(runs), per_page, page)
        match = re.fullmatch(r"runs/(\d+)/(?:attempts/(\d+)/)?jobs", rest)
        if match and int(match[1]) in self.runs:
            run = self.runs[int(match[1])]
            jobs = self.jobs[run["id"]]
            if match[2]:
                jobs = [job for job in jobs if self.attempt_of[job["id"]] == int(match[2])]
            elif query.get("filter", "latest") == "latest":
                jobs = [job for job in jobs if self.attempt_of[job["id"]] == run["run_attempt"]]
            return self._paged(path, query, "jobs", jobs, len(jobs), per_page, page)
        match = re.fullmatch(r"runs/(\d+)/artifacts", rest)
        if match and int(match[1]) in self.runs:
            artifacts = self.artifacts.get(int(match[1]), [])
            return self._paged(path, query, "artifacts", artifacts, len(artifacts), per_page, page)
        match = re.fullmatch(r"artifacts/(\d+)/zip", rest)
        if match and int(match[1]) in self.zips:
            return 302, {"Location": f"{self.storage.url}/blob/{match[1]}?sig=signed"}, None
        return 404, {}, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}

    def _created_in(self, created: str | None) -> Iterator[dict[str, Any]]:
        low, _, high = (created or "..").partition("..")
        for run in self.runs.values():
            moment = run["created_at"]
            if (not low or low == "*" or moment >= low) and (not high or high == "*" or moment <= high):
                yield run

    def _paged(
        self,
        path: str,
        query: dict[str, str],
        key: str,
        items: list[dict[str, Any]],
        total: int,
        per_page: int,
        page: int,
    ) -> tuple[int, dict[str, str], Any]:
        body = {"total_count": total, key: items[(page - 1) * per_page : page * per_page]}
        last = max(1, -(-len(items) // per_page))
        host = self.link_host or self.api.url.split("://", 1)[1]
        links = []
        for rel, number in (("next", page + 1), ("last", last)):
            if number <= last and (rel != "next" or page < last):
                wanted = {**query, "page": str(number)}
                encoded = "&".join(f"{name}={value}" for name, value in wanted.items())
                links.append(f'<http://{host}{path}?{encoded}>; rel="{rel}"')
        return 200, {"Link": ", ".join(links)} if links else {}, body


class _Server:
    """One HTTP server on 127.0.0.1, serving in a daemon thread until `stop`."""

    def __init__(self, github: GitHubStandIn, *, storage: bool = False) -> None:
        handler = type("Handler", (_Handler,), {"github": github, "storage": storage})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.daemon = True
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body in one write, sent at once: otherwise a delayed ACK costs 40 ms a request.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    github: GitHubStandIn
    storage: bool

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.github.requests.append(Request(parts.path, query, headers))
        if self.storage:
            blob = re.fullmatch(r"/blob/(\d+)", parts.path)
            if blob and int(blob[1]) in self.github.zips:
                self._send(200, {"Content-Type": "application/zip"}, self.github.zips[int(blob[1])])
            else:
                self._send(404, {}, b"")
            return
        fault = self.github._take_fault(self.path)
        if fault is not None and self._fault(fault):
            return
        status, extra, body = self.github.answer(parts.path, query)
        content = b"" if body is None else json.dumps(body).encode()
        extra = {"Content-Type": "application/json; charset=utf-8", **extra}
        if status == 200:
            etag = '"' + hashlib.sha1(content).hexdigest() + '"'
            extra["ETag"] = etag
            if headers.get("if-none-match") == etag:
                self._send(304, {"ETag": etag, **{k: v for k, v in extra.items() if k == "Link"}}, b"")
                return
        self._send(status, extra, content)

    def _fault(self, fault: Fault) -> bool:
        if fault.kind == "status":
            message = {"message": "Server Error" if fault.status >= 500 else "Bad credentials"}
            self._send(fault.status, {"Content-Type": "application/json"}, json.dumps(message).encode())
        elif fault.kind == "rate_limit":
            headers = {
                "x-ratelimit-limit": "5000",
                "x-ratelimit-remaining": "0",
                "x-ratelimit-used": "5000",
                "x-ratelimit-reset": str(int(time.time()) + 1),
                "x-ratelimit-resource": "core",
                "Content-Type": "application/json",
            }
            self._send(403, headers, b'{"message": "API rate limit exceeded for user ID 1."}')
        elif fault.kind == "retry_after":
            self._send(429, {"Retry-After": "1"}, b'{"message": "You have exceeded a secondary rate limit."}')
        elif fault.kind == "drop":
            status, _, body = self.github.answer(urlsplit(self.path).path, {})
            content = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content[: len(content) // 2])
            self.wfile.flush()
            self.close_connection = True
        else:
            return False
        return True

    def _send(self, status: int, headers: dict[str, str], content: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if content:
            self.wfile.write(content)
