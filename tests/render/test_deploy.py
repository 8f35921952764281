"""deploy.yaml, read back from the rendered YAML for the reference design and materially different ones:
which event deploys what, the release gate, deploys by digest, rollback jobs, previews per pull request,
secrets per environment, production by required reviewers or by manual promotion. Job conditions and the
concurrency group are evaluated with pipekit's copy of GitHub's expression evaluator against the event
payloads GitHub documents. Every output passes the schema, GitHub's parser, zizmor, the pin, input and
permission checks, and equals its golden file; the scripts it embeds are tested in tests/render/scripts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipekit import files, yamlio
from pipekit.check import run_all, zizmor
from pipekit.design import Design
from pipekit.errors import DesignError
from pipekit.github.expression_evaluation import evaluate
from pipekit.github.expression_syntax import parse
from pipekit.github.expressions import resolve
from pipekit.github.values import is_truthy
from pipekit.pipeline import graph as jobs
from pipekit.render import deploy

from ..designs import reference
from . import golden_files
from .support import Rendered, write_variants

DEPLOY_SCRIPT = """\
set -euo pipefail
# Roll out the image: "kubectl" reads $KUBECONFIG_DATA.
echo "$KUBECONFIG_DATA" > kubeconfig
kubectl --kubeconfig kubeconfig set image deployment/router router="$IMAGE"
kubectl rollout status deployment/router --timeout=5m  # wait: no more than 5 minutes
"""
HEALTH_SCRIPT = "curl --fail --max-time 5 'https://health.example/ready?deep=1' -H 'X-Probe: yes'"
SMOKE_SCRIPT = """\
./scripts/smoke.sh "$DEPLOY_URL" --suite 'critical: only'
test "$(curl -s "$DEPLOY_URL/version")" = "$GIT_SHA"
"""
ROLLBACK_SCRIPT = """\
kubectl rollout undo deployment/router  # back to the last good release
echo "rolled back $DEPLOY_ENVIRONMENT"
"""
TEARDOWN_SCRIPT = './scripts/preview.sh delete "pr-$PR_NUMBER"'

PREVIEWS = {"preview": {"secrets": ["PREVIEW_TOKEN"]}, "commands": {"teardown": "./teardown.sh"}}
DESIGNS: dict[str, dict[str, Any]] = {
    # The reference: ghcr.io image, manual promotion to production (a private Team repository), no previews.
    "default": {},
    # Previews per pull request, with their own token.
    "previews": {"deploy": PREVIEWS},
    # Required reviewers gate production: Enterprise, where private repositories have them.
    "reviewers": {"billing": {"plan": "enterprise"}, "deploy": {"production_approval": "reviewers"}},
    # No image: staging and production deploy the checked-out source once Test alone passed.
    "source-only": {"build": {"enabled": False}},
    # The team's own commands, environments, secrets, retries and registry, on a trunk branch.
    "custom": {
        "project": {"default_branch": "trunk"},
        "build": {"registry": "registry.example.com", "image": "acme/router"},
        "deploy": {
            "staging": {
                "environment": "stage-eu",
                "url": "https://stage-eu.acme.example",
                "secrets": ["KUBECONFIG_DATA", "SLACK_WEBHOOK"],
            },
            "production": {
                "environment": "prod-eu",
                "url": "https://acme.example/app",
                "secrets": ["KUBECONFIG_DATA"],
            },
            "preview": {
                "environment": "pr-preview",
                "url": "https://pr-{pr}.review.acme.example",
                "secrets": ["REVIEW_KUBECONFIG"],
            },
            "commands": {
                "deploy": DEPLOY_SCRIPT,
                "health": HEALTH_SCRIPT,
                "smoke": SMOKE_SCRIPT,
                "rollback": ROLLBACK_SCRIPT,
                "teardown": TEARDOWN_SCRIPT,
            },
            "health_retries": 4,
            "health_interval_seconds": 20,
            "timeout_minutes": 12,
        },
    },
}
DEPLOY_JOBS = ("preview", "staging", "production")
ROLLBACKS = {f"{job}-rollback": job for job in DEPLOY_JOBS}
SHA = "0123456789abcdef0123456789abcdef01234567"
REPOSITORY = "acme/modelmuxer"


def design(data: dict[str, Any]) -> Design:
    return reference(data)


def render(data: dict[str, Any]) -> str:
    text = deploy.render(design(data), "pipeline.yaml")
    assert text is not None
    return text


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return write_variants(tmp_path_factory.mktemp("deploy"), DESIGNS, render)


def workflow_of(rendered: Rendered, name: str) -> dict[str, Any]:
    return rendered[name][1]


def step(job: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [s for s in job["steps"] if s["name"] == name]
    assert isinstance(found, dict)
    return found


COMMAND_STEPS = ("Deploy", "Health check", "Smoke tests", "Roll back", "Tear down")


def command_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in job["steps"] if s["name"] in COMMAND_STEPS]


def walk(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every (key path, scalar) in a parsed workflow; keys are yielded too, as (path, key)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, "<key>"), key
            yield from walk(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from walk(item, (*path, str(index)))
    else:
        yield path, node


# --- GitHub's events and expressions ------------------------------------------------------------------
# The payload fields are the ones GitHub documents for each event (docs.github.com, "Events that trigger
# workflows" and "Webhook events and payloads": workflow_run.conclusion, event, head_branch, head_sha,
# head_repository; pull_request.number, head.repo.full_name; the activity type as github.event.action).


def workflow_run_event(**run: Any) -> dict[str, Any]:
    completed = {
        "id": 7001,
        "conclusion": "success",
        "event": "push",
        "head_branch": "main",
        "head_sha": SHA,
        "head_repository": {"full_name": REPOSITORY},
        **run,
    }
    # workflow_run runs the default branch's workflow file: GITHUB_REF is the default branch
    return {
        "event_name": "workflow_run",
        "ref": "refs/heads/main",
        "repository": REPOSITORY,
        "actor": "octocat",
        "run_id": 555,
        "event": {"workflow_run": completed},
    }


def pull_request_event(
    action: str = "synchronize", head: str = REPOSITORY, actor: str = "octocat"
) -> dict[str, Any]:
    return {
        "event_name": "pull_request",
        "ref": "refs/pull/42/merge",
        "repository": REPOSITORY,
        "actor": actor,
        "run_id": 556,
        "event": {"action": action, "pull_request": {"number": 42, "head": {"repo": {"full_name": head}}}},
    }


def dispatch_event(ref: str = "refs/heads/main") -> dict[str, Any]:
    return {
        "event_name": "workflow_dispatch",
        "ref": ref,
        "repository": REPOSITORY,
        "actor": "octocat",
        "run_id": 557,
    }


def holds(condition: str, github: dict[str, Any], needs: dict[str, Any] | None = None) -> bool:
    """Whether a job's if: holds; `needs` maps job ids to {result, outputs}."""
    contexts = {"github": github, "needs": needs or {}, "inputs": {}}
    return bool(is_truthy(evaluate(parse(condition, contexts), contexts)))


