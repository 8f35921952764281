"""Benchmarks: test files whose tests take pytest-benchmark's ``benchmark`` fixture (pytest-benchmark.
readthedocs.io, "Usage"), and the command that runs just those and writes ``benchmark.json``."""

from __future__ import annotations

import ast
import shlex

from pipekit.repo.found import Found
from pipekit.repo.tree import Tree

FIXTURE = "benchmark"
OPTIONS = "--benchmark-only --benchmark-json=benchmark.json"


def _is_test_file(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base.endswith(".py") and (base.startswith("test_") or base.endswith("_test.py"))


def uses_benchmark_fixture(source: str) -> bool:
    """Whether a test function (``test*``, also inside classes) asks for the ``benchmark`` fixture."""
    try:
        module = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    for node in ast.walk(module):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            if any(argument.arg == FIXTURE for argument in arguments):
                return True
    return False


def benchmark_files(tree: Tree) -> list[str]:
    """The test files that use the fixture, in path order."""
    found = []
    for name in tree.files:
        if _is_test_file(name):
            text = tree.text(name)
            if text is not None and FIXTURE in text and uses_benchmark_fixture(text):
                found.append(name)
    return found


def benchmark_command(tree: Tree) -> Found[str] | None:
    """``pytest <files> --benchmark-only --benchmark-json=benchmark.json``, or None without benchmarks."""
    files = benchmark_files(tree)
    if not files:
        return None
    paths = " ".join(shlex.quote(name) for name in files)
    if len(files) == 1:
        return Found(f"pytest {paths} {OPTIONS}", f"{files[0]}: its tests take the benchmark fixture")
    return Found(
        f"pytest {paths} {OPTIONS}", f"{len(files)} test files whose tests take the benchmark fixture"
    )


# pytest options (pytest, pytest-cov, pytest-benchmark) whose value may be the next word.
_VALUE_OPTIONS = frozenset(
    {
        "-k",
        "-m",
        "-p",
        "-c",
        "-o",
        "-W",
        "-r",
        "--rootdir",
        "--confcutdir",
        "--basetemp",
        "--ignore",
        "--ignore-glob",
        "--deselect",
        "--junitxml",
        "--junit-xml",
        "--override-ini",
        "--maxfail",
        "--durations",
        "--tb",
        "--cov",
        "--cov-report",
        "--cov-config",
        "--benchmark-json",
        "--benchmark-save",
        "--benchmark-storage",
        "--benchmark-columns",
        "--benchmark-sort",
        "--benchmark-group-by",
        "--benchmark-min-rounds",
        "--benchmark-timer",
        "--benchmark-warmup",
        "--benchmark-max-time",
        "--benchmark-min-time",
        "--benchmark-name",
    }
)
_SHELL_OPERATORS = frozenset({"&&", "||", ";", "|", "&", ">", ">>", "<", "(", ")"})


def command_paths(command: str) -> list[str]:
    """The files and folders a shell command hands to pytest (``pytest tests/perf -k fast`` ->
    ``tests/perf``); a node id's ``::test`` part is dropped."""
    paths: list[str] = []
    for line in command.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        try:
            words = list(lexer)
        except ValueError:  # an unclosed quote: nothing can be read from this line
            continue
        in_pytest, skip_next = False, False
        for word in words:
            if word in _SHELL_OPERATORS:
                in_pytest = False
            elif not in_pytest:
                in_pytest = word.rsplit("/", 1)[-1] in ("pytest", "py.test")
            elif skip_next:
                skip_next = False
            elif word.startswith("-"):
                skip_next = word in _VALUE_OPTIONS
            elif "$" not in word:
                paths.append(word.split("::", 1)[0])
    return list(dict.fromkeys(paths))
