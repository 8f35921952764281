"""The hostile corpus: every case in cases.yaml through the real CLI.

Each failing case must exit with its code and print exactly one line on stderr that names the place
and what was expected, never a traceback; render and check must leave every file that was already in
the output folder byte-identical. Further tests prove that user commands reach `run:` exactly as
written and that no other design string does.
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipekit import yamlio
from pipekit.commands.render import render_design
from pipekit.design.save import save_design
from pipekit.errors import PipekitError
from pipekit.facts import actions
from pipekit.files import repo_paths

from .support import HERE, Result, populate, run_in_process, run_subprocess, snapshot

CASES_FILE = HERE / "cases.yaml"
REFERENCE_DESIGN = HERE.parents[1] / "pipeline.yaml"


@dataclass(frozen=True)
class Case:
    group: str
    name: str
    command: str
    spec: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.group}/{self.name}/{self.command}"

    @property
    def exit(self) -> int:
        return int(self.spec.get("exit", 2))


def _load_cases() -> list[Case]:
    data = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    cases: list[Case] = []
    for group, entries in data.items():
        for name, spec in entries.items():
            default = ["expand"] if group == "workflows" else ["plan", "render"]
            commands = ["args"] if "args" in spec else spec.get("commands", default)
            cases.extend(Case(group, name, command, spec) for command in commands)
    return cases


CASES = _load_cases()


def _input_file(case: Case) -> Path:
    if "file" in case.spec:
        return HERE / str(case.spec["file"])
    if case.group == "workflows":
        return HERE / "workflows" / f"{case.name}.yml"
    return HERE / "designs" / f"{case.name}.yaml"


# ------------------------------------------------------------------------------------- running pipekit


@pytest.fixture(scope="module")
def default_files() -> dict[str, str]:
    """What the reference design renders: the files a real output folder already holds."""
    return render_design(str(REFERENCE_DESIGN))


def prepare_output(
    case: Case, tmp_path: Path, files: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The --out folder for a case, set up as its `setup` says; an existing, populated folder by default."""
    out = tmp_path / "out"
    setup = case.spec.get("setup")
    outside = tmp_path / "outside"
    if setup == "out-is-file":
        out.write_text("a file where the folder should be\n")
    elif setup == "out-missing-parent":
        out = tmp_path / "missing" / "out"
    elif setup == "out-dotdot-missing-parent":
        out = tmp_path / "missing" / ".." / "out"
    elif setup in ("out-symlink-outside", "out-symlink-dotdot"):
        populate(out, files)
        outside.mkdir()
        name = "test.yaml" if setup == "out-symlink-outside" else "build.yaml"
        (outside / name).write_text("precious: the link must not be written through\n")
        (out / name).unlink()
        target = outside / name if setup == "out-symlink-outside" else Path("..") / "outside" / name
        (out / name).symlink_to(target)
    elif setup in ("out-symlink-to-user-file", "out-symlink-between-outputs"):
        # links inside the folder, to a file that is not the one pipekit means to write
        populate(out, files)
        link, target = (
            ("test.yaml", "NOTES.md") if setup == "out-symlink-to-user-file" else ("build.yaml", "test.yaml")
        )
        (out / link).unlink()
        (out / link).symlink_to(target)
    elif setup == "out-target-is-folder":
        populate(out, files)
        (out / "deploy.yaml").unlink()
        (out / "deploy.yaml").mkdir()
        (out / "deploy.yaml" / "keep.txt").write_text("inside a folder named like an output file\n")
    elif setup == "out-no-permission":
        # Tests run as root, where a read-only folder is still writable; os.access is what pipekit asks.
        # test_nothing_lost.py runs the real thing as an unprivileged user.
        populate(out, files)
        real_access = os.access

        def access(path: Any, mode: int, **kwargs: Any) -> bool:
            if Path(path) == out:
                return False
            return real_access(path, mode, **kwargs)

        monkeypatch.setattr(os, "access", access)
    elif setup == "out-undecodable-file":
        populate(out, files)
        (out / "test.yaml").write_bytes("# généré\n".encode("latin-1") + files["test.yaml"].encode())
    elif setup is not None and setup.startswith("repo-"):
        out = prepare_repo(setup, out, tmp_path, files)
    elif setup is None:
        populate(out, files)
    else:
        raise AssertionError(f"unknown setup {setup!r} in cases.yaml")
    return out


BOT_SHA = "0123456789abcdef0123456789abcdef01234567"  # a made-up commit of a release a bot moved to


