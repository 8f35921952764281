"""deploy.yaml: previews per pull request, staging once Test and Build succeeded for a push to the default
branch, production behind required reviewers or by a manual promotion; every deploy by image digest.

When it runs. GitHub's workflow_run event starts deploy.yaml each time test.yaml or build.yaml completes;
it runs the default branch's copy of this file, and `github.event.workflow_run` describes the completed
run (head_sha, conclusion, event, head_branch, head_repository). The release gate lets a commit through
once every one of those workflows succeeded for a push of it to the default branch (scripts/deploy_gate.py
reads their runs with the GITHUB_TOKEN and `actions: read`), and turns build.yaml's `sha-<commit>` tag
into a digest once (scripts/image_digest.py): staging and production deploy that digest. With
production_approval `reviewers`, production follows staging and waits for the environment's required
reviewers; with `manual`, someone promotes a commit with workflow_dispatch and the gate checks it the same
way. Pull requests from this repository deploy a preview named by their number and tear it down when they
close; fork and Dependabot pull requests get no secrets, so they deploy nothing.

Each deploy job runs the team's commands: deploy, a health check retried until it passes, smoke tests. A
rollback job follows each one and runs the rollback command when the deploy job failed or was cancelled (a
timed-out job is cancelled) after its deploy step began: a job of its own runs when the deploy job's steps
no longer can. Each job gets its own environment's secrets, in the steps that run the commands only; other
design values reach the commands only through env:.
"""

from __future__ import annotations

from typing import Any

from pipekit import files
from pipekit.design.model import DeployCommands, Design, Environment, Preview
from pipekit.pipeline import graph
from pipekit.pipeline.graph import JobSpec
from pipekit.render import blocks as common
from pipekit.render import scripts
from pipekit.yamlio import Commented, dumps

TITLES = {
    "preview": "Deploy preview",
    "preview-rollback": "Roll back preview",
    "preview-teardown": "Tear down preview",
    "gate": "Release gate",
    "staging": "Deploy to staging",
    "staging-rollback": "Roll back staging",
    "production": "Deploy to production",
    "production-rollback": "Roll back production",
}
# The `name:` test.yaml and build.yaml give themselves: workflow_run names the workflows it follows.
FOLLOWED = {"test": "Test", "build": "Build"}

HEALTH_LOOP = scripts.bash("health_check_loop.sh")
GATE = scripts.python("deploy_gate.py", scripts.RUNNER_PYTHON)
IMAGE_DIGEST = scripts.python("image_digest.py", scripts.RUNNER_PYTHON)
GATE_TIMEOUT_MINUTES = 10  # a few API requests and one registry look-up

PR_NUMBER = "${{ github.event.pull_request.number }}"
COMMIT = "${{ needs.gate.outputs.commit }}"
DIGEST = "${{ needs.gate.outputs.digest }}"
# Fork pull requests get no secrets, nor do Dependabot's (GitHub gives its runs Dependabot secrets only).
FROM_THIS_REPOSITORY = (
    "github.event.pull_request.head.repo.full_name == github.repository && github.actor != 'dependabot[bot]'"
)
# A deploy job's output: its deploy step's outcome, empty when the job ended before the step was reached.
OUTCOME = "deploy_outcome"
STARTED = '["success", "failure", "cancelled"]'
PULL_REQUEST_TYPES = ["opened", "synchronize", "reopened", "closed"]  # the defaults, and closed
IGNORE_DANGEROUS_TRIGGER = (
    "zizmor: ignore[dangerous-triggers] only successful pushes to the default branch of this repository "
    "deploy (the release gate's if:)"
)


def render(design: Design, design_file: str) -> str | None:
    specs = graph.workflow_jobs(design, "deploy")
    if not specs:
        return None
    builders = {
        "preview": _deploy_job,
        "preview-rollback": _rollback_job,
        "preview-teardown": _teardown_job,
        "gate": _gate_job,
        "staging": _deploy_job,
        "staging-rollback": _rollback_job,
        "production": _deploy_job,
        "production-rollback": _rollback_job,
    }
    data = common.workflow(
        name="Deploy", on=_triggers(design), jobs={spec.id: builders[spec.id](design, spec) for spec in specs}
    )
    # Runs wait per environment instead of cancelling: a cancelled deploy would need its rollback.
    data["concurrency"] = _concurrency(design)
    header = common.header(design, design_file, files.workflow_file("deploy").name)
    return dumps(common.with_design_pins(data, design), header=header)


