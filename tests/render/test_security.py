"""security.yaml for the reference design and materially different ones, read back from the rendered YAML:
the scanners' jobs, their triggers, permissions and inputs, where their SARIF goes, and each option's
effect. Every output passes the schema, the action-input, permission and pin checks and zizmor, and equals
its golden file. Bandit's gate runs here with the real Bandit; the gitleaks, SARIF-summary and pip-audit
steps are run in tests/render/scripts."""

from __future__ import annotations

import shlex
import tomllib
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from pipekit import yamlio
from pipekit.check import run_all
from pipekit.facts import gitleaks, tools
from pipekit.github.expressions import resolve
from pipekit.pipeline import graph
from pipekit.render import blocks, sarif, security

from ..designs import reference
from . import golden_files
from .scripts.support import run_step
from .support import Rendered, write_variants

ALL_JOBS = ["gitleaks", "trivy", "bandit", "pip-audit", "dependency-review", "sbom"]
TOGGLES = {
    "gitleaks": "gitleaks",
    "trivy": "trivy",
    "bandit": "bandit",
    "pip-audit": "pip_audit",
    "dependency-review": "dependency_review",
    "sbom": "sbom",
}
SARIF_JOBS = {"gitleaks": "gitleaks.sarif", "trivy": "trivy-fs.sarif", "bandit": "bandit.sarif"}
IS_PR = "github.event_name == 'pull_request'"
CODE_SECURITY = {"security": {"code_security": True}}

DESIGNS: dict[str, dict[str, Any]] = {
    # The reference: a private repository on Team without Code Security, so no code scanning and no
    # dependency review; SARIF reports are kept as artifacts.
    "default": {},
    # A public repository (code scanning and dependency review for free), pip instead of Poetry, other
    # folders, categories, branch, schedule and retention.
    "public-pip": {
        "project": {
            "package_manager": "pip",
            "source_dirs": ["src/router", "plugins"],
            "default_branch": "trunk",
            "python": "3.13",
            "name": "router",
            "artifact_retention_days": 30,
        },
        "billing": {"visibility": "public"},
        "security": {
            "schedule": "0 6 * * *",
            "timeout_minutes": 45,
            "gitleaks": {"category": "secrets"},
            "trivy": {"severity": ["CRITICAL"], "ignore_unfixed": False, "category": "filesystem"},
            "bandit": {"severity": "high", "confidence": "low", "category": "sast"},
            "dependency_review": {"fail_on_severity": "critical"},
        },
    },
    # A private repository with GitHub Code Security.
    "code-security": CODE_SECURITY,
    # Trivy and Bandit report without failing.
    "report-only": {
        "security": {"trivy": {"fail_on_findings": False}, "bandit": {"fail_on_findings": False}}
    },
    # uv: the audit reads the lock file.
    "uv": {"project": {"package_manager": "uv"}},
    # Only the pull-request review (it needs Code Security on a private repository).
    "review-only": {
        "security": {
            "code_security": True,
            **{key: {"enabled": False} for key in TOGGLES.values() if key != "dependency_review"},
        }
    },
}
for _job_id, _key in TOGGLES.items():
    DESIGNS[f"without-{_job_id}"] = {"security": {"code_security": True, _key: {"enabled": False}}}


def render(data: dict[str, Any]) -> str:
    text = security.render(reference(data), "pipeline.yaml")
    assert text is not None
    return text


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return write_variants(tmp_path_factory.mktemp("security"), DESIGNS, render)


def workflow_of(rendered: Rendered, name: str) -> dict[str, Any]:
    workflow: dict[str, Any] = rendered[name][1]
    return workflow


def job_of(rendered: Rendered, name: str, job_id: str) -> dict[str, Any]:
    job: dict[str, Any] = workflow_of(rendered, name)["jobs"][job_id]
    return job


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in job["steps"] if str(s.get("uses", "")).split("@")[0] == action]


def uses_step(job: dict[str, Any], action: str) -> dict[str, Any]:
    [found] = steps_using(job, action)
    return found


def named(job: dict[str, Any], name: str) -> dict[str, Any]:
    [found] = [s for s in job["steps"] if s["name"] == name]
    step: dict[str, Any] = found
    return step