def prepare_repo(setup: str, repo: Path, tmp_path: Path, rendered: dict[str, str]) -> Path:
    """A repository's root for the repo group: the rendered files where a repository keeps them, the
    team's README, and what `setup` adds; the path to pass as --repo."""
    if setup == "repo-missing":
        return tmp_path / "missing"
    if setup == "repo-is-file":
        repo.write_text("a file where the repository should be\n")
        return repo
    repo.mkdir()
    (repo / "README.md").write_text("the team's own file\n")
    if setup == "repo-github-is-file":
        (repo / ".github").write_text("a file where the folder should be\n")
        return repo
    if setup == "repo-github-link-outside":
        (tmp_path / "outside" / "workflows").mkdir(parents=True)
        (tmp_path / "outside" / "workflows" / "test.yaml").write_text("precious: not the repository's\n")
        (repo / ".github").symlink_to(tmp_path / "outside")
        return repo
    paths = repo_paths(repo)
    paths["test.yaml"].parent.mkdir(parents=True)
    for name, text in rendered.items():
        paths[name].write_text(text, encoding="utf-8")
    test = paths["test.yaml"]
    if setup == "repo-user-workflow":
        test.write_text("name: CI\non: push\njobs: {}\n")
    elif setup == "repo-workflow-is-folder":
        paths["deploy.yaml"].unlink()
        paths["deploy.yaml"].mkdir()
        (paths["deploy.yaml"] / "keep.txt").write_text("inside a folder named like a workflow\n")
    elif setup == "repo-workflow-link-loop":
        test.unlink()
        test.symlink_to(test.name)
    elif setup.startswith("repo-sync-"):
        shutil.copyfile(REFERENCE_DESIGN, repo / "pipeline.yaml")
        pin = actions.load_pins()["actions/checkout"]
        old = f"actions/checkout@{pin.sha} # {pin.version}"
        moved = {
            "repo-sync-not-a-sha": "actions/checkout@v7.1.0 # v7.1.0",
            "repo-sync-no-comment": f"actions/checkout@{BOT_SHA}",
            "repo-sync-unknown-action": f"evil/checkout@{BOT_SHA} # v7.1.0",
            "repo-sync-two-releases": f"actions/checkout@{'f' * 40} # v7.2.0",
        }[setup]
        for path in paths.values():  # the bot's update, everywhere
            path.write_text(path.read_text().replace(old, f"actions/checkout@{BOT_SHA} # v7.1.0"))
        test.write_text(test.read_text().replace(f"actions/checkout@{BOT_SHA} # v7.1.0", moved, 1))
    else:
        raise AssertionError(f"unknown setup {setup!r} in cases.yaml")
    return repo


def argv_for(case: Case, design: Path, out: Path) -> list[str]:
    if case.command == "args":
        fill = {"design": str(design), "out": str(out), "file": str(design)}
        return [str(arg).format(**fill) for arg in case.spec["args"]]
    return {
        "plan": ["plan", "--design", str(design)],
        "render": ["render", "--design", str(design), "--out", str(out)],
        "check": ["check", "--design", str(design), "--dir", str(out), "--no-validators"],
        "expand": ["expand", str(design)],
    }[case.command]


