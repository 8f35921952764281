"""The report job of test.yaml: one summary of the run, written whatever happened in it.

Each test leg uploads a folder named as its artifact with junit.xml (``pytest --junitxml``), coverage.xml
(pytest-cov's Cobertura report, when the design measures coverage) and status.txt (the leg's job status
when it uploaded). This script reads them, asks GitHub's REST API for the time each job of this run
attempt took ("List jobs for a workflow run attempt"), and writes the job summary: the failing tests of
each failed leg, every job's result and minutes against the design's estimate, the coverage figure. Each
failed leg gets an error annotation.

Without a token (a rehearsal has no GitHub API) or when the API does not answer, the durations are
reported as unavailable, with the reason: never guessed. The report never decides the run (`passed`
does), so failed tests do not fail it; an input it cannot read does (a results file that is not JUnit or
Cobertura XML, a JOBS line that is not the renderer's JSON): a report that silently left a leg out would
show a broken run as clean.

Environment:
- JOBS: the run's jobs, one JSON object a line: ``job`` (the id), ``name`` (as GitHub shows it, a leg's
  with its matrix values), ``estimate_minutes``; a test leg also ``results`` (its folder under
  RESULTS_DIR) and ``coverage_leg`` (true for the leg the design reads coverage from).
- RESULTS: ``<job id> <result>`` a line, each needed job's result; RESULTS_DIR: the downloaded folders.
- GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT: the API request.
- NOTIFICATION_FILE (optional): where to write ``{"text": ...}`` for the failure notification when a job
  failed; GITHUB_SERVER_URL, GITHUB_WORKFLOW, GITHUB_REF_NAME, GITHUB_SHA word it.
- GITHUB_STEP_SUMMARY: the job summary file.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from typing import Any

JUNIT = "junit.xml"
COVERAGE = "coverage.xml"
STATUS = "status.txt"
STATUSES = ("success", "failure", "cancelled")  # job.status, as the leg wrote it
TOP = 20  # failing tests listed per leg
API_VERSION = "2022-11-28"
API_TIMEOUT = 30  # seconds a page may take; the job's own timeout is minutes away


class Malformed(Exception):
    """An input the report cannot read."""


def cell(text: str) -> str:
    """`text` as one markdown table cell: one line, no HTML, no column break."""
    return html.escape(" ".join(text.split())).replace("|", "&#124;")


def prose(text: str) -> str:
    """`text` inside a markdown paragraph: one line, no HTML."""
    return html.escape(" ".join(text.split()), quote=False)


def command_text(text: str, prop: bool = False) -> str:
    """`text` escaped for a workflow command: its message, or (`prop`) a property such as title=."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


# --------------------------------------------------------------------------------------------- inputs


def read_jobs(text: str) -> list[dict[str, Any]]:
    """The JOBS lines, each checked for the keys the report reads."""
    jobs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            job = json.loads(line)
        except ValueError as error:
            raise Malformed(f"JOBS line {number} is not JSON ({error})") from None
        if (
            not isinstance(job, dict)
            or not isinstance(job.get("job"), str)
            or not isinstance(job.get("name"), str)
            or not isinstance(job.get("estimate_minutes"), (int, float))
        ):
            raise Malformed(f"JOBS line {number} lacks job, name or estimate_minutes")
        jobs.append(job)
    return jobs


def read_results(text: str) -> dict[str, str]:
    """``{job id: result}`` from the RESULTS lines."""
    results = {}
    for line in text.splitlines():
        words = line.split()
        if len(words) == 2:
            results[words[0]] = words[1]
    return results


class LegTests:
    """What one leg's JUnit report says: how many ran and were skipped, and each failing test."""

    def __init__(self) -> None:
        self.ran = 0
        self.skipped = 0
        self.failing: list[tuple[str, str, str]] = []  # (test, "failure" or "error", first message line)


def case_id(case: ET.Element) -> str:
    """pytest's test id as its JUnit report allows: ``tests.test_core::test_sums[3]``."""
    classname, name = case.get("classname", ""), case.get("name", "?")
    return f"{classname}::{name}" if classname else name