def grants(job: dict[str, Any]) -> dict[str, str]:
    perms: dict[str, str] = job["permissions"]
    return perms


def all_grants(workflow: dict[str, Any], scope: str) -> list[str]:
    return [job_id for job_id, job in workflow["jobs"].items() if scope in job["permissions"]]


# --- authorities ------------------------------------------------------------------------------------


def test_every_output_passes_all_validators(rendered: Rendered) -> None:
    # schema, pinned actions' inputs, pin comments, least-privilege permissions, zizmor
    assert run_all([path for _, _, path in rendered.values()]) == []


@pytest.mark.parametrize("name", DESIGNS)
def test_matches_its_golden_file(rendered: Rendered, name: str) -> None:
    golden_files.check("security.yaml", name, rendered[name][0])


def test_every_golden_file_is_a_variant() -> None:
    golden_files.check_no_strays("security.yaml", DESIGNS)


# --- the workflow -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DESIGNS)
def test_hardening_rules(rendered: Rendered, name: str) -> None:
    text, workflow, _ = rendered[name]
    assert workflow["name"] == "Security"
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    design = reference(DESIGNS[name])
    for job in workflow["jobs"].values():
        assert job["timeout-minutes"] == design.security.timeout_minutes
        assert job["runs-on"] == "ubuntu-latest"
        assert set(job["permissions"].values()) <= {"read", "write"}
        for one in job["steps"]:
            assert "${{" not in one.get("run", "")
            if str(one.get("uses", "")).startswith("actions/checkout@"):
                assert one["with"]["persist-credentials"] is False
    # Every grant carries its reason as a comment.
    for line in text.splitlines():
        if line.strip().split(":")[0] in {"contents", "actions", "security-events", "pull-requests"}:
            assert " # " in line, line


@pytest.mark.parametrize("name", DESIGNS)
def test_jobs_are_the_job_graph(rendered: Rendered, name: str) -> None:
    design = reference(DESIGNS[name])
    specs = graph.workflow_jobs(design, "security")
    workflow = workflow_of(rendered, name)
    assert list(workflow["jobs"]) == [spec.id for spec in specs]
    for spec in specs:
        job = workflow["jobs"][spec.id]
        assert job["runs-on"] == spec.runner
        assert "needs" not in job and not spec.needs
    expected_on = set(graph.workflow_triggers(design, "security")) | {"workflow_dispatch"}
    assert set(workflow["on"]) == expected_on


def test_default_triggers_include_the_schedule(rendered: Rendered) -> None:
    on = workflow_of(rendered, "default")["on"]
    assert on["push"]["branches"] == ["main"]
    assert on["pull_request"]["branches"] == ["main"]
    assert on["schedule"] == [{"cron": "17 3 * * 1"}]
    assert "workflow_dispatch" in on


def test_schedule_and_branch_follow_the_design(rendered: Rendered) -> None:
    on = workflow_of(rendered, "public-pip")["on"]
    assert on["schedule"] == [{"cron": "0 6 * * *"}]
    assert on["push"]["branches"] == ["trunk"]
    assert on["pull_request"]["branches"] == ["trunk"]


def test_dependency_review_only_where_github_offers_it(rendered: Rendered) -> None:
    # Dependency review needs a public repository or GitHub Code Security on a private one (GitHub docs,
    # code-security/supply-chain-security/understanding-your-software-supply-chain/about-dependency-review).
    assert list(workflow_of(rendered, "default")["jobs"]) == [j for j in ALL_JOBS if j != "dependency-review"]
    for name in ("public-pip", "code-security"):
        workflow = workflow_of(rendered, name)
        assert list(workflow["jobs"]) == ALL_JOBS
        assert workflow["jobs"]["dependency-review"]["if"] == IS_PR
        assert [job_id for job_id, job in workflow["jobs"].items() if "if" in job] == ["dependency-review"]


def test_review_only_workflow_listens_to_pull_requests_and_skips_manual_runs(rendered: Rendered) -> None:
    workflow = workflow_of(rendered, "review-only")
    assert set(workflow["on"]) == {"pull_request", "workflow_dispatch"}
    assert list(workflow["jobs"]) == ["dependency-review"]
    # A manual run has no base and head to compare.
    assert workflow["jobs"]["dependency-review"]["if"] == IS_PR


