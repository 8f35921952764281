"""Scripts that run inside the generated workflows, kept as real files so that ruff, mypy and unit tests
reach them. A renderer embeds a script's text verbatim in a step's `run:`: Python through a quoted
heredoc (so the shell expands nothing inside it), bash as it is.

Every Python script runs on the runner's Python 3.8 or later with the standard library only, reads what
it needs from the environment the step sets, and is called as ``main()`` under an
``if __name__ == "__main__"`` guard. A workflow carries one script's text alone, so no script can import
another: the two small escaping helpers are repeated in the scripts that need them, and the tests check
that the copies behave alike.
"""

from __future__ import annotations

import functools
from importlib import resources

# actions/setup-python's interpreter, on PATH in jobs that set Python up.
SETUP_PYTHON = "python"
# The runner image's own interpreter, for jobs that need no particular Python.
RUNNER_PYTHON = "python3"

HEREDOC_END = "PY"


@functools.cache
def text(name: str) -> str:
    """The text of the script file `name` in this folder (``"license_check.py"``)."""
    source = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    if not source.endswith("\n"):
        raise ValueError(f"{name} does not end with a newline")
    return source


def python(name: str, interpreter: str) -> str:
    """A `run:` that feeds the Python script `name` to `interpreter` through a quoted heredoc."""
    source = text(name)
    if HEREDOC_END in source.splitlines():
        raise ValueError(f"{name} has a line {HEREDOC_END!r}, which would end the heredoc early")
    return f"{interpreter} - <<'{HEREDOC_END}'\n{source}{HEREDOC_END}\n"


def bash(name: str) -> str:
    """A `run:` that is the bash script `name` as written."""
    return text(name)
