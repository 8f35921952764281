"""The dependency-license gate of license-compliance.yaml: each installed package's license against the
design's allow and deny lists.

Reads licenses.json, written by ``pip-licenses --format=json --from=mixed --with-urls``: a list of
``{"Name", "Version", "License", "URL"}``, where License is the package's License-Expression, else its
license classifiers joined by "; ", else its free-text License field. Writes licenses.md (also the job
summary), an annotation per package that is not allowed, and exits 1 when any package is denied.

How a declared license gets its verdict (denied, in neither list, allowed):

- Several classifiers do not say whether they are alternatives, so each must pass: the package gets
  the worst verdict of its "; "-separated parts.
- A part is read as an SPDX expression: OR takes the best choice, AND the worst part, and an exception
  (``WITH``) never makes a license acceptable.
- A license name is compared case-insensitively after two look-ups. ALIASES maps a name that says
  exactly one license to its SPDX id: PyPI classifier names ("MIT License"), ids the SPDX list
  deprecated ("GPL-3.0"), and the short names "GPLv3" and "GPLv3+", read as the classifiers read
  them: without "+" that version only, with "+" that version or any later. FAMILIES maps a name that
  leaves the version open ("GPL", "GNU General Public License (GPL)", "LGPL") to every license it may
  mean. A family is denied when any member is denied, allowed only when every member is allowed, and
  otherwise in neither list: "GPL" fails the gate while GPL-3.0-only is denied, until the package
  says which GPL it is. The allow and deny lists are read through the same tables.
- Text that is neither a valid expression nor a known name ("MIT AND", a sentence, a license's full
  text) is in neither list, unless one of its words is a denied license: then it is denied, so a
  denied license cannot pass behind a malformed expression.
- In neither list is a warning, not a failure: a person decides.

Environment: ALLOWED_LICENSES and DENIED_LICENSES, space-separated SPDX ids; GITHUB_STEP_SUMMARY.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable
from typing import Any

TABLE = "licenses.json"
REPORT = "licenses.md"

DENIED, UNLISTED, ALLOWED = 0, 1, 2
STATUS = {DENIED: "denied", UNLISTED: "in neither list", ALLOWED: "allowed"}
OPERATORS = {"AND", "OR", "WITH"}
PARENTHESES = {"(", ")"}

ALIASES = {
    # PyPI license classifiers (the part after "License :: OSI Approved :: ") that name one license
    "Blue Oak Model License (BlueOak-1.0.0)": "BlueOak-1.0.0",
    "Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
    "CMU License (MIT-CMU)": "MIT-CMU",
    "Common Development and Distribution License 1.0 (CDDL-1.0)": "CDDL-1.0",
    "Eclipse Public License 1.0 (EPL-1.0)": "EPL-1.0",
    "Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
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
    # names packages write in their License field
    "Apache 2.0": "Apache-2.0",
    "Apache License 2.0": "Apache-2.0",
    "Apache License, Version 2.0": "Apache-2.0",
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
FAMILIES = {
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


def check(packages: list[dict[str, Any]], policy: Policy) -> tuple[str, list[str], int]:
    """The markdown report, the annotations, and the number of denied packages."""
    rows, annotations = [], []
    counts = {DENIED: 0, UNLISTED: 0, ALLOWED: 0}
    for package in packages:
        name, version, declared = (str(package[field]) for field in ("Name", "Version", "License"))
        result = policy.status(declared)
        counts[result] += 1
        rows.append(f"| {cell(name)} | {cell(version)} | {cell(declared)} | {STATUS[result]} |")
        where = command_text(f"{name} {version}: {declared}")
        if result == DENIED:
            annotations.append(f"::error title=Denied license::{where}")
        elif result == UNLISTED:
            annotations.append(f"::warning title=License in neither the allow nor the deny list::{where}")
    lines = [
        "## Dependency licenses",
        "",
        f"{len(packages)} packages: {counts[ALLOWED]} allowed, {counts[DENIED]} denied, "
        f"{counts[UNLISTED]} in neither list.",
        "",
        "| Package | Version | License | Status |",
        "|---|---|---|---|",
        *rows,
    ]
    return "\n".join(lines) + "\n", annotations, counts[DENIED]


def main() -> int:
    policy = Policy(os.environ["ALLOWED_LICENSES"].split(), os.environ["DENIED_LICENSES"].split())
    with open(TABLE, encoding="utf-8") as table:
        packages = json.load(table)
    report, annotations, denied = check(packages, policy)
    for annotation in annotations:
        print(annotation)
    with open(REPORT, "w", encoding="utf-8") as out:
        out.write(report)
    with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
        summary.write(report)
    return 1 if denied else 0


if __name__ == "__main__":
    raise SystemExit(main())
