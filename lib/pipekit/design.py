"""The design: what `pipeline.yaml` holds, as typed frozen objects, with every default in this module.

The defaults *are* the reference pipeline (ModelMuxer's CI/CD), so an empty design file renders it.
`load_design` reads a file; `design_from_data` validates plain data; both raise DesignError naming the
key path (``test.matrix.os[2]``) and what was expected.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from pipekit import yamlio
from pipekit.errors import DesignError, MatrixError
from pipekit.matrix import expand_matrix
from pipekit.schema import convert, did_you_mean, json_schema, spec

# Patterns for names that end up in YAML keys, shell words or URLs; kept strict so no value can break
# the generated YAML or be read as an expression.
NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
NAME_WORDS = "a name of letters, digits, '_', '.' or '-' (starting with a letter or digit)"
PYTHON_VERSION = r"(?:pypy)?3\.[0-9]+(?:\.[0-9]+)?(?:-dev)?"
PYTHON_WORDS = 'a quoted Python version such as "3.12" (YAML reads an unquoted 3.10 as the number 3.1)'
ENV_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
ENV_WORDS = "an environment variable name (letters, digits, '_')"
IMAGE = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
IMAGE_WORDS = "a lower-case image path such as 'acme/modelmuxer' (no tag, no registry)"
HOST = r"[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]+)?"
BRANCH = r"[A-Za-z0-9._/-]+"
PLATFORM = r"linux/(?:amd64|arm64|arm/v7|arm/v6|386|ppc64le|s390x|riscv64)"
SEVERITY = Literal["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
# No leading '-': a folder named like an option would reach mypy or bandit as one.
PATH_GLOB = r"[A-Za-z0-9_./*?\[\]{},][A-Za-z0-9_./*?\[\]{},-]*"
URL = r"https://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~/-]*)?"
SPDX = r"[A-Za-z0-9.+-]+"

Trigger = Literal["pull_request", "push", "schedule"]
TRIGGERS: tuple[Trigger, ...] = ("pull_request", "push", "schedule")


def _frozen(**values: Any) -> Any:
    return lambda: MappingProxyType(dict(values))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Project:
    """The repository the pipeline is for."""

    name: str = spec("modelmuxer", pattern=NAME, expected=NAME_WORDS, doc="Project name, used in titles")
    owner_type: Literal["organization", "user"] = spec(
        "organization", doc="Who owns the repository; gitleaks-action needs a license on organizations"
    )
    default_branch: str = spec("main", pattern=BRANCH, expected="a branch name", doc="Branch that deploys")
    package_manager: Literal["poetry", "pip"] = spec("poetry", doc="How dependencies are installed")
    source_dirs: tuple[str, ...] = spec(
        ("app",), pattern=PATH_GLOB, expected="a relative path", min_items=1, doc="Source folders"
    )
    tests_dir: str = spec("tests", pattern=PATH_GLOB, expected="a relative path", doc="Test folder")
    python: str = spec(
        "3.12", pattern=PYTHON_VERSION, expected=PYTHON_WORDS, doc="Python for non-matrix jobs"
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class Mode:
    """One test mode: which package extras to install and which environment to set."""

    extras: tuple[str, ...] = spec((), pattern=NAME, expected=NAME_WORDS, doc="Package extras to install")
    env: Mapping[str, str] = spec(factory=_frozen(), doc="Environment variables for this mode's tests")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Matrix:
    """The test matrix axes, as GitHub's strategy.matrix."""

    python_version: tuple[str, ...] = spec(
        ("3.11", "3.12"), key="python-version", pattern=PYTHON_VERSION, expected=PYTHON_WORDS, min_items=1
    )
    os: tuple[str, ...] = spec(
        ("ubuntu-latest", "macos-latest", "windows-latest"),
        pattern=NAME,
        expected="a runner label",
        min_items=1,
    )
    mode: tuple[str, ...] = spec(
        ("basic", "enhanced", "production"), pattern=NAME, expected=NAME_WORDS, min_items=1
    )
    include: tuple[Mapping[str, Any], ...] = spec((), doc="Entries added after exclude (GitHub rules)")
    exclude: tuple[Mapping[str, Any], ...] = spec((), doc="Partial combinations to remove")


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

    enabled: bool = spec(True)
    command: str = spec(
        "pytest tests/benchmarks --benchmark-only --benchmark-json=benchmark.json",
        doc="Shell command that writes benchmark.json",
    )
    tool: Literal["pytest", "customSmallerIsBetter", "customBiggerIsBetter"] = spec("pytest")
    alert_threshold: str = spec("150%", pattern=r"[0-9]+(?:\.[0-9]+)?%", expected="a percentage like '150%'")
    fail_on_alert: bool = spec(False)
    runner: str = spec("ubuntu-latest", pattern=NAME, expected="a runner label")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Lint:
    """Static checks before the tests."""

    ruff_format: bool = spec(True, doc="ruff format --check")
    ruff_check: bool = spec(True, doc="ruff check")
    mypy: bool = spec(True, doc="mypy on the source folders")


