"""Calls handed from one person to another, carried out by live routing: blind transfers
(the agent's part ends at once) and attended ones (the agent consults first).

A consult is Asterisk's attended transfer, started by AMI ``Atxfer`` on the agent's leg:
the caller hears music while the agent's own call rings the target (``acd-consult``), whose
leg announces itself (the ``AcdConsultLeg`` user event). It ends in one of three ways: the
agent completes it (their leg hangs up: Asterisk joins the caller and the target and says
``AttendedTransfer``), cancels it (``CancelAtxfer``), or it fails (the target's leg hangs up
first, or never comes). The router holds a consulted agent on the call (``m.Consult``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from acd.adapters.ami import actions
from acd.adapters.ami import events as ev
from acd.core import messages as m
from acd.core.agent import State
from acd.core.router import Router
from acd.records import Rang, Record, Transferred, Waiting
from acd.routing_recovery import Leg

log = logging.getLogger("acd.routing")

TRANSFER_WAIT = 60.0
"""Seconds a call transferred to an agent waits for them before their call type decides."""
CONSULT_LEG_WAIT = 10.0
"""Seconds for the consulted phone's leg to appear before the consult counts as failed."""
CONSULT_LEG = "AcdConsultLeg"


@dataclass(frozen=True, slots=True)
class TransferRequest:
    """Send a call on (already checked): ``to`` as in ``records.Transferred``."""

    call: str
    by: str
    to: str


@dataclass(frozen=True, slots=True)
class ConsultRequest:
    """Consult ``to`` (``agent:ID`` or ``phone:ID``) about a call (already checked)."""

    call: str
    by: str
    to: str


@dataclass(frozen=True, slots=True)
class ConsultEnd:
    """Hand the call to the one consulted (``complete``), or go back to the caller."""

    call: str
    by: str
    complete: bool


@dataclass(frozen=True, slots=True)
class ConsultFailed:
    """The consult could not start (an AMI error), or its leg never came."""

    call: str
    why: str


@dataclass(slots=True)
class Consulting:
    by: str
    """Who asked (the agent, or a supervisor for them)."""
    agent: str
    leg: str
    """The agent's leg (its uniqueid): where Atxfer and CancelAtxfer act."""
    to: str
    target_leg: str = ""
    answered: bool = False
    cancelling: bool = False


class Live(Protocol):
    """What handovers need of live routing."""

    router: Router
    legs: dict[str, Leg]
    channels: dict[str, str]
    surveys: dict[str, str]

    def handle(self, event: m.Event) -> None: ...
    def record(self, record: Record) -> None: ...
    def tell(self, record: Transferred) -> None: ...
    def send(self, action: dict[str, str]) -> None: ...
    def send_in_order(
        self, sequence: list[dict[str, str]], failed: Callable[[str], object]
    ) -> None: ...
    def later(self, seconds: float, event: object) -> None: ...
    def arrive(self, waiting: Waiting, arrived: m.CallArrived) -> None: ...
    def forget(self, call: str) -> None: ...


