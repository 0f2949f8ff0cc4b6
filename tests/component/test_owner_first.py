"""A caller with an open complaint waits for its owner first (if they take calls), then for
anyone their call type allows; the routing explanation says so."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from acd.event_log import MemoryEventLog
from acd.ivr import steps as s
from tests.component.test_routing_live import agent_ready, live_routing

OWNERS = {"C1": "a", "C2": "nobody-here"}


def owner_of(ivr_vars: Mapping[str, str]) -> str | None:
    return OWNERS.get(ivr_vars.get("customer_id", ""))


def caller(call: str, customer: str) -> s.IvrEnded:
    finish = s.Finish(s.Queued("tech", {}, 0, "en"), {"customer_id": customer}, ("h.menu",))
    return s.IvrEnded(call, "hotline", "v1", finish, channel=f"PJSIP/trunk-{call}")


async def test_the_owner_is_waited_for_first_then_the_call_type_decides() -> None:
    async with live_routing(MemoryEventLog(), owner=(owner_of, 20.0)) as live:
        agent_ready(live.routing, "b")  # ready, but not the owner (and no tech skill anyway)
        live.routing.apply(caller("c1", "C1"))  # a owns C1's complaint
        waiting: Any = live.view.explain("c1")
        live.routing.apply(caller("c2", "C2"))  # owned by someone who takes no calls
        live.routing.apply(caller("c3", "C3"))  # no complaint
        agent_ready(live.routing, "a")
        await asyncio.sleep(0.1)
        rung = [a["Channel"] for a in live.peer.actions if a.get("Action") == "Originate"]
        explained: Any = live.view.explain("c1")
    assert waiting is not None and waiting["state"] == "waiting"
    reasons = {v["agent"]: v["why"] for v in waiting["waiting_verdicts"]}
    assert reasons["b"] == "the call waits for agent a first"
    assert explained is not None
    assert explained["decisions"][0]["requirement"] == "agent a"  # c1 went to its owner
    assert rung == ["PJSIP/a"]


async def test_no_wait_for_owners_when_it_is_off() -> None:
    async with live_routing(MemoryEventLog(), owner=(owner_of, 0.0)) as live:
        live.routing.apply(caller("c1", "C1"))
        call = live.routing.router.calls["c1"]
    assert call.prefer is None
