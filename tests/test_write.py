"""Writing generated files: atomic, all or nothing, only owned files, never through a stray link."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from pipekit import files, yamlio
from pipekit import write as output
from pipekit.design import Design, design_from_data
from pipekit.errors import OutputError
from pipekit.render.blocks import header

from .hostile.support import snapshot


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()
    }


def test_writes_files_and_keeps_their_mode(tmp_path: Path) -> None:
    (tmp_path / "test.yaml").write_text("old\n")
    (tmp_path / "test.yaml").chmod(0o600)
    written = output.write_files(tmp_path, {"test.yaml": "new\n", "build.yaml": "b\n"})
    assert [p.name for p in written] == ["test.yaml", "build.yaml"]
    assert (tmp_path / "test.yaml").read_text() == "new\n"
    assert (tmp_path / "test.yaml").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build.yaml", "test.yaml"]


def test_a_file_that_already_matches_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "test.yaml").write_text("same\n")
    os.utime(tmp_path / "test.yaml", (1_000_000, 1_000_000))
    written = output.write_files(tmp_path, {"test.yaml": "same\n", "build.yaml": "b\n"})
    assert [p.name for p in written] == ["build.yaml"]
    assert (
        tmp_path / "test.yaml"
    ).stat().st_mtime == 1_000_000  # not rewritten: make and editors see no change
    written = output.write_files(tmp_path, {"test.yaml": "changed\n"})
    assert [p.name for p in written] == ["test.yaml"]
    assert (tmp_path / "test.yaml").read_text() == "changed\n"


@pytest.mark.parametrize("name", ["../escape.yaml", "notes.txt", "sub/test.yaml"])
def test_only_owned_files(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError, match="pipekit only writes its own files"):
        output.write_files(tmp_path, {name: "x"})


def test_out_dir_problems(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(OutputError, match="must be a folder, but this is a file"):
        output.write_files(a_file, {"test.yaml": "x"})
    with pytest.raises(OutputError, match=r"parent folder .* does not exist"):
        output.write_files(tmp_path / "a" / "b", {"test.yaml": "x"})


def test_symlink_outside_the_folder_is_refused(tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside.yaml"
    out.mkdir()
    outside.write_text("precious\n")
    (out / "test.yaml").symlink_to(outside)
    with pytest.raises(OutputError, match=r"symbolic link .* outside the output folder"):
        output.write_files(out, {"test.yaml": "x"})
    assert outside.read_text() == "precious\n"


def test_a_failed_rename_puts_every_file_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "test.yaml").write_text("old test\n")
    (tmp_path / "build.yaml").write_text("old build\n")
    before = _hashes(tmp_path)
    real_replace = os.replace
    calls = []

    def failing_replace(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(
        OutputError, match=r"cannot write \(No space left on device\); existing files were left as they were"
    ):
        output.write_files(tmp_path, {"test.yaml": "new\n", "build.yaml": "new\n", "deploy.yaml": "new\n"})
    assert _hashes(tmp_path) == before  # no temporaries left, no new file, old contents back


def test_concurrent_writes_leave_complete_files(tmp_path: Path) -> None:
    texts = {f"writer {n}": (f"# writer {n}\n" + "x" * 200_000 + "\n") for n in range(4)}
    errors: list[BaseException] = []

    def write(text: str) -> None:
        try:
            for _ in range(5):
                output.write_files(tmp_path, {"test.yaml": text, "build.yaml": text})
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(text,)) for text in texts.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert (tmp_path / "test.yaml").read_text() in texts.values()
    assert (tmp_path / "build.yaml").read_text() in texts.values()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build.yaml", "test.yaml"]


# ---------------------------------------------------------------------------------- into a repository


def _generated(name: str, body: str = "jobs: {}\n") -> str:
    """A file as pipekit writes it: its header (render/blocks.header), then the content."""
    return yamlio.dumps({"body": body}, header=header(Design(), "pipeline.yaml", name))


def _repo(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text("the team's own file\n")
    return repo, files.repo_paths(repo)


def test_writes_workflows_under_github_and_gitleaks_at_the_root(tmp_path: Path) -> None:
    repo, paths = _repo(tmp_path)
    texts = {"test.yaml": _generated("test.yaml"), ".gitleaks.toml": _generated(".gitleaks.toml")}
    done = output.write_repo(repo, paths, texts)
    assert done.written == (repo / ".github/workflows/test.yaml", repo / ".gitleaks.toml")
    assert (repo / ".github/workflows/test.yaml").read_text() == texts["test.yaml"]
    assert (repo / ".gitleaks.toml").read_text() == texts[".gitleaks.toml"]
    again = output.write_repo(repo, paths, texts)
    assert again.written == () and len(again.unchanged) == 2


def test_a_file_pipekit_did_not_generate_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    repo, paths = _repo(tmp_path)
    workflows = repo / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "build.yaml").write_text("name: our own build\n")
    (repo / ".gitleaks.toml").write_text("# our own rules\n")
    before = snapshot(tmp_path)
    texts = {name: _generated(name) for name in ("test.yaml", "build.yaml", ".gitleaks.toml")}
    with pytest.raises(OutputError) as refused:
        output.write_repo(repo, paths, texts)
    assert str(refused.value) == (
        f"{workflows / 'build.yaml'}, {repo / '.gitleaks.toml'}: not generated by pipekit (no pipekit header "
        "at the top); nothing was written; move them aside, or pass --force to overwrite them"
    )
    assert snapshot(tmp_path) == before
    done = output.write_repo(repo, paths, texts, force=True)
    assert set(done.written) == {workflows / "test.yaml", workflows / "build.yaml", repo / ".gitleaks.toml"}
    assert (workflows / "build.yaml").read_text() == texts["build.yaml"]


def test_no_folder_is_created_when_the_write_is_refused(tmp_path: Path) -> None:
    repo, paths = _repo(tmp_path)
    (repo / ".gitleaks.toml").write_text("# our own rules\n")
    before = snapshot(tmp_path)
    with pytest.raises(OutputError, match="not generated by pipekit"):
        output.write_repo(repo, paths, {name: _generated(name) for name in ("test.yaml", ".gitleaks.toml")})
    assert snapshot(tmp_path) == before
    assert not (repo / ".github").exists()


def test_a_generated_file_the_design_dropped_is_removed_a_users_is_kept(tmp_path: Path) -> None:
    repo, paths = _repo(tmp_path)
    workflows = repo / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "build.yaml").write_text(_generated("build.yaml"))  # build was on, now it is off
    (workflows / "deploy.yaml").write_text("name: the team's deploy\n")  # same name, the team's file
    (workflows / "ci.yaml").write_text("name: not a name pipekit uses\n")
    done = output.write_repo(repo, paths, {"test.yaml": _generated("test.yaml")})
    assert done.removed == (workflows / "build.yaml",)
    assert done.kept == (workflows / "deploy.yaml",)
    assert sorted(p.name for p in workflows.iterdir()) == ["ci.yaml", "deploy.yaml", "test.yaml"]
    assert (workflows / "deploy.yaml").read_text() == "name: the team's deploy\n"


def test_a_link_by_a_dropped_files_name_is_kept(tmp_path: Path) -> None:
    repo, paths = _repo(tmp_path)
    workflows = repo / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "build.yaml").symlink_to("build.yaml")  # a loop: not a file, nothing to remove
    (repo / ".gitleaks.toml").write_text(_generated(".gitleaks.toml"))
    (workflows / "deploy.yaml").symlink_to(repo / ".gitleaks.toml")
    done = output.write_repo(repo, paths, {"test.yaml": _generated("test.yaml")})
    assert done.removed == (repo / ".gitleaks.toml",)
    assert done.kept == (workflows / "build.yaml", workflows / "deploy.yaml")
    assert (workflows / "deploy.yaml").is_symlink() and (workflows / "build.yaml").is_symlink()


def test_a_link_that_loops_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "test.yaml").symlink_to("test.yaml")
    with pytest.raises(OutputError, match=r"test\.yaml: is a symbolic link that loops; remove the link$"):
        output.write_files(tmp_path, {"test.yaml": "x"})


CHECKED = design_from_data(
    {"version": 1, "test": {"design_check": {"enabled": True, "requirement": "pipekit==0.1.0"}}}
)


@pytest.mark.parametrize(
    ("head", "generated"),
    [
        pytest.param(_generated("test.yaml"), True, id="as pipekit writes it"),
        pytest.param(_generated("build.yaml"), True, id="the header of another generated file"),
        pytest.param(
            yamlio.dumps({"x": 1}, header=header(CHECKED, "pipeline.yaml", "test.yaml")),
            True,
            id="the header of a design whose CI runs the check",
        ),
        pytest.param(
            "# Generated by pipekit from pipeline.yaml; do not edit by hand.\n"
            "# Change the design, then regenerate: pipekit render --design pipeline.yaml\n"
            "# CI runs `pipekit check` to prove this file (test.yaml) matches the design.\n",
            True,
            id="the header of an older release",
        ),
        pytest.param(_generated("test.yaml").replace("\n", "\r\n"), True, id="CRLF line ends"),
        pytest.param("\ufeff" + _generated("test.yaml"), True, id="a byte order mark"),
        pytest.param("name: x\n" + _generated("test.yaml"), False, id="the header further down"),
        pytest.param(_generated("test.yaml").split("\n", 1)[1], False, id="part of the header"),
        pytest.param("# Generated by pipekit\nname: x\n", False, id="a line that looks like it"),
        pytest.param("", False, id="empty"),
    ],
)
def test_what_counts_as_generated_by_pipekit(head: str, generated: bool) -> None:
    assert output.generated_by_pipekit(head.encode("utf-8")) is generated


def test_a_github_folder_leading_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    repo, paths = _repo(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "workflows").mkdir(parents=True)
    (repo / ".github").symlink_to(elsewhere)
    before = snapshot(tmp_path)
    with pytest.raises(OutputError, match=r"workflows: leads to .*/elsewhere/workflows, outside"):
        output.write_repo(repo, paths, {"test.yaml": _generated("test.yaml")})
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (
            lambda repo: (repo / ".github").write_text("x"),
            r"\.github: is a file; pipekit needs a folder",
        ),
        (lambda repo: repo.rmdir(), r"repo: no such folder; --repo takes the root of an existing repository"),
        (lambda repo: (repo / ".github").symlink_to("nowhere"), r"\.github: is a symbolic link to nothing"),
    ],
)
def test_repository_layout_problems(tmp_path: Path, setup: Callable[[Path], object], message: str) -> None:
    repo, paths = _repo(tmp_path)
    (repo / "README.md").unlink()
    setup(repo)
    with pytest.raises(OutputError, match=message):
        output.write_repo(repo, paths, {"test.yaml": _generated("test.yaml")})


def test_a_failed_rename_puts_back_written_and_removed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, paths = _repo(tmp_path)
    workflows = repo / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "test.yaml").write_text(_generated("test.yaml", "old\n"))
    for name in ("build.yaml", "deploy.yaml"):  # both dropped from the design: both to be removed
        (workflows / name).write_text(_generated(name))
    (workflows / "build.yaml").chmod(0o640)
    before = snapshot(tmp_path)
    real_replace = os.replace
    calls: list[str] = []

    def failing_replace(src: str, dst: str) -> None:
        calls.append(str(dst))
        if len(calls) == 4:  # test.yaml and .gitleaks.toml written, build.yaml moved aside, then deploy.yaml
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    texts = {"test.yaml": _generated("test.yaml", "new\n"), ".gitleaks.toml": _generated(".gitleaks.toml")}
    with pytest.raises(OutputError, match=r"cannot write \(Input/output error\); existing files were left"):
        output.write_repo(repo, paths, texts)
    assert calls[2].endswith(".removed") and calls[3].endswith(".removed")
    assert snapshot(tmp_path) == before  # contents back, the removed file back, no temporaries
    assert (workflows / "build.yaml").stat().st_mode & 0o777 == 0o640


def test_a_dropped_file_another_writer_removed_first_is_removed_all_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two notebooks applying one design at once both remove the file it turned off; the second finds
    it gone, and that is what it wanted."""
    repo, paths = _repo(tmp_path)
    workflows = repo / ".github" / "workflows"
    workflows.mkdir(parents=True)
    build = workflows / "build.yaml"
    build.write_text(_generated("build.yaml"))
    real_aside = output._aside

    def other_writer_first(target: Path) -> Path:
        aside = real_aside(target)
        target.unlink()  # the other notebook's removal lands between the look and the move
        return aside

    monkeypatch.setattr(output, "_aside", other_writer_first)
    done = output.write_repo(repo, paths, {"test.yaml": _generated("test.yaml")})
    assert done.removed == (build,)
    assert sorted(path.name for path in workflows.iterdir()) == ["test.yaml"]  # no temporaries left