def test_every_scanner_off_renders_no_file() -> None:
    data = {"security": {key: {"enabled": False} for key in TOGGLES.values()}}
    assert security.render(reference(data), "pipeline.yaml") is None


@pytest.mark.parametrize("job_id", ALL_JOBS)
def test_each_toggle_removes_its_job_and_its_permissions(rendered: Rendered, job_id: str) -> None:
    full, without = workflow_of(rendered, "code-security"), workflow_of(rendered, f"without-{job_id}")
    assert list(without["jobs"]) == [other for other in ALL_JOBS if other != job_id]
    for other in without["jobs"]:
        assert without["jobs"][other] == full["jobs"][other]
    uploads = all_grants(without, "security-events")
    assert uploads == [other for other in SARIF_JOBS if other != job_id]
    assert all_grants(without, "actions") == uploads
    assert all_grants(without, "pull-requests") == []


@pytest.mark.parametrize("name", DESIGNS)
def test_no_job_may_write_anything_but_code_scanning_results(rendered: Rendered, name: str) -> None:
    for job_id, job in workflow_of(rendered, name)["jobs"].items():
        writes = {scope for scope, level in job["permissions"].items() if level == "write"}
        assert writes <= ({"security-events"} if job_id in SARIF_JOBS else set()), job_id


@pytest.mark.parametrize("name", DESIGNS)
def test_every_artifact_is_kept_for_the_designs_days(rendered: Rendered, name: str) -> None:
    days = reference(DESIGNS[name]).project.artifact_retention_days
    for job in workflow_of(rendered, name)["jobs"].values():
        for upload in steps_using(job, "actions/upload-artifact"):
            assert upload["with"]["retention-days"] == days
        for sbom in steps_using(job, "anchore/sbom-action"):
            # anchore/sbom-action uploads its own artifact (action.yml: upload-artifact-retention)
            assert sbom["with"]["upload-artifact-retention"] == days


# --- where SARIF goes -----------------------------------------------------------------------------


def test_without_code_scanning_sarif_is_kept_as_an_artifact(rendered: Rendered) -> None:
    text, workflow, _ = rendered["default"]
    assert not graph.code_security(reference({}))
    for job_id, sarif_file in SARIF_JOBS.items():
        job = workflow["jobs"][job_id]
        assert steps_using(job, "github/codeql-action/upload-sarif") == []
        artifact = uses_step(job, "actions/upload-artifact")
        assert artifact["if"] == f"always() && hashFiles('{sarif_file}') != ''"
        name = "sarif-" + sarif_file.removesuffix(".sarif")  # named by the SARIF category
        assert artifact["with"] == {"name": name, "path": sarif_file, "retention-days": 14}
        summary = [s for s in job["steps"] if s["name"].startswith("Summarize the ")]
        assert [s["env"]["SARIF_FILE"] for s in summary] == [sarif_file]
        assert summary[0]["if"] == "always()"
        # Nothing is uploaded to code scanning, so nothing is granted for it.
        assert grants(job) == {"contents": "read"}
    assert "code scanning needs a public repository or GitHub Code Security" in text


def test_code_scanning_on_public_repositories(rendered: Rendered) -> None:
    job = job_of(rendered, "public-pip", "trivy")
    upload = uses_step(job, "github/codeql-action/upload-sarif")
    assert upload["with"] == {"sarif_file": "filesystem.sarif", "category": "filesystem"}
    assert upload["if"] == f"always() && hashFiles('filesystem.sarif') != '' && {sarif.TOKEN_CAN_WRITE}"
    fallback = uses_step(job, "actions/upload-artifact")
    assert fallback["if"] == f"always() && hashFiles('filesystem.sarif') != '' && !({sarif.TOKEN_CAN_WRITE})"
    assert fallback["with"]["name"] == "sarif-filesystem"
    assert fallback["with"]["retention-days"] == 30
    # upload-sarif needs security-events: write; actions: read only on private repositories (GitHub docs,
    # code-scanning/integrating-with-code-scanning/uploading-a-sarif-file-to-github).
    assert grants(job) == {"contents": "read", "security-events": "write"}