def group(workflow: dict[str, Any], github: dict[str, Any]) -> str:
    template = workflow["concurrency"]["group"]
    return str(resolve(template, {"github": github, "inputs": {}}, ("github", "inputs")).text)


# --- validators and golden files ----------------------------------------------------------------------


def test_every_output_passes_all_validators(rendered: Rendered) -> None:
    # schema, pinned actions' inputs, pin comments, least-privilege permissions, zizmor
    assert run_all([path for _, _, path in rendered.values()]) == []


@pytest.mark.parametrize("name", DESIGNS)
def test_matches_its_golden_file(rendered: Rendered, name: str) -> None:
    golden_files.check("deploy.yaml", name, rendered[name][0])


def test_every_golden_file_is_a_variant() -> None:
    golden_files.check_no_strays("deploy.yaml", DESIGNS)


def test_disabled_deploy_renders_nothing() -> None:
    assert deploy.render(design({"deploy": {"enabled": False}}), "pipeline.yaml") is None


def test_the_only_zizmor_suppression_is_the_workflow_run_trigger(rendered: Rendered, tmp_path: Path) -> None:
    """zizmor reports every workflow_run trigger (docs.zizmor.sh/audits/#dangerous-triggers): the run it
    starts has secrets whoever started the run it follows. deploy.yaml suppresses that one audit, on that
    one line; without the comment zizmor finds exactly that, so nothing else hides behind it."""
    for name, (text, _, _) in rendered.items():
        suppressions = [line for line in text.splitlines() if "zizmor:" in line]
        assert suppressions == [f"  workflow_run: # {deploy.IGNORE_DANGEROUS_TRIGGER}"], name
        bare = tmp_path / f"{name}.yaml"
        bare.write_text(text.replace(f" # {deploy.IGNORE_DANGEROUS_TRIGGER}", ""), encoding="utf-8")
        assert [(f.rule, f.line) for f in zizmor.check([bare])] == [("dangerous-triggers", 8)], name


