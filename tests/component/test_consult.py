"""Attended transfers in live routing against a scripted AMI peer: the actions in their
order, the hand-over when Asterisk reports it, the call's end with the new agent's leg, a
consult whose phone never rings, and the same state rebuilt from the log."""

from __future__ import annotations

import asyncio

import pytest

from acd import routing_handover
from acd.adapters.ami.translate import to_event
from acd.core.policy import AgentProfile, Policy
from acd.event_log import MemoryEventLog
from acd.records import decode
from acd.routing_handover import ConsultRequest
from tests.component.test_routing_live import Live, agent_ready, live_routing, queued
from tests.unit.test_router import kind, req

POLICY = Policy(
    {"tech": kind("tech", (0.0, req(tech=3)), wrap_up=30.0)},
    {"a": AgentProfile("a", {"tech": 5}), "c": AgentProfile("c", {"tech": 5})},
)


def event(name: str, **fields: str) -> object:
    return to_event({"Event": name, **fields})


async def talking(live: Live) -> str:
    """a answers c1, then c gets ready; a's leg."""
    agent_ready(live.routing, "a")
    live.routing.apply(queued("c1"))
    leg = (await live.peer.wait_action("Originate"))["ChannelId"]
    live.routing.apply(event("OriginateResponse", Response="Success", Uniqueid=leg))
    agent_ready(live.routing, "c")
    return leg


def states(live: Live) -> dict[str, str]:
    return live.view.states()


async def test_a_consult_runs_its_actions_in_order_and_hands_the_call_over() -> None:
    log = MemoryEventLog()
    async with live_routing(log, POLICY) as live:
        leg = await talking(live)
        live.routing.apply(ConsultRequest("c1", "a", "agent:c"))
        await live.peer.wait_action("Atxfer")
        sent = [a for a in live.peer.actions if a["Action"] in ("Setvar", "Atxfer")]
        during = states(live)
        apply = live.routing.apply
        apply(event("UserEvent", UserEvent="AcdConsultLeg", Uniqueid="u-c", Call="c1"))
        apply(event("Newstate", Uniqueid="u-c", ChannelStateDesc="Up"))
        answered = live.view.consult("c1")
        apply(event("AttendedTransfer", Result="Success", TransfereeUniqueid="c1",
                    OrigTransfererUniqueid=leg))  # fmt: skip
        after = states(live)
        apply(event("Hangup", Uniqueid=leg))  # a's leg leaves: the call goes on
        still = live.routing.router.calls["c1"].agent
        apply(event("Hangup", Uniqueid="u-c"))  # c hangs up: the call is over
        ended = states(live)
        await asyncio.sleep(0.1)
    assert [(a.get("Variable"), a.get("Value"), a.get("Exten")) for a in sent] == [
        ("__ACD_CONSULT", "c", None),
        ("__ACD_CONSULT_CALL", "c1", None),
        (None, None, "1"),
    ]
    assert all(a["Channel"] == leg for a in sent)
    assert during == {"a": "on_call", "c": "on_call consult"}
    assert answered == "answered"
    assert after == {"a": "wrap_up", "c": "on_call"} and still == "c"
    assert ended == {"a": "wrap_up", "c": "wrap_up"} and "c1" not in live.routing.router.calls
    async with live_routing(MemoryEventLog(), POLICY) as fresh:  # the same, from the log
        for record in map(decode, log.entries):
            fresh.routing.replay(record)
        assert states(fresh) == ended


async def test_a_consult_whose_phone_never_rings_fails_and_frees_the_agent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(routing_handover, "CONSULT_LEG_WAIT", 0.2)
    async with live_routing(MemoryEventLog(), POLICY, loop_back=True) as live:
        await talking(live)
        live.routing.apply(ConsultRequest("c1", "a", "agent:c"))
        during = states(live)
        cancel = await live.peer.wait_action("CancelAtxfer")
        await asyncio.sleep(0.05)
        after = states(live)
    assert during["c"] == "on_call consult" and cancel["Channel"].startswith("acd-a-")
    assert after == {"a": "on_call", "c": "ready"} and live.view.consult("c1") is None


async def test_a_call_types_free_agent_is_its_ready_one_idle_longest() -> None:
    async with live_routing(MemoryEventLog(), POLICY) as live:
        assert live.view.free_agent_for("tech") is None  # nobody logged in
        agent_ready(live.routing, "c")
        agent_ready(live.routing, "a")  # ready after c: c is idle longer
        first = live.view.free_agent_for("tech")
        but_c = live.view.free_agent_for("tech", but="c")
        unknown = live.view.free_agent_for("sales")
    assert (first, but_c, unknown) == ("c", "a", None)