def test_code_scanning_with_code_security_on_a_private_repository(rendered: Rendered) -> None:
    for job_id, sarif_file in SARIF_JOBS.items():
        job = job_of(rendered, "code-security", job_id)
        assert uses_step(job, "github/codeql-action/upload-sarif")["with"]["sarif_file"] == sarif_file
        assert grants(job) == {"contents": "read", "actions": "read", "security-events": "write"}


GITHUB_EVENTS = {
    "push": ({"event_name": "push"}, True),
    "same-repository pull request": (
        {
            "event_name": "pull_request",
            "event": {"pull_request": {"head": {"repo": {"full_name": "acme/svc"}}}},
        },
        True,
    ),
    "pull request from a fork": (
        {
            "event_name": "pull_request",
            "event": {"pull_request": {"head": {"repo": {"full_name": "eve/svc"}}}},
        },
        False,
    ),
    "pull request from a deleted fork": (
        {"event_name": "pull_request", "event": {"pull_request": {"head": {"repo": None}}}},
        False,
    ),
    "Dependabot pull request": (
        {
            "event_name": "pull_request",
            "actor": "dependabot[bot]",
            "event": {"pull_request": {"head": {"repo": {"full_name": "acme/svc"}}}},
        },
        False,
    ),
}


@pytest.mark.parametrize("case", GITHUB_EVENTS)
def test_uploads_only_where_the_token_can_write(case: str) -> None:
    # Pull requests from forks get a read-only GITHUB_TOKEN, and so does every run Dependabot starts, also
    # when re-run (GitHub docs: actions/reference/github_token-reference; code-security/dependabot/
    # troubleshooting-dependabot/troubleshooting-dependabot-on-github-actions). github.actor stays the
    # actor of the first run. The upload would fail there: those runs keep the artifact instead.
    context, can_write = GITHUB_EVENTS[case]
    github = {"actor": "alice", "repository": "acme/svc", **context}
    value = resolve("${{ " + sarif.TOKEN_CAN_WRITE + " }}", {"github": github}, ["github"]).value
    assert value is can_write


# --- gitleaks ---------------------------------------------------------------------------------------


def test_gitleaks_runs_the_cli_from_its_hash_pinned_wheel(rendered: Rendered) -> None:
    text, workflow, _ = rendered["default"]
    job = workflow["jobs"]["gitleaks"]
    # gitleaks-action exits 1 without GITLEAKS_LICENSE on organisation repositories (gitleaks-action
    # src/index.js); the gitleaks command line is MIT licensed and needs no key.
    assert "gitleaks-action" not in text and "GITLEAKS_LICENSE" not in text
    # fetch-depth 0 fetches every branch and the pull request's merge commit (actions/checkout
    # src/ref-helper.ts, getRefSpecForAllHistory), so the event's base, head and before are in the clone.
    assert uses_step(job, "actions/checkout")["with"] == {"persist-credentials": False, "fetch-depth": 0}
    assert uses_step(job, "actions/setup-python")["with"] == {"python-version": "3.12"}
    install = named(job, "Install gitleaks 8.30.1")
    assert install["env"]["GITLEAKS_VERSION"] == "8.30.1"
    assert install["env"]["GITLEAKS_REQUIREMENTS"] == security.gitleaks_requirements("8.30.1")
    for digest in gitleaks.wheel("8.30.1").hashes:
        assert f"--hash=sha256:{digest}" in install["env"]["GITLEAKS_REQUIREMENTS"]
    scan = named(job, "Scan for secrets (gitleaks)")
    assert scan["env"]["GITLEAKS_CONFIG"] == ".gitleaks.toml"
    assert scan["env"]["SARIF_FILE"] == "gitleaks.sarif"
    names = [s["name"] for s in job["steps"]]
    assert names.index("Install gitleaks 8.30.1") < names.index("Scan for secrets (gitleaks)")
    # The range comes from the event payload, so the job reads no pull request through the API.
    assert grants(job) == {"contents": "read"}
    assert "GITLEAKS_CONFIG: .gitleaks.toml # generated by pipekit, committed at the repository root" in text


