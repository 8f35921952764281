"""The REST client against a stand-in GitHub: Link pagination, ETags, retries with a bound, rate-limit
waits, one-line refusals, and a token that goes to the API's host only and into no message."""

from __future__ import annotations

import datetime as dt

import pytest

from pipekit.errors import InputFileError
from pipekit.history.api import API_VERSION, AccessError, Client, ServerError, check_api_url
from pipekit.history.store import Store

from .conftest import DAY, TOKEN
from .stand_in import REPO, GitHubStandIn


def runs_url(client: Client) -> str:
    return client.url(f"/repos/{REPO}/actions/runs")


def add_runs(github: GitHubStandIn, count: int) -> None:
    for number in range(count):
        github.add_run(1000 + number, DAY + dt.timedelta(minutes=number))


def test_pages_follow_the_link_header_with_githubs_headers(github: GitHubStandIn, client: Client) -> None:
    add_runs(github, 250)
    pages = list(client.pages(runs_url(client), {"per_page": 100}))
    assert [len(page.data["workflow_runs"]) for page in pages] == [100, 100, 50]
    ids = [run["id"] for page in pages for run in page.data["workflow_runs"]]
    assert sorted(ids) == sorted(github.runs)
    assert [request.query.get("page", "1") for request in github.requests] == ["1", "2", "3"]
    for request in github.requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["x-github-api-version"] == API_VERSION
        assert request.headers["accept"] == "application/vnd.github+json"
        assert request.headers["user-agent"].startswith("pipekit/")


def test_a_page_asked_for_again_is_a_304_answered_from_the_store(
    github: GitHubStandIn, client: Client, db: Store
) -> None:
    add_runs(github, 3)
    first = client.page(runs_url(client), {"per_page": 100}, cache=True)
    again = client.page(runs_url(client), {"per_page": 100}, cache=True)
    assert (first.not_modified, again.not_modified) == (False, True)
    assert again.data == first.data
    assert github.requests[1].headers["if-none-match"] == db.etag(first.url)[0]  # type: ignore[index]
    assert client.counts.not_modified == 1
    github.update_run(1000, updated_at="2026-11-02T09:00:00Z")
    changed = client.page(runs_url(client), {"per_page": 100}, cache=True)
    assert not changed.not_modified
    updated = {run["id"]: run["updated_at"] for run in changed.data["workflow_runs"]}
    assert updated[1000] == "2026-11-02T09:00:00Z"


def test_a_502_and_a_dropped_connection_are_tried_again_with_doubling_pauses(
    github: GitHubStandIn, client: Client, pauses: list[float], notices: list[str]
) -> None:
    add_runs(github, 2)
    github.fault("status", "/actions/runs", status=502)
    github.fault("drop", "/actions/runs")
    page = client.page(runs_url(client))
    assert sorted(run["id"] for run in page.data["workflow_runs"]) == [1000, 1001]
    assert pauses == [1.0, 2.0]
    assert "HTTP 502; trying again in 1 s (1/3)" in notices[0]
    assert "RemoteProtocolError" in notices[1]


def test_the_retries_are_bounded(github: GitHubStandIn, client: Client, pauses: list[float]) -> None:
    github.fault("status", "/actions/runs", times=10, status=503)
    with pytest.raises(ServerError, match=r"actions/runs: HTTP 503 after 3 retries; .* run the fetch again"):
        client.page(runs_url(client))
    assert pauses == [1.0, 2.0, 4.0]
    assert len(github.requests) == 4