# --- everywhere rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DESIGNS)
def test_hardening_rules(rendered: Rendered, name: str) -> None:
    text, workflow, _ = rendered[name]
    settings = design(DESIGNS[name])
    assert text.startswith("# Generated by pipekit from pipeline.yaml")
    assert workflow["name"] == "Deploy"
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    for job_id, job in workflow["jobs"].items():
        if job_id == "gate":
            assert job["timeout-minutes"] == deploy.GATE_TIMEOUT_MINUTES
            expected = {"actions": "read"}
            if settings.build.enabled and settings.build.registry == "ghcr.io":
                expected["packages"] = "read"
            assert job["permissions"] == expected
            assert "Check out" not in [s["name"] for s in job["steps"]]  # the gate runs no repository code
        else:
            assert job["timeout-minutes"] == settings.deploy.timeout_minutes
            assert job["permissions"] == {"contents": "read"}
            assert job["steps"][0]["uses"].startswith("actions/checkout@")
            assert job["steps"][0]["with"]["persist-credentials"] is False
        for each in job["steps"]:
            assert "${{" not in each.get("run", "")
    assert "actions: read # list the Test" in text


@pytest.mark.parametrize("name", DESIGNS)
def test_jobs_follow_the_job_graph(rendered: Rendered, name: str) -> None:
    workflow = workflow_of(rendered, name)
    specs = jobs.workflow_jobs(design(DESIGNS[name]), "deploy")
    assert list(workflow["jobs"]) == [spec.id for spec in specs]
    assert set(workflow["jobs"]) <= set(files.workflow_file("deploy").jobs)
    for spec in specs:
        job = workflow["jobs"][spec.id]
        assert job["runs-on"] == spec.runner
        needs = job.get("needs", [])
        assert ([needs] if isinstance(needs, str) else needs) == list(spec.needs)


# --- when deploy.yaml runs ----------------------------------------------------------------------------


def test_it_follows_the_workflows_test_and_build_yaml_name() -> None:
    """workflow_run names the workflows it follows by their `name:` (docs: "Events that trigger
    workflows", workflow_run); the names are the ones test.yaml and build.yaml render."""
    settings = design({})
    for stem, name in deploy.FOLLOWED.items():
        text = files.workflow_file(stem).render_function()(settings, "pipeline.yaml")
        assert text is not None
        assert yamlio.loads(text)["name"] == name


def test_triggers(rendered: Rendered) -> None:
    """workflow_run on completion of Test and Build for the default branch (its branches filter matches
    the completed run's head branch); pull_request with `closed` added to the default activity types
    (opened, synchronize, reopened) only with previews; workflow_dispatch with the commit to promote only
    for a manual promotion (docs: "Events that trigger workflows", workflow_run, pull_request,
    workflow_dispatch)."""
    default = workflow_of(rendered, "default")["on"]
    assert default["workflow_run"] == {
        "workflows": ["Test", "Build"],
        "types": ["completed"],
        "branches": ["main"],
    }
    assert list(default) == ["workflow_run", "workflow_dispatch"]
    commit = default["workflow_dispatch"]["inputs"]["commit"]
    assert (commit["required"], commit["type"]) == (True, "string")
    assert commit["description"].startswith("Full SHA of the main commit to promote")
    previews = workflow_of(rendered, "previews")["on"]
    assert previews["pull_request"] == {
        "branches": ["main"],
        "types": ["opened", "synchronize", "reopened", "closed"],
    }
    reviewers = workflow_of(rendered, "reviewers")["on"]
    assert list(reviewers) == ["workflow_run"]  # production follows staging: nothing to start by hand
    assert workflow_of(rendered, "source-only")["on"]["workflow_run"]["workflows"] == ["Test"]
    custom = workflow_of(rendered, "custom")["on"]
    assert custom["workflow_run"]["branches"] == ["trunk"]
    assert custom["pull_request"]["branches"] == ["trunk"]


def test_no_deploy_polls_the_registry(rendered: Rendered) -> None:
    """Deploys start when Test and Build completed; nothing waits for the image any more."""
    for text, workflow, _ in rendered.values():
        assert "Wait for the image" not in text and "WAIT_ATTEMPTS" not in text
        for job_id, job in workflow["jobs"].items():
            if job_id != "gate":
                assert all(
                    "sleep" not in s.get("run", "") for s in job["steps"] if s["name"] != "Health check"
                )


# --- the release gate ---------------------------------------------------------------------------------