def test_gitleaks_category_names_its_report(rendered: Rendered) -> None:
    job = job_of(rendered, "public-pip", "gitleaks")
    assert named(job, "Scan for secrets (gitleaks)")["env"]["SARIF_FILE"] == "secrets.sarif"
    assert uses_step(job, "github/codeql-action/upload-sarif")["with"] == {
        "sarif_file": "secrets.sarif",
        "category": "secrets",
    }
    assert named(job, "Summarize the gitleaks results")["env"]["REPORT_ONLY"] == "false"  # always a gate


# --- trivy ------------------------------------------------------------------------------------------


def test_trivy_findings_fail_the_job(rendered: Rendered) -> None:
    scan = uses_step(job_of(rendered, "default", "trivy"), "aquasecurity/trivy-action")
    assert scan["with"] == {
        "scan-type": "fs",
        "scan-ref": ".",
        "scanners": "vuln",
        "severity": "CRITICAL,HIGH",
        "ignore-unfixed": True,
        "format": "sarif",
        "output": "trivy-fs.sarif",
        "limit-severities-for-sarif": True,
        # Trivy exits 0 on findings unless told otherwise (trivy-action action.yml: exit-code, "exit code
        # when vulnerabilities were found", no default; Trivy's --exit-code defaults to 0).
        "exit-code": "1",
    }
    assert "exit-code: '1' # findings fail the job" in rendered["default"][0]


def test_report_only_trivy_says_so(rendered: Rendered) -> None:
    job = job_of(rendered, "report-only", "trivy")
    assert uses_step(job, "aquasecurity/trivy-action")["with"]["exit-code"] == "0"
    assert named(job, "Summarize the Trivy results")["env"]["REPORT_ONLY"] == "true"
    assert "report only (fail_on_findings: false); the job summary says so" in rendered["report-only"][0]


def test_strict_trivy(rendered: Rendered) -> None:
    scan = uses_step(job_of(rendered, "public-pip", "trivy"), "aquasecurity/trivy-action")["with"]
    assert (scan["severity"], scan["ignore-unfixed"], scan["output"]) == (
        "CRITICAL",
        False,
        "filesystem.sarif",
    )


# --- bandit -----------------------------------------------------------------------------------------


def bandit_words(rendered: Rendered, name: str) -> list[str]:
    return shlex.split(named(job_of(rendered, name, "bandit"), "Scan the Python sources (Bandit)")["run"])


def test_bandit_findings_fail_the_job(rendered: Rendered) -> None:
    job = job_of(rendered, "default", "bandit")
    assert shlex.split(named(job, "Install Bandit")["run"]) == [
        "python",
        "-m",
        "pip",
        "install",
        tools.requirement("bandit"),
    ]
    assert uses_step(job, "actions/setup-python")["with"] == {"python-version": "3.12"}
    assert bandit_words(rendered, "default") == [
        "bandit",
        "--recursive",
        "app",
        "--format",
        "sarif",
        "--output",
        "bandit.sarif",
        "--severity-level",
        "medium",
        "--confidence-level",
        "medium",
    ]
    assert named(job, "Summarize the Bandit results")["env"]["REPORT_ONLY"] == "false"


def test_report_only_bandit_says_so(rendered: Rendered) -> None:
    assert bandit_words(rendered, "report-only")[-1] == "--exit-zero"
    job = job_of(rendered, "report-only", "bandit")
    assert named(job, "Summarize the Bandit results")["env"]["REPORT_ONLY"] == "true"


def test_strict_bandit(rendered: Rendered) -> None:
    words = bandit_words(rendered, "public-pip")
    assert words[:4] == ["bandit", "--recursive", "src/router", "plugins"]
    assert words[words.index("--severity-level") + 1] == "high"
    assert words[words.index("--confidence-level") + 1] == "low"
    assert words[words.index("--output") + 1] == "sast.sarif"
    job = job_of(rendered, "public-pip", "bandit")
    assert uses_step(job, "actions/setup-python")["with"] == {"python-version": "3.13"}


def test_source_dirs_are_shell_quoted() -> None:
    text = render({"project": {"source_dirs": ["app", "src/{a,b}", "lib/*"]}})
    assert "--recursive app 'src/{a,b}' 'lib/*' " in text  # one literal word each, never expanded


