"""The notebook panels without a browser: set widget values in Python, read the previews."""

from __future__ import annotations

import copy
import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pipekit import cli, widgets, yamlio
from pipekit.commands.render import render_design
from pipekit.cost.plan import plan_design
from pipekit.design import Trigger, design_from_data, load_design
from pipekit.errors import DesignError, PipekitError
from pipekit.notebook.controls import Control
from pipekit.wording import usd
from pipekit.write import write_files

from ..repo.fixtures import commit_all, write

DESIGN = Path(__file__).resolve().parents[2] / "pipeline.yaml"


def control(panel: widgets.Panel, *path: str) -> Control:
    return next(item for item in panel.controls if item.path == path)


def shown(panel: widgets.Panel, key: str) -> str:
    """The text of a figure box, tags stripped: what a reader sees, without the change from the saved
    design (test_shared_design checks that)."""
    value = re.sub(r'<span class="pipekit-delta".*?</span>', "", panel.figure_boxes[key].value)
    return re.sub(r"<[^>]+>", "", value).strip()


def expected(data: dict[str, Any], workflow: str, trigger: Trigger = "pull_request") -> tuple[int, str]:
    """Job count and USD per run of one workflow, computed by the library from plain data."""
    plan = plan_design(design_from_data(data))
    run = next(wf for wf in plan.trigger(trigger).workflows if wf.workflow == f"{workflow}.yaml")
    return run.jobs, usd(run.cost.usd)


def default_data() -> dict[str, Any]:
    data: dict[str, Any] = yamlio.load_file(DESIGN)
    return data


@pytest.mark.parametrize("name", sorted(widgets.PAGES))
def test_every_panel_shows_the_plan_of_the_design(name: str, out_dir: Path) -> None:
    panel = widgets.open_panel(name, DESIGN, out_dir)
    assert panel.error is None
    plan = plan_design(load_design(DESIGN))
    run = plan.trigger("pull_request")
    if panel.workflow is None:
        jobs, cost = len(run.cost.jobs), run.cost.usd
    else:
        # a workflow that starts no job on pull requests (deploy.yaml without previews) shows zero
        wf = next((wf for wf in run.workflows if wf.workflow == f"{panel.workflow}.yaml"), None)
        jobs, cost = (wf.jobs, wf.cost.usd) if wf else (0, Decimal(0))
    assert shown(panel, "job-count") == f"{jobs} job{'s' if jobs != 1 else ''}"
    assert shown(panel, "usd-run") == f"{usd(cost)} per run"
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("pipekit: ")


