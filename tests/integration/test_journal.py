"""Write-ahead on a real Redis: effects run only once their records are in the stream, in
order, and wait (retrying) while Redis is down."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from typing import cast

import pytest
import redis
from rig.ports import free_port
from rig.redis import RedisServer

from acd.adapters.redis.event_log import FIELD, RedisEventLog
from acd.core import messages as m
from acd.journal import Journal
from acd.records import Record, encode

R1, R2, R3 = m.LoggedIn(1.0, "a1"), m.SetReady(2.0, "a1"), m.CallArrived(3.0, "c1", "billing")
R4, R5 = m.Answered(4.0, "c1", "a1"), m.CallEnded(5.0, "c1")


class CountingLog:
    """The real Redis log, counting the appends tried (to see the journal retry)."""

    def __init__(self, log: RedisEventLog) -> None:
        self.log, self.tries = log, 0

    async def append(self, entries: Sequence[str]) -> None:
        self.tries += 1
        await self.log.append(entries)

    def read(self, *, batch: int = 1000) -> AsyncIterator[list[str]]:
        return self.log.read(batch=batch)


def in_stream(url: str, key: str) -> list[str]:
    """What the stream holds now, read on a connection of the test's own."""
    client = redis.Redis.from_url(url, decode_responses=True)
    try:
        found = cast("list[tuple[str, dict[str, str]]]", client.xrange(key))
        return [fields[FIELD] for _, fields in found]
    finally:
        client.close()


def encoded(*records: Record) -> list[str]:
    return [encode(record) for record in records]


