"""The dependency-license gate of license-compliance.yaml: each shipped package's license against the
design's allow and deny lists.

Reads licenses.json, written by ``pip-licenses --format=json --from=mixed --with-urls``: a list of
``{"Name", "Version", "License", "URL"}``, where License is the package's License-Expression, else its
license classifiers joined by "; ", else its free-text License field, else "UNKNOWN". Leaves out the
packages project-packages.txt names (installed from this repository: the project is not its own
dependency). Writes licenses.md (also the job summary), an annotation per package that is not allowed,
and exits 1 when a package is denied, has a license in neither list, or declares none, unless
license.exceptions accepts that package: a person decides, and the design records the decision.

How a declared license gets its verdict (denied, in neither list, allowed):

- Several classifiers do not say whether they are alternatives, so each must pass: the package gets
  the worst verdict of its "; "-separated parts.
- A part is read as an SPDX expression: OR takes the best choice, AND the worst part, and an exception
  (``WITH``) never makes a license acceptable.
- A license name is compared case-insensitively after two look-ups. ALIASES maps a name that says
  exactly one license to its SPDX id: PyPI classifier names ("MIT License"), ids the SPDX list
  deprecated ("GPL-3.0"), and common spellings ("Apache 2.0", "Server Side Public License"), with the
  short names "GPLv3" and "GPLv3+" read as the classifiers read them: without "+" that version only,
  with "+" that version or any later. FAMILIES maps a name that leaves the version open ("GPL",
  "GNU General Public License (GPL)", "LGPL", "BSD License") to every license it may mean. A family is
  denied when any member is denied, allowed only when every member is allowed, and otherwise in
  neither list: "GPL" fails the gate while GPL-3.0-only is denied, until the package says which GPL it
  is. The allow and deny lists are read through the same tables.
- Text that is neither a valid expression nor a known name ("MIT AND", a sentence, a license's full
  text) is in neither list, unless one of its words is a denied license: then it is denied, so a
  denied license cannot pass behind a malformed expression.

Environment: ALLOWED_LICENSES and DENIED_LICENSES, space-separated SPDX ids; LICENSE_EXCEPTIONS, one
``package: reason`` a line (may be unset); GITHUB_STEP_SUMMARY.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable
from typing import Any

TABLE = "licenses.json"
PROJECT_PACKAGES = "project-packages.txt"
REPORT = "licenses.md"

DENIED, UNLISTED, ALLOWED = 0, 1, 2
STATUS = {DENIED: "denied", UNLISTED: "in neither list", ALLOWED: "allowed"}
NO_LICENSE = "no license declared"
EXCEPTED = "excepted"
FAILING = (STATUS[DENIED], STATUS[UNLISTED], NO_LICENSE)
OPERATORS = {"AND", "OR", "WITH"}
PARENTHESES = {"(", ")"}
UNKNOWN = "UNKNOWN"  # what pip-licenses writes for a package that declares no license

ALIASES = {
    # PyPI license classifiers (the part after "License :: OSI Approved :: ") that name one license
    "Blue Oak Model License (BlueOak-1.0.0)": "BlueOak-1.0.0",
    "Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
    "CMU License (MIT-CMU)": "MIT-CMU",
    "Common Development and Distribution License 1.0 (CDDL-1.0)": "CDDL-1.0",
    "Eclipse Public License 1.0 (EPL-1.0)": "EPL-1.0",
    "Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
    "European Union Public Licence 1.0 (EUPL 1.0)": "EUPL-1.0",
    "European Union Public Licence 1.1 (EUPL 1.1)": "EUPL-1.1",
    "European Union Public Licence 1.2 (EUPL 1.2)": "EUPL-1.2",
    "GNU Affero General Public License v3": "AGPL-3.0-only",
    "GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
    "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "Historical Permission Notice and Disclaimer (HPND)": "HPND",
    "ISC License (ISCL)": "ISC",
    "MIT License": "MIT",
    "MIT No Attribution License (MIT-0)": "MIT-0",
    "Mozilla Public License 1.0 (MPL)": "MPL-1.0",
    "Mozilla Public License 1.1 (MPL 1.1)": "MPL-1.1",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "PostgreSQL License": "PostgreSQL",
    "Python Software Foundation License": "PSF-2.0",
    "SIL Open Font License 1.1 (OFL-1.1)": "OFL-1.1",
    "The Unlicense (Unlicense)": "Unlicense",
    "Universal Permissive License (UPL)": "UPL-1.0",
    "Zero-Clause BSD (0BSD)": "0BSD",
    "zlib/libpng License": "Zlib",
    "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
    "CEA CNRS Inria Logiciel Libre License, version 2.1 (CeCILL-2.1)": "CECILL-2.1",
    "CeCILL-B Free Software License Agreement (CECILL-B)": "CECILL-B",
    "CeCILL-C Free Software License Agreement (CECILL-C)": "CECILL-C",
    "Educational Community License, Version 2.0 (ECL-2.0)": "ECL-2.0",
    "MirOS License (MirOS)": "MirOS",
    "Mulan Permissive Software License v2 (MulanPSL-2.0)": "MulanPSL-2.0",
    "NASA Open Source Agreement v1.3 (NASA-1.3)": "NASA-1.3",
    "Open Software License 3.0 (OSL-3.0)": "OSL-3.0",
    "Python License (CNRI Python License)": "CNRI-Python",
    "University of Illinois/NCSA Open Source License": "NCSA",
    "W3C License": "W3C",
    # The classifier names no version, but Apache 1.x was superseded by 2.0 in 2004: a package under
    # this classifier ships Apache-2.0. A team that disagrees lists the package in license.exceptions.
    "Apache Software License": "Apache-2.0",
    # names packages write in their License field
    "Apache 2.0": "Apache-2.0",
    "Apache-2": "Apache-2.0",
    "Apache License 2.0": "Apache-2.0",
    "Apache License, Version 2.0": "Apache-2.0",
    "Apache Software License 2.0": "Apache-2.0",
    "ASL 2.0": "Apache-2.0",
    "The MIT License": "MIT",
    "MIT/Expat": "MIT",
    "Expat": "MIT",
    "BSD 2-Clause": "BSD-2-Clause",
    "Simplified BSD": "BSD-2-Clause",
    "Simplified BSD License": "BSD-2-Clause",
    "BSD 3-Clause": "BSD-3-Clause",
    "3-Clause BSD License": "BSD-3-Clause",
    "New BSD": "BSD-3-Clause",
    "New BSD License": "BSD-3-Clause",
    "Modified BSD License": "BSD-3-Clause",
    "MPL 2.0": "MPL-2.0",
    "Mozilla Public License 2.0": "MPL-2.0",
    "ISC License": "ISC",
    "PSF": "PSF-2.0",
    "PSF License": "PSF-2.0",
    "The Unlicense": "Unlicense",
    "Server Side Public License": "SSPL-1.0",
    "Server Side Public License v1": "SSPL-1.0",
    "SSPL": "SSPL-1.0",
    "SSPLv1": "SSPL-1.0",
    "GPLv2": "GPL-2.0-only",
    "GPLv2+": "GPL-2.0-or-later",
    "GPLv3": "GPL-3.0-only",
    "GPLv3+": "GPL-3.0-or-later",
    "LGPLv2.1": "LGPL-2.1-only",
    "LGPLv2.1+": "LGPL-2.1-or-later",
    "LGPLv3": "LGPL-3.0-only",
    "LGPLv3+": "LGPL-3.0-or-later",
    "AGPLv3": "AGPL-3.0-only",
    "AGPLv3+": "AGPL-3.0-or-later",
    # ids the SPDX license list deprecated
    "GPL-1.0": "GPL-1.0-only",
    "GPL-1.0+": "GPL-1.0-or-later",
    "GPL-2.0": "GPL-2.0-only",
    "GPL-2.0+": "GPL-2.0-or-later",
    "GPL-3.0": "GPL-3.0-only",
    "GPL-3.0+": "GPL-3.0-or-later",
    "AGPL-3.0": "AGPL-3.0-only",
    "LGPL-2.0": "LGPL-2.0-only",
    "LGPL-2.0+": "LGPL-2.0-or-later",
    "LGPL-2.1": "LGPL-2.1-only",
    "LGPL-2.1+": "LGPL-2.1-or-later",
    "LGPL-3.0": "LGPL-3.0-only",
    "LGPL-3.0+": "LGPL-3.0-or-later",
}

GPL = (
    "GPL-1.0-only",
    "GPL-1.0-or-later",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
)
LGPL_2 = ("LGPL-2.0-only", "LGPL-2.1-only")  # "v2" names both the Library GPL 2.0 and the Lesser GPL 2.1
LGPL_2_OR_LATER = ("LGPL-2.0-or-later", "LGPL-2.1-or-later")
LGPL = (*LGPL_2, *LGPL_2_OR_LATER, "LGPL-3.0-only", "LGPL-3.0-or-later")
AGPL = ("AGPL-1.0-only", "AGPL-1.0-or-later", "AGPL-3.0-only", "AGPL-3.0-or-later")
# The OSI-approved BSD licenses packages mean by the classifier (0BSD has its own classifier).
BSD = ("BSD-2-Clause", "BSD-3-Clause")
FAMILIES = {
    "BSD License": BSD,
    "BSD": BSD,
    "Academic Free License (AFL)": ("AFL-1.1", "AFL-1.2", "AFL-2.0", "AFL-2.1", "AFL-3.0"),
    "Artistic License": ("Artistic-1.0", "Artistic-2.0"),
    "GNU Free Documentation License (FDL)": ("GFDL-1.1-only", "GFDL-1.2-only", "GFDL-1.3-only"),
    "Zope Public License": ("ZPL-1.1", "ZPL-2.0", "ZPL-2.1"),
    "GPL": GPL,
    "GNU GPL": GPL,
    "GNU General Public License": GPL,
    "GNU General Public License (GPL)": GPL,
    "LGPL": LGPL,
    "GNU LGPL": LGPL,
    "GNU Lesser General Public License": LGPL,
    "GNU Library or Lesser General Public License (LGPL)": LGPL,
    "LGPLv2": LGPL_2,
    "GNU Lesser General Public License v2 (LGPLv2)": LGPL_2,
    "LGPLv2+": LGPL_2_OR_LATER,
    "GNU Lesser General Public License v2 or later (LGPLv2+)": LGPL_2_OR_LATER,
    "AGPL": AGPL,
    "GNU AGPL": AGPL,
    "GNU Affero General Public License": AGPL,
}


def key(name: str) -> str:
    """How names are compared: case and runs of spaces do not matter."""
    return " ".join(name.split()).lower()


ALIAS_IDS = {key(name): spdx.lower() for name, spdx in ALIASES.items()}
FAMILY_IDS = {key(name): frozenset(spdx.lower() for spdx in ids) for name, ids in FAMILIES.items()}


def license_ids(name: str) -> frozenset[str]:
    """The SPDX ids, in lower case, that a license name may mean."""
    name = key(name)
    return FAMILY_IDS.get(name) or frozenset([ALIAS_IDS.get(name, name)])


def is_known(name: str) -> bool:
    return key(name) in ALIAS_IDS or key(name) in FAMILY_IDS


class Policy:
    """The allow and deny lists, and the verdict they give a declared license."""

    def __init__(self, allowed: list[str], denied: list[str]) -> None:
        self.allowed = frozenset(spdx for name in allowed for spdx in license_ids(name))
        self.denied = frozenset(spdx for name in denied for spdx in license_ids(name))

    def name(self, name: str) -> int:
        """The verdict for one license name (an id, an alias or a family)."""
        ids = license_ids(name)
        if ids & self.denied:
            return DENIED
        return ALLOWED if ids <= self.allowed else UNLISTED

    def text(self, text: str) -> int:
        """The verdict for text without operators: a name, or free text."""
        if is_known(text) or len(text.split()) == 1:
            return self.name(text)
        return self.unreadable(text)

    def unreadable(self, text: str) -> int:
        """Free text or a malformed expression: denied when a word is a denied license, else unlisted."""
        words = [word.rstrip(".") for word in re.findall(r"[A-Za-z0-9.+-]+", text)]
        return DENIED if any(self.name(word) == DENIED for word in words) else UNLISTED

    def expression(self, text: str) -> int:
        """The verdict for one SPDX expression, or for the text when it is none."""
        tokens = re.findall(r"[()]|[^\s()]+", text)
        if is_known(text) or not (OPERATORS | PARENTHESES) & set(tokens):
            return self.text(text)
        try:
            return ExpressionParser(tokens, self.name).verdict()
        except (ValueError, IndexError):
            return self.unreadable(text)

    def status(self, declared: str) -> int:
        """The verdict for a package's License column: each "; "-separated part must pass."""
        parts = [part for part in declared.split("; ") if part.strip()]
        return min(self.expression(part) for part in parts) if parts else UNLISTED


