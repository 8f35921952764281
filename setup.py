"""The build hook that puts the design notebooks into the package.

The notebooks are kept once, in notebooks/ at the repository's root (where they are edited, run and
tested); the wheel carries a copy as pipekit/notebooks/*.ipynb, which `pipekit notebooks --init` copies
into a repository. An editable install reads notebooks/ itself (pipekit.notebook.packaged). Everything
else about the build is declared in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
# The repository's monitoring notebook reads its recorded test history; pipekit ships the design notebooks.
NOT_SHIPPED = {"monitoring.ipynb"}


class BuildWithNotebooks(build_py):  # type: ignore[misc]
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # the source checkout's notebooks/ is read in place
            return
        found = sorted(path for path in NOTEBOOKS.glob("*.ipynb") if path.name not in NOT_SHIPPED)
        if not found:
            raise SystemExit(f"{NOTEBOOKS}: no notebooks to package; build from a checkout or an sdist")
        target = Path(self.build_lib) / "pipekit" / "notebooks"
        self.mkpath(str(target))
        for notebook in found:
            self.copy_file(str(notebook), str(target / notebook.name))


setup(cmdclass={"build_py": BuildWithNotebooks})