class Handovers:
    def __init__(self, live: Live) -> None:
        self._live = live
        self.consults: dict[str, Consulting] = {}
        """Consults in progress, by call."""

    def apply(self, now: float, event: object) -> bool:
        """Live routing's event, if it is about a hand-over: True if it was."""
        match event:
            case TransferRequest():
                self.transfer(now, event)
            case ConsultRequest():
                self.consult(now, event)
            case ConsultEnd():
                self.end(now, event)
            case ConsultFailed():
                self.failed(now, event)
            case ev.UserEvent() if event.user_event == CONSULT_LEG:
                self.leg_up(now, event)
            case ev.AttendedTransfer():
                self.transferred(now, event)
            case ev.Newstate() if event.state == "Up" and self.consults:
                self.answered(now, event.uniqueid)
            case _:
                return False
        return True

    # blind ----------------------------------------------------------------------------

    def transfer(self, now: float, request: TransferRequest) -> None:
        """The agent's part ends (wrap-up); the caller waits again on hold, for a call type
        or for one agent first, or rings a supervisor's phone outside routing."""
        live = self._live
        call, channel = live.router.calls.get(request.call), live.channels.get(request.call)
        if call is None or not call.talking or channel is None or call.id in self.consults:
            log.warning("call %s: transfer by %s dropped: the call is over or in a consult",
                        request.call, request.by)  # fmt: skip
            return
        kind, _, target = request.to.partition(":")
        self._transferred(Transferred(now, call.id, request.by, request.to))
        live.handle(m.CallEnded(now, call.id))
        if kind == "phone":
            live.forget(call.id)
            live.send(actions.to_phone(channel, target))
            return
        call_type = target if kind == "call_type" else call.kind.name
        waiting = Waiting(now, call.id, channel, live.surveys.get(call.id, ""))
        agent = target if kind == "agent" else None
        live.arrive(waiting, m.CallArrived(now, call.id, call_type, agent=agent,
                                           agent_for=TRANSFER_WAIT if agent else 0.0))  # fmt: skip
        live.send(actions.set_variable(channel, "ACD_CALL_TYPE", call_type))
        live.send(actions.to_hold(channel))

    # attended -------------------------------------------------------------------------

    def consult(self, now: float, request: ConsultRequest) -> None:
        live = self._live
        call = live.router.calls.get(request.call)
        leg = self._leg_of(request.call, call.agent if call else None)
        if call is None or call.agent is None or not call.talking or leg is None:
            log.warning("call %s: consult by %s dropped: the call is over", request.call,
                        request.by)  # fmt: skip
            return
        if call.id in self.consults:
            log.warning("call %s: consult by %s dropped: one is on", call.id, request.by)
            return
        kind, _, target = request.to.partition(":")
        consulted = live.router.agents.get(target) if kind == "agent" else None
        if consulted is not None and consulted.state not in (State.READY, State.NOT_READY):
            log.warning("call %s: consult by %s dropped: agent %s is %s", call.id, request.by,
                        target, consulted.state.value)  # fmt: skip
            return
        live.handle(m.Consult(now, call.id, call.agent, request.to, "started"))
        self.consults[call.id] = Consulting(request.by, call.agent, leg, request.to)
        log.info("call %s: agent %s consults %s", call.id, call.agent, request.to)
        failed = lambda why: live.later(0.0, ConsultFailed(call.id, why))  # noqa: E731
        live.send_in_order(actions.consult(leg, call.id, target), failed)
        live.later(CONSULT_LEG_WAIT, ConsultFailed(call.id, "the phone did not ring"))

    def end(self, now: float, request: ConsultEnd) -> None:
        """Complete (the agent's leg hangs up: Asterisk hands the caller over) or cancel."""
        consult = self.consults.get(request.call)
        if consult is None:
            log.warning("call %s: no consult to end (by %s)", request.call, request.by)
        elif request.complete:
            self._live.send(actions.hang_up(consult.leg))
        else:
            consult.cancelling = True
            self._live.send(actions.cancel_consult(consult.leg))

    def failed(self, now: float, failure: ConsultFailed) -> None:
        consult = self.consults.get(failure.call)
        if consult is not None and not consult.target_leg:
            log.warning("call %s: consult failed: %s", failure.call, failure.why)
            self._live.send(actions.cancel_consult(consult.leg))
            self._over(now, failure.call, "failed")

    def leg_up(self, now: float, event: ev.UserEvent) -> None:
        """The consulted phone's leg: a hang-up of it before the hand-over ends the consult."""
        consult = self.consults.get(event.get("Call"))
        if consult is None or consult.target_leg:
            return
        consult.target_leg = event.uniqueid
        kind, _, target = consult.to.partition(":")
        if kind == "agent":  # after the hand-over, the call ends when this leg does
            self._live.legs[event.uniqueid] = Leg(event.get("Call"), target, now)
            self._live.record(Rang(now, event.get("Call"), target, event.uniqueid, ""))

    def answered(self, now: float, uniqueid: str) -> None:
        """The consulted phone answered: the agent may complete the transfer now."""
        for call, consult in self.consults.items():
            if consult.target_leg == uniqueid and not consult.answered:
                consult.answered = True
                self._live.handle(m.Consult(now, call, consult.agent, consult.to, "answered"))

    def leg_gone(self, now: float, uniqueid: str) -> bool:
        """A leg hung up: True if it was a consult's target, which ends the consult."""
        for call, consult in list(self.consults.items()):
            if consult.target_leg == uniqueid:
                self._over(now, call, "cancelled" if consult.cancelling else "failed")
                return True
        return False

    def transferred(self, now: float, event: ev.AttendedTransfer) -> None:
        """Asterisk joined the caller and the consulted party: theirs now."""
        call = event.transferee_uniqueid
        consult = self.consults.get(call)
        if consult is None:
            if event.result == "Success" and call in self._live.channels:
                log.warning("call %s: an attended transfer acd did not start", call)
            return
        if event.result != "Success":
            self._over(now, call, "failed")
            return
        self._transferred(Transferred(now, call, consult.by, consult.to))
        self._over(now, call, "completed")
        if consult.to.startswith("phone:"):  # outside routing from now on
            self._live.handle(m.CallEnded(now, call))
            self._live.forget(call)

    def forget(self, call: str) -> None:
        self.consults.pop(call, None)

    def _over(self, now: float, call: str, step: str) -> None:
        consult = self.consults.pop(call)
        log.info("call %s: consult of %s %s", call, consult.to, step)
        self._live.handle(m.Consult(now, call, consult.agent, consult.to, step))

    def _transferred(self, transferred: Transferred) -> None:
        self._live.record(transferred)
        self._live.tell(transferred)
        log.info("call %s: transferred by %s to %s", transferred.call, transferred.by,
                 transferred.to)  # fmt: skip

    def _leg_of(self, call: str, agent: str | None) -> str | None:
        legs: Mapping[str, Leg] = self._live.legs
        return next((i for i, leg in legs.items() if (leg.call, leg.agent) == (call, agent)),
                    None)  # fmt: skip
