"""Commands GitHub's runner images have that a rehearsal must not take from this machine.

`install_shims` puts them into `places.bin`, which the runner puts on every step's PATH: for now
``pipx`` (see pipx.py beside this file, which it runs with the interpreter running pipekit).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from pipekit.rehearse.model import Places

PIPX_SCRIPT = Path(__file__).with_name("pipx.py")


def install_shims(places: Places) -> None:
    """Write the ``pipx`` command into `places.bin`; its environments go to `places.tools`/pipx."""
    places.bin.mkdir(parents=True, exist_ok=True)
    pipx = places.bin / "pipx"
    pipx.write_text(
        "#!/bin/sh\n"
        "# pipx of a pipekit rehearsal: only `pipx install [--python PY] SPEC` and `pipx --version`\n"
        f"PIPEKIT_PIPX_HOME={shlex.quote(str(places.tools / 'pipx'))}\n"
        f"PIPEKIT_PIPX_BIN_DIR={shlex.quote(str(places.bin))}\n"
        "export PIPEKIT_PIPX_HOME PIPEKIT_PIPX_BIN_DIR\n"
        f'exec {shlex.quote(sys.executable)} -I {shlex.quote(str(PIPX_SCRIPT))} "$@"\n',
        encoding="utf-8",
    )
    pipx.chmod(0o755)