def test_a_rate_limit_waits_for_its_reset_with_a_countdown(
    github: GitHubStandIn, db: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    """The one test that really waits: the reset is a second ahead."""
    add_runs(github, 1)
    github.fault("rate_limit", "/actions/runs")
    with Client(github.api_url, TOKEN) as client:
        page = client.page(runs_url(client))
    assert page.data["total_count"] == 1
    assert client.counts.rate_limit_waits == 1
    assert "rate limited: waiting 1 s until the limit resets (x-ratelimit-reset)" in capsys.readouterr().err


def test_a_429_waits_as_long_as_retry_after_says(
    github: GitHubStandIn, client: Client, pauses: list[float], notices: list[str]
) -> None:
    github.fault("retry_after", "/actions/workflows")
    client.page(client.url(f"/repos/{REPO}/actions/workflows"))
    assert pauses == [1.0]
    assert notices == ["rate limited: waiting 1 s as Retry-After asks"]


def test_a_401_names_the_tokens_variable_and_never_the_token(github: GitHubStandIn) -> None:
    github.fault("status", "/actions/runs", status=401)
    with (
        Client(github.api_url, TOKEN, token_source="GH_TOKEN") as client,
        pytest.raises(AccessError) as caught,
    ):
        client.page(runs_url(client))
    message = str(caught.value)
    assert "refused the token in GH_TOKEN: HTTP 401 (Bad credentials); set GH_TOKEN to a" in message
    assert TOKEN not in message and TOKEN not in repr(caught.value)


def test_a_404_names_the_repository(github: GitHubStandIn, client: Client) -> None:
    expected = r"repos/octo-org/nothing-here/actions/runs: HTTP 404 \(Not Found\); check --repo OWNER/NAME"
    with pytest.raises(AccessError, match=expected):
        client.page(client.url("/repos/octo-org/nothing-here/actions/runs"))


def test_a_link_to_another_host_is_refused_before_the_token_goes_there(
    github: GitHubStandIn, client: Client
) -> None:
    """GitHub pages on its own host; a Link elsewhere (a proxy gone wrong, a hostile server) is refused
    rather than followed without the token, which would mix in data from a host nobody named."""
    add_runs(github, 150)
    github.link_host = github.storage.url.split("://")[1]
    with pytest.raises(ServerError, match="named a next page on another host"):
        list(client.pages(runs_url(client), {"per_page": 100}))
    assert [request.path for request in github.requests] == [f"/repos/{REPO}/actions/runs"]


def test_a_download_follows_the_redirect_without_the_token(github: GitHubStandIn, client: Client) -> None:
    github.add_run(7, DAY)
    artifact = github.add_artifact(7, "coverage", {"coverage.xml": b"<coverage/>"})
    archive = client.download(artifact["archive_download_url"], 1 << 20)
    assert archive == github.zips[artifact["id"]]
    api, storage = github.requests
    assert api.path.endswith("/zip") and api.authorized
    assert storage.path.startswith("/blob/") and not storage.authorized
    assert client.download(artifact["archive_download_url"], 10) is None  # over the limit


def test_the_api_url_must_be_http_and_keep_the_token_encrypted() -> None:
    assert (
        check_api_url("https://ghe.example.com/api/v3/", with_token=True) == "https://ghe.example.com/api/v3"
    )
    assert check_api_url("http://127.0.0.1:8080", with_token=True) == "http://127.0.0.1:8080"
    assert check_api_url("http://ghe.example.com/api/v3", with_token=False)
    with pytest.raises(InputFileError, match="the token would travel unencrypted over http; use https"):
        check_api_url("http://ghe.example.com/api/v3", with_token=True)
    with pytest.raises(InputFileError, match="expected an http"):
        check_api_url("ftp://ghe.example.com", with_token=True)
    with pytest.raises(InputFileError, match="without a query"):
        check_api_url("https://api.github.com/?token=x", with_token=False)


def test_a_redirect_of_a_page_to_another_host_is_refused(github: GitHubStandIn, client: Client) -> None:
    github.add_run(7, DAY)
    artifact_url = github.add_artifact(7, "x", {"a.txt": b"a"})["archive_download_url"]
    with pytest.raises(ServerError, match="redirected to another host"):
        client.page(artifact_url)
    assert [request.path.endswith("/zip") for request in github.requests] == [True]
