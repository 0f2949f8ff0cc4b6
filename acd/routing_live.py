"""The router on real calls (ADR 0003): Asterisk's events in, AMI actions out.

Runs inside the runtime's single writer task: ``apply`` takes IVR, AMI and agent events,
turns them into router events, and carries out the router's commands as AMI actions.
Every router event, and every leg rung, is recorded in the journal first; the AMI actions
run once the records are in the event log (ADR 0004). ``replay`` rebuilds the state from
the log before going live; on every AMI login acd compares its calls with the channels
Asterisk has and repairs the difference (``routing_recovery``). A timer sends ``Tick`` at
the router's next deadline.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from acd import routing_recovery as recovery
from acd.adapters.ami import actions
from acd.adapters.ami import events as ev
from acd.adapters.ami.client import AmiClient
from acd.ami_outbox import Outbox
from acd.core import messages as m
from acd.core.pace import Pace
from acd.core.policy import Policy
from acd.core.router import Router
from acd.ivr import steps as s
from acd.journal import Journal
from acd.records import (
    Disposed,
    IvrFinished,
    Overflowed,
    Rang,
    Record,
    RecordingsDeleted,
    TicketChanged,
    TicketOpened,
    Transferred,
    Waiting,
)
from acd.routing_handover import Handovers
from acd.routing_reconcile import Reconciler
from acd.routing_recovery import Leg

log = logging.getLogger("acd.routing")

KEEP_DECISIONS = 10_000


@dataclass(frozen=True, slots=True)
class AgentRequest:
    """An agent (or supervisor) asks for a state: the router event, already checked."""

    event: m.Event


class LiveRouting:
    def __init__(
        self,
        policy: Policy,
        ami: AmiClient,
        clock: Callable[[], float],
        submit: Callable[[Any], None],
        journal: Journal,
        *,
        on_routed: Callable[[m.Event | m.Command | Transferred], None] | None = None,
        recordings: PurePath | None = None,
        owner: tuple[Callable[[Mapping[str, str]], str | None], float] | None = None,
    ) -> None:
        """``on_routed``: told each router event, then its commands, once in the log;
        ``recordings``: the directory, as Asterisk sees it, to record conversations to;
        ``owner``: who owns the caller's complaint (from the IVR's variables), and how long
        the call waits for them first."""
        self.router = Router(policy)  # verdicts on demand: every agent's, per offer, is too dear
        self._on_routed, self._recordings, self._owner = on_routed, recordings, owner
        self._clock, self.submit, self._journal = clock, submit, journal
        self.outbox = Outbox(ami, journal)  # AMI actions, once their cause is logged
        self.send, self.send_in_order = self.outbox.send, self.outbox.send_in_order
        self.spawn = self.outbox.spawn
        self.channels: dict[str, str] = {}  # caller uniqueid -> channel name
        self.surveys: dict[str, str] = {}  # caller uniqueid -> flow.node after the call
        self.legs: dict[str, Leg] = {}  # agent leg uniqueid -> (call, agent, rung at)
        self._rings: Counter[str] = Counter()  # legs rung per call, for unique leg ids
        self._last = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self.pace = Pace()
        self.handovers = Handovers(self)
        self.reconciler = Reconciler(self, ami)
        self.decisions: OrderedDict[str, list[m.Decision]] = OrderedDict()
        """The decisions of the latest calls (older ones: ``acd calls explain`` replays the log)."""

    def apply(self, event: object) -> None:
        """One event from the runtime; anything not about routing is ignored."""
        now = self.now()
        if self.handovers.apply(now, event) or self.reconciler.apply(now, event):
            return
        match event:
            case s.IvrEnded(finish=s.Finish(outcome=s.Queued() as queued)):
                waiting = Waiting(now, event.call_id, event.channel, queued.survey or "")
                priority = queued.priority or None  # 0: the call type's own
                owner, first = self._owner_of(event.finish.vars)
                arrived = m.CallArrived(now, event.call_id, queued.call_type, dict(queued.skills),
                                        priority, max_wait=queued.max_wait,
                                        fallback=queued.on_max_wait, agent=owner,
                                        agent_for=first)  # fmt: skip
                self.arrive(waiting, arrived)
            case ev.OriginateResponse() if event.uniqueid in self.legs:
                self._leg_answered(now, event.uniqueid, event.response == "Success")
            case ev.Hangup():
                self._hung_up(now, event.uniqueid)
            case AgentRequest():
                self._agent_request(dataclasses.replace(event.event, at=now))
            case m.Tick():
                self.handle(m.Tick(now))

    # replay ---------------------------------------------------------------------------

    def replay(self, record: Record) -> None:
        """One record from the log, before going live: state changes, nothing is sent."""
        self.outbox.replaying = True
        try:
            self._last = max(self._last, record.at)
            match record:
                case Waiting():
                    self.channels[record.call] = record.channel
                    if record.survey:
                        self.surveys[record.call] = record.survey
                case Rang():
                    self.legs[record.leg] = Leg(record.call, record.agent, record.at)
                    self._rings[record.call] += 1
                case m.CallEnded() | m.CallAbandoned():
                    self.forget(record.call)
                    self.handle(record)
                case (IvrFinished() | Overflowed() | Disposed() | Transferred() | m.AgentChanged()
                      | RecordingsDeleted() | TicketOpened() | TicketChanged()):  # fmt: skip
                    pass  # the call records', reports' and tickets' own
                case _:
                    self.handle(record)
        finally:
            self.outbox.replaying = False

    def went_live(self) -> None:
        """The replay is over: start the timers."""
        self._arm()

    # calls ----------------------------------------------------------------------------

    def arrive(self, waiting: Waiting, arrived: m.CallArrived) -> None:
        self.channels[waiting.call] = waiting.channel
        if waiting.survey:
            self.surveys[waiting.call] = waiting.survey
        self.record(waiting)
        self.handle(arrived)

    def _owner_of(self, ivr_vars: Mapping[str, str]) -> tuple[str | None, float]:
        """The agent who owns the caller's open complaint, if they take calls here, and how
        long the call waits for them first."""
        if self._owner is None or self._owner[1] <= 0:
            return None, 0.0
        agent = self._owner[0](ivr_vars)
        return (agent, self._owner[1]) if agent in self.router.agents else (None, 0.0)

    def _leg_answered(self, now: float, leg_id: str, answered: bool) -> None:
        leg = self.legs[leg_id]
        if answered:
            self.handle(m.Answered(now, leg.call, leg.agent))
        else:
            self.legs.pop(leg_id)
            self.handle(m.RingFailed(now, leg.call, leg.agent))

    def _agent_request(self, request: m.Event) -> None:
        if isinstance(request, m.SetReady) and self.reconciler.offline(request.agent):
            log.warning("agent %s asked to be ready with their phone offline", request.agent)
            request = m.SetNotReady(request.at, request.agent, recovery.PHONE_OFFLINE)
        self.handle(request)

    def _hung_up(self, now: float, uniqueid: str) -> None:
        """A caller, an agent's leg, a consulted phone's leg, or a channel not ours."""
        if uniqueid in self.channels:
            self._caller_gone(now, uniqueid)
        elif self.handovers.leg_gone(now, uniqueid):
            self.legs.pop(uniqueid, None)
        elif (leg := self.legs.pop(uniqueid, None)) is not None:
            call = self.router.calls.get(leg.call)
            if call is not None and call.talking and call.agent == leg.agent:
                self.handovers.forget(leg.call)
                self.handle(m.CallEnded(now, leg.call, "agent"))

    def _caller_gone(self, now: float, call_id: str) -> None:
        self.forget(call_id)
        self.reconciler.gone(call_id)
        call = self.router.calls.get(call_id)
        if call is None:  # its agent hung up first, or it left for its fallback
            return
        if not call.talking:
            log.info("call %s abandoned after waiting %.1f s", call.id, now - call.arrived)
        self.handle(m.CallEnded(now, call_id, "caller") if call.talking
                     else m.CallAbandoned(now, call_id))  # fmt: skip

    def forget(self, call: str) -> None:
        self.handovers.forget(call)
        self.channels.pop(call, None)
        self.surveys.pop(call, None)
        self._rings.pop(call, None)

    # the router's commands --------------------------------------------------------------

    def handle(self, event: m.Event) -> None:
        self.record(event)
        commands = self.router.handle(event)
        if isinstance(event, m.Answered) and (call := self.router.calls.get(event.call)):
            self.pace.answered(call.kind.name, event.at)
        told = self._on_routed if not self.outbox.replaying else None
        if told is not None and not isinstance(event, m.Tick):
            self._journal.then(functools.partial(told, event))
        for command in commands:
            if told is not None:
                self._journal.then(functools.partial(told, command))
            self._carry_out(command)
        if not self.outbox.replaying:
            self._arm()

    def _carry_out(self, command: m.Command) -> None:
        match command:
            case m.Offer():
                self.decisions.setdefault(command.call, []).append(command.decision)
                if len(self.decisions) > KEEP_DECISIONS:
                    self.decisions.popitem(last=False)
                self._ring(command)
            case m.CancelOffer():
                for leg_id, leg in list(self.legs.items()):
                    if (leg.call, leg.agent) == (command.call, command.agent):
                        self.send(actions.hang_up(leg_id))
            case m.Overflow():
                self._overflow(command)
            case m.Refused() if not self.outbox.replaying:
                log.warning("agent %s: %s refused: %s", command.agent, command.request,
                            command.why)  # fmt: skip
            case m.AgentChanged() if not self.outbox.replaying:
                self.record(command)  # for reports: how long in each state
                log.info("agent %s is %s %s", command.agent, command.state, command.reason)

    def _ring(self, offer: m.Offer) -> None:
        channel = self.channels.get(offer.call)
        if channel is None or self.outbox.replaying:  # replayed: the leg is in a Rang record
            return
        self._rings[offer.call] += 1
        leg = f"acd-{offer.agent}-{offer.call}-{self._rings[offer.call]}"
        now, call = offer.decision.at, self.router.calls[offer.call]
        self.legs[leg] = Leg(offer.call, offer.agent, now)
        recording = f"{leg}.wav" if self._recordings and call.kind.record else ""
        self.record(Rang(now, offer.call, offer.agent, leg, recording))
        log.info("call %s: ringing agent %s (%s, waited %.1f s)", offer.call, offer.agent,
                 offer.decision.trigger, offer.decision.waited)  # fmt: skip
        timeout, after = self.router.policy.ring_timeout, self.surveys.get(offer.call)
        to = str(self._recordings / recording) if self._recordings and recording else ""
        self.send(actions.ring(offer.agent, leg, channel, offer.call, timeout=timeout,
                                after=after, record=to))  # fmt: skip

    def _overflow(self, overflow: m.Overflow) -> None:
        self.record(Overflowed(self._last, overflow.call, overflow.to))
        channel = self.channels.get(overflow.call)
        if channel is None:
            return
        log.info("call %s waited its longest, %.1f s: sent to %s", overflow.call,
                 overflow.waited, overflow.to or "the apology")  # fmt: skip
        self.send(actions.redirect(channel, overflow.to))

    # plumbing -------------------------------------------------------------------------

    def now(self) -> float:
        """acd's clock, never going back (the wall clock may be stepped)."""
        self._last = max(self._last, self._clock())
        return self._last

    def record(self, record: Record) -> None:
        if not self.outbox.replaying:
            self._journal.record(record)

    def tell(self, record: Transferred) -> None:
        """Tell ``on_routed`` of a record once it is in the log."""
        if self._on_routed is not None and not self.outbox.replaying:
            self._journal.then(functools.partial(self._on_routed, record))

    def later(self, seconds: float, event: object) -> None:
        """Submit ``event`` to the writer after ``seconds``."""
        asyncio.get_running_loop().call_later(seconds, self.submit, event)

    def _arm(self) -> None:
        deadline = self.router.next_deadline
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if deadline is not None:
            loop = asyncio.get_running_loop()
            delay = max(0.0, deadline - self._clock())
            self._timer = loop.call_later(delay, self.submit, m.Tick(deadline))