# --------------------------------------------------------------------------------------------- events


def _manual(design: Design) -> bool:
    return design.deploy.production_approval == "manual"


def _followed(design: Design) -> list[str]:
    """The workflows a commit must pass before it deploys, by their stems."""
    return ["test", "build"] if design.build.enabled else ["test"]


def _followed_names(design: Design) -> str:
    return " and ".join(FOLLOWED[stem] for stem in _followed(design))


def _triggers(design: Design) -> dict[str, Any]:
    branch = design.project.default_branch
    workflow_run = {
        "workflows": [FOLLOWED[stem] for stem in _followed(design)],
        "types": ["completed"],
        "branches": [branch],  # the run's head branch; the release gate checks event and repository too
    }
    # zizmor flags every workflow_run: it starts with secrets whoever started the run it follows.
    on: dict[str, Any] = {"workflow_run": Commented(workflow_run, IGNORE_DANGEROUS_TRIGGER)}
    if design.deploy.preview is not None:
        on["pull_request"] = {"branches": [branch], "types": PULL_REQUEST_TYPES}
    if _manual(design):
        passed = _followed_names(design)
        commit = {
            "description": f"Full SHA of the {branch} commit to promote ({passed} passed for it)",
            "required": True,
            "type": "string",
        }
        on["workflow_dispatch"] = {"inputs": {"commit": commit}}
    return on


def _pushed(design: Design) -> str:
    """A workflow_run event that may deploy: a successful run for a push to the default branch here."""
    branch = design.project.default_branch
    run = "github.event.workflow_run"
    return (
        f"github.event_name == 'workflow_run' && {run}.conclusion == 'success' && {run}.event == 'push' && "
        f"{run}.head_branch == '{branch}' && {run}.head_repository.full_name == github.repository"
    )


def _promoted(design: Design) -> str:
    """A manual promotion, started from the default branch's copy of this file."""
    branch = design.project.default_branch
    return f"github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/{branch}'"


def _concurrency(design: Design) -> dict[str, Any]:
    """One run per environment at a time, deploy and rollback together: a later run waits, and replaces
    an earlier one still waiting. A run that deploys nothing gets a group of its own, so it never replaces
    one that does."""
    deploy = design.deploy
    choices = []
    if deploy.preview is not None:
        choices.append(
            f"github.event_name == 'pull_request' && format('{deploy.preview.environment}-{{0}}', "
            "github.event.pull_request.number)"
        )
    choices.append(f"{_pushed(design)} && '{deploy.staging.environment}'")
    if _manual(design):
        choices.append(f"{_promoted(design)} && '{deploy.production.environment}'")
    choices.append("github.run_id")
    return {"group": "deploy-${{ " + " || ".join(choices) + " }}", "cancel-in-progress": False}


# --------------------------------------------------------------------------------------- environments


def _target_id(spec: JobSpec) -> str:
    """The environment a job acts on: ``staging`` for staging and staging-rollback."""
    return spec.id.split("-")[0]


def _target(design: Design, spec: JobSpec) -> Environment | Preview:
    deploy = design.deploy
    target_id = _target_id(spec)
    targets = {"preview": deploy.preview, "staging": deploy.staging, "production": deploy.production}
    target = targets[target_id]
    if target is None:
        raise ValueError(f"the job graph has a {spec.id} job but the design has no {target_id} environment")
    return target


def _name_and_url(target: Environment | Preview) -> tuple[str, str]:
    """The GitHub environment and its URL; a preview's are its pull request's (the number is an integer)."""
    if isinstance(target, Preview):
        return f"{target.environment}-{PR_NUMBER}", target.url.replace("{pr}", PR_NUMBER)
    return target.environment, target.url


