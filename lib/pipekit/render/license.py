"""license-compliance.yaml: source-file license headers, dependency licenses, and a compliance report.

`headers` checks that every file the header globs match contains the header text; `dependencies`
installs the project, lists its installed distributions' licenses with pip-licenses and checks them
against the allow and deny lists (denied fails, in neither list warns; `render/scripts/license_check.py`
says how a declared license gets its verdict); `report` gathers both jobs' results into one markdown
report, shown as the job summary and kept as an artifact. Design values reach the scripts only
through `env:`.
"""

from __future__ import annotations

import shlex

from pipekit.design.model import Design
from pipekit.facts import tools
from pipekit.pipeline.graph import JobSpec
from pipekit.render import blocks as common
from pipekit.render import scripts

HEADERS_ARTIFACT = "license-headers"
TABLE_ARTIFACT = "dependency-licenses"
REPORT_ARTIFACT = "license-compliance-report"

# The header and report jobs set up no Python, so their scripts run on the runner's own.
HEADERS_SCRIPT = scripts.python("license_headers.py", scripts.RUNNER_PYTHON)
CHECK_SCRIPT = scripts.python("license_check.py", scripts.SETUP_PYTHON)
REPORT_SCRIPT = scripts.python("license_report.py", scripts.RUNNER_PYTHON)
FAIL_SCRIPT = scripts.bash("license_compliance_gate.sh")


def render(design: Design, design_file: str) -> str | None:
    builders = {"headers": _headers_job, "dependencies": _dependencies_job, "report": _report_job}
    return common.render_workflow(
        design, design_file, "license-compliance", name="License compliance", builders=builders
    )


def _upload(name: str, path: str) -> common.Step:
    return common.step(
        f"Upload {name}",
        uses_action="actions/upload-artifact",
        if_="always()",
        with_={"name": name, "path": path, "if-no-files-found": "warn", "overwrite": True},
    )


def _headers_job(design: Design, spec: JobSpec) -> common.Job:
    license = design.license
    check = common.step(
        "Check license headers",
        env={"LICENSE_HEADER": license.header, "HEADER_GLOBS": "\n".join(license.header_globs) + "\n"},
        shell="bash",
        run=HEADERS_SCRIPT,
    )
    return common.job(
        name="Source-file license headers",
        runs_on=spec.runner,
        needs=spec.needs,
        timeout=license.timeout_minutes,
        perms=common.permissions(contents=common.READ_CONTENTS),
        steps=[common.checkout(), check, _upload(HEADERS_ARTIFACT, "license-headers.md")],
    )


def _list_licenses(design: Design) -> str:
    # pip-licenses gets its own virtualenv so neither it nor its dependencies show up in the table.
    if design.project.package_manager == "poetry":
        project_python = '"$(poetry env info --executable)"'
    else:
        project_python = '"$(command -v python)"'
    requirement = shlex.quote(tools.requirement("pip-licenses"))
    return (
        'python -m venv "$RUNNER_TEMP/pip-licenses"\n'
        f'"$RUNNER_TEMP/pip-licenses/bin/python" -m pip install --quiet {requirement}\n'
        f'"$RUNNER_TEMP/pip-licenses/bin/pip-licenses" --python {project_python} \\\n'
        "  --from=mixed --with-urls --format=json --output-file licenses.json\n"
    )


def _dependencies_job(design: Design, spec: JobSpec) -> common.Job:
    license = design.license
    steps = [
        common.checkout(),
        *common.setup_python(design, design.project.python),
        common.install(design),
        common.step("List dependency licenses", shell="bash", run=_list_licenses(design)),
        common.step(
            "Check licenses against the allow and deny lists",
            env={
                "ALLOWED_LICENSES": " ".join(license.allow),
                "DENIED_LICENSES": " ".join(license.deny),
            },
            shell="bash",
            run=CHECK_SCRIPT,
        ),
        _upload(TABLE_ARTIFACT, "licenses.json\nlicenses.md\n"),
    ]
    return common.job(
        name="Dependency licenses",
        runs_on=spec.runner,
        needs=spec.needs,
        timeout=license.timeout_minutes,
        perms=common.permissions(contents=common.READ_CONTENTS),
        steps=steps,
    )


def _report_job(design: Design, spec: JobSpec) -> common.Job:
    steps = [
        common.step(
            f"Download {name}",
            uses_action="actions/download-artifact",
            # A job that failed early uploaded nothing; the report says so instead of failing here.
            continue_on_error=True,
            with_={"name": name, "path": "reports"},
        )
        for name in (HEADERS_ARTIFACT, TABLE_ARTIFACT)
    ]
    steps += [
        common.step("Write the compliance report", shell="bash", run=REPORT_SCRIPT),
        _upload(REPORT_ARTIFACT, "license-compliance-report.md"),
        common.step("Fail when a check failed", shell="bash", run=FAIL_SCRIPT),
    ]
    return common.job(
        name="Compliance report",
        runs_on=spec.runner,
        needs=spec.needs,
        if_="always()",
        timeout=design.license.timeout_minutes,
        perms={},  # reads only this run's artifacts, which needs no token scope
        env={
            "HEADERS_RESULT": "${{ needs.headers.result }}",
            "DEPENDENCIES_RESULT": "${{ needs.dependencies.result }}",
        },
        steps=steps,
    )
