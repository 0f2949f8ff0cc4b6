"""The push streams in Redis: one Stream per user whose entry ids are the message numbers,
and one pub/sub channel per site that tells every hub of each new message."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import cast

import redis.asyncio as aioredis

from acd.adapters.redis import keys
from acd.push_store import KEEP, Pushed

# INCR the user's counter, XADD with id <seq>-1 (trimmed to about KEEP), PUBLISH to the site:
# one atomic step, so numbers never repeat or go back, whichever acd publishes.
PUBLISH = """
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], string.format('%d-1', seq), 'b', ARGV[2])
redis.call('PUBLISH', KEYS[3], cjson.encode({u = ARGV[1], s = seq, b = ARGV[2]}))
return seq
"""


class RedisPushStore:
    def __init__(self, url: str, *, site: str = "main", keep: int = KEEP) -> None:
        self._redis = aioredis.Redis.from_url(url, decode_responses=True)
        self._site, self._keep = site, keep
        self._publish = self._redis.register_script(PUBLISH)

    async def publish(self, user: str, body: str) -> int:
        names = [keys.push_seq(self._site, user), keys.push_stream(self._site, user),
                 keys.push_channel(self._site)]  # fmt: skip
        return int(await self._publish(keys=names, args=[user, body, self._keep]))

    async def since(self, user: str, after: int) -> list[Pushed] | None:
        stream = keys.push_stream(self._site, user)
        found = cast(
            "list[tuple[str, dict[str, str]]]",
            await self._redis.xrange(stream, min=f"({after}-1", max="+"),
        )
        pushed = [Pushed(user, int(entry.split("-")[0]), fields["b"]) for entry, fields in found]
        if pushed and pushed[0].seq > after + 1:
            return None  # trimmed past the client's resume point
        if not pushed and after < await self.last(user):
            return None  # every message since was trimmed
        return pushed

    async def last(self, user: str) -> int:
        return int(await self._redis.get(keys.push_seq(self._site, user)) or 0)

    async def feed(self) -> AsyncIterator[Pushed]:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(keys.push_channel(self._site))
        try:
            async for message in pubsub.listen():
                data = json.loads(message["data"])
                yield Pushed(data["u"], int(data["s"]), data["b"])
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        await self._redis.aclose()