def _environment_comment(design: Design, spec: JobSpec) -> str | None:
    if spec.id == "production":
        if _manual(design):
            return "runs when someone promotes a commit: Actions > Deploy > Run workflow, with its full SHA"
        return (
            "approval: add required reviewers to this environment's protection rules (Settings > "
            "Environments); the job waits for them"
        )
    if spec.id == "production-rollback" and not _manual(design):
        return "the required reviewers approve a rollback too: they apply to every job naming the environment"
    if spec.id == "preview":
        return (
            "created on first use, with no secrets: the preview's secrets are repository secrets, "
            "staging's and production's stay in their environments"
        )
    return None


def _environment(design: Design, spec: JobSpec, *, deployment: bool) -> dict[str, Any]:
    """The job's environment; without a deployment record for a rollback or teardown, which use the
    environment for its secrets only (GitHub still applies its protection rules)."""
    name, url = _name_and_url(_target(design, spec))
    return {"name": name, "url": url} if deployment else {"name": name, "deployment": False}


def _commented(design: Design, spec: JobSpec, job: common.Job) -> common.Job:
    """`job` with the comment its environment carries, if any."""
    comment = _environment_comment(design, spec)
    if comment is not None:
        job["environment"] = Commented(job["environment"], comment)
    return job


def _uses_image(design: Design, spec: JobSpec) -> bool:
    """Staging and production deploy the image build.yaml pushed; previews deploy the checked-out source,
    because build.yaml never pushes pull-request images."""
    return design.build.enabled and _target_id(spec) != "preview"


def _command_env(design: Design, spec: JobSpec) -> tuple[list[common.Step], dict[str, Any]]:
    """Steps that work out the image name, and the env: the team's commands get."""
    target = _target(design, spec)
    name, url = _name_and_url(target)
    env: dict[str, Any] = {"DEPLOY_ENVIRONMENT": name, "DEPLOY_URL": url}
    image_steps: list[common.Step] = []
    if _uses_image(design, spec):
        image_steps, image = common.image_reference(design)
        env["IMAGE"] = f"{image}@{DIGEST}"
    if isinstance(target, Preview):
        env["PR_NUMBER"] = PR_NUMBER
        if spec.id != "preview-teardown":
            env["GIT_SHA"] = "${{ github.sha }}"
    else:
        env["GIT_SHA"] = COMMIT
    env.update({secret: f"${{{{ secrets.{secret} }}}}" for secret in target.secrets})
    return image_steps, env


def _checkout(spec: JobSpec) -> common.Step:
    """The commit being deployed: the gate's for staging and production, the event's for previews."""
    return common.checkout() if _target_id(spec) == "preview" else common.checkout(ref=COMMIT)


def _script(command: str) -> str:
    """The user's command as written; a final newline makes it a literal block in the YAML."""
    return command if command.endswith("\n") else command + "\n"


# ----------------------------------------------------------------------------------------------- jobs


def _gate_job(design: Design, spec: JobSpec) -> common.Job:
    condition = f"({_pushed(design)})"
    commit = "${{ github.event.workflow_run.head_sha }}"
    if _manual(design):
        condition += f" || ({_promoted(design)})"
        commit = "${{ github.event.workflow_run.head_sha || inputs.commit }}"
    followed = _followed_names(design)
    grants = {"actions": ("read", f"list the {followed} runs of the commit")}
    gate = common.step(
        f"{followed} succeeded",
        id="gate",
        env={
            "COMMIT": commit,
            "TRIGGER_RUN_ID": "${{ github.event.workflow_run.id }}",  # empty for a manual promotion
            "REQUIRED_WORKFLOWS": " ".join(files.workflow_file(stem).name for stem in _followed(design)),
            "BRANCH": design.project.default_branch,
            "GITHUB_TOKEN": "${{ github.token }}",
        },
        shell="bash",
        run=GATE,
    )
    steps = [gate]
    outputs = {"deploy": "${{ steps.gate.outputs.deploy }}", "commit": "${{ steps.gate.outputs.commit }}"}
    if design.build.enabled:
        if design.build.registry == common.GHCR:
            grants["packages"] = ("read", "read the image's digest from ghcr.io")
        name_steps, image = common.image_reference(design)
        passed = "steps.gate.outputs.deploy == 'true'"
        digest = common.step(
            "Image digest",
            id="digest",
            if_=passed,
            env={"IMAGE": image, "COMMIT": "${{ steps.gate.outputs.commit }}"},
            shell="bash",
            run=IMAGE_DIGEST,
        )
        steps += [*name_steps, common.registry_login(design, if_=passed), digest]
        outputs["digest"] = "${{ steps.digest.outputs.digest }}"
    return common.job(
        name=TITLES[spec.id],
        runs_on=spec.runner,
        if_=condition,
        timeout=GATE_TIMEOUT_MINUTES,
        perms=common.permissions(**grants),
        outputs=outputs,
        steps=steps,
    )


