"""The source-file header check of license-compliance.yaml, on files written to disk: with and without
the header at their top, matched by `**` and `{a,b}` globs, with names that need escaping in an
annotation, and globs that match nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipekit.render import license
from pipekit.render.scripts import license_headers

from .support import rendered_step, run_step

HEADER = "# Copyright Acme Corp.\n# SPDX-License-Identifier: Apache-2.0"
DESIGN = {"license": {"header": HEADER, "header_globs": ["src/**/*.{py,pyi}", "scripts/*.sh"]}}


@pytest.fixture
def headers_step() -> dict[str, Any]:
    return rendered_step("license-compliance.yaml", "headers", "Check license headers", DESIGN)


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


WITH_HEADER = {
    "src/top.py": f"{HEADER}\nprint('ok')\n",
    "src/pkg/deep/typed.pyi": f"#!/usr/bin/env python\n{HEADER}\nx: int\n",
    "scripts/run.sh": f"#!/bin/sh\n{HEADER}\n",
    "README.md": "matched by no glob\n",
}


def test_the_step_embeds_the_script_and_gets_the_header_through_env(headers_step: dict[str, Any]) -> None:
    assert headers_step["run"] == license.HEADERS_SCRIPT
    assert headers_step["env"] == {
        "LICENSE_HEADER": HEADER,
        "HEADER_GLOBS": "src/**/*.{py,pyi}\nscripts/*.sh\n",
    }


def test_every_file_with_the_header_passes(tmp_path: Path, headers_step: dict[str, Any]) -> None:
    run = run_step(headers_step, write(tmp_path, WITH_HEADER))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.annotations == []
    report = (tmp_path / "license-headers.md").read_text(encoding="utf-8")
    assert report == run.summary
    assert "3 files checked for this header:" in report
    assert "    # SPDX-License-Identifier: Apache-2.0" in report
    assert report.endswith("Every file has the header.\n")


def test_files_without_the_header_fail_the_check(tmp_path: Path, headers_step: dict[str, Any]) -> None:
    planted = {
        "src/pkg/stub.pyi": "x: int\n",
        # half the header is not the header
        "src/pkg/odd,name:1.py": "# SPDX-License-Identifier: Apache-2.0\n",
        "src/notes.txt": "no header, but no glob matches it\n",
        "src/folder.py/inner.py": f"{HEADER}\n",  # a folder whose name matches is not a file to check
    }
    run = run_step(headers_step, write(tmp_path, {**WITH_HEADER, **planted}))
    assert run.returncode == 1
    assert run.annotations == [
        "::error file=src/pkg/odd%2Cname%3A1.py,title=License header::missing the license header",
        "::error file=src/pkg/stub.pyi,title=License header::missing the license header",
    ]
    report = (tmp_path / "license-headers.md").read_text(encoding="utf-8")
    assert "6 files checked" in report and "**2 files lack the header:**" in report
    assert "- <code>src/pkg/stub.pyi</code>" in report


def test_a_glob_that_matches_nothing_warns(tmp_path: Path, headers_step: dict[str, Any]) -> None:
    write(tmp_path, WITH_HEADER)
    run = run_step(headers_step, tmp_path, {"HEADER_GLOBS": "src/**/*.py\nmissing/*.{py,sh}\n\n"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.annotations == ["::warning title=License headers::no file matches missing/*.{py,sh}"]


def test_globs_that_match_no_file_fail_the_check(tmp_path: Path, headers_step: dict[str, Any]) -> None:
    # a check that saw nothing would pass on a renamed source folder
    run = run_step(headers_step, write(tmp_path, {"app/main.py": f"{HEADER}\n"}))
    assert run.returncode == 1
    assert run.annotations[-1] == (
        "::error title=License headers::no file matches license.header_globs; fix the globs"
    )
    assert "**No file matches the globs**" in run.summary


HEADER_PLACES = {
    # a shebang and a PEP 263 encoding declaration (only allowed on line 1 or 2) may come first
    "after-shebang-and-encoding.py": f"#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n{HEADER}\nx = 1\n",
    "windows-line-endings.py": f"{HEADER}\nx = 1\n".replace("\n", "\r\n"),
    "byte-order-mark.py": f"\ufeff{HEADER}\nx = 1\n",
    "trailing-spaces.py": HEADER.replace("\n", "  \n") + "\t\n",
}
NOT_AT_THE_TOP = {
    # the header quoted further down does not count: only the first lines are read
    "quoted-in-a-docstring.py": f'"""A module.\n\nFiles must begin with:\n\n{HEADER}\n"""\n',
    "after-a-blank-line-too-many.py": f"#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\n{HEADER}\n",
    "half-the-header.py": HEADER.splitlines()[0] + "\n",
}


def test_the_header_counts_only_at_the_top_of_a_file(tmp_path: Path, headers_step: dict[str, Any]) -> None:
    files = {f"src/{name}": text for name, text in {**HEADER_PLACES, **NOT_AT_THE_TOP}.items()}
    run = run_step(headers_step, write(tmp_path, files))
    assert run.returncode == 1
    lacking = [line.split("file=")[1].split(",")[0] for line in run.annotations if "file=" in line]
    assert lacking == [f"src/{name}" for name in sorted(NOT_AT_THE_TOP)]


def test_lacks_header_reads_at_most_the_header_and_two_more_lines(tmp_path: Path) -> None:
    assert license_headers.LEADING_LINES == 2
    path = tmp_path / "file.py"
    lines = HEADER.count("\n") + 1
    for blank_lines, lacks in [(0, False), (2, False), (3, True)]:
        path.write_text("\n" * blank_lines + HEADER + "\n", encoding="utf-8")
        assert license_headers.lacks_header(str(path), HEADER.encode()) is lacks, blank_lines
    assert len(license_headers.first_lines(str(path), lines + 2)) == lines + 2
    # a minified file's one long line is read in bounded pieces, not whole
    path.write_text("x" * (10 * license_headers.LONGEST_LINE), encoding="utf-8")
    assert (
        sum(map(len, license_headers.first_lines(str(path), lines + 2)))
        <= (lines + 2) * license_headers.LONGEST_LINE
    )


@pytest.mark.parametrize(
    ("pattern", "expanded"),
    [
        ("src/*.py", ["src/*.py"]),
        ("src/**/*.{py,pyi}", ["src/**/*.py", "src/**/*.pyi"]),
        ("{app,lib}/*.{py,sh}", ["app/*.py", "app/*.sh", "lib/*.py", "lib/*.sh"]),
        ("a/{b,{c,d}}.py", ["a/b.py", "a/c.py", "a/d.py"]),
        ("{only}.py", ["{only}.py"]),  # braces without a comma are literal in bash
    ],
)
def test_expand_spells_out_brace_alternatives(pattern: str, expanded: list[str]) -> None:
    assert sorted(set(license_headers.expand(pattern))) == expanded


def test_matching_files_and_lacks_header(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {**WITH_HEADER, "src/pkg/stub.pyi": "x: int\n"})
    monkeypatch.chdir(tmp_path)
    found = license_headers.matching_files("src/**/*.{py,pyi}")
    assert found == {"src/top.py", "src/pkg/deep/typed.pyi", "src/pkg/stub.pyi"}
    assert [path for path in sorted(found) if license_headers.lacks_header(path, HEADER.encode())] == [
        "src/pkg/stub.pyi"
    ]
