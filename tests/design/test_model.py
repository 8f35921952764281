"""The design file: defaults, key-path errors, and the JSON Schema that editors use."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pipekit import yamlio
from pipekit.design import Design, design_from_data, load_design
from pipekit.design.jsonschema import design_schema
from pipekit.errors import DesignError

ROOT = Path(__file__).resolve().parents[2]


def test_the_defaults_are_a_generic_project() -> None:
    design = design_from_data({})
    assert design == design_from_data(None)
    assert (design.project.package_manager, design.project.source_dirs) == ("pip", ("src",))
    assert design.test.matrix.os == ("ubuntu-latest",) and design.test.matrix.mode == ("default",)
    assert design.test.mode_variable is None and design.test.min_tests == 1
    # nothing the repository may not have: no image, no benchmarks, no header, no deploy commands
    assert not design.build.enabled and not design.test.benchmark.enabled and not design.deploy.enabled
    assert design.license.header is None
    assert design.deploy.commands.deploy is None
    # gates fail on findings unless a design says report-only
    assert design.security.trivy.fail_on_findings and design.security.bandit.fail_on_findings


def test_pipeline_yaml_is_the_reference_pipeline() -> None:
    design = load_design(ROOT / "pipeline.yaml")
    matrix = design.test.matrix
    assert matrix.python_version == ("3.11", "3.12")
    assert matrix.os == ("ubuntu-latest", "macos-latest", "windows-latest")
    assert matrix.mode == ("basic", "enhanced", "production")
    assert design.test.mode_variable == "MODELMUXER_MODE"
    assert design.test.fail_fast is False
    assert design.test.min_tests == 116
    assert design.build.platforms_pull_request == ("linux/amd64",)
    assert design.build.platforms_push == ("linux/amd64", "linux/arm64")
    # ModelMuxer has optional dependency groups and no extras
    assert all(not mode.extras for mode in design.test.modes.values())
    assert design.test.modes["enhanced"].groups == ("ml",)


def test_pipeline_yaml_validates_against_the_published_schema() -> None:
    schema = design_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(yamlio.load_file(ROOT / "pipeline.yaml"), schema)


def _one_mode(env: dict[str, str]) -> dict[str, object]:
    return {"test": {"matrix": {"mode": ["basic"]}, "modes": {"basic": {"env": env}}}}


@pytest.mark.parametrize(
    ("data", "path", "fragment"),
    [
        ({"test": {"matrix": {"os": ["ubuntu-latest", 3.1]}}}, "test.matrix.os[1]", "expected a string"),
        (
            {"test": {"matrix": {"python-version": [3.1]}}},
            "test.matrix.python-version[0]",
            "(3.10 becomes 3.1)",
        ),
        (
            {"test": {"matrix": {"python-version": ["3.1O"]}}},
            "test.matrix.python-version[0]",
            "Python version",
        ),
        ({"tset": {}}, "tset", "did you mean 'test'?"),
        ({"test": {"matirx": {}}}, "test.matirx", "did you mean 'matrix'?"),
        (
            {"billing": {"plan": "gold"}},
            "billing.plan",
            "expected one of 'free', 'pro', 'team', 'enterprise'",
        ),
        (
            {"billing": {"runs_per_month": {"pull_requests": 3}}},
            "billing.runs_per_month.pull_requests",
            "did you",
        ),
        (
            {"billing": {"runs_per_month": {"push": -1}}},
            "billing.runs_per_month.push",
            "expected at least 0 and at most 100000, got -1 (runs a month)",
        ),
        ({"billing": {"prices_on": "2026-02-30"}}, "billing.prices_on", "not a real date"),
        ({"test": {"matrix": {"os": []}}}, "test.matrix.os", "needs at least 1 value"),
        ({"test": {"matrix": {"mode": ["default", "turbo"]}}}, "test.matrix.mode[1]", "add test.modes.turbo"),
        ({"test": {"matrix": {"include": ["x"]}}}, "test.matrix.include[0]", "expected a mapping"),
        ({"test": {"min_tests": "116"}}, "test.min_tests", "expected a whole number"),
        ({"test": {"min_tests": True}}, "test.min_tests", "expected a whole number"),
        ({"test": {"fail-fast": "no"}}, "test.fail-fast", "expected true or false"),
        ({"build": {"image": "${{ github.event.issue.title }}"}}, "build.image", "lower-case image path"),
        ({"build": {"platforms_push": ["windows/amd64"]}}, "build.platforms_push[0]", "a platform like"),
        (
            {"deploy": {"staging": {"environment": "a: b", "url": "https://x"}}},
            "deploy.staging.environment",
            "",
        ),
        ({"deploy": {"staging": {"url": "http://plain"}}}, "deploy.staging.url", "an https:// URL"),
        (_one_mode({"BAD KEY": "x"}), "test.modes.basic.env.BAD KEY", "variable"),
        (_one_mode({"K": "a\nb"}), "test.modes.basic.env.K", "one line"),
        ({"estimates": {"minutes": {"test": {"test": 400}}}}, "estimates.minutes.test.test", "6-hour"),
        ({"estimates": {"minutes": {"test": {"test": -1}}}}, "estimates.minutes.test.test", "more than 0"),
        ({"test": {"coverage": {"report_leg": {"os": "macos-13"}}}}, "test.coverage.report_leg.os", "not in"),
        (
            {"security": {"gitleaks": {"license_secret": "X"}}},
            "security.gitleaks.license_secret",
            "unknown key",
        ),
        ({"deploy": {"enabled": True}}, "deploy.commands.deploy", "needs the deploy command"),
        ({"test": {"modes": {"default": {"groups": ["a b"]}}}}, "test.modes.default.groups[0]", "a name"),
        ({"runners": {"big": {"kind": "larger", "os": "linux"}}}, "runners.big.price_class", "price class"),
        ([1, 2], "<top level>", "must be a mapping"),
    ],
)
def test_bad_designs_name_the_key_path(data: object, path: str, fragment: str) -> None:
    with pytest.raises(DesignError) as caught:
        design_from_data(data, "pipeline.yaml")
    message = str(caught.value)
    assert message.startswith(f"pipeline.yaml: {path}: ")
    assert fragment in message
    assert "\n" not in message


def test_matrix_axes_and_modes_override_defaults() -> None:
    design = design_from_data(
        {"test": {"matrix": {"os": ["ubuntu-24.04"], "mode": ["fast"]}, "modes": {"fast": {"extras": ["x"]}}}}
    )
    assert design.test.matrix.os == ("ubuntu-24.04",)
    assert design.test.matrix.python_version == ("3.12", "3.13")
    assert dict(design.test.modes) == {"fast": design.test.modes["fast"]}


def test_partly_written_sections_keep_the_defaults_of_their_position() -> None:
    design = design_from_data(
        {"build": {"scan": {"severity": ["LOW"]}}, "deploy": {"staging": {"url": "https://s.example"}}}
    )
    assert design.build.scan.severity == ("LOW",)
    assert design.build.scan.category == "trivy-image"
    assert design.security.trivy.category == "trivy-fs"
    assert design.deploy.staging.environment == "staging"


def test_designs_are_immutable() -> None:
    design = design_from_data({})
    with pytest.raises(AttributeError):
        design.test = design.test  # type: ignore[misc]
    with pytest.raises(TypeError):
        design.test.modes["new"] = design.test.modes["default"]  # type: ignore[index]


def test_schema_rejects_what_the_loader_rejects() -> None:
    schema = design_schema()
    for bad in ({"tset": {}}, {"billing": {"plan": "gold"}}, {"test": {"matrix": {"os": []}}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
        with pytest.raises(DesignError):
            design_from_data(bad)


def test_schema_is_json() -> None:
    text = json.dumps(design_schema())
    assert json.loads(text)["title"] == "pipekit design"
    assert isinstance(Design, type)
