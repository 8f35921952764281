"""Benchmarks are the tests that take pytest-benchmark's `benchmark` fixture (pytest-benchmark.readthedocs.io,
"Usage": "def test_my_stuff(benchmark)"); the command names their files, and the paths a command hands to
pytest are read back for `check --repo`."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipekit.repo.benchmarks import benchmark_command, command_paths, uses_benchmark_fixture
from pipekit.repo.tree import Tree

from .fixtures import write


@pytest.mark.parametrize(
    ("source", "uses"),
    [
        ("def test_a(benchmark):\n    benchmark(f)\n", True),
        ("class TestX:\n    async def test_a(self, benchmark):\n        pass\n", True),
        ("def test_a(*, benchmark):\n    pass\n", True),
        ("def helper(benchmark):\n    pass\n", False),  # not a test
        ("def test_a(benchmark_data):\n    pass\n", False),
        ("# benchmark(f)\ndef test_a():\n    pass\n", False),
        ("def test_a(benchmark:\n", False),  # not Python: nothing to read
    ],
)
def test_the_fixture_is_found_in_test_functions(source: str, uses: bool) -> None:
    assert uses_benchmark_fixture(source) is uses


def test_the_command_names_the_files(tmp_path: Path) -> None:
    tree = Tree(
        write(
            tmp_path,
            {
                "tests/performance/test_basic.py": "def test_fast():\n    pass\n",
                "tests/performance/test_speed.py": "def test_x(benchmark):\n    benchmark(len, [])\n",
                "bench/query_test.py": "def test_q(benchmark):\n    pass\n",
                "tests/helpers.py": "def make(benchmark):\n    pass\n",
            },
        )
    )
    found = benchmark_command(tree)
    assert found is not None
    assert found.value == (
        "pytest bench/query_test.py tests/performance/test_speed.py "
        "--benchmark-only --benchmark-json=benchmark.json"
    )
    assert found.comment == "from 2 test files whose tests take the benchmark fixture"


def test_no_benchmarks(tmp_path: Path) -> None:
    assert benchmark_command(Tree(write(tmp_path, {"tests/test_a.py": "def test_a():\n    pass\n"}))) is None


@pytest.mark.parametrize(
    ("command", "paths"),
    [
        ("pytest tests/performance --benchmark-only --benchmark-json=benchmark.json", ["tests/performance"]),
        (
            "python -m pytest a/test_b.py::test_c -k 'fast or slow' c --benchmark-json out.json",
            ["a/test_b.py", "c"],
        ),
        ("poetry run pytest 'tests/x y' > log.txt && echo done  # tests/not_this", ["tests/x y"]),
        ("make bench", []),
        ("pytest $BENCH_DIR --benchmark-only", []),
        ("cd src\npytest -p no:cacheprovider -m bench perf/", ["perf/"]),
    ],
)
def test_paths_a_command_hands_to_pytest(command: str, paths: list[str]) -> None:
    assert command_paths(command) == paths
