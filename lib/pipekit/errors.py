"""One small exception hierarchy: every user-facing failure is a PipekitError with an exit code.

Messages are one line: what is wrong, where (a key path or file), and how to fix it.
"""

from __future__ import annotations

from pipekit.wording import one_line

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_PIN_UPDATES = 3  # `pipekit check` when a bot's pin updates are all that differs: CI can tell them apart


class PipekitError(Exception):
    """Base class; `exit_code` is what the CLI exits with."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputFileError(PipekitError):
    """A file could not be read or is not the YAML we need (syntax, size, encoding)."""


class DesignError(PipekitError):
    """A design value is wrong; `path` is the key path, e.g. ``test.matrix.os[2]``."""

    def __init__(self, path: str, problem: str, source: str | None = None) -> None:
        where = f"{source}: " if source else ""
        # A key may hold a line break or control character; the message must stay one line.
        super().__init__(f"{where}{one_line(path) or '<top level>'}: {problem}")
        self.path = path
        self.problem = problem
        self.source = source

    def with_source(self, source: str) -> DesignError:
        return DesignError(self.path, self.problem, source)


class MatrixError(PipekitError):
    """A strategy.matrix cannot be expanded (empty vector, too many jobs, unknown key)."""


class DataError(PipekitError):
    """A packaged data file (runner prices, pins, action metadata) is malformed: a bug in pipekit."""


class OutputError(PipekitError):
    """Generated files cannot be written where asked."""


class DriftError(PipekitError):
    """Committed files differ from what the design renders, or validators found problems."""

    exit_code = EXIT_FINDINGS