def test_the_gate_lets_through_only_successful_pushes_to_the_default_branch(rendered: Rendered) -> None:
    condition = workflow_of(rendered, "default")["jobs"]["gate"]["if"]
    assert holds(condition, workflow_run_event())
    assert not holds(condition, workflow_run_event(conclusion="failure"))
    assert not holds(condition, workflow_run_event(conclusion="cancelled"))
    # a pull request's Build run, even from a fork whose branch is called main
    assert not holds(condition, workflow_run_event(event="pull_request"))
    assert not holds(condition, workflow_run_event(head_repository={"full_name": "fork/modelmuxer"}))
    assert not holds(condition, workflow_run_event(head_branch="release"))
    # a manual promotion, started from the default branch's copy of the file only
    assert holds(condition, dispatch_event())
    assert not holds(condition, dispatch_event("refs/heads/feature/x"))
    assert not holds(condition, pull_request_event())
    reviewers = workflow_of(rendered, "reviewers")["jobs"]["gate"]["if"]
    assert holds(reviewers, workflow_run_event())
    assert not holds(reviewers, dispatch_event())  # with required reviewers nobody promotes by hand
    custom = workflow_of(rendered, "custom")["jobs"]["gate"]["if"]
    assert holds(custom, workflow_run_event(head_branch="trunk"))
    assert not holds(custom, workflow_run_event())


def test_the_gate_checks_every_followed_workflow_and_reads_the_digest(rendered: Rendered) -> None:
    gate = workflow_of(rendered, "default")["jobs"]["gate"]
    check = step(gate, "Test and Build succeeded")
    assert check["run"] == deploy.GATE
    assert check["env"] == {
        "COMMIT": "${{ github.event.workflow_run.head_sha || inputs.commit }}",
        "TRIGGER_RUN_ID": "${{ github.event.workflow_run.id }}",
        "REQUIRED_WORKFLOWS": "test.yaml build.yaml",
        "BRANCH": "main",
        "GITHUB_TOKEN": "${{ github.token }}",
    }
    digest = step(gate, "Image digest")
    assert digest["run"] == deploy.IMAGE_DIGEST
    assert digest["if"] == step(gate, "Log in to ghcr.io")["if"] == "steps.gate.outputs.deploy == 'true'"
    assert digest["env"] == {
        "IMAGE": "${{ steps.image.outputs.name }}",
        "COMMIT": "${{ steps.gate.outputs.commit }}",
    }
    # the digest alone leaves the job: an output holding a secret's value is dropped by the runner
    assert gate["outputs"] == {
        "deploy": "${{ steps.gate.outputs.deploy }}",
        "commit": "${{ steps.gate.outputs.commit }}",
        "digest": "${{ steps.digest.outputs.digest }}",
    }
    source_only = workflow_of(rendered, "source-only")["jobs"]["gate"]
    assert [s["name"] for s in source_only["steps"]] == ["Test succeeded"]
    assert step(source_only, "Test succeeded")["env"]["REQUIRED_WORKFLOWS"] == "test.yaml"
    assert "digest" not in source_only["outputs"]
    reviewers = step(workflow_of(rendered, "reviewers")["jobs"]["gate"], "Test and Build succeeded")
    assert reviewers["env"]["COMMIT"] == "${{ github.event.workflow_run.head_sha }}"
    custom = workflow_of(rendered, "custom")["jobs"]["gate"]
    assert step(custom, "Image digest")["env"]["IMAGE"] == "registry.example.com/acme/router"
    assert step(custom, "Test and Build succeeded")["env"]["BRANCH"] == "trunk"


# --- deploys ------------------------------------------------------------------------------------------


def test_staging_deploys_what_the_gate_let_through(rendered: Rendered) -> None:
    staging = workflow_of(rendered, "default")["jobs"]["staging"]
    assert staging["needs"] == "gate"
    let_through = {"gate": {"result": "success", "outputs": {"deploy": "true", "commit": SHA}}}
    stood_down = {"gate": {"result": "success", "outputs": {"deploy": "false", "commit": SHA}}}
    assert holds(staging["if"], workflow_run_event(), let_through)
    assert not holds(staging["if"], workflow_run_event(), stood_down)
    assert not holds(staging["if"], dispatch_event(), let_through)  # a promotion goes to production only


