"""The push store going away and coming back: no event is lost, none arrives twice."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator
from typing import cast

from acd.auth import User
from acd.callers import Callers
from acd.core import messages as m
from acd.push_feed import PushFeed
from acd.push_store import MemoryPushStore, Pushed
from tests.component.test_push import Push, received, running


class BreakingFeed(MemoryPushStore):
    """The in-memory store whose first feed breaks after one message (a Redis restart)."""

    def __init__(self) -> None:
        super().__init__()
        self.breaks = 1

    async def feed(self) -> AsyncIterator[Pushed]:
        if self.breaks:
            self.breaks -= 1
            first = cast("AsyncGenerator[Pushed, None]", super().feed())
            yield await anext(first)
            await first.aclose()
            raise ConnectionError("Redis went away")
        async for pushed in super().feed():
            yield pushed


async def test_events_published_while_the_feed_was_broken_reach_sockets_once_it_is_back() -> None:
    push = Push()
    push.store = push.hub._store = BreakingFeed()
    async with running(push):
        ws = await push.connect("1001")
        await received(ws, 1)
        await push.publish("1001", 1)
        (first,) = await received(ws, 1)  # then the feed breaks
        await push.publish("1001", 2)
        await push.publish("1001", 3)
        missed = await received(ws, 2)  # the hub listens again and catches the socket up
        await push.publish("1001", 4)
        (live,) = await received(ws, 1)
        await ws.send_json({"type": "ping"})
        (pong,) = await received(ws, 1)
    assert [e["seq"] for e in [first, *missed, live]] == [1, 2, 3, 4]
    assert pong["type"] == "pong"  # nothing twice


class FailingPublish(MemoryPushStore):
    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def publish(self, user: str, body: str) -> int:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("Redis is down")
        return await super().publish(user, body)


async def test_the_feed_retries_a_failed_publish_and_keeps_the_order() -> None:
    store = FailingPublish(failures=3)
    feed = PushFeed(store, {"1001": User("1001", "")}, {"1001": None}, Callers(None))
    runner = asyncio.create_task(feed.run())
    for state in ("ready", "ringing", "on_call"):
        feed.routed(m.AgentChanged("1001", state, "", 1.0))
    for _ in range(100):
        if await store.last("1001") == 3:
            break
        await asyncio.sleep(0.05)
    runner.cancel()
    told = await store.since("1001", 0) or []
    assert [json.loads(p.body)["data"]["state"] for p in told] == ["ready", "ringing", "on_call"]
