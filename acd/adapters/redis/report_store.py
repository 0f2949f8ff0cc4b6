"""Stored interval data (``report_slots``): one Redis hash per site, a field per day."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from acd.adapters.redis import keys
from acd.event_log import EventLogDown

CHUNK = 7


class RedisReportStore:
    def __init__(self, url: str, *, site: str = "main", timeout: float = 60.0) -> None:
        """``timeout``: a month of a large center's days is tens of megabytes."""
        self.key = keys.report_slots(site)
        self._redis = aioredis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, decode_responses=True
        )

    async def get(self, days: Sequence[str]) -> dict[str, str]:
        """The days stored, of ``days``."""
        if not days:
            return {}
        found: list[str | None] = []
        try:
            for start in range(0, len(days), CHUNK):  # a week at a time: bounded replies
                chunk = list(days[start : start + CHUNK])
                found += cast("list[str | None]", await self._redis.hmget(self.key, chunk))
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            raise EventLogDown(f"Redis: {exc}") from exc
        return {day: text for day, text in zip(days, found, strict=True) if text is not None}

    async def put(self, day: str, text: str) -> None:
        try:
            await self._redis.hset(self.key, day, text)
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            raise EventLogDown(f"Redis: {exc}") from exc

    async def close(self) -> None:
        await self._redis.aclose()
