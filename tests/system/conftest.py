"""System tier: a real Asterisk 22 (and a carrier Asterisk, and Redis) for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rig.session import Rig


@pytest.fixture(scope="session")
def rig() -> Iterator[Rig]:
    with Rig.create(with_carrier=True) as started:
        yield started