def test_removing_an_os_updates_every_figure_at_once(out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(DESIGN, out_dir)
    before = {key: box.value for key, box in panel.figure_boxes.items()}
    control(panel, "test", "matrix", "os").source.value = ("ubuntu-latest", "windows-latest")
    data = default_data()
    data["test"]["matrix"]["os"] = ["ubuntu-latest", "windows-latest"]
    jobs, cost = expected(data, "test")
    # 12 legs, lint, benchmark, passed and the report
    assert shown(panel, "job-count") == f"{jobs} job{'s' if jobs != 1 else ''}" == "16 jobs"
    assert shown(panel, "usd-run") == f"{cost} per run"
    assert all(panel.figure_boxes[key].value != value for key, value in before.items())
    assert "12 matrix legs" in panel.extra_box.value
    assert "macos-latest" not in panel.yaml_boxes["test.yaml"].value


def test_runner_labels_are_tags_in_the_order_the_user_gives(out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(DESIGN, out_dir)
    labels = control(panel, "test", "matrix", "os")
    assert "ubuntu-24.04-arm" in labels.source.allowed_tags  # suggested as the user types
    labels.source.value = ["windows-latest", "ubuntu-latest"]
    assert panel.session.get(("test", "matrix", "os")) == ["windows-latest", "ubuntu-latest"]


def test_a_comma_separates_tags_and_a_trailing_one_is_dropped(out_dir: Path) -> None:
    panel = widgets.license_panel(DESIGN, out_dir)
    allow = control(panel, "license", "allow")
    allow.source.value = [*allow.source.value, "NCSA, Artistic-2.0,"]
    assert allow.source.value[-2:] == ["NCSA", "Artistic-2.0"]
    assert panel.session.get(("license", "allow"))[-2:] == ["NCSA", "Artistic-2.0"]


def test_python_versions_are_checkboxes_in_version_order(out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(DESIGN, out_dir)
    versions = control(panel, "test", "matrix", "python-version")
    grid = versions.source
    assert list(grid.options) == ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14"]
    boxes = {box.description: box for box in grid.children}
    boxes["3.10"].value = True  # one click ticks one box; the others stay ticked
    assert panel.session.get(("test", "matrix", "python-version")) == ["3.10", "3.11", "3.12"]
    boxes["3.12"].value = False
    assert panel.session.get(("test", "matrix", "python-version")) == ["3.10", "3.11"]
    data = default_data()
    data["test"]["matrix"]["python-version"] = ["3.10", "3.11"]
    assert shown(panel, "job-count") == f"{expected(data, 'test')[0]} jobs"


def test_a_saved_value_outside_the_choices_gets_its_own_box(out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(DESIGN, out_dir)
    versions = control(panel, "test", "matrix", "python-version")
    versions.show(["3.8", "3.11"])
    assert list(versions.source.options)[:2] == ["3.8", "3.9"]
    assert [box.description for box in versions.source.children if box.value] == ["3.8", "3.11"]


def test_an_invalid_choice_shows_the_library_error_not_a_traceback(out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(DESIGN, out_dir)
    control(panel, "test", "matrix", "os").source.value = ()
    message = panel.error_box.value
    assert "test.matrix.os" in message and "Traceback" not in message
    assert panel.save_button.disabled and panel.write_button.disabled
    with pytest.raises(DesignError, match=r"test\.matrix\.os"):
        panel.write_workflows()
    control(panel, "test", "matrix", "os").source.value = ("ubuntu-latest",)
    assert panel.error_box.value == "" and not panel.write_button.disabled


def test_include_entries_are_yaml_with_errors_inline(out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(DESIGN, out_dir)
    include = control(panel, "test", "matrix", "include")
    include.source.value = "- {python-version: '3.13', os: ubuntu-latest"
    assert "YAML syntax error" in include.error.value
    assert "test.matrix.include" in panel.error_box.value
    assert panel.write_button.disabled
    include.source.value = "- {python-version: '3.13', os: ubuntu-latest, mode: basic}"
    assert include.error.value == "" and panel.error is None
    assert shown(panel, "job-count") == "23 jobs"
    assert "19 matrix legs" in panel.extra_box.value


def test_a_wrong_include_entry_gets_the_design_error(out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(DESIGN, out_dir)
    control(panel, "test", "matrix", "include").source.value = "- os: [a, b]"
    assert "test.matrix.include[0].os" in panel.error_box.value


def test_save_keeps_comments_and_writes_only_changes(design_file: Path, out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(design_file, out_dir)
    control(panel, "test", "matrix", "os").source.value = ("ubuntu-latest",)
    control(panel, "billing", "runs_per_month", "push").source.value = 55
    panel.save_button.click()
    assert panel.status.value == f"saved {design_file}"
    text = design_file.read_text(encoding="utf-8")
    assert "    os: [ubuntu-latest]\n" in text
    assert "    push: 55                      # pushes to main\n" in text
    saved = load_design(design_file)
    assert saved.test.matrix.os == ("ubuntu-latest",) and saved.billing.runs_per_month["push"] == 55
    panel.save_button.click()
    assert "already holds this design" in panel.status.value


def test_write_renders_the_files_as_pipekit_render_does(out_dir: Path) -> None:
    panel = widgets.security_panel(DESIGN, out_dir)
    assert "does not exist yet" in panel.diff_boxes["security.yaml"].value
    panel.write_button.click()
    assert sorted(p.name for p in out_dir.iterdir()) == [".gitleaks.toml", "security.yaml"]
    rendered = render_design(str(DESIGN))
    for name in (".gitleaks.toml", "security.yaml"):
        assert (out_dir / name).read_text(encoding="utf-8") == rendered[name]
        assert "up to date" in panel.diff_boxes[name].value
    assert panel.status.value.startswith("wrote ")


def test_the_diff_shows_what_a_change_does_to_the_file_on_disk(out_dir: Path) -> None:
    write_files(out_dir, render_design(str(DESIGN)))
    panel = widgets.build_panel(DESIGN, out_dir)
    assert "up to date" in panel.diff_boxes["build.yaml"].value
    control(panel, "build", "platforms_push").source.value = ("linux/amd64",)
    diff = panel.diff_boxes["build.yaml"].value
    assert "(on disk)" in diff and "linux/amd64,linux/arm64" in diff


def test_overrides_apply_before_the_widgets(out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(DESIGN, out_dir, {"test.matrix.os": ["ubuntu-latest"]})
    assert control(panel, "test", "matrix", "os").source.value == ["ubuntu-latest"]
    data = default_data()
    data["test"]["matrix"]["os"] = ["ubuntu-latest"]
    assert shown(panel, "job-count") == f"{expected(data, 'test')[0]} jobs"


def test_the_trigger_choice_switches_the_figures(out_dir: Path) -> None:
    panel = widgets.deploy_panel(DESIGN, out_dir)
    assert shown(panel, "job-count") == "0 jobs"  # the reference design has no previews
    panel.trigger.value = "push"
    assert shown(panel, "job-count") == "2 jobs"  # staging, then production


def test_billing_inputs_change_the_cost(out_dir: Path) -> None:
    panel = widgets.overview_panel(DESIGN, out_dir)
    control(panel, "billing", "visibility").source.value = "public"
    assert shown(panel, "usd-run") == "$0.00 per run"  # standard runners are free for public repositories
    control(panel, "billing", "visibility").source.value = "private"
    month = shown(panel, "usd-month")
    control(panel, "billing", "runs_per_month", "pull_request").source.value = 320
    assert shown(panel, "usd-month") != month


def test_scanner_toggles_and_code_security(out_dir: Path) -> None:
    panel = widgets.security_panel(DESIGN, out_dir)
    jobs = shown(panel, "job-count")
    control(panel, "security", "bandit", "enabled").source.value = False
    assert shown(panel, "job-count") != jobs
    # dependency review runs on a private repository only with GitHub Code Security
    before = shown(panel, "job-count")
    control(panel, "security", "code_security").source.value = True
    assert shown(panel, "job-count") != before
    assert panel.error is None


def test_preview_deployments_toggle_and_license_tags(out_dir: Path) -> None:
    deploy = widgets.deploy_panel(DESIGN, out_dir, {"deploy.commands.teardown": "./teardown.sh"})
    assert shown(deploy, "job-count") == "0 jobs"
    control(deploy, "deploy", "preview").source.value = True
    assert shown(deploy, "job-count") == "1 job"
    control(deploy, "deploy", "preview").source.value = False
    assert shown(deploy, "job-count") == "0 jobs"
    lic = widgets.license_panel(DESIGN, out_dir)
    allow = control(lic, "license", "allow")
    allow.source.value = [*allow.source.value, "0BSD"]
    assert "0BSD" in lic.yaml_boxes["license-compliance.yaml"].value


def test_the_static_report_prints_tables_and_files(out_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    widgets.test_matrix_panel(DESIGN, out_dir).show_report()
    printed = capsys.readouterr().out
    assert "test.yaml: per run, by trigger" in printed
    assert "----- test.yaml -----" in printed and "name: Test" in printed
    assert "does not exist yet" in printed


def test_a_panel_never_edits_the_callers_overrides(out_dir: Path) -> None:
    overrides = {"test.matrix.os": ["ubuntu-latest"]}
    snapshot = copy.deepcopy(overrides)
    panel = widgets.test_matrix_panel(DESIGN, out_dir, overrides)
    control(panel, "test", "matrix", "os").source.value = ("ubuntu-latest", "macos-latest")
    assert overrides == snapshot


def test_figures_agree_with_the_plan_for_a_month() -> None:
    plan = plan_design(load_design(DESIGN))
    from pipekit.notebook.figures import figures

    whole = figures(plan)
    assert whole.usd_per_month == plan.month.gross_usd
    parts = sum(
        (
            figures(plan, wf).usd_per_month
            for wf in ("test", "build", "security", "license-compliance", "deploy")
        ),
        Decimal(0),
    )
    assert parts == plan.month.gross_usd


def test_the_rehearsal_box_waits_and_refuses_a_missing_repository(out_dir: Path) -> None:
    panel = widgets.overview_panel("pipeline.yaml", out_dir)
    box = widgets.rehearsal_box(panel, out_dir / "no-such-repository")
    assert box.text().startswith("Not rehearsed yet")
    assert box.run() is None
    missing = str(out_dir / "no-such-repository")
    assert box.text() == f"error: Repository: {missing!r} is not a folder; give the repository's root"
    assert "is not a folder" in box.output.value
    assert not box.button.disabled
    with pytest.raises(PipekitError, match="rehearse_event: expected one of pull_request, push, schedule"):
        widgets.rehearsal_box(panel, out_dir, "release")


def test_the_rehearsal_box_rehearses_the_panels_workflow(tmp_path: Path) -> None:
    """The button rehearses the design as the widgets hold it, only the panel's own workflow."""
    repo = write(
        tmp_path / "tiny",
        {
            "pyproject.toml": """\
                [project]
                name = "tiny"
                version = "1.0"
                requires-python = ">=3.11"
                dependencies = []
                classifiers = ["Programming Language :: Python :: 3.11"]

                [build-system]
                requires = ["setuptools>=68"]
                build-backend = "setuptools.build_meta"
                """,
            "src/tiny/__init__.py": "VALUE = 1\n",
        },
    )
    commit_all(repo)
    assert cli.main(["init", "--repo", str(repo)]) == 0
    panel = widgets.license_panel(repo / "pipeline.yaml", tmp_path / "out")
    box = widgets.rehearsal_box(panel, repo)
    report = box.run()
    assert report is not None
    assert {job.workflow for job in report.jobs} == {"license-compliance.yaml"}
    assert not report.failed
    assert "license-compliance.yaml  dependencies: passed" in box.text()
    assert "summary:" in box.output.value


def test_every_estimate_the_figures_rest_on_is_a_control_with_its_value_in_force(out_dir: Path) -> None:
    design = load_design(DESIGN)
    plan = plan_design(design)
    for name in widgets.PAGES:
        panel = widgets.open_panel(name, DESIGN, out_dir)
        shown_paths = {item.path for item in panel.controls}
        for run in plan.triggers:
            for job in run.cost.jobs:
                stem = job.job.workflow.removesuffix(".yaml")
                if panel.workflow == stem:
                    assert ("estimates", "minutes", stem, job.job.job) in shown_paths, (name, job.job.name)
    test = widgets.test_matrix_panel(DESIGN, out_dir)
    assert control(test, "estimates", "minutes", "test", "test").source.value == 6.0
    assert control(test, "estimates", "os_factor", "macos").source.value == 1.3
    assert control(test, "estimates", "mode_factor", "enhanced").source.value == 1.2
    build = widgets.build_panel(DESIGN, out_dir)
    # left to the packaged table by the design: the table's assumed factor is shown
    assert control(build, "estimates", "platform_factor", "linux/arm64").source.value == 4.0


def test_editing_an_estimate_moves_the_figures_and_saves_only_that_key(
    design_file: Path, out_dir: Path
) -> None:
    panel = widgets.test_matrix_panel(design_file, out_dir)
    before = shown(panel, "billable-minutes")
    control(panel, "estimates", "os_factor", "macos").source.value = 2.0
    data = default_data()
    data["estimates"]["os_factor"]["macos"] = 2.0
    plan = plan_design(design_from_data(data))
    run = next(wf for wf in plan.trigger("pull_request").workflows if wf.workflow == "test.yaml")
    assert shown(panel, "billable-minutes") == f"{run.cost.billable_minutes} billable minutes" != before
    panel.save_button.click()
    text = design_file.read_text(encoding="utf-8")
    assert "  os_factor: {linux: 1.0, windows: 1.6, macos: 2.0}\n" in text
    assert load_design(design_file).estimates.os_factor["macos"] == 2.0


def test_an_emulation_factor_left_to_the_table_is_written_when_edited(
    design_file: Path, out_dir: Path
) -> None:
    panel = widgets.build_panel(design_file, out_dir)
    control(panel, "estimates", "platform_factor", "linux/arm64").source.value = 2.5
    panel.trigger.value = "push"
    assert (
        shown(panel, "billable-minutes") == f"{math.ceil(11 * (1 + 2.5))} billable minutes"
    )  # rounded up per job
    panel.save_button.click()
    assert dict(load_design(design_file).estimates.platform_factor) == {"linux/arm64": 2.5}


def test_an_estimate_out_of_bounds_is_named_beside_its_control(out_dir: Path) -> None:
    panel = widgets.test_matrix_panel(DESIGN, out_dir)
    lint = control(panel, "estimates", "minutes", "test", "lint")
    lint.source.value = 0.0
    assert "estimates.minutes.test.lint" in panel.error_box.value
    assert lint.error.value and "Traceback" not in lint.error.value
    assert panel.write_button.disabled
    lint.source.value = 3.0
    assert panel.error is None and lint.error.value == ""


def test_the_security_page_counts_the_scheduled_runs_from_the_cron(out_dir: Path) -> None:
    panel = widgets.security_panel(DESIGN, out_dir)
    control(panel, "security", "schedule").source.value = "0 * * * *"  # hourly: 8760 runs a year
    assert "730 scheduled runs a month" in panel.extra_box.value
    panel.trigger.value = "schedule"
    runs = [run for run in panel.figures.runs if run.trigger == "schedule"]
    assert runs[0].runs_per_month == 730