class ExpressionParser:
    """A recursive-descent reading of an SPDX expression, evaluated as it is read (OR binds loosest)."""

    def __init__(self, tokens: list[str], name_verdict: Callable[[str], int]) -> None:
        self.tokens = tokens
        self.position = 0
        self.name_verdict = name_verdict

    def verdict(self) -> int:
        value = self.either()
        if self.peek() is not None:
            raise ValueError("text after the expression")
        return value

    def take(self) -> str:
        self.position += 1
        return self.tokens[self.position - 1]

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def either(self) -> int:
        value = self.both()
        while self.peek() == "OR":
            self.take()
            value = max(value, self.both())
        return value

    def both(self) -> int:
        value = self.one()
        while self.peek() == "AND":
            self.take()
            value = min(value, self.one())
        return value

    def one(self) -> int:
        token = self.take()
        if token == "(":
            value = self.either()
            if self.take() != ")":
                raise ValueError("unclosed parenthesis")
            return value
        if token in OPERATORS or token in PARENTHESES:
            raise ValueError(f"{token} where a license belongs")
        if self.peek() == "WITH":
            self.take()
            exception = self.take()
            if exception in OPERATORS or exception in PARENTHESES:
                raise ValueError("WITH without an exception")
        return self.name_verdict(token)


def command_text(text: str, prop: bool = False) -> str:
    """`text` escaped for a workflow command: its message, or (`prop`) a property such as file=."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def cell(text: str) -> str:
    """`text` as one markdown table cell: one line, no HTML, no column break."""
    return html.escape(" ".join(text.split())).replace("|", "&#124;")


def normalized(name: str) -> str:
    """A distribution name as PyPI compares it (PEP 503): case and runs of "-", "_", "." do not matter."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_exceptions(text: str) -> dict[str, tuple[str, str]]:
    """``package: reason`` lines as {normalized name: (name, reason)}."""
    found = {}
    for line in text.splitlines():
        name, _, reason = line.partition(":")
        if name.strip():
            found[normalized(name.strip())] = (name.strip(), reason.strip())
    return found


