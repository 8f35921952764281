"""Every gate of a generated pipeline fires: rehearsing `pipekit init`'s design of a clean, real
repository passes, and each planted violation makes exactly the job that guards against it fail, with a
message naming the cause."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import string
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pipekit import yamlio
from pipekit.design import load_design
from pipekit.design.save import save_design
from pipekit.facts.python_versions import load_python_releases
from pipekit.rehearse import report as reports
from pipekit.rehearse import session
from pipekit.rehearse.actions import _pythons
from pipekit.rehearse.report import JobReport, Report, StepReport
from pipekit.rehearse.runner import Selection

from ..repo.fixtures import git, write
from .repositories import PIP_HEADER, Lockers, pip_project, poetry_service, uv_project

# idna 3.6 has a published advisory (PYSEC-2024-60, GHSA-jjg7-2v4v-x38h, fixed in 3.7).
VULNERABLE = "idna==3.6"
# hashlib.md5 for security is Bandit's B324, of high severity.
DIGEST = textwrap.dedent(
    '''\
    """Digests of ledger exports."""

    import hashlib


    def digest(data: bytes) -> str:
        """A digest of `data`."""
        return hashlib.md5(data).hexdigest()
    '''
)


def missing_python() -> str:
    """A CPython release the design accepts (supported today) that this machine does not have."""
    releases = load_python_releases()
    for version in reversed(releases.supported_on(dt.date.today())):
        if _pythons.find(_pythons.parse(version)) is None:
            return version
    raise AssertionError("every supported Python is installed here: no leg can show `not rehearsed`")


def gpl_wheel(into: Path) -> Path:
    """A wheel whose metadata says GPL-3.0-or-later, built here with pip from a one-module project."""
    project = into / "copyleft"
    write(
        project,
        {
            "pyproject.toml": """\
                [project]
                name = "copyleft"
                version = "1.0.0"
                license = "GPL-3.0-or-later"

                [build-system]
                requires = ["setuptools>=77"]
                build-backend = "setuptools.build_meta"
                """,
            "copyleft.py": '"""Nothing but a license."""\n',
        },
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(into),
            str(project),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = into.glob("copyleft-*.whl")
    return wheel


def init(root: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipekit.cli", "init", "--repo", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def rehearse(root: Path, event: str = "pull_request", **selection: frozenset[str]) -> Report:
    design = load_design(root / "pipeline.yaml")
    started = time.monotonic()
    report = session.run(
        root, design, "pipeline.yaml", event, Selection(**selection), progress=lambda _: None
    )
    print(f"rehearsal of {root.name}: {time.monotonic() - started:.1f} s")
    print(reports.to_text(report))
    return report


@pytest.fixture(scope="module")
def clean_pip(tmp_path_factory: pytest.TempPathFactory, tool_cache: Path) -> Path:
    root = pip_project(tmp_path_factory.mktemp("quickcalc"))
    init(root)
    return root


@pytest.fixture(scope="module")
def clean_uv(tmp_path_factory: pytest.TempPathFactory, lockers: Lockers) -> Path:
    root = uv_project(tmp_path_factory.mktemp("tidy"), lockers)
    init(root)
    return root


@pytest.fixture(scope="module")
def clean_poetry(tmp_path_factory: pytest.TempPathFactory, lockers: Lockers) -> Path:
    root = poetry_service(tmp_path_factory.mktemp("ledger"), lockers)
    init(root)
    return root


# Where the PyPI advisory data cannot be reached, pip-audit audits nothing and the pipeline's own check
# fails the pip-audit job, as it should: this step, and nothing else, then fails on a clean repository.
COVERAGE_CHECK = "Check that the audit reached advisory data"
AUDIT = "Audit the dependencies (pip-audit)"


@pytest.mark.parametrize("flavour", ["clean_pip", "clean_uv", "clean_poetry"])
def test_a_clean_repository_passes_every_rehearsed_job(
    flavour: str, request: pytest.FixtureRequest, advisories_reachable: bool
) -> None:
    root: Path = request.getfixturevalue(flavour)
    report = rehearse(root)
    if advisories_reachable:
        assert not report.failed, reports.to_text(report)
    else:
        step = fails_only(report, "pip-audit", COVERAGE_CHECK)
        assert "pip-audit audited none of" in step.reason, step.reason
    assert {job.outcome for job in report.jobs} <= {"success", "partial", "skipped", "failure"}
    assert len(report.jobs) >= 8, reports.to_text(report)  # lint, tests, security and license jobs


def copy_of(clean: Path, into: Path) -> Path:
    """A copy of a clean fixture (with its git history) to plant one violation in."""
    root = into / clean.name
    shutil.copytree(clean, root, symlinks=True)
    return root


def set_design(root: Path, path: tuple[str, ...], value: object) -> None:
    data = yamlio.load_file(root / "pipeline.yaml")
    node = data
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    save_design(root / "pipeline.yaml", data)


def failures(report: Report) -> dict[str, list[StepReport]]:
    """The failed job runs, by display name, with their failed steps."""
    return {
        job.leg: [step for step in job.steps if step.outcome == "failure"]
        for job in report.jobs
        if job.outcome == "failure"
    }


def fails_only(
    report: Report, job: str, step: str, *, aggregator: str | None = None, audit_blind: bool = False
) -> StepReport:
    """Assert that exactly `job` failed, at `step` (and `aggregator`, the job that fails when any other
    does), and that every other job run passed, passed what was rehearsed or was skipped; the failed
    step. `audit_blind`: this machine cannot reach PyPI's advisory data, so the pip-audit job also fails,
    at its coverage check."""
    failed = failures(report)
    expected = {job} | ({aggregator} if aggregator else set())
    if audit_blind and job != "pip-audit" and any(other.job == "pip-audit" for other in report.jobs):
        assert [found.name for found in failed.get("pip-audit", [])] == [COVERAGE_CHECK], reports.to_text(
            report
        )
        expected.add("pip-audit")
    assert set(failed) == expected, reports.to_text(report)
    assert [found.name for found in failed[job]] == [step], reports.to_text(report)
    for other in report.jobs:
        if other.leg not in expected:
            assert other.outcome in ("success", "partial", "skipped"), reports.to_text(report)
    return failed[job][0]


def commit(root: Path, files: dict[str, str]) -> None:
    """Commit `files` on a branch of its own, as a pull request's change."""
    write(root, files)
    git(root, "checkout", "-q", "-b", "change")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "a change under review")


