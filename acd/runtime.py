"""The one writer of state: a single task takes events off one queue and applies them in order.

Adapters never touch state; they call ``submit`` (synchronous, never blocks the
read path) and the runtime task hands each event to the handler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger("acd.runtime")

E = TypeVar("E")

BACKLOG_WARNING = 10_000


class Runtime(Generic[E]):
    def __init__(self, handle: Callable[[E], None]) -> None:
        self._handle = handle
        self._queue: asyncio.Queue[E] = asyncio.Queue()
        self._warned = False

    def submit(self, event: E) -> None:
        """Queue an event; warns once if the backlog grows past ``BACKLOG_WARNING``."""
        self._queue.put_nowait(event)
        if not self._warned and self._queue.qsize() > BACKLOG_WARNING:
            self._warned = True
            log.warning(
                "runtime backlog over %d events: the handler is falling behind", BACKLOG_WARNING
            )

    @property
    def backlog(self) -> int:
        return self._queue.qsize()

    async def run(self) -> None:
        queue, handle = self._queue, self._handle
        while True:
            event = await queue.get()
            try:
                handle(event)
            except Exception:
                log.exception("handler failed on %r; event skipped", event)
            if self._warned and queue.qsize() < BACKLOG_WARNING // 2:
                self._warned = False
