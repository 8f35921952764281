"""Renderers: one module per generated file. `render_all` returns every file's text, in memory."""

from __future__ import annotations

from collections.abc import Callable

from pipekit.design import Design

Renderer = Callable[[Design, str], str | None]


def renderers() -> dict[str, Renderer]:
    """File name -> renderer; a renderer returns None when the design turns that file off."""
    from pipekit.render import build, deploy, gitleaks, license, security, test

    return {
        "test.yaml": test.render,
        "build.yaml": build.render,
        "security.yaml": security.render,
        "license-compliance.yaml": license.render,
        "deploy.yaml": deploy.render,
        ".gitleaks.toml": gitleaks.render,
    }


def render_all(design: Design, design_file: str = "pipeline.yaml") -> dict[str, str]:
    """Every file the design produces (files it turns off are absent)."""
    files: dict[str, str] = {}
    for name, render in renderers().items():
        text = render(design, design_file)
        if text is not None:
            files[name] = text
    return files
