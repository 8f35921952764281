"""license-compliance.yaml: source-file license headers, dependency licenses, and a compliance report.

`headers` checks that every file the header globs match contains the header text; `dependencies`
installs the project, lists its installed distributions' licenses with pip-licenses and checks them
against the allow and deny lists (denied fails, in neither list warns); `report` gathers both jobs'
results into one markdown report, shown as the job summary and kept as an artifact. Design values
reach the scripts only through `env:`.
"""

from __future__ import annotations

import json
import shlex

from pipekit.design.model import Design
from pipekit.facts import tools
from pipekit.pipeline.graph import JobSpec
from pipekit.render import blocks as common

HEADERS_ARTIFACT = "license-headers"
TABLE_ARTIFACT = "dependency-licenses"
REPORT_ARTIFACT = "license-compliance-report"

# Names that packages declare instead of an SPDX id, mapped to the id when the name says exactly one
# license (PyPI trove classifiers, and SPDX ids the SPDX list deprecated). Names that do not ("BSD
# License", "Apache Software License", "GNU General Public License (GPL)") stay as written and are
# reported as in neither list, so a person decides.
SPDX_ALIASES = {
    "MIT License": "MIT",
    "MIT No Attribution License (MIT-0)": "MIT-0",
    "Zero-Clause BSD (0BSD)": "0BSD",
    "ISC License (ISCL)": "ISC",
    "Python Software Foundation License": "PSF-2.0",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "The Unlicense (Unlicense)": "Unlicense",
    "Apache 2.0": "Apache-2.0",
    "Apache License 2.0": "Apache-2.0",
    "Apache License, Version 2.0": "Apache-2.0",
    "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "GNU Affero General Public License v3": "AGPL-3.0-only",
    "GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "GPL-2.0": "GPL-2.0-only",
    "GPL-2.0+": "GPL-2.0-or-later",
    "GPL-3.0": "GPL-3.0-only",
    "GPL-3.0+": "GPL-3.0-or-later",
    "AGPL-3.0": "AGPL-3.0-only",
    "LGPL-2.1": "LGPL-2.1-only",
    "LGPL-2.1+": "LGPL-2.1-or-later",
    "LGPL-3.0": "LGPL-3.0-only",
    "LGPL-3.0+": "LGPL-3.0-or-later",
}

# Markdown and workflow-command escaping shared by the inline scripts: file names and license strings
# come from the repository and from package metadata, so they must not end an annotation or a table cell.
_ESCAPES = """\
def command_text(text, prop=False):
    text = text.replace("%", "%25").replace("\\r", "%0D").replace("\\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def cell(text):
    return html.escape(" ".join(text.split())).replace("|", "&#124;")
"""

HEADERS_SCRIPT = f"""\
python3 - <<'PY'
import glob, html, os, re, sys


{_ESCAPES}

def expand(pattern):
    # glob has no {{a,b}} alternatives; expand them first, as bash does.
    match = re.search(r"\\{{([^{{}}]*)\\}}", pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return [path for alt in match.group(1).split(",") for path in expand(head + alt + tail)]


header = os.environ["LICENSE_HEADER"]
wanted = header.encode()
files = set()
for pattern in os.environ["HEADER_GLOBS"].splitlines():
    found = {{p for alt in expand(pattern) for p in glob.glob(alt, recursive=True) if os.path.isfile(p)}}
    if not found:
        print(f"::warning title=License headers::no file matches {{command_text(pattern)}}")
    files |= found
missing = []
for path in sorted(files):
    with open(path, "rb") as source:
        if wanted not in source.read():
            missing.append(path)
            where = command_text(path, True)
            print(f"::error file={{where}},title=License header::missing the license header")
lines = ["## License headers", "", f"{{len(files)}} files checked for this header:", ""]
lines += ["    " + line for line in header.splitlines()] + [""]
if missing:
    lines += [f"**{{len(missing)}} files lack the header:**", ""]
    lines += [f"- <code>{{cell(path)}}</code>" for path in missing]
else:
    lines.append("Every file has the header.")
text = "\\n".join(lines) + "\\n"
with open("license-headers.md", "w", encoding="utf-8") as out:
    out.write(text)
with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
    summary.write(text)
sys.exit(1 if missing else 0)
PY
"""

