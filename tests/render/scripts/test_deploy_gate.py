"""deploy.yaml's release gate, run as its step runs, against a local stand-in for GitHub's REST API that
answers "List workflow runs for a workflow" (GET /repos/{owner}/{repo}/actions/workflows/{file}/runs) as
GitHub documents it: head_sha, event and branch filters, per_page, a Link header with rel="next", and
runs with id, head_sha, status, conclusion, updated_at and html_url."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from pipekit.render import deploy

from .support import StepRun, rendered_step, run_step

SHA = "0123456789abcdef0123456789abcdef01234567"
OTHER_SHA = "fedcba9876543210fedcba9876543210fedcba98"
REPOSITORY = "acme/modelmuxer"
TOKEN = "gh-token-for-tests"


class FakeGitHub:
    """Workflow runs by workflow file, served the way GitHub's API serves them; every request is kept."""

    def __init__(self) -> None:
        self.runs: dict[str, list[dict[str, Any]]] = {}
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []  # path, query, headers
        self.page_size = 100
        self.failure: tuple[int, str] | None = None
        self.url = ""

    def add(self, workflow: str, run_id: int, status: str = "completed", conclusion: str | None = "success",
            updated_at: str = "2026-11-27T10:00:00Z", head_sha: str = SHA, event: str = "push",
            branch: str = "main") -> None:  # fmt: skip
        self.runs.setdefault(workflow, []).append(
            {
                "id": run_id,
                "head_sha": head_sha,
                "event": event,
                "head_branch": branch,
                "status": status,
                "conclusion": conclusion,
                "updated_at": updated_at,
                "html_url": f"https://github.com/{REPOSITORY}/actions/runs/{run_id}",
            }
        )

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, Any], str | None]:
        if self.failure is not None:
            status, message = self.failure
            return status, {"message": message}, None
        prefix, suffix = f"/repos/{REPOSITORY}/actions/workflows/", "/runs"
        if not (path.startswith(prefix) and path.endswith(suffix)):
            return 404, {"message": "Not Found"}, None
        workflow = urllib.parse.unquote(path[len(prefix) : -len(suffix)])
        matching = [
            run
            for run in self.runs.get(workflow, [])
            if run["head_sha"] == query.get("head_sha", run["head_sha"])
            and run["event"] == query.get("event", run["event"])
            and run["head_branch"] == query.get("branch", run["head_branch"])
        ]
        matching.sort(key=lambda run: -run["id"])
        size = min(int(query.get("per_page", "30")), self.page_size)
        page = int(query.get("page", "1"))
        body = {"total_count": len(matching), "workflow_runs": matching[(page - 1) * size : page * size]}
        following = None
        if page * size < len(matching):
            following = f"{self.url}{path}?{urllib.parse.urlencode({**query, 'page': page + 1})}"
        return 200, body, following


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            fake.requests.append((parts.path, query, {k.lower(): v for k, v in self.headers.items()}))
            status, body, following = fake.answer(parts.path, query)
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if following:
                self.send_header("Link", f'<{following}>; rel="next", <{following}>; rel="last"')
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def gate_step() -> dict[str, Any]:
    return rendered_step("deploy.yaml", "gate", "Test and Build succeeded")


def run_gate(
    step: dict[str, Any], folder: Path, github: FakeGitHub, trigger: str, commit: str = SHA
) -> StepRun:
    """The step as GitHub runs it: for a workflow_run event `trigger` is the completed run's id; for a
    manual promotion it is empty and `commit` is what someone typed."""
    env = {
        "COMMIT": commit,
        "TRIGGER_RUN_ID": trigger,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": github.url,
        "GITHUB_REPOSITORY": REPOSITORY,
    }
    return run_step(step, folder, env)


def outputs(run: StepRun) -> dict[str, str]:
    return dict(line.split("=", 1) for line in run.output.splitlines())


