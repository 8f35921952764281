"""The distributions license-compliance.yaml's dependency check leaves out: those installed from a folder of
this repository (the project itself, and path dependencies such as workspace members), not from an index.

Runs on the project environment's interpreter and reads each installed distribution's direct_url.json,
which installers write for an install from a URL or a path (PEP 610, "Recording the Direct URL Origin of
installed distributions"): a ``dir_info`` key means a local directory. Writes their names, one a line,
to project-packages.txt and prints them.
"""

from __future__ import annotations

import json
from importlib import metadata

OUTPUT = "project-packages.txt"


def from_a_folder(direct_url: str | None) -> bool:
    """Whether a direct_url.json text records an install from a local directory."""
    if not direct_url:
        return False
    try:
        origin = json.loads(direct_url)
    except ValueError:
        return False
    return isinstance(origin, dict) and "dir_info" in origin


def project_packages() -> list[str]:
    names = {
        str(dist.metadata["Name"])
        for dist in metadata.distributions()
        if from_a_folder(dist.read_text("direct_url.json"))
    }
    return sorted(names)


def main() -> int:
    names = project_packages()
    print("Installed from this repository: " + (", ".join(names) if names else "nothing"))
    with open(OUTPUT, "w", encoding="utf-8") as out:
        out.write("".join(f"{name}\n" for name in names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
