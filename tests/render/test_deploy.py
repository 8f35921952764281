"""deploy.yaml, read back from the rendered YAML for the default design and materially different ones: which
event deploys where, environments and their concurrency, the user's commands as written, and design values
reaching them only through env:. Every output passes the schema, GitHub's parser, zizmor and the pin
checks, and equals its golden file; the health loop and the image wait are tested in tests/render/scripts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipekit.check import run_all
from pipekit.design import Design, design_from_data
from pipekit.errors import DesignError
from pipekit.pipeline import graph as jobs
from pipekit.render import deploy

from . import golden_files
from .support import write_variants

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

DESIGNS: dict[str, dict[str, Any]] = {
    "default": {},
    # Previews off: only pushes deploy, so the workflow has no pull_request trigger.
    "no-preview": {"deploy": {"preview": None}},
    # The user's own commands, environments, secrets, retries and image, on a trunk branch.
    "custom": {
        "project": {"default_branch": "trunk"},
        "build": {"registry": "registry.example.com", "image": "acme/router"},
        "deploy": {
            "staging": {"environment": "stage-eu", "url": "https://stage-eu.acme.example"},
            "production": {"environment": "prod-eu", "url": "https://acme.example/app"},
            "preview": {"environment": "pr-preview", "url": "https://review.acme.example"},
            "preview_branch_prefix": "preview/",
            "commands": {
                "deploy": DEPLOY_SCRIPT,
                "health": HEALTH_SCRIPT,
                "smoke": SMOKE_SCRIPT,
                "rollback": ROLLBACK_SCRIPT,
            },
            "secrets": ["KUBECONFIG_DATA", "SLACK_WEBHOOK"],
            "health_retries": 4,
            "health_interval_seconds": 20,
            "timeout_minutes": 12,
        },
    },
}


def design(data: dict[str, Any]) -> Design:
    return design_from_data(data)


def render(data: dict[str, Any]) -> str:
    text = deploy.render(design(data), "pipeline.yaml")
    assert text is not None
    return text


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, dict[str, Any], Path]]:
    return write_variants(tmp_path_factory.mktemp("deploy"), DESIGNS, render)


def step(job: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [s for s in job["steps"] if s["name"] == name]
    assert isinstance(found, dict)
    return found


def command_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [step(job, name) for name in ("Deploy", "Health check", "Smoke tests", "Roll back")]


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


# --- validators -------------------------------------------------------------------------------


def test_every_output_passes_all_validators(rendered: dict[str, tuple[str, dict[str, Any], Path]]) -> None:
    # schema, pinned actions' inputs, pin comments, GitHub's parser, zizmor
    assert run_all([path for _, _, path in rendered.values()]) == []


@pytest.mark.parametrize("name", DESIGNS)
def test_matches_its_golden_file(rendered: dict[str, tuple[str, dict[str, Any], Path]], name: str) -> None:
    golden_files.check("deploy.yaml", name, rendered[name][0])


def test_every_golden_file_is_a_variant() -> None:
    golden_files.check_no_strays("deploy.yaml", DESIGNS)


def test_disabled_deploy_renders_nothing() -> None:
    assert deploy.render(design({"deploy": {"enabled": False}}), "pipeline.yaml") is None


# --- everywhere rules -------------------------------------------------------------------------


@pytest.mark.parametrize("name", DESIGNS)
def test_hardening_rules(rendered: dict[str, tuple[str, dict[str, Any], Path]], name: str) -> None:
    text, workflow, _ = rendered[name]
    assert text.startswith("# Generated by pipekit from pipeline.yaml")
    assert workflow["name"] == "Deploy"
    assert workflow["permissions"] == {}
    assert "cancel-in-progress" in workflow["concurrency"]
    settings = design(DESIGNS[name])
    for job_id, job in workflow["jobs"].items():
        waits = job_id == "staging" and settings.build.enabled
        # staging first waits for build.yaml's image, which can take as long as the build
        extra = settings.build.timeout_minutes if waits else 0
        assert job["timeout-minutes"] == settings.deploy.timeout_minutes + extra
        expected = {"contents": "read"}
        if waits and settings.build.registry == "ghcr.io":
            expected["packages"] = "read"
        assert job["permissions"] == expected
        assert job["steps"][0]["uses"].startswith("actions/checkout@")
        assert job["steps"][0]["with"] == {"persist-credentials": False}
        for each in job["steps"]:
            assert "${{" not in each.get("run", "")
    assert "contents: read # check out the repository" in text


@pytest.mark.parametrize("name", DESIGNS)
def test_jobs_follow_the_job_graph(rendered: dict[str, tuple[str, dict[str, Any], Path]], name: str) -> None:
    _, workflow, _ = rendered[name]
    specs = jobs.workflow_jobs(design(DESIGNS[name]), "deploy")
    assert list(workflow["jobs"]) == [spec.id for spec in specs]
    for spec in specs:
        job = workflow["jobs"][spec.id]
        assert job["runs-on"] == spec.runner
        needs = job.get("needs", [])
        assert ([needs] if isinstance(needs, str) else needs) == list(spec.needs)


def test_triggers_follow_preview(rendered: dict[str, tuple[str, dict[str, Any], Path]]) -> None:
    assert rendered["default"][1]["on"] == {
        "push": {"branches": ["main"]},
        "pull_request": {"branches": ["main"]},
        "workflow_dispatch": {},
    }
    assert list(rendered["default"][1]["jobs"]) == ["preview", "staging", "production"]
    no_preview = rendered["no-preview"][1]
    assert no_preview["on"] == {"push": {"branches": ["main"]}, "workflow_dispatch": {}}
    assert list(no_preview["jobs"]) == ["staging", "production"]
    assert rendered["custom"][1]["on"]["push"] == {"branches": ["trunk"]}


# --- which event deploys where ----------------------------------------------------------------


def test_preview_runs_only_for_feature_branch_pull_requests_from_this_repository(
    rendered: dict[str, tuple[str, dict[str, Any], Path]],
) -> None:
    for name, prefix in (("default", "feature/"), ("custom", "preview/")):
        condition = rendered[name][1]["jobs"]["preview"]["if"]
        assert condition == (
            f"github.event_name == 'pull_request' && startsWith(github.head_ref, '{prefix}') && "
            "github.event.pull_request.head.repo.full_name == github.repository"
        )
    # The branch name is compared in if: only; no script ever sees it.
    for text, _, _ in rendered.values():
        assert text.count("github.head_ref") == text.count("startsWith(github.head_ref")


def test_staging_and_production_deploy_only_the_default_branch(
    rendered: dict[str, tuple[str, dict[str, Any], Path]],
) -> None:
    for name, branch in (("default", "main"), ("no-preview", "main"), ("custom", "trunk")):
        workflow = rendered[name][1]
        for job_id in ("staging", "production"):
            assert workflow["jobs"][job_id]["if"] == (
                f"github.ref == 'refs/heads/{branch}' && "
                "(github.event_name == 'push' || github.event_name == 'workflow_dispatch')"
            )
        assert workflow["jobs"]["production"]["needs"] == "staging"
        assert "needs" not in workflow["jobs"]["staging"]


def test_environments_and_per_environment_concurrency(
    rendered: dict[str, tuple[str, dict[str, Any], Path]],
) -> None:
    for name in DESIGNS:
        settings = design(DESIGNS[name]).deploy
        for job_id, job in rendered[name][1]["jobs"].items():
            target = getattr(settings, job_id)
            assert job["environment"] == {"name": target.environment, "url": target.url}
            assert job["concurrency"] == {
                "group": f"deploy-{target.environment}",
                "cancel-in-progress": False,
            }
            keys = list(job)
            assert keys.index("concurrency") == keys.index("environment") + 1


@pytest.mark.parametrize("name", DESIGNS)
def test_production_environment_comment_names_the_approval(
    rendered: dict[str, tuple[str, dict[str, Any], Path]], name: str
) -> None:
    text = rendered[name][0]
    production = text[text.index("\n  production:\n") :]
    line = next(line for line in production.splitlines() if line.strip().startswith("environment:"))
    assert line.startswith("    environment: # ")
    comment = line.split("#", 1)[1].lower()
    assert "approval" in comment and "protection rules" in comment and "required reviewers" in comment
    # staging and preview deploy without waiting, so their environment carries no such comment
    for other in ("staging", "preview"):
        if f"\n  {other}:\n" in text:
            section = text[text.index(f"\n  {other}:\n") : text.index("\n  production:\n")]
            assert "    environment:\n" in section


# --- the steps ---------------------------------------------------------------------------------


def test_steps_deploy_check_health_smoke_test_and_roll_back(
    rendered: dict[str, tuple[str, dict[str, Any], Path]],
) -> None:
    for name in DESIGNS:
        for job_id, job in rendered[name][1]["jobs"].items():
            names = [s["name"] for s in job["steps"]]
            expected = ["Check out", "Deploy", "Health check", "Smoke tests", "Roll back"]
            if job_id == "staging":  # build.yaml runs beside this workflow: wait for its push
                registry = design(DESIGNS[name]).build.registry
                expected[1:1] = [f"Log in to {registry}", "Wait for the image"]
            # the repository name needs lower-casing; a configured image does not; previews use no image
            if name != "custom" and job_id != "preview":
                expected.insert(1, "Image name in lower case")
            assert names == expected
            assert step(job, "Deploy")["id"] == "deploy"
            rollback = step(job, "Roll back")
            assert rollback["if"] == "failure() && steps.deploy.outcome != 'skipped'"
            for each in command_steps(job):
                assert each["shell"] == "bash"


def test_user_commands_are_emitted_exactly(rendered: dict[str, tuple[str, dict[str, Any], Path]]) -> None:
    commands = design(DESIGNS["custom"]).deploy.commands
    for job in rendered["custom"][1]["jobs"].values():
        assert step(job, "Deploy")["run"] == DEPLOY_SCRIPT == commands.deploy
        assert step(job, "Smoke tests")["run"] == SMOKE_SCRIPT
        assert step(job, "Roll back")["run"] == ROLLBACK_SCRIPT
        # the health command is data for the retry loop: the loop script never changes
        health = step(job, "Health check")
        assert health["env"]["HEALTH_COMMAND"] == HEALTH_SCRIPT + "\n"
        assert health["run"] == deploy.HEALTH_LOOP
    # multi-line commands are literal blocks, in the file as the user wrote them
    text = rendered["custom"][0]
    assert "        run: |\n          set -euo pipefail\n          # Roll out the image" in text
    # one-line defaults gain only the final newline that makes them a literal block
    default = design({}).deploy.commands
    for job in rendered["default"][1]["jobs"].values():
        assert step(job, "Deploy")["run"] == default.deploy + "\n"
        assert step(job, "Smoke tests")["run"] == default.smoke + "\n"
        assert step(job, "Roll back")["run"] == default.rollback + "\n"
        assert step(job, "Health check")["env"]["HEALTH_COMMAND"] == default.health + "\n"


def test_commands_get_environment_image_sha_and_secrets(
    rendered: dict[str, tuple[str, dict[str, Any], Path]],
) -> None:
    for name, image, secrets in (
        ("default", "${{ steps.image.outputs.name }}", ["DEPLOY_TOKEN"]),
        ("custom", "registry.example.com/acme/router", ["KUBECONFIG_DATA", "SLACK_WEBHOOK"]),
    ):
        settings = design(DESIGNS[name]).deploy
        for job_id, job in rendered[name][1]["jobs"].items():
            target = getattr(settings, job_id)
            for each in command_steps(job):
                env = each["env"]
                assert env["DEPLOY_ENVIRONMENT"] == target.environment
                assert env["DEPLOY_URL"] == target.url
                # build.yaml's metadata-action tag type=sha,format=long is sha-<full commit sha>
                if job_id == "preview":  # pull-request images are never pushed: previews deploy source
                    assert "IMAGE" not in env
                else:
                    assert env["IMAGE"] == f"{image}:sha-${{{{ github.sha }}}}"
                assert env["GIT_SHA"] == "${{ github.sha }}"
                for secret in secrets:
                    assert env[secret] == f"${{{{ secrets.{secret} }}}}"
            # secrets reach the user's commands only, never the checkout action
            assert "env" not in job["steps"][0]
            assert all(
                "secrets." not in str(s.get("env")) for s in job["steps"] if s not in command_steps(job)
            )
            # only the registry login (staging's wait for the image) holds a credential
            logins = [s for s in job["steps"] if str(s.get("uses", "")).startswith("docker/login-action@")]
            assert len(logins) == (1 if job_id == "staging" else 0)
    lower = step(rendered["default"][1]["jobs"]["staging"], "Image name in lower case")
    assert lower["env"] == {"IMAGE": "ghcr.io/${{ github.repository }}"}
    assert '"${IMAGE,,}"' in lower["run"] and "$GITHUB_OUTPUT" in lower["run"]


def test_health_check_retries(rendered: dict[str, tuple[str, dict[str, Any], Path]]) -> None:
    for name, retries, interval in (("default", 10, 15), ("custom", 4, 20)):
        for job in rendered[name][1]["jobs"].values():
            env = step(job, "Health check")["env"]
            assert (env["HEALTH_RETRIES"], env["HEALTH_INTERVAL_SECONDS"]) == (retries, interval)


def test_design_values_other_than_commands_stay_out_of_scripts(
    rendered: dict[str, tuple[str, dict[str, Any], Path]],
) -> None:
    _, workflow, _ = rendered["custom"]
    allowed = {
        ("environment", "name"),
        ("environment", "url"),
        ("env", "DEPLOY_ENVIRONMENT"),
        ("env", "DEPLOY_URL"),
        ("concurrency", "group"),
    }
    values = ["stage-eu", "prod-eu", "pr-preview", "acme.example", "review.acme.example"]
    for path, scalar in walk(workflow):
        for value in values:
            if isinstance(scalar, str) and value in scalar:
                assert path[-2:] in allowed, (value, path)
    for job in workflow["jobs"].values():
        for each in job["steps"]:
            assert "preview/" not in each.get("run", "")


# --- every option changes the output as a user expects -----------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"preview_branch_prefix": "feat-"}, "startsWith(github.head_ref, 'feat-')"),
        ({"health_retries": 7}, "HEALTH_RETRIES: 7\n"),
        ({"health_interval_seconds": 9}, "HEALTH_INTERVAL_SECONDS: 9\n"),
        ({"timeout_minutes": 44}, "timeout-minutes: 44\n"),
        ({"secrets": ["API_KEY"]}, "API_KEY: ${{ secrets.API_KEY }}\n"),
        ({"commands": {"deploy": "./deploy.sh"}}, "run: |\n          ./deploy.sh\n"),
        ({"commands": {"health": "./health.sh"}}, "HEALTH_COMMAND: |\n            ./health.sh\n"),
        ({"commands": {"smoke": "./smoke.sh"}}, "run: |\n          ./smoke.sh\n"),
        ({"commands": {"rollback": "./undo.sh"}}, "run: |\n          ./undo.sh\n"),
        ({"staging": {"environment": "qa", "url": "https://qa.example"}}, "url: https://qa.example\n"),
        ({"production": {"environment": "live", "url": "https://live.example"}}, "group: deploy-live\n"),
        ({"preview": {"environment": "review", "url": "https://r.example"}}, "name: review\n"),
    ],
)
def test_each_deploy_option_changes_the_output(change: dict[str, Any], expected: str) -> None:
    default = render({})
    changed = render({"deploy": change})
    assert expected not in default
    assert expected in changed


def test_no_secrets_means_no_secret_references() -> None:
    text = render({"deploy": {"secrets": []}})
    # the only secret left is the token the ghcr.io login uses to look up the image
    assert [line.strip() for line in text.splitlines() if "secrets." in line] == [
        "password: ${{ secrets.GITHUB_TOKEN }}"
    ]
    assert "secrets." not in render({"deploy": {"secrets": []}, "build": {"enabled": False}})


# --- design values the workflow cannot honour ---------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"commands": {"deploy": "deploy --token ${{ secrets.TOKEN }}"}}, "deploy.commands.deploy"),
        ({"commands": {"rollback": "  \n"}}, "deploy.commands.rollback"),
        ({"secrets": ["OK", "IMAGE"]}, "deploy.secrets[1]"),
        ({"secrets": ["HEALTH_RETRIES"]}, "deploy.secrets[0]"),
        (
            {"health_retries": 100, "health_interval_seconds": 60, "timeout_minutes": 30},
            "deploy.health_retries",
        ),
    ],
)
def test_unusable_designs_are_refused_with_their_key_path(change: dict[str, Any], path: str) -> None:
    with pytest.raises(DesignError) as error:
        render({"deploy": change})
    assert error.value.path == path
