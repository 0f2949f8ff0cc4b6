"""The one writer of state: a single task takes events off one queue and applies them in order.

Adapters never touch state; they call ``submit`` (synchronous, never blocks the
read path) and the runtime task hands each event to the handler. The queue is a
deque with one wake-up future: a tenth of ``asyncio.Queue``'s cost per event.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger("acd.runtime")

E = TypeVar("E")

BACKLOG_WARNING = 10_000


class Fanout(list[Callable[[E], None]]):
    """Handlers, each called in order with what the fanout is called with."""

    def __call__(self, item: E) -> None:
        for handle in self:
            handle(item)


class Runtime(Generic[E]):
    def __init__(self, handle: Callable[[E], None]) -> None:
        self._handle = handle
        self._queue: deque[E] = deque()
        self._wakeup: asyncio.Future[None] | None = None
        self._warned = False

    def submit(self, event: E) -> None:
        """Queue an event; warns once if the backlog grows past ``BACKLOG_WARNING``."""
        self._queue.append(event)
        wakeup = self._wakeup
        if wakeup is not None:
            self._wakeup = None
            if not wakeup.done():
                wakeup.set_result(None)
        elif not self._warned and len(self._queue) > BACKLOG_WARNING:
            self._warned = True
            log.warning("runtime backlog over %d events: the handler is behind", BACKLOG_WARNING)

    @property
    def backlog(self) -> int:
        return len(self._queue)

    async def run(self) -> None:
        queue, handle = self._queue, self._handle
        loop = asyncio.get_running_loop()
        while True:
            while queue:
                event = queue.popleft()
                try:
                    handle(event)
                except Exception:
                    log.exception("handler failed on %r; event skipped", event)
            self._warned = False
            self._wakeup = loop.create_future()
            await self._wakeup
