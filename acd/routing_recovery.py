"""After a restart or a lost AMI link: make the router agree with the channels Asterisk has.

Pure: the router's calls, the legs acd rang and a snapshot of the channels up (from
``CoreShowChannels``) in; the router events that repair the difference out, with the
legs to forget and the callers waiting in the hold context that acd does not know
(``strangers``: their IVR outcome is on their channel variables, so acd can adopt them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from acd.core import messages as m
from acd.core.queues import Call

HOLD_CONTEXT = "acd-hold"


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
