"""Three-way merge of design data: one side's changes survive the other's, both-changed keys are
conflicts unless a side is chosen, and removed keys stay removed."""

from __future__ import annotations

from typing import Any

from pipekit.design.merge import MISSING, Conflict, changed_paths, merge

BASE: dict[str, Any] = {
    "test": {"matrix": {"os": ["ubuntu-latest", "macos-latest"], "python-version": ["3.12"]}, "min_tests": 1},
    "billing": {"plan": "free"},
}


def test_changes_to_different_keys_both_survive() -> None:
    mine = {**BASE, "billing": {"plan": "team"}}
    theirs = {**BASE, "test": {**BASE["test"], "min_tests": 5}}
    merged = merge(BASE, mine, theirs)
    assert merged.conflicts == ()
    assert merged.data == {"test": {**BASE["test"], "min_tests": 5}, "billing": {"plan": "team"}}


def test_a_key_both_changed_is_a_conflict_with_both_values() -> None:
    mine = {**BASE, "billing": {"plan": "team"}}
    theirs = {**BASE, "billing": {"plan": "pro"}}
    merged = merge(BASE, mine, theirs)
    assert merged.conflicts == (Conflict(path=("billing", "plan"), mine="team", theirs="pro"),)
    assert merge(BASE, mine, theirs, {("billing", "plan"): "theirs"}).data["billing"] == {"plan": "pro"}
    assert merge(BASE, mine, theirs, {("billing", "plan"): "mine"}).data["billing"] == {"plan": "team"}


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    mine = {**BASE, "billing": {"plan": "team"}}
    assert merge(BASE, mine, mine) == merge(BASE, BASE, mine)
    assert merge(BASE, mine, mine).conflicts == ()


def test_lists_are_leaves_and_removals_are_changes() -> None:
    mine = {**BASE, "test": {**BASE["test"], "matrix": {**BASE["test"]["matrix"], "os": ["ubuntu-latest"]}}}
    theirs = {"test": BASE["test"]}  # the other notebook removed billing
    merged = merge(BASE, mine, theirs)
    assert merged.conflicts == ()
    assert merged.data == {"test": mine["test"]}
    both = {"test": BASE["test"], "billing": {"plan": "team"}}
    conflict = merge(BASE, both, theirs).conflicts
    assert conflict == (Conflict(path=("billing",), mine={"plan": "team"}, theirs=MISSING),)


def test_changed_paths_name_the_leaves() -> None:
    theirs = {"test": {**BASE["test"], "min_tests": 5}, "new": {"a": 1}}
    assert changed_paths(BASE, theirs) == [("test", "min_tests"), ("billing",), ("new",)]
    assert changed_paths(BASE, BASE) == []
