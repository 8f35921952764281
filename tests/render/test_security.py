"""security.yaml, read back from the rendered YAML for the default design and materially different ones:
the scanners' jobs, their triggers, permissions and inputs, and each option's effect. Every output passes
the schema, GitHub's parser, zizmor and the pin checks, and equals its golden file; the pip-audit summary
script is tested in tests/render/scripts."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipekit import yamlio
from pipekit.check import run_all
from pipekit.design import design_from_data
from pipekit.pipeline import graph as jobs
from pipekit.render import security

from . import golden_files
from .support import write_variants

JOB_IDS = ["gitleaks", "trivy", "bandit", "pip-audit", "dependency-review", "sbom"]
TOGGLES = {
    "gitleaks": "gitleaks",
    "trivy": "trivy",
    "bandit": "bandit",
    "pip-audit": "pip_audit",
    "dependency-review": "dependency_review",
    "sbom": "sbom",
}
SARIF_JOBS = {"gitleaks": "results.sarif", "trivy": "trivy-fs.sarif", "bandit": "bandit.sarif"}
IS_PR = "github.event_name == 'pull_request'"

DESIGNS: dict[str, dict[str, Any]] = {
    "default": {},
    # A personal repository (no gitleaks license), gitleaks 8.30.1, pip instead of Poetry, a public
    # repository, scanners that fail the run, custom categories, another branch and schedule.
    "strict-user": {
        "project": {
            "owner_type": "user",
            "package_manager": "pip",
            "source_dirs": ["src/router", "plugins"],
            "default_branch": "trunk",
            "python": "3.13",
            "name": "router",
        },
        "billing": {"visibility": "public"},
        "security": {
            "schedule": "0 6 * * *",
            "timeout_minutes": 45,
            "gitleaks": {"version": "8.30.1", "license_secret": None, "category": "secrets"},
            "trivy": {
                "severity": ["CRITICAL"],
                "ignore_unfixed": False,
                "fail_on_findings": True,
                "category": "filesystem",
            },
            "bandit": {"severity": "high", "confidence": "low", "fail_on_findings": True, "category": "sast"},
            "dependency_review": {"fail_on_severity": "critical"},
        },
    },
    # An organization that names its license secret differently; only secrets and code scanning.
    "lean-org": {
        "security": {
            "gitleaks": {"license_secret": "ORG_GITLEAKS_KEY"},
            "trivy": {"enabled": False},
            "pip_audit": {"enabled": False},
            "dependency_review": {"enabled": False},
            "sbom": {"enabled": False},
        }
    },
    # Only the pull-request review.
    "review-only": {
        "security": {
            "gitleaks": {"enabled": False},
            "trivy": {"enabled": False},
            "bandit": {"enabled": False},
            "pip_audit": {"enabled": False},
            "sbom": {"enabled": False},
        }
    },
}
for _job_id, _key in TOGGLES.items():
    DESIGNS[f"without-{_job_id}"] = {"security": {_key: {"enabled": False}}}

Rendered = dict[str, tuple[str, dict[str, Any], Path]]


def render(data: dict[str, Any]) -> str:
    text = security.render(design_from_data(data), "pipeline.yaml")
    assert text is not None
    return text


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return write_variants(tmp_path_factory.mktemp("security"), DESIGNS, render)


def workflow_of(rendered: Rendered, name: str) -> dict[str, Any]:
    workflow: dict[str, Any] = rendered[name][1]
    return workflow


def uses_step(job: dict[str, Any], action: str) -> dict[str, Any]:
    [found] = [s for s in job["steps"] if str(s.get("uses", "")).split("@")[0] == action]
    step: dict[str, Any] = found
    return step


def run_step(job: dict[str, Any], name: str) -> str:
    [found] = [s for s in job["steps"] if s["name"] == name]
    script: str = found["run"]
    return script


def grants(job: dict[str, Any]) -> dict[str, str]:
    perms: dict[str, str] = job["permissions"]
    return perms


def all_grants(workflow: dict[str, Any], scope: str) -> list[str]:
    return [job_id for job_id, job in workflow["jobs"].items() if scope in job["permissions"]]


# --- authorities ------------------------------------------------------------------------------------


def test_every_output_passes_all_validators(rendered: Rendered) -> None:
    # schema, pinned actions' inputs, pin comments, GitHub's parser, zizmor
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
    design = design_from_data(DESIGNS[name])
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
    design = design_from_data(DESIGNS[name])
    specs = jobs.workflow_jobs(design, "security")
    workflow = workflow_of(rendered, name)
    assert list(workflow["jobs"]) == [spec.id for spec in specs]
    for spec in specs:
        job = workflow["jobs"][spec.id]
        assert job["runs-on"] == spec.runner
        assert "needs" not in job and not spec.needs
    expected_on = set(jobs.workflow_triggers(design, "security")) | {"workflow_dispatch"}
    assert set(workflow["on"]) == expected_on


def test_default_triggers_include_the_schedule(rendered: Rendered) -> None:
    on = workflow_of(rendered, "default")["on"]
    assert on["push"] == {"branches": ["main"]}
    assert on["pull_request"] == {"branches": ["main"]}
    assert on["schedule"] == [{"cron": "17 3 * * 1"}]
    assert "workflow_dispatch" in on
    assert list(workflow_of(rendered, "default")["jobs"]) == JOB_IDS


def test_schedule_and_branch_follow_the_design(rendered: Rendered) -> None:
    on = workflow_of(rendered, "strict-user")["on"]
    assert on["schedule"] == [{"cron": "0 6 * * *"}]
    assert on["push"] == {"branches": ["trunk"]}
    assert on["pull_request"] == {"branches": ["trunk"]}


def test_only_dependency_review_is_limited_to_pull_requests(rendered: Rendered) -> None:
    workflow = workflow_of(rendered, "default")
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
    assert security.render(design_from_data(data), "pipeline.yaml") is None


@pytest.mark.parametrize("job_id", JOB_IDS)
def test_each_toggle_removes_its_job_and_its_permissions(rendered: Rendered, job_id: str) -> None:
    default, without = workflow_of(rendered, "default"), workflow_of(rendered, f"without-{job_id}")
    assert list(without["jobs"]) == [other for other in JOB_IDS if other != job_id]
    for other in without["jobs"]:
        assert without["jobs"][other] == default["jobs"][other]
    uploads = all_grants(without, "security-events")
    assert uploads == [other for other in SARIF_JOBS if other != job_id]
    assert all_grants(without, "pull-requests") == ([] if job_id == "gitleaks" else ["gitleaks"])
    assert all_grants(without, "actions") == uploads


def test_no_sarif_scanner_means_no_security_events_grant(rendered: Rendered) -> None:
    workflow = workflow_of(rendered, "review-only")
    for scope in ("security-events", "actions", "pull-requests"):
        assert all_grants(workflow, scope) == []


def test_no_job_may_write_anything_but_sarif(rendered: Rendered) -> None:
    for _, workflow, _ in rendered.values():
        for job_id, job in workflow["jobs"].items():
            writes = {scope for scope, level in job["permissions"].items() if level == "write"}
            assert writes <= ({"security-events"} if job_id in SARIF_JOBS else set()), job_id


# --- gitleaks ---------------------------------------------------------------------------------------


def test_default_gitleaks(rendered: Rendered) -> None:
    text, workflow, _ = rendered["default"]
    job = workflow["jobs"]["gitleaks"]
    checkout = uses_step(job, "actions/checkout")
    assert checkout["with"] == {"persist-credentials": False, "fetch-depth": 0}
    scan = uses_step(job, "gitleaks/gitleaks-action")
    assert scan["uses"].endswith("@e0c47f4f8be36e29cdc102c57e68cb5cbf0e8d1e")
    assert scan["env"] == {
        "GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}",
        "GITLEAKS_LICENSE": "${{ secrets.GITLEAKS_LICENSE }}",
        "GITLEAKS_CONFIG": ".gitleaks.toml",
        "GITLEAKS_ENABLE_COMMENTS": "false",
    }
    assert "with" not in scan  # the action takes no inputs, only environment variables
    # The generated config lives at the repository root; the workflow says so.
    assert "GITLEAKS_CONFIG: .gitleaks.toml # generated by pipekit, committed at the repository root" in text
    upload = uses_step(job, "github/codeql-action/upload-sarif")
    assert upload["with"] == {"sarif_file": "results.sarif", "category": "gitleaks"}
    assert upload["if"] == "always() && hashFiles('results.sarif') != ''"
    # PR comments are off, so listing the pull request's commits is all the action needs.
    assert grants(job) == {
        "contents": "read",
        "actions": "read",
        "security-events": "write",
        "pull-requests": "read",
    }


def test_gitleaks_version_and_license_follow_the_design(rendered: Rendered) -> None:
    env = uses_step(workflow_of(rendered, "strict-user")["jobs"]["gitleaks"], "gitleaks/gitleaks-action")[
        "env"
    ]
    assert env["GITLEAKS_VERSION"] == "8.30.1"
    assert "GITLEAKS_LICENSE" not in env  # personal repositories need no license
    upload = uses_step(
        workflow_of(rendered, "strict-user")["jobs"]["gitleaks"], "github/codeql-action/upload-sarif"
    )
    assert upload["with"]["category"] == "secrets"
    env = uses_step(workflow_of(rendered, "lean-org")["jobs"]["gitleaks"], "gitleaks/gitleaks-action")["env"]
    assert env["GITLEAKS_LICENSE"] == "${{ secrets.ORG_GITLEAKS_KEY }}"
    assert "GITLEAKS_VERSION" not in env  # 8.24.3 is what the action runs anyway


# --- trivy ------------------------------------------------------------------------------------------


def test_default_trivy_filesystem_scan(rendered: Rendered) -> None:
    job = workflow_of(rendered, "default")["jobs"]["trivy"]
    scan = uses_step(job, "aquasecurity/trivy-action")
    assert scan["with"] == {
        "scan-type": "fs",
        "scan-ref": ".",
        "scanners": "vuln",
        "severity": "CRITICAL,HIGH",
        "ignore-unfixed": True,
        "format": "sarif",
        "output": "trivy-fs.sarif",
        "limit-severities-for-sarif": True,
        "exit-code": "0",
    }
    upload = uses_step(job, "github/codeql-action/upload-sarif")
    assert upload["with"] == {"sarif_file": "trivy-fs.sarif", "category": "trivy-fs"}
    assert grants(job) == {"contents": "read", "actions": "read", "security-events": "write"}


def test_strict_trivy(rendered: Rendered) -> None:
    job = workflow_of(rendered, "strict-user")["jobs"]["trivy"]
    scan = uses_step(job, "aquasecurity/trivy-action")["with"]
    assert (scan["severity"], scan["ignore-unfixed"], scan["exit-code"]) == ("CRITICAL", False, "1")
    assert uses_step(job, "github/codeql-action/upload-sarif")["with"] == {
        "sarif_file": "filesystem.sarif",
        "category": "filesystem",
    }
    # A public repository: upload-sarif needs no actions: read.
    assert grants(job) == {"contents": "read", "security-events": "write"}


# --- bandit -----------------------------------------------------------------------------------------


def bandit_words(rendered: Rendered, name: str) -> list[str]:
    return shlex.split(
        run_step(workflow_of(rendered, name)["jobs"]["bandit"], "Scan the Python sources (Bandit)")
    )


def test_default_bandit(rendered: Rendered) -> None:
    job = workflow_of(rendered, "default")["jobs"]["bandit"]
    assert shlex.split(run_step(job, "Install Bandit")) == [
        "python",
        "-m",
        "pip",
        "install",
        "bandit[sarif]==1.9.4",
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
        "--exit-zero",
    ]
    assert uses_step(job, "github/codeql-action/upload-sarif")["with"] == {
        "sarif_file": "bandit.sarif",
        "category": "bandit",
    }


def test_strict_bandit(rendered: Rendered) -> None:
    words = bandit_words(rendered, "strict-user")
    assert words[:4] == ["bandit", "--recursive", "src/router", "plugins"]
    assert words[words.index("--severity-level") + 1] == "high"
    assert words[words.index("--confidence-level") + 1] == "low"
    assert "--exit-zero" not in words  # findings fail the job
    assert words[words.index("--output") + 1] == "sast.sarif"
    job = workflow_of(rendered, "strict-user")["jobs"]["bandit"]
    assert uses_step(job, "actions/setup-python")["with"] == {"python-version": "3.13"}


def test_source_dirs_are_shell_quoted() -> None:
    text = render({"project": {"source_dirs": ["app", "src/{a,b}", "lib/*"]}})
    assert "--recursive app 'src/{a,b}' 'lib/*' " in text  # one literal word each, never expanded


# --- pip-audit --------------------------------------------------------------------------------------


def test_default_pip_audit_audits_the_poetry_environment(rendered: Rendered) -> None:
    text, workflow, _ = rendered["default"]
    job = workflow["jobs"]["pip-audit"]
    assert grants(job) == {"contents": "read"}
    assert uses_step(job, "snok/install-poetry")
    install = run_step(job, "Install dependencies")
    assert install == "poetry install --no-interaction --extras 'enhanced production'\n"
    audit = run_step(job, "Audit the installed dependencies (pip-audit)")
    assert 'PIPAPI_PYTHON_LOCATION="$(poetry env info --executable)"' in audit
    assert "pip-audit==2.10.1" in audit
    assert "--format json --output pip-audit.json" in audit
    assert "--skip-editable" in audit
    summary = next(s for s in job["steps"] if s["name"] == "Summarize the audit")
    assert summary["if"] == "always()"
    assert "GITHUB_STEP_SUMMARY" in summary["run"]
    artifact = uses_step(job, "actions/upload-artifact")
    assert artifact["if"] == "always()"
    assert artifact["with"]["path"] == "pip-audit.json"
    assert "pip-audit has no SARIF output" in text


def test_pip_audit_with_pip(rendered: Rendered) -> None:
    job = workflow_of(rendered, "strict-user")["jobs"]["pip-audit"]
    assert not [s for s in job["steps"] if "snok/install-poetry" in str(s.get("uses", ""))]
    audit = run_step(job, "Audit the installed dependencies (pip-audit)")
    assert 'PIPAPI_PYTHON_LOCATION="$(command -v python)"' in audit
    install = run_step(job, "Install dependencies")
    assert "python -m pip install -e '.[enhanced,production]'" in install


# --- dependency review and SBOM ---------------------------------------------------------------------


def test_dependency_review(rendered: Rendered) -> None:
    job = workflow_of(rendered, "default")["jobs"]["dependency-review"]
    review = uses_step(job, "actions/dependency-review-action")
    assert review["with"] == {"fail-on-severity": "high"}  # no PR comment: no pull-requests: write
    assert grants(job) == {"contents": "read"}
    strict = workflow_of(rendered, "strict-user")["jobs"]["dependency-review"]
    assert uses_step(strict, "actions/dependency-review-action")["with"] == {"fail-on-severity": "critical"}


def test_sbom(rendered: Rendered) -> None:
    job = workflow_of(rendered, "default")["jobs"]["sbom"]
    sbom = uses_step(job, "anchore/sbom-action")["with"]
    assert sbom["format"] == "spdx-json"
    assert sbom["path"] == "."
    assert sbom["upload-artifact"] is True
    assert sbom["upload-release-assets"] is False
    assert sbom["dependency-snapshot"] is False
    assert sbom["artifact-name"] == sbom["output-file"] == "modelmuxer.spdx.json"
    assert grants(job) == {"contents": "read"}
    renamed = uses_step(workflow_of(rendered, "strict-user")["jobs"]["sbom"], "anchore/sbom-action")
    assert renamed["with"]["artifact-name"] == "router.spdx.json"


# --- every option of the security section changes the output -----------------------------------------

Check = Callable[[dict[str, Any]], Any]


def _gitleaks_env(workflow: dict[str, Any]) -> dict[str, Any]:
    env: dict[str, Any] = uses_step(workflow["jobs"]["gitleaks"], "gitleaks/gitleaks-action")["env"]
    return env


def _with(job: str, action: str) -> Check:
    return lambda workflow: uses_step(workflow["jobs"][job], action)["with"]


OPTIONS: list[tuple[dict[str, Any], Check]] = [
    ({"schedule": "5 4 * * 2"}, lambda wf: wf["on"]["schedule"]),
    ({"timeout_minutes": 7}, lambda wf: {job["timeout-minutes"] for job in wf["jobs"].values()}),
    ({"gitleaks": {"version": "8.30.1"}}, _gitleaks_env),
    ({"gitleaks": {"license_secret": "OTHER"}}, _gitleaks_env),
    ({"gitleaks": {"category": "leaks"}}, _with("gitleaks", "github/codeql-action/upload-sarif")),
    ({"trivy": {"severity": ["LOW"]}}, _with("trivy", "aquasecurity/trivy-action")),
    ({"trivy": {"ignore_unfixed": False}}, _with("trivy", "aquasecurity/trivy-action")),
    ({"trivy": {"fail_on_findings": True}}, _with("trivy", "aquasecurity/trivy-action")),
    ({"trivy": {"category": "fs"}}, _with("trivy", "github/codeql-action/upload-sarif")),
    (
        {"bandit": {"severity": "low"}},
        lambda wf: run_step(wf["jobs"]["bandit"], "Scan the Python sources (Bandit)"),
    ),
    (
        {"bandit": {"confidence": "high"}},
        lambda wf: run_step(wf["jobs"]["bandit"], "Scan the Python sources (Bandit)"),
    ),
    (
        {"bandit": {"fail_on_findings": True}},
        lambda wf: run_step(wf["jobs"]["bandit"], "Scan the Python sources (Bandit)"),
    ),
    ({"bandit": {"category": "code"}}, _with("bandit", "github/codeql-action/upload-sarif")),
    (
        {"dependency_review": {"fail_on_severity": "low"}},
        _with("dependency-review", "actions/dependency-review-action"),
    ),
    *[({key: {"enabled": False}}, lambda wf: list(wf["jobs"])) for key in TOGGLES.values()],
]


@pytest.mark.parametrize(("option", "check"), OPTIONS, ids=[str(option) for option, _ in OPTIONS])
def test_every_option_changes_what_it_should(option: dict[str, Any], check: Check) -> None:
    default = yamlio.loads(render({}))
    changed = yamlio.loads(render({"security": option}))
    assert check(changed) != check(default)


def test_gitleaks_allowlist_and_disabled_rules_do_not_change_the_workflow() -> None:
    # They belong to .gitleaks.toml, which the workflow points to.
    data = {"gitleaks": {"disabled_rules": ["generic-api-key"], "allowlist": {"stopwords": ["sample"]}}}
    assert render({"security": data}) == render({})
