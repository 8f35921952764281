"""deploy.yaml's release gate: a commit deploys only once every workflow it needs (test.yaml, and
build.yaml when the design builds an image) has succeeded for it on a push to the default branch.

deploy.yaml starts when one of those workflows completes (GitHub's workflow_run event), so one push
starts it once per workflow. Each start reads the newest push run of every needed workflow for the
commit from GitHub's REST API ("List workflow runs for a workflow", which needs `actions: read`). None
deploys while a run is missing, unfinished or unsuccessful; once all have succeeded, the start made by
the run that finished last deploys and the others stand down, so one push deploys once. A manual
promotion (workflow_dispatch) names the commit itself and fails unless every needed workflow succeeded.

Environment: COMMIT, the commit's full SHA; REQUIRED_WORKFLOWS, workflow file names, space separated;
BRANCH, the default branch; TRIGGER_RUN_ID, the run whose completion started this one (empty for a
manual promotion); GITHUB_TOKEN; GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_OUTPUT and
GITHUB_STEP_SUMMARY, which the runner sets. Writes deploy=true or deploy=false, and commit=<sha>, to
GITHUB_OUTPUT.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

FULL_SHA = re.compile(r"[0-9a-f]{40}")
API_VERSION = "2022-11-28"
NEXT_PAGE = re.compile(r'<([^>]+)>;\s*rel="next"')
TITLE = "Release gate"


class GateError(Exception):
    """The gate cannot decide: the API refused the request or answered something unreadable."""


def command_text(text: str, prop: bool = False) -> str:
    """`text` escaped for a workflow command: its message, or (`prop`) a property such as file=."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def get_page(url: str, token: str) -> tuple[dict[str, Any], str | None]:
    """One page of a REST API listing, and the URL of the next page (the Link header's rel="next")."""
    request = urllib.request.Request(
        url,
        headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {token}",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "pipekit-release-gate",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.loads(response.read().decode("utf-8"))
            link = response.headers.get("Link") or ""
    except urllib.error.HTTPError as error:
        try:
            reason = str(json.loads(error.read().decode("utf-8")).get("message", ""))
        except (ValueError, AttributeError):
            reason = ""
        raise GateError(f"GitHub's API answered {error.code} {reason or error.reason} for {url}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise GateError(f"could not read {url}: {error}") from None
    if not isinstance(body, dict):
        raise GateError(f"{url} did not answer with a JSON object")
    found = NEXT_PAGE.search(link)
    return body, found.group(1) if found else None


def push_runs(api: str, repository: str, workflow: str, commit: str, branch: str, token: str) -> list[Any]:
    """Every run of `workflow` for a push of `commit` to `branch`."""
    query = urllib.parse.urlencode(
        {
            "head_sha": commit,
            "event": "push",
            "branch": branch,
            "per_page": 100,
            "exclude_pull_requests": "true",
        }
    )
    url: str | None = (
        f"{api}/repos/{repository}/actions/workflows/{urllib.parse.quote(workflow)}/runs?{query}"
    )
    runs: list[Any] = []
    while url:
        page, url = get_page(url, token)
        listed = page.get("workflow_runs")
        if not isinstance(listed, list):
            raise GateError(f"the runs of {workflow} came without a workflow_runs list")
        runs += [run for run in listed if isinstance(run, dict) and run.get("head_sha") == commit]
    return runs


def newest(runs: list[Any]) -> dict[str, Any] | None:
    """The newest run; a re-run keeps its run id, and the run shows its latest attempt."""
    return max(runs, key=lambda run: int(run["id"]), default=None)


def problem(workflow: str, run: dict[str, Any] | None, branch: str) -> str | None:
    """Why `run` does not let the commit deploy, or None when it succeeded."""
    if run is None:
        return f"{workflow} has no run for a push of this commit to {branch}"
    where = run.get("html_url", f"run {run['id']}")
    if run.get("status") != "completed":
        return f"{workflow} is {run.get('status')} ({where})"
    if run.get("conclusion") != "success":
        return f"{workflow} concluded {run.get('conclusion')} ({where})"
    return None


def finished_at(run: dict[str, Any]) -> datetime.datetime:
    """When a completed run finished: its updated_at (a run has no completed_at field)."""
    return datetime.datetime.fromisoformat(str(run["updated_at"]).replace("Z", "+00:00"))


def finished_last(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run that finished last; a tie goes to the workflow listed last, so every start agrees."""
    return max(enumerate(runs), key=lambda pair: (finished_at(pair[1]), pair[0]))[1]


def write(path_variable: str, text: str) -> None:
    with open(os.environ[path_variable], "a", encoding="utf-8") as handle:
        handle.write(text)


DEPLOY, STAND_DOWN, REFUSE = "deploy", "stand down", "refuse"


def decide(commit: str, trigger: str, workflows: list[str], branch: str) -> tuple[str, list[str], str]:
    """DEPLOY, STAND_DOWN (this start deploys nothing, and that is fine) or REFUSE (the step fails), with
    the annotations to print and the job summary's line."""
    manual = not trigger
    if not FULL_SHA.fullmatch(commit):
        message = f"{commit!r} is not a full commit SHA; give the 40-character SHA of a commit on {branch}"
        # the summary is markdown: it does not repeat what someone typed
        summary = f"**{TITLE}:** the commit to promote is not a full 40-character commit SHA."
        return REFUSE, [f"::error title={TITLE}::{command_text(message)}"], summary
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    repository, token = os.environ["GITHUB_REPOSITORY"], os.environ["GITHUB_TOKEN"]
    runs = {
        workflow: newest(push_runs(api, repository, workflow, commit, branch, token))
        for workflow in workflows
    }
    problems = [text for workflow, run in runs.items() if (text := problem(workflow, run, branch))]
    if problems:
        # A manual promotion asked for this commit: say why not, and fail. A start by workflow_run
        # stands down: the run still going will start deploy.yaml again, a failed one failed visibly.
        level, verdict = ("error", REFUSE) if manual else ("notice", STAND_DOWN)
        annotations = [f"::{level} title={TITLE}::{command_text(f'{commit}: {text}')}" for text in problems]
        return verdict, annotations, f"**{TITLE}:** {commit} does not deploy: {'; '.join(problems)}."
    if not manual:
        last = finished_last([run for run in runs.values() if run is not None])
        if str(last["id"]) != trigger:
            workflow = next(name for name, run in runs.items() if run is last)
            message = f"{commit} deploys in the run that {workflow} started: it finished last"
            return (
                STAND_DOWN,
                [f"::notice title={TITLE}::{command_text(message)}"],
                f"**{TITLE}:** {message}.",
            )
    return DEPLOY, [], f"**{TITLE}:** {', '.join(workflows)} succeeded for {commit}; it deploys."


def main() -> int:
    commit = os.environ["COMMIT"].strip()
    trigger = os.environ.get("TRIGGER_RUN_ID", "").strip()
    workflows = os.environ["REQUIRED_WORKFLOWS"].split()
    try:
        verdict, annotations, summary = decide(commit, trigger, workflows, os.environ["BRANCH"])
    except GateError as error:
        print(f"::error title={TITLE}::{command_text(str(error))}")
        return 1
    except (KeyError, TypeError, ValueError) as error:
        print(f"::error title={TITLE}::{command_text(f'unexpected answer from GitHub: {error!r}')}")
        return 1
    for line in annotations:
        print(line)
    print(summary.replace("**", ""))
    write("GITHUB_STEP_SUMMARY", summary + "\n")
    if verdict == REFUSE:
        return 1  # nothing reaches GITHUB_OUTPUT: a refused commit may not even be a SHA
    write("GITHUB_OUTPUT", f"deploy={'true' if verdict == DEPLOY else 'false'}\ncommit={commit}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
