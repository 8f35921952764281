"""Pins and copied action.yml files shipped as package data."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources

import pytest

from pipekit.errors import DataError
from pipekit.facts import actions, packaged

DATA = resources.files("pipekit").joinpath("data")
METADATA_FILES = sorted(p.name for p in DATA.joinpath("action-metadata").iterdir() if p.name.endswith(".yml"))


def test_pins_load_and_are_valid() -> None:
    pins = actions.load_pins()
    # every pinned action has its action.yml copy, and every copy belongs to a pinned action
    repos_with_metadata = {
        name.split("__")[0] + "/" + name.split("__")[1].removesuffix(".yml") for name in METADATA_FILES
    }
    assert set(pins) == repos_with_metadata
    for key, pin in pins.items():
        assert key == pin.action
        assert re.fullmatch(r"[0-9a-f]{40}", pin.sha)
        assert re.fullmatch(r"v\d+\.\d+\.\d+", pin.version)
        assert isinstance(pin.date, dt.date)
        assert pin.major_ref == "none" or re.fullmatch(r"(tag|branch) v\d+", pin.major_ref)
    assert actions.load_pins() is pins  # cached


def test_uses_and_comment() -> None:
    assert actions.uses("actions/checkout") == "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1"
    assert actions.comment("actions/checkout") == "v7.0.1"
    # codeql's subpath actions share the repository's pin
    assert actions.uses("github/codeql-action/upload-sarif") == (
        "github/codeql-action/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e"
    )
    assert actions.comment("github/codeql-action/init") == "v4.36.2"


@pytest.mark.parametrize("action", ["nobody/nothing", "checkout", "actions/../x", "a b/c"])
def test_unknown_actions_are_refused(action: str) -> None:
    with pytest.raises(actions.UnknownActionError):
        actions.uses(action)


@pytest.mark.parametrize("name", METADATA_FILES)
def test_metadata_provenance_matches_the_pin(name: str) -> None:
    """The copied action.yml says which release it is; that must be the release we pin."""
    lines = DATA.joinpath("action-metadata", name).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Copied from the shared action data")
    match = re.fullmatch(r"# action\.yml of (\S+) at (v\S+) \(([0-9a-f]{40})\)", lines[1])
    assert match, lines[1]
    action, version, sha = match.groups()
    assert actions.metadata_file(action) == name
    pin = actions.pin_for(action)
    assert (pin.version, pin.sha) == (version, sha)


def test_every_pin_has_metadata() -> None:
    for repo in actions.load_pins():
        if repo == "github/codeql-action":  # only its subpath actions have an action.yml
            assert all(actions.has_metadata(f"{repo}/{sub}") for sub in ("init", "analyze", "upload-sarif"))
        else:
            assert actions.has_metadata(repo), repo


def test_metadata_inputs() -> None:
    checkout = actions.load_metadata("actions/checkout")
    assert {"fetch-depth", "persist-credentials", "ref"} <= checkout.declared
    assert checkout.required == frozenset()
    assert checkout.using == "node24"
    assert actions.load_metadata("aquasecurity/trivy-action").using == "composite"
    assert actions.load_metadata("actions/cache").required == {"path", "key"}
    assert actions.load_metadata("actions/upload-artifact").required == {"path"}
    assert actions.load_metadata("actions/github-script").required == {"script"}
    assert actions.load_metadata("github/codeql-action/upload-sarif").declared >= {"sarif_file"}
    with pytest.raises(actions.UnknownActionError):
        actions.load_metadata("github/codeql-action")


def _with_pins(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    real = packaged.data_text
    monkeypatch.setattr(
        packaged, "data_text", lambda *parts: text if parts == ("action-pins.yaml",) else real(*parts)
    )
    actions.load_pins.cache_clear()


GOOD_ENTRY = "version: v1.2.3\n    sha: " + "a" * 40 + "\n    date: 2026-01-02\n    major_ref: tag v1\n"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (GOOD_ENTRY.replace("a" * 40, "abc123"), "actions.o/r.sha"),
        (GOOD_ENTRY.replace("a" * 40, "A" * 40), "actions.o/r.sha"),
        (GOOD_ENTRY.replace("v1.2.3", "1.2.3"), "actions.o/r.version"),
        (GOOD_ENTRY.replace("v1.2.3", "v1.2"), "actions.o/r.version"),
        (GOOD_ENTRY.replace("2026-01-02", "2026-13-02"), "actions.o/r.date"),
        (GOOD_ENTRY.replace("2026-01-02", "yesterday"), "actions.o/r.date"),
        (GOOD_ENTRY.replace("tag v1", "v1"), "actions.o/r.major_ref"),
        (GOOD_ENTRY.replace("    date: 2026-01-02\n", ""), "actions.o/r: missing date"),
    ],
)
def test_malformed_pins_raise_data_error_naming_the_key(
    monkeypatch: pytest.MonkeyPatch, entry: str, expected: str
) -> None:
    _with_pins(monkeypatch, "actions:\n  o/r:\n    " + entry)
    try:
        with pytest.raises(DataError, match=re.escape(expected)):
            actions.load_pins()
    finally:
        actions.load_pins.cache_clear()


def test_well_formed_replacement_pins_load(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_pins(monkeypatch, "actions:\n  o/r:\n    " + GOOD_ENTRY)
    try:
        assert actions.uses("o/r/sub") == "o/r/sub@" + "a" * 40
    finally:
        actions.load_pins.cache_clear()


@pytest.mark.parametrize("text", ["[1, 2]", "actions: {}", "actions:\n  not-a-repo:\n    version: v1.0.0\n"])
def test_malformed_pins_file(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    _with_pins(monkeypatch, text)
    try:
        with pytest.raises(DataError):
            actions.load_pins()
    finally:
        actions.load_pins.cache_clear()
