"""The Dockerfile the image is built from, and its build context.

Candidates are files named ``Dockerfile``, ``Dockerfile.<x>``, ``<x>.Dockerfile`` or ``Containerfile``.
One a Makefile builds (``docker build -f <file> <context>``) wins, then one a compose file's ``build:``
names, else the shortest path. Paths in a Makefile are relative to its folder (make runs recipes there);
in a compose file, to the compose file's folder (Compose specification, "build").
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pipekit import yamlio
from pipekit.errors import InputFileError
from pipekit.repo.found import Found, assumed
from pipekit.repo.tree import Tree

_DOCKERFILE = re.compile(r"(?:Dockerfile|Containerfile)(?:\.[A-Za-z0-9_.-]+)?|[A-Za-z0-9_.-]+\.[Dd]ockerfile")
# Files named like Dockerfiles that are not ones: docs, templates, BuildKit's per-Dockerfile ignore files.
_NOT_DOCKERFILE = re.compile(r".*\.(?:md|rst|txt|j2|jinja|jinja2|tmpl|template|tpl|orig|bak|dockerignore)")
_COMPOSE = re.compile(
    r"(?:docker-)?compose(?:\.[A-Za-z0-9_-]+)*\.ya?ml|container-compose(?:\.[A-Za-z0-9_-]+)*\.ya?ml"
)
_MAKEFILE = re.compile(r"(?:GNUmakefile|[Mm]akefile|[A-Za-z0-9_.-]+\.mk)")
# `docker build`, `docker buildx build`, `docker image build`, `podman build`, `buildah bud`
_BUILD = re.compile(r"\b(?:docker|podman)\s+(?:buildx\s+|image\s+)?build\b|\bbuildah\s+(?:bud|build)\b")
# Build options that take a value as the next word; the one positional word left is the context.
_VALUE_OPTIONS = frozenset(
    {
        "-t",
        "--tag",
        "--build-arg",
        "--target",
        "--platform",
        "--label",
        "--cache-from",
        "--cache-to",
        "--network",
        "--secret",
        "--ssh",
        "-o",
        "--output",
        "--progress",
        "--build-context",
        "--iidfile",
        "--metadata-file",
        "--add-host",
        "--shm-size",
        "--ulimit",
        "--memory",
        "-m",
    }
)


@dataclass(frozen=True)
class Image:
    """The Dockerfile and the context to build it with, each with its source."""

    dockerfile: Found[str]
    context: Found[str]
    candidates: tuple[str, ...]  # every Dockerfile found, shortest first


def _join(folder: str, path: str) -> str | None:
    """`path` (relative to `folder`) relative to the repository root; None for one outside it."""
    joined = posixpath.normpath(posixpath.join(folder, path)) if folder else posixpath.normpath(path)
    return None if joined.startswith("../") or joined == ".." or posixpath.isabs(joined) else joined


def _make_builds(tree: Tree, makefile: str) -> Iterator[tuple[str, str | None]]:
    """(Dockerfile, context) of each build command in a Makefile's recipes, relative to the root."""
    text = tree.text(makefile) or ""
    folder = posixpath.dirname(makefile)
    for line in text.replace("\\\n", " ").splitlines():
        match = _BUILD.search(line)
        if match is None:
            continue
        try:
            words = shlex.split(line[match.end() :].split("&&")[0].split(";")[0])
        except ValueError:
            continue
        file, context, skip = None, None, False
        for index, word in enumerate(words):
            if skip:
                skip = False
            elif word in ("-f", "--file"):
                file = words[index + 1] if index + 1 < len(words) else None
                skip = True
            elif word.startswith("--file="):
                file = word.removeprefix("--file=")
            elif word.startswith("-"):
                skip = word in _VALUE_OPTIONS
            elif context is None:
                context = word
        context_path = _join(folder, context) if context else None
        if file is None and context is not None and context_path is not None:
            file = posixpath.join(context, "Dockerfile")  # docker's default: <context>/Dockerfile
        dockerfile = _join(folder, file) if file else None
        if dockerfile and "$" not in dockerfile and "$" not in (context_path or ""):
            yield dockerfile, context_path


def _compose_builds(tree: Tree, compose: str) -> Iterator[tuple[str, str | None]]:
    try:
        data = yamlio.loads(tree.text(compose) or "", compose)
    except InputFileError:
        return
    services = data.get("services") if isinstance(data, Mapping) else None
    folder = posixpath.dirname(compose)
    for service in services.values() if isinstance(services, Mapping) else []:
        build = service.get("build") if isinstance(service, Mapping) else None
        if isinstance(build, str):
            build = {"context": build}
        if not isinstance(build, Mapping) or not isinstance(build.get("context", "."), str):
            continue
        context = _join(folder, build.get("context", "."))
        file = build.get("dockerfile", "Dockerfile")
        if context is not None and isinstance(file, str):
            dockerfile = _join(context, file)
            if dockerfile:
                yield dockerfile, context


def find_image(tree: Tree) -> Image | None:
    """The Dockerfile to build, or None when the repository has none."""
    candidates = sorted(
        (
            name
            for name in tree.files
            if _DOCKERFILE.fullmatch(base := posixpath.basename(name)) and not _NOT_DOCKERFILE.fullmatch(base)
        ),
        key=lambda name: (len(name), name),
    )
    if not candidates:
        return None
    references: list[tuple[str, str | None, str]] = []
    for name in tree.files:
        base = posixpath.basename(name)
        if _MAKEFILE.fullmatch(base):
            references += [
                (file, context, f"{name} (docker build)") for file, context in _make_builds(tree, name)
            ]
    for name in tree.files:
        if _COMPOSE.fullmatch(posixpath.basename(name)):
            references += [(file, context, f"{name} build") for file, context in _compose_builds(tree, name)]
    for file, context, where in references:
        if file in candidates:
            found_context = Found(context, where) if context else assumed(".", "the repository root")
            return Image(Found(file, where), found_context, tuple(candidates))
    chosen = candidates[0]
    source = (
        "the only Dockerfile"
        if len(candidates) == 1
        else f"the shortest of {len(candidates)} Dockerfile paths"
    )
    return Image(Found(chosen, source), assumed(".", "the repository root"), tuple(candidates))
