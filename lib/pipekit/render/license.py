"""license-compliance.yaml: source-file license headers, dependency licenses, and a compliance report.

`headers` (only with a `license.header`) checks that every file the header globs match begins with the
header text; `dependencies` installs what the project ships (its main dependencies and the extras its
test modes install, no dependency group), lists those distributions' licenses with pip-licenses and
checks them against the allow and deny lists: a denied license, one in neither list and a package that
declares none fail, unless `license.exceptions` accepts the package (`render/scripts/license_check.py`
says how a declared license gets its verdict); `report` gathers the jobs' results into one markdown
report, shown as the job summary and kept as an artifact. Design values reach the scripts only through
`env:`.
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
REPORT_SCRIPT = scripts.python("license_report.py", scripts.RUNNER_PYTHON)
FAIL_SCRIPT = scripts.bash("license_compliance_gate.sh")


def check_script(design: Design) -> str:
    return scripts.python("license_check.py", common.script_python(design))


def project_packages_script(design: Design) -> str:
    """Run by the project environment's interpreter: it lists what that environment holds."""
    return scripts.python("project_packages.py", common.project_python(design))


def shipped_extras(design: Design) -> list[str]:
    """The extras the test modes install, each once: what the project ships besides its main dependencies."""
    return list(dict.fromkeys(extra for mode in design.test.modes.values() for extra in mode.extras))


def render(design: Design, design_file: str) -> str | None:
    builders = {"headers": _headers_job, "dependencies": _dependencies_job, "report": _report_job}
    return common.render_workflow(
        design, design_file, "license-compliance", name="License compliance", builders=builders
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
        steps=[
            common.checkout(),
            check,
            common.upload_artifact(design, HEADERS_ARTIFACT, "license-headers.md", overwrite=True),
        ],
    )


def _list_licenses(design: Design) -> str:
    """pip-licenses in an environment of its own, so neither it nor its dependencies are in the table,
    pointed at the project's interpreter."""
    requirement = shlex.quote(tools.requirement("pip-licenses"))
    flags = f"--python {common.project_python(design)} --from=mixed --with-urls --format=json"
    flags += " --output-file licenses.json"
    if design.project.package_manager == "uv":
        return f"uv tool run --from {requirement} pip-licenses {flags}\n"
    return (
        'python -m venv "$RUNNER_TEMP/pip-licenses"\n'
        f'"$RUNNER_TEMP/pip-licenses/bin/python" -m pip install --quiet {requirement}\n'
        f'"$RUNNER_TEMP/pip-licenses/bin/pip-licenses" {flags}\n'
    )


def _dependencies_job(design: Design, spec: JobSpec) -> common.Job:
    license = design.license
    exceptions = "".join(f"{package}: {reason}\n" for package, reason in license.exceptions.items())
    steps = [
        common.checkout(),
        *common.setup_python(design, design.project.python),
        common.install_shipped(design, shipped_extras(design)),
        common.step(
            "Find the packages installed from this repository",
            shell="bash",
            run=project_packages_script(design),
        ),
        common.step("List dependency licenses", shell="bash", run=_list_licenses(design)),
        common.step(
            "Check licenses against the allow and deny lists",
            env={
                "ALLOWED_LICENSES": " ".join(license.allow),
                "DENIED_LICENSES": " ".join(license.deny),
                **({"LICENSE_EXCEPTIONS": exceptions} if exceptions else {}),
            },
            shell="bash",
            run=check_script(design),
        ),
        common.upload_artifact(design, TABLE_ARTIFACT, "licenses.json\nlicenses.md\n", overwrite=True),
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
        for name in ((HEADERS_ARTIFACT, TABLE_ARTIFACT) if "headers" in spec.needs else (TABLE_ARTIFACT,))
    ]
    steps += [
        common.step("Write the compliance report", shell="bash", run=REPORT_SCRIPT),
        common.upload_artifact(design, REPORT_ARTIFACT, "license-compliance-report.md", overwrite=True),
        common.step("Fail when a check failed", shell="bash", run=FAIL_SCRIPT),
    ]
    return common.job(
        name="Compliance report",
        runs_on=spec.runner,
        needs=spec.needs,
        if_="always()",
        timeout=design.license.timeout_minutes,
        perms={},  # reads only this run's artifacts, which needs no token scope
        env={f"{need.upper()}_RESULT": f"${{{{ needs.{need}.result }}}}" for need in spec.needs},
        steps=steps,
    )
