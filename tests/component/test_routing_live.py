"""Live routing against a scripted AMI peer: rings only once the offer is logged, and a
fresh instance rebuilds the same state from the log."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from acd.adapters.ami.client import AmiClient
from acd.adapters.ami.translate import to_event
from acd.core import messages as m
from acd.core.policy import AgentProfile, Policy
from acd.event_log import MemoryEventLog
from acd.ivr import steps as s
from acd.journal import Journal
from acd.records import Rang, Record, Waiting, decode
from acd.routing_live import AgentRequest, LiveRouting
from acd.routing_view import RoutingView
from tests.component.ami_peer import AmiPeer
from tests.unit.test_router import kind, req

SECRET = "s3cret"
POLICY = Policy(
    {"tech": kind("tech", (0.0, req(tech=3)))},
    {"a": AgentProfile("a", {"tech": 5}), "b": AgentProfile("b", {"billing": 5})},
)


class GatedLog(MemoryEventLog):
    """The in-memory log, holding every append until ``gate`` is set (a slow Redis)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def append(self, entries: Sequence[str]) -> None:
        await self.gate.wait()
        await super().append(entries)


@dataclass
class Live:
    routing: LiveRouting
    view: RoutingView
    peer: AmiPeer
    log: MemoryEventLog


@contextlib.asynccontextmanager
async def live_routing(
    log: MemoryEventLog,
    policy: Policy = POLICY,
    clock: Callable[[], float] | None = None,
    *,
    loop_back: bool = False,
    **options: Any,
) -> AsyncIterator[Live]:
    """Live routing on a scripted AMI peer, its journal over ``log``; by default its clock
    ticks one second each time it is read. ``loop_back``: what it submits to the runtime
    (timers, failures) comes back to it; else it is dropped."""  # fmt: skip
    peer = AmiPeer(SECRET)
    await peer.start()
    ami = AmiClient(host="127.0.0.1", port=peer.port, username="acd", secret=SECRET,
                    on_event=lambda _: None)  # fmt: skip
    journal = Journal(log)
    tasks = [asyncio.create_task(ami.run()), asyncio.create_task(journal.run())]
    await asyncio.wait_for(ami.connected.wait(), 5)
    ticks = iter(range(1000, 10**6))
    clock = clock or (lambda: float(next(ticks)))

    def submit(event: object) -> None:
        if loop_back:
            routing.apply(event)

    routing = LiveRouting(policy, ami, clock, submit, journal, **options)
    try:
        yield Live(routing, RoutingView(routing, clock), peer, log)
    finally:
        await ami.close()
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await peer.stop()


def queued(call: str) -> s.IvrEnded:
    finish = s.Finish(s.Queued("tech", {}, 0, "en", survey="hotline.survey"), {}, ("h.menu",))
    return s.IvrEnded(call, "hotline", "v1", finish, channel=f"PJSIP/trunk-{call}")


def agent_ready(routing: LiveRouting, agent: str) -> None:
    routing.apply(AgentRequest(m.LoggedIn(0.0, agent)))
    routing.apply(AgentRequest(m.SetReady(0.0, agent)))


async def test_the_agent_is_rung_only_once_the_offer_is_in_the_event_log() -> None:
    log = GatedLog()
    async with live_routing(log) as live:
        agent_ready(live.routing, "a")
        live.routing.apply(queued("c1"))
        await asyncio.sleep(0.2)
        held = [a["Action"] for a in live.peer.actions]
        log.gate.set()
        originate = await live.peer.wait_action("Originate")
    assert "Originate" not in held
    records = [decode(entry) for entry in log.entries]
    assert [type(r).__name__ for r in records] == [
        "LoggedIn", "AgentChanged", "SetReady", "AgentChanged",  # each state, for reports
        "Waiting", "CallArrived", "Rang", "AgentChanged",
    ]  # fmt: skip
    assert [(r.state, r.at) for r in records if isinstance(r, m.AgentChanged)] == [
        ("not_ready", 1000.0), ("ready", 1001.0), ("ringing", 1002.0)]  # fmt: skip
    rang = records[-2]
    assert isinstance(rang, Rang)
    assert originate["ChannelId"] == rang.leg
    assert originate["Channel"] == "PJSIP/a"
    assert (originate["Context"], originate["Exten"]) == ("acd-agent", "s")
    assert originate["Variable"] == (
        "ACD_CALLER=PJSIP/trunk-c1,ACD_AFTER=acd-ivr^hotline.survey^1,ACD_RECORD="
    )  # no recordings directory here: not recorded