def test_production_by_manual_promotion_or_after_staging_with_reviewers(rendered: Rendered) -> None:
    """manual: a workflow_dispatch run with the commit, checked by the gate; reviewers: right after staging
    in the same run, where the environment's required reviewers hold the job (docs: "Deployments and
    environments", required reviewers)."""
    let_through = {"gate": {"result": "success", "outputs": {"deploy": "true", "commit": SHA}}}
    manual = workflow_of(rendered, "default")["jobs"]["production"]
    assert manual["needs"] == "gate"
    assert holds(manual["if"], dispatch_event(), let_through)
    assert not holds(manual["if"], workflow_run_event(), let_through)
    reviewed = workflow_of(rendered, "reviewers")["jobs"]["production"]
    assert reviewed["needs"] == ["gate", "staging"]
    assert holds(reviewed["if"], workflow_run_event(), let_through)
    assert not holds(reviewed["if"], dispatch_event(), let_through)


@pytest.mark.parametrize("name", DESIGNS)
def test_production_environment_comment_says_how_it_is_approved(rendered: Rendered, name: str) -> None:
    text = rendered[name][0]
    line = next(
        line for line in text[text.index("\n  production:\n") :].splitlines() if "environment:" in line
    )
    if design(DESIGNS[name]).deploy.production_approval == "reviewers":
        assert "required reviewers" in line and "protection rules" in line
    else:
        assert "promotes a commit" in line and "Run workflow" in line


def test_staging_and_production_deploy_the_image_by_digest(rendered: Rendered) -> None:
    """The gate reads build.yaml's sha-<commit> tag once; every job after it names the image by that
    digest, so staging and production run the same bytes whatever the tag points at later."""
    for name, image in (
        ("default", "${{ steps.image.outputs.name }}"),
        ("custom", "registry.example.com/acme/router"),
    ):
        for job_id, job in workflow_of(rendered, name)["jobs"].items():
            if job_id in ("gate", "preview", "preview-rollback", "preview-teardown"):
                continue
            for each in command_steps(job):
                assert each["env"]["IMAGE"] == f"{image}@${{{{ needs.gate.outputs.digest }}}}"
                assert each["env"]["GIT_SHA"] == "${{ needs.gate.outputs.commit }}"
            assert job["steps"][0]["with"]["ref"] == "${{ needs.gate.outputs.commit }}"
        assert ":sha-" not in str(
            {job_id: job for job_id, job in workflow_of(rendered, name)["jobs"].items() if job_id != "gate"}
        )
    for job in workflow_of(rendered, "source-only")["jobs"].values():
        assert all("IMAGE" not in each.get("env", {}) for each in job["steps"])


# --- rollbacks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["previews", "reviewers", "custom"])
def test_a_rollback_job_follows_each_deploy_job(rendered: Rendered, name: str) -> None:
    workflow = workflow_of(rendered, name)
    for rollback, deployed in ROLLBACKS.items():
        if deployed not in workflow["jobs"]:
            continue
        job = workflow["jobs"][rollback]
        needs = [job["needs"]] if isinstance(job["needs"], str) else job["needs"]
        assert needs[-1] == deployed
        assert workflow["jobs"][deployed]["outputs"] == {"deploy_outcome": "${{ steps.deploy.outcome }}"}
        assert [s["name"] for s in job["steps"]][-1] == "Roll back"
        # the environment's secrets, without a deployment record of its own
        assert job["environment"]["deployment"] is False
        assert job["environment"]["name"] == workflow["jobs"][deployed]["environment"]["name"]


@pytest.mark.parametrize(
    ("result", "outcome", "rolls_back"),
    [
        ("failure", "success", True),  # deployed, then the health check or smoke tests failed
        ("failure", "failure", True),  # the deploy command itself failed
        ("cancelled", "cancelled", True),  # cancelled, or timed out, during the deploy
        ("cancelled", "success", True),  # cancelled, or timed out, during the health check
        ("success", "success", False),  # healthy: nothing to undo
        ("failure", "skipped", False),  # failed before the deploy step (checkout): nothing deployed
        ("cancelled", None, False),  # cancelled before it started, or its approval was rejected
        ("skipped", None, False),  # the gate stood down
    ],
)
def test_rollback_runs_after_a_failed_cancelled_or_timed_out_deploy(
    rendered: Rendered, result: str, outcome: str | None, rolls_back: bool
) -> None:
    """A timed-out job is cancelled (docs: workflow syntax, jobs.<job_id>.timeout-minutes), and a step's
    failure() does not hold on cancellation, so the rollback is a job of its own: always() lets it run
    after its need failed. The runner evaluates job outputs after the steps, cancelled or not
    (actions/runner src/Runner.Worker/JobRunner.cs: FinalizeJob in `finally`), so the deploy step's
    outcome says whether a deploy began; it is empty when the job never reached it."""
    for name in ("previews", "reviewers"):
        for rollback, deployed in ROLLBACKS.items():
            workflow = workflow_of(rendered, name)
            if rollback not in workflow["jobs"]:
                continue
            condition = workflow["jobs"][rollback]["if"]
            assert condition.startswith("always() && ")
            outputs = {} if outcome is None else {"deploy_outcome": outcome}
            needs = {
                deployed: {"result": result, "outputs": outputs},
                "gate": {"result": "success", "outputs": {}},
            }
            assert holds(condition.removeprefix("always() && "), workflow_run_event(), needs) is rolls_back


