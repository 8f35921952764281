"""The stand-in GitHub every fetch test talks to, and a fake clock for the waits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipekit.history.api import Client
from pipekit.history.store import Store, open_store

from .stand_in import GitHubStandIn

# Distinctive, so a test can look for it anywhere it must never be.
TOKEN = "ghp_fakeTOKENfor0pipekitTESTS0never0sent0elsewhere"
DAY = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    with GitHubStandIn() as stand_in:
        yield stand_in


@pytest.fixture
def pauses() -> list[float]:
    """The seconds the client would have slept."""
    return []


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "history.sqlite") as store:
        yield store


@pytest.fixture
def notices() -> list[str]:
    """What the client would have printed on stderr."""
    return []


@pytest.fixture
def client(github: GitHubStandIn, db: Store, pauses: list[float], notices: list[str]) -> Iterator[Client]:
    with Client(
        github.api_url, TOKEN, cache=db, sleep=pauses.append, notice=notices.append, max_retries=3
    ) as made:
        yield made
