"""An external CRM that answers, does not know the caller, fails, talks garbage or is too
slow: the pop goes out at once with the caller's number, and an update follows with the
record (or the directory's and a "CRM unavailable" marker)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from acd.adapters.crm.http import CrmAnswer, CrmUnavailable, HttpCrm
from acd.auth import User
from acd.callers import Callers
from acd.core import messages as m
from acd.directory import Customer, Directory, Ticket
from acd.ivr import steps as s
from acd.push_feed import PushFeed
from acd.push_store import MemoryPushStore

KNOWN = {"id": "X1", "name": "Zhang Wei", "account": "88", "tier": "vip", "secret": "no"}
TICKET = Ticket("C-20261120-0001", "C1", "open", "billing", "double charge", "2026-11-20")
DIRECTORY = Directory([Customer("C1", "From Directory", ("5551",), "100")], [TICKET])


@contextlib.asynccontextmanager
async def crm(behaviour: str) -> AsyncIterator[tuple[HttpCrm, list[str]]]:
    asked: list[str] = []

    async def caller(request: web.Request) -> web.StreamResponse:
        asked.append(request.query["phone"])
        if behaviour == "slow":
            await asyncio.sleep(10)
        if behaviour == "garbage":
            return web.Response(text="<html>oops</html>")
        if behaviour == "error":
            return web.Response(status=500)
        if request.query["phone"] != "5551":
            return web.Response(status=404)
        return web.json_response(KNOWN)

    app = web.Application()
    app.router.add_get("/callers", caller)
    server = TestServer(app)
    await server.start_server()
    client = HttpCrm(f"http://127.0.0.1:{server.port}/callers?phone={{number}}", timeout=0.3)
    try:
        yield client, asked
    finally:
        await client.close()
        await server.close()


@pytest.mark.parametrize(
    ("behaviour", "why"),
    [("error", "CRM answered HTTP 500"),
     ("garbage", "CRM unreachable or unreadable: JSONDecodeError"),
     ("slow", "CRM did not answer within 0.3 s")],
)  # fmt: skip
async def test_a_failing_crm_is_reported_and_not_cached(behaviour: str, why: str) -> None:
    async with crm(behaviour) as (client, asked):
        for _ in range(2):
            with pytest.raises(CrmUnavailable) as failed:
                await client.find("5551")
    assert str(failed.value) == why and asked == ["5551", "5551"]


async def test_the_crms_answers_are_cached_and_unknown_numbers_are_none() -> None:
    async with crm("ok") as (client, asked):
        found = [await client.find("5551"), await client.find("5551"), await client.find("77")]
    assert found == [CrmAnswer({k: v for k, v in KNOWN.items() if k != "secret"})] * 2 + [
        CrmAnswer(None)
    ]
    assert asked == ["5551", "77"]


async def pops(behaviour: str, part: str = "caller") -> list[tuple[str, Any]]:
    """Queue a caller, offer it at once, and return what the agent was told (each event's
    ``part``)."""
    store = MemoryPushStore()
    async with crm(behaviour) as (client, _):
        feed = PushFeed(store, {"1001": User("1001", "")}, {"1001": None},
                        Callers(DIRECTORY, client))  # fmt: skip
        runner = asyncio.create_task(feed.run())
        finish = s.Finish(s.Queued("tech", {}, 0, "en"), {"caller_id": "5551"}, ("h.q",))
        feed.ivr_ended(s.IvrEnded("c1", "h", "v1", finish, "PJSIP/t-1"))
        decision = m.Decision(1.0, "c1", "1001", "call waiting", 0.0, 0, "", "longest_idle", ())
        feed.routed(m.Offer("c1", "1001", decision))
        await asyncio.sleep(0.6)  # past the CRM's 0.3 s
        runner.cancel()
    told = await store.since("1001", 0) or []
    return [(json.loads(p.body)["event"], json.loads(p.body)["data"][part]) for p in told]


async def test_the_pop_goes_out_at_once_and_the_crms_record_follows() -> None:
    (first, pending), (update, caller) = await pops("ok")
    assert (first, pending["crm"], pending["number"], pending["customer"]) == (
        "call_offered", "pending", "5551", None
    )  # fmt: skip
    assert update == "call_caller"
    assert caller["crm"] == "ok" and caller["found_by"] == "crm"
    assert caller["customer"]["name"] == "Zhang Wei"


@pytest.mark.parametrize("behaviour", ["error", "garbage", "slow"])
async def test_when_the_crm_fails_the_directory_stands_in_with_a_marker(behaviour: str) -> None:
    (first, pending), (update, caller) = await pops(behaviour)
    assert first == "call_offered" and pending["number"] == "5551"
    assert update == "call_caller" and caller["crm"].startswith("unavailable: CRM")
    assert (caller["found_by"], caller["customer"]["name"]) == ("directory", "From Directory")


async def test_the_directorys_open_tickets_follow_with_the_crm_update() -> None:
    (_, pending), (_, update) = await pops("error", part="tickets")
    assert pending == []  # nobody known yet
    assert [t["number"] for t in update] == ["C-20261120-0001"]


class BrokenCrm:
    async def find(self, number: str) -> CrmAnswer:
        raise RuntimeError("bug in the CRM client")


async def test_any_failure_of_the_lookup_still_ends_in_the_directory_and_a_marker() -> None:
    caller, ask = Callers(DIRECTORY, BrokenCrm()).first({"caller_id": "5551"})
    assert ask and caller["crm"] == "pending"
    done = await Callers(DIRECTORY, BrokenCrm()).from_crm(caller)
    assert done["crm"] == "unavailable: lookup failed: RuntimeError('bug in the CRM client')"
    assert done["customer"]["name"] == "From Directory"