def read_junit(path: str) -> LegTests | None:
    """The leg's tests; None when it wrote no report; Malformed when the file is not JUnit XML."""
    if not os.path.isfile(path):
        return None
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise Malformed(f"{path} is not XML ({error})") from None
    if root.tag not in ("testsuites", "testsuite"):
        raise Malformed(f"{path} is not a JUnit report (its root is <{root.tag}>)")
    tests = LegTests()
    for case in root.iter("testcase"):
        outcome = next((child for child in case if child.tag in ("failure", "error", "skipped")), None)
        if outcome is not None and outcome.tag == "skipped":
            tests.skipped += 1  # pytest reports skips and expected failures alike
            continue
        tests.ran += 1
        if outcome is not None:
            message = outcome.get("message") or (outcome.text or "").strip()
            first = message.strip().splitlines()[0] if message.strip() else ""
            tests.failing.append((case_id(case), outcome.tag, first[:200]))
    return tests


def read_coverage(path: str) -> float | None:
    """The line coverage of a Cobertura report in percent; None when the leg wrote none."""
    if not os.path.isfile(path):
        return None
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise Malformed(f"{path} is not XML ({error})") from None
    try:
        rate = float(root.get("line-rate", ""))
    except ValueError:
        rate = -1.0
    if root.tag != "coverage" or not 0 <= rate <= 1:
        raise Malformed(f"{path} is not a Cobertura report with a line-rate")
    return 100 * rate


def read_status(path: str) -> str | None:
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as source:
        status = source.read().strip()
    if status not in STATUSES:
        raise Malformed(f"{path} says {status[:40]!r}, not one of {', '.join(STATUSES)}")
    return status


# -------------------------------------------------------------------------------------- GitHub's API


def next_page(link: str | None) -> str | None:
    """The URL of `rel="next"` in a Link header, as GitHub paginates."""
    for part in (link or "").split(","):
        found = re.match(r'\s*<([^>]+)>\s*;\s*rel="next"', part)
        if found:
            return found.group(1)
    return None


def parse_time(text: str) -> dt.datetime:
    """An ISO 8601 time as GitHub writes them (``2020-01-20T17:42:40Z``, ``...40.000-08:00``)."""
    found = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", text)
    if not found:
        raise ValueError(f"not a time: {text!r}")
    year, month, day, hour, minute, second = (int(found.group(n)) for n in range(1, 7))
    micro = int((found.group(7) or "0").ljust(6, "0")[:6])
    zone = found.group(8)
    offset = dt.timedelta(0)
    if zone != "Z":
        offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        offset = -offset if zone[0] == "-" else offset
    return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=dt.timezone(offset))


def job_minutes(job: dict[str, Any]) -> float | None:
    """A completed job's minutes from start to completion (GitHub's own timestamps); None before, or
    when GitHub's times cannot be read (the API is not the report's input to vouch for)."""
    if job.get("status") != "completed":
        return None
    try:
        seconds = (parse_time(str(job["completed_at"])) - parse_time(str(job["started_at"]))).total_seconds()
    except (KeyError, ValueError):
        return None
    return max(seconds, 0.0) / 60


def fetch_jobs(env: dict[str, str]) -> list[dict[str, Any]]:
    """Every job of this run attempt, page by page (``per_page=100``, then Link rel="next")."""
    url: str | None = (
        f"{env['GITHUB_API_URL']}/repos/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}"
        f"/attempts/{env.get('GITHUB_RUN_ATTEMPT') or '1'}/jobs?per_page=100"
    )
    jobs: list[dict[str, Any]] = []
    while url:
        request = urllib.request.Request(
            url,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {env['GITHUB_TOKEN']}",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": "pipekit-test-report",
            },
        )
        with urllib.request.urlopen(request, timeout=API_TIMEOUT) as response:
            page = json.loads(response.read().decode("utf-8"))
            url = next_page(response.headers.get("Link"))
        if not isinstance(page, dict) or not isinstance(page.get("jobs"), list):
            raise ValueError("the answer has no jobs list")
        jobs += [job for job in page["jobs"] if isinstance(job, dict)]
    return jobs