def test_the_gate_tests_run_the_bandit_the_workflow_installs() -> None:
    config = tomllib.loads(
        (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    )
    assert tools.requirement("bandit") in config["project"]["optional-dependencies"]["dev"]
    assert metadata.version("bandit") == tools.version("bandit")


VULNERABLE = "import subprocess\n\n\ndef run(command):\n    return subprocess.call(command, shell=True)\n"


@pytest.mark.parametrize(
    ("source", "report_only", "passes"),
    [
        (VULNERABLE, False, False),
        ("def add(a, b):\n    return a + b\n", False, True),
        (VULNERABLE, True, True),
    ],
)
def test_the_bandit_gate_with_the_real_bandit(
    tmp_path: Path, source: str, report_only: bool, passes: bool
) -> None:
    # The rendered step, run with the Bandit of the dev dependencies (the release tool-pins.yaml pins).
    design = {"security": {"bandit": {"fail_on_findings": not report_only}}}
    workflow = yamlio.loads(render(design))
    step = named(workflow["jobs"]["bandit"], "Scan the Python sources (Bandit)")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "service.py").write_text(source, encoding="utf-8")
    done = run_step(step, tmp_path)
    assert (done.returncode == 0) is passes, done.stdout + done.stderr
    assert (tmp_path / "bandit.sarif").is_file()  # the report is written either way


# --- pip-audit --------------------------------------------------------------------------------------


def test_pip_audit_audits_the_poetry_environment(rendered: Rendered) -> None:
    text, workflow, _ = rendered["default"]
    job = workflow["jobs"]["pip-audit"]
    assert grants(job) == {"contents": "read"}
    # Every optional dependency group a test mode installs is audited too.
    install = blocks.install(reference({}), [], ["ml", "monitoring"])
    assert named(job, "Install dependencies") == install
    audit = named(job, "Audit the dependencies (pip-audit)")["run"]
    assert 'PIPAPI_PYTHON_LOCATION="$(poetry env info --executable)"' in audit
    assert tools.requirement("pip-audit") in audit
    assert "--format json --output pip-audit.json" in audit
    assert "--skip-editable" in audit
    summary = named(job, "Summarize the audit")
    assert summary["if"] == "always()"
    artifact = uses_step(job, "actions/upload-artifact")
    assert artifact["if"] == "always()"
    assert artifact["with"]["path"] == "pip-audit.json"
    assert "pip-audit has no SARIF output" in text


def test_pip_audit_with_pip(rendered: Rendered) -> None:
    job = job_of(rendered, "public-pip", "pip-audit")
    audit = named(job, "Audit the dependencies (pip-audit)")["run"]
    assert 'PIPAPI_PYTHON_LOCATION="$(command -v python)"' in audit
    assert "python -m pip install -e ." in named(job, "Install dependencies")["run"]


def test_pip_audit_with_uv_reads_the_lock_file(rendered: Rendered) -> None:
    # A uv environment has no pip for pip-audit to ask (uv sync installs none), so the audit reads the
    # exported lock file with its hashes instead (pip-audit --disable-pip).
    job = job_of(rendered, "uv", "pip-audit")
    assert [s["name"] for s in job["steps"]] == [
        "Check out",
        "Set up uv and Python",
        "Audit the dependencies (pip-audit)",
        "Check that the audit reached advisory data",
        "Summarize the audit",
        "Upload the audit report",
    ]
    lines = named(job, "Audit the dependencies (pip-audit)")["run"].splitlines()
    assert lines[0] == (
        "uv export --locked --no-emit-project --format requirements-txt --group ml --group monitoring"
        ' --output-file "$RUNNER_TEMP/requirements.txt"'
    )
    assert lines[1].startswith(f"uv tool run --from {tools.requirement('pip-audit')} pip-audit ")
    assert '--requirement "$RUNNER_TEMP/requirements.txt" --disable-pip' in lines[1]


# --- dependency review and SBOM ---------------------------------------------------------------------


