"""System tier: a real Asterisk 22 (and a carrier Asterisk, and Redis) for the whole session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rig.session import Rig

AGENTS = Path(__file__).resolve().parent / "agents.yaml"


@pytest.fixture(scope="session")
def rig() -> Iterator[Rig]:
    with Rig.create(with_carrier=True, agents=AGENTS) as started:
        yield started
