"""Running an outside program for a check: no tokens, no user settings, a time limit, one-line failures."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pipekit.errors import PipekitError

TIMEOUT_SECONDS = 120


def tool_env() -> dict[str, str]:
    """This process's environment without tokens (nothing may go online), zizmor settings or Rust
    backtraces (they would end up in error messages)."""
    drop = {"GH_TOKEN", "GITHUB_TOKEN", "GH_HOST"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("ZIZMOR_")}
    env.update(RUST_BACKTRACE="0", RUST_LIB_BACKTRACE="0", NO_COLOR="1")
    return env


def run_tool(cmd: list[str], what: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `cmd` and capture its output; `what` names the tool in errors."""
    try:
        return subprocess.run(
            cmd,
            cwd=cwd,
            env=tool_env(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PipekitError(f"{what} did not finish in {TIMEOUT_SECONDS}s: {' '.join(cmd[:3])} ...") from None
    except OSError as error:
        raise PipekitError(f"cannot run {what} ({cmd[0]}): {error.strerror}") from None
