"""Stand-ins for the actions generated workflows use: what each does here instead of on GitHub.

A rehearsal runs a job's ``uses:`` steps through `stand_in`: an action with a stand-in does its work on
this machine (one module each); any other is not rehearsed, with the reason from `REASONS` saying what it
needs that a rehearsal lacks. Every action pipekit pins (data/action-pins.yaml) has one or the other, so
a rehearsal never reports an action of pipekit's own workflows as merely unknown. `install_shims` (from
`pipekit.rehearse.shims`) is here too, for the runner: it supplies the commands of GitHub's runner
images that a rehearsal must not take from this machine, such as ``pipx``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from pipekit.rehearse.actions import (
    cache,
    checkout,
    download_artifact,
    setup_python,
    setup_uv,
    upload_artifact,
    upload_sarif,
)
from pipekit.rehearse.model import ActionCall, ActionResult, not_rehearsed
from pipekit.rehearse.shims import install_shims

__all__ = ["REASONS", "STAND_INS", "install_shims", "reason", "stand_in"]

StandIn = Callable[[ActionCall], ActionResult]

STAND_INS: Mapping[str, StandIn] = MappingProxyType(
    {
        "actions/checkout": checkout.checkout,
        "actions/setup-python": setup_python.setup_python,
        "astral-sh/setup-uv": setup_uv.setup_uv,
        "actions/cache": cache.cache,
        "actions/cache/restore": cache.cache_restore,
        "actions/cache/save": cache.cache_save,
        "actions/upload-artifact": upload_artifact.upload_artifact,
        "actions/download-artifact": download_artifact.download_artifact,
        "github/codeql-action/upload-sarif": upload_sarif.upload_sarif,
    }
)

_DOCKER = "builds and pushes container images: needs a Docker daemon and a registry"

# Why an action without a stand-in is not rehearsed. Keys are an action (owner/name[/path]), a repository
# (owner/name: every path in it without a key of its own) or an owner (owner/*).
REASONS: Mapping[str, str] = MappingProxyType(
    {
        "docker/*": _DOCKER,
        "aquasecurity/trivy-action": "scans for vulnerabilities with Trivy and its database: not run here",
        "actions/dependency-review-action": "needs GitHub's dependency graph of the pull request",
        "anchore/sbom-action": "makes the SBOM with Syft, downloaded from GitHub, and uploads it to GitHub",
        "actions/attest-build-provenance": "signs the attestation with GitHub's OIDC token: not here",
        "benchmark-action/github-action-benchmark": (
            "stores and compares results on GitHub (a gh-pages branch, comments), not reached from here"
        ),
        "github/codeql-action": "runs CodeQL, whose bundle it downloads from GitHub: not run here",
        "pypa/gh-action-pip-audit": (
            "runs pip-audit in an environment of its own; pipekit's workflows run the pinned pip-audit in a "
            "run: step, which is rehearsed"
        ),
        "codecov/codecov-action": "uploads coverage to Codecov, which needs Codecov's service and token",
        "peter-evans/create-or-update-comment": "comments through GitHub's API: not reached from here",
        "actions/github-script": "runs a script against GitHub's API with the job's token: not here",
    }
)


def reason(action: str) -> str:
    """Why `action` is not rehearsed: its own entry, its repository's, its owner's, or a plain one."""
    owner, _, rest = action.partition("/")
    repository = owner + "/" + rest.split("/", 1)[0]
    for key in (action, repository, owner + "/*"):
        if key in REASONS:
            return REASONS[key]
    return f"no stand-in for {action}"


def stand_in(call: ActionCall) -> ActionResult:
    """Run the stand-in of `call.action`, or say why it is not rehearsed."""
    found = STAND_INS.get(call.action)
    if found is None:
        return not_rehearsed(reason(call.action))
    return found(call)
