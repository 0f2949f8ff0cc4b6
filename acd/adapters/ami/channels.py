"""Questions acd asks Asterisk about its channels and devices (to reconcile with it)."""

from __future__ import annotations

from collections.abc import Iterable

from acd.adapters.ami.client import AmiClient
from acd.routing_recovery import Channel


async def channels_up(ami: AmiClient) -> dict[str, Channel]:
    """Every channel up now, by uniqueid (``CoreShowChannels``)."""
    reply = await ami.send_action({"Action": "CoreShowChannels"}, collect=True, timeout=30)
    channels = (Channel.from_fields(e.fields) for e in reply.events)
    return {c.uniqueid: c for c in channels if c.uniqueid}


async def device_states(ami: AmiClient) -> dict[str, str]:
    """Every device's state (``DeviceStateList``), e.g. ``{"PJSIP/1001": "NOT_INUSE"}``."""
    reply = await ami.send_action({"Action": "DeviceStateList"}, collect=True, timeout=30)
    return {e.get("Device"): e.get("State") for e in reply.events if e.get("Device")}


async def variables(ami: AmiClient, channel: str, names: Iterable[str]) -> dict[str, str]:
    """The channel's variables (``Getvar`` each; an unset one is ``""``)."""
    found = {}
    for name in names:
        reply = await ami.send_action({"Action": "Getvar", "Channel": channel, "Variable": name})
        found[name] = reply.fields.get("Value", "")
    return found
