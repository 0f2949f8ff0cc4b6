"""The event log contract, run against both implementations: in memory and a Redis Stream.

The Redis one uses the session's own redis-server, with a site of its own per test.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import cast

import pytest
import redis
from rig.ports import free_port
from rig.redis import RedisServer

from acd.adapters.redis.event_log import FIELD, RedisEventLog
from acd.event_log import EventLog, EventLogDown, MemoryEventLog

OpenLog = Callable[[str], EventLog]

ODD = [
    '{"t":"SetNotReady","at":1.0,"agent":"1001","reason":"pause café ☕ 日本語"}',
    '{"t":"x","s":"quote \\" backslash \\\\ slash \\/ newline \\n tab \\t"}',
    '{"nested":{"a":[1,2,{"b":null}]},"colon:comma,":"}{][","e":"\\u00e9"}',
    "raw\nnewline\ttab and a NUL \x00 in the middle",
    "emoji 🎧📞 and right-to-left שלום",
    "",
    " ",
]


@pytest.fixture(params=["memory", "redis"])
async def open_log(request: pytest.FixtureRequest) -> AsyncIterator[OpenLog]:
    """Opens a log of a site; the same site name gives the same log within a test."""
    prefix = f"test-{uuid.uuid4().hex}"
    opened: dict[str, EventLog] = {}
    redis_logs: list[RedisEventLog] = []
    server: RedisServer | None = None
    if request.param == "redis":
        server = request.getfixturevalue("redis_server")

    def open_(site: str) -> EventLog:
        if site not in opened:
            if server is None:
                opened[site] = MemoryEventLog()
            else:
                log = RedisEventLog(server.url, site=f"{prefix}-{site}", timeout=5.0)
                redis_logs.append(log)
                opened[site] = log
        return opened[site]

    yield open_
    for log in redis_logs:
        await log.close()


async def batches(log: EventLog, batch: int = 1000) -> list[list[str]]:
    return [found async for found in log.read(batch=batch)]


async def entries(log: EventLog) -> list[str]:
    return [entry for found in await batches(log) for entry in found]


# the contract: both implementations ----------------------------------------------------


async def test_event_log_reads_nothing_when_empty(open_log: OpenLog) -> None:
    assert await batches(open_log("main")) == []


async def test_event_log_stores_nothing_when_appending_no_entries(open_log: OpenLog) -> None:
    log = open_log("main")
    await log.append([])
    assert await batches(log) == []


async def test_event_log_keeps_order_across_appends_when_read(open_log: OpenLog) -> None:
    log = open_log("main")
    await log.append(["e1", "e2"])
    await log.append(["e3"])
    await log.append([])
    await log.append(["e4", "e5", "e6"])
    assert await entries(log) == ["e1", "e2", "e3", "e4", "e5", "e6"]


async def test_event_log_keeps_duplicates_when_the_same_entry_is_appended_twice(
    open_log: OpenLog,
) -> None:
    log = open_log("main")
    await log.append(["same", "same"])
    await log.append(["same"])
    assert await entries(log) == ["same", "same", "same"]


@pytest.mark.parametrize(
    ("batch", "expected"),
    [
        (1, [["e0"], ["e1"], ["e2"], ["e3"], ["e4"]]),
        (2, [["e0", "e1"], ["e2", "e3"], ["e4"]]),
        (5, [["e0", "e1", "e2", "e3", "e4"]]),
        (1000, [["e0", "e1", "e2", "e3", "e4"]]),
    ],
)
async def test_event_log_reads_in_lists_of_at_most_batch_when_read_in_batches(
    open_log: OpenLog, batch: int, expected: list[list[str]]
) -> None:
    log = open_log("main")
    await log.append(["e0", "e1", "e2"])
    await log.append(["e3", "e4"])
    assert await batches(log, batch=batch) == expected


async def test_event_log_reads_everything_again_when_read_twice(open_log: OpenLog) -> None:
    log = open_log("main")
    await log.append(["e1", "e2", "e3"])
    assert await batches(log, batch=2) == [["e1", "e2"], ["e3"]]
    await log.append(["e4"])
    assert await batches(log, batch=2) == [["e1", "e2"], ["e3", "e4"]]


async def test_event_log_gives_entries_back_byte_equal_when_they_hold_unicode_and_json(
    open_log: OpenLog,
) -> None:
    log = open_log("main")
    await log.append(ODD[:3])
    await log.append(ODD[3:])
    back = await entries(log)
    assert back == ODD
    assert [entry.encode() for entry in back] == [entry.encode() for entry in ODD]


async def test_event_log_sites_do_not_see_each_other_when_sharing_one_store(
    open_log: OpenLog,
) -> None:
    east, west = open_log("east"), open_log("west")
    await east.append(["east-1"])
    await west.append(["west-1", "west-2"])
    await east.append(["east-2"])
    assert await entries(east) == ["east-1", "east-2"]
    assert await entries(west) == ["west-1", "west-2"]
    assert await entries(open_log("north")) == []


# Redis only ------------------------------------------------------------------------------


async def test_redis_event_log_stores_one_stream_entry_per_record_when_appending(
    redis_server: RedisServer,
) -> None:
    site = f"test-{uuid.uuid4().hex}"
    log = RedisEventLog(redis_server.url, site=site)
    try:
        await log.append(["e1", "e2"])
    finally:
        await log.close()
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    try:
        found = cast("list[tuple[str, dict[str, str]]]", client.xrange(f"acd:{site}:events"))
    finally:
        client.close()
    assert [fields for _, fields in found] == [{FIELD: "e1"}, {FIELD: "e2"}]


async def test_redis_event_log_reads_what_another_connection_wrote_when_reopened(
    redis_server: RedisServer,
) -> None:
    site = f"test-{uuid.uuid4().hex}"
    first = RedisEventLog(redis_server.url, site=site)
    await first.append(["e1", "e2"])
    await first.close()
    second = RedisEventLog(redis_server.url, site=site)
    try:
        assert await batches(second, batch=1) == [["e1"], ["e2"]]
    finally:
        await second.close()


async def test_redis_event_log_raises_event_log_down_when_appending_and_nothing_listens() -> None:
    log = RedisEventLog(f"redis://127.0.0.1:{free_port()}/0", timeout=0.5)
    try:
        with pytest.raises(EventLogDown, match="Redis"):
            await log.append(["e1"])
    finally:
        await log.close()


async def test_redis_event_log_raises_event_log_down_when_reading_and_nothing_listens() -> None:
    log = RedisEventLog(f"redis://127.0.0.1:{free_port()}/0", timeout=0.5)
    try:
        with pytest.raises(EventLogDown, match="Redis"):
            await batches(log)
    finally:
        await log.close()
