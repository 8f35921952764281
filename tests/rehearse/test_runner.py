"""The runner's semantics on hand-written workflows, each case with the rule it follows (GitHub docs
"Workflow syntax for GitHub Actions", "Store information in variables", "Workflow commands", "Contexts";
actions/runner src/Runner.Worker/StepsRunner.cs and FileCommandManager.cs)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipekit.facts.runners import load_catalog
from pipekit.rehearse import runner
from pipekit.rehearse.events import Event, github_context
from pipekit.rehearse.expressions import Evaluator
from pipekit.rehearse.report import JobReport, Report
from pipekit.rehearse.runner import Selection, Setting, rehearse
from pipekit.rehearse.workspace import Commits, git

from ..repo.fixtures import commit_all, write


@pytest.fixture(scope="module")
def evaluator() -> Iterator[Evaluator]:
    with Evaluator() as shared:
        yield shared


def _rehearse(
    tmp_path: Path,
    evaluator: Evaluator,
    workflow: str,
    *,
    event: Event = "push",
    selection: Selection | None = None,
) -> Report:
    folder = tmp_path / "rehearsal"
    workspace = commit_all(write(folder / "repo", {"README.md": "app\n", "sub/keep.txt": "x\n"}))
    (folder / "bin").mkdir()
    path = folder / "workflow.yaml"
    path.write_text(textwrap.dedent(workflow), encoding="utf-8")
    head = git(workspace, "rev-parse", "HEAD")
    github = github_context(
        event,
        Commits(head=head, base=None, branch="main"),
        repository="acme/app",
        default_branch="main",
        workspace=workspace,
        run_id=1,
    )
    (folder / "event.json").write_text("{}", encoding="utf-8")
    setting = Setting(
        folder=folder,
        workspace=workspace,
        tools=tmp_path / "tools",
        event=event,
        github=github,
        default_branch="main",
        catalog=load_catalog(),
        custom_runners={},
        progress=lambda line: None,
    )
    return rehearse(setting, [path], selection or Selection(), evaluator)


def _job(report: Report, leg: str) -> JobReport:
    (found,) = [job for job in report.jobs if job.leg == leg]
    return found


def _steps(job: JobReport) -> dict[str, tuple[str, str]]:
    return {step.name: (step.outcome, step.reason) for step in job.steps}


def test_env_layers_and_file_commands_reach_later_steps(tmp_path: Path, evaluator: Evaluator) -> None:
    report = _rehearse(
        tmp_path,
        evaluator,
        """
        on: push
        env: {A: workflow, W: only-workflow}
        jobs:
          one:
            runs-on: ubuntu-latest
            env: {A: job, B: job}
            steps:
              - id: first
                run: |
                  echo "C=from-github-env" >> "$GITHUB_ENV"
                  echo "/opt/added" >> "$GITHUB_PATH"
                  echo "answer=42" >> "$GITHUB_OUTPUT"
                  printf 'NOTES<<EOF\\nline one\\nline two\\nEOF\\n' >> "$GITHUB_ENV"
              - name: Check
                env:
                  B: step
                  FROM_OUTPUT: ${{ steps.first.outputs.answer }}
                  FROM_CONTEXT: ${{ env.C }}
                run: |
                  test "$A|$B|$C|$W" = "job|step|from-github-env|only-workflow"
                  test "$FROM_OUTPUT|$FROM_CONTEXT" = "42|from-github-env"
                  test "${PATH%%:*}" = /opt/added
                  test "$NOTES" = "$(printf 'line one\\nline two')"
                  test "$CI|$GITHUB_ACTIONS|$RUNNER_OS|$GITHUB_REPOSITORY" = "true|true|Linux|acme/app"
                  test "$(pwd)" = "$GITHUB_WORKSPACE"
        """,
    )
    job = _job(report, "one")
    assert [step.outcome for step in job.steps] == ["success", "success"], job.steps
    assert job.outcome == "success"


def test_a_failed_step_skips_what_follows_unless_its_if_says_otherwise(
    tmp_path: Path, evaluator: Evaluator
) -> None:
    report = _rehearse(
        tmp_path,
        evaluator,
        """
        on: push
        jobs:
          one:
            runs-on: ubuntu-latest
            steps:
              - name: Allowed to fail
                continue-on-error: true
                run: exit 3
              - name: Still runs
                run: "true"
              - name: Fails
                run: |
                  echo "::error title=Gate::the gate found 2 problems"
                  exit 1
              - name: Skipped
                run: "true"
              - name: On failure
                if: failure()
                run: "true"
              - name: Always
                if: ${{ always() }}
                run: "true"
        """,
    )
    job = _job(report, "one")
    steps = _steps(job)
    assert steps["Allowed to fail"][0] == "failure"
    assert "continue-on-error" in steps["Allowed to fail"][1]
    assert steps["Still runs"][0] == "success"
    assert steps["Fails"] == ("failure", "the gate found 2 problems (exit code 1)")
    assert steps["Skipped"][0] == "skipped"
    assert steps["On failure"][0] == steps["Always"][0] == "success"
    assert job.outcome == "failure"
    assert report.failed


def test_needs_pass_outputs_and_a_failed_need_skips_all_but_always(
    tmp_path: Path, evaluator: Evaluator
) -> None:
    report = _rehearse(
        tmp_path,
        evaluator,
        """
        on: push
        jobs:
          make:
            runs-on: ubuntu-latest
            outputs:
              value: ${{ steps.set.outputs.value }}
            steps:
              - id: set
                run: echo "value=made" >> "$GITHUB_OUTPUT"
          use:
            needs: make
            runs-on: ubuntu-latest
            steps:
              - env: {VALUE: "${{ needs.make.outputs.value }}"}
                run: test "$VALUE" = made
          broken:
            runs-on: ubuntu-latest
            steps:
              - run: exit 1
          after-broken:
            needs: [broken, use]
            runs-on: ubuntu-latest
            steps:
              - run: "true"
          report:
            needs: [broken]
            if: always() && needs.broken.result == 'failure'
            runs-on: ubuntu-latest
            steps:
              - run: "true"
          not-on-push:
            if: github.event_name == 'pull_request'
            runs-on: ubuntu-latest
            steps:
              - run: exit 1
        """,
    )
    outcomes = {job.job: job.outcome for job in report.jobs}
    assert outcomes == {
        "make": "success",
        "use": "success",
        "broken": "failure",
        "after-broken": "skipped",
        "report": "success",
        "not-on-push": "skipped",
    }


def test_a_skipped_need_skips_success_but_not_always(tmp_path: Path, evaluator: Evaluator) -> None:
    report = _rehearse(
        tmp_path,
        evaluator,
        """
        on: push
        jobs:
          never:
            if: false
            runs-on: ubuntu-latest
            steps: [{run: "true"}]
          plain:
            needs: never
            runs-on: ubuntu-latest
            steps: [{run: "true"}]
          explicit:
            needs: never
            if: success() || failure()
            runs-on: ubuntu-latest
            steps: [{run: "true"}]
          always:
            needs: never
            if: always()
            runs-on: ubuntu-latest
            steps: [{run: "true"}]
        """,
    )
    outcomes = {job.job: job.outcome for job in report.jobs}
    assert outcomes == {"never": "skipped", "plain": "skipped", "explicit": "skipped", "always": "success"}


def test_time_limits_and_working_directories(tmp_path: Path, evaluator: Evaluator) -> None:
    report = _rehearse(
        tmp_path,
        evaluator,
        """
        on: push
        defaults:
          run:
            working-directory: sub
        jobs:
          one:
            runs-on: ubuntu-latest
            steps:
              - name: In sub
                run: test -f keep.txt
              - name: Too slow
                timeout-minutes: 0.01
                run: sleep 20
              - name: Missing folder
                if: always()
                working-directory: nowhere
                run: "true"
        """,
    )
    steps = _steps(_job(report, "one"))
    assert steps["In sub"][0] == "success"
    assert steps["Too slow"] == ("failure", "stopped at the time limit (0.0 min)")
    assert steps["Missing folder"] == (
        "failure",
        "working-directory nowhere does not exist in the repository",
    )


def test_other_operating_systems_and_actions_without_stand_ins_are_not_rehearsed(
    tmp_path: Path, evaluator: Evaluator
) -> None:
    report = _rehearse(
        tmp_path,
        evaluator,
        """
        on: push
        jobs:
          legs:
            strategy:
              matrix:
                os: [ubuntu-latest, windows-latest, macos-latest]
            runs-on: ${{ matrix.os }}
            steps:
              - run: "true"
          scan:
            runs-on: ubuntu-latest
            steps:
              - name: Before
                run: "true"
              - name: Scan
                uses: aquasecurity/trivy-action@0000000000000000000000000000000000000000
              - name: After
                run: exit 1
        """,
    )
    assert _job(report, "legs (ubuntu-latest)").outcome == "success"
    assert _job(report, "legs (windows-latest)").outcome == "not_rehearsed"
    assert _job(report, "legs (windows-latest)").reason == "runs on windows-latest (windows)"
    assert _job(report, "legs (macos-latest)").reason == "runs on macos-latest (macos)"
    scan = _job(report, "scan")
    assert scan.outcome == "partial"  # never "success": part of it did not run
    steps = _steps(scan)
    assert steps["Before"][0] == "success"
    assert steps["Scan"][0] == "not_rehearsed"
    assert steps["After"] == ("not_rehearsed", "follows 'Scan', which was not rehearsed")
    assert not report.failed
    assert {entry["step"] for entry in report.not_rehearsed()} == {"Scan", "After", None}


def test_each_job_starts_from_a_fresh_checkout_without_the_users_token(
    tmp_path: Path, evaluator: Evaluator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_not_for_rehearsals")
    monkeypatch.setenv("GH_TOKEN", "ghp_not_for_rehearsals")
    report = _rehearse(
        tmp_path,
        evaluator,
        """
        on: push
        jobs:
          first:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  touch built.txt
                  echo changed > README.md
          second:
            needs: first
            runs-on: ubuntu-latest
            steps:
              - run: |
                  test ! -e built.txt
                  test "$(cat README.md)" = app
                  test -z "${GITHUB_TOKEN:-}${GH_TOKEN:-}"
        """,
    )
    assert [job.outcome for job in report.jobs] == ["success", "success"]


def test_selection_takes_a_job_with_what_it_needs_and_filters_legs(
    tmp_path: Path, evaluator: Evaluator
) -> None:
    workflow = """
        on: push
        jobs:
          base:
            runs-on: ubuntu-latest
            steps: [{run: "true"}]
          other:
            runs-on: ubuntu-latest
            steps: [{run: "true"}]
          top:
            needs: base
            strategy:
              matrix:
                python: ["3.11", "3.12"]
            runs-on: ubuntu-latest
            steps: [{run: "true"}]
        """
    selection = Selection(jobs=frozenset({"top"}), leg={"python": "3.12"})
    report = _rehearse(tmp_path, evaluator, workflow, selection=selection)
    assert [job.leg for job in report.jobs] == ["base", "top (3.12)"]


def test_a_workflow_the_event_does_not_start_is_noted(tmp_path: Path, evaluator: Evaluator) -> None:
    report = _rehearse(
        tmp_path,
        evaluator,
        """
        on:
          push:
            branches: [release]
        jobs:
          one:
            runs-on: ubuntu-latest
            steps: [{run: exit 1}]
        """,
    )
    assert report.jobs == []
    assert report.notes == ["workflow.yaml: not started (its push branches filter leaves out main)"]


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("::error::plain", "plain"),
        ("::error title=Gate::2 problems", "2 problems"),
        ("::error file=ledger/rates.py,title=License header::missing", "ledger/rates.py: missing"),
        ("  ::error file=a%2Cb.py,line=7,col=2::first%0Asecond", "a,b.py:7: first"),
        ("::error title=Only a title::", "Only a title"),
        ("::warning::not an error", None),
        ("error: plain text", None),
    ],
)
def test_error_annotations_read_as_github_shows_them(line: str, shown: str | None) -> None:
    assert runner.error_annotation(line) == shown


def test_failure_reasons_leave_out_terminal_colours(tmp_path: Path) -> None:
    log = tmp_path / "step.log"
    coloured = "\x1b[90m1:51PM\x1b[0m \x1b[33mWRN\x1b[0m \x1b[1mleaks found: 1\x1b[0m\n"
    log.write_text(coloured, encoding="utf-8")
    assert runner._failure_reason(log, "exit code 1") == "1:51PM WRN leaks found: 1 (exit code 1)"