@dataclasses.dataclass(frozen=True, kw_only=True)
class TestWorkflow:
    """test.yaml: lint, the test matrix, benchmarks and a dependency audit."""

    matrix: Matrix = spec(factory=Matrix)
    modes: Mapping[str, Mode] = spec(
        factory=lambda: MappingProxyType(
            {
                "basic": Mode(),
                "enhanced": Mode(extras=("enhanced",)),
                "production": Mode(
                    extras=("enhanced", "production"), env=MappingProxyType({"ENV": "production"})
                ),
            }
        ),
        doc="Each mode's extras and environment, by mode name",
    )
    mode_variable: str = spec(
        "MODELMUXER_MODE", pattern=ENV_NAME, expected=ENV_WORDS, doc="Receives the mode"
    )
    fail_fast: bool = spec(False, key="fail-fast")
    max_parallel: int | None = spec(None, key="max-parallel", minimum=1, maximum=256)
    pytest_args: str = spec("", doc="Extra pytest arguments")
    min_tests: int = spec(116, minimum=0, doc="Fail when fewer tests ran")
    coverage: Coverage = spec(factory=Coverage)
    benchmark: Benchmark = spec(factory=Benchmark)
    lint: Lint = spec(factory=Lint)
    dependency_audit: bool = spec(True, doc="pip-audit the locked dependencies")
    timeout_minutes: int = spec(30, minimum=1, maximum=360)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Trivy:
    """A Trivy scan and its SARIF upload."""

    enabled: bool = spec(True)
    severity: tuple[SEVERITY, ...] = spec(("CRITICAL", "HIGH"), min_items=1)
    ignore_unfixed: bool = spec(True)
    fail_on_findings: bool = spec(False, doc="Fail the job (exit code 1) on findings")
    category: str = spec("trivy", pattern=NAME, expected=NAME_WORDS, doc="SARIF category")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Build:
    """build.yaml: multi-platform Docker image with Buildx, cache, attestations and a Trivy scan."""

    enabled: bool = spec(True)
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
    runner: str = spec("ubuntu-latest", pattern=NAME, expected="a runner label")
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
    """Secret scanning with gitleaks-action and a generated .gitleaks.toml."""

    enabled: bool = spec(True)
    version: Literal["8.24.3", "8.30.1"] = spec(
        "8.24.3", doc="gitleaks the action runs (8.24.3 is its default)"
    )
    license_secret: str | None = spec(
        "GITLEAKS_LICENSE", pattern=ENV_NAME, expected="a secret name", doc="Needed for organizations"
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
    fail_on_findings: bool = spec(False)
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
    header: str = spec("SPDX-License-Identifier:", doc="Text every source file must contain")
    header_globs: tuple[str, ...] = spec(("app/**/*.py",), pattern=PATH_GLOB, expected="a path glob")
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
    timeout_minutes: int = spec(15, minimum=1, maximum=360)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Environment:
    """A deployment target."""

    environment: str = spec(pattern=NAME, expected=NAME_WORDS, doc="GitHub environment name")
    url: str = spec(pattern=URL, expected="an https:// URL")


@dataclasses.dataclass(frozen=True, kw_only=True)
class DeployCommands:
    """User shell commands; they get DEPLOY_ENVIRONMENT, DEPLOY_URL, GIT_SHA and, for staging and
    production when build.yaml is on, IMAGE (the image it pushed; previews deploy the checked-out source)."""

    deploy: str = spec('echo "deploy $IMAGE to $DEPLOY_ENVIRONMENT: set deploy.commands.deploy"; exit 1')
    health: str = spec('curl --fail --silent --show-error "$DEPLOY_URL/health"')
    smoke: str = spec('curl --fail --silent --show-error "$DEPLOY_URL/v1/models"')
    rollback: str = spec('echo "roll back $DEPLOY_ENVIRONMENT: set deploy.commands.rollback"; exit 1')


@dataclasses.dataclass(frozen=True, kw_only=True)
class Deploy:
    """deploy.yaml: staging from the default branch, gated production, previews for feature PRs."""

    enabled: bool = spec(True)
    staging: Environment = spec(
        factory=lambda: Environment(environment="staging", url="https://staging.modelmuxer.example")
    )
    production: Environment = spec(
        factory=lambda: Environment(environment="production", url="https://modelmuxer.example")
    )
    preview: Environment | None = spec(
        factory=lambda: Environment(environment="preview", url="https://preview.modelmuxer.example"),
        doc="Preview deployments for pull requests from feature branches; null turns them off",
    )
    preview_branch_prefix: str = spec("feature/", pattern=BRANCH, expected="a branch prefix")
    commands: DeployCommands = spec(factory=DeployCommands)
    secrets: tuple[str, ...] = spec(("DEPLOY_TOKEN",), pattern=ENV_NAME, expected="a secret name")
    health_retries: int = spec(10, minimum=1, maximum=100)
    health_interval_seconds: int = spec(15, minimum=1, maximum=600)
    timeout_minutes: int = spec(30, minimum=1, maximum=360)


@dataclasses.dataclass(frozen=True, kw_only=True)
class CustomRunner:
    """A runner label the catalogue does not know: self-hosted, or a larger runner with its price class."""

    kind: Literal["self-hosted", "larger"] = spec()
    os: Literal["linux", "windows", "macos"] = spec()
    price_class: str | None = spec(None, pattern=NAME, expected="a larger-runner price class")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Billing:
    """Inputs of the cost estimate."""

    plan: Literal["free", "pro", "team", "enterprise"] = spec("team")
    visibility: Literal["public", "private"] = spec("private")
    prices_on: str = spec(
        "2026-11-27",
        pattern=r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
        expected="a date YYYY-MM-DD",
        doc="Price table date",
    )
    runs_per_month: Mapping[Trigger, int] = spec(
        factory=_frozen(pull_request=160, push=40, schedule=4), doc="How often each trigger fires"
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
                    {"lint": 2.5, "test": 6.0, "benchmark": 5.0, "dependency-audit": 1.5}
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
                "deploy": MappingProxyType({"preview": 4.0, "staging": 5.0, "production": 5.0}),
            }
        ),
        doc="Per workflow, per job id: minutes on Linux",
    )
    os_factor: Mapping[Literal["linux", "windows", "macos"], float] = spec(
        factory=_frozen(linux=1.0, windows=1.6, macos=1.3)
    )
    mode_factor: Mapping[str, float] = spec(factory=_frozen(basic=1.0, enhanced=1.2, production=1.4))
    overrides: tuple[Override, ...] = spec(())


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
    billing: Billing = spec(factory=Billing)
    estimates: Estimates = spec(factory=Estimates)


