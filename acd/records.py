"""What the event log holds: the router's events and what live routing did about them.

Each record is one flat dataclass, written as one JSON object with its type in ``"t"``.
Replaying the records in order rebuilds the router, the callers' channels and the agents'
ringing legs exactly as they were.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from acd.core import messages as m


@dataclass(frozen=True, slots=True)
class Waiting:
    """A caller left the IVR to wait on ``channel`` (recorded just before its ``CallArrived``)."""

    at: float
    call: str
    channel: str
    survey: str = ""
    """The IVR node the caller goes to after the agent hangs up, if any."""


@dataclass(frozen=True, slots=True)
class Rang:
    """acd asked Asterisk to ring ``agent`` for ``call`` on the leg ``leg``."""

    at: float
    call: str
    agent: str
    leg: str


Record = m.Event | Waiting | Rang

TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        m.CallArrived, m.CallAbandoned, m.Answered, m.RingFailed, m.CallEnded, m.LoggedIn,
        m.SetReady, m.SetNotReady, m.LoggedOut, m.WrapUpDone, m.WrapUpExtended, m.Tick,
        Waiting, Rang,
    )
}  # fmt: skip


class BadRecord(ValueError):
    """A log entry that is not a record of this version of acd."""


def encode(record: Record) -> str:
    fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    if isinstance(record, m.CallArrived):
        fields["skills"] = dict(record.skills)
    return json.dumps({"t": type(record).__name__, **fields}, separators=(",", ":"))


def decode(text: str | bytes) -> Record:
    try:
        fields = json.loads(text)
        cls = TYPES[fields.pop("t")]
        record: Record = cls(**fields)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadRecord(f"not a record: {text[:200]!r} ({exc})") from None
    return record
