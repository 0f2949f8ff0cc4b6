"""After a restart or a lost AMI link: make the router agree with the channels Asterisk has
(and, at any time, agents' readiness with their phones' device states).

Pure: the router's calls, the legs acd rang and a snapshot of the channels up (from
``CoreShowChannels``) in; the router events that repair the difference out, with the
legs to forget and the callers waiting in the hold context that acd does not know
(``strangers``: their IVR outcome is on their channel variables, so acd can adopt them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from acd.core import messages as m
from acd.core.agent import Agent, State
from acd.core.queues import Call
from acd.records import Waiting

HOLD_CONTEXT = "acd-hold"
PHONE_OFFLINE = "phone offline"
OFFLINE = frozenset({"UNAVAILABLE", "INVALID"})
"""Device states of a phone that cannot ring (not registered, or no such endpoint)."""


@dataclass(frozen=True, slots=True)
class Channel:
    uniqueid: str
    name: str
    context: str
    bridge: str
    """The bridge the channel is in, or ``""``."""
    seconds: float
    """Since the channel was created."""

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> Channel:
        hours, minutes, seconds = (fields.get("Duration") or "0:0:0").split(":")
        duration = int(hours) * 3600 + int(minutes) * 60 + int(seconds)
        return cls(fields.get("Uniqueid", ""), fields.get("Channel", ""),
                   fields.get("Context", ""), fields.get("BridgeId", ""), duration)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The channels Asterisk had up when asked at ``asked`` (acd's clock)."""

    asked: float
    up: Mapping[str, Channel]
    phones: Mapping[str, str]
    """Agents' phones' device states, by agent id."""


@dataclass(frozen=True, slots=True)
class Stranger:
    """A caller waiting in the hold context whom acd does not know, with its IVR outcome."""

    channel: Channel
    variables: Mapping[str, str]
    """``CALL_TYPE``, ``PRIORITY``, ``SKILLS``, ``SURVEY``: what the IVR set on the channel."""

    def arrival(self, now: float) -> tuple[Waiting, m.CallArrived] | None:
        """The records that queue this caller, waiting since its channel came up."""
        found, call = self.variables, self.channel.uniqueid
        if not found.get("CALL_TYPE"):
            return None
        pairs = (p.split("=", 1) for p in found.get("SKILLS", "").split(",") if "=" in p)
        skills = {k: int(v) for k, v in pairs if v.isdigit()}
        priority = int(found["PRIORITY"]) if found.get("PRIORITY", "").isdigit() else 0
        waiting = Waiting(now, call, self.channel.name, found.get("SURVEY", ""))
        arrived = m.CallArrived(now, call, found["CALL_TYPE"], skills, priority or None,
                                now - self.channel.seconds)  # fmt: skip
        return waiting, arrived


@dataclass(frozen=True, slots=True)
class Leg:
    """An agent's leg acd asked Asterisk for: its call, its agent, and when."""

    call: str
    agent: str
    at: float


@dataclass(slots=True)
class Repairs:
    events: list[m.Event] = field(default_factory=list)
    gone_legs: list[str] = field(default_factory=list)
    gone_callers: list[str] = field(default_factory=list)
    strangers: list[Channel] = field(default_factory=list)


def reconcile(
    at: float,
    *,
    asked: float,
    calls: Mapping[str, Call],
    legs: Mapping[str, Leg],
    known: Mapping[str, str],
    up: Mapping[str, Channel],
) -> Repairs:
    """``up`` was asked for at ``asked``: legs rung since then are not in it and are left be.

    ``legs``: by leg id; ``known``: the callers' channels acd knows, by call id.
    """
    repairs = Repairs()
    leg_of = {(leg.call, leg.agent): (leg_id, leg) for leg_id, leg in legs.items()}
    for call in calls.values():
        caller = up.get(call.id)
        if call.consultant is not None and _consult(
            call, caller, at=at, asked=asked, leg_of=leg_of, up=up, repairs=repairs
        ):
            continue
        leg_id, rung = leg_of.get((call.id, call.agent or ""), ("", None))
        if rung is not None and rung.at >= asked:
            continue
        leg = up.get(leg_id) if leg_id else None
        if caller is None:
            repairs.events.append((m.CallEnded if call.talking else m.CallAbandoned)(at, call.id))
        elif call.talking:
            if leg is None:  # the agent hung up while acd was not looking
                repairs.events.append(m.CallEnded(at, call.id))
        elif call.agent is not None:
            if leg is None:
                repairs.events.append(m.RingFailed(at, call.id, call.agent))
            elif leg.bridge and leg.bridge == caller.bridge:
                repairs.events.append(m.Answered(at, call.id, call.agent))
    repairs.gone_legs = [i for i, leg in legs.items() if i not in up and leg.at < asked]
    repairs.gone_callers = [call for call in known if call not in up and call not in calls]
    repairs.strangers = [
        channel
        for channel in up.values()
        if channel.context == HOLD_CONTEXT
        and not channel.bridge
        and channel.uniqueid not in calls
        and channel.uniqueid not in known
    ]
    return repairs


def _consult(
    call: Call, caller: Channel | None, *, at: float, asked: float,
    leg_of: Mapping[tuple[str, str], tuple[str, Leg]], up: Mapping[str, Channel],
    repairs: Repairs,
) -> bool:  # fmt: skip
    """A consult that ended while acd was not looking: its target's leg is gone (failed),
    or it is with the caller (completed; the call is the target's). True if completed."""
    consultant = call.consultant or ""
    leg_id, rung = leg_of.get((call.id, consultant), ("", None))
    if rung is not None and rung.at >= asked:
        return False
    leg = up.get(leg_id) if leg_id else None
    completed = leg is not None and caller is not None and leg.bridge == caller.bridge != ""
    if leg is None or completed:
        step = "completed" if completed else "failed"
        repairs.events.append(m.Consult(at, call.id, call.agent or "", f"agent:{consultant}", step))
    return completed


def phones(
    at: float, agents: Mapping[str, Agent], states: Mapping[str, str]
) -> list[m.SetNotReady | m.SetReady]:
    """Agents whose phone went offline leave ready (``phone offline``); back when it is.

    ``states``: device states by agent id (``PJSIP/<agent>``). A phone that cannot ring
    would only collect missed calls; an agent put in not ready for that alone goes back to
    ready once their phone registers again. Unknown states change nothing."""
    repairs: list[m.SetNotReady | m.SetReady] = []
    for agent_id, state in states.items():
        agent = agents.get(agent_id)
        if agent is None or state == "UNKNOWN":
            continue
        if state in OFFLINE and agent.state is State.READY:
            repairs.append(m.SetNotReady(at, agent_id, PHONE_OFFLINE))
        elif (state not in OFFLINE and agent.state is State.NOT_READY
              and agent.reason == PHONE_OFFLINE):  # fmt: skip
            repairs.append(m.SetReady(at, agent_id))
    return repairs
