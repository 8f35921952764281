"""build.yaml: the Docker image, built with Buildx for several platforms, cached, attested and scanned.

Pull requests build the pull-request platforms and load the image locally (no push, no registry
login, no attestations); every other run builds the push platforms, pushes, and attaches SBOM and
provenance. Trivy scans whichever image the run produced; its findings fail the job unless the design
makes the scan report-only, and its SARIF goes where render/sarif.py sends it.

What a deploy uses: a run that pushed uploads the artifact IMAGE_ARTIFACT holding IMAGE_FILE, a JSON
object {"image", "digest", "reference" (image@digest), "commit"}, so a workflow started by this one
(workflow_run) deploys the pushed digest, never a movable tag. The job's outputs `image` and `digest` give
the same to jobs of this workflow.
"""

from __future__ import annotations

from pipekit.design.model import Design
from pipekit.facts.runners import load_catalog
from pipekit.pipeline import graph
from pipekit.pipeline.graph import JobSpec
from pipekit.render import blocks as common
from pipekit.render import sarif, scripts
from pipekit.yamlio import Commented

IMAGE_ARTIFACT = "image"  # the artifact a push run uploads for deploys
IMAGE_FILE = "image.json"  # its one file
IMAGE_RECORD = scripts.bash("image_record.sh")
IS_PR = "github.event_name == 'pull_request'"
NOT_PR = "github.event_name != 'pull_request'"
GHCR = common.GHCR
# metadata-action tags: branch and PR names, semver from v* tags, and the full commit SHA that
# deploy.yaml pulls as `sha-<sha>`.
TAGS = (
    "type=ref,event=branch",
    "type=ref,event=pr",
    "type=semver,pattern={{version}}",
    "type=semver,pattern={{major}}.{{minor}}",
    "type=sha,format=long",
)
_NATIVE = {"x64": "linux/amd64", "arm64": "linux/arm64"}


def render(design: Design, design_file: str) -> str | None:
    on = common.triggers(design, graph.workflow_triggers(design, "build"))
    if "push" in on:
        on["push"]["tags"] = ["v*"]  # release tags get semver image tags
    return common.render_workflow(
        design, design_file, "build", name="Build", builders={"image": _image_job}, on=on
    )


def _image_job(design: Design, spec: JobSpec) -> common.Job:
    _, image = common.image_reference(design)
    return common.job(
        name="Build image",
        runs_on=spec.runner,
        timeout=design.build.timeout_minutes,
        perms=_permissions(design),
        outputs={"image": image, "digest": "${{ steps.build.outputs.digest }}"},
        steps=_steps(design, spec),
    )


def _attests_on_github(design: Design) -> bool:
    """GitHub artifact attestations exist for public repositories, or private ones on Enterprise Cloud."""
    billing = design.billing
    return design.build.attestations and (billing.visibility == "public" or billing.plan == "enterprise")


def _permissions(design: Design) -> dict[str, object]:
    grants: dict[str, tuple[str, str]] = {"contents": common.READ_CONTENTS}
    if design.build.registry == GHCR:
        grants["packages"] = (
            "write",
            "push the image to ghcr.io (pull-request runs never push, but permissions are per job)",
        )
    if _attests_on_github(design):
        grants["id_token"] = ("write", "sign the build provenance attestation (Sigstore via OIDC)")
        grants["attestations"] = ("write", "store the build provenance attestation")
    if design.build.scan.enabled:
        grants.update(sarif.grants(design))
    return common.permissions(**grants)


def _by_event(pull_request: str, other: str) -> str:
    """One value for pull requests and another for every other event, as an expression if they differ."""
    if pull_request == other:
        return pull_request
    return f"${{{{ {IS_PR} && '{pull_request}' || '{other}' }}}}"


def _native_platform(design: Design, runner: str) -> str | None:
    """The platform `runner` builds without emulation; None when its architecture is not known
    (self-hosted runners), so every platform is emulated there."""
    arch = load_catalog().runner(runner, design.runners).arch
    return _NATIVE.get(arch)


def _qemu(design: Design, spec: JobSpec) -> list[common.Step]:
    """QEMU for platforms the runner cannot execute natively, only on the events that build them."""
    native = _native_platform(design, spec.runner)
    on_pr = [p for p in design.build.platforms_pull_request if p != native]
    on_push = [p for p in design.build.platforms_push if p != native]
    if not on_pr and not on_push:
        return []
    condition = None if on_pr and on_push else (IS_PR if on_pr else NOT_PR)
    emulated = list(dict.fromkeys([*on_pr, *on_push]))
    return [
        common.step(
            "Set up QEMU",
            uses_action="docker/setup-qemu-action",
            if_=condition,
            with_={"platforms": ",".join(emulated)},
        )
    ]


