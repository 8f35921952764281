"""The Dockerfile to build: one a Makefile builds, then one a compose file's build names, else the
shortest path. Paths in a Makefile are relative to its folder; in a compose file to the compose file's
folder (compose-spec.io, "build": "context ... relative path ... resolved from the Compose file's parent
folder"; "dockerfile ... relative path is resolved from the build context")."""

from __future__ import annotations

from pathlib import Path

from pipekit.repo.docker import find_image
from pipekit.repo.tree import Tree

from .fixtures import write

DOCKERFILES = {
    "infra/docker/Dockerfile": "FROM a\n",
    "infra/docker/Dockerfile.alpine": "FROM a\n",
    "infra/docker/Dockerfile.production": "FROM a\n",
}


def test_the_makefile_decides(tmp_path: Path) -> None:
    files = {
        **DOCKERFILES,
        "infra/docker/docker-compose.yaml": "services:\n  app:\n    build:\n      dockerfile: Dockerfile\n",
        "Makefile": "image:\n\t@docker build --pull -f infra/docker/Dockerfile.production -t app:$(TAG) .\n",
    }
    image = find_image(Tree(write(tmp_path, files)))
    assert image is not None
    assert (image.dockerfile.value, image.dockerfile.comment) == (
        "infra/docker/Dockerfile.production",
        "from Makefile (docker build)",
    )
    assert (image.context.value, image.context.comment) == (".", "from Makefile (docker build)")
    assert image.candidates == (
        "infra/docker/Dockerfile",
        "infra/docker/Dockerfile.alpine",
        "infra/docker/Dockerfile.production",
    )


def test_a_makefile_in_a_folder_and_buildx(tmp_path: Path) -> None:
    files = {
        **DOCKERFILES,
        "infra/Makefile": "image:\n\tdocker buildx build --file docker/Dockerfile.alpine ..\n",
    }
    image = find_image(Tree(write(tmp_path, files)))
    assert image is not None
    assert (image.dockerfile.value, image.context.value) == ("infra/docker/Dockerfile.alpine", ".")


def test_a_compose_file_next(tmp_path: Path) -> None:
    files = {
        **DOCKERFILES,
        "infra/docker/docker-compose.yaml": (
            "services:\n  app:\n    build:\n"
            "      context: ../..\n      dockerfile: infra/docker/Dockerfile.alpine\n"
        ),
    }
    image = find_image(Tree(write(tmp_path, files)))
    assert image is not None
    assert (image.dockerfile.value, image.dockerfile.comment) == (
        "infra/docker/Dockerfile.alpine",
        "from infra/docker/docker-compose.yaml build",
    )
    assert image.context.value == "."


def test_a_compose_build_string_is_the_context(tmp_path: Path) -> None:
    files = {
        "svc/Dockerfile": "FROM a\n",
        "Dockerfile": "FROM b\n",
        "compose.yaml": "services:\n  s:\n    build: svc\n",
    }
    image = find_image(Tree(write(tmp_path, files)))
    assert image is not None
    assert (image.dockerfile.value, image.context.value) == ("svc/Dockerfile", "svc")


def test_else_the_shortest_path(tmp_path: Path) -> None:
    image = find_image(Tree(write(tmp_path, DOCKERFILES)))
    assert image is not None
    assert (image.dockerfile.value, image.dockerfile.comment) == (
        "infra/docker/Dockerfile",
        "from the shortest of 3 Dockerfile paths",
    )
    assert image.context.comment == "assumed: the repository root"


def test_variables_and_unknown_files_are_not_guessed(tmp_path: Path) -> None:
    files = {
        "Dockerfile": "FROM a\n",
        "Makefile": "img:\n\tdocker build -f $(DOCKERFILE) .\n\tdocker build -f gone/Dockerfile .\n",
    }
    image = find_image(Tree(write(tmp_path, files)))
    assert image is not None
    assert (image.dockerfile.value, image.dockerfile.comment) == ("Dockerfile", "from the only Dockerfile")


def test_no_dockerfile(tmp_path: Path) -> None:
    assert find_image(Tree(write(tmp_path, {"app.py": ""}))) is None


def test_files_named_like_dockerfiles_that_are_not(tmp_path: Path) -> None:
    files = {
        "docs/Dockerfile.md": "# about\n",
        "Dockerfile.j2": "FROM {{ base }}\n",
        "Dockerfile.dockerignore": "*.pyc\n",
        "deploy/app.Dockerfile": "FROM a\n",
    }
    image = find_image(Tree(write(tmp_path, files)))
    assert image is not None
    assert image.candidates == ("deploy/app.Dockerfile",)