def test_production_rollback_names_its_reviewers(rendered: Rendered) -> None:
    """Required reviewers apply to every job that names the environment, deployment: false or not (docs:
    "Deploying with GitHub Actions", using environments without deployments): the comment says so."""
    text = rendered["reviewers"][0]
    section = text[text.index("\n  production-rollback:\n") :]
    line = next(line for line in section.splitlines() if "environment:" in line)
    assert "required reviewers approve a rollback too" in line


# --- previews -----------------------------------------------------------------------------------------


def test_previews_are_named_by_their_pull_request(rendered: Rendered) -> None:
    for name, environment, url in (
        ("previews", "preview", "https://pr-{pr}.preview.example.com"),
        ("custom", "pr-preview", "https://pr-{pr}.review.acme.example"),
    ):
        workflow = workflow_of(rendered, name)
        number = "${{ github.event.pull_request.number }}"
        preview = workflow["jobs"]["preview"]
        assert preview["environment"] == {
            "name": f"{environment}-{number}",
            "url": url.replace("{pr}", number),
        }
        for job_id in ("preview-rollback", "preview-teardown"):
            assert workflow["jobs"][job_id]["environment"] == {
                "name": f"{environment}-{number}",
                "deployment": False,
            }
        for job in (preview, workflow["jobs"]["preview-teardown"]):
            for each in command_steps(job):
                assert each["env"]["DEPLOY_ENVIRONMENT"] == f"{environment}-{number}"
                assert each["env"]["PR_NUMBER"] == number
                assert (
                    "IMAGE" not in each["env"]
                )  # build.yaml pushes no pull-request image: previews deploy source
        assert group(workflow, pull_request_event()) == f"deploy-{environment}-42"
        assert group(workflow, pull_request_event("closed")) == f"deploy-{environment}-42"


def test_previews_deploy_only_pull_requests_that_have_secrets_and_tear_down_on_close(
    rendered: Rendered,
) -> None:
    """Fork pull requests get no secrets; nor do Dependabot's runs (github.actor == 'dependabot[bot]': docs,
    "Troubleshooting Dependabot on GitHub Actions"). A closed pull request tears its preview down."""
    workflow = workflow_of(rendered, "previews")
    preview, teardown = workflow["jobs"]["preview"]["if"], workflow["jobs"]["preview-teardown"]["if"]
    for action in ("opened", "synchronize", "reopened"):
        assert holds(preview, pull_request_event(action))
        assert not holds(teardown, pull_request_event(action))
    assert holds(teardown, pull_request_event("closed"))
    assert not holds(preview, pull_request_event("closed"))
    for event in (
        pull_request_event(head="fork/modelmuxer"),
        pull_request_event(actor="dependabot[bot]"),
        workflow_run_event(),
        dispatch_event(),
    ):
        assert not holds(preview, event)
    assert not holds(teardown, pull_request_event("closed", head="fork/modelmuxer"))
    assert [s["name"] for s in workflow["jobs"]["preview-teardown"]["steps"]] == ["Check out", "Tear down"]
    assert step(workflow["jobs"]["preview-teardown"], "Tear down")["run"] == "./teardown.sh\n"


# --- concurrency --------------------------------------------------------------------------------------


def test_one_deploy_run_per_environment_at_a_time(rendered: Rendered) -> None:
    """A run holds its environment's group through deploy and rollback; a later run waits (never
    cancel-in-progress: a cancelled deploy would have to roll back). A run that deploys nothing has a group
    of its own, so it cannot replace a waiting run that does (docs: "Control the concurrency of workflows
    and jobs": a pending run in a group is cancelled by a newer one)."""
    default = workflow_of(rendered, "default")
    assert group(default, workflow_run_event()) == "deploy-staging"
    assert group(default, dispatch_event()) == "deploy-production"
    assert group(default, workflow_run_event(conclusion="failure")) == "deploy-555"
    assert group(default, workflow_run_event(event="pull_request")) == "deploy-555"
    assert group(default, dispatch_event("refs/heads/feature/x")) == "deploy-557"
    reviewers = workflow_of(rendered, "reviewers")
    assert group(reviewers, workflow_run_event()) == "deploy-staging"  # production follows in that run
    assert group(reviewers, dispatch_event()) == "deploy-557"
    custom = workflow_of(rendered, "custom")
    assert group(custom, workflow_run_event(head_branch="trunk")) == "deploy-stage-eu"
    assert group(custom, pull_request_event()) == "deploy-pr-preview-42"
    for _, workflow, _ in rendered.values():
        for job in workflow["jobs"].values():
            assert "concurrency" not in job


