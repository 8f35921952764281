"""The license header: the leading comment lines at least 80% of the source files share, when they speak
of a copyright or license; whether a file has it is decided by the generated check's own function."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipekit.repo.header import find_header, header_globs, leading_comment, shared_header
from pipekit.repo.tree import Tree

from .fixtures import write

HEADER = "# Copyright (c) 2026 Acme\n# SPDX-License-Identifier: MIT\n"


@pytest.mark.parametrize(
    ("text", "block"),
    [
        (HEADER + "import os\n", ["# Copyright (c) 2026 Acme", "# SPDX-License-Identifier: MIT"]),
        ("#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n# Copyright X\n\nimport os\n", ["# Copyright X"]),
        ("# -*- coding: latin-1 -*-\n# Copyright X\n", ["# Copyright X"]),
        ('"""Doc."""\n# Copyright X\n', []),
        ("", []),
    ],
)
def test_leading_comment(text: str, block: list[str]) -> None:
    assert leading_comment(text) == block


def test_the_longest_run_most_files_share() -> None:
    texts = [HEADER + f"# module {i}\n" for i in range(4)] + ['"""No header."""\n']
    assert shared_header(texts) == ["# Copyright (c) 2026 Acme", "# SPDX-License-Identifier: MIT"]
    assert shared_header([HEADER] * 3 + ["x = 1\n"] * 2) == []  # 60%: no header


def files(count: int, header: str, without: int = 0) -> dict[str, str]:
    found = {f"src/pk/m{i}.py": header + "x = 1\n" for i in range(count - without)}
    found.update({f"src/pk/plain{i}.py": "x = 1\n" for i in range(without)})
    return found


def test_a_header_in_80_percent_of_the_files(tmp_path: Path) -> None:
    header = find_header(Tree(write(tmp_path, files(5, HEADER, without=1))), ["src"])
    assert header is not None
    assert header.text.value == HEADER
    assert header.text.comment == "from the first 2 comment line(s) of 4 of 5 source files"
    assert header.missing == ("src/pk/plain0.py",)


def test_fewer_than_80_percent_is_no_header(tmp_path: Path) -> None:
    assert find_header(Tree(write(tmp_path, files(5, HEADER, without=2))), ["src"]) is None


def test_a_shared_comment_that_is_no_license_is_no_header(tmp_path: Path) -> None:
    assert find_header(Tree(write(tmp_path, files(3, "# noqa: E501\n"))), ["src"]) is None


def test_only_the_source_folders_count(tmp_path: Path) -> None:
    tree = Tree(write(tmp_path, {**files(1, HEADER), **{f"tests/t{i}.py": "x = 1\n" for i in range(9)}}))
    header = find_header(tree, ["src"])
    assert header is not None and header.files == 1


def test_globs_cover_every_python_file_of_each_folder() -> None:
    assert header_globs(["app", "src/pk/", "."]) == ("app/**/*.py", "src/pk/**/*.py", "**/*.py")
