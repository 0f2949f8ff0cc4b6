"""What each user is told: the agent their own state and pops, their team's supervisors the
same, admins everything; the pop carries what the caller chose in the IVR."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from acd.auth import User
from acd.call_book import CallBook
from acd.callers import Callers
from acd.core import messages as m
from acd.directory import Customer, Directory, Ticket
from acd.ivr import steps as s
from acd.push_feed import PushFeed
from acd.push_store import MemoryPushStore
from acd.records import Disposed, IvrFinished

USERS = {
    "1001": User("1001", "", "agent", ("Billing",)),
    "1002": User("1002", "", "agent", ("Support",)),
    "1900": User("1900", "", "supervisor", ("Billing",)),
    "1901": User("1901", "", "supervisor", ("Support",)),
    "1999": User("1999", "", "admin"),
}
TEAMS = {"1001": "Billing", "1002": "Support"}


async def told(feed: PushFeed, store: MemoryPushStore, users: list[str]) -> dict[str, Any]:
    task = asyncio.create_task(feed.run())
    await asyncio.sleep(0.05)
    task.cancel()
    found = {}
    for user in users:
        messages = await store.since(user, 0) or []
        found[user] = [(json.loads(p.body)["event"], json.loads(p.body)["data"]) for p in messages]
    return found


async def test_an_agents_state_reaches_them_their_teams_supervisor_and_the_admin() -> None:
    store = MemoryPushStore()
    feed = PushFeed(store, USERS, TEAMS, Callers(None))
    feed.routed(m.AgentChanged("1001", "ready", "", 5.0))
    seen = await told(feed, store, list(USERS))
    state = ("agent_state", {"agent": "1001", "state": "ready", "reason": "", "at": 5.0})
    assert seen == {"1001": [state], "1002": [], "1900": [state], "1901": [], "1999": [state]}


def offered(feed: PushFeed, vars: dict[str, str]) -> None:
    queued = s.Queued("billing", {"billing": 5}, 5, "zh")
    path = ("hotline.start", "hotline.pay")
    feed.ivr_ended(s.IvrEnded("c1", "hotline", "v7", s.Finish(queued, vars, path), "PJSIP/t-1"))
    decision = m.Decision(
        12.0, "c1", "1001", "call waiting", 4.5, 0, "billing>=5", "longest_idle", ()
    )
    feed.routed(m.Offer("c1", "1001", decision))


async def test_the_pop_carries_the_caller_the_ivr_found_their_choices_and_wait() -> None:
    store = MemoryPushStore()
    feed = PushFeed(store, USERS, TEAMS, Callers(None))
    offered(feed, {"caller_id": "13800000001", "customer_name": "王芳", "customer_tier": "vip",
                   "verified": "yes", "language": "zh"})  # fmt: skip
    feed.routed(m.CancelOffer("c1", "1001", "no answer"))
    seen = await told(feed, store, ["1001", "1002"])
    assert seen["1001"] == [
        ("call_offered", {
            "call": "c1", "agent": "1001", "waited": 4.5, "call_type": "billing",
            "caller": {"number": "13800000001", "customer": {"name": "王芳", "tier": "vip"},
                       "found_by": "ivr", "verified": True},
            "tickets": [], "flow": "hotline@v7", "ivr_path": ["hotline.start", "hotline.pay"],
            "ivr_vars": {"verified": "yes", "language": "zh"},
        }),
        ("call_withdrawn", {"call": "c1", "agent": "1001", "why": "no answer"}),
    ]  # fmt: skip
    assert seen["1002"] == []


async def test_a_caller_the_ivr_did_not_look_up_is_found_in_the_directory_by_number() -> None:
    store = MemoryPushStore()
    directory = Directory([Customer("C9", "Alice Smith", ("14155550100",), "100201", "vip")])
    feed = PushFeed(store, USERS, TEAMS, Callers(directory))
    offered(feed, {"caller_id": "14155550100"})
    offered(feed, {"caller_id": "0000"})
    first, second = [data["caller"] for _, data in (await told(feed, store, ["1001"]))["1001"]]
    assert first == {"number": "14155550100", "verified": False, "found_by": "directory",
                     "customer": {"id": "C9", "name": "Alice Smith", "account": "100201",
                                  "tier": "vip"}}  # fmt: skip
    assert second == {"number": "0000", "customer": None, "found_by": "none", "verified": False}


async def test_the_pop_carries_the_callers_open_tickets_newest_first() -> None:
    store = MemoryPushStore()
    tickets = [
        Ticket("C-20261101-0001", "C9", "resolved", "billing", "refund", "2026-11-01"),
        Ticket("C-20261120-0007", "C9", "escalated", "network", "no signal",
               "2026-11-20T10:00:00+08:00", "1002"),
        Ticket("C-20261001-0003", "C9", "closed", "billing", "old", "2026-10-01"),
    ]  # fmt: skip
    directory = Directory([Customer("C9", "Alice Smith", ("14155550100",))], tickets)
    feed = PushFeed(store, USERS, TEAMS, Callers(directory))
    offered(feed, {"caller_id": "14155550100"})
    offered(feed, {"caller_id": "13800000001", "customer_id": "C404", "customer_name": "X"})
    first, second = [data for _, data in (await told(feed, store, ["1001"]))["1001"]]
    assert first["tickets"] == [
        {"number": "C-20261120-0007", "status": "escalated", "category": "network",
         "summary": "no signal", "opened": "2026-11-20T10:00:00+08:00", "owner": "1002"},
        {"number": "C-20261101-0001", "status": "resolved", "category": "billing",
         "summary": "refund", "opened": "2026-11-01", "owner": ""},
    ]  # fmt: skip
    assert second["tickets"] == []  # a customer the directory does not know


async def test_commands_that_tell_nobody_anything_are_not_pushed() -> None:
    store = MemoryPushStore()
    feed = PushFeed(store, USERS, TEAMS, Callers(None))
    feed.routed(m.Overflow("c1", "hotline.offer_callback", 30.0))
    seen = await told(feed, store, list(USERS))
    assert all(messages == [] for messages in seen.values())


async def test_a_refused_request_is_told_to_the_agent_and_those_who_watch_them() -> None:
    store = MemoryPushStore()
    feed = PushFeed(store, USERS, TEAMS, Callers(None))
    feed.routed(m.Refused("1001", "SetReady", "on a call"))
    seen = await told(feed, store, list(USERS))
    refused = ("request_refused", {"agent": "1001", "request": "SetReady", "why": "on a call"})
    assert seen == {"1001": [refused], "1002": [], "1900": [refused], "1901": [], "1999": [refused]}


async def test_the_pop_carries_the_callers_last_calls_from_the_call_book() -> None:
    book = CallBook()
    for call, at, agent in (("c0", 100.0, "1002"), ("c-1", 50.0, "1001")):
        book.apply(IvrFinished(at, call, "13800000001", "hotline@v6", "Queued"))
        book.apply(m.CallArrived(at + 1, call, "billing"))
        book.apply(m.Answered(at + 5, call, agent))
        book.apply(Disposed(at + 90, call, agent, "refund", "promised by Friday"))
    book.apply(IvrFinished(300.0, "c1", "13800000001", "hotline@v7", "Queued"))
    store = MemoryPushStore()
    history = lambda number, call: book.history(number, without=call, limit=1)  # noqa: E731
    feed = PushFeed(store, USERS, TEAMS, Callers(None), history)
    offered(feed, {"caller_id": "13800000001"})
    offered(feed, {})
    pops = [data for _, data in (await told(feed, store, ["1001"]))["1001"]]
    assert pops[0]["history"] == [
        {"at": "1970-01-01T00:01:40+00:00", "id": "c0", "call_type": "billing", "agent": "1002",
         "outcome": "answered", "disposition": "refund", "note": "promised by Friday"},
    ]  # fmt: skip
    assert pops[1]["history"] == []  # no number: no history


async def test_the_answer_and_the_hang_up_follow_the_pop() -> None:
    store = MemoryPushStore()
    feed = PushFeed(store, USERS, TEAMS, Callers(None))
    offered(feed, {"caller_id": "13800000001"})
    feed.routed(m.Answered(14.0, "c1", "1001"))
    feed.routed(m.CallEnded(80.0, "c1"))
    feed.routed(m.CallEnded(81.0, "never-offered"))
    seen = await told(feed, store, ["1001", "1900"])
    after_pop = [(kind, data) for kind, data in seen["1001"] if kind != "call_offered"]
    assert after_pop == [
        ("call_answered", {"call": "c1", "agent": "1001", "at": 14.0}),
        ("call_ended", {"call": "c1", "agent": "1001", "at": 80.0}),
    ]
    assert seen["1900"] == seen["1001"]
