"""actions/cache and its restore/save halves: every restore misses, the key checks still fail."""

from __future__ import annotations

import pytest

from pipekit.rehearse.actions import stand_in
from tests.rehearse.actions.conftest import Call


def test_a_restore_misses_and_leaves_cache_hit_unset(make_call: Call) -> None:
    inputs = {"path": "benchmark-data", "key": "benchmark-Linux-1", "restore-keys": "benchmark-Linux-\n"}
    result = stand_in(make_call("actions/cache", inputs))
    assert result.outcome == "success"
    assert dict(result.outputs) == {}  # restoreImpl.ts sets no cache-hit on a miss
    assert "benchmark-Linux-1, benchmark-Linux-" in result.log


def test_restore_only_names_its_primary_key(make_call: Call) -> None:
    result = stand_in(make_call("actions/cache/restore", {"path": "x", "key": "k-1"}))
    assert (result.outcome, dict(result.outputs)) == ("success", {"cache-primary-key": "k-1"})


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"path": "x"}, "Input required and not supplied: key"),
        ({"key": "k"}, "Input required and not supplied: path"),
        ({"path": "x", "key": "a,b"}, "Key Validation Error: a,b cannot contain commas."),
        (
            {"path": "x", "key": "k" * 513},
            f"Key Validation Error: {'k' * 513} cannot be larger than 512 characters.",
        ),
        (
            {"path": "x", "key": "k", "restore-keys": "\n".join(f"r{i}" for i in range(10))},
            "Key Validation Error: Keys are limited to a maximum of 10.",
        ),
    ],
)
def test_the_key_checks_fail_the_step(make_call: Call, inputs: dict[str, str], message: str) -> None:
    result = stand_in(make_call("actions/cache", inputs))
    assert (result.outcome, result.reason) == ("failure", message)


def test_fail_on_cache_miss_is_not_rehearsed(make_call: Call) -> None:
    result = stand_in(
        make_call("actions/cache/restore", {"path": "x", "key": "k", "fail-on-cache-miss": "true"})
    )
    assert result.outcome == "not_rehearsed"


def test_a_save_stores_nothing_and_never_fails(make_call: Call) -> None:
    assert stand_in(make_call("actions/cache/save", {"path": "x", "key": "k"})).outcome == "success"
    assert stand_in(make_call("actions/cache/save", {"path": "x"})).outcome == "success"
