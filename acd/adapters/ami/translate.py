"""Pure translation of parsed AMI messages into typed events."""

from __future__ import annotations

from itertools import repeat

from acd.adapters.ami import events as ev

TYPED: dict[str, type[ev.AmiEvent]] = {
    cls.__name__: cls
    for cls in (
        ev.Newchannel,
        ev.Newstate,
        ev.Hangup,
        ev.DialBegin,
        ev.DialEnd,
        ev.BridgeEnter,
        ev.BridgeLeave,
        ev.DTMFEnd,
        ev.UserEvent,
        ev.AttendedTransfer,
        ev.OriginateResponse,
        ev.DeviceStateChange,
        ev.AsyncAGIStart,
        ev.AsyncAGIExec,
        ev.AsyncAGIEnd,
        ev.FullyBooted,
    )
}


def to_event(message: ev.Fields) -> ev.AmiEvent:
    """Build the typed event for a message that has an ``Event`` key."""
    name = message["Event"]
    cls = TYPED.get(name)
    if cls is None:
        return ev.AmiEvent(name, message)
    return cls(name, message, *map(message.get, cls.keys, repeat("")))