def test_the_step_embeds_the_gate_and_names_what_it_needs(gate_step: dict[str, Any]) -> None:
    assert gate_step["run"] == deploy.GATE
    assert gate_step["env"]["REQUIRED_WORKFLOWS"] == "test.yaml build.yaml"
    assert gate_step["env"]["BRANCH"] == "main"


def test_the_start_by_the_workflow_that_finished_last_deploys(
    tmp_path: Path, github: FakeGitHub, gate_step: dict[str, Any]
) -> None:
    github.add("test.yaml", 7001, updated_at="2026-11-27T10:15:00Z")
    github.add("build.yaml", 7002, updated_at="2026-11-27T10:11:00Z")
    last = run_gate(gate_step, tmp_path, github, trigger="7001")
    assert last.returncode == 0, last.stdout + last.stderr
    assert outputs(last) == {"deploy": "true", "commit": SHA}
    assert last.annotations == []
    assert f"test.yaml, build.yaml succeeded for {SHA}; it deploys." in last.summary
    # GitHub's documented request: the workflow's runs for a push of the commit to the default branch
    assert [(path, query) for path, query, _ in github.requests] == [
        (
            f"/repos/{REPOSITORY}/actions/workflows/{workflow}/runs",
            {
                "head_sha": SHA,
                "event": "push",
                "branch": "main",
                "per_page": "100",
                "exclude_pull_requests": "true",
            },
        )
        for workflow in ("test.yaml", "build.yaml")
    ]
    headers = github.requests[0][2]
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert headers["x-github-api-version"] == "2022-11-28"
    assert headers["accept"] == "application/vnd.github+json"

    earlier = run_gate(gate_step, tmp_path, github, trigger="7002")
    assert earlier.returncode == 0
    assert outputs(earlier) == {"deploy": "false", "commit": SHA}
    assert earlier.annotations == [
        f"::notice title=Release gate::{SHA} deploys in the run that test.yaml started: it finished last"
    ]


def test_a_tie_goes_to_the_workflow_listed_last(
    tmp_path: Path, github: FakeGitHub, gate_step: dict[str, Any]
) -> None:
    github.add("test.yaml", 7001, updated_at="2026-11-27T10:15:00Z")
    github.add("build.yaml", 7002, updated_at="2026-11-27T10:15:00Z")
    assert outputs(run_gate(gate_step, tmp_path, github, trigger="7002"))["deploy"] == "true"
    assert outputs(run_gate(gate_step, tmp_path, github, trigger="7001"))["deploy"] == "false"


@pytest.mark.parametrize(
    ("build_run", "says"),
    [
        ({"status": "in_progress", "conclusion": None}, "build.yaml is in_progress"),
        ({"conclusion": "failure"}, "build.yaml concluded failure"),
        ({"conclusion": "cancelled"}, "build.yaml concluded cancelled"),
        (None, "build.yaml has no run for a push of this commit to main"),
        ({"event": "pull_request"}, "build.yaml has no run for a push of this commit to main"),
        ({"branch": "feature/x"}, "build.yaml has no run for a push of this commit to main"),
        ({"head_sha": OTHER_SHA}, "build.yaml has no run for a push of this commit to main"),
    ],
)
def test_a_start_stands_down_until_every_workflow_succeeded(
    tmp_path: Path, github: FakeGitHub, gate_step: dict[str, Any], build_run: dict[str, Any] | None, says: str
) -> None:
    """Test finished first: its start waits for Build, whose completion starts deploy.yaml again; a Build
    that failed fails visibly in build.yaml. Either way this start succeeds and deploys nothing."""
    github.add("test.yaml", 7001)
    if build_run is not None:
        github.add("build.yaml", 7002, **build_run)
    run = run_gate(gate_step, tmp_path, github, trigger="7001")
    assert run.returncode == 0, run.stdout + run.stderr
    assert outputs(run) == {"deploy": "false", "commit": SHA}
    (notice,) = run.annotations
    assert notice.startswith(f"::notice title=Release gate::{SHA}: {says}")