DEFAULT_DESIGN_FILE = "pipeline.yaml"


def design_from_data(data: Any, source: str | None = None) -> Design:
    """Validate plain data (as parsed from YAML) into a Design."""
    try:
        if data is not None and not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else f"{type(data).__name__!s} value"
            raise DesignError(
                "", f"the design must be a mapping of sections (project, test, ...), got {kind}"
            )
        design: Design = convert(Design, data, "")
        _check_consistency(design)
        return design
    except DesignError as error:
        raise (error.with_source(source) if source else error) from None


def load_design(path: str | Path) -> Design:
    """Read and validate a design file."""
    path = Path(path)
    return design_from_data(yamlio.load_file(path), str(path))


@contextlib.contextmanager
def errors_name(path: str | Path) -> Iterator[None]:
    """Design errors found after loading (by planning or rendering) name the design file too."""
    try:
        yield
    except DesignError as error:
        if error.source is not None:
            raise
        raise error.with_source(str(path)) from None


def design_schema() -> dict[str, Any]:
    """JSON Schema of the design file."""
    schema = json_schema(Design)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://pipekit.dev/schema/design-v1.json",
        "title": "pipekit design",
        **schema,
    }


def _check_consistency(design: Design) -> None:
    """Rules that span several keys."""
    test = design.test
    for i, mode in enumerate(test.matrix.mode):
        if mode not in test.modes:
            raise DesignError(
                f"test.matrix.mode[{i}]",
                f"mode {mode!r} has no entry under test.modes{did_you_mean(mode, test.modes)}; "
                f"add test.modes.{mode} with its extras and env",
            )
    for name, mode_spec in test.modes.items():
        # Mode names become shell `case` patterns in test.yaml.
        if re.fullmatch(NAME, name) is None:
            raise DesignError(f"test.modes.{name}", f"expected {NAME_WORDS} as the mode name, got {name!r}")
        for key, value in mode_spec.env.items():
            if re.fullmatch(ENV_NAME, key) is None:
                raise DesignError(f"test.modes.{name}.env.{key}", f"expected {ENV_WORDS} as the key")
            if "\n" in value or "\r" in value:
                raise DesignError(f"test.modes.{name}.env.{key}", "expected a value on one line")
            if "${{" in value:
                raise DesignError(f"test.modes.{name}.env.{key}", f"expected a plain value; {_NO_EXPRESSION}")
    for section in ("include", "exclude"):
        for i, entry in enumerate(getattr(test.matrix, section)):
            _check_matrix_entry(entry, f"test.matrix.{section}[{i}]")
    _check_matrix_size(test.matrix)
    _check_commands(design)
    for key, value in (test.coverage.report_leg or {}).items():
        axis = getattr(test.matrix, "python_version" if key == "python-version" else key, None)
        if axis is None:
            raise DesignError(f"test.coverage.report_leg.{key}", "expected one of python-version, os, mode")
        if value not in axis:
            raise DesignError(
                f"test.coverage.report_leg.{key}",
                f"{value!r} is not in test.matrix.{key} ({', '.join(axis)}); pick a leg that runs",
            )
    gitleaks = design.security.gitleaks
    if gitleaks.enabled and design.project.owner_type == "organization" and not gitleaks.license_secret:
        raise DesignError(
            "security.gitleaks.license_secret",
            "gitleaks-action needs a license secret on organization-owned repositories; "
            "name the secret (e.g. GITLEAKS_LICENSE) or set project.owner_type: user",
        )
    for key, runner in design.runners.items():
        if runner.kind == "larger" and runner.price_class is None:
            raise DesignError(f"runners.{key}.price_class", "a larger runner needs its price class")
    for trigger, runs in design.billing.runs_per_month.items():
        if not 0 <= runs <= 100_000:
            raise DesignError(
                f"billing.runs_per_month.{trigger}", f"expected 0 to 100000 runs a month, got {runs}"
            )
    try:
        dt.date.fromisoformat(design.billing.prices_on)
    except ValueError:
        raise DesignError("billing.prices_on", f"{design.billing.prices_on!r} is not a real date") from None
    for workflow, jobs in design.estimates.minutes.items():
        for job, minutes in jobs.items():
            if not 0 < minutes <= 360:
                raise DesignError(
                    f"estimates.minutes.{workflow}.{job}",
                    f"expected more than 0 and at most 360 minutes (GitHub's 6-hour job limit), "
                    f"got {minutes:g}",
                )
    for factor_name in ("os_factor", "mode_factor"):
        for key, factor in getattr(design.estimates, factor_name).items():
            if not 0 < factor <= 100:
                raise DesignError(
                    f"estimates.{factor_name}.{key}", f"expected a factor above 0, got {factor:g}"
                )


