"""The event log port: an append-only sequence of encoded records, read back oldest first.

Two implementations pass the same contract suite: ``MemoryEventLog`` here (unit and
component tests, and acd without Redis) and ``RedisEventLog`` (a Redis Stream).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol


class EventLogDown(Exception):
    """The log cannot be written or read now (the store is unreachable)."""


class EventLog(Protocol):
    async def append(self, entries: Sequence[str]) -> None:
        """Store ``entries`` after every earlier one, all or none; ``EventLogDown`` if not."""

    def read(self, *, batch: int = 1000) -> AsyncIterator[list[str]]:
        """Every entry, oldest first, in lists of at most ``batch``."""
        ...


class MemoryEventLog:
    """The log in a list: lost with the process."""

    def __init__(self) -> None:
        self.entries: list[str] = []

    async def append(self, entries: Sequence[str]) -> None:
        self.entries.extend(entries)

    async def read(self, *, batch: int = 1000) -> AsyncIterator[list[str]]:
        for start in range(0, len(self.entries), batch):
            yield self.entries[start : start + batch]
