"""The design model: what `pipeline.yaml` holds, as typed frozen dataclasses, with every default here.

The defaults describe a generic Python project (pip, `src/`, one test mode, no image, no deploys): an
empty design file renders a pipeline that asks nothing of the repository it does not have. `pipekit init`
writes a design from a repository's own files.
Each field's `spec(...)` says its YAML key, pattern, bounds and help text; `pipekit.typed` converts
plain data with them and `design.rules` checks what spans several keys.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal, TypeAlias

from pipekit.facts import gitleaks
from pipekit.facts.runners import CustomRunner, load_catalog
from pipekit.typed import spec

# Patterns for names that end up in YAML keys, shell words or URLs; kept strict so no value can break
# the generated YAML or be read as an expression.
NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
NAME_WORDS = "a name of letters, digits, '_', '.' or '-' (starting with a letter or digit)"
PYTHON_VERSION = r"(?:pypy)?3\.[0-9]+(?:\.[0-9]+)?(?:-dev)?"
PYTHON_WORDS = 'a quoted Python version such as "3.12" (YAML reads an unquoted 3.10 as the number 3.1)'
ENV_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
ENV_WORDS = "an environment variable name (letters, digits, '_')"
ONE_LINE = r"[^\r\n]*"
IMAGE = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
IMAGE_WORDS = "a lower-case image path such as 'acme/modelmuxer' (no tag, no registry)"
HOST = r"[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]+)?"
BRANCH = r"[A-Za-z0-9._/-]+"
PLATFORM = r"linux/(?:amd64|arm64|arm/v7|arm/v6|386|ppc64le|s390x|riscv64)"
BuildPlatform: TypeAlias = Literal[
    "linux/amd64",
    "linux/arm64",
    "linux/arm/v7",
    "linux/arm/v6",
    "linux/386",
    "linux/ppc64le",
    "linux/s390x",
    "linux/riscv64",
]
SEVERITY = Literal["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
# No leading '-': a folder named like an option would reach mypy or bandit as one.
PATH_GLOB = r"[A-Za-z0-9_./*?\[\]{},][A-Za-z0-9_./*?\[\]{},-]*"
URL = r"https://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~/-]*)?"
# A preview URL may name the pull request: {pr} becomes its number.
PREVIEW_URL = r"https://[A-Za-z0-9.{}-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~/{}-]*)?"
SPDX = r"[A-Za-z0-9.+-]+"
PACKAGE = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"  # a distribution name as PyPI writes it
SHA = r"[0-9a-f]{40}"

Trigger = Literal["pull_request", "push", "schedule"]
TRIGGERS: tuple[Trigger, ...] = ("pull_request", "push", "schedule")
AXES = ("python-version", "os", "mode")  # the test matrix's vectors, in the order test.yaml writes them


def _frozen(**values: Any) -> Any:
    return lambda: MappingProxyType(dict(values))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Project:
    """The repository the pipeline is for."""

    name: str = spec("project", pattern=NAME, expected=NAME_WORDS, doc="Project name, used in titles")
    owner_type: Literal["organization", "user"] = spec(
        "organization", doc="Who owns the repository: an organization or a personal account"
    )
    default_branch: str = spec("main", pattern=BRANCH, expected="a branch name", doc="Branch that deploys")
    package_manager: Literal["poetry", "uv", "pip"] = spec("pip", doc="How dependencies are installed")
    requirements: tuple[str, ...] = spec(
        (),
        pattern=PATH_GLOB,
        expected="a relative path",
        doc="pip only: requirements files installed with the project (empty: the project alone)",
    )
    source_dirs: tuple[str, ...] = spec(
        ("src",), pattern=PATH_GLOB, expected="a relative path", min_items=1, doc="Source folders"
    )
    tests_dir: str = spec("tests", pattern=PATH_GLOB, expected="a relative path", doc="Test folder")
    python: str = spec(
        "3.13", pattern=PYTHON_VERSION, expected=PYTHON_WORDS, doc="Python for non-matrix jobs"
    )
    paths_ignore: tuple[str, ...] = spec(
        (),
        pattern=PATH_GLOB,
        expected="a path glob",
        doc="A push or pull request that changes only these paths (docs) starts no workflow",
    )
    artifact_retention_days: int = spec(14, minimum=1, maximum=90, doc="Days GitHub keeps uploaded artifacts")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Mode:
    """One test mode: the environment it sets, and the extras and dependency groups it installs."""

    extras: tuple[str, ...] = spec((), pattern=NAME, expected=NAME_WORDS, doc="Package extras to install")
    groups: tuple[str, ...] = spec(
        (), pattern=NAME, expected=NAME_WORDS, doc="Dependency groups to install (PEP 735, Poetry, uv)"
    )
    env: Mapping[str, str] = spec(
        factory=_frozen(),
        key_pattern=ENV_NAME,
        key_expected=ENV_WORDS,
        pattern=ONE_LINE,
        expected="a value on one line",
        doc="Environment variables for this mode's tests",
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class Matrix:
    """The test matrix axes, as GitHub's strategy.matrix."""

    python_version: tuple[str, ...] = spec(
        ("3.12", "3.13"), key="python-version", pattern=PYTHON_VERSION, expected=PYTHON_WORDS, min_items=1
    )
    os: tuple[str, ...] = spec(
        ("ubuntu-latest",),
        pattern=NAME,
        expected="a runner label",
        min_items=1,
        runner_label=True,
    )
    mode: tuple[str, ...] = spec(("default",), pattern=NAME, expected=NAME_WORDS, min_items=1)
    include: tuple[Mapping[str, Any], ...] = spec((), doc="Entries added after exclude (GitHub rules)")
    exclude: tuple[Mapping[str, Any], ...] = spec((), doc="Partial combinations to remove")

    def strategy(self) -> dict[str, Any]:
        """The strategy.matrix test.yaml writes: the axes, then exclude and include if there are any."""
        result: dict[str, Any] = {
            "python-version": list(self.python_version),
            "os": list(self.os),
            "mode": list(self.mode),
        }
        if self.exclude:
            result["exclude"] = [dict(entry) for entry in self.exclude]
        if self.include:
            result["include"] = [dict(entry) for entry in self.include]
        return result


