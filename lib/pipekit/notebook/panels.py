"""One panel per notebook: which controls it shows, which workflow it scopes and which files it owns."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_args

from pipekit import catalog
from pipekit.design import SEVERITY, Design, design_from_data
from pipekit.jobs import test_matrix
from pipekit.matrix import expand_matrix
from pipekit.notebook import controls as c
from pipekit.notebook import report
from pipekit.notebook.panel import Panel
from pipekit.notebook.session import DesignSession, Evaluation, KeyPath, design_value, plain
from pipekit.notebooks import NOTEBOOK_FILES

PYTHON_CHOICES = ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
PLATFORM_CHOICES = ("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386", "linux/ppc64le", "linux/s390x")
SEVERITIES: tuple[str, ...] = get_args(SEVERITY)
LEVELS = ("low", "medium", "high")


class _Builder:
    """Creates controls initialised from the validated design (defaults filled in)."""

    def __init__(self, design: Design) -> None:
        self.design = design

    def value(self, path: KeyPath) -> Any:
        return plain(design_value(self.design, path))

    def multi(self, path: KeyPath, label: str, choices: Any) -> c.Control:
        return c.multi_select(path, label, self.value(path), choices)

    def drop(self, path: KeyPath, label: str, choices: Any) -> c.Control:
        return c.dropdown(path, label, self.value(path), choices)

    def check(self, path: KeyPath, label: str) -> c.Control:
        return c.checkbox(path, label, self.value(path))

    def integer(self, path: KeyPath, label: str) -> c.Control:
        return c.integer(path, label, self.value(path))

    def text(self, path: KeyPath, label: str, *, optional: bool = False) -> c.Control:
        return c.text(path, label, self.value(path), optional=optional)

    def tags(self, path: KeyPath, label: str) -> c.Control:
        return c.tags(path, label, self.value(path))

    def runner_labels(self) -> list[str]:
        return sorted({*catalog.load_catalog().labels, *self.design.runners})

    def billing(self) -> list[c.Control]:
        return [
            self.drop(("billing", "plan"), "GitHub plan", catalog.PLAN_NAMES),
            c.toggle_buttons(
                ("billing", "visibility"),
                "Repository",
                self.value(("billing", "visibility")),
                ("private", "public"),
            ),
            self.integer(("billing", "runs_per_month", "pull_request"), "Pull request pushes a month"),
            self.integer(("billing", "runs_per_month", "push"), "Pushes to the default branch a month"),
            self.integer(("billing", "runs_per_month", "schedule"), "Scheduled runs a month"),
        ]


def _session(
    name: str, design: str | Path, out: str | Path, overrides: Mapping[str, Any] | None
) -> DesignSession:
    return DesignSession(design, out, NOTEBOOK_FILES[name], overrides)


def _start(session: DesignSession) -> _Builder:
    # Controls need the validated values; an invalid file raises its one-line DesignError here.
    return _Builder(design_from_data(session.data, session.source))


def _matrix_legs(evaluation: Evaluation) -> str:
    legs = len(expand_matrix(test_matrix(evaluation.design), job="test"))
    return f"{legs} matrix legs (python-version x os x mode, after exclude and include)"


def overview_panel(
    design: str | Path = "pipeline.yaml",
    out: str | Path = "workflows",
    overrides: Mapping[str, Any] | None = None,
) -> Panel:
    """The whole pipeline: billing inputs, which workflows exist, figures for every workflow together."""
    session = _session("overview", design, out, overrides)
    b = _start(session)
    workflows = [
        b.check(("build", "enabled"), "build.yaml (Docker image)"),
        b.check(("license", "enabled"), "license-compliance.yaml"),
        b.check(("deploy", "enabled"), "deploy.yaml"),
        b.check(("test", "benchmark", "enabled"), "benchmark job in test.yaml"),
    ]
    return Panel(
        session,
        name="overview",
        title="Pipeline overview",
        workflow=None,
        sections=[("Billing", b.billing()), ("Workflows", workflows)],
        report=report.overview_report,
    )


def test_matrix_panel(
    design: str | Path = "pipeline.yaml",
    out: str | Path = "workflows",
    overrides: Mapping[str, Any] | None = None,
) -> Panel:
    """test.yaml: the matrix axes, include/exclude entries, and the jobs around the matrix."""
    session = _session("test-matrix", design, out, overrides)
    b = _start(session)
    matrix = ("test", "matrix")
    example = '- {python-version: "3.13", os: ubuntu-latest, mode: basic}'
    axes = [
        b.multi((*matrix, "python-version"), "Python versions", PYTHON_CHOICES),
        b.multi((*matrix, "os"), "Runner labels", b.runner_labels()),
        b.multi((*matrix, "mode"), "Modes", list(b.design.test.modes)),
    ]
    entries = [
        c.yaml_list((*matrix, "include"), "include", b.value((*matrix, "include")), example),
        c.yaml_list((*matrix, "exclude"), "exclude", b.value((*matrix, "exclude")), example),
    ]
    jobs = [
        b.check(("test", "fail-fast"), "fail-fast"),
        c.optional_integer(("test", "max-parallel"), "max-parallel", b.value(("test", "max-parallel"))),
        b.integer(("test", "min_tests"), "Minimum tests"),
        b.check(("test", "coverage", "enabled"), "coverage"),
        b.check(("test", "benchmark", "enabled"), "benchmark job"),
        b.check(("test", "dependency_audit"), "pip-audit job"),
    ]
    return Panel(
        session,
        name="test-matrix",
        title="Test matrix (test.yaml)",
        workflow="test",
        sections=[
            ("Matrix", axes),
            ("include / exclude (YAML)", entries),
            ("Jobs", jobs),
            ("Billing", b.billing()),
        ],
        report=report.workflow_report,
        extra=_matrix_legs,
    )


def build_panel(
    design: str | Path = "pipeline.yaml",
    out: str | Path = "workflows",
    overrides: Mapping[str, Any] | None = None,
) -> Panel:
    """build.yaml: platforms per event, attestations and the Trivy image scan."""
    session = _session("build", design, out, overrides)
    b = _start(session)
    image = [
        b.check(("build", "enabled"), "build.yaml"),
        b.drop(("build", "runner"), "Runner", b.runner_labels()),
        b.text(("build", "registry"), "Registry"),
        b.text(("build", "image"), "Image (empty: repository name)", optional=True),
        b.multi(("build", "platforms_pull_request"), "Platforms on pull requests", PLATFORM_CHOICES),
        b.multi(("build", "platforms_push"), "Platforms on push", PLATFORM_CHOICES),
        b.check(("build", "attestations"), "SBOM and provenance"),
    ]
    scan = [
        b.check(("build", "scan", "enabled"), "Trivy image scan"),
        b.multi(("build", "scan", "severity"), "Severities", SEVERITIES),
        b.check(("build", "scan", "ignore_unfixed"), "ignore unfixed"),
        b.check(("build", "scan", "fail_on_findings"), "fail on findings"),
    ]
    return Panel(
        session,
        name="build",
        title="Container build (build.yaml)",
        workflow="build",
        sections=[("Image", image), ("Scan", scan), ("Billing", b.billing())],
        report=report.workflow_report,
    )


def security_panel(
    design: str | Path = "pipeline.yaml",
    out: str | Path = "workflows",
    overrides: Mapping[str, Any] | None = None,
) -> Panel:
    """security.yaml and .gitleaks.toml: scanners, their severities, the schedule."""
    session = _session("security", design, out, overrides)
    b = _start(session)
    sec = ("security",)
    gitleaks = [
        b.check((*sec, "gitleaks", "enabled"), "gitleaks"),
        b.drop((*sec, "gitleaks", "version"), "gitleaks version", ("8.24.3", "8.30.1")),
        c.toggle_buttons(
            ("project", "owner_type"), "Owner", b.value(("project", "owner_type")), ("organization", "user")
        ),
        b.text((*sec, "gitleaks", "license_secret"), "License secret", optional=True),
    ]
    scanners = [
        b.check((*sec, "trivy", "enabled"), "Trivy filesystem scan"),
        b.multi((*sec, "trivy", "severity"), "Trivy severities", SEVERITIES),
        b.check((*sec, "bandit", "enabled"), "Bandit"),
        b.drop((*sec, "bandit", "severity"), "Bandit severity", LEVELS),
        b.drop((*sec, "bandit", "confidence"), "Bandit confidence", LEVELS),
        b.check((*sec, "pip_audit", "enabled"), "pip-audit"),
        b.check((*sec, "dependency_review", "enabled"), "dependency review (PRs)"),
        b.drop(
            (*sec, "dependency_review", "fail_on_severity"),
            "fails on",
            ("low", "moderate", "high", "critical"),
        ),
        b.check((*sec, "sbom", "enabled"), "SBOM"),
        b.text((*sec, "schedule"), "Schedule (cron)"),
    ]
    return Panel(
        session,
        name="security",
        title="Security scanning (security.yaml, .gitleaks.toml)",
        workflow="security",
        sections=[("Secrets", gitleaks), ("Scanners", scanners), ("Billing", b.billing())],
        report=report.workflow_report,
    )


def license_panel(
    design: str | Path = "pipeline.yaml",
    out: str | Path = "workflows",
    overrides: Mapping[str, Any] | None = None,
) -> Panel:
    """license-compliance.yaml: source headers and the dependency license allow and deny lists."""
    session = _session("license", design, out, overrides)
    b = _start(session)
    lic = ("license",)
    rules = [
        b.check((*lic, "enabled"), "license-compliance.yaml"),
        b.text((*lic, "header"), "Header text"),
        b.tags((*lic, "header_globs"), "Files that need the header"),
        b.tags((*lic, "allow"), "Allowed licenses (SPDX)"),
        b.tags((*lic, "deny"), "Denied licenses (SPDX)"),
    ]
    return Panel(
        session,
        name="license",
        title="License compliance (license-compliance.yaml)",
        workflow="license-compliance",
        sections=[("Rules", rules), ("Billing", b.billing())],
        report=report.workflow_report,
    )


def deploy_panel(
    design: str | Path = "pipeline.yaml",
    out: str | Path = "workflows",
    overrides: Mapping[str, Any] | None = None,
) -> Panel:
    """deploy.yaml: environments, preview deployments and health checks."""
    session = _session("deploy", design, out, overrides)
    b = _start(session)
    dep = ("deploy",)
    preview = b.value((*dep, "preview"))
    targets = [
        b.check((*dep, "enabled"), "deploy.yaml"),
        b.text((*dep, "staging", "url"), "Staging URL"),
        b.text((*dep, "production", "url"), "Production URL"),
        c.optional_mapping(
            (*dep, "preview"),
            "preview deployments for feature branches",
            preview,
            plain(design_value(Design(), (*dep, "preview"))),
        ),
        b.text((*dep, "preview_branch_prefix"), "Preview branch prefix"),
    ]
    checks = [
        b.integer((*dep, "health_retries"), "Health check retries"),
        b.integer((*dep, "health_interval_seconds"), "Seconds between retries"),
        b.tags((*dep, "secrets"), "Secrets the deploy commands get"),
    ]
    return Panel(
        session,
        name="deploy",
        title="Deployments (deploy.yaml)",
        workflow="deploy",
        sections=[("Targets", targets), ("Health", checks), ("Billing", b.billing())],
        report=report.workflow_report,
    )


PANELS = {
    "overview": overview_panel,
    "test-matrix": test_matrix_panel,
    "build": build_panel,
    "security": security_panel,
    "license": license_panel,
    "deploy": deploy_panel,
}
