"""The file commands as the runner reads them (actions/runner src/Runner.Worker/FileCommandManager.cs,
EnvFileKeyValuePairs and AddPathFileCommand; its tests in src/Test/L0/Worker/FileCommandManagerL0.cs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipekit.rehearse import file_commands
from pipekit.rehearse.file_commands import FileCommandError, pairs


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "set_env"
    path.write_text(text, encoding="utf-8")
    return path


def test_name_value_lines_split_at_the_first_equals(tmp_path: Path) -> None:
    assert pairs(_file(tmp_path, "A=1\nB=x=y\n\nC=\n")) == [("A", "1"), ("B", "x=y"), ("C", "")]


def test_heredocs_keep_their_lines_without_the_last_newline(tmp_path: Path) -> None:
    text = "NOTES<<EOF\nfirst\n\nthird=3\nEOF\nAFTER=1\n"
    assert pairs(_file(tmp_path, text)) == [("NOTES", "first\n\nthird=3"), ("AFTER", "1")]
    # whichever of = and << comes first decides the form
    assert pairs(_file(tmp_path, "A=b<<c\n")) == [("A", "b<<c")]
    assert pairs(_file(tmp_path, "A<<=\nvalue\n=\n")) == [("A", "value")]


def test_an_empty_heredoc_is_an_empty_value(tmp_path: Path) -> None:
    assert pairs(_file(tmp_path, "A<<EOF\nEOF\n")) == [("A", "")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A<<EOF\nnever closed\n", "Matching delimiter not found 'EOF'"),
        ("A<<EOF\nvalue", "EOF marker missing new line"),
        ("<<EOF\nx\nEOF\n", "Name must not be empty and delimiter must not be empty"),
        ("no separator\n", "Invalid format 'no separator'"),
    ],
)
def test_malformed_files_fail_the_step_with_the_runners_words(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(FileCommandError, match=message):
        pairs(_file(tmp_path, text))


def test_a_step_cannot_set_node_options_and_paths_skip_blank_lines(tmp_path: Path) -> None:
    files = file_commands.prepare(tmp_path / "commands", 3)
    Path(files["GITHUB_ENV"]).write_text("node_options=--inspect\nKEPT=yes\n", encoding="utf-8")
    Path(files["GITHUB_PATH"]).write_text("/opt/one\n\n/opt/two\n", encoding="utf-8")
    Path(files["GITHUB_OUTPUT"]).write_text("found=true\n", encoding="utf-8")
    Path(files["GITHUB_STEP_SUMMARY"]).write_text("# Report\n", encoding="utf-8")
    written = file_commands.read(files)
    assert written.env == {"KEPT": "yes"}
    assert written.refused == ["node_options"]
    assert written.path == ["/opt/one", "/opt/two"]
    assert written.outputs == {"found": "true"}
    assert written.summary == "# Report\n"
    # each step gets fresh, empty files
    again = file_commands.prepare(tmp_path / "commands", 3)
    assert Path(again["GITHUB_ENV"]).read_text() == ""
