"""external: outside programs run without tokens, with a time limit, and fail in one line."""

from __future__ import annotations

import sys

import pytest

from pipekit.check import external
from pipekit.errors import PipekitError


def test_tools_get_no_tokens_and_no_zizmor_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "secret")
    monkeypatch.setenv("GH_TOKEN", "secret")
    monkeypatch.setenv("ZIZMOR_CONFIG", "x.yml")
    code = "import os, json; print(json.dumps(sorted(os.environ)))"
    done = external.run_tool([sys.executable, "-c", code], "python")
    names = set(done.stdout.strip().strip("[]").replace('"', "").split(", "))
    assert not {"GITHUB_TOKEN", "GH_TOKEN", "ZIZMOR_CONFIG"} & names
    assert {"RUST_BACKTRACE", "NO_COLOR"} <= names


def test_a_tool_that_cannot_start_is_one_line() -> None:
    with pytest.raises(PipekitError, match=r"^cannot run frobnicator \(/nonexistent/frob\): "):
        external.run_tool(["/nonexistent/frob"], "frobnicator")


def test_a_tool_that_hangs_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(external, "TIMEOUT_SECONDS", 0.2)
    with pytest.raises(PipekitError, match=r"sleeper did not finish in 0\.2s"):
        external.run_tool([sys.executable, "-c", "import time; time.sleep(5)"], "sleeper")
