"""Properties of random valid designs: rendering, reading back, outside validators, the plan, the matrix.

Designs are bounded (real Python versions, catalogue runner labels, 1-3 modes), so every example is
a pipeline someone could ask for. Names include YAML 1.1 traps (on, yes, 0x1F, 1_000, 3.10) that a
careless writer would let a reader turn into booleans or numbers.
"""

from __future__ import annotations

import copy
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipekit import yamlio
from pipekit.check import workflow_schema, zizmor
from pipekit.cost.plan import plan_design
from pipekit.cost.report import to_json
from pipekit.design import Design, design_from_data
from pipekit.facts.runners import load_catalog
from pipekit.github.matrix import expand_matrix
from pipekit.inspect.expand import expand_workflow_files
from pipekit.pipeline.instances import job_runs
from pipekit.render import render_all

PYTHONS = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.14-dev", "pypy3.10", "3.12.7"]
LABELS = sorted(load_catalog().labels)
# Plain in YAML 1.1 or 1.2 they would read back as booleans, numbers or null.
TRAPS = [
    "on",
    "off",
    "yes",
    "no",
    "y",
    "n",
    "true",
    "null",
    "1_000",
    "0x1F",
    "0o17",
    "1e3",
    "3.10",
    "010",
    "nan",
]
NAMES = st.one_of(st.sampled_from(TRAPS), st.from_regex(r"[a-z][a-z0-9_.-]{0,10}", fullmatch=True))
ENV_NAMES = st.from_regex(r"[A-Z_][A-Z0-9_]{0,8}", fullmatch=True)
# One line of text with shell and YAML specials; '${{' is refused by the design (GitHub would evaluate it).
ENV_VALUES = st.text(st.sampled_from("aZ09 _-.:#'\"$`\\|&;*?{}[]()<>!%@~é"), max_size=16).filter(
    lambda v: "${{" not in v
)
SEVERITIES = ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
LEVELS = ["low", "medium", "high"]


def _sublist(values: list[str], min_size: int = 1, max_size: int = 3) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), min_size=min_size, max_size=max_size, unique=True)


@st.composite
def design_data(draw: st.DrawFn) -> dict[str, Any]:
    """Plain data of a valid design, as someone would write it in pipeline.yaml."""
    axes: dict[str, list[str]] = {
        "python-version": draw(_sublist(PYTHONS, max_size=4)),
        "os": draw(_sublist(LABELS)),
        "mode": draw(st.lists(NAMES, min_size=1, max_size=3, unique=True)),
    }
    modes = {
        name: {
            "extras": draw(st.lists(NAMES, max_size=2, unique=True)),
            "groups": draw(st.lists(NAMES, max_size=2, unique=True)),
            "env": draw(st.dictionaries(ENV_NAMES, ENV_VALUES, max_size=2)),
        }
        for name in axes["mode"]
    }

    def some_values(keys: list[str], values: Any) -> dict[str, Any]:
        return {key: values(key) for key in keys}

    exclude = [
        some_values(draw(_sublist(list(axes), max_size=2)), lambda key: draw(st.sampled_from(axes[key])))
        for _ in range(draw(st.integers(0, 2)))
    ]
    matrix: dict[str, Any] = {**axes, "exclude": exclude}
    kept = expand_matrix(matrix, job="test")
    assume(kept)  # the design refuses an exclude that removes every leg
    include = []
    extras = st.dictionaries(st.sampled_from(["experimental", "label", "shard"]), st.booleans() | NAMES)
    for _ in range(draw(st.integers(0, 2))):
        if draw(st.booleans()):
            # adds values to the legs that have some values of a kept leg
            leg = draw(st.sampled_from(kept))
            include.append({**draw(extras), **some_values(draw(_sublist(list(axes), max_size=2)), leg.get)})
        else:
            # a whole combination: extends the leg it equals, or is a leg of its own (the design refuses
            # a leg of its own without all three axes)
            include.append(
                {**draw(extras), **some_values(list(axes), lambda key: draw(st.sampled_from(axes[key])))}
            )
    matrix["include"] = include

    enabled = st.booleans()
    plan = draw(st.sampled_from(["free", "pro", "team", "enterprise"]))
    visibility = draw(st.sampled_from(["public", "private"]))
    return {
        "project": {
            "package_manager": draw(st.sampled_from(["poetry", "uv", "pip"])),
            "python": draw(st.sampled_from(PYTHONS)),
            "owner_type": draw(st.sampled_from(["organization", "user"])),
        },
        "test": {
            "matrix": matrix,
            "modes": modes,
            "fail-fast": draw(st.booleans()),
            "max-parallel": draw(st.none() | st.integers(1, 256)),
            "pytest_args": draw(st.sampled_from(["", "-x -q", "-k 'not slow'", '-m "a or b"'])),
            "coverage": {"enabled": draw(enabled), "html_artifact": draw(enabled)},
            "benchmark": {"enabled": draw(enabled), "fail_on_alert": draw(st.booleans())},
            "lint": {"ruff_format": draw(enabled), "ruff_check": draw(enabled), "mypy": draw(enabled)},
        },
        "build": {
            "enabled": draw(enabled),
            "attestations": draw(enabled),
            "scan": {"enabled": draw(enabled), "severity": draw(_sublist(SEVERITIES))},
        },
        "security": {
            "gitleaks": {"enabled": draw(enabled)},
            "trivy": {"enabled": draw(enabled), "severity": draw(_sublist(SEVERITIES))},
            "bandit": {
                "enabled": draw(enabled),
                "severity": draw(st.sampled_from(LEVELS)),
                "confidence": draw(st.sampled_from(LEVELS)),
            },
            "pip_audit": {"enabled": draw(enabled)},
            "dependency_review": {
                "enabled": draw(enabled),
                "fail_on_severity": draw(st.sampled_from(["low", "moderate", "high", "critical"])),
            },
            "sbom": {"enabled": draw(enabled)},
        },
        "license": {
            "enabled": draw(enabled),
            "header": draw(st.none() | st.sampled_from(["# (c) Acme", "SPDX"])),
        },
        "deploy": {
            # environments exist for private repositories only on Pro, Team and Enterprise
            "enabled": draw(enabled) and not (plan == "free" and visibility == "private"),
            "commands": {
                "deploy": "./deploy.sh",
                "health": 'curl -f "$DEPLOY_URL"',
                "rollback": "./rollback.sh",
            },
        },
        "billing": {
            "plan": plan,
            "visibility": visibility,
            "runs_per_month": {trigger: draw(st.integers(0, 5000)) for trigger in ("pull_request", "push")},
        },
    }


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _workflows(files: dict[str, str]) -> dict[str, str]:
    return {name: text for name, text in files.items() if name.endswith(".yaml")}