def verdict(declared: str, policy: Policy) -> str:
    """The status of a declared license: one of FAILING, or allowed."""
    if declared.strip() in ("", UNKNOWN):
        return NO_LICENSE
    return STATUS[policy.status(declared)]


TITLES = {
    STATUS[DENIED]: "Denied license",
    STATUS[UNLISTED]: "License in neither the allow nor the deny list",
    NO_LICENSE: "No license declared",
}


def check(
    packages: list[dict[str, Any]],
    policy: Policy,
    exceptions: dict[str, tuple[str, str]] | None = None,
    left_out: list[str] | None = None,
) -> tuple[str, list[str], int]:
    """The markdown report, the annotations, and the number of packages that fail the check."""
    exceptions = exceptions or {}
    left = {normalized(name) for name in left_out or []}
    rows, annotations, accepted, failing = [], [], [], []
    counts = dict.fromkeys([STATUS[ALLOWED], *FAILING, EXCEPTED], 0)
    used = set()
    checked = [package for package in packages if normalized(str(package["Name"])) not in left]
    for package in checked:
        name, version, declared = (str(package[field]) for field in ("Name", "Version", "License"))
        status = verdict(declared, policy)
        where = command_text(f"{name} {version}: {declared}")
        exception = exceptions.get(normalized(name))
        if exception is not None and status != STATUS[ALLOWED]:
            used.add(normalized(name))
            accepted.append(f"- <code>{cell(name)}</code> ({cell(declared)}, {status}): {cell(exception[1])}")
            annotations.append(f"::notice title=License exception::{where} ({command_text(exception[1])})")
            status = EXCEPTED
        elif exception is not None:
            used.add(normalized(name))
        elif status in FAILING:
            failing.append(f"- <code>{cell(name)}</code> {cell(version)}: {cell(declared)} ({status})")
            annotations.append(f"::error title={TITLES[status]}::{where}")
        counts[status] += 1
        rows.append(f"| {cell(name)} | {cell(version)} | {cell(declared)} | {status} |")
    for key, (name, _) in exceptions.items():
        if key not in used:
            message = f"license.exceptions accepts {name}, which is not among the shipped packages"
            annotations.append(f"::warning title=Unused license exception::{command_text(message)}")
    lines = [
        "## Dependency licenses",
        "",
        f"{len(checked)} packages: {counts[STATUS[ALLOWED]]} allowed, {counts[STATUS[DENIED]]} denied, "
        f"{counts[STATUS[UNLISTED]]} in neither list, {counts[NO_LICENSE]} without a license, "
        f"{counts[EXCEPTED]} excepted.",
    ]
    if failing:
        lines += [
            "",
            f"**{len(failing)} packages fail the check.** Allow their license (license.allow), or accept "
            "the package in license.exceptions with the reason:",
            "",
            *failing,
        ]
    if accepted:
        lines += ["", "Accepted by license.exceptions:", "", *accepted]
    if len(checked) < len(packages):
        own = sorted(str(p["Name"]) for p in packages if normalized(str(p["Name"])) in left)
        lines += ["", "Not checked, installed from this repository: " + ", ".join(cell(n) for n in own) + "."]
    lines += ["", "| Package | Version | License | Status |", "|---|---|---|---|", *rows]
    return "\n".join(lines) + "\n", annotations, len(failing)


def read_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as source:
            return [line.strip() for line in source if line.strip()]
    except OSError:
        return []


def main() -> int:
    policy = Policy(os.environ["ALLOWED_LICENSES"].split(), os.environ["DENIED_LICENSES"].split())
    exceptions = parse_exceptions(os.environ.get("LICENSE_EXCEPTIONS", ""))
    with open(TABLE, encoding="utf-8") as table:
        packages = json.load(table)
    report, annotations, failed = check(packages, policy, exceptions, read_lines(PROJECT_PACKAGES))
    for annotation in annotations:
        print(annotation)
    with open(REPORT, "w", encoding="utf-8") as out:
        out.write(report)
    with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
        summary.write(report)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
