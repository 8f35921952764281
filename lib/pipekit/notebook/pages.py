"""The design notebooks as one table: each page's title, the workflow its figures cover, its sections of
controls and its static report. `open_panel(name, ...)` builds the live panel of any page; the files a
page shows and writes come from the registry of generated files."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, get_args

from pipekit import files
from pipekit.cost.plan import runs_per_month
from pipekit.design.load import design_from_data
from pipekit.design.model import SEVERITY, Design, Estimates, Preview
from pipekit.facts import gitleaks
from pipekit.facts.platforms import load_platform_factors
from pipekit.facts.runners import PLAN_NAMES, load_catalog
from pipekit.github.matrix import expand_matrix_legs
from pipekit.notebook import controls as c
from pipekit.notebook import report
from pipekit.notebook.controls import Control
from pipekit.notebook.panel import Panel
from pipekit.notebook.session import DesignSession, Evaluation, KeyPath, design_value
from pipekit.pipeline.graph import workflow_jobs
from pipekit.typed import to_data
from pipekit.wording import plural

PYTHON_CHOICES = ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
PLATFORM_CHOICES = ("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386", "linux/ppc64le", "linux/s390x")
SEVERITIES: tuple[str, ...] = get_args(SEVERITY)
LEVELS = ("low", "medium", "high")
MATRIX_EXAMPLE = '- {python-version: "3.13", os: ubuntu-latest, mode: basic}'
OVERRIDE_EXAMPLE = "- {workflow: test, job: test, match: {os: windows-latest}, minutes: 12}"
OS_NAMES = ("linux", "windows", "macos")

Sections = list[tuple[str, list[Control]]]


class Builder:
    """Creates controls initialised from the validated design (defaults filled in)."""

    def __init__(self, design: Design) -> None:
        self.design = design

    def value(self, path: KeyPath) -> Any:
        return to_data(design_value(self.design, path))

    def grid(self, path: KeyPath, label: str, choices: Any, *, sort: bool = True) -> Control:
        return c.checkbox_grid(path, label, self.value(path), choices, sort=sort)

    def drop(self, path: KeyPath, label: str, choices: Any) -> Control:
        return c.dropdown(path, label, self.value(path), choices)

    def toggle(self, path: KeyPath, label: str, choices: Sequence[str]) -> Control:
        return c.toggle_buttons(path, label, self.value(path), choices)

    def check(self, path: KeyPath, label: str) -> Control:
        return c.checkbox(path, label, self.value(path))

    def integer(self, path: KeyPath, label: str) -> Control:
        return c.integer(path, label, self.value(path))

    def number(self, path: KeyPath, label: str) -> Control:
        return c.number(path, label, self.value(path))

    def job_minutes(self, workflow: str) -> list[Control]:
        """Linux minutes of each job of `workflow` the cost model counts (before OS and mode factors)."""
        counted = [job.id for job in workflow_jobs(self.design, workflow) if job.triggers]
        known = [*Estimates().minutes.get(workflow, {}), *self.design.estimates.minutes.get(workflow, {})]
        return [
            self.number(("estimates", "minutes", workflow, job), f"{job} (min)")
            for job in dict.fromkeys([*known, *counted])
        ]

    def platform_factors(self) -> list[Control]:
        """The factor of each platform the build runner would emulate (an assumption until edited)."""
        arch = load_catalog().runner(self.design.build.runner, self.design.runners).arch
        native = load_platform_factors().native.get(arch, frozenset())
        return [
            self.number(("estimates", "platform_factor", platform), f"x {platform} (emulated)")
            for platform in PLATFORM_CHOICES
            if platform not in native
        ]

    def os_factors(self) -> list[Control]:
        return [self.number(("estimates", "os_factor", os), f"x {os}") for os in OS_NAMES]

    def optional_integer(self, path: KeyPath, label: str) -> Control:
        return c.optional_integer(path, label, self.value(path))

    def text(self, path: KeyPath, label: str, *, optional: bool = False) -> Control:
        return c.text(path, label, self.value(path), optional=optional)

    def tags(self, path: KeyPath, label: str, choices: Sequence[str] = ()) -> Control:
        return c.tags(path, label, self.value(path), choices)

    def yaml_list(self, path: KeyPath, label: str, placeholder: str) -> Control:
        return c.yaml_list(path, label, self.value(path), placeholder)

    def optional_section(self, path: KeyPath, label: str, default: object) -> Control:
        """A section that is on (its values) or off (null); turned on, it starts from `default`."""
        return c.optional_mapping(path, label, self.value(path), to_data(default))

    def runner_labels(self) -> list[str]:
        return sorted({*load_catalog().labels, *self.design.runners})

    def billing(self) -> list[Control]:
        return [
            self.drop(("billing", "plan"), "GitHub plan", PLAN_NAMES),
            self.toggle(("billing", "visibility"), "Repository", ("private", "public")),
            self.integer(("billing", "runs_per_month", "pull_request"), "Pull request pushes a month"),
            self.integer(("billing", "runs_per_month", "push"), "Pushes to the default branch a month"),
        ]


def _overview(b: Builder) -> Sections:
    return [
        ("Billing", b.billing()),
        ("OS factors (minutes x factor)", b.os_factors()),
        (
            "Workflows",
            [
                b.check(("build", "enabled"), "build.yaml (Docker image)"),
                b.check(("license", "enabled"), "license-compliance.yaml"),
                b.check(("deploy", "enabled"), "deploy.yaml"),
                b.check(("test", "benchmark", "enabled"), "benchmark job in test.yaml"),
            ],
        ),
    ]


def _test_matrix(b: Builder) -> Sections:
    matrix = ("test", "matrix")
    return [
        (
            "Matrix",
            [
                b.grid((*matrix, "python-version"), "Python versions", PYTHON_CHOICES),
                b.tags((*matrix, "os"), "Runner labels", b.runner_labels()),
                b.grid((*matrix, "mode"), "Modes", list(b.design.test.modes), sort=False),
            ],
        ),
        (
            "include / exclude (YAML)",
            [
                b.yaml_list((*matrix, "include"), "include", MATRIX_EXAMPLE),
                b.yaml_list((*matrix, "exclude"), "exclude", MATRIX_EXAMPLE),
            ],
        ),
        (
            "Jobs",
            [
                b.check(("test", "fail-fast"), "fail-fast"),
                b.optional_integer(("test", "max-parallel"), "max-parallel"),
                b.integer(("test", "min_tests"), "Minimum tests"),
                b.check(("test", "coverage", "enabled"), "coverage"),
                b.check(("test", "benchmark", "enabled"), "benchmark job"),
            ],
        ),
        (
            "Estimates: Linux minutes, factors, overrides",
            [
                *b.job_minutes("test"),
                *b.os_factors(),
                *(b.number(("estimates", "mode_factor", mode), f"x {mode}") for mode in b.design.test.modes),
                b.yaml_list(("estimates", "overrides"), "overrides", OVERRIDE_EXAMPLE),
            ],
        ),
        ("Billing", b.billing()),
    ]


def _build(b: Builder) -> Sections:
    build = ("build",)
    return [
        (
            "Image",
            [
                b.check((*build, "enabled"), "build.yaml"),
                b.drop((*build, "runner"), "Runner", b.runner_labels()),
                b.text((*build, "registry"), "Registry"),
                b.text((*build, "image"), "Image (empty: repository name)", optional=True),
                b.grid(
                    (*build, "platforms_pull_request"),
                    "Platforms on pull requests",
                    PLATFORM_CHOICES,
                    sort=False,
                ),
                b.grid((*build, "platforms_push"), "Platforms on push", PLATFORM_CHOICES, sort=False),
                b.check((*build, "attestations"), "SBOM and provenance"),
            ],
        ),
        (
            "Scan",
            [
                b.check((*build, "scan", "enabled"), "Trivy image scan"),
                b.grid((*build, "scan", "severity"), "Severities", SEVERITIES, sort=False),
                b.check((*build, "scan", "ignore_unfixed"), "ignore unfixed"),
                b.check((*build, "scan", "fail_on_findings"), "fail on findings"),
            ],
        ),
        (
            "Estimates",
            [
                *b.job_minutes("build"),
                *b.platform_factors(),
            ],
        ),
        ("Billing", b.billing()),
    ]


def _security(b: Builder) -> Sections:
    sec = ("security",)
    return [
        (
            "Secrets",
            [
                b.check((*sec, "gitleaks", "enabled"), "gitleaks"),
                b.drop((*sec, "gitleaks", "version"), "gitleaks version", gitleaks.versions()),
                b.check((*sec, "code_security"), "GitHub Code Security (private repository)"),
            ],
        ),
        (
            "Scanners",
            [
                b.check((*sec, "trivy", "enabled"), "Trivy filesystem scan"),
                b.grid((*sec, "trivy", "severity"), "Trivy severities", SEVERITIES, sort=False),
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
            ],
        ),
        ("Estimates (Linux minutes)", b.job_minutes("security")),
        ("Billing", b.billing()),
    ]


def _license(b: Builder) -> Sections:
    lic = ("license",)
    return [
        (
            "Rules",
            [
                b.check((*lic, "enabled"), "license-compliance.yaml"),
                b.text((*lic, "header"), "Header text (empty: no header check)", optional=True),
                b.tags((*lic, "header_globs"), "Files that need the header"),
                b.tags((*lic, "allow"), "Allowed licenses (SPDX)"),
                b.tags((*lic, "deny"), "Denied licenses (SPDX)"),
            ],
        ),
        ("Estimates (Linux minutes)", b.job_minutes("license-compliance")),
        ("Billing", b.billing()),
    ]


def _deploy(b: Builder) -> Sections:
    dep = ("deploy",)
    return [
        (
            "Targets",
            [
                b.check((*dep, "enabled"), "deploy.yaml"),
                b.text((*dep, "staging", "url"), "Staging URL"),
                b.text((*dep, "production", "url"), "Production URL"),
                b.drop((*dep, "production_approval"), "Production approval", ("manual", "reviewers")),
                b.optional_section((*dep, "preview"), "preview deployments per pull request", Preview()),
            ],
        ),
        (
            "Health",
            [
                b.integer((*dep, "health_retries"), "Health check retries"),
                b.integer((*dep, "health_interval_seconds"), "Seconds between retries"),
                b.tags((*dep, "staging", "secrets"), "Staging secrets"),
                b.tags((*dep, "production", "secrets"), "Production secrets"),
            ],
        ),
        ("Estimates (Linux minutes)", b.job_minutes("deploy")),
        ("Billing", b.billing()),
    ]


def _matrix_legs(evaluation: Evaluation) -> str:
    legs = len(expand_matrix_legs(evaluation.design.test.matrix.strategy(), job="test"))
    return f"{plural(legs, 'matrix leg')} (python-version x os x mode, after exclude and include)"


def _scheduled_runs(evaluation: Evaluation) -> str:
    design = evaluation.design
    runs = runs_per_month(design, "schedule", "security")
    return (
        f"security.schedule {design.security.schedule!r}: {plural(runs, 'scheduled run')} a month "
        f"(counted from the cron over the year from {design.billing.prices_on})"
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class Page:
    """One design notebook: what its panel shows (every page has the billing inputs among its sections)."""

    title: str
    workflow: str | None  # the workflow its figures cover (stem); None: the whole pipeline
    sections: Callable[[Builder], Sections]
    report: Callable[[Panel], None] = report.workflow_report
    extra: Callable[[Evaluation], str] | None = None


PAGES: Mapping[str, Page] = {
    files.OVERVIEW: Page(
        title="Pipeline overview", workflow=None, sections=_overview, report=report.overview_report
    ),
    "test-matrix": Page(
        title="Test matrix (test.yaml)", workflow="test", sections=_test_matrix, extra=_matrix_legs
    ),
    "build": Page(title="Container build (build.yaml)", workflow="build", sections=_build),
    "security": Page(
        title="Security scanning (security.yaml, .gitleaks.toml)",
        workflow="security",
        sections=_security,
        extra=_scheduled_runs,
    ),
    "license": Page(
        title="License compliance (license-compliance.yaml)", workflow="license-compliance", sections=_license
    ),
    "deploy": Page(title="Deployments (deploy.yaml)", workflow="deploy", sections=_deploy),
}


def open_panel(
    name: str,
    design: str | Path = "pipeline.yaml",
    out: str | Path = "workflows",
    overrides: Mapping[str, Any] | None = None,
) -> Panel:
    """The live panel of page `name` on the design file `design`, comparing with the files in `out`.

    `overrides` are dotted key paths and values applied before the widgets (``{"billing.plan": "pro"}``).
    """
    page = PAGES[name]
    session = DesignSession(design, out, files.notebook_files(name), overrides)
    # Controls start from the validated values; an invalid file raises its one-line DesignError here.
    builder = Builder(design_from_data(session.data, session.source))
    return Panel(
        session,
        name=name,
        title=page.title,
        workflow=page.workflow,
        sections=page.sections(builder),
        report=page.report,
        extra=page.extra,
    )