def _login(design: Design) -> common.Step:
    return common.registry_login(design, if_=NOT_PR)


def _attestation_inputs(design: Design) -> dict[str, object]:
    if not design.build.attestations:
        return {"sbom": False, "provenance": False}
    provenance: object = f"${{{{ {NOT_PR} }}}}"
    if not _attests_on_github(design):
        provenance = Commented(
            provenance,
            "kept with the image; GitHub artifact attestations need a public repository or Enterprise Cloud",
        )
    # Pull-request builds are loaded into the local image store, which cannot hold attestations.
    return {"sbom": f"${{{{ {NOT_PR} }}}}", "provenance": provenance}


def _build(design: Design) -> common.Step:
    build = design.build
    return common.step(
        "Build and push",
        id="build",
        uses_action="docker/build-push-action",
        with_={
            "context": build.context,
            "file": build.dockerfile,
            "platforms": _by_event(",".join(build.platforms_pull_request), ",".join(build.platforms_push)),
            "push": f"${{{{ {NOT_PR} }}}}",
            "load": f"${{{{ {IS_PR} }}}}",
            "tags": "${{ steps.meta.outputs.tags }}",
            "labels": "${{ steps.meta.outputs.labels }}",
            "cache-from": "type=gha",
            "cache-to": "type=gha,mode=max",
            **_attestation_inputs(design),
        },
    )


def _scan(design: Design, image: str) -> list[common.Step]:
    scan = design.build.scan
    if not scan.enabled:
        return []
    sarif_file = f"{scan.category}.sarif"
    # Pull requests scan the loaded image by its sha tag; other runs the pushed image by digest.
    by_event = "format(':sha-{0}', github.sha) || format('@{0}', steps.build.outputs.digest)"
    where = f"${{{{ {IS_PR} && {by_event} }}}}"
    trivy = common.step(
        "Scan the image with Trivy",
        uses_action="aquasecurity/trivy-action",
        with_={
            "image-ref": image + where,
            "format": "sarif",
            "output": sarif_file,
            "severity": ",".join(scan.severity),
            # Without this, SARIF output carries every severity and exit-code counts them all.
            "limit-severities-for-sarif": True,
            "ignore-unfixed": scan.ignore_unfixed,
            # Trivy exits 0 on findings unless told otherwise (trivy-action's exit-code input).
            "exit-code": Commented(1, "findings fail the job")
            if scan.fail_on_findings
            else Commented(0, "report only (build.scan.fail_on_findings: false); the job summary says so"),
        },
    )
    report = sarif.steps(
        design,
        scanner="Trivy (image)",
        category=scan.category,
        sarif_file=sarif_file,
        report_only=not scan.fail_on_findings,
    )
    return [trivy, *report]


def _record(design: Design, image: str) -> list[common.Step]:
    """The pushed image's digest as an artifact, for the deploy workflow (module docstring)."""
    return [
        common.step(
            "Record the pushed image",
            if_=NOT_PR,
            env={
                "IMAGE": image,
                "DIGEST": "${{ steps.build.outputs.digest }}",
                "COMMIT": "${{ github.sha }}",
            },
            shell="bash",
            run=IMAGE_RECORD,
        ),
        common.step(
            "Keep the image record for deploys",
            uses_action="actions/upload-artifact",
            if_=NOT_PR,
            with_={
                "name": IMAGE_ARTIFACT,
                "path": IMAGE_FILE,
                "if-no-files-found": "error",
                "retention-days": design.project.artifact_retention_days,
            },
        ),
    ]


def _attest(design: Design, image: str) -> list[common.Step]:
    if not _attests_on_github(design):
        return []
    return [
        common.step(
            "Attest build provenance",
            uses_action="actions/attest-build-provenance",
            if_=NOT_PR,
            with_={
                "subject-name": image,
                "subject-digest": "${{ steps.build.outputs.digest }}",
                "push-to-registry": True,
                "create-storage-record": Commented(False, "a storage record needs artifact-metadata: write"),
            },
        )
    ]


def _steps(design: Design, spec: JobSpec) -> list[common.Step]:
    name_steps, image = common.image_reference(design)
    return [
        common.checkout(),
        *name_steps,
        *_qemu(design, spec),
        common.step("Set up Docker Buildx", uses_action="docker/setup-buildx-action"),
        _login(design),
        common.step(
            "Image tags and labels",
            id="meta",
            uses_action="docker/metadata-action",
            with_={"images": image, "tags": "\n".join(TAGS) + "\n"},
        ),
        _build(design),
        *_attest(design, image),
        *_record(design, image),
        *_scan(design, image),
    ]
