"""Workflow expressions evaluated by GitHub's own evaluator, @actions/expressions, under Node.

A rehearsal must decide `if:` conditions and fill in `${{ }}` exactly as GitHub does, coercions and all
(``'1' == 1``, case-insensitive string comparison, ``&&`` returning an operand), so it does not evaluate them
itself: one Node process runs tools/workflow-parser/evaluate.mjs, which hands each expression to the library
GitHub's workflow tooling uses and adds what the runner adds (the status functions and hashFiles). The process
is started on first use and answers one request per line, so a call costs a round trip, not a Node start-up.

Templates and conditions are cut here, as the runner's TemplateReader and ConvertToIfCondition cut them
(actions/runner src/Sdk/WorkflowParser/ObjectTemplating/TemplateReader.cs ParseScalar and
src/Sdk/WorkflowParser/Conversion/WorkflowTemplateConverter.cs ConvertToIfCondition); evaluating is Node's.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import subprocess
import tempfile
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, NoReturn

from pipekit.errors import InputFileError, PipekitError
from pipekit.github.expressions import TemplateExpression, expression_text, segments
from pipekit.node_tools import TOOLS_DIR, require_node
from pipekit.wording import one_line, squeeze

PACKAGE = Path("node_modules") / "@actions" / "expressions" / "package.json"
SCRIPT = "evaluate.mjs"
WHAT = "GitHub's expression evaluator"
# "skipped": a job's own if: when a job it needs was skipped; only always() is then true.
STATUSES = ("success", "failure", "cancelled", "skipped")
# A call waits at most this long. Only hashFiles over a large tree comes near it; the runner gives hashFiles
# 120 seconds too (HashFilesFunction.cs _hashFileTimeoutSeconds).
TIMEOUT_SECONDS = 120.0
_OPEN = "${{"


class ExpressionError(PipekitError):
    """An expression GitHub would refuse (syntax) or fail on (evaluation); the one-line message names it."""


@dataclass(frozen=True)
class _Answer:
    value: Any  # the result as JSON data
    text: str  # the result as a template embeds it
    truthy: bool


class Evaluator:
    """One Node process running GitHub's expression evaluator, for as long as a rehearsal needs it.

    Use it as a context manager, which stops the process on exit. The process starts on the first call, so
    making an Evaluator costs nothing; it is stopped by `close`, and otherwise when the Evaluator is
    garbage-collected or Python exits (a weakref finalizer, which, unlike __del__, also runs at exit and
    never runs twice), so no Node process outlives its Evaluator. One thread at a time may call it.
    """

    def __init__(self, tool_dir: Path | None = None) -> None:
        self._tool_dir = tool_dir if tool_dir is not None else TOOLS_DIR
        self._process: subprocess.Popen[bytes] | None = None
        self._selector: selectors.BaseSelector | None = None
        self._stderr: IO[bytes] | None = None
        self._buffer = bytearray()
        self._finalizer: weakref.finalize[Any, Any] | None = None

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """The Node process's id while it runs, else None."""
        return self._process.pid if self._process is not None and self._process.poll() is None else None

    def close(self) -> None:
        """Stop the Node process (it ends when its input closes); the next call would start another."""
        if self._finalizer is not None:
            self._finalizer()
        self._finalizer = None
        self._process = None
        self._selector = None
        self._stderr = None
        self._buffer.clear()

    def evaluate(
        self,
        expression: str,
        contexts: Mapping[str, Any],
        *,
        status: str = "success",
        workspace: Path | None = None,
    ) -> Any:
        """The value (JSON data) of `expression`, the text between ``${{`` and ``}}``.

        `contexts` are the named values (github, env, matrix, steps, needs, ...; missing ones read as null);
        `status` is the job's status, which success(), failure() and cancelled() compare with; hashFiles
        hashes under `workspace` (else under github.workspace)."""
        return self._ask(expression, contexts, status, workspace).value

    def template(
        self,
        text: str,
        contexts: Mapping[str, Any],
        *,
        status: str = "success",
        workspace: Path | None = None,
    ) -> Any:
        """A workflow value with its ``${{ }}`` evaluated, as GitHub's TemplateReader does.

        A value that is exactly one expression gives that expression's value, of any JSON type (``${{ 3 }}``
        is the number 3). Anything else around an expression, whitespace or a YAML block scalar's final line
        break included, makes the whole a string with each expression written as its text, as format()
        writes its arguments (3.10 as ``3.1``, true as ``true``, null as nothing). Text without ``${{`` is
        returned as it is."""
        if _OPEN not in text:
            return text
        parts = _cut(text)
        if len(parts) == 1 and isinstance(parts[0], TemplateExpression):
            return self._ask(_inner(parts[0], text), contexts, status, workspace, shown=text).value
        written: list[str] = []
        for part in parts:
            if isinstance(part, str):
                written.append(part)
            else:
                written.append(self._ask(_inner(part, text), contexts, status, workspace, shown=text).text)
        return "".join(written)

    def condition(
        self,
        text: str,
        contexts: Mapping[str, Any],
        *,
        status: str = "success",
        workspace: Path | None = None,
    ) -> bool:
        """Whether an `if:` holds, as the runner decides it.

        The value may be written with or without ``${{ }}``. An empty one means success(); one that calls no
        status function (success, failure, cancelled, always) means ``success() && (<it>)``, so a plain
        condition is false once a step has failed; the result is coerced to a boolean.

        Like GitHub, a value with text around its ``${{ }}`` (``${{ a }} && b``) is a string, the text of
        the template, and a non-empty string is true; `${{ 'x' }}` alone is read as the condition ``x``.
        """
        expression = text
        shown = text
        if _OPEN in text:
            parts = _cut(text)
            if len(parts) == 1 and isinstance(parts[0], TemplateExpression):
                inner = _inner(parts[0], text)
                literal = _string_literal(inner)
                expression = inner if literal is None else literal
            else:
                expression = self._format_expression(parts, contexts, status, workspace, text)
        return self._ask(expression, contexts, status, workspace, condition=True, shown=shown).truthy

    def _format_expression(
        self,
        parts: Sequence[str | TemplateExpression],
        contexts: Mapping[str, Any],
        status: str,
        workspace: Path | None,
        shown: str,
    ) -> str:
        """The runner's format() expression for a template with text (TemplateReader.cs ParseScalar).

        Each expression is first evaluated alone, which checks it as GitHub checks it before building the
        format() call (so ``${{ 'a', 'b' }}`` is refused, not read as two arguments); format() evaluates
        every argument anyway, so this adds no error GitHub would not raise."""
        layout: list[str] = []
        arguments: list[str] = []
        for part in parts:
            if isinstance(part, str):
                layout.append(part.replace("'", "''").replace("{", "{{").replace("}", "}}"))
            else:
                inner = _inner(part, shown)
                self._ask(inner, contexts, status, workspace, shown=shown)
                layout.append(f"{{{len(arguments)}}}")
                arguments.append(inner)
        return f"format('{''.join(layout)}'{''.join(', ' + argument for argument in arguments)})"

    def _ask(
        self,
        expression: str,
        contexts: Mapping[str, Any],
        status: str,
        workspace: Path | None,
        *,
        condition: bool = False,
        shown: str | None = None,
    ) -> _Answer:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        request: dict[str, Any] = {"expression": expression, "contexts": contexts, "status": status}
        if workspace is not None:
            request["workspace"] = str(workspace)
        if condition:
            request["condition"] = True
        try:
            line = json.dumps(request, allow_nan=False, separators=(",", ":"), default=_as_json)
        except (TypeError, ValueError) as error:
            raise ExpressionError(
                f"{_named(shown or expression)}: the contexts are not JSON data ({error})"
            ) from None
        response = self._round_trip(line.encode("utf-8") + b"\n", shown or expression)
        if "error" in response:
            raise ExpressionError(f"{_named(shown or expression)}: {squeeze(str(response['error']))}")
        return _Answer(response.get("value"), str(response.get("text", "")), bool(response.get("truthy")))

    def _round_trip(self, request: bytes, shown: str) -> dict[str, Any]:
        process = self._running()
        assert process.stdin is not None
        try:
            process.stdin.write(request)
            process.stdin.flush()
        except OSError:
            self._fail("stopped")
        line = self._read_line(process, shown)
        try:
            response = json.loads(line)
        except ValueError:
            response = None
        if not isinstance(response, dict):
            self._fail(f"printed something else than an answer ({squeeze(line.decode('utf-8', 'replace'))})")
        return response

    def _read_line(self, process: subprocess.Popen[bytes], shown: str) -> bytes:
        assert process.stdout is not None and self._selector is not None
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while (newline := self._buffer.find(b"\n")) < 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._selector.select(remaining):
                self.close()
                raise ExpressionError(f"{_named(shown)}: {WHAT} did not answer in {TIMEOUT_SECONDS:.0f}s")
            chunk = os.read(process.stdout.fileno(), 1 << 16)
            if not chunk:
                self._fail("stopped")
            self._buffer += chunk
        line = bytes(self._buffer[:newline])
        del self._buffer[: newline + 1]
        return line

    def _running(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        if self._process is not None:
            self._fail("stopped")
        node = require_node(self._tool_dir, PACKAGE, WHAT)
        if not (self._tool_dir / SCRIPT).is_file():
            raise PipekitError(f"{self._tool_dir / SCRIPT} is missing; pipekit's source tree is incomplete")
        # Node's stderr is read only when it dies; a file, unlike a pipe, cannot fill up and block it. The
        # file lives as long as the process, so the finalizer closes it, not a with block.
        stderr = tempfile.TemporaryFile()  # noqa: SIM115
        # Node reads NODE_OPTIONS and friends; a user's (a --require hook, say) must not change the evaluator.
        env = {key: value for key, value in os.environ.items() if not key.startswith("NODE_")}
        try:
            process = subprocess.Popen(
                [node, SCRIPT],
                cwd=self._tool_dir,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                env=env,
            )
        except OSError as error:
            stderr.close()
            raise PipekitError(f"cannot run {WHAT} ({node}): {error.strerror}") from None
        assert process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        self._process, self._selector, self._stderr = process, selector, stderr
        self._finalizer = weakref.finalize(self, _stop, process, selector, stderr)
        return process

    def _fail(self, what: str) -> NoReturn:
        """Stop the process and raise the one-line error for it; its stderr says why it stopped."""
        reason = ""
        if self._stderr is not None and self._process is not None:
            try:
                self._process.wait(timeout=2)
                self._stderr.seek(0)
                reason = squeeze(self._stderr.read().decode("utf-8", "replace"))
            except (OSError, subprocess.TimeoutExpired):
                reason = ""
        self.close()
        raise PipekitError(f"{WHAT} (node {SCRIPT}) {what}{f': {reason}' if reason else ''}")


def _stop(process: subprocess.Popen[bytes], selector: selectors.BaseSelector, stderr: IO[bytes]) -> None:
    """End the Node process: closing its input ends it; one that does not end within 2 s is killed."""
    selector.close()
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()
    try:
        process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
    stderr.close()


def _as_json(value: Any) -> Any:
    """What json.dumps cannot write by itself: any Mapping as an object, any other Sequence as an array."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON data")


def _cut(text: str) -> list[str | TemplateExpression]:
    try:
        return segments(text)
    except InputFileError as error:
        raise ExpressionError(f"{_named(text)}: {error}") from None


def _inner(part: TemplateExpression, shown: str) -> str:
    try:
        return expression_text(part)
    except InputFileError as error:
        problem = str(error).removeprefix(f"{part.written}: ")  # the message names the template already
        raise ExpressionError(f"{_named(shown)}: {problem}") from None


def _string_literal(expression: str) -> str | None:
    """The string an expression that is only a quoted string stands for, else None (TemplateReader.cs
    IsExpressionString, which turns ``${{ 'x' }}`` into the plain value ``x``)."""
    builder: list[str] = []
    in_string = False
    for index, char in enumerate(expression):
        if char == "'":
            in_string = not in_string
            if in_string and index != 0:
                builder.append(char)
        elif not in_string:
            return None
        else:
            builder.append(char)
    return "".join(builder)


def _named(text: str) -> str:
    """The expression as a message names it: on one line, cut when long."""
    shown = text if _OPEN in text else f"${{{{ {text} }}}}"
    line = one_line(shown)
    return line if len(line) <= 120 else line[:119] + "…"
