"""The report job of test.yaml, run as its step runs: on the junit.xml a real pytest run writes (passing,
failing, erroring, skipped and expected-to-fail tests), on coverage.py's Cobertura report, and against a
local server that answers GitHub's "List jobs for a workflow run attempt" with pages built from GitHub's
own example job and held to GitHub's schema."""

from __future__ import annotations

import copy
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pipekit.render import test as render_test
from pipekit.render.scripts import run_report

from ...designs import reference
from .support import rendered_step, run_step

DATA = Path(__file__).parent / "data"
API_DATA = Path(__file__).resolve().parents[2] / "data" / "github-api"

SAMPLE_TESTS = """\
import pytest


@pytest.fixture
def broken():
    raise RuntimeError("the fixture broke")


def test_one():
    pass


def test_two():
    pass


def test_fails():
    assert 1 == 2


def test_errors(broken):
    pass


@pytest.mark.parametrize("text", ["a|b"])
def test_pipe(text):
    assert text == "a"


@pytest.mark.skip(reason="planted skip")
def test_skipped():
    pass


@pytest.mark.xfail(reason="planted expected failure")
def test_expected_failure():
    assert False
"""
FAILING = [
    ("tests.test_sample::test_fails", "failure"),
    ("tests.test_sample::test_errors", "error"),
    ("tests.test_sample::test_pipe[a|b]", "failure"),
]


@pytest.fixture(scope="module")
def junit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """junit.xml from running pytest on the sample tests, as a test leg's test step does."""
    folder = tmp_path_factory.mktemp("pytest-run")
    (folder / "tests").mkdir()
    (folder / "tests" / "test_sample.py").write_text(SAMPLE_TESTS, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=junit.xml", "tests"],
        cwd=folder,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert "2 failed, 2 passed, 1 skipped, 1 xfailed, 1 error" in done.stdout, done.stdout + done.stderr
    return folder / "junit.xml"


# --- reading the legs' files -------------------------------------------------------------------------


def test_read_junit_counts_and_names_the_failing_tests(junit: Path) -> None:
    tests = run_report.read_junit(str(junit))
    assert tests is not None
    assert tests.ran == 5  # two passed, two failed, one error; the skip and the xfail are skipped
    assert tests.skipped == 2
    assert [(test, kind) for test, kind, _ in tests.failing] == FAILING
    messages = {test: message for test, _, message in tests.failing}
    assert messages["tests.test_sample::test_fails"] == "assert 1 == 2"
    assert "the fixture broke" in messages["tests.test_sample::test_errors"]


def test_read_junit_takes_a_single_suite_and_refuses_what_is_not_junit(tmp_path: Path) -> None:
    suite = tmp_path / "suite.xml"
    suite.write_text(
        '<testsuite tests="2"><testcase classname="t" name="a"/>'
        '<testcase name="b"><failure message="boom">trace</failure></testcase></testsuite>',
        encoding="utf-8",
    )
    tests = run_report.read_junit(str(suite))
    assert tests is not None and tests.ran == 2 and tests.failing == [("b", "failure", "boom")]
    assert run_report.read_junit(str(tmp_path / "missing.xml")) is None
    cut = tmp_path / "cut.xml"
    cut.write_text("<testsuites><testsuite tests=", encoding="utf-8")
    with pytest.raises(run_report.Malformed, match="is not XML"):
        run_report.read_junit(str(cut))
    with pytest.raises(run_report.Malformed, match=r"its root is <coverage>"):
        run_report.read_junit(str(DATA / "coverage.xml"))


def test_read_coverage_reads_the_line_rate(tmp_path: Path) -> None:
    assert run_report.read_coverage(str(DATA / "coverage.xml")) == pytest.approx(75.0)
    assert run_report.read_coverage(str(tmp_path / "missing.xml")) is None
    other = tmp_path / "other.xml"
    other.write_text('<report line-rate="0.5"/>', encoding="utf-8")
    with pytest.raises(run_report.Malformed, match="not a Cobertura report"):
        run_report.read_coverage(str(other))
    other.write_text('<coverage line-rate="many"/>', encoding="utf-8")
    with pytest.raises(run_report.Malformed, match="not a Cobertura report"):
        run_report.read_coverage(str(other))


def test_read_status(tmp_path: Path) -> None:
    status = tmp_path / "status.txt"
    status.write_text("failure\n", encoding="utf-8")
    assert run_report.read_status(str(status)) == "failure"
    assert run_report.read_status(str(tmp_path / "missing.txt")) is None
    status.write_text("maybe\n", encoding="utf-8")
    with pytest.raises(run_report.Malformed, match="not one of success, failure, cancelled"):
        run_report.read_status(str(status))


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2020-01-20T17:42:40Z", "2020-01-20T17:42:40+00:00"),
        ("2020-01-20T09:42:41.000-08:00", "2020-01-20T09:42:41-08:00"),
        ("2026-11-29T10:00:00.5+05:30", "2026-11-29T10:00:00.500000+05:30"),
    ],
)
def test_parse_time_reads_githubs_times(text: str, iso: str) -> None:
    assert run_report.parse_time(text).isoformat() == iso


