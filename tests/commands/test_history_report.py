"""`pipekit history report` and `pipekit history calibrate` on a database built from the recorded history."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipekit.cli import main
from pipekit.history import recorded, store

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "history"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("history") / "history.sqlite"
    with store.open_store(path) as db:
        recorded.load_recorded(db, recorded.read_recorded(FIXTURE / "history.json"))
    return path


def test_report_json_is_the_documented_format(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    design = str(FIXTURE / "design.yaml")
    assert main(["history", "report", "--db", str(database), "--design", design, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"prices_on", "visibility", "definitions", "jobs", "weeks"}
    names = {(row["workflow"], row["job"]) for row in data["jobs"]}
    assert (".github/workflows/test.yaml", "Test (3.12, macos-latest, enhanced)") in names
    assert [week["week"] for week in data["weeks"]] == [
        "2026-10-05",
        "2026-10-12",
        "2026-10-19",
        "2026-10-26",
        "2026-11-02",
    ]
    assert (
        main(
            [
                "history",
                "report",
                "--db",
                str(database),
                "--design",
                design,
                "--since",
                "2026-10-26",
                "--json",
            ]
        )
        == 0
    )
    assert [week["week"] for week in json.loads(capsys.readouterr().out)["weeks"]] == [
        "2026-10-26",
        "2026-11-02",
    ]


def test_report_text_names_every_workflow(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "report", "--db", str(database), "--design", str(FIXTURE / "design.yaml")]) == 0
    out = capsys.readouterr().out
    for name in ("test", "build", "security", "license-compliance", "deploy"):
        assert f".github/workflows/{name}.yaml\n" in out


def test_a_missing_database_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "report", "--db", str(tmp_path / "none.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "none.sqlite: no history database here; run `pipekit history fetch` first" in err
    assert not (tmp_path / "none.sqlite").exists()  # reading never creates one


def test_calibrate_prints_before_and_after_and_writes_only_with_write(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = tmp_path / "design.yaml"
    shutil.copyfile(FIXTURE / "design.yaml", design)
    original = design.read_bytes()
    assert main(["history", "calibrate", "--db", str(database), "--design", str(design)]) == 0
    out = capsys.readouterr().out
    assert "Per job: the median minutes it took, and the estimate before and after calibrating" in out
    assert "override test.test where os: windows-latest, mode: production" in out
    assert "the design has no keys for these rates" in out
    assert design.read_bytes() == original
    assert main(["history", "calibrate", "--db", str(database), "--design", str(design), "--write"]) == 0
    assert "the fitted estimates are saved" in capsys.readouterr().out
    assert design.read_bytes() != original


def test_the_recorded_history_imports_like_its_loader(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imported = tmp_path / "imported.sqlite"
    assert main(["history", "import", "--db", str(imported), str(FIXTURE / "history.json")]) == 0
    assert "83 runs, 591 jobs" in capsys.readouterr().out
    with store.open_store(imported) as mine, store.open_store(database) as loaded:
        assert mine.runs() == loaded.runs()
        assert mine.jobs() == loaded.jobs()
        assert list(mine.artifact_files()) == list(loaded.artifact_files())


def test_calibrate_on_a_window_without_runs_says_so_in_one_line(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = str(FIXTURE / "design.yaml")
    code = main(["history", "calibrate", "--db", str(database), "--design", design, "--since", "2030-01-01"])
    assert code == 1
    err = capsys.readouterr().err
    assert (
        err.startswith("pipekit history calibrate: no runs in the database for this window")
        and err.count("\n") == 1
    )