def test_the_newest_run_of_a_workflow_counts(
    tmp_path: Path, github: FakeGitHub, gate_step: dict[str, Any]
) -> None:
    """The same commit pushed twice has two runs: the newer decides; a re-run keeps its id and shows its
    latest attempt, which is what the API lists."""
    github.add("test.yaml", 7001, conclusion="failure", updated_at="2026-11-27T09:00:00Z")
    github.add("test.yaml", 7005, updated_at="2026-11-27T10:30:00Z")
    github.add("build.yaml", 7002, updated_at="2026-11-27T10:11:00Z")
    assert outputs(run_gate(gate_step, tmp_path, github, trigger="7005"))["deploy"] == "true"
    assert outputs(run_gate(gate_step, tmp_path, github, trigger="7001"))["deploy"] == "false"


def test_every_page_is_read(tmp_path: Path, github: FakeGitHub, gate_step: dict[str, Any]) -> None:
    github.page_size = 1
    for run_id in (7001, 7003, 7004):
        github.add("test.yaml", run_id, conclusion="failure" if run_id != 7004 else "success")
    github.add("build.yaml", 7002, updated_at="2026-11-27T09:00:00Z")
    run = run_gate(gate_step, tmp_path, github, trigger="7004")
    assert outputs(run)["deploy"] == "true"
    assert [query.get("page") for path, query, _ in github.requests if "test.yaml" in path] == [
        None,
        "2",
        "3",
    ]


def test_a_manual_promotion_deploys_a_commit_every_workflow_passed(
    tmp_path: Path, github: FakeGitHub, gate_step: dict[str, Any]
) -> None:
    github.add("test.yaml", 7001, updated_at="2026-11-27T10:15:00Z")
    github.add("build.yaml", 7002, updated_at="2026-11-27T10:11:00Z")
    run = run_gate(gate_step, tmp_path, github, trigger="")
    assert run.returncode == 0, run.stdout + run.stderr
    assert outputs(run) == {"deploy": "true", "commit": SHA}


def test_a_manual_promotion_of_an_untested_commit_fails(
    tmp_path: Path, github: FakeGitHub, gate_step: dict[str, Any]
) -> None:
    github.add("test.yaml", 7001, conclusion="failure")
    run = run_gate(gate_step, tmp_path, github, trigger="")
    assert run.returncode == 1
    assert run.output == ""
    assert run.annotations == [
        f"::error title=Release gate::{SHA}: test.yaml concluded failure "
        f"(https://github.com/{REPOSITORY}/actions/runs/7001)",
        f"::error title=Release gate::{SHA}: build.yaml has no run for a push of this commit to main",
    ]
    assert f"{SHA} does not deploy" in run.summary


@pytest.mark.parametrize(
    "typed",
    ["main", "0123456", SHA.upper(), f"{SHA}\ndeploy=true", f"{SHA[:-1]}%", "v1.2.3"],
)
def test_a_manual_promotion_takes_a_full_commit_sha_only(
    tmp_path: Path, github: FakeGitHub, gate_step: dict[str, Any], typed: str
) -> None:
    """The dispatch input is checked before anything uses it: nothing reaches the API, GITHUB_OUTPUT or
    the summary, and the annotation escapes it (a newline cannot start a workflow command)."""
    run = run_gate(gate_step, tmp_path, github, trigger="", commit=typed)
    assert run.returncode == 1
    assert github.requests == []
    assert run.output == ""
    (error,) = run.annotations
    assert error.startswith("::error title=Release gate::")
    assert "is not a full commit SHA; give the 40-character SHA of a commit on main" in error
    assert typed.strip() not in run.summary


def test_an_api_refusal_fails_the_step_with_githubs_message(
    tmp_path: Path, github: FakeGitHub, gate_step: dict[str, Any]
) -> None:
    github.failure = (403, "Resource not accessible by integration")
    run = run_gate(gate_step, tmp_path, github, trigger="7001")
    assert run.returncode == 1
    assert run.output == ""
    (error,) = run.annotations
    assert error.startswith("::error title=Release gate::GitHub's API answered 403 Resource not accessible")
