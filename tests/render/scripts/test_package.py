"""The rules every workflow script follows: embedded verbatim in a rendered workflow, readable by the
runner's Python 3.8 with the standard library only, valid bash, shipped in the wheel, and the repeated
escaping helpers behaving alike."""

from __future__ import annotations

import ast
import fnmatch
import importlib
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from pipekit import files, render, yamlio
from pipekit.render import blocks, scripts

from ...designs import reference

ROOT = Path(__file__).resolve().parents[3]
FOLDER = Path(scripts.__file__).parent
PYTHON_SCRIPTS = sorted(path.name for path in FOLDER.glob("*.py") if path.name != "__init__.py")
BASH_SCRIPTS = sorted(path.name for path in FOLDER.glob("*.sh"))
# Standard-library names added after Python 3.8 that a script could reach for without noticing.
NEWER_THAN_3_8 = {
    "removeprefix",
    "removesuffix",
    "is_relative_to",
    "cache",
    "bit_count",
    "zoneinfo",
    "tomllib",
}


def test_the_folder_holds_the_scripts_the_renderers_use() -> None:
    assert PYTHON_SCRIPTS == [
        "benchmark_baseline.py",
        "benchmark_comment.py",
        "deploy_gate.py",
        "image_digest.py",
        "license_check.py",
        "license_headers.py",
        "license_report.py",
        "min_tests_gate.py",
        "pip_audit_coverage.py",
        "pip_audit_summary.py",
        "project_packages.py",
        "run_report.py",
        "sarif_summary.py",
    ]
    assert BASH_SCRIPTS == [
        "gitleaks_install.sh",
        "gitleaks_scan.sh",
        "health_check_loop.sh",
        "image_record.sh",
        "license_compliance_gate.sh",
    ]


def step_scripts() -> list[str]:
    """The `run:` of every step in every workflow the default design renders."""
    rendered = render.render_all(reference({}))
    runs = []
    for workflow in (file.name for file in files.FILES if file.workflow):
        for job in yamlio.loads(rendered[workflow])["jobs"].values():
            runs += [step["run"] for step in job["steps"] if "run" in step]
    return runs


@pytest.mark.parametrize("name", PYTHON_SCRIPTS + BASH_SCRIPTS)
def test_each_script_is_embedded_verbatim_in_a_workflow(name: str) -> None:
    source = (FOLDER / name).read_text(encoding="utf-8")
    assert scripts.text(name) == source
    if name.endswith(".py"):
        # setup-python's or the runner's Python, or the project environment's (render.blocks)
        design = reference({})
        interpreters = (scripts.SETUP_PYTHON, scripts.RUNNER_PYTHON, blocks.project_python(design))
        expected = {scripts.python(name, python) for python in interpreters}
        assert "python - <<'PY'\n" + source + "PY\n" in expected
        assert expected & set(step_scripts())
    else:
        assert scripts.bash(name) == source
        assert source in step_scripts()


def test_a_script_that_would_end_its_heredoc_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scripts, "text", lambda name: "print('one')\nPY\nprint('two')\n")
    with pytest.raises(ValueError, match="end the heredoc early"):
        scripts.python("any.py", scripts.SETUP_PYTHON)


@pytest.mark.parametrize("name", PYTHON_SCRIPTS)
def test_python_scripts_run_on_python_3_8_with_the_standard_library(name: str) -> None:
    source = (FOLDER / name).read_text(encoding="utf-8")
    tree = ast.parse(source, feature_version=(3, 8))  # a SyntaxError for newer syntax
    body = tree.body
    assert isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant), "a docstring first"
    # annotations stay unevaluated, so `str | None` and `list[str]` are fine on 3.8
    assert ast.unparse(body[1]) == "from __future__ import annotations"
    imported = {
        alias.name.split(".")[0] for node in body if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {
        node.module.split(".")[0] for node in body if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported - {"__future__"} <= sys.stdlib_module_names
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    used |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    used |= imported
    assert used & NEWER_THAN_3_8 == set()
    functions = {node.name for node in body if isinstance(node, ast.FunctionDef)}
    assert "main" in functions
    assert ast.unparse(body[-1]) == "if __name__ == '__main__':\n    raise SystemExit(main())"


@pytest.mark.parametrize("name", BASH_SCRIPTS)
def test_bash_scripts_parse(name: str) -> None:
    done = subprocess.run(["bash", "-n", str(FOLDER / name)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_the_wheel_ships_every_script() -> None:
    """Python modules ship as part of the package; any other file needs a package-data glob."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["pipekit"]
    package = ROOT / "lib" / "pipekit"
    assert (FOLDER / "__init__.py").is_file()  # a package, so setuptools finds the .py scripts
    for path in FOLDER.iterdir():
        if path.suffix not in (".py", ".pyc") and path.is_file():
            relative = path.relative_to(package).as_posix()
            assert any(fnmatch.fnmatch(relative, pattern) for pattern in globs), relative


# The escaping helpers are repeated in each script that needs them (a workflow carries one script alone).
COMMAND_TEXT_COPIES = [
    "deploy_gate",
    "image_digest",
    "license_check",
    "license_headers",
    "pip_audit_coverage",
    "run_report",
    "sarif_summary",
]
CELL_COPIES = [
    "benchmark_comment",
    "license_check",
    "license_headers",
    "pip_audit_summary",
    "run_report",
    "sarif_summary",
]


def helper(module: str, name: str) -> Any:
    return getattr(importlib.import_module(f"pipekit.render.scripts.{module}"), name)


@pytest.mark.parametrize(
    ("text", "message", "prop"),
    [
        ("src/a.py", "src/a.py", "src/a.py"),
        ("50%\r\nnext", "50%25%0D%0Anext", "50%25%0D%0Anext"),
        ("odd,name:1.py", "odd,name:1.py", "odd%2Cname%3A1.py"),
        ("evil\n::error::forged", "evil%0A::error::forged", "evil%0A%3A%3Aerror%3A%3Aforged"),
    ],
)
@pytest.mark.parametrize("module", COMMAND_TEXT_COPIES)
def test_command_text_escapes_workflow_commands(module: str, text: str, message: str, prop: str) -> None:
    command_text = helper(module, "command_text")
    assert command_text(text) == message
    assert command_text(text, prop=True) == prop


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain", "plain"),
        ("a | b", "a &#124; b"),
        ("two\nlines  and\ttabs", "two lines and tabs"),
        ("<b>bold</b> & co", "&lt;b&gt;bold&lt;/b&gt; &amp; co"),
    ],
)
@pytest.mark.parametrize("module", CELL_COPIES)
def test_cell_keeps_text_in_one_table_cell(module: str, text: str, escaped: str) -> None:
    assert helper(module, "cell")(text) == escaped