def test_next_page_follows_rel_next() -> None:
    link = (
        '<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=3>; rel="next", '
        '<https://api.github.com/x?page=5>; rel="last"'
    )
    assert run_report.next_page(link) == "https://api.github.com/x?page=3"
    assert run_report.next_page('<https://api.github.com/x?page=1>; rel="first"') is None
    assert run_report.next_page(None) is None


# --- GitHub's API ------------------------------------------------------------------------------------

RUN = {"GITHUB_REPOSITORY": "acme/router", "GITHUB_RUN_ID": "4242", "GITHUB_RUN_ATTEMPT": "2"}
JOBS_PATH = "/repos/acme/router/actions/runs/4242/attempts/2/jobs"


def api_job(name: str, minutes: float | None, conclusion: str | None = "success") -> dict[str, Any]:
    """GitHub's example job (job-paginated), named `name`, that ran `minutes` (None: still running)."""
    example = json.loads((API_DATA / "examples" / "job-paginated.json").read_text(encoding="utf-8"))
    job: dict[str, Any] = copy.deepcopy(example["jobs"][0])
    job.update(name=name, created_at="2026-11-29T10:00:00Z", started_at="2026-11-29T10:00:30Z")
    if minutes is None:
        job.update(status="in_progress", conclusion=None, completed_at=None)
    else:
        seconds = 30 + round(minutes * 60)
        job.update(
            status="completed",
            conclusion=conclusion,
            completed_at=f"2026-11-29T10:{seconds // 60:02d}:{seconds % 60:02d}Z",
        )
    return job