# --- the commands and what they get -------------------------------------------------------------------


def test_deploy_steps_deploy_check_health_and_smoke_test(rendered: Rendered) -> None:
    for name in DESIGNS:
        for job_id in DEPLOY_JOBS:
            job = workflow_of(rendered, name)["jobs"].get(job_id)
            if job is None:
                continue
            names = [s["name"] for s in job["steps"]]
            expected = ["Check out", "Deploy", "Health check", "Smoke tests"]
            # the repository name needs lower-casing; a configured image does not; previews use no image
            if name not in ("custom", "source-only") and job_id != "preview":
                expected.insert(1, "Image name in lower case")
            assert names == expected
            assert step(job, "Deploy")["id"] == "deploy"
            for each in command_steps(job):
                assert each["shell"] == "bash"


def test_user_commands_are_emitted_exactly(rendered: Rendered) -> None:
    workflow = workflow_of(rendered, "custom")
    for job_id in DEPLOY_JOBS:
        job = workflow["jobs"][job_id]
        assert step(job, "Deploy")["run"] == DEPLOY_SCRIPT
        assert step(job, "Smoke tests")["run"] == SMOKE_SCRIPT
        # the health command is data for the retry loop: the loop script never changes
        health = step(job, "Health check")
        assert health["env"]["HEALTH_COMMAND"] == HEALTH_SCRIPT + "\n"
        assert health["run"] == deploy.HEALTH_LOOP
        assert step(workflow["jobs"][f"{job_id}-rollback"], "Roll back")["run"] == ROLLBACK_SCRIPT
    assert step(workflow["jobs"]["preview-teardown"], "Tear down")["run"] == TEARDOWN_SCRIPT + "\n"
    # multi-line commands are literal blocks, in the file as the user wrote them
    assert (
        "        run: |\n          set -euo pipefail\n          # Roll out the image" in rendered["custom"][0]
    )


def test_each_job_gets_its_own_environments_secrets_in_its_command_steps_only(rendered: Rendered) -> None:
    """Secrets stay per environment: a job naming one environment reads only that environment's secrets,
    and only in the steps that run the team's commands (never in checkout)."""
    for name in DESIGNS:
        settings = design(DESIGNS[name]).deploy
        for job_id, job in workflow_of(rendered, name)["jobs"].items():
            referenced = {m for m in re.findall(r"secrets\.([A-Z_]+)", str(job))}
            if job_id == "gate":
                # the registry login alone: the token for ghcr.io, the registry's login elsewhere
                assert referenced <= {"GITHUB_TOKEN", "REGISTRY_USERNAME", "REGISTRY_PASSWORD"}
                continue
            target = getattr(settings, job_id.split("-")[0])
            assert referenced == set(target.secrets), (name, job_id)
            for each in job["steps"]:
                secrets_here = "secrets." in str(each.get("env", {}))
                assert secrets_here == (each in command_steps(job) and bool(target.secrets)), (name, job_id)
    custom = workflow_of(rendered, "custom")["jobs"]
    assert step(custom["preview"], "Deploy")["env"]["REVIEW_KUBECONFIG"] == "${{ secrets.REVIEW_KUBECONFIG }}"
    # the deploy command reads $KUBECONFIG_DATA everywhere; only staging and production fill it
    assert "secrets.KUBECONFIG_DATA" not in str(custom["preview"])
    assert "secrets.REVIEW_KUBECONFIG" not in str(custom["production"])
    assert "secrets.SLACK_WEBHOOK" in str(custom["staging"])
    assert "secrets.SLACK_WEBHOOK" not in str(custom["production"])


def test_previews_say_where_their_secrets_live(rendered: Rendered) -> None:
    """An environment a workflow names that does not exist is created without secrets (docs: "Managing
    environments for deployment"), so a preview-<number> environment has none: its secrets are the
    repository's."""
    text = rendered["previews"][0]
    line = next(line for line in text[text.index("\n  preview:\n") :].splitlines() if "environment:" in line)
    assert "repository secrets" in line


