"""The dependency-license gate of license-compliance.yaml, on real pip-licenses output and real license
names.

pip-licenses (the release the workflow pins) lists fresh virtual environments into which pip installs
small wheels built here, each declaring its license the way real packages do: a License-Expression, a
license classifier, a free-text License field, or nothing. The gate must fail on the environment holding
GPL, SSPL, unlisted and undeclared licenses, pass on the one holding only allowed licenses, and pass
when license.exceptions accepts every failing package. The verdicts for single declarations use the
names PyPI's license classifiers (from trove-classifiers) and packages really write, under the design's
default allow and deny lists.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import trove_classifiers

from pipekit.facts import tools
from pipekit.render import license
from pipekit.render.scripts import license_check
from pipekit.render.scripts.license_check import ALLOWED, DENIED, NO_LICENSE, UNLISTED

from ...designs import reference
from .support import StepRun, rendered_step, run_step

PIP_LICENSES = Path(sys.executable).parent / "pip-licenses"
PIP_LICENSES_FLAGS = ["--from=mixed", "--with-urls", "--format=json", "--output-file", "licenses.json"]
DEFAULTS = reference({}).license
DEFAULT_POLICY = license_check.Policy(list(DEFAULTS.allow), list(DEFAULTS.deny))

# name -> the metadata lines that declare its license
DENIED_PACKAGES = {
    "gpl-expression": ["License-Expression: GPL-3.0-only"],
    "gpl-classifier": ["Classifier: License :: OSI Approved :: GNU General Public License (GPL)"],
    "gplv3-text": ["License: GPLv3"],
    "agplv3-text": ["License: AGPLv3"],
    "sspl-text": ["License: Server Side Public License"],
    "mixed-classifiers": [
        "Classifier: License :: OSI Approved :: MIT License",
        "Classifier: License :: OSI Approved :: GNU General Public License v3 (GPLv3)",
    ],
}
ALLOWED_PACKAGES = {
    "mit-expression": ["License-Expression: MIT"],
    "mit-classifier": ["Classifier: License :: OSI Approved :: MIT License"],
    "bsd-classifier": ["Classifier: License :: OSI Approved :: BSD License"],
    "apache-classifier": ["Classifier: License :: OSI Approved :: Apache Software License"],
    "dual-licensed": ["License-Expression: LGPL-2.1-or-later OR MIT"],
    "bundled": ["License-Expression: (MIT AND BSD-3-Clause)"],
    "llvm-style": ["License-Expression: Apache-2.0 WITH LLVM-exception"],
}
UNLISTED_PACKAGES = {
    "gpl2-or-later": ["License-Expression: GPL-2.0-or-later"],  # in neither default list
    "proprietary": ["Classifier: License :: Other/Proprietary License"],
}
UNDECLARED_PACKAGES = {
    "no-license": [],
    "empty-license": ["License: "],
}
FAILING = {**DENIED_PACKAGES, **UNLISTED_PACKAGES, **UNDECLARED_PACKAGES}


def build_wheel(folder: Path, name: str, license_lines: Sequence[str]) -> Path:
    """A pure-Python wheel of `name` 1.0 with the given license metadata, as a build backend writes it."""
    dist = f"{name.replace('-', '_')}-1.0"
    metadata = f"Metadata-Version: 2.4\nName: {name}\nVersion: 1.0\n"
    metadata += f"Home-page: https://example.invalid/{name}\n"
    metadata += "".join(f"{line}\n" for line in license_lines)
    members = {
        f"{name.replace('-', '_')}/__init__.py": b"",
        f"{dist}.dist-info/METADATA": metadata.encode(),
        f"{dist}.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
    }
    record = []
    for path, data in members.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    members[f"{dist}.dist-info/RECORD"] = ("\n".join([*record, f"{dist}.dist-info/RECORD,,"]) + "\n").encode()
    wheel = folder / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in members.items():
            archive.writestr(path, data)
    return wheel


def pip_licenses_table(folder: Path, packages: dict[str, list[str]]) -> Path:
    """licenses.json from pip-licenses listing a new virtual environment that holds `packages`."""
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    wheels = [build_wheel(folder, name, lines) for name, lines in packages.items()]
    pip = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "--quiet",
        "--no-index",
        "--no-deps",
    ]
    subprocess.run([*pip, *map(str, wheels)], check=True, timeout=300)
    # As the workflow runs it: pip-licenses from its own environment, pointed at the project's Python.
    listing = [str(PIP_LICENSES), "--python", str(python), *PIP_LICENSES_FLAGS]
    subprocess.run(listing, cwd=folder, capture_output=True, check=True, timeout=120)
    return folder / "licenses.json"


@pytest.fixture(scope="module")
def table_with_denied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pip_licenses_table(tmp_path_factory.mktemp("denied"), {**FAILING, **ALLOWED_PACKAGES})


@pytest.fixture(scope="module")
def table_allowed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pip_licenses_table(tmp_path_factory.mktemp("allowed"), ALLOWED_PACKAGES)


@pytest.fixture
def check_step() -> dict[str, Any]:
    return rendered_step(
        "license-compliance.yaml", "dependencies", "Check licenses against the allow and deny lists"
    )


def check(step: dict[str, Any], folder: Path, table: Path, env: dict[str, str] | None = None) -> StepRun:
    (folder / "licenses.json").write_bytes(table.read_bytes())
    return run_step(step, folder, env)


def rows(report: str) -> list[tuple[str, str]]:
    """(package name, status) for each row of the report's table."""
    cells = [line.split(" | ") for line in report.splitlines() if line.startswith("| ")]
    return [(row[0].removeprefix("| "), row[3].removesuffix(" |")) for row in cells[1:]]


