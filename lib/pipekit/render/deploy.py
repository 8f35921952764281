"""deploy.yaml: previews for feature-branch pull requests, staging from the default branch, gated production.

Every deploy job runs the user's commands in order: deploy, a health check retried until it passes,
smoke tests, and a rollback when any of them fails. The commands are the user's shell, written as
they are; everything else from the design (environment names, URLs) reaches them only through `env:`.
Production waits for the approval that the GitHub environment's protection rules require.
"""

from __future__ import annotations

from typing import Any

from pipekit.design.model import Deploy, DeployCommands, Design, Environment
from pipekit.pipeline.graph import JobSpec
from pipekit.render import blocks as common
from pipekit.render import scripts
from pipekit.yamlio import Commented

TITLES = {"preview": "Deploy preview", "staging": "Deploy to staging", "production": "Deploy to production"}
APPROVAL = (
    "manual approval: add required reviewers to this environment's protection rules "
    "(Settings > Environments); the job waits for them"
)

HEALTH_LOOP = scripts.bash("health_check_loop.sh")
WAIT_FOR_IMAGE = scripts.bash("wait_for_image.sh")
WAIT_INTERVAL_SECONDS = 20  # how often staging looks for the image build.yaml pushes


def render(design: Design, design_file: str) -> str | None:
    builders = dict.fromkeys(("preview", "staging", "production"), _job)
    return common.render_workflow(design, design_file, "deploy", name="Deploy", builders=builders)


def _target(deploy: Deploy, job_id: str) -> Environment:
    target = {"preview": deploy.preview, "staging": deploy.staging, "production": deploy.production}[job_id]
    if target is None:
        raise ValueError(f"the job graph has a {job_id} job but the design has no such environment")
    return target


def _condition(design: Design, spec: JobSpec) -> str:
    if spec.id == "preview":
        # head_ref is the pull request's branch name: only compared here, never put into a script.
        # Fork pull requests get no secrets, so they cannot deploy.
        prefix = design.deploy.preview_branch_prefix
        return (
            f"github.event_name == 'pull_request' && startsWith(github.head_ref, '{prefix}') && "
            "github.event.pull_request.head.repo.full_name == github.repository"
        )
    events = sorted({*spec.triggers, "workflow_dispatch"})
    on_event = " || ".join(f"github.event_name == '{event}'" for event in events)
    # workflow_dispatch can start from any branch; only the default branch deploys.
    return f"github.ref == 'refs/heads/{design.project.default_branch}' && ({on_event})"


def _image(design: Design) -> tuple[list[common.Step], str]:
    """Steps that work out the image reference, and the reference: build.yaml's `sha-<full sha>` tag."""
    steps, reference = common.image_reference(design)
    return steps, f"{reference}:sha-${{{{ github.sha }}}}"


def _script(command: str) -> str:
    """The user's command as written; a final newline makes it a literal block in the YAML."""
    return command if command.endswith("\n") else command + "\n"


def _uses_image(design: Design, spec: JobSpec) -> bool:
    """Staging and production deploy the image build.yaml pushed; previews deploy the checked-out
    source, because build.yaml never pushes pull-request images."""
    return design.build.enabled and spec.id != "preview"


def _wait_steps(design: Design, image: str) -> list[common.Step]:
    attempts = -(-design.build.timeout_minutes * 60 // WAIT_INTERVAL_SECONDS)
    return [
        common.registry_login(design),
        common.step(
            "Wait for the image",
            env={"IMAGE": image, "WAIT_ATTEMPTS": attempts, "WAIT_INTERVAL_SECONDS": WAIT_INTERVAL_SECONDS},
            shell="bash",
            run=WAIT_FOR_IMAGE,
        ),
    ]


def _steps(design: Design, spec: JobSpec, target: Environment) -> list[common.Step]:
    deploy = design.deploy
    commands: DeployCommands = deploy.commands
    image_steps: list[common.Step] = []
    env: dict[str, Any] = {"DEPLOY_ENVIRONMENT": target.environment, "DEPLOY_URL": target.url}
    if _uses_image(design, spec):
        image_steps, image = _image(design)
        env["IMAGE"] = image
        if not spec.needs:  # production needs staging, which already waited
            image_steps += _wait_steps(design, image)
    env["GIT_SHA"] = "${{ github.sha }}"
    env.update({name: f"${{{{ secrets.{name} }}}}" for name in deploy.secrets})
    health_env = {
        **env,
        "HEALTH_COMMAND": _script(commands.health),
        "HEALTH_RETRIES": deploy.health_retries,
        "HEALTH_INTERVAL_SECONDS": deploy.health_interval_seconds,
    }
    return [
        common.checkout(),
        *image_steps,
        common.step("Deploy", id="deploy", env=env, shell="bash", run=_script(commands.deploy)),
        common.step("Health check", env=health_env, shell="bash", run=HEALTH_LOOP),
        common.step("Smoke tests", env=env, shell="bash", run=_script(commands.smoke)),
        common.step(
            "Roll back",
            # Only once the deploy step ran: a failed checkout leaves nothing to roll back.
            if_="failure() && steps.deploy.outcome != 'skipped'",
            env=env,
            shell="bash",
            run=_script(commands.rollback),
        ),
    ]


def _job(design: Design, spec: JobSpec) -> common.Job:
    target = _target(design.deploy, spec.id)
    waits = _uses_image(design, spec) and not spec.needs
    grants = {"contents": common.READ_CONTENTS}
    if waits and design.build.registry == common.GHCR:
        grants["packages"] = ("read", "look up the image build.yaml pushed to ghcr.io")
    job = common.job(
        name=TITLES[spec.id],
        runs_on=spec.runner,
        needs=spec.needs,
        if_=_condition(design, spec),
        environment={"name": target.environment, "url": target.url},
        # Waiting for the image can take as long as the build itself.
        timeout=design.deploy.timeout_minutes + (design.build.timeout_minutes if waits else 0),
        perms=common.permissions(**grants),
        steps=_steps(design, spec, target),
    )
    result: common.Job = {}
    for key, value in job.items():
        result[key] = (
            Commented(value, APPROVAL) if key == "environment" and spec.id == "production" else value
        )
        if key == "environment":
            # One deploy per environment at a time; a queued one waits rather than cancelling a deploy.
            result["concurrency"] = {"group": f"deploy-{target.environment}", "cancel-in-progress": False}
    return result