def api_jobs(env: dict[str, str]) -> tuple[dict[str, dict[str, Any]], str]:
    """This attempt's jobs by name, or {} and why GitHub's API gave none."""
    if not env.get("GITHUB_TOKEN"):
        return {}, "GITHUB_TOKEN is empty, so GitHub's API was not asked (a rehearsal has no API)"
    try:
        return {str(job.get("name")): job for job in fetch_jobs(env)}, ""
    except urllib.error.HTTPError as error:
        return {}, f"GitHub's API answered {error.code} {error.reason}"
    except (OSError, ValueError, KeyError) as error:
        return {}, f"GitHub's API could not be read ({error})"


# -------------------------------------------------------------------------------------------- report


class Row:
    """One job of the run, a test leg with what its results say."""

    def __init__(self, job: dict[str, Any]) -> None:
        self.job: str = job["job"]
        self.name: str = job["name"]
        self.estimate = float(job["estimate_minutes"])
        self.results: str | None = job.get("results")
        self.coverage_leg = bool(job.get("coverage_leg"))
        self.outcome = "unknown"
        self.tests: LegTests | None = None
        self.coverage: float | None = None
        self.minutes: float | None = None

    @property
    def failed(self) -> bool:
        return self.outcome == "failure" or bool(self.tests and self.tests.failing)


def build_rows(
    jobs: list[dict[str, Any]], results: dict[str, str], folder: str, api: dict[str, dict[str, Any]]
) -> tuple[list[Row], list[str]]:
    """Every job's row, and the inputs that could not be read."""
    rows, problems = [], []
    for job in jobs:
        row = Row(job)
        found = api.get(row.name, {})
        if row.results is None:
            row.outcome = results.get(row.job, "unknown")
        else:
            leg = os.path.join(folder, row.results)
            try:
                status = read_status(os.path.join(leg, STATUS))
                row.tests = read_junit(os.path.join(leg, JUNIT))
                row.coverage = read_coverage(os.path.join(leg, COVERAGE))
            except Malformed as error:
                problems.append(str(error))
                status = None
            # A leg that never reached its upload left no status: GitHub's conclusion, when known.
            row.outcome = status or str(found.get("conclusion") or "no results")
        row.minutes = job_minutes(found) if found else None
        rows.append(row)
    return rows, problems