async def until(condition: Callable[[], bool], bound: float = 30.0) -> None:
    """Poll a condition nothing signals; ``bound`` only stops a hung test."""
    for _ in range(int(bound / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise TimeoutError(f"condition still false after {bound} s")


@contextlib.asynccontextmanager
async def writing(journal: Journal) -> AsyncIterator[Journal]:
    task = asyncio.create_task(journal.run())
    try:
        yield journal
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.fixture
async def event_log(redis_server: RedisServer) -> AsyncIterator[RedisEventLog]:
    log = RedisEventLog(redis_server.url, site=f"test-{uuid.uuid4().hex}")
    yield log
    await log.close()


async def test_journal_runs_effects_in_order_after_their_records_are_in_redis_when_up(
    redis_server: RedisServer, event_log: RedisEventLog
) -> None:
    saw: list[tuple[str, list[str]]] = []

    def effect(name: str) -> Callable[[], None]:
        return lambda: saw.append((name, in_stream(redis_server.url, event_log.key)))

    async with writing(Journal(event_log)) as journal:
        journal.record(R1)
        journal.then(effect("A"))
        assert saw == []  # not before R1 is written
        await until(lambda: len(saw) == 1)
        journal.record(R2)
        journal.record(R3)
        journal.then(effect("B"))
        journal.record(R4)
        journal.then(effect("C"))
        journal.then(effect("D"))
        assert saw == [("A", encoded(R1))]
        await until(lambda: len(saw) == 4)
    assert [name for name, _ in saw] == ["A", "B", "C", "D"]
    assert saw[0] == ("A", encoded(R1))
    assert saw[1][1][:3] == encoded(R1, R2, R3)  # R4 may have gone in the same round trip
    assert saw[2] == ("C", encoded(R1, R2, R3, R4))
    assert saw[3] == ("D", encoded(R1, R2, R3, R4))
    assert journal.summary() == {"state": "up", "written": 4, "waiting_to_be_written": 0}


async def test_journal_runs_an_effect_at_once_when_nothing_is_pending(
    redis_server: RedisServer, event_log: RedisEventLog
) -> None:
    ran: list[str] = []
    async with writing(Journal(event_log)) as journal:
        journal.then(lambda: ran.append("fresh"))
        assert ran == ["fresh"]  # synchronously: nothing was recorded
        journal.record(R1)
        journal.then(lambda: ran.append("after R1"))
        await until(lambda: len(ran) == 2)
        journal.then(lambda: ran.append("all written"))
        assert ran == ["fresh", "after R1", "all written"]
    assert in_stream(redis_server.url, event_log.key) == encoded(R1)


async def test_journal_runs_the_later_effects_when_an_earlier_one_fails(
    event_log: RedisEventLog,
) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("AMI said no")

    async with writing(Journal(event_log)) as journal:
        journal.record(R1)
        journal.then(broken)
        journal.then(lambda: ran.append("next"))
        await until(lambda: ran == ["next"])
        journal.then(broken)  # nothing pending: at once, and still contained
        journal.then(lambda: ran.append("last"))
    assert ran == ["next", "last"]


async def test_journal_holds_effects_until_redis_starts_when_nothing_listens_at_first() -> None:
    port = free_port()
    site = f"test-{uuid.uuid4().hex}"
    log = CountingLog(RedisEventLog(f"redis://127.0.0.1:{port}/0", site=site, timeout=0.5))
    ran: list[str] = []
    server = RedisServer(port=port)
    try:
        async with writing(Journal(log, backoff_max=0.2)) as journal:
            journal.record(R1)
            journal.record(R2)
            journal.then(lambda: ran.append("A"))
            journal.record(R3)
            journal.then(lambda: ran.append("B"))
            await until(lambda: journal.down_since is not None)
            journal.record(R4)  # recorded while down: queued behind the batch being retried
            journal.then(lambda: ran.append("C"))
            await until(lambda: log.tries >= 3)
            assert ran == []
            assert journal.summary()["state"] == "down" and journal.written == 0
            server.start()
            await until(lambda: len(ran) == 3)
            assert journal.summary() == {"state": "up", "written": 4, "waiting_to_be_written": 0}
            assert journal.down_since is None
        assert ran == ["A", "B", "C"]
        assert in_stream(server.url, log.log.key) == encoded(R1, R2, R3, R4)
    finally:
        await log.log.close()
        server.stop()


async def test_journal_holds_effects_until_redis_is_back_when_it_stops_after_writing() -> None:
    first = RedisServer()
    first.start()
    port, site = first.port, f"test-{uuid.uuid4().hex}"
    log = RedisEventLog(first.url, site=site, timeout=0.5)
    ran: list[str] = []
    second = RedisServer(port=port)  # stop() deletes the data dir: a new, empty one
    try:
        async with writing(Journal(log, backoff_max=0.2)) as journal:
            journal.record(R1)
            journal.then(lambda: ran.append("A"))
            await until(lambda: ran == ["A"])
            first.stop()
            journal.record(R2)
            journal.then(lambda: ran.append("B"))
            journal.record(R3)
            journal.then(lambda: ran.append("C"))
            await until(lambda: journal.down_since is not None)
            assert ran == ["A"] and journal.summary()["state"] == "down"
            second.start()
            await until(lambda: len(ran) == 3)
            assert journal.summary()["state"] == "up" and journal.written == 3
        assert ran == ["A", "B", "C"]
        assert in_stream(second.url, log.key) == encoded(R2, R3)
    finally:
        await log.close()
        first.stop()
        second.stop()


async def test_journal_summary_counts_every_unwritten_record_when_redis_is_down() -> None:
    log = RedisEventLog(f"redis://127.0.0.1:{free_port()}/0", timeout=0.5)
    try:
        async with writing(Journal(log, backoff_max=0.2)) as journal:
            journal.record(R1)
            journal.record(R2)
            journal.record(R3)
            assert journal.summary()["waiting_to_be_written"] == 3
            await until(lambda: journal.down_since is not None)
            journal.record(R4)
            journal.record(R5)
            assert journal.summary() == {
                "state": "down", "written": 0, "waiting_to_be_written": 5,
            }  # fmt: skip
    finally:
        await log.close()