def _yaml11(text: str) -> Any:
    """PyYAML's YAML 1.1 reading, with the one key that differs by design (`on:`) put back."""
    data = yaml.safe_load(text)
    if True in data:
        data = {("on" if key is True else key): value for key, value in data.items()}
    return data


@SETTINGS
@given(design_data())
def test_rendering_is_deterministic_and_reads_back_exactly(data: dict[str, Any]) -> None:
    design = design_from_data(copy.deepcopy(data))
    files = render_all(design)
    assert render_all(design_from_data(copy.deepcopy(data))) == files
    for name, text in _workflows(files).items():
        # GitHub's YAML 1.2 and a YAML 1.1 reader see the same values: nothing is left to the reader.
        assert yamlio.loads(text, name) == _yaml11(text), name
    matrix = yamlio.loads(files["test.yaml"])["jobs"]["test"]["strategy"]["matrix"]
    expected = data["test"]["matrix"]
    for axis in ("python-version", "os", "mode"):
        assert matrix[axis] == expected[axis]  # strings stay strings: "3.10" is not 3.1, "on" not true
        assert all(type(value) is str for value in matrix[axis])
    assert matrix.get("exclude", []) == expected["exclude"]
    assert matrix.get("include", []) == expected["include"]


@SETTINGS
@given(design_data())
def test_test_job_legs_are_what_github_expands_from_the_written_file(data: dict[str, Any]) -> None:
    design = design_from_data(data)
    planned = [run for run in job_runs(design, "push") if run.job == "test"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "test.yaml"
        path.write_text(render_all(design)["test.yaml"], encoding="utf-8")
        result = expand_workflow_files([str(path)])
    assert result.problems == []
    named = zip(result.rows, result.names, strict=True)
    expanded = [(row, name) for row, name in named if row["job"] == "test"]
    planned_legs = [list(run.matrix.items()) for run in planned]
    assert [list(row["matrix"].items()) for row, _ in expanded] == planned_legs
    # one display name: the plan names each leg as GitHub (and `pipekit expand`) does
    assert [name for _, name in expanded] == [run.name for run in planned]
    assert [row["runs_on"] for row, _ in expanded] == [run.runner for run in planned]


@SETTINGS
@given(design_data())
def test_plan_totals_are_the_sums_of_their_jobs(data: dict[str, Any]) -> None:
    design: Design = design_from_data(data)
    plan = to_json(plan_design(design))
    for trigger in plan["triggers"]:
        job_runs = trigger["job_runs"]
        assert trigger["jobs"] == len(job_runs)
        assert trigger["billable_minutes"] == sum(job["billable_minutes"] for job in job_runs)
        assert Decimal(trigger["usd"]) == sum((Decimal(job["usd"]) for job in job_runs), Decimal(0))
        workflows = trigger["workflows"]
        assert sum(wf["jobs"] for wf in workflows) == trigger["jobs"]
        assert sum(wf["billable_minutes"] for wf in workflows) == trigger["billable_minutes"]
        assert sum((Decimal(wf["usd"]) for wf in workflows), Decimal(0)) == Decimal(trigger["usd"])
        for wf in workflows:
            mine = [job for job in job_runs if job["workflow"] == wf["workflow"]]
            assert wf["jobs"] == len(mine)
            assert wf["billable_minutes"] == sum(job["billable_minutes"] for job in mine)
    month = plan["month"]
    per_trigger = {t["trigger"]: t for t in plan["triggers"]}
    # the default security.schedule, '17 3 * * 1', fires on 52 or 53 Mondays a year: 4 a month
    runs = {**data["billing"]["runs_per_month"], "schedule": 4}
    for row in month["triggers"]:
        assert row["runs"] == runs[row["trigger"]]
        assert row["billable_minutes"] == row["runs"] * per_trigger[row["trigger"]]["billable_minutes"]
    assert month["billable_minutes"] == sum(row["billable_minutes"] for row in month["triggers"])
    assert Decimal(month["gross_usd"]) == sum(
        (Decimal(row["gross_usd"]) for row in month["triggers"]), Decimal(0)
    )
    assert Decimal(month["overage_usd"]) == sum(
        (Decimal(row["overage_usd"]) for row in month["triggers"]), Decimal(0)
    )


# Outside validators cost a process each: check a batch of designs per call.
BATCH = 5


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.lists(design_data(), min_size=BATCH, max_size=BATCH))
def test_github_schema_and_zizmor_find_nothing(batch: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths: list[Path] = []
        for index, data in enumerate(batch):
            for name, text in _workflows(render_all(design_from_data(data))).items():
                path = Path(folder) / f"{index}-{name}"
                path.write_text(text, encoding="utf-8")
                paths.append(path)
        assert workflow_schema.check(paths) == []
        assert zizmor.check(paths) == []
