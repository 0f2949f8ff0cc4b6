"""Typed AMI events: the ones acd acts on get named attributes; all keep every field.

Names are spelled as Asterisk spells them (inside this adapter only). Events are
values: nothing changes them after the parser made them. They are not frozen only
because a frozen dataclass costs five times as much to build, on the hottest path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

Fields = dict[str, str]


@dataclass(slots=True, eq=False)
class AmiEvent:
    """Any event from Asterisk; ``fields`` holds every ``Key: Value`` as received."""

    name: str
    fields: Fields

    keys: ClassVar[tuple[str, ...]] = ()

    def get(self, key: str, default: str = "") -> str:
        return self.fields.get(key, default)


@dataclass(slots=True, eq=False)
class Newchannel(AmiEvent):
    channel: str
    uniqueid: str
    linkedid: str
    caller_id_num: str
    context: str
    exten: str

    keys = ("Channel", "Uniqueid", "Linkedid", "CallerIDNum", "Context", "Exten")


@dataclass(slots=True, eq=False)
class Newstate(AmiEvent):
    channel: str
    uniqueid: str
    state: str

    keys = ("Channel", "Uniqueid", "ChannelStateDesc")


@dataclass(slots=True, eq=False)
class Hangup(AmiEvent):
    channel: str
    uniqueid: str
    linkedid: str
    cause: str
    cause_text: str

    keys = ("Channel", "Uniqueid", "Linkedid", "Cause", "Cause-txt")


@dataclass(slots=True, eq=False)
class DialBegin(AmiEvent):
    channel: str
    uniqueid: str
    dest_channel: str
    dest_uniqueid: str

    keys = ("Channel", "Uniqueid", "DestChannel", "DestUniqueid")


@dataclass(slots=True, eq=False)
class DialEnd(AmiEvent):
    channel: str
    uniqueid: str
    dest_channel: str
    dest_uniqueid: str
    dial_status: str

    keys = ("Channel", "Uniqueid", "DestChannel", "DestUniqueid", "DialStatus")


@dataclass(slots=True, eq=False)
class BridgeEnter(AmiEvent):
    bridge_uniqueid: str
    channel: str
    uniqueid: str

    keys = ("BridgeUniqueid", "Channel", "Uniqueid")


@dataclass(slots=True, eq=False)
class BridgeLeave(AmiEvent):
    bridge_uniqueid: str
    channel: str
    uniqueid: str

    keys = ("BridgeUniqueid", "Channel", "Uniqueid")


@dataclass(slots=True, eq=False)
class DTMFEnd(AmiEvent):
    channel: str
    uniqueid: str
    digit: str
    direction: str

    keys = ("Channel", "Uniqueid", "Digit", "Direction")


@dataclass(slots=True, eq=False)
class UserEvent(AmiEvent):
    channel: str
    uniqueid: str
    user_event: str

    keys = ("Channel", "Uniqueid", "UserEvent")


@dataclass(slots=True, eq=False)
class AttendedTransfer(AmiEvent):
    """An attended transfer ended: ``Success`` joins the transferee (the caller) with the
    transfer target; the transferer's channel leaves."""

    result: str
    transferee_uniqueid: str
    orig_transferer_uniqueid: str

    keys = ("Result", "TransfereeUniqueid", "OrigTransfererUniqueid")


@dataclass(slots=True, eq=False)
class OriginateResponse(AmiEvent):
    action_id: str
    response: str
    channel: str
    uniqueid: str
    reason: str

    keys = ("ActionID", "Response", "Channel", "Uniqueid", "Reason")


@dataclass(slots=True, eq=False)
class DeviceStateChange(AmiEvent):
    device: str
    state: str

    keys = ("Device", "State")


@dataclass(slots=True, eq=False)
class AsyncAGIStart(AmiEvent):
    channel: str
    uniqueid: str
    env: str

    keys = ("Channel", "Uniqueid", "Env")


@dataclass(slots=True, eq=False)
class AsyncAGIExec(AmiEvent):
    channel: str
    uniqueid: str
    command_id: str
    result: str

    keys = ("Channel", "Uniqueid", "CommandId", "Result")  # Asterisk 22 spells it so


@dataclass(slots=True, eq=False)
class AsyncAGIEnd(AmiEvent):
    channel: str
    uniqueid: str

    keys = ("Channel", "Uniqueid")


@dataclass(slots=True, eq=False)
class FullyBooted(AmiEvent):
    status: str

    keys = ("Status",)


@dataclass(slots=True, eq=False)
class ConnectionLost(AmiEvent):
    """Made by the client, not sent by Asterisk: events may be missing until restored."""

    reason: str


@dataclass(slots=True, eq=False)
class ConnectionRestored(AmiEvent):
    """Made by the client after a re-login: state must be reconciled with Asterisk."""

    downtime: float