def minutes_text(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def leg_problem(row: Row) -> str:
    """What failed in a failed leg, in one line."""
    tests = row.tests
    if tests is None:
        return "failed with no JUnit report: it stopped before the tests wrote one"
    if not tests.failing:
        return "failed, but no test failed: see the leg's log"
    names = ", ".join(test for test, _, _ in tests.failing[:5])
    more = f" and {len(tests.failing) - 5} more" if len(tests.failing) > 5 else ""
    noun = "test" if len(tests.failing) == 1 else "tests"
    return f"{len(tests.failing)} failing {noun}: {names}{more}"


def summary(rows: list[Row], results: dict[str, str], why_no_times: str, problems: list[str]) -> str:
    legs = [row for row in rows if row.results is not None]
    failed = [row for row in legs if row.failed]
    failing = sum(len(row.tests.failing) for row in failed if row.tests)
    lines = ["## Test report", ""]
    passed = [row for row in legs if row.outcome == "success" and not row.failed]
    of_legs = f"of {len(legs)} test leg" + ("" if len(legs) == 1 else "s")
    if failed:
        verdict = f"{len(failed)} {of_legs} failed"
    elif len(passed) == len(legs):
        verdict = "The test leg passed" if len(legs) == 1 else f"All {len(legs)} test legs passed"
    else:  # the others were cancelled or left no results: the table says which
        verdict = f"{len(passed)} {of_legs} passed"
    if failing:
        verdict += f", {failing} failing test" + ("" if failing == 1 else "s")
    jobs = ", ".join(f"{job} {result}" for job, result in results.items())
    lines += [f"**{verdict}.** Job results: {jobs}.", ""]
    coverage_legs = [row for row in legs if row.coverage_leg]
    for row in coverage_legs:
        if row.coverage is None:
            lines += [f"**Coverage:** not reported: {prose(row.name)} uploaded no {COVERAGE}.", ""]
        else:
            lines += [
                f"**Coverage:** {row.coverage:.1f}% of lines ({prose(row.name)}, the coverage leg).",
                "",
            ]
    if failed:
        lines += ["### Failed legs", ""]
        for row in failed:
            lines += [f"**{prose(row.name)}** ({row.outcome}): {prose(leg_problem(row))}", ""]
            if row.tests and row.tests.failing:
                lines += ["| test | result | message |", "|---|---|---|"]
                for test, kind, message in row.tests.failing[:TOP]:
                    lines.append(f"| {cell(test)} | {kind} | {cell(message)} |")
                if len(row.tests.failing) > TOP:
                    lines.append(f"| and {len(row.tests.failing) - TOP} more | | |")
                lines.append("")
    lines += ["### Jobs", ""]
    lines += [
        "| job | result | tests | failed | skipped | coverage | minutes | estimate | of estimate |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        tests = row.tests
        counts = [str(tests.ran), str(len(tests.failing)), str(tests.skipped)] if tests else ["", "", ""]
        coverage = "" if row.coverage is None else f"{row.coverage:.1f}%"
        share = "" if row.minutes is None or not row.estimate else f"{100 * row.minutes / row.estimate:.0f}%"
        cells = [cell(row.name), row.outcome, *counts, coverage, minutes_text(row.minutes)]
        lines.append("| " + " | ".join([*cells, minutes_text(row.estimate), share]) + " |")
    lines.append("")
    if why_no_times:
        lines += [f"Durations are not available: {prose(why_no_times)}.", ""]
    for problem in problems:
        lines += [f"**Unreadable input:** {prose(problem)}", ""]
    return "\n".join(lines)


def annotation_commands(rows: list[Row], why_no_times: str, problems: list[str]) -> list[str]:
    """An error for each failed leg; the durations' absence and unreadable inputs."""
    lines = [
        f"::error title={command_text(row.name, prop=True)}::{command_text(leg_problem(row))}"
        for row in rows
        if row.results is not None and row.failed
    ]
    if why_no_times:
        lines.append(f"::warning title=Test report::durations not available: {command_text(why_no_times)}")
    lines += [f"::error title=Test report::cannot read {command_text(problem)}" for problem in problems]
    return lines


def notification(rows: list[Row], results: dict[str, str], env: dict[str, str]) -> dict[str, str] | None:
    """``{"text": ...}`` naming what failed and linking the run, as Slack- and Teams-compatible incoming
    webhooks take it; None when no job failed."""
    if "failure" not in results.values():
        return None
    failed = [row.name for row in rows if row.failed and row.job != "passed"]  # passed only sums up
    named = ", ".join(failed[:10]) + (f" and {len(failed) - 10} more" if len(failed) > 10 else "")
    repository = env.get("GITHUB_REPOSITORY", "")
    run = f"{env.get('GITHUB_SERVER_URL')}/{repository}/actions/runs/{env.get('GITHUB_RUN_ID')}"
    where = f"{env.get('GITHUB_REF_NAME')} of {repository} at {env.get('GITHUB_SHA', '')[:7]}"
    text = f"{env.get('GITHUB_WORKFLOW') or 'Test'} failed on {where}: {named or 'see the run'}. {run}"
    return {"text": text}


def main() -> int:
    env = dict(os.environ)
    try:
        jobs = read_jobs(env["JOBS"])
    except Malformed as error:
        print(f"::error title=Test report::cannot read {command_text(str(error))}")
        return 1
    results = read_results(env.get("RESULTS", ""))
    api, why_no_times = api_jobs(env)
    rows, problems = build_rows(jobs, results, env["RESULTS_DIR"], api)
    with open(env["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as out:
        out.write(summary(rows, results, why_no_times, problems))
    for line in annotation_commands(rows, why_no_times, problems):
        print(line)
    payload = notification(rows, results, env)
    if env.get("NOTIFICATION_FILE") and payload is not None:
        with open(env["NOTIFICATION_FILE"], "w", encoding="utf-8") as out:
            json.dump(payload, out)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