def statuses(report: str) -> dict[str, str]:
    return dict(rows(report))


def test_the_workflow_runs_the_pinned_pip_licenses_this_test_runs() -> None:
    listing = rendered_step("license-compliance.yaml", "dependencies", "List dependency licenses")["run"]
    assert "--from=mixed --with-urls --format=json --output-file licenses.json" in listing
    assert tools.requirement("pip-licenses") in listing
    installed = subprocess.run([str(PIP_LICENSES), "--version"], capture_output=True, text=True, check=True)
    assert installed.stdout.split() == ["pip-licenses", tools.requirement("pip-licenses").split("==")[1]]


def test_the_step_embeds_the_script_with_the_lists_in_env(check_step: dict[str, Any]) -> None:
    assert check_step["run"] == license.check_script(reference())
    assert check_step["env"] == {
        "ALLOWED_LICENSES": " ".join(DEFAULTS.allow),
        "DENIED_LICENSES": " ".join(DEFAULTS.deny),
    }
    excepted = rendered_step(
        "license-compliance.yaml",
        "dependencies",
        "Check licenses against the allow and deny lists",
        {"license": {"exceptions": {"certifi": "MPL-2.0, used unmodified", "pyzmq": "dynamic linking"}}},
    )
    assert (
        excepted["env"]["LICENSE_EXCEPTIONS"] == "certifi: MPL-2.0, used unmodified\npyzmq: dynamic linking\n"
    )


def test_pip_licenses_reports_each_declaration_as_packages_write_it(table_with_denied: Path) -> None:
    rows = {row["Name"]: row for row in json.loads(table_with_denied.read_text(encoding="utf-8"))}
    assert {name: row["License"] for name, row in rows.items()} == {
        "gpl-expression": "GPL-3.0-only",
        "gpl-classifier": "GNU General Public License (GPL)",
        "gplv3-text": "GPLv3",
        "agplv3-text": "AGPLv3",
        "sspl-text": "Server Side Public License",
        "mixed-classifiers": "GNU General Public License v3 (GPLv3); MIT License",
        "gpl2-or-later": "GPL-2.0-or-later",
        "proprietary": "Other/Proprietary License",
        "no-license": "UNKNOWN",  # no license metadata at all
        "empty-license": "UNKNOWN",  # an empty License field reads the same
        "mit-expression": "MIT",
        "mit-classifier": "MIT License",
        "bsd-classifier": "BSD License",
        "apache-classifier": "Apache Software License",
        "dual-licensed": "LGPL-2.1-or-later OR MIT",
        "bundled": "(MIT AND BSD-3-Clause)",
        "llvm-style": "Apache-2.0 WITH LLVM-exception",
    }
    assert rows["gpl-expression"]["URL"] == "https://example.invalid/gpl-expression"