CHECK_SCRIPT = f"""\
python - <<'PY'
import html, json, os, re, sys


{_ESCAPES}

ALIASES = {json.dumps({name.lower(): spdx.lower() for name, spdx in SPDX_ALIASES.items()}, indent=4)}


def spdx(name):
    return ALIASES.get(name.strip().lower(), name.strip().lower())


ALLOW = {{spdx(name) for name in os.environ["ALLOWED_LICENSES"].split()}}
DENY = {{spdx(name) for name in os.environ["DENIED_LICENSES"].split()}}
DENIED, UNLISTED, ALLOWED = 0, 1, 2
STATUS = {{DENIED: "denied", UNLISTED: "in neither list", ALLOWED: "allowed"}}


def verdict(name):
    name = spdx(name)
    return DENIED if name in DENY else ALLOWED if name in ALLOW else UNLISTED


def expression(text):
    # An SPDX expression: OR lets us pick the best choice, AND binds us to the worst part; an
    # exception (WITH) never makes a denied license acceptable. Anything else is one license name.
    tokens = re.findall(r"[()]|[^\\s()]+", text)
    if not {{"AND", "OR", "WITH", "(", ")"}} & set(tokens):
        return verdict(text)
    position = 0

    def take():
        nonlocal position
        position += 1
        return tokens[position - 1]

    def peek():
        return tokens[position] if position < len(tokens) else None

    def either():
        value = both()
        while peek() == "OR":
            take()
            value = max(value, both())
        return value

    def both():
        value = one()
        while peek() == "AND":
            take()
            value = min(value, one())
        return value

    def one():
        token = take()
        if token == "(":
            value = either()
            if take() != ")":
                raise ValueError(text)
            return value
        if token in ("AND", "OR", "WITH", ")"):
            raise ValueError(text)
        if peek() == "WITH":
            take()
            take()
        return verdict(token)

    try:
        value = either()
        if peek() is not None:
            raise ValueError(text)
        return value
    except (ValueError, IndexError):
        return verdict(text)


def status(declared):
    # Several classifiers do not say whether they are alternatives, so every one of them must pass.
    return min(expression(part) for part in declared.split("; ")) if declared.strip() else UNLISTED


with open("licenses.json", encoding="utf-8") as table:
    packages = json.load(table)
rows, counts = [], {{DENIED: 0, UNLISTED: 0, ALLOWED: 0}}
for package in packages:
    name, version, declared = package["Name"], package["Version"], package["License"]
    result = status(declared)
    counts[result] += 1
    rows.append(f"| {{cell(name)}} | {{cell(version)}} | {{cell(declared)}} | {{STATUS[result]}} |")
    where = command_text(f"{{name}} {{version}}: {{declared}}")
    if result == DENIED:
        print(f"::error title=Denied license::{{where}}")
    elif result == UNLISTED:
        print(f"::warning title=License in neither the allow nor the deny list::{{where}}")
lines = [
    "## Dependency licenses",
    "",
    f"{{len(packages)}} packages: {{counts[ALLOWED]}} allowed, {{counts[DENIED]}} denied, "
    f"{{counts[UNLISTED]}} in neither list.",
    "",
    "| Package | Version | License | Status |",
    "|---|---|---|---|",
    *rows,
]
text = "\\n".join(lines) + "\\n"
with open("licenses.md", "w", encoding="utf-8") as out:
    out.write(text)
with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
    summary.write(text)
sys.exit(1 if counts[DENIED] else 0)
PY
"""

REPORT_SCRIPT = """\
python3 - <<'PY'
import os
from pathlib import Path

results = [
    ("Source-file license headers", os.environ["HEADERS_RESULT"], "reports/license-headers.md"),
    ("Dependency licenses", os.environ["DEPENDENCIES_RESULT"], "reports/licenses.md"),
]
passed = all(result == "success" for _, result, _ in results)
lines = ["# License compliance report", "", f"**{'Compliant' if passed else 'Not compliant'}**", ""]
lines += ["| Check | Result |", "|---|---|"] + [f"| {check} | {result} |" for check, result, _ in results]
for check, result, detail in results:
    path = Path(detail)
    lines += ["", path.read_text(encoding="utf-8") if path.is_file() else f"{check}: no details ({result})."]
text = "\\n".join(lines) + "\\n"
Path("license-compliance-report.md").write_text(text, encoding="utf-8")
with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
    summary.write(text)
PY
"""

FAIL_SCRIPT = """\
if [ "$HEADERS_RESULT" != success ] || [ "$DEPENDENCIES_RESULT" != success ]; then
  echo "::error title=License compliance::headers: $HEADERS_RESULT, dependencies: $DEPENDENCIES_RESULT"
  exit 1
fi
"""


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