def test_fewer_tests_than_min_tests_fail_the_test_gate(clean_uv: Path, tmp_path: Path) -> None:
    root = copy_of(clean_uv, tmp_path)
    set_design(root, ("test", "min_tests"), 5)  # the fixture has 4 tests
    report = rehearse(root, workflows=frozenset({"test.yaml"}))
    step = fails_only(
        report,
        "test (3.11, ubuntu-latest, default)",
        "Check the number of tests that ran",
        aggregator="passed",
    )
    assert "4 tests ran" in step.reason and "5" in step.reason, step.reason
    passed = failures(report)["passed"][0]
    assert "test (3.11, ubuntu-latest, default) failure" in passed.reason or "failure" in passed.reason


def report_of(report: Report) -> JobReport:
    """test.yaml's report job, which must pass whatever the tests did: it reports, `passed` decides."""
    (job,) = [job for job in report.jobs if job.workflow == "test.yaml" and job.job == "report"]
    assert job.outcome == "success", reports.to_text(report)
    return job


# The report has no GitHub API in a rehearsal: it says so instead of showing minutes.
NO_DURATIONS = "Durations are not available: GITHUB_TOKEN is empty, so GitHub's API was not asked"
PIP_LEG = "Test (3.12, ubuntu-latest, default)"  # the pip fixture's one leg, as GitHub names it


def test_the_run_report_names_a_planted_failing_test_under_its_leg(clean_pip: Path, tmp_path: Path) -> None:
    root = copy_of(clean_pip, tmp_path)
    planted = "def test_planted_failure() -> None:\n    assert sum([2, 2]) == 5\n"
    commit(root, {"tests/test_planted.py": planted})
    report = rehearse(root, workflows=frozenset({"test.yaml"}), jobs=frozenset({"report"}))
    fails_only(report, "test (3.12, ubuntu-latest, default)", "Run tests", aggregator="passed")
    summary = report_of(report).summary
    assert "**1 of 1 test leg failed, 1 failing test.**" in summary, summary
    failed_legs = summary.split("### Failed legs")[1].split("### Jobs")[0]
    assert f"**{PIP_LEG}** (failure): 1 failing test: tests.test_planted::test_planted_failure" in failed_legs
    assert "| tests.test_planted::test_planted_failure | failure | assert 4 == 5 |" in failed_legs
    assert f"| {PIP_LEG} | failure | 4 | 1 | 0 |" in summary  # the fixture's three tests and the planted one
    assert NO_DURATIONS in summary


