"""Integration tier: a real redis-server of the tests' own for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rig.redis import RedisServer


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.stop()