def _pull_request(action: str) -> str:
    """A pull_request event from this repository whose activity type passes `action` (``== 'closed'``)."""
    return f"github.event_name == 'pull_request' && github.event.action {action} && {FROM_THIS_REPOSITORY}"


def _deploy_condition(design: Design, spec: JobSpec) -> str:
    if spec.id == "preview":
        return _pull_request("!= 'closed'")
    event = "workflow_dispatch" if spec.id == "production" and _manual(design) else "workflow_run"
    return f"github.event_name == '{event}' && needs.gate.outputs.deploy == 'true'"


def _deploy_job(design: Design, spec: JobSpec) -> common.Job:
    commands: DeployCommands = design.deploy.commands
    assert commands.deploy and commands.health, "the design rules require them"
    image_steps, env = _command_env(design, spec)
    health_env = {
        **env,
        "HEALTH_COMMAND": _script(commands.health),
        "HEALTH_RETRIES": design.deploy.health_retries,
        "HEALTH_INTERVAL_SECONDS": design.deploy.health_interval_seconds,
    }
    smoke = (
        [common.step("Smoke tests", env=env, shell="bash", run=_script(commands.smoke))]
        if commands.smoke
        else []
    )
    job = common.job(
        name=TITLES[spec.id],
        runs_on=spec.runner,
        needs=spec.needs,
        if_=_deploy_condition(design, spec),
        environment=_environment(design, spec, deployment=True),
        timeout=design.deploy.timeout_minutes,
        perms=common.permissions(contents=common.READ_CONTENTS),
        outputs={OUTCOME: "${{ steps.deploy.outcome }}"},
        steps=[
            _checkout(spec),
            *image_steps,
            common.step("Deploy", id="deploy", env=env, shell="bash", run=_script(commands.deploy)),
            common.step("Health check", env=health_env, shell="bash", run=HEALTH_LOOP),
            *smoke,
        ],
    )
    return _commented(design, spec, job)


def _rollback_job(design: Design, spec: JobSpec) -> common.Job:
    commands = design.deploy.commands
    assert commands.rollback, "the design rules require it"
    deployed = spec.needs[-1]  # the deploy job it follows
    image_steps, env = _command_env(design, spec)
    # always(): the job runs although the job it needs failed. The deploy step's outcome tells a deploy
    # that began (success, failure, cancelled) from a job stopped before it, or never run (no outcome).
    condition = (
        f"always() && (needs.{deployed}.result == 'failure' || needs.{deployed}.result == 'cancelled') && "
        f"contains(fromJSON('{STARTED}'), needs.{deployed}.outputs.{OUTCOME})"
    )
    job = common.job(
        name=TITLES[spec.id],
        runs_on=spec.runner,
        needs=spec.needs,
        if_=condition,
        environment=_environment(design, spec, deployment=False),
        timeout=design.deploy.timeout_minutes,
        perms=common.permissions(contents=common.READ_CONTENTS),
        steps=[
            _checkout(spec),
            *image_steps,
            common.step("Roll back", env=env, shell="bash", run=_script(commands.rollback)),
        ],
    )
    return _commented(design, spec, job)


def _teardown_job(design: Design, spec: JobSpec) -> common.Job:
    commands = design.deploy.commands
    assert commands.teardown, "the design rules require it with previews"
    _, env = _command_env(design, spec)
    return common.job(
        name=TITLES[spec.id],
        runs_on=spec.runner,
        if_=_pull_request("== 'closed'"),
        environment=_environment(design, spec, deployment=False),
        timeout=design.deploy.timeout_minutes,
        perms=common.permissions(contents=common.READ_CONTENTS),
        steps=[
            _checkout(spec),
            common.step("Tear down", env=env, shell="bash", run=_script(commands.teardown)),
        ],
    )