def test_commands_get_environment_sha_and_urls(rendered: Rendered) -> None:
    for name in ("default", "custom"):
        settings = design(DESIGNS[name]).deploy
        for job_id in ("staging", "production", "staging-rollback", "production-rollback"):
            target = getattr(settings, job_id.split("-")[0])
            for each in command_steps(workflow_of(rendered, name)["jobs"][job_id]):
                assert each["env"]["DEPLOY_ENVIRONMENT"] == target.environment
                assert each["env"]["DEPLOY_URL"] == target.url
    preview = step(workflow_of(rendered, "previews")["jobs"]["preview"], "Deploy")
    assert preview["env"]["GIT_SHA"] == "${{ github.sha }}"  # the checked-out merge commit


def test_health_check_retries(rendered: Rendered) -> None:
    for name, retries, interval in (("default", 10, 15), ("custom", 4, 20)):
        for job_id in ("staging", "production"):
            env = step(workflow_of(rendered, name)["jobs"][job_id], "Health check")["env"]
            assert (env["HEALTH_RETRIES"], env["HEALTH_INTERVAL_SECONDS"]) == (retries, interval)


def test_design_values_other_than_commands_stay_out_of_scripts(rendered: Rendered) -> None:
    workflow = workflow_of(rendered, "custom")
    allowed = {
        ("environment", "name"),
        ("environment", "url"),
        ("env", "DEPLOY_ENVIRONMENT"),
        ("env", "DEPLOY_URL"),
        ("concurrency", "group"),
    }
    values = ["stage-eu", "prod-eu", "pr-preview", "acme.example"]
    for path, scalar in walk(workflow):
        for value in values:
            if isinstance(scalar, str) and value in scalar:
                assert path[-2:] in allowed, (value, path)


# --- every option changes the output as a user expects ------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"health_retries": 7}, "HEALTH_RETRIES: 7\n"),
        ({"health_interval_seconds": 9}, "HEALTH_INTERVAL_SECONDS: 9\n"),
        ({"timeout_minutes": 44}, "timeout-minutes: 44\n"),
        ({"staging": {"secrets": ["API_KEY"]}}, "API_KEY: ${{ secrets.API_KEY }}\n"),
        ({"commands": {"deploy": "./deploy.sh"}}, "run: |\n          ./deploy.sh\n"),
        ({"commands": {"health": "./health.sh"}}, "HEALTH_COMMAND: |\n            ./health.sh\n"),
        ({"commands": {"smoke": "./smoke.sh"}}, "run: |\n          ./smoke.sh\n"),
        ({"commands": {"rollback": "./undo.sh"}}, "run: |\n          ./undo.sh\n"),
        ({"staging": {"environment": "qa", "url": "https://qa.example"}}, "url: https://qa.example\n"),
        ({"production": {"environment": "live", "url": "https://live.example"}}, "name: live\n"),
        ({"preview": {"environment": "review"}, "commands": {"teardown": "true"}}, "name: review-${{"),
    ],
)
def test_each_deploy_option_changes_the_output(change: dict[str, Any], expected: str) -> None:
    assert expected not in render({})
    assert expected in render({"deploy": change})


def test_no_smoke_command_means_no_smoke_step() -> None:
    text = render({"deploy": {"commands": {"smoke": None}}})
    assert "Smoke tests" not in text


# --- design values the workflow cannot honour ---------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"commands": {"deploy": "deploy --token ${{ secrets.TOKEN }}"}}, "deploy.commands.deploy"),
        ({"commands": {"rollback": "  \n"}}, "deploy.commands.rollback"),
        ({"commands": {"rollback": None}}, "deploy.commands.rollback"),
        ({"preview": {}}, "deploy.commands.teardown"),
        ({"staging": {"secrets": ["OK", "IMAGE"]}}, "deploy.staging.secrets[1]"),
        ({"production": {"secrets": ["HEALTH_RETRIES"]}}, "deploy.production.secrets[0]"),
        (
            {"health_retries": 100, "health_interval_seconds": 60, "timeout_minutes": 30},
            "deploy.health_retries",
        ),
        ({"production_approval": "reviewers"}, "deploy.production_approval"),  # private, Team plan
    ],
)
def test_unusable_designs_are_refused_with_their_key_path(change: dict[str, Any], path: str) -> None:
    with pytest.raises(DesignError) as error:
        render({"deploy": change})
    assert error.value.path == path
