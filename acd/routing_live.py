"""The router on real calls (ADR 0003): Asterisk's events in, AMI actions out.

Runs inside the runtime's single writer task: ``apply`` takes IVR, AMI and agent events,
turns them into router events, and carries out the router's commands as AMI actions
(sent as tasks, so the writer never waits on Asterisk). A timer sends ``Tick`` at the
router's next deadline.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from acd.adapters.ami import events as ev
from acd.adapters.ami.client import AmiClient, AmiError
from acd.core import messages as m
from acd.core.policy import Policy
from acd.core.router import Router
from acd.ivr import steps as s

log = logging.getLogger("acd.routing")

KEEP_DECISIONS = 10_000


@dataclass(frozen=True, slots=True)
class AgentRequest:
    """An agent (or supervisor) asks for a state: the router event, already checked."""

    event: m.Event


@dataclass(frozen=True, slots=True)
class _Leg:
    call: str
    agent: str


class LiveRouting:
    def __init__(
        self,
        policy: Policy,
        ami: AmiClient,
        clock: Callable[[], float],
        submit: Callable[[Any], None],
    ) -> None:
        self.router = Router(policy, explain=True)
        self._ami, self._clock, self._submit = ami, clock, submit
        self._channels: dict[str, str] = {}  # caller uniqueid -> channel name
        self._surveys: dict[str, str] = {}  # caller uniqueid -> flow.node after the call
        self._legs: dict[str, _Leg] = {}  # agent leg uniqueid -> (call, agent)
        self._serial = itertools.count(1)
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.decisions: OrderedDict[str, m.Decision] = OrderedDict()
        """The latest decisions, by call (until the event log can replay any of them)."""

    def summary(self) -> dict[str, object]:
        """Calls waiting and each agent's state, for ``/health`` (the wallboard comes later)."""
        agents = self.router.agents.values()
        return {
            "waiting": len(self.router.waiting()),
            "agents": {a.id: f"{a.state.value} {a.reason}".strip() for a in agents},
        }

    def apply(self, event: object) -> None:
        """One event from the runtime; anything not about routing is ignored."""
        now = self._clock()
        match event:
            case s.IvrEnded(finish=s.Finish(outcome=s.Queued() as queued)):
                self._channels[event.call_id] = event.channel
                if queued.survey:
                    self._surveys[event.call_id] = queued.survey
                priority = queued.priority or None  # 0: the call type's own
                arrived = m.CallArrived(now, event.call_id, queued.call_type,
                                        dict(queued.skills), priority)  # fmt: skip
                self._handle(arrived)
            case ev.OriginateResponse() if event.uniqueid in self._legs:
                leg = self._legs[event.uniqueid]
                if event.response == "Success":
                    self._handle(m.Answered(now, leg.call, leg.agent))
                else:
                    self._legs.pop(event.uniqueid)
                    self._handle(m.RingFailed(now, leg.call, leg.agent))
            case ev.Hangup() if event.uniqueid in self._channels:
                self._channels.pop(event.uniqueid)
                self._surveys.pop(event.uniqueid, None)
                call = self.router.calls.get(event.uniqueid)
                if call is not None and not call.talking:
                    log.info("call %s abandoned after waiting %.1f s", call.id, now - call.arrived)
                talking = call is not None and call.talking
                self._handle((m.CallEnded if talking else m.CallAbandoned)(now, event.uniqueid))
            case ev.Hangup() if event.uniqueid in self._legs:
                leg = self._legs.pop(event.uniqueid)
                call = self.router.calls.get(leg.call)
                if call is not None and call.talking and call.agent == leg.agent:
                    self._handle(m.CallEnded(now, leg.call))
            case AgentRequest():
                self._handle(event.event)
            case m.Tick():
                self._handle(m.Tick(now))

    def _handle(self, event: m.Event) -> None:
        for command in self.router.handle(event):
            match command:
                case m.Offer():
                    self.decisions[command.call] = command.decision
                    if len(self.decisions) > KEEP_DECISIONS:
                        self.decisions.popitem(last=False)
                    self._ring(command)
                case m.CancelOffer():
                    for leg_id, leg in list(self._legs.items()):
                        if (leg.call, leg.agent) == (command.call, command.agent):
                            self._send({"Action": "Hangup", "Channel": leg_id})
                case m.Overflow():
                    self._overflow(command)
                case m.Refused():
                    log.warning("agent %s: %s refused: %s", command.agent, command.request,
                                command.why)  # fmt: skip
                case m.AgentChanged():
                    log.info("agent %s is %s %s", command.agent, command.state, command.reason)
        self._arm()

    def _ring(self, offer: m.Offer) -> None:
        channel = self._channels.get(offer.call)
        if channel is None:
            return
        leg = f"acd-{offer.agent}-{next(self._serial)}"
        self._legs[leg] = _Leg(offer.call, offer.agent)
        after = self._surveys.get(offer.call)
        then = f",F(acd-ivr^{after}^1)" if after else ""
        timeout = int(self.router.policy.ring_timeout * 1000)
        log.info("call %s: ringing agent %s (%s, waited %.1f s)", offer.call, offer.agent,
                 offer.decision.trigger, offer.decision.waited)  # fmt: skip
        self._send({
            "Action": "Originate", "Channel": f"PJSIP/{offer.agent}", "ChannelId": leg,
            "Timeout": str(timeout), "Application": "Bridge", "Data": f"{channel}{then}",
            "CallerID": f"acd <{offer.call}>", "Async": "true",
        })  # fmt: skip

    def _overflow(self, overflow: m.Overflow) -> None:
        channel = self._channels.get(overflow.call)
        if channel is None:
            return
        to = overflow.to or "acd-unavailable"
        exten, context = (to, "acd-ivr") if "." in to else ("s", "acd-unavailable")
        self._send({"Action": "Redirect", "Channel": channel, "Context": context,
                    "Exten": exten, "Priority": "1"})  # fmt: skip

    def _send(self, action: dict[str, str]) -> None:
        self._spawn(self._action(action))

    async def _action(self, action: dict[str, str]) -> None:
        try:
            await self._ami.send_action(action)
        except (AmiError, TimeoutError) as exc:
            log.error("AMI %s failed: %s", action["Action"], exc or "timeout")

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _arm(self) -> None:
        deadline = self.router.next_deadline
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if deadline is not None:
            loop = asyncio.get_running_loop()
            delay = max(0.0, deadline - self._clock())
            self._timer = loop.call_later(delay, self._submit, m.Tick(deadline))
