"""Two push hubs on one Redis site, as two acd processes serve sockets: a user's clients on
either get every event with the same number, and a client resumes on the other hub exactly."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from rig.redis import RedisServer

from acd.adapters.redis import keys
from acd.adapters.redis.push_store import RedisPushStore
from acd.agent_desk import AgentDesk
from acd.auth import Principal, Tokens
from acd.push_hub import Hub
from acd.push_protocol import event

SECRET = "h" * 32
TEAMS = {"1001": "Billing", "1002": "Support"}


class Process:
    """What one acd process serves: its own store connection, hub and HTTP server."""

    def __init__(self, url: str, site: str, tokens: Tokens) -> None:
        self.store = RedisPushStore(url, site=site)
        self.tokens = tokens
        desk = AgentDesk(TEAMS, lambda: 1000.0, lambda request: None)
        self.hub = Hub(self.store, tokens, desk.command)
        app = web.Application()
        app.router.add_get("/ws", self.hub.handle)
        self.http = TestClient(TestServer(app))
        self.feed: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.http.start_server()
        self.feed = asyncio.create_task(self.hub.run())

    async def stop(self) -> None:
        if self.feed is not None:
            self.feed.cancel()
            await asyncio.gather(self.feed, return_exceptions=True)
        await self.http.close()
        await self.store.close()

    async def connect(
        self, user: str, resume: int | None = None
    ) -> aiohttp.ClientWebSocketResponse:
        token = self.tokens.issue(Principal(user, "agent", (TEAMS[user],)))[0]
        ws = await self.http.ws_connect("/ws")
        await ws.send_json({"type": "hello", "v": 1, "token": token, "resume": resume})
        return ws


class Site:
    """Two acd processes on one Redis site, and a third store that publishes (the routing)."""

    def __init__(self, url: str) -> None:
        self.name = f"test-{uuid.uuid4().hex}"
        tokens = Tokens(SECRET, ttl=900, clock=lambda: 1000.0)
        self.a, self.b = Process(url, self.name, tokens), Process(url, self.name, tokens)
        self.publisher = RedisPushStore(url, site=self.name)
        self.redis = aioredis.Redis.from_url(url, decode_responses=True)

    async def publish(self, user: str, n: int) -> int:
        return await self.publisher.publish(user, event("note", {"n": n, "text": "café ☕"}))

    async def hubs_subscribed(self) -> None:
        """Wait until both hubs listen on the site's channel."""
        channel, count = keys.push_channel(self.name), 0
        for _ in range(500):
            [(_channel, count)] = await self.redis.pubsub_numsub(channel)
            if count == 2:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"{count} hubs subscribed to {channel}, not 2")

    async def close(self) -> None:
        await self.a.stop()
        await self.b.stop()
        await self.publisher.close()
        await self.redis.aclose()


@contextlib.asynccontextmanager
async def running(server: RedisServer) -> AsyncIterator[Site]:
    site = Site(server.url)
    try:
        await site.a.start()
        await site.b.start()
        await site.hubs_subscribed()
        yield site
    finally:
        await site.close()


async def received(ws: aiohttp.ClientWebSocketResponse, count: int) -> list[dict[str, Any]]:
    return [json.loads((await ws.receive(timeout=5)).data) for _ in range(count)]


async def pong(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    """A ping's answer: the next message, so nothing else was sent before it."""
    await ws.send_json({"type": "ping", "id": "p"})
    (reply,) = await received(ws, 1)
    return reply


async def until_connected(process: Process, sockets: int) -> None:
    for _ in range(500):
        if process.hub.sockets == sockets:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{process.hub.sockets} sockets, not {sockets}")


async def test_a_users_clients_on_two_hubs_both_get_an_event_with_the_same_number(
    redis_server: RedisServer,
) -> None:
    async with running(redis_server) as site:
        await site.publish("1001", 0)  # before anyone connected
        on_a, on_b = await site.a.connect("1001"), await site.b.connect("1001")
        other = await site.b.connect("1002")
        welcomes = [(await received(ws, 1))[0] for ws in (on_a, on_b, other)]
        seq = await site.publish("1001", 1)
        got_a, got_b = (await received(on_a, 1))[0], (await received(on_b, 1))[0]
        other_pong = await pong(other)
    assert [(w["type"], w["seq"], w["user"]) for w in welcomes] == [
        ("welcome", 1, "1001"), ("welcome", 1, "1001"), ("welcome", 0, "1002"),
    ]  # fmt: skip
    assert seq == 2
    assert got_a == got_b == {
        "seq": 2, "v": 1, "type": "event", "event": "note", "data": {"n": 1, "text": "café ☕"}
    }  # fmt: skip
    assert other_pong["type"] == "pong"  # the other user got nothing of 1001's


async def test_events_published_by_either_process_reach_clients_of_both_hubs_in_order(
    redis_server: RedisServer,
) -> None:
    async with running(redis_server) as site:
        on_a, on_b = await site.a.connect("1001"), await site.b.connect("1001")
        await received(on_a, 1)
        await received(on_b, 1)
        for n, store in enumerate([site.a.store, site.b.store, site.publisher, site.a.store]):
            await store.publish("1001", event("note", {"n": n}))
        seen = [[(e["seq"], e["data"]["n"]) for e in await received(ws, 4)] for ws in (on_a, on_b)]
        pongs = [(await pong(ws))["type"] for ws in (on_a, on_b)]
    assert seen == [[(1, 0), (2, 1), (3, 2), (4, 3)]] * 2
    assert pongs == ["pong", "pong"]


async def test_a_client_that_moves_to_the_other_hub_gets_what_it_missed_exactly_once(
    redis_server: RedisServer,
) -> None:
    async with running(redis_server) as site:
        first = await site.a.connect("1001")
        await received(first, 1)
        for n in (1, 2):
            await site.publish("1001", n)
        seen = await received(first, 2)
        await first.close()
        await until_connected(site.a, 0)
        for n in (3, 4, 5):  # while it was away
            await site.publish("1001", n)
        again = await site.b.connect("1001", resume=seen[-1]["seq"])
        welcome, *missed = await received(again, 4)
        await site.publish("1001", 6)
        (live,) = await received(again, 1)
        after = await pong(again)
    assert [(e["seq"], e["data"]["n"]) for e in seen] == [(1, 1), (2, 2)]
    assert (welcome["type"], welcome["seq"], welcome["missed"]) == ("welcome", 5, 3)
    assert [(e["seq"], e["data"]["n"]) for e in [*missed, live]] == [
        (3, 3), (4, 4), (5, 5), (6, 6),
    ]  # fmt: skip
    assert after["type"] == "pong"  # and nothing was sent twice before it


async def test_a_client_resuming_on_the_other_hub_with_nothing_missed_gets_only_new_events(
    redis_server: RedisServer,
) -> None:
    async with running(redis_server) as site:
        first = await site.a.connect("1001")
        await received(first, 1)
        await site.publish("1001", 1)
        (seen,) = await received(first, 1)
        await first.close()
        again = await site.b.connect("1001", resume=seen["seq"])
        (welcome,) = await received(again, 1)
        await site.publish("1001", 2)
        (live,) = await received(again, 1)
        after = await pong(again)
    assert (welcome["type"], welcome["seq"], welcome["missed"]) == ("welcome", 1, 0)
    assert (live["seq"], live["data"]["n"]) == (2, 2)
    assert after["type"] == "pong"