def api_page(jobs: list[dict[str, Any]], total: int) -> dict[str, Any]:
    page = {"total_count": total, "jobs": jobs}
    schema = json.loads((API_DATA / "jobs.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(page)  # what GitHub documents, not a guess
    return page


def test_job_minutes_are_githubs_start_to_completion() -> None:
    assert run_report.job_minutes(api_job(LEG_A, 4.5)) == pytest.approx(4.5)
    assert run_report.job_minutes(api_job(LEG_A, None)) is None  # still running: no figure
    broken = api_job(LEG_A, 4.5)
    broken["completed_at"] = "yesterday"
    assert run_report.job_minutes(broken) is None  # never a guess


class FakeGitHub:
    """A local server answering the jobs endpoint with `pages`, the way GitHub paginates (Link)."""

    def __init__(self) -> None:
        self.pages: list[dict[str, Any]] = []
        self.status = 200
        self.requests: list[tuple[str, dict[str, str]]] = []  # path, headers (lower-case names)
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                path, _, query = self.path.partition("?")
                if fake.status != 200 or path != JOBS_PATH:
                    self.send_response(fake.status if fake.status != 200 else 404)
                    self.end_headers()
                    self.wfile.write(b'{"message": "Resource not accessible by integration"}')
                    return
                number = int(dict(p.split("=") for p in query.split("&")).get("page", "1"))
                body = json.dumps(fake.pages[number - 1]).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if number < len(fake.pages):
                    url = f"{fake.url}{JOBS_PATH}?per_page=100&page={number + 1}"
                    self.send_header("Link", f'<{url}>; rel="next"')
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


# --- the step ----------------------------------------------------------------------------------------


@pytest.fixture
def report_step() -> dict[str, Any]:
    return rendered_step("test.yaml", "report", "Write the test report")


def jobs_line(**entry: Any) -> str:
    return json.dumps(entry) + "\n"


LEG_A = "Test (3.12, ubuntu-latest, basic)"
LEG_B = "Test (3.12, windows-latest, basic)"
JOBS = (
    jobs_line(job="lint", name="Lint and type-check", estimate_minutes=2.5)
    + jobs_line(job="test", name=LEG_A, estimate_minutes=6.0, results="test-results-a", coverage_leg=True)
    + jobs_line(job="test", name=LEG_B, estimate_minutes=9.6, results="test-results-b", coverage_leg=False)
    + jobs_line(job="passed", name="All test jobs passed", estimate_minutes=0.2)
)


def leg_folder(root: Path, name: str, status: str, junit: Path | None, coverage: bool) -> None:
    folder = root / "test-results" / name
    folder.mkdir(parents=True)
    (folder / "status.txt").write_text(status + "\n", encoding="utf-8")
    if junit is not None:
        (folder / "junit.xml").write_bytes(junit.read_bytes())
    if coverage:
        (folder / "coverage.xml").write_bytes((DATA / "coverage.xml").read_bytes())


def passing_junit(folder: Path) -> Path:
    path = folder / "passing.xml"
    path.write_text(
        '<testsuites><testsuite tests="3" skipped="1">'
        '<testcase classname="tests.test_core" name="test_a"/>'
        '<testcase classname="tests.test_core" name="test_b"/>'
        '<testcase classname="tests.test_core" name="test_c"><skipped message="later"/></testcase>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    return path


def environment(github: FakeGitHub | None, results: str, **more: str) -> dict[str, str]:
    env = {
        **RUN,
        "JOBS": JOBS,
        "RESULTS": results,
        "GITHUB_TOKEN": "token-123" if github is not None else "",
        "GITHUB_API_URL": github.url if github is not None else "https://api.github.com",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_WORKFLOW": "Test",
        "GITHUB_REF_NAME": "main",
        "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
    }
    env.update(more)
    return env


SUCCESS = "lint success\ntest success\npassed success\n"
FAILURE = "lint success\ntest failure\npassed failure\n"


def test_the_step_embeds_the_script_with_the_renderers_inputs(report_step: Mapping[str, Any]) -> None:
    assert report_step["run"] == render_test.report_script()
    assert report_step["run"].startswith("python3 - <<'PY'\n")  # the runner's Python: no setup needed
    env = report_step["env"]
    assert env["RESULTS_DIR"] == render_test.RESULTS_FOLDER
    assert env["GITHUB_TOKEN"] == "${{ github.token }}"
    assert run_report.read_jobs(env["JOBS"]) == render_test.report_jobs(reference())
    assert "NOTIFICATION_FILE" not in env  # the reference design has no webhook


def test_a_clean_run_reports_every_job_its_minutes_and_the_coverage(
    tmp_path: Path, github: FakeGitHub, report_step: dict[str, Any]
) -> None:
    passing = passing_junit(tmp_path)
    leg_folder(tmp_path, "test-results-a", "success", passing, coverage=True)
    leg_folder(tmp_path, "test-results-b", "success", passing, coverage=True)
    github.pages = [
        api_page([api_job("Lint and type-check", 2.0), api_job(LEG_A, 4.5)], 5),
        api_page(
            [api_job(LEG_B, 12.0), api_job("All test jobs passed", 0.1), api_job("Test report", None)], 5
        ),
    ]
    run = run_step(report_step, tmp_path, environment(github, SUCCESS))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.annotations == []
    assert run.summary == (
        "## Test report\n"
        "\n"
        "**All 2 test legs passed.** Job results: lint success, test success, passed success.\n"
        "\n"
        f"**Coverage:** 75.0% of lines ({LEG_A}, the coverage leg).\n"
        "\n"
        "### Jobs\n"
        "\n"
        "| job | result | tests | failed | skipped | coverage | minutes | estimate | of estimate |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
        "| Lint and type-check | success |  |  |  |  | 2.0 | 2.5 | 80% |\n"
        f"| {LEG_A} | success | 2 | 0 | 1 | 75.0% | 4.5 | 6.0 | 75% |\n"
        f"| {LEG_B} | success | 2 | 0 | 1 | 75.0% | 12.0 | 9.6 | 125% |\n"
        "| All test jobs passed | success |  |  |  |  | 0.1 | 0.2 | 50% |\n"
    )
    # both pages of this attempt, with the token and GitHub's API version
    assert [path for path, _ in github.requests] == [
        f"{JOBS_PATH}?per_page=100",
        f"{JOBS_PATH}?per_page=100&page=2",
    ]
    headers = github.requests[0][1]
    assert headers["authorization"] == "Bearer token-123"
    assert headers["x-github-api-version"] == "2022-11-28"
    assert headers["accept"] == "application/vnd.github+json"
    assert headers["user-agent"]  # GitHub refuses requests without one


def test_a_failed_leg_lists_its_failing_tests_and_is_annotated(
    tmp_path: Path, junit: Path, github: FakeGitHub, report_step: dict[str, Any]
) -> None:
    leg_folder(tmp_path, "test-results-a", "success", passing_junit(tmp_path), coverage=True)
    leg_folder(tmp_path, "test-results-b", "failure", junit, coverage=False)
    github.pages = [api_page([api_job(LEG_A, 5.0), api_job(LEG_B, 9.0, "failure")], 2)]
    run = run_step(report_step, tmp_path, environment(github, FAILURE))
    assert run.returncode == 0, run.stdout + run.stderr  # the report does not decide the run
    assert run.annotations == [
        "::error title=Test (3.12%2C windows-latest%2C basic)::3 failing tests: "
        + ", ".join(test for test, _ in FAILING)
    ]
    assert (
        "**1 of 2 test legs failed, 3 failing tests.** Job results: lint success, test failure" in run.summary
    )
    assert "### Failed legs" in run.summary
    section = run.summary.split("### Failed legs")[1].split("### Jobs")[0]
    assert f"**{LEG_B}** (failure): 3 failing tests:" in section
    assert "| tests.test_sample::test_fails | failure | assert 1 == 2 |" in section
    assert "| tests.test_sample::test_pipe[a&#124;b] | failure |" in section  # one table cell
    assert "| tests.test_sample::test_errors | error |" in section
    assert LEG_A not in section
    assert f"| {LEG_B} | failure | 5 | 3 | 2 |  | 9.0 | 9.6 | 94% |" in run.summary


def test_legs_that_never_uploaded_take_githubs_conclusion_or_say_so(
    tmp_path: Path, github: FakeGitHub, report_step: dict[str, Any]
) -> None:
    leg_folder(tmp_path, "test-results-b", "failure", None, coverage=False)  # failed before pytest wrote
    github.pages = [api_page([api_job(LEG_A, 0.5, "cancelled")], 1)]
    run = run_step(report_step, tmp_path, environment(github, "lint success\ntest failure\npassed failure\n"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"| {LEG_A} | cancelled |  |  |  |  | 0.5 | 6.0 | 8% |" in run.summary
    assert f"**Coverage:** not reported: {LEG_A} uploaded no coverage.xml." in run.summary
    assert run.annotations == [
        "::error title=Test (3.12%2C windows-latest%2C basic)::failed with no JUnit report: it stopped "
        "before the tests wrote one"
    ]
    github.pages = [api_page([], 0)]
    run = run_step(report_step, tmp_path, environment(github, "lint success\ntest failure\npassed failure\n"))
    assert f"| {LEG_A} | no results |" in run.summary


def test_without_a_token_the_durations_are_unavailable_not_guessed(
    tmp_path: Path, github: FakeGitHub, report_step: dict[str, Any]
) -> None:
    leg_folder(tmp_path, "test-results-a", "success", passing_junit(tmp_path), coverage=True)
    leg_folder(tmp_path, "test-results-b", "success", passing_junit(tmp_path), coverage=True)
    run = run_step(report_step, tmp_path, environment(None, SUCCESS))
    assert run.returncode == 0, run.stdout + run.stderr
    assert github.requests == []
    assert f"| {LEG_A} | success | 2 | 0 | 1 | 75.0% |  | 6.0 |  |" in run.summary
    assert (
        "Durations are not available: GITHUB_TOKEN is empty, so GitHub's API was not asked "
        "(a rehearsal has no API)." in run.summary
    )
    assert run.annotations == [
        "::warning title=Test report::durations not available: GITHUB_TOKEN is empty, so GitHub's API was "
        "not asked (a rehearsal has no API)"
    ]


def test_an_api_refusal_leaves_the_durations_out_and_the_report_passes(
    tmp_path: Path, github: FakeGitHub, report_step: dict[str, Any]
) -> None:
    leg_folder(tmp_path, "test-results-a", "success", passing_junit(tmp_path), coverage=True)
    github.status = 403
    run = run_step(report_step, tmp_path, environment(github, SUCCESS))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Durations are not available: GitHub's API answered 403 Forbidden." in run.summary
    assert run.annotations == [
        "::warning title=Test report::durations not available: GitHub's API answered 403 Forbidden"
    ]


def test_an_unreadable_results_file_fails_the_report_loudly(
    tmp_path: Path, github: FakeGitHub, report_step: dict[str, Any]
) -> None:
    leg_folder(tmp_path, "test-results-a", "success", passing_junit(tmp_path), coverage=True)
    leg_folder(tmp_path, "test-results-b", "success", None, coverage=False)
    (tmp_path / "test-results" / "test-results-b" / "junit.xml").write_text("<testsuites", encoding="utf-8")
    github.pages = [api_page([], 0)]
    run = run_step(report_step, tmp_path, environment(github, SUCCESS))
    assert run.returncode == 1
    assert (
        len([line for line in run.annotations if line.startswith("::error title=Test report::cannot read ")])
        == 1
    )
    assert "test-results/test-results-b/junit.xml is not XML" in run.stdout
    # the summary is still written, with what could be read and what could not
    assert f"| {LEG_A} | success | 2 |" in run.summary
    assert "**Unreadable input:** test-results/test-results-b/junit.xml is not XML" in run.summary


def test_an_unreadable_jobs_input_fails_the_report(tmp_path: Path, report_step: dict[str, Any]) -> None:
    run = run_step(report_step, tmp_path, environment(None, SUCCESS, JOBS="{not json\n"))
    assert run.returncode == 1
    assert run.annotations[0].startswith("::error title=Test report::cannot read JOBS line 1 is not JSON")
    run = run_step(report_step, tmp_path, environment(None, SUCCESS, JOBS='{"job": "lint"}\n'))
    assert run.returncode == 1
    assert run.annotations == [
        "::error title=Test report::cannot read JOBS line 1 lacks job, name or estimate_minutes"
    ]


def test_the_rendered_jobs_input_is_read_as_it_is(tmp_path: Path, report_step: dict[str, Any]) -> None:
    """The renderer's JOBS for the reference design (18 legs) on a run where no leg uploaded anything."""
    env = environment(None, SUCCESS)
    del env["JOBS"]  # the step's own
    run = run_step(report_step, tmp_path, env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "**0 of 18 test legs passed.**" in run.summary
    assert run.summary.count("| no results |") == 18


# --- the notification ----------------------------------------------------------------------------------


def test_a_failure_writes_the_notification_and_a_clean_run_does_not(
    tmp_path: Path, junit: Path, report_step: dict[str, Any]
) -> None:
    leg_folder(tmp_path, "test-results-a", "success", passing_junit(tmp_path), coverage=True)
    leg_folder(tmp_path, "test-results-b", "failure", junit, coverage=False)
    notification = tmp_path / "notification.json"
    env = environment(
        None, "lint failure\ntest failure\npassed failure\n", NOTIFICATION_FILE=str(notification)
    )
    assert run_step(report_step, tmp_path, env).returncode == 0
    assert json.loads(notification.read_text(encoding="utf-8")) == {
        "text": f"Test failed on main of acme/router at 0123456: Lint and type-check, {LEG_B}. "
        "https://github.com/acme/router/actions/runs/4242"
    }
    notification.unlink()
    (tmp_path / "test-results" / "test-results-b" / "status.txt").write_text("success\n", encoding="utf-8")
    (tmp_path / "test-results" / "test-results-b" / "junit.xml").write_bytes(
        passing_junit(tmp_path).read_bytes()
    )
    assert (
        run_step(
            report_step, tmp_path, environment(None, SUCCESS, NOTIFICATION_FILE=str(notification))
        ).returncode
        == 0
    )
    assert not notification.exists()


def test_the_verdict_counts_the_legs() -> None:
    def row(outcome: str) -> run_report.Row:
        leg = run_report.Row({"job": "test", "name": "Test (x)", "estimate_minutes": 1, "results": "r"})
        leg.outcome = outcome
        return leg

    def verdict(*outcomes: str) -> str:
        return run_report.summary([row(outcome) for outcome in outcomes], {}, "", []).splitlines()[2]

    assert verdict("success").startswith("**The test leg passed.**")
    assert verdict("success", "success").startswith("**All 2 test legs passed.**")
    assert verdict("failure").startswith("**1 of 1 test leg failed.**")
    assert verdict("success", "cancelled").startswith("**1 of 2 test legs passed.**")