def test_the_run_report_of_a_clean_run_has_no_failures_and_the_coverage(
    clean_pip: Path, tmp_path: Path
) -> None:
    root = copy_of(clean_pip, tmp_path)
    report = rehearse(root, workflows=frozenset({"test.yaml"}), jobs=frozenset({"report"}))
    assert failures(report) == {}, reports.to_text(report)
    summary = report_of(report).summary
    assert "**The test leg passed.**" in summary and "### Failed legs" not in summary, summary
    # quickcalc's tests run every line of its source
    assert f"**Coverage:** 100.0% of lines ({PIP_LEG}, the coverage leg)." in summary
    assert f"| {PIP_LEG} | success | 3 | 0 | 0 | 100.0% |" in summary
    assert NO_DURATIONS in summary


def test_a_gpl_dependency_fails_the_license_check(clean_pip: Path, tmp_path: Path) -> None:
    wheel = gpl_wheel(tmp_path / "wheels")
    root = copy_of(clean_pip, tmp_path)
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(
        text.replace("dependencies = []", f'dependencies = ["copyleft @ {wheel.as_uri()}"]'), encoding="utf-8"
    )
    commit(root, {})
    report = rehearse(root, workflows=frozenset({"license-compliance.yaml"}))
    step = fails_only(
        report, "dependencies", "Check licenses against the allow and deny lists", aggregator="report"
    )
    assert "copyleft" in step.reason and "GPL" in step.reason, step.reason


def test_a_source_file_without_the_header_fails_the_header_check(clean_poetry: Path, tmp_path: Path) -> None:
    root = copy_of(clean_poetry, tmp_path)
    commit(root, {"ledger/rates.py": '"""Exchange rates."""\n\nRATE = 1\n'})
    report = rehearse(root, workflows=frozenset({"license-compliance.yaml"}))
    step = fails_only(report, "headers", "Check license headers", aggregator="report")
    assert "ledger/rates.py" in step.reason, step.reason


def test_a_committed_secret_fails_gitleaks(
    clean_uv: Path, tmp_path: Path, advisories_reachable: bool
) -> None:
    root = copy_of(clean_uv, tmp_path)
    key = "AKIA" + "".join(random.SystemRandom().sample(string.ascii_uppercase + "234567", 16))
    commit(root, {"src/tidy/settings.py": f'"""Settings."""\n\nAWS_ACCESS_KEY_ID = "{key}"\n'})
    report = rehearse(root, workflows=frozenset({"security.yaml"}))
    step = fails_only(report, "gitleaks", "Scan for secrets (gitleaks)", audit_blind=not advisories_reachable)
    assert "leaks found: 1" in step.reason, step.reason
    (gitleaks,) = [job for job in report.jobs if job.leg == "gitleaks"]
    assert "aws-access-token" in gitleaks.summary and "src/tidy/settings.py:3" in gitleaks.summary


def test_a_high_severity_bandit_finding_fails_bandit(
    clean_pip: Path, tmp_path: Path, advisories_reachable: bool
) -> None:
    root = copy_of(clean_pip, tmp_path)
    set_design(root, ("security", "bandit", "fail_on_findings"), True)
    commit(root, {"quickcalc/digest.py": PIP_HEADER + DIGEST})
    report = rehearse(root, workflows=frozenset({"security.yaml"}))
    fails_only(report, "bandit", "Scan the Python sources (Bandit)", audit_blind=not advisories_reachable)
    (bandit,) = [job for job in report.jobs if job.leg == "bandit"]
    assert "B324 hashlib" in bandit.summary and "quickcalc/digest.py:9" in bandit.summary, bandit.summary


def test_a_dependency_with_an_advisory_fails_pip_audit(
    clean_pip: Path, tmp_path: Path, advisories_reachable: bool
) -> None:
    """With PyPI's advisory data, pip-audit names the advisory; without it, the audit cannot pass."""
    root = copy_of(clean_pip, tmp_path)
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(
        text.replace("dependencies = []", f'dependencies = ["{VULNERABLE}"]'), encoding="utf-8"
    )
    commit(root, {})
    report = rehearse(root, workflows=frozenset({"security.yaml"}))
    step = fails_only(report, "pip-audit", AUDIT if advisories_reachable else COVERAGE_CHECK)
    assert "idna" in step.reason, step.reason
    if advisories_reachable:
        (audit,) = [job for job in report.jobs if job.leg == "pip-audit"]
        assert "PYSEC-2024-60" in audit.summary, audit.summary