@dataclasses.dataclass(frozen=True, kw_only=True)
class Coverage:
    """Coverage measurement and its HTML report."""

    enabled: bool = spec(True)
    html_artifact: bool = spec(True, doc="Upload the HTML report as an artifact")
    fail_under: float | None = spec(None, minimum=0, maximum=100, doc="Minimum total coverage percent")
    report_leg: Mapping[str, str] | None = spec(
        None, doc="The matrix leg that uploads the coverage report; null: the last Linux leg"
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class Benchmark:
    """Performance benchmark: results stored as an artifact and commented on pull requests."""

    enabled: bool = spec(False)
    command: str = spec(
        "pytest --benchmark-only --benchmark-json=benchmark.json",
        doc="Shell command that writes benchmark.json",
    )
    tool: Literal["pytest", "customSmallerIsBetter", "customBiggerIsBetter"] = spec("pytest")
    alert_threshold: str = spec("150%", pattern=r"[0-9]+(?:\.[0-9]+)?%", expected="a percentage like '150%'")
    fail_on_alert: bool = spec(False)
    runner: str = spec("ubuntu-latest", pattern=NAME, expected="a runner label", runner_label=True)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Lint:
    """Static checks before the tests."""

    ruff_format: bool = spec(True, doc="ruff format --check")
    ruff_check: bool = spec(True, doc="ruff check")
    mypy: bool = spec(True, doc="mypy on the source folders")


@dataclasses.dataclass(frozen=True, kw_only=True)
class DesignCheck:
    """A test.yaml job proving what is committed is what the design produces: `pipekit check` on the
    workflows, then the design notebooks run with nbval."""

    enabled: bool = spec(False, doc="Run the design check job")
    requirement: str | None = spec(
        None,
        pattern=r"[A-Za-z0-9.][^\n\r]*",  # never an option: nothing starts with "-"
        expected="one pip requirement line (a name, a URL or a path, not an option)",
        doc="The pip requirement that installs pipekit in CI, e.g. 'pipekit==0.1.0' or "
        "'pipekit @ git+https://github.com/OWNER/pipekit@<commit>'",
    )
    design: str = spec("pipeline.yaml", doc="The design file's path from the repository's root")
    notebooks: str | None = spec(
        "notebooks/pipekit", doc="Folder of the design notebooks nbval runs (null: no notebooks)"
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunReport:
    """The run's own health report: each test leg keeps its JUnit and coverage XML for a few days, and a
    `report` job of test.yaml summarises every run, failed ones too: the failing tests of each leg, each
    job's duration against its estimate, the coverage figure. It never decides the run: `passed` does."""

    enabled: bool = spec(True, doc="Keep each test leg's results and summarise the run in a report job")
    retention_days: int = spec(
        5,
        minimum=1,
        maximum=90,
        doc="Days GitHub keeps each leg's JUnit and coverage XML (the report reads them in the same run)",
    )
    webhook_secret: str | None = spec(
        None,
        pattern=ENV_NAME,
        expected="a secret name (letters, digits, '_')",
        doc="Name of the repository secret holding an incoming-webhook URL: a failed push to the default "
        'branch posts {"text": ...} there (null: no notification)',
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class TestWorkflow:
    """test.yaml: lint, the test matrix and benchmarks, and one job that passes when they all did (the
    check to require in branch protection). Dependencies are audited once, in security.yaml."""

    matrix: Matrix = spec(factory=Matrix)
    modes: Mapping[str, Mode] = spec(
        factory=lambda: MappingProxyType({"default": Mode()}),
        key_pattern=NAME,
        key_expected=NAME_WORDS,
        doc="Each mode's environment, extras and dependency groups, by mode name",
    )
    mode_variable: str | None = spec(
        None,
        pattern=ENV_NAME,
        expected=ENV_WORDS,
        doc="An environment variable that receives the mode's name (null: none)",
    )
    fail_fast: bool = spec(False, key="fail-fast")
    max_parallel: int | None = spec(None, key="max-parallel", minimum=1, maximum=256)
    setup: str | None = spec(
        None,
        doc="Shell commands (bash) each test leg runs after installing the project and before the tests: "
        "tools or services the tests need; null: none",
    )
    pytest_args: str = spec("", doc="Extra pytest arguments")
    min_tests: int = spec(1, minimum=0, doc="Fail when fewer tests ran")
    coverage: Coverage = spec(factory=Coverage)
    benchmark: Benchmark = spec(factory=Benchmark)
    lint: Lint = spec(factory=Lint)
    design_check: DesignCheck = spec(factory=DesignCheck)
    report: RunReport = spec(factory=RunReport)
    timeout_minutes: int = spec(30, minimum=1, maximum=360)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Trivy:
    """A Trivy scan and its SARIF upload."""

    enabled: bool = spec(True)
    severity: tuple[SEVERITY, ...] = spec(("CRITICAL", "HIGH"), min_items=1)
    ignore_unfixed: bool = spec(True)
    fail_on_findings: bool = spec(
        True, doc="Fail the job on findings (false: report only, and the job summary says so)"
    )
    category: str = spec("trivy", pattern=NAME, expected=NAME_WORDS, doc="SARIF category")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Build:
    """build.yaml: multi-platform Docker image with Buildx, cache, attestations and a Trivy scan."""

    enabled: bool = spec(False)
    registry: str = spec("ghcr.io", pattern=HOST, expected="a registry host such as 'ghcr.io'")
    image: str | None = spec(None, pattern=IMAGE, expected=IMAGE_WORDS, doc="Default: the repository name")
    context: str = spec(".", pattern=PATH_GLOB, expected="a relative path")
    dockerfile: str = spec("Dockerfile", pattern=PATH_GLOB, expected="a relative path")
    platforms_pull_request: tuple[str, ...] = spec(
        ("linux/amd64",), pattern=PLATFORM, expected="a platform like 'linux/amd64'", min_items=1
    )
    platforms_push: tuple[str, ...] = spec(
        ("linux/amd64", "linux/arm64"),
        pattern=PLATFORM,
        expected="a platform like 'linux/amd64'",
        min_items=1,
    )
    attestations: bool = spec(True, doc="SBOM and provenance outside pull requests")
    scan: Trivy = spec(factory=lambda: Trivy(category="trivy-image"))
    runner: str = spec("ubuntu-latest", pattern=NAME, expected="a runner label", runner_label=True)
    timeout_minutes: int = spec(45, minimum=1, maximum=360)


@dataclasses.dataclass(frozen=True, kw_only=True)
class GitleaksAllowlist:
    """What gitleaks must not report."""

    paths: tuple[str, ...] = spec((r"^docs/", r"^tests/", r"(?i)\.md$", r"^\.gitleaks\.toml$"))
    regexes: tuple[str, ...] = spec(
        (
            r"(?i)(?:your|example|dummy|fake|test)[_-]?(?:api[_-]?)?key",
            r"(?i)<[a-z_-]*(?:key|token|secret)[a-z_-]*>",
            r"(?i)x{8,}",
            r"sk-(?:test|example|placeholder)[A-Za-z0-9-]*",
        )
    )
    stopwords: tuple[str, ...] = spec(("example", "placeholder", "dummy", "changeme", "redacted"))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Gitleaks:
    """Secret scanning with the gitleaks command line (MIT licensed) and a generated .gitleaks.toml."""

    enabled: bool = spec(True)
    version: str = spec(
        factory=lambda: gitleaks.versions()[-1],
        choices=gitleaks.versions,
        doc="The gitleaks release the workflow runs (default: the newest pipekit knows)",
    )
    allowlist: GitleaksAllowlist = spec(factory=GitleaksAllowlist)
    disabled_rules: tuple[str, ...] = spec((), pattern=NAME, expected="a gitleaks rule id")
    category: str = spec("gitleaks", pattern=NAME, expected=NAME_WORDS)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Bandit:
    """Bandit static analysis of the Python sources."""

    enabled: bool = spec(True)
    severity: Literal["low", "medium", "high"] = spec("medium", doc="Lowest severity reported")
    confidence: Literal["low", "medium", "high"] = spec("medium", doc="Lowest confidence reported")
    fail_on_findings: bool = spec(
        True, doc="Fail the job on findings (false: report only, and the job summary says so)"
    )
    category: str = spec("bandit", pattern=NAME, expected=NAME_WORDS)


@dataclasses.dataclass(frozen=True, kw_only=True)
class DependencyReview:
    """GitHub's dependency review on pull requests."""

    enabled: bool = spec(True)
    fail_on_severity: Literal["low", "moderate", "high", "critical"] = spec("high")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Toggle:
    """A scanner that is only on or off."""

    enabled: bool = spec(True)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Security:
    """security.yaml: secrets, filesystem, code and dependency scanning, SBOM; also on a schedule."""

    schedule: str = spec(
        "17 3 * * 1",
        pattern=r"[0-9*/,-]+ [0-9*/,-]+ [0-9*/,-]+ [0-9*/,-]+ [0-9*/,-]+",
        expected="a five-field cron expression such as '17 3 * * 1'",
    )
    code_security: bool = spec(
        False,
        doc="GitHub Code Security is on for this private repository: SARIF goes to code scanning and "
        "dependency review runs (public repositories have both without it)",
    )
    gitleaks: Gitleaks = spec(factory=Gitleaks)
    trivy: Trivy = spec(factory=lambda: Trivy(category="trivy-fs"))
    bandit: Bandit = spec(factory=Bandit)
    pip_audit: Toggle = spec(factory=Toggle)
    dependency_review: DependencyReview = spec(factory=DependencyReview)
    sbom: Toggle = spec(factory=Toggle)
    timeout_minutes: int = spec(20, minimum=1, maximum=360)


@dataclasses.dataclass(frozen=True, kw_only=True)
class License:
    """license-compliance.yaml: source headers, dependency licenses, a report."""

    enabled: bool = spec(True)
    header: str | None = spec(None, doc="Text every source file begins with (null: no header check)")
    header_globs: tuple[str, ...] = spec(("src/**/*.py",), pattern=PATH_GLOB, expected="a path glob")
    allow: tuple[str, ...] = spec(
        (
            "MIT",
            "BSD-2-Clause",
            "BSD-3-Clause",
            "Apache-2.0",
            "ISC",
            "PSF-2.0",
            "Python-2.0",
            "MPL-2.0",
            "LGPL-3.0-or-later",
            "Unlicense",
        ),
        pattern=SPDX,
        expected="an SPDX license id",
    )
    deny: tuple[str, ...] = spec(
        (
            "GPL-2.0-only",
            "GPL-3.0-only",
            "GPL-3.0-or-later",
            "AGPL-3.0-only",
            "AGPL-3.0-or-later",
            "SSPL-1.0",
        ),
        pattern=SPDX,
        expected="an SPDX license id",
    )
    exceptions: Mapping[str, str] = spec(
        factory=_frozen(),
        key_pattern=PACKAGE,
        key_expected="a package name",
        pattern=ONE_LINE,
        expected="a reason on one line",
        doc="Packages accepted whatever their license says, each with the reason",
    )
    timeout_minutes: int = spec(15, minimum=1, maximum=360)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Environment:
    """A deployment target."""

    environment: str = spec(pattern=NAME, expected=NAME_WORDS, doc="GitHub environment name")
    url: str = spec(pattern=URL, expected="an https:// URL")
    secrets: tuple[str, ...] = spec(
        (), pattern=ENV_NAME, expected="a secret name", doc="Secrets of this environment the commands get"
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class Preview:
    """Preview deployments: one GitHub environment per pull request, torn down when it closes."""

    environment: str = spec(
        "preview", pattern=NAME, expected=NAME_WORDS, doc="GitHub environment name; the PR number is added"
    )
    url: str = spec(
        "https://pr-{pr}.preview.example.com",
        pattern=PREVIEW_URL,
        expected="an https:// URL, where {pr} stands for the pull request number",
    )
    secrets: tuple[str, ...] = spec(
        (), pattern=ENV_NAME, expected="a secret name", doc="Secrets of the preview environment"
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class DeployCommands:
    """The team's shell commands. They get DEPLOY_ENVIRONMENT, DEPLOY_URL, GIT_SHA (not in a teardown), the
    environment's secrets, IMAGE for staging and production (the image build.yaml pushed, by digest;
    previews deploy the checked-out source) and PR_NUMBER for previews."""

    deploy: str | None = spec(None, doc="Deploys to DEPLOY_ENVIRONMENT")
    health: str | None = spec(None, doc="Exits 0 once the deployment answers; retried")
    smoke: str | None = spec(None, doc="Quick functional checks after a healthy deploy (null: none)")
    rollback: str | None = spec(
        None, doc="Restores the previous release after a failed, cancelled or timed-out deploy"
    )
    teardown: str | None = spec(None, doc="Removes a preview when its pull request closes")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Deploy:
    """deploy.yaml: staging from the default branch, production after approval, previews per pull request."""

    enabled: bool = spec(False)
    staging: Environment = spec(
        factory=lambda: Environment(environment="staging", url="https://staging.example.com")
    )
    production: Environment = spec(
        factory=lambda: Environment(environment="production", url="https://example.com")
    )
    production_approval: Literal["reviewers", "manual"] = spec(
        "manual",
        doc="reviewers: the production environment's required reviewers approve (private repositories "
        "need GitHub Enterprise); manual: someone starts the promotion by hand (workflow_dispatch)",
    )
    preview: Preview | None = spec(
        None, doc="Preview deployments for pull requests from this repository; null turns them off"
    )
    commands: DeployCommands = spec(factory=DeployCommands)
    health_retries: int = spec(10, minimum=1, maximum=100)
    health_interval_seconds: int = spec(15, minimum=1, maximum=600)
    timeout_minutes: int = spec(30, minimum=1, maximum=360)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Billing:
    """Inputs of the cost estimate."""

    plan: Literal["free", "pro", "team", "enterprise"] = spec("free")
    visibility: Literal["public", "private"] = spec("private")
    prices_on: str = spec(
        factory=lambda: load_catalog().default_prices_on.isoformat(),
        pattern=r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
        expected="a date YYYY-MM-DD",
        doc="Costs use the runner prices in force on this day (default: the newest pipekit knows)",
    )
    runs_per_month: Mapping[Trigger, int] = spec(
        factory=_frozen(pull_request=160, push=40),
        minimum=0,
        maximum=100_000,
        hint="runs a month",
        doc="How often pull requests and pushes start runs; scheduled runs come from security.schedule",
    )
    ignored_share: float = spec(
        0.0,
        minimum=0,
        maximum=1,
        doc="Share of pushes and pull requests that change only project.paths_ignore paths: they start "
        "no workflow",
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class Override:
    """An exact duration for the matrix legs of one job that match."""

    workflow: str = spec(pattern=NAME, expected="a workflow name such as 'test'")
    job: str = spec(pattern=NAME, expected="a job id")
    match: Mapping[str, Any] = spec(factory=_frozen(), doc="Matrix values the leg must have")
    minutes: float = spec(minimum=0, maximum=360, exclusive_minimum=True)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Estimates:
    """Estimated job durations: minutes on Linux, times per-OS and per-mode factors, or exact overrides."""

    minutes: Mapping[str, Mapping[str, float]] = spec(
        factory=lambda: MappingProxyType(
            {
                "test": MappingProxyType(
                    {"lint": 2.5, "test": 6.0, "benchmark": 5.0, "design": 2.0, "passed": 0.2, "report": 0.5}
                ),
                "build": MappingProxyType({"image": 11.0}),
                "security": MappingProxyType(
                    {
                        "gitleaks": 1.0,
                        "trivy": 2.0,
                        "bandit": 1.2,
                        "pip-audit": 1.5,
                        "dependency-review": 0.5,
                        "sbom": 1.5,
                    }
                ),
                "license-compliance": MappingProxyType({"headers": 0.4, "dependencies": 2.0, "report": 0.3}),
                "deploy": MappingProxyType({"gate": 0.5, "preview": 4.0, "staging": 5.0, "production": 5.0}),
            }
        ),
        minimum=0,
        exclusive_minimum=True,
        maximum=360,
        hint="GitHub's 6-hour job limit",
        doc="Per workflow, per job id: minutes on Linux",
    )
    os_factor: Mapping[Literal["linux", "windows", "macos"], float] = spec(
        factory=_frozen(linux=1.0, windows=1.6, macos=1.3), minimum=0, exclusive_minimum=True, maximum=100
    )
    mode_factor: Mapping[str, float] = spec(
        factory=_frozen(),
        minimum=0,
        exclusive_minimum=True,
        maximum=100,
    )
    platform_factor: Mapping[BuildPlatform, float] = spec(
        factory=_frozen(),
        minimum=1,
        maximum=100,
        doc="Per emulated image platform: its build minutes over a native build's "
        "(default: data/build-platforms.yaml)",
    )
    overrides: tuple[Override, ...] = spec(())


@dataclasses.dataclass(frozen=True, kw_only=True)
class ActionPin:
    """A release of an action the design pins instead of pipekit's own (taken over by `pipekit pins sync`
    from a bot's update)."""

    version: str = spec(pattern=r"v[0-9]+(?:\.[0-9]+)*", expected="a release tag such as 'v4.2.2'")
    sha: str = spec(pattern=SHA, expected="the release's full 40-character commit SHA")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Design:
    """A pipekit design: the single source of truth for the generated workflows."""

    version: Literal[1] = spec(1, doc="Design file format version")
    project: Project = spec(factory=Project)
    test: TestWorkflow = spec(factory=TestWorkflow)
    build: Build = spec(factory=Build)
    security: Security = spec(factory=Security)
    license: License = spec(factory=License)
    deploy: Deploy = spec(factory=Deploy)
    runners: Mapping[str, CustomRunner] = spec(
        factory=_frozen(), doc="Self-hosted or larger runner labels, by label"
    )
    pins: Mapping[str, ActionPin] = spec(
        factory=_frozen(),
        key_pattern=r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+",
        key_expected="an action's owner/repository",
        doc="Action releases that replace pipekit's pins, by owner/repository",
    )
    billing: Billing = spec(factory=Billing)
    estimates: Estimates = spec(factory=Estimates)
