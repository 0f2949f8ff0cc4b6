"""Test helpers around the AMI client: collect events, wait for one that matches."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import TypeVar

from acd.adapters.ami.client import AmiClient
from acd.adapters.ami.events import AmiEvent

E = TypeVar("E", bound=AmiEvent)


class EventLog:
    """Every event the client delivered, in order, with a way to wait for one."""

    def __init__(self) -> None:
        self.events: list[AmiEvent] = []
        self._arrived = asyncio.Event()

    def __call__(self, event: AmiEvent) -> None:
        self.events.append(event)
        self._arrived.set()

    async def wait_for(
        self, kind: type[E], match: Callable[[E], bool] = lambda _: True, timeout: float = 15.0
    ) -> E:
        end = time.monotonic() + timeout
        seen = 0
        while True:
            for event in self.events[seen:]:
                if isinstance(event, kind) and match(event):
                    return event
            seen = len(self.events)
            self._arrived.clear()
            left = end - time.monotonic()
            if left <= 0:
                names = [e.name for e in self.events[-20:]]
                raise TimeoutError(f"no {kind.__name__} matched in {timeout} s; last: {names}")
            with suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), left)


@asynccontextmanager
async def running_client(
    *, port: int, secret: str, user: str = "acd", backoff_max: float = 1.0
) -> AsyncIterator[tuple[AmiClient, EventLog]]:
    """A client kept up by ``run()`` for the duration of the block."""
    events = EventLog()
    client = AmiClient(
        host="127.0.0.1",
        port=port,
        username=user,
        secret=secret,
        on_event=events,
        backoff_max=backoff_max,
    )
    task = asyncio.create_task(client.run())
    try:
        await asyncio.wait_for(client.connected.wait(), 15)
        yield client, events
    finally:
        await client.close()
        task.cancel()
        with suppress(asyncio.CancelledError, Exception):
            await task
