"""The push store contract, run against both implementations: in memory and Redis.

The Redis one uses the session's own redis-server, with a site of its own per test; every
``open_store`` of a site makes a new ``RedisPushStore`` on it, as another acd process would.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Protocol

import pytest
import redis.asyncio as aioredis
from rig.redis import RedisServer

from acd.adapters.redis import keys
from acd.adapters.redis.push_store import RedisPushStore
from acd.push_store import KEEP, MemoryPushStore, Pushed, PushStore

ODD = [
    '{"v":1,"type":"event","event":"note","data":{"reason":"pause café ☕ 日本語"}}',
    '{"s":"quote \\" backslash \\\\ slash \\/ newline \\n tab \\t","e":"\\u00e9"}',
    '{"nested":{"a":[1,2,{"b":null}]},"colon:comma,":"}{][","n":-1.5e3}',
    "raw\nnewline\ttab and a NUL \x00 in the middle",
    "emoji 🎧📞 and right-to-left שלום",
    "",
    " ",
]


class OpenStore(Protocol):
    def __call__(self, site: str = "main", keep: int = KEEP) -> PushStore: ...


@pytest.fixture(params=["memory", "redis"])
async def open_store(request: pytest.FixtureRequest) -> AsyncIterator[OpenStore]:
    """Opens a push store of a site; the same site name gives the same messages within a test."""
    prefix = f"test-{uuid.uuid4().hex}"
    memory: dict[str, MemoryPushStore] = {}
    opened: list[RedisPushStore] = []
    server: RedisServer | None = None
    if request.param == "redis":
        server = request.getfixturevalue("redis_server")

    def open_(site: str = "main", keep: int = KEEP) -> PushStore:
        if server is None:
            return memory.setdefault(site, MemoryPushStore(keep))
        store = RedisPushStore(server.url, site=f"{prefix}-{site}", keep=keep)
        opened.append(store)
        return store

    yield open_
    for store in opened:
        await store.close()


class Feed:
    """A store's feed consumed by a task, ready once a probe message has come through it."""

    PROBE = "probe-user"

    def __init__(self, store: PushStore) -> None:
        self.store = store
        self.queue: asyncio.Queue[Pushed] = asyncio.Queue()
        self.task = asyncio.create_task(self._pump())

    async def _pump(self) -> None:
        async for pushed in self.store.feed():
            self.queue.put_nowait(pushed)

    async def get(self) -> Pushed:
        return await asyncio.wait_for(self.queue.get(), 5)

    async def subscribed(self) -> None:
        """Publish probes until one comes through; then drain up to the last probe."""
        for _ in range(100):
            seq = await self.store.publish(self.PROBE, "probe")
            try:
                got = await asyncio.wait_for(self.queue.get(), 0.05)
            except TimeoutError:
                continue
            while got.seq < seq:  # later probes all come: the feed was live from ``got``
                got = await self.get()
            assert got == Pushed(self.PROBE, seq, "probe")
            return
        raise AssertionError("the feed never delivered a probe")

    async def until_probe(self) -> list[Pushed]:
        """Publish a probe; everything the feed gives before it."""
        seq = await self.store.publish(self.PROBE, "probe")
        before: list[Pushed] = []
        while (got := await self.get()) != Pushed(self.PROBE, seq, "probe"):
            before.append(got)
        return before

    async def close(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


def bodies(found: list[Pushed] | None) -> list[str] | None:
    return None if found is None else [p.body for p in found]


# the contract: both implementations ----------------------------------------------------


async def test_push_store_numbers_each_users_messages_1_2_3_when_published(
    open_store: OpenStore,
) -> None:
    store = open_store()
    seqs = [await store.publish(user, "m") for user in ["a", "a", "b", "a", "b", "c"]]
    assert seqs == [1, 2, 1, 3, 2, 1]


async def test_push_store_numbers_sites_independently_when_users_share_a_name(
    open_store: OpenStore,
) -> None:
    east, west = open_store("east"), open_store("west")
    assert [await east.publish("a", "m") for _ in range(3)] == [1, 2, 3]
    assert await west.publish("a", "m") == 1
    assert await east.publish("a", "m") == 4
    assert (await east.last("a"), await west.last("a")) == (4, 1)
    assert bodies(await west.since("a", 0)) == ["m"]


async def test_push_store_gives_distinct_consecutive_numbers_when_two_handles_publish_at_once(
    open_store: OpenStore,
) -> None:
    one, two = open_store(), open_store()
    sent = [f"m{n}" for n in range(60)]
    seqs = await asyncio.gather(
        *(s.publish("a", b) for s, b in zip([one, two] * 30, sent, strict=True))
    )
    assert sorted(seqs) == list(range(1, 61))
    found = await one.since("a", 0)
    assert found is not None
    assert [p.seq for p in found] == list(range(1, 61))
    assert sorted(p.body for p in found) == sorted(sent)
    assert {seq: body for seq, body in zip(seqs, sent, strict=True)} == {
        p.seq: p.body for p in found
    }


async def test_push_store_last_is_0_for_a_new_user_then_the_latest_number(
    open_store: OpenStore,
) -> None:
    store = open_store()
    assert await store.last("a") == 0
    await store.publish("a", "m")
    await store.publish("a", "m")
    await store.publish("b", "m")
    assert (await store.last("a"), await store.last("b"), await store.last("c")) == (2, 1, 0)
    assert await open_store().last("a") == 2  # another handle on the same site


async def test_push_store_since_is_empty_for_a_user_with_no_messages(
    open_store: OpenStore,
) -> None:
    store = open_store()
    await store.publish("b", "m")
    assert await store.since("a", 0) == []


async def test_push_store_since_0_gives_every_message_in_order_byte_equal(
    open_store: OpenStore,
) -> None:
    store = open_store()
    for body in ODD:
        await store.publish("a", body)
    await store.publish("b", "not a's")
    found = await open_store().since("a", 0)
    assert found == [Pushed("a", n, body) for n, body in enumerate(ODD, 1)]
    assert [p.body.encode() for p in found] == [body.encode() for body in ODD]


async def test_push_store_since_n_gives_the_messages_after_n(open_store: OpenStore) -> None:
    store = open_store()
    for n in range(1, 8):
        await store.publish("a", f"m{n}")
    assert await store.since("a", 4) == [Pushed("a", n, f"m{n}") for n in (5, 6, 7)]
    assert await store.since("a", 6) == [Pushed("a", 7, "m7")]


async def test_push_store_since_the_latest_number_is_empty(open_store: OpenStore) -> None:
    store = open_store()
    for n in range(3):
        await store.publish("a", f"m{n}")
    assert await store.since("a", 3) == []


async def test_push_store_since_a_trimmed_point_is_none_and_a_recent_one_the_tail(
    open_store: OpenStore,
) -> None:
    store = open_store(keep=3)
    sent = [f"m{n}" for n in range(1, 501)]  # Redis trims approximately: enough to trim surely
    for body in sent:
        await store.publish("a", body)
    answers = [bodies(await store.since("a", after)) for after in range(501)]
    oldest = next(after for after, found in enumerate(answers) if found is not None)
    assert answers[0] is None
    assert 0 < oldest <= 497  # at least ``keep`` kept
    assert answers[:oldest] == [None] * oldest
    assert answers[oldest:] == [sent[after:] for after in range(oldest, 501)]
    assert await store.since("a", 497) == [Pushed("a", n, f"m{n}") for n in (498, 499, 500)]


async def test_push_store_feed_yields_every_users_messages_published_after_it_started(
    open_store: OpenStore,
) -> None:
    store = open_store()
    await store.publish("a", "before the feed")
    feed = Feed(store)
    try:
        await feed.subscribed()
        publisher = open_store()  # another handle: another acd process, for Redis
        await open_store("elsewhere").publish("a", "another site")
        sent = [("a", ODD[0]), ("b", ODD[1]), ("a", ODD[2]), ("c", ODD[3]), ("b", ODD[4])]
        sent += [("a", ODD[5]), ("a", ODD[6])]
        for user, body in sent:
            await publisher.publish(user, body)
        got = await feed.until_probe()
    finally:
        await feed.close()
    assert got == [
        Pushed("a", 2, ODD[0]), Pushed("b", 1, ODD[1]), Pushed("a", 3, ODD[2]),
        Pushed("c", 1, ODD[3]), Pushed("b", 2, ODD[4]), Pushed("a", 4, ODD[5]),
        Pushed("a", 5, ODD[6]),
    ]  # fmt: skip
    assert [p.body.encode() for p in got] == [body.encode() for _, body in sent]


async def test_push_store_feeds_each_get_every_message_when_two_run_at_once(
    open_store: OpenStore,
) -> None:
    feeds = [Feed(open_store()), Feed(open_store())]
    try:
        for feed in feeds:
            await feed.subscribed()
        for feed in feeds:  # the other feed's probes are in each
            await feed.until_probe()
        store = open_store()
        for n in range(5):
            await store.publish("a", f"m{n}")
        got = [await feed.until_probe() for feed in feeds]
    finally:
        for feed in feeds:
            await feed.close()
    expected = [Pushed("a", n + 1, f"m{n}") for n in range(5)]
    assert [[p for p in g if p.user != Feed.PROBE] for g in got] == [expected, expected]


# Redis only ------------------------------------------------------------------------------


async def test_redis_push_store_since_is_none_when_the_stream_is_gone_but_the_number_is_not(
    redis_server: RedisServer,
) -> None:
    site = f"test-{uuid.uuid4().hex}"
    store = RedisPushStore(redis_server.url, site=site)
    client = aioredis.Redis.from_url(redis_server.url)
    try:
        for n in range(3):
            await store.publish("a", f"m{n}")
        await client.delete(keys.push_stream(site, "a"))  # evicted, say
        answers = [await store.since("a", 0), await store.since("a", 2), await store.since("a", 3)]
    finally:
        await client.aclose()
        await store.close()
    assert answers == [None, None, []]
