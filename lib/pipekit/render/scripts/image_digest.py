"""deploy.yaml: the digest of the image build.yaml pushed for a commit, so that every deploy names the image
by digest, never by a tag a later push could move.

build.yaml tags each image it pushes ``sha-<full commit SHA>`` (docker/metadata-action, type=sha,format=long).
``docker buildx imagetools inspect --format '{{json .Manifest}}'`` prints that tag's manifest, or manifest
list for a multi-platform image, with its digest (buildx's documented JSON output). The template starts
with ``{{json``: buildx releases before 0.33 print their default text for any template that starts with
``{{.Manifest`` (util/imagetools/printers.go).

Environment: IMAGE, the image without tag (registry/name, in lower case); COMMIT, the full commit SHA;
GITHUB_OUTPUT, which the runner sets. Writes digest=sha256:<64 hex> to GITHUB_OUTPUT; the jobs that
deploy add it to IMAGE themselves, because a job output holding a secret's value (a registry user name
that is also the image's namespace) would be dropped by the runner.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
TITLE = "Image digest"


def command_text(text: str, prop: bool = False) -> str:
    """`text` escaped for a workflow command: its message, or (`prop`) a property such as file=."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def inspect(reference: str) -> str:
    """The digest of `reference` in its registry; ValueError saying why when there is none."""
    done = subprocess.run(
        ["docker", "buildx", "imagetools", "inspect", reference, "--format", "{{json .Manifest}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise ValueError(f"{reference} cannot be read from its registry: {lines[-1]}")
    try:
        digest = json.loads(done.stdout).get("digest")
    except (ValueError, AttributeError):
        digest = None
    if not isinstance(digest, str) or not DIGEST.fullmatch(digest):
        raise ValueError(f"docker buildx imagetools inspect gave no sha256 digest for {reference}")
    return digest


def main() -> int:
    reference = f"{os.environ['IMAGE']}:sha-{os.environ['COMMIT']}"
    try:
        digest = inspect(reference)
    except ValueError as error:
        print(f"::error title={TITLE}::{command_text(str(error))}; did build.yaml push it?")
        return 1
    print(f"{reference} is {os.environ['IMAGE']}@{digest}")
    with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
        output.write(f"digest={digest}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
