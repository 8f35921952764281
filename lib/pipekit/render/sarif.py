"""Where a scanner's SARIF report goes: GitHub code scanning where the repository has it and the run's
token may write to it, a workflow artifact otherwise, and a job summary of the findings always.

Code scanning exists for public repositories and for private ones with GitHub Code Security
(`pipeline.graph.code_security`). Pull requests from forks and every run Dependabot starts get a read-only
GITHUB_TOKEN, whatever the job asks for, so an upload there would fail the job: those runs keep the
report as an artifact instead.
"""

from __future__ import annotations

from pipekit.design.model import Design
from pipekit.pipeline import graph
from pipekit.render import blocks as common
from pipekit.render import scripts
from pipekit.render.blocks import Step
from pipekit.yamlio import Commented

# The run's token can write: not started by Dependabot (github.actor stays dependabot[bot] on re-runs),
# and not a pull request from another repository.
TOKEN_CAN_WRITE = (
    "github.actor != 'dependabot[bot]' && (github.event_name != 'pull_request'"
    " || github.event.pull_request.head.repo.full_name == github.repository)"
)
SUMMARY = scripts.python("sarif_summary.py", scripts.RUNNER_PYTHON)
SECURITY_EVENTS_WRITE = ("write", "upload SARIF results to code scanning")
ACTIONS_READ = ("read", "upload-sarif reads the workflow run on private repositories")


def artifact_name(category: str) -> str:
    return f"sarif-{category}"


def steps(design: Design, *, scanner: str, category: str, sarif_file: str, report_only: bool) -> list[Step]:
    """The steps after a scan that wrote `sarif_file`: its summary, then code scanning or an artifact.

    Each runs even when the scan step failed on findings, and only when the report exists."""
    written = f"always() && hashFiles('{sarif_file}') != ''"
    result = [
        common.step(
            f"Summarize the {scanner} results",
            if_="always()",
            env={"SARIF_FILE": sarif_file, "SCANNER": scanner, "REPORT_ONLY": str(report_only).lower()},
            run=SUMMARY,
        )
    ]
    keep_if = written
    if graph.code_security(design):
        result.append(
            common.step(
                f"Upload the {scanner} results to code scanning",
                uses_action="github/codeql-action/upload-sarif",
                if_=f"{written} && {TOKEN_CAN_WRITE}",
                with_={"sarif_file": sarif_file, "category": category},
            )
        )
        keep_if = f"{written} && !({TOKEN_CAN_WRITE})"
    artifact = common.step(
        f"Keep the {scanner} results as an artifact",
        uses_action="actions/upload-artifact",
        if_=keep_if,
        with_={
            "name": artifact_name(category),
            "path": sarif_file,
            "retention-days": design.project.artifact_retention_days,
        },
    )
    if not graph.code_security(design):
        artifact["with"]["path"] = Commented(
            sarif_file,
            "code scanning needs a public repository or GitHub Code Security (security.code_security)",
        )
    return [*result, artifact]


def grants(design: Design) -> dict[str, tuple[str, str]]:
    """What a job with SARIF steps needs beyond checkout: nothing unless it uploads to code scanning;
    upload-sarif fails with 403 on private repositories without `actions: read`."""
    if not graph.code_security(design):
        return {}
    result: dict[str, tuple[str, str]] = {}
    if design.billing.visibility == "private":
        result["actions"] = ACTIONS_READ
    result["security_events"] = SECURITY_EVENTS_WRITE
    return result