_NO_EXPRESSION = (
    "GitHub evaluates '${{ }}' before the shell runs, so untrusted text such as an issue title could "
    "inject code; read values from environment variables ($VAR) instead"
)


def _check_commands(design: Design) -> None:
    """User shell commands reach run: (or env:) as written, where GitHub would evaluate '${{ }}'."""
    commands = {
        "test.benchmark.command": design.test.benchmark.command,
        "test.pytest_args": design.test.pytest_args,
    }
    for field in dataclasses.fields(DeployCommands):
        commands[f"deploy.commands.{field.name}"] = getattr(design.deploy.commands, field.name)
    for path, command in commands.items():
        if "${{" in command:
            raise DesignError(path, _NO_EXPRESSION)


def _check_matrix_size(matrix: Matrix) -> None:
    """The test matrix must yield 1 to 256 jobs, whatever include and exclude do."""
    vectors: dict[str, Any] = {
        "python-version": list(matrix.python_version),
        "os": list(matrix.os),
        "mode": list(matrix.mode),
        "exclude": [dict(entry) for entry in matrix.exclude],
        "include": [dict(entry) for entry in matrix.include],
    }
    try:
        legs = expand_matrix(vectors, job="test")
    except MatrixError as error:
        message = error.message.removeprefix("job 'test': ")
        where, colon, problem = message.partition(": ")
        if colon and where.startswith("strategy.matrix") and " " not in where:
            raise DesignError("test.matrix" + where.removeprefix("strategy.matrix"), problem) from None
        raise DesignError("test.matrix", message) from None
    if not legs:
        raise DesignError("test.matrix", "exclude removes every combination, so the test job would never run")
    # An include entry that matches no combination left by exclude becomes a leg of its own; without
    # os it would have no runner (runs-on: ${{ matrix.os }} would be empty), without mode no extras.
    for leg in legs:
        missing = [axis for axis in ("python-version", "os", "mode") if axis not in leg]
        if missing:
            raise DesignError(
                "test.matrix.include",
                f"the entry {leg} matches no combination left after exclude, so it becomes a leg of its "
                f"own, but it has no {' or '.join(missing)}; give it python-version, os and mode",
            )


def _check_matrix_entry(entry: Mapping[str, Any], path: str) -> None:
    for key, value in entry.items():
        if re.fullmatch(NAME, key) is None:
            raise DesignError(f"{path}.{key}", f"expected {NAME_WORDS} as the matrix key")
        if not isinstance(value, str | int | float | bool):
            raise DesignError(f"{path}.{key}", f"expected a string or number, got {type(value).__name__}")
        if isinstance(value, str) and ("${{" in value or "\n" in value):
            raise DesignError(f"{path}.{key}", "expected a plain value, not an expression or several lines")
