"""An external CRM over HTTP: ``GET`` a URL made from the caller's number, JSON back.

``ACD_CRM_URL`` is a template such as ``https://crm.example/api/callers?phone={number}``.
The CRM answers 200 with the customer (``id``, ``name``, ``account``, ``tier``,
``language``, ``notes``; more fields are ignored), or 404 when it does not know the number.
Anything else (an error, garbage, no answer within ``timeout``) makes the lookup fail with
the reason, and acd falls back to its built-in directory. Answers are cached for
``cache_ttl`` seconds, failures are not.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import quote

import aiohttp

FIELDS = ("id", "name", "account", "tier", "language", "notes")


@dataclass(frozen=True, slots=True)
class CrmAnswer:
    customer: dict[str, str] | None
    """None: the CRM does not know the number."""


class CrmUnavailable(Exception):
    """The CRM could not answer (the message says why, without the caller's number)."""


class HttpCrm:
    def __init__(self, url_template: str, *, timeout: float = 2.0, cache_ttl: float = 60.0):
        if "{number}" not in url_template:
            raise ValueError("the CRM URL needs {number} where the caller's number goes")
        self._template, self._timeout, self._ttl = url_template, timeout, cache_ttl
        self._cache: dict[str, tuple[float, CrmAnswer]] = {}
        self._session: aiohttp.ClientSession | None = None

    async def find(self, number: str) -> CrmAnswer:
        cached = self._cache.get(number)
        if cached is not None and time.monotonic() - cached[0] < self._ttl:
            return cached[1]
        answer = await self._ask(number)
        self._cache[number] = (time.monotonic(), answer)
        if len(self._cache) > 10_000:
            self._cache.pop(next(iter(self._cache)))
        return answer

    async def _ask(self, number: str) -> CrmAnswer:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        url = self._template.format(number=quote(number, safe=""))
        try:
            async with asyncio.timeout(self._timeout), self._session.get(url) as reply:
                if reply.status == 404:
                    return CrmAnswer(None)
                if reply.status != 200:
                    raise CrmUnavailable(f"CRM answered HTTP {reply.status}")
                body = await reply.json(content_type=None)
        except TimeoutError:
            raise CrmUnavailable(f"CRM did not answer within {self._timeout:g} s") from None
        except (aiohttp.ClientError, ValueError) as exc:
            raise CrmUnavailable(f"CRM unreachable or unreadable: {type(exc).__name__}") from None
        if not isinstance(body, dict):
            raise CrmUnavailable("CRM answered something that is not a JSON object")
        return CrmAnswer({k: str(body[k]) for k in FIELDS if body.get(k) not in (None, "")})

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