def test_gate_fails_on_denied_unlisted_and_undeclared_licenses(
    tmp_path: Path, table_with_denied: Path, check_step: dict[str, Any]
) -> None:
    run = check(check_step, tmp_path, table_with_denied)
    assert run.returncode == 1
    report = (tmp_path / "licenses.md").read_text(encoding="utf-8")
    assert report == run.summary
    assert statuses(report) == {
        **dict.fromkeys(DENIED_PACKAGES, "denied"),
        **dict.fromkeys(UNLISTED_PACKAGES, "in neither list"),
        **dict.fromkeys(UNDECLARED_PACKAGES, "no license declared"),
        **dict.fromkeys(ALLOWED_PACKAGES, "allowed"),
    }
    assert "17 packages: 7 allowed, 6 denied, 2 in neither list, 2 without a license, 0 excepted." in report
    assert f"**{len(FAILING)} packages fail the check.**" in report
    assert "- <code>proprietary</code> 1.0: Other/Proprietary License (in neither list)" in report
    assert "::error title=Denied license::gplv3-text 1.0: GPLv3" in run.annotations
    assert "::error title=Denied license::agplv3-text 1.0: AGPLv3" in run.annotations
    assert "::error title=Denied license::sspl-text 1.0: Server Side Public License" in run.annotations
    assert (
        "::error title=Denied license::gpl-classifier 1.0: GNU General Public License (GPL)"
        in run.annotations
    )
    assert (
        "::error title=License in neither the allow nor the deny list::gpl2-or-later 1.0: GPL-2.0-or-later"
        in run.annotations
    )
    assert "::error title=No license declared::empty-license 1.0: UNKNOWN" in run.annotations
    assert len(run.annotations) == len(FAILING)  # none for an allowed package


def test_gate_passes_when_every_license_is_allowed(
    tmp_path: Path, table_allowed: Path, check_step: dict[str, Any]
) -> None:
    run = check(check_step, tmp_path, table_allowed)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.annotations == []
    assert (
        "7 packages: 7 allowed, 0 denied, 0 in neither list, 0 without a license, 0 excepted." in run.summary
    )
    assert "fail the check" not in run.summary


