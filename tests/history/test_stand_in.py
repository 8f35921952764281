"""The stand-in serves only what GitHub's schemas allow: an object they refuse is refused when built."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError

from .conftest import DAY
from .stand_in import GitHubStandIn


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", 3), ("run_number", "12"), ("created_at", None), ("pull_requests", [{"id": 1}])],
)
def test_a_run_the_schema_refuses_is_refused(github: GitHubStandIn, field: str, value: object) -> None:
    github.add_run(1, DAY)
    github.add_run(2, DAY)  # checked against the first, field by field
    with pytest.raises(ValidationError):
        github.update_run(2, **{field: value})


def test_a_run_without_a_required_field_is_refused(github: GitHubStandIn) -> None:
    github.add_run(1, DAY)
    github.runs[1].pop("head_sha")
    with pytest.raises(ValidationError, match="'head_sha' is a required property"):
        github.update_run(1)
