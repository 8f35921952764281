"""The source-file header check of license-compliance.yaml, on files written to disk: with and without
the header, matched by `**` and `{a,b}` globs, with names that need escaping in an annotation."""

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
