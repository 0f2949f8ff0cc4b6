"""The event log as a Redis Stream: one entry per record, appended in one round trip."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import cast

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from acd.adapters.redis import keys
from acd.event_log import EventLogDown

FIELD = "r"


class RedisEventLog:
    def __init__(self, url: str, *, site: str = "main", timeout: float = 2.0) -> None:
        self.key = keys.events(site)
        self._redis = aioredis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, decode_responses=True
        )

    async def append(self, entries: Sequence[str]) -> None:
        if not entries:
            return
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                for entry in entries:
                    pipe.xadd(self.key, {FIELD: entry})
                await pipe.execute()
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            raise EventLogDown(f"Redis: {exc}") from exc

    async def read(self, *, batch: int = 1000) -> AsyncIterator[list[str]]:
        after = "-"
        while True:
            try:
                found = cast(
                    "list[tuple[str, dict[str, str]]]",
                    await self._redis.xrange(self.key, min=after, count=batch),
                )
            except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                raise EventLogDown(f"Redis: {exc}") from exc
            if not found:
                return
            yield [fields[FIELD] for _, fields in found]
            after = f"({found[-1][0]}"

    async def length(self) -> int:
        """How many entries the log holds."""
        try:
            return int(await self._redis.xlen(self.key))
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            raise EventLogDown(f"Redis: {exc}") from exc

    async def close(self) -> None:
        await self._redis.aclose()