def test_exceptions_accept_packages_and_the_report_says_why(
    tmp_path: Path, table_with_denied: Path, check_step: dict[str, Any]
) -> None:
    reasons = {name: f"reviewed: {name}" for name in FAILING}
    # written as PyPI would spell some of them differently: names compare as PEP 503 normalizes them
    lines = [f"{name.replace('-', '_').upper()}: {reason}" for name, reason in reasons.items()]
    lines.append("left-pad: was removed long ago")
    run = check(check_step, tmp_path, table_with_denied, {"LICENSE_EXCEPTIONS": "\n".join(lines) + "\n"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert (
        f"7 allowed, 0 denied, 0 in neither list, 0 without a license, {len(FAILING)} excepted."
        in run.summary
    )
    assert "Accepted by license.exceptions:" in run.summary
    assert "- <code>gplv3-text</code> (GPLv3, denied): reviewed: gplv3-text" in run.summary
    assert "- <code>no-license</code> (UNKNOWN, no license declared): reviewed: no-license" in run.summary
    assert statuses(run.summary)["sspl-text"] == "excepted"
    assert "::notice title=License exception::gplv3-text 1.0: GPLv3 (reviewed: gplv3-text)" in run.annotations
    assert run.annotations[-1] == (
        "::warning title=Unused license exception::"
        "license.exceptions accepts left-pad, which is not among the shipped packages"
    )
    assert not [line for line in run.annotations if line.startswith("::error")]


def test_an_exception_for_one_package_leaves_the_others_failing(
    tmp_path: Path, table_with_denied: Path, check_step: dict[str, Any]
) -> None:
    run = check(
        check_step, tmp_path, table_with_denied, {"LICENSE_EXCEPTIONS": "sspl-text: hosted separately\n"}
    )
    assert run.returncode == 1
    assert f"**{len(FAILING) - 1} packages fail the check.**" in run.summary


def test_packages_installed_from_the_repository_are_left_out(
    tmp_path: Path, table_with_denied: Path, check_step: dict[str, Any]
) -> None:
    # the project itself (its own license is not a dependency's) and a path dependency
    (tmp_path / "project-packages.txt").write_text("Proprietary\nno_license\n", encoding="utf-8")
    run = check(check_step, tmp_path, table_with_denied)
    assert "proprietary" not in statuses(run.summary) and "no-license" not in statuses(run.summary)
    assert "Not checked, installed from this repository: no-license, proprietary." in run.summary
    assert "15 packages:" in run.summary


def test_with_empty_lists_every_package_needs_a_decision(
    tmp_path: Path, table_allowed: Path, check_step: dict[str, Any]
) -> None:
    run = check(check_step, tmp_path, table_allowed, {"ALLOWED_LICENSES": "", "DENIED_LICENSES": ""})
    assert run.returncode == 1
    assert (
        "7 packages: 0 allowed, 0 denied, 7 in neither list, 0 without a license, 0 excepted." in run.summary
    )
    assert all(line.startswith("::error ") for line in run.annotations)


def test_gate_on_this_environment_reports_every_package(tmp_path: Path, check_step: dict[str, Any]) -> None:
    # the real variety of one installed environment: expressions, classifiers, joined classifiers
    listing = [str(PIP_LICENSES), "--python", sys.executable, *PIP_LICENSES_FLAGS]
    subprocess.run(listing, cwd=tmp_path, capture_output=True, check=True, timeout=120)
    packages = json.loads((tmp_path / "licenses.json").read_text(encoding="utf-8"))
    run = run_step(check_step, tmp_path)
    found = rows(run.summary)
    assert sorted(name for name, _ in found) == sorted(package["Name"] for package in packages)
    failing = [name for name, status in found if status in license_check.FAILING]
    assert run.returncode == (1 if failing else 0)


def test_a_package_name_cannot_forge_a_workflow_command(tmp_path: Path, check_step: dict[str, Any]) -> None:
    table = tmp_path / "table.json"
    row = {"Name": "evil\n::error::forged", "Version": "1.0", "License": "GPL-3.0-only", "URL": "UNKNOWN"}
    table.write_text(json.dumps([row]), encoding="utf-8")
    run = check(check_step, tmp_path, table)
    assert run.annotations == ["::error title=Denied license::evil%0A::error::forged 1.0: GPL-3.0-only"]
    forged = {"LICENSE_EXCEPTIONS": "evil\n::error::forged: reason\n"}
    # an exception's name cannot forge one either: the line is one name, and it names no package here
    assert not [
        a for a in check(check_step, tmp_path, table, forged).annotations if a.startswith("::error::")
    ]
    assert "| evil ::error::forged | 1.0 | GPL-3.0-only | denied |" in run.summary


# --- verdicts for real declarations, under the default lists -------------------------------------------

VERDICTS = [
    # names with no version: the GPL family holds denied members
    ("GPL", DENIED),
    ("gpl", DENIED),
    ("GNU General Public License (GPL)", DENIED),
    ("GNU GPL", DENIED),
    ("AGPL", DENIED),
    ("LGPL", UNLISTED),  # no LGPL is denied, and not every one is allowed
    # short names read as the classifiers read them: without "+" only that version
    ("GPLv3", DENIED),
    ("GPLv3+", DENIED),
    ("GPLv2", DENIED),
    ("GPLv2+", UNLISTED),  # GPL-2.0-or-later is in neither default list
    ("GPL-2.0-or-later", UNLISTED),
    ("AGPLv3", DENIED),
    ("Server Side Public License", DENIED),
    ("SSPL", DENIED),
    ("GNU General Public License v3 (GPLv3)", DENIED),
    # SPDX expressions
    ("MIT", ALLOWED),
    ("LGPL-2.1-or-later OR MIT", ALLOWED),
    ("(MIT AND BSD-3-Clause)", ALLOWED),
    ("Apache-2.0 WITH LLVM-exception", ALLOWED),
    ("GPL-3.0-only WITH GCC-exception-3.1", DENIED),  # an exception never makes a license acceptable
    ("GPL-3.0-only OR MIT", ALLOWED),  # OR: MIT can be chosen
    ("MIT AND (GPL-3.0+ OR AGPL-3.0)", DENIED),  # AND: the GPL part binds
    ("MIT AND PSF-2.0", ALLOWED),
    ("Apache-2.0 AND BSD-2-Clause AND BSD-3-Clause AND ISC AND MIT", ALLOWED),
    ("BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0", UNLISTED),
    ("Apache-2.0 OR BSD-2-Clause", ALLOWED),
    ("mit or gpl-3.0-only", DENIED),  # operators are upper case; the words still name a denied license
    # several classifiers: each must pass
    ("GNU General Public License v3 (GPLv3); MIT License", DENIED),
    ("Apache Software License; BSD License", ALLOWED),
    ("MIT License; Python Software Foundation License", ALLOWED),
    # names that say no single license, junk and nothing
    ("BSD License", ALLOWED),  # BSD-2-Clause or BSD-3-Clause, both allowed
    ("Apache Software License", ALLOWED),
    ("Other/Proprietary License", UNLISTED),
    ("Public Domain", UNLISTED),
    ("junk !!", UNLISTED),
    ("MIT AND", UNLISTED),
    ("Apache-2.0 WITH", UNLISTED),
    ("(MIT", UNLISTED),
    # malformed, but naming a denied license: never better than denied
    ("GPL-3.0-only AND", DENIED),
    ("(GPL-3.0-only", DENIED),
    ("GPL v3", DENIED),
    ("Dual licensed: GPL/commercial", DENIED),
]


@pytest.mark.parametrize(("declared", "verdict"), VERDICTS)
def test_verdict_for_a_declared_license(declared: str, verdict: int) -> None:
    assert license_check.STATUS[DEFAULT_POLICY.status(declared)] == license_check.STATUS[verdict]
    expected = license_check.STATUS[verdict]
    assert license_check.verdict(declared, DEFAULT_POLICY) == expected
    assert (expected in license_check.FAILING) is (verdict != ALLOWED)  # only allowed passes


@pytest.mark.parametrize("declared", ["UNKNOWN", "", "   "])
def test_no_license_declared_fails(declared: str) -> None:
    assert license_check.verdict(declared, DEFAULT_POLICY) == NO_LICENSE
    assert NO_LICENSE in license_check.FAILING


def test_a_narrow_deny_list_still_catches_the_unversioned_gpl() -> None:
    policy = license_check.Policy(["MIT", "Apache-2.0"], ["GPL-3.0-only"])
    assert policy.status("GPL") == DENIED  # it may be GPL-3.0-only
    assert policy.status("GPLv2") == UNLISTED
    assert policy.status("GPLv3") == DENIED


def test_families_in_the_lists_stand_for_every_member() -> None:
    policy = license_check.Policy(["MIT"], ["GPL"])
    assert policy.status("GPL-2.0-or-later") == DENIED
    assert policy.status("GNU General Public License v2 or later (GPLv2+)") == DENIED
    assert policy.status("LGPL-3.0-only") == UNLISTED  # the LGPL is not the GPL
    assert (
        license_check.Policy(["LGPL"], []).status("GNU Library or Lesser General Public License (LGPL)")
        == ALLOWED
    )


# Every GNU license classifier PyPI offers, under the default lists.
GNU_CLASSIFIERS = {
    "GNU Affero General Public License v3": DENIED,
    "GNU Affero General Public License v3 or later (AGPLv3+)": DENIED,
    "GNU Free Documentation License (FDL)": UNLISTED,
    "GNU General Public License (GPL)": DENIED,
    "GNU General Public License v2 (GPLv2)": DENIED,
    "GNU General Public License v2 or later (GPLv2+)": UNLISTED,  # the default deny list leaves it out
    "GNU General Public License v3 (GPLv3)": DENIED,
    "GNU General Public License v3 or later (GPLv3+)": DENIED,
    "GNU Lesser General Public License v2 (LGPLv2)": UNLISTED,
    "GNU Lesser General Public License v2 or later (LGPLv2+)": UNLISTED,
    "GNU Lesser General Public License v3 (LGPLv3)": UNLISTED,
    "GNU Lesser General Public License v3 or later (LGPLv3+)": ALLOWED,
    "GNU Library or Lesser General Public License (LGPL)": UNLISTED,
}
LICENSE_CLASSIFIERS = {
    classifier.rsplit(" :: ", 1)[1]
    for classifier in trove_classifiers.classifiers
    if classifier.startswith("License ::")
}


def test_every_gnu_classifier_gets_its_verdict() -> None:
    assert {name for name in LICENSE_CLASSIFIERS if "GNU" in name} == set(GNU_CLASSIFIERS)
    found = {name: license_check.STATUS[DEFAULT_POLICY.status(name)] for name in GNU_CLASSIFIERS}
    assert found == {name: license_check.STATUS[verdict] for name, verdict in GNU_CLASSIFIERS.items()}


# Names in the tables that are neither a PyPI classifier nor shaped like an SPDX id: what packages write.
FREE_TEXT_NAMES = {
    "Apache 2.0",
    "Apache License 2.0",
    "Apache License, Version 2.0",
    "Apache Software License 2.0",
    "ASL 2.0",
    "The MIT License",
    "BSD 2-Clause",
    "Simplified BSD",
    "Simplified BSD License",
    "BSD 3-Clause",
    "3-Clause BSD License",
    "New BSD",
    "New BSD License",
    "Modified BSD License",
    "MPL 2.0",
    "Mozilla Public License 2.0",
    "ISC License",
    "PSF License",
    "The Unlicense",
    "Server Side Public License",
    "Server Side Public License v1",
    "GNU GPL",
    "GNU General Public License",
    "GNU LGPL",
    "GNU Lesser General Public License",
    "GNU AGPL",
    "GNU Affero General Public License",
}


def test_every_table_name_is_a_real_classifier_an_id_or_a_known_free_text_name() -> None:
    names = set(license_check.ALIASES) | set(license_check.FAMILIES)
    odd = {name for name in names - LICENSE_CLASSIFIERS - FREE_TEXT_NAMES if " " in name}
    assert odd == set()  # a typo would leave a classifier in neither list
    assert names >= FREE_TEXT_NAMES


def test_license_ids() -> None:
    assert license_check.license_ids("MIT License") == {"mit"}
    assert license_check.license_ids("  mit   license ") == {"mit"}
    assert license_check.license_ids("Zlib") == {"zlib"}
    assert license_check.license_ids("GPLv3") == {"gpl-3.0-only"}
    assert license_check.license_ids("GNU Lesser General Public License v2 (LGPLv2)") == {
        "lgpl-2.0-only",
        "lgpl-2.1-only",
    }
    assert len(license_check.license_ids("GPL")) == 6


def test_expression_parser_rejects_malformed_expressions() -> None:
    def parse(text: str) -> int:
        tokens = text.replace("(", " ( ").replace(")", " ) ").split()
        return license_check.ExpressionParser(tokens, DEFAULT_POLICY.name).verdict()

    assert parse("MIT OR (GPL-3.0-only AND ISC)") == ALLOWED
    assert parse("(GPL-3.0-only OR MIT) AND GPL-2.0-only") == DENIED
    for malformed in ("MIT AND", "OR MIT", "(MIT", "MIT)", "MIT ISC", "MIT WITH", "MIT WITH OR"):
        with pytest.raises((ValueError, IndexError)):
            parse(malformed)


def test_report_and_annotations_from_check() -> None:
    packages = [
        {"Name": "a", "Version": "1", "License": "MIT", "URL": "UNKNOWN"},
        {"Name": "b|c", "Version": "2", "License": "GPL", "URL": "UNKNOWN"},
    ]
    report, annotations, failed = license_check.check(packages, DEFAULT_POLICY)
    assert failed == 1
    assert "| b&#124;c | 2 | GPL | denied |" in report.splitlines()
    assert annotations == ["::error title=Denied license::b|c 2: GPL"]


def test_every_classifier_that_names_one_license_or_a_family_is_read() -> None:
    """Every PyPI license classifier under "OSI Approved" maps to SPDX ids, except the few the SPDX list
    has no id for: a classifier in neither table would only ever be "in neither list"."""
    no_spdx_id = {"OSI Approved", "Repoze Public License"}
    osi = {
        classifier.rsplit(" :: ", 1)[1]
        for classifier in trove_classifiers.classifiers
        if classifier.startswith("License :: OSI Approved")
    }
    known = {name for name in osi if license_check.is_known(name)}
    assert osi - known - no_spdx_id == {
        "Apple Public Source License",
        "Attribution Assurance License",
        "Common Public License",
        "Eiffel Forum License",
        "IBM Public License",
        "Motosoto License",
        "Nethack General Public License",
        "Nokia Open Source License",
        "Open Group Test Suite License",
        "Qt Public License (QPL)",
        "Ricoh Source Code Public License",
        "Sleepycat License",
        "Sun Public License",
        "Vovida Software License 1.0",
    }