def test_dependency_review(rendered: Rendered) -> None:
    job = job_of(rendered, "code-security", "dependency-review")
    review = uses_step(job, "actions/dependency-review-action")
    assert review["with"] == {"fail-on-severity": "high"}  # no PR comment: no pull-requests: write
    assert grants(job) == {"contents": "read"}
    strict = job_of(rendered, "public-pip", "dependency-review")
    assert uses_step(strict, "actions/dependency-review-action")["with"] == {"fail-on-severity": "critical"}


def test_sbom(rendered: Rendered) -> None:
    sbom = uses_step(job_of(rendered, "default", "sbom"), "anchore/sbom-action")["with"]
    assert sbom["format"] == "spdx-json"
    assert sbom["path"] == "."
    assert sbom["upload-artifact"] is True
    assert sbom["upload-release-assets"] is False
    assert sbom["dependency-snapshot"] is False
    assert sbom["artifact-name"] == sbom["output-file"] == "modelmuxer.spdx.json"
    assert grants(job_of(rendered, "default", "sbom")) == {"contents": "read"}
    renamed = uses_step(job_of(rendered, "public-pip", "sbom"), "anchore/sbom-action")
    assert renamed["with"]["artifact-name"] == "router.spdx.json"


# --- every option of the security section changes the output -----------------------------------------

Check = Callable[[dict[str, Any]], Any]


def _with(job: str, action: str) -> Check:
    return lambda workflow: uses_step(workflow["jobs"][job], action)["with"]


def _step(job: str, name: str) -> Check:
    return lambda workflow: named(workflow["jobs"][job], name)


OPTIONS: list[tuple[dict[str, Any], Check]] = [
    ({"schedule": "5 4 * * 2"}, lambda wf: wf["on"]["schedule"]),
    ({"timeout_minutes": 7}, lambda wf: {job["timeout-minutes"] for job in wf["jobs"].values()}),
    ({"code_security": True}, lambda wf: list(wf["jobs"])),
    ({"gitleaks": {"category": "leaks"}}, _step("gitleaks", "Scan for secrets (gitleaks)")),
    ({"trivy": {"severity": ["LOW"]}}, _with("trivy", "aquasecurity/trivy-action")),
    ({"trivy": {"ignore_unfixed": False}}, _with("trivy", "aquasecurity/trivy-action")),
    ({"trivy": {"fail_on_findings": False}}, _with("trivy", "aquasecurity/trivy-action")),
    ({"trivy": {"category": "fs"}}, _with("trivy", "actions/upload-artifact")),
    ({"bandit": {"severity": "low"}}, _step("bandit", "Scan the Python sources (Bandit)")),
    ({"bandit": {"confidence": "high"}}, _step("bandit", "Scan the Python sources (Bandit)")),
    ({"bandit": {"fail_on_findings": False}}, _step("bandit", "Scan the Python sources (Bandit)")),
    ({"bandit": {"category": "code"}}, _with("bandit", "actions/upload-artifact")),
    *[
        ({key: {"enabled": False}}, lambda wf: list(wf["jobs"]))
        for key in TOGGLES.values()
        if key != "dependency_review"
    ],
]


@pytest.mark.parametrize(("option", "check"), OPTIONS, ids=[str(option) for option, _ in OPTIONS])
def test_every_option_changes_what_it_should(option: dict[str, Any], check: Check) -> None:
    default = yamlio.loads(render({}))
    changed = yamlio.loads(render({"security": option}))
    assert check(changed) != check(default)


def test_dependency_review_options_change_it_where_it_runs() -> None:
    default = yamlio.loads(render(CODE_SECURITY))
    stricter = yamlio.loads(
        render({"security": {"code_security": True, "dependency_review": {"fail_on_severity": "low"}}})
    )
    check = _with("dependency-review", "actions/dependency-review-action")
    assert check(stricter) != check(default)
    off = yamlio.loads(render({"security": {"code_security": True, "dependency_review": {"enabled": False}}}))
    assert "dependency-review" not in off["jobs"]


def test_gitleaks_allowlist_and_disabled_rules_do_not_change_the_workflow() -> None:
    # They belong to .gitleaks.toml, which the workflow points to.
    data = {"gitleaks": {"disabled_rules": ["generic-api-key"], "allowlist": {"stopwords": ["sample"]}}}
    assert render({"security": data}) == render({})
