"""The image build's platform factors: native platforms cost one build, emulated ones their factor."""

from __future__ import annotations

import pytest
import yaml

from pipekit.errors import DataError
from pipekit.facts import platforms
from pipekit.facts.packaged import data_text


def test_every_platform_a_design_may_name_has_a_factor_or_is_native() -> None:
    from pipekit.design.model import BuildPlatform

    factors = platforms.load_platform_factors()
    for platform in BuildPlatform.__args__:  # type: ignore[attr-defined]
        assert platform in factors.emulated
    for arch, native in factors.native.items():
        assert native <= set(BuildPlatform.__args__), arch  # type: ignore[attr-defined]


def test_native_platforms_cost_one_build_and_emulated_ones_their_factor() -> None:
    factors = platforms.load_platform_factors()
    assert factors.factor("linux/amd64", "x64") == 1.0
    assert factors.factor("linux/386", "x64") == 1.0  # x86-64 CPUs run 32-bit x86 code
    assert factors.factor("linux/arm64", "arm64") == 1.0
    assert factors.factor("linux/arm64", "x64") == factors.emulated["linux/arm64"] > 1
    assert factors.factor("linux/amd64", "arm64") == factors.emulated["linux/amd64"] > 1
    assert factors.build_factor(["linux/amd64", "linux/s390x"], "x64") == 1 + factors.emulated["linux/s390x"]


def test_the_design_factor_wins_for_emulated_platforms_only() -> None:
    factors = platforms.load_platform_factors()
    mine = {"linux/arm64": 2.5, "linux/amd64": 9.0}
    assert factors.factor("linux/arm64", "x64", mine) == 2.5
    assert factors.factor("linux/amd64", "x64", mine) == 1.0  # native stays native


def test_every_emulated_factor_states_its_basis() -> None:
    data = yaml.safe_load(data_text(platforms.FILE))
    assert data["source"].startswith("https://")
    for platform, entry in data["emulated"].items():
        assert entry["basis"] == "assumption" or entry["basis"].startswith("https://"), platform


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"schema": 2}, "schema: 1"),
        ({"schema": 1, "native": {"x64": "linux/amd64"}, "emulated": {}}, "native"),
        ({"schema": 1, "native": {}, "emulated": {"linux/arm64": {"factor": 0.5}}}, "emulated.linux/arm64"),
    ],
)
def test_a_malformed_table_names_its_key(data: object, message: str) -> None:
    with pytest.raises(DataError, match=message):
        platforms._parse(data)