def generate(kind: str, tmp_path: Path) -> Path:
    if kind == "oversize":
        # Valid YAML (a comment block, then a key) just over the limit: size is checked before parsing.
        path = tmp_path / "oversize.yaml"
        line = "# " + "x" * 97 + "\n"
        path.write_text(line * (yamlio.MAX_FILE_BYTES // len(line) + 1) + "version: 1\n")
        assert path.stat().st_size > yamlio.MAX_FILE_BYTES
        return path
    if kind == "newline-name":
        path = tmp_path / "bad\ndesign.yaml"
        path.write_text("tset: {}\n")
        return path
    raise AssertionError(f"unknown generator {kind!r} in cases.yaml")


def check_result(case: Case, result: Result) -> None:
    spec = case.spec
    assert result.code == case.exit, f"exit {result.code}, expected {case.exit}; stderr: {result.stderr!r}"
    assert "Traceback" not in result.stderr
    if "stdout" in spec:
        assert spec["stdout"] in result.stdout
    if case.exit == 0:
        assert result.stderr == "", result.stderr
        return
    lines = result.stderr.splitlines()
    if spec.get("usage"):
        assert lines[0].startswith("usage: pipekit"), result.stderr
        lines = lines[1:]
    assert len(lines) == 1 and result.stderr.endswith("\n"), f"not one line: {result.stderr!r}"
    prefix = spec.get("prefix", "pipekit: error: ")
    assert lines[0].startswith(prefix), lines[0]
    assert spec["message"] in lines[0], f"{spec['message']!r} not in {lines[0]!r}"


# ---------------------------------------------------------------------------------------------- corpus


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(
    case: Case,
    tmp_path: Path,
    default_files: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    design = generate(case.spec["generate"], tmp_path) if "generate" in case.spec else _input_file(case)
    out = prepare_output(case, tmp_path, default_files, monkeypatch)
    before = snapshot(tmp_path)
    argv = argv_for(case, design, out)
    result = run_subprocess(argv, tmp_path) if case.spec.get("subprocess") else run_in_process(argv, capsys)
    check_result(case, result)
    if case.exit != 0 or case.command != "render":
        assert snapshot(tmp_path) == before, "an error changed files"
    elif case.command == "render":
        expected = render_design(str(design))
        written = {name: (out / name).read_text(encoding="utf-8") for name in expected}
        assert written == expected


REFUSED_DESIGNS = sorted(
    {
        case.name
        for case in CASES
        if case.group not in ("workflows", "outputs", "args", "repo")
        and case.exit == 2
        and "generate" not in case.spec
    }
)


@pytest.mark.parametrize("name", REFUSED_DESIGNS)
def test_every_command_refuses_a_bad_design_with_the_same_line(
    name: str, tmp_path: Path, default_files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """One notion of a valid design: plan, render, check and the notebooks' Save refuse it with one line."""
    case = next(case for case in CASES if case.name == name)
    design = _input_file(case)
    out = tmp_path / "out"
    populate(out, default_files)
    lines = set()
    for command in ("plan", "render", "check"):
        result = run_in_process(argv_for(Case(case.group, name, command, case.spec), design, out), capsys)
        assert result.code == 2, (command, result.stderr)
        lines.add(result.stderr)
    assert len(lines) == 1, lines
    (line,) = lines
    if design.is_file() and str(design).endswith(".yaml"):
        try:  # what a notebook's Save does with the same data
            saved = yamlio.load_file(design)
        except PipekitError:
            return  # the file is not even YAML: the notebook cannot open it either
        copy = tmp_path / "pipeline.yaml"
        copy.write_bytes(design.read_bytes())
        with pytest.raises(PipekitError) as refused:
            save_design(copy, saved if isinstance(saved, dict) else {"_": saved})
        if isinstance(saved, dict):
            assert line.endswith(str(refused.value).removeprefix(str(copy)) + "\n")
        assert copy.read_bytes() == design.read_bytes()


def test_the_corpus_is_big_enough() -> None:
    groups: dict[str, set[str]] = {}
    for case in CASES:
        groups.setdefault(case.group, set()).add(case.name)
    assert sum(len(names) for names in groups.values()) >= 40
    assert set(groups) == {"yaml", "types", "names", "commands", "outputs", "workflows", "args", "repo"}
    on_disk = {p.stem for p in (HERE / "designs").glob("*.yaml")} | {
        p.stem for p in (HERE / "workflows").glob("*.yml")
    }
    used = {_input_file(case).stem for case in CASES} | {"ok-commands", "ok-commands-poetry", "ok-markers"}
    assert on_disk <= used, f"inputs no case uses: {sorted(on_disk - used)}"


@pytest.mark.parametrize(
    ("command", "case_name"),
    [
        ("plan", "type-unknown-runner"),
        ("render", "cmd-benchmark-expression"),
        ("check", "type-matrix-too-big"),
        ("expand", "wf-too-big"),
    ],
)
def test_debug_shows_the_traceback(
    command: str,
    case_name: str,
    tmp_path: Path,
    default_files: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = next(c for c in CASES if c.name == case_name and c.command == command)
    out = tmp_path / "out"
    populate(out, default_files)
    result = run_in_process(["--debug", *argv_for(case, _input_file(case), out)], capsys)
    assert result.code == 2
    assert result.stderr.startswith("Traceback (most recent call last):")
    last = result.stderr.splitlines()[-1]
    assert last.startswith("pipekit: error: ") and case.spec["message"] in last


# ------------------------------------------------------------------------------ what reaches run: scripts


def _rendered(design: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """Render through the CLI, then read the files back."""
    out = tmp_path / design.stem
    result = run_in_process(["render", "--design", str(design), "--out", str(out)], capsys)
    assert result.code == 0, result.stderr
    return {path.name: path.read_text(encoding="utf-8") for path in out.iterdir() if path.suffix == ".yaml"}


def _steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def _step(workflow: dict[str, Any], job_id: str, name: str) -> dict[str, Any]:
    (found,) = [step for job, step in _steps(workflow) if job == job_id and step.get("name") == name]
    return found


def _script(command: str) -> str:
    return command if command.endswith("\n") else command + "\n"


def test_user_commands_are_emitted_exactly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    design_path = HERE / "designs" / "ok-commands.yaml"
    commands = yaml.safe_load(design_path.read_text())
    deploy_commands, benchmark = commands["deploy"]["commands"], commands["test"]["benchmark"]["command"]
    files = _rendered(design_path, tmp_path, capsys)
    # Both readers: GitHub's YAML 1.2 (pipekit's reader) and a YAML 1.1 one must see the same text.
    for reader in (yamlio.loads, yaml.safe_load):
        deploy = reader(files["deploy.yaml"])
        for job_id in ("preview", "staging", "production"):
            assert _step(deploy, job_id, "Deploy")["run"] == _script(deploy_commands["deploy"])
            assert _step(deploy, job_id, "Smoke tests")["run"] == _script(deploy_commands["smoke"])
            assert _step(deploy, f"{job_id}-rollback", "Roll back")["run"] == _script(
                deploy_commands["rollback"]
            )
            # The health command is retried by a fixed loop; it travels in env:, exactly as written.
            health = _step(deploy, job_id, "Health check")
            assert health["env"]["HEALTH_COMMAND"] == _script(deploy_commands["health"])
        assert _step(deploy, "preview-teardown", "Tear down")["run"] == _script(deploy_commands["teardown"])
        test = reader(files["test.yaml"])
        assert _step(test, "benchmark", "Run benchmarks")["run"] == _script(benchmark)
    # Several lines are a literal block: what the user wrote, line by line, under `run: |`.
    text = files["deploy.yaml"]
    assert "run: |\n" in text
    for line in deploy_commands["deploy"].splitlines():
        assert f"\n          {line}\n" in text


def test_benchmark_command_runs_inside_poetry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    design_path = HERE / "designs" / "ok-commands-poetry.yaml"
    command = yaml.safe_load(design_path.read_text())["test"]["benchmark"]["command"]
    test = yamlio.loads(_rendered(design_path, tmp_path, capsys)["test.yaml"])
    # The project's Poetry environment is activated first, so every line of the command runs in it.
    assert (
        _step(test, "benchmark", "Run benchmarks")["run"]
        == f'. "$(poetry env info --path)/bin/activate"\n{command}'
    )
    assert command.count("\n") == 2


MARKER_DESIGNS = ("yaml-empty", "ok-markers", "ok-commands", "ok-commands-poetry")


def _runs(files: dict[str, str]) -> Iterator[tuple[str, str]]:
    for name, text in files.items():
        for job_id, step in _steps(yamlio.loads(text)):
            if "run" in step:
                yield f"{name}: jobs.{job_id}: {step.get('name')}", step["run"]


def test_no_expression_and_no_design_string_reaches_a_run_script(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    markers = yaml.safe_load((HERE / "designs" / "ok-markers.yaml").read_text())
    design_strings = [
        markers["build"]["registry"],
        markers["build"]["image"],
        markers["build"]["scan"]["category"],
        *(markers["security"][scanner]["category"] for scanner in ("trivy", "bandit", "gitleaks")),
        *(
            markers["deploy"][target][key]
            for target in ("staging", "production", "preview")
            for key in ("environment", "url")
        ),
        "zq",  # every marker starts so: no fragment of one either
    ]
    # A category also names its SARIF file: a validated name, one shell word, the only use allowed.
    sarif_files = [f"{markers['security'][scanner]['category']}.sarif" for scanner in ("trivy", "bandit")]
    scripts = 0
    for name in MARKER_DESIGNS:
        files = _rendered(HERE / "designs" / f"{name}.yaml", tmp_path, capsys)
        for where, script in _runs(files):
            scripts += 1
            assert "${{" not in script, f"{name}: {where}: an expression inside run:"
            for sarif in sarif_files:
                script = script.replace(f" {shlex.quote(sarif)} ", " ")
            for value in design_strings:
                assert value not in script, f"{name}: {where}: {value!r} inside run:"
        if name == "ok-markers":
            # The values are there, in env:, with: and environment: where GitHub passes them on.
            everything = "".join(files.values())
            assert all(value in everything for value in design_strings)
    assert scripts > 40