@pytest.mark.parametrize(
    ("change", "step", "cause"),
    [
        ({"src/tidy/spaced.py": '"""Spacing."""\n\nWIDTH=3\n'}, "Check formatting (ruff)", "spaced.py"),
        ({"src/tidy/unused.py": '"""Unused."""\n\nimport os\n'}, "Lint (ruff)", "F401"),
        (
            {"src/tidy/typed.py": '"""Types."""\n\n\ndef width() -> int:\n    return "3"\n'},
            "Type-check (mypy)",
            "typed.py",
        ),
    ],
    ids=["format", "ruff", "mypy"],
)
def test_lint_errors_fail_the_lint_job(
    clean_uv: Path, tmp_path: Path, change: dict[str, str], step: str, cause: str
) -> None:
    root = copy_of(clean_uv, tmp_path)
    commit(root, change)
    report = rehearse(root, workflows=frozenset({"test.yaml"}), jobs=frozenset({"lint"}))
    failed = fails_only(report, "lint", step)
    assert cause in failed.reason or any(cause in line for line in failed.tail), reports.to_text(report)


def test_a_python_version_this_machine_lacks_is_not_rehearsed(clean_pip: Path, tmp_path: Path) -> None:
    root = copy_of(clean_pip, tmp_path)
    missing = missing_python()
    set_design(root, ("test", "matrix", "python-version"), ["3.12", missing])
    report = rehearse(
        root, workflows=frozenset({"test.yaml"}), jobs=frozenset({"test"}), leg={"python-version": missing}
    )
    assert [(job.leg, job.outcome, job.reason) for job in report.jobs] == [
        (
            f"test ({missing}, ubuntu-latest, default)",
            "not_rehearsed",
            f"Python {missing} is not installed here",
        )
    ]
    assert not report.failed


@pytest.fixture(scope="module")
def pipekit_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This pipekit's source as the repository's files (no virtualenv or caches), for a job to install
    the way a team installs pipekit from its own repository."""
    root = Path(__file__).resolve().parents[2]
    source = tmp_path_factory.mktemp("pipekit-source") / "pipekit"
    listed = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, listed):
        if (root / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, source / name)
    return source


def test_a_design_changed_without_regenerating_fails_the_design_check(
    clean_pip: Path, pipekit_source: Path, tmp_path: Path
) -> None:
    root = copy_of(clean_pip, tmp_path)
    check = {
        "enabled": True,
        "requirement": f"pipekit @ {pipekit_source.as_uri()}",
        "design": "pipeline.yaml",
        "notebooks": "notebooks/pipekit",
    }
    set_design(root, ("test", "design_check"), check)
    done = subprocess.run(
        [sys.executable, "-m", "pipekit.cli", "notebooks", "--init", "--repo", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    jobs = frozenset({"design"})
    clean = rehearse(root, workflows=frozenset({"test.yaml"}), jobs=jobs)
    assert failures(clean) == {}, reports.to_text(clean)
    assert [job.outcome for job in clean.jobs] == ["success"]

    # The workflows come from the design as it was; the file now says something else. And a notebook
    # that no longer runs: both steps fail in the one run.
    rendered_from = load_design(root / "pipeline.yaml")
    set_design(root, ("test", "min_tests"), 7)
    overview = root / "notebooks" / "pipekit" / "overview.ipynb"
    notebook = json.loads(overview.read_text(encoding="utf-8"))
    notebook["cells"].append(
        {"cell_type": "code", "execution_count": None, "id": "planted", "metadata": {}, "outputs": [],
         "source": ["raise RuntimeError('planted: this notebook no longer runs')"]}
    )  # fmt: skip
    overview.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")
    report = session.run(
        root,
        rendered_from,
        "pipeline.yaml",
        "pull_request",
        Selection(workflows=frozenset({"test.yaml"}), jobs=jobs),
        progress=lambda _: None,
    )
    print(reports.to_text(report))
    check_step, notebooks_step = failures(report)["design"]
    assert check_step.name == "Workflows match the design (pipekit check)"
    # the annotation on the drifted file, as the run's page shows it
    assert ".github/workflows/test.yaml" in check_step.reason, check_step.reason
    assert "is not what pipeline.yaml renders" in check_step.reason, check_step.reason
    assert notebooks_step.name == "Design notebooks run (nbval)"
