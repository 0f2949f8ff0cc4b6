"""The push port: each user's stream of messages, numbered 1, 2, 3... and kept a while, so a
client that reconnects gets what it missed; and a feed of new messages for every hub.

``MemoryPushStore`` here (unit and component tests, one process); ``RedisPushStore`` in
``acd/adapters/redis/push_store.py`` (several acd processes). Both pass one contract suite.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

KEEP = 1000
"""Messages kept per user for resuming; an older resume point gets a reset instead."""


@dataclass(frozen=True, slots=True)
class Pushed:
    user: str
    seq: int
    body: str
    """The message as JSON text (built by ``acd/push_protocol.py``)."""


class PushStore(Protocol):
    async def publish(self, user: str, body: str) -> int:
        """Append ``body`` to ``user``'s stream and announce it; its sequence number."""

    async def since(self, user: str, after: int) -> list[Pushed] | None:
        """``user``'s messages after ``after``, oldest first; None if some are no longer kept."""

    async def last(self, user: str) -> int:
        """The number of ``user``'s latest message (0: none yet)."""

    def feed(self) -> AsyncIterator[Pushed]:
        """Every message published from now on, for any user."""
        ...


class MemoryPushStore:
    def __init__(self, keep: int = KEEP) -> None:
        self._streams: dict[str, deque[Pushed]] = {}
        self._seqs: dict[str, int] = {}
        self._listeners: list[asyncio.Queue[Pushed]] = []
        self._keep = keep

    async def publish(self, user: str, body: str) -> int:
        seq = self._seqs[user] = self._seqs.get(user, 0) + 1
        pushed = Pushed(user, seq, body)
        self._streams.setdefault(user, deque(maxlen=self._keep)).append(pushed)
        for listener in self._listeners:
            listener.put_nowait(pushed)
        return seq

    async def since(self, user: str, after: int) -> list[Pushed] | None:
        kept = list(self._streams.get(user, ()))
        if kept and after < kept[0].seq - 1:
            return None
        return [p for p in kept if p.seq > after]

    async def last(self, user: str) -> int:
        return self._seqs.get(user, 0)

    async def feed(self) -> AsyncIterator[Pushed]:
        queue: asyncio.Queue[Pushed] = asyncio.Queue()
        self._listeners.append(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._listeners.remove(queue)