async def test_a_fresh_instance_rebuilds_calls_agents_and_legs_from_the_log() -> None:
    log = MemoryEventLog()
    async with live_routing(log) as live:
        agent_ready(live.routing, "a")
        agent_ready(live.routing, "b")
        live.routing.apply(AgentRequest(m.SetNotReady(0.0, "b", "break")))
        live.routing.apply(queued("c1"))  # rings a
        await live.peer.wait_action("Originate")
        leg = next(r for r in map(decode, log.entries) if isinstance(r, Rang)).leg
        answered = {"Event": "OriginateResponse", "Uniqueid": leg, "Response": "Success"}
        live.routing.apply(to_event(answered))
        live.routing.apply(queued("c2"))  # waits: a is talking, b has no tech
        before = (live.view.summary(), live.view.explain("c1"), live.view.explain("c2"))
        await asyncio.sleep(0.1)
    async with live_routing(MemoryEventLog()) as fresh:
        for record in map(decode, log.entries):
            fresh.routing.replay(record)
        fresh.routing.went_live()
        after = (fresh.view.summary(), fresh.view.explain("c1"), fresh.view.explain("c2"))
        await asyncio.sleep(0.1)
        sent = [a["Action"] for a in fresh.peer.actions]
    assert before[0] == {"waiting": 1, "agents": {"a": "on_call", "b": "not_ready break"}}
    c1: Any = before[1]
    assert len(c1["decisions"]) == 1 and c1["decisions"][0]["verdicts"] == ()  # on demand
    assert after == before
    assert "Originate" not in sent  # a replay changes state and sends nothing
    hung_up = {"Event": "Hangup", "Uniqueid": leg, "Channel": "PJSIP/a-1"}
    fresh.routing.apply(to_event(hung_up))  # the rebuilt leg is known: the call ends,
    summary = fresh.view.summary()  # and with no wrap-up time a takes the next call
    assert summary == {"waiting": 0, "agents": {"a": "ringing", "b": "not_ready break"}}
    assert isinstance(decode(log.entries[0]), m.LoggedIn)
    assert any(isinstance(decode(e), Waiting) for e in log.entries)


async def test_a_replay_repeats_no_hang_up_and_no_redirect() -> None:
    """Rings that timed out and callers sent on after their longest wait were dealt with when
    they were logged: replaying them must not hang up or move anyone again."""
    policy = Policy({"tech": kind("tech", (0.0, req(tech=3)), max_wait=30.0,
                                  fallback="h.callback")}, POLICY.agents)  # fmt: skip
    records: list[Record] = [
        m.LoggedIn(0.0, "a"), m.SetReady(0.0, "a"),
        Waiting(1.0, "c1", "PJSIP/trunk-c1"), m.CallArrived(1.0, "c1", "tech"),
        Rang(1.0, "c1", "a", "acd-a-c1-1"),
        m.Tick(100.0),  # the ring timed out at 16 s, the caller left for the callback at 31 s
    ]  # fmt: skip
    async with live_routing(MemoryEventLog(), policy) as fresh:
        for record in records:
            fresh.routing.replay(record)
        fresh.routing.went_live()
        await asyncio.sleep(0.2)
        sent = [a["Action"] for a in fresh.peer.actions]
        state = fresh.view.summary()
    assert "Hangup" not in sent and "Redirect" not in sent
    assert state == {"waiting": 0, "agents": {"a": "not_ready missed", "b": "logged_out"}}


async def test_a_replay_applies_each_record_once() -> None:
    """An extended wrap-up, replayed, is extended once (not once per pass)."""
    policy = Policy({"tech": kind("tech", (0.0, req(tech=3)), wrap_up=30.0)}, POLICY.agents)
    records: list[Record] = [
        m.LoggedIn(0.0, "a"), m.SetReady(0.0, "a"),
        Waiting(10.0, "c1", "PJSIP/trunk-c1"), m.CallArrived(10.0, "c1", "tech"),
        Rang(10.0, "c1", "a", "acd-a-c1-1"), m.Answered(12.0, "c1", "a"),
        m.CallEnded(100.0, "c1", "caller"), m.WrapUpExtended(105.0, "a", 60.0),
    ]  # fmt: skip
    async with live_routing(MemoryEventLog(), policy) as fresh:
        for record in records:
            fresh.routing.replay(record)
        agent = fresh.routing.router.agents["a"]
    assert (agent.state.value, agent.deadline) == ("wrap_up", 190.0)
