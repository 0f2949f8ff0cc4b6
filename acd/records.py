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
    recording: str = ""
    """The file the conversation is recorded to, if it is (``<leg>.wav``)."""


@dataclass(frozen=True, slots=True)
class IvrFinished:
    """A caller left the IVR (any outcome): the call record's first line, and its survey's."""

    at: float
    call: str
    number: str
    """The caller's number (caller ID), as Asterisk gave it."""
    flow: str
    """``name@version`` of the flow the call ran."""
    outcome: str
    """``Queued``, ``Transferred``, ``ToVoicemail``, ``CallbackRequested``, ``Rated`` or
    ``HungUp``."""
    path: tuple[str, ...] = ()
    vars: dict[str, str] = dataclasses.field(default_factory=dict)
    detail: dict[str, str] = dataclasses.field(default_factory=dict)
    """The outcome's own fields (call type, mailbox, callback number, rating...)."""
    started: float | None = None
    """When the IVR answered the caller."""


@dataclass(frozen=True, slots=True)
class Overflowed:
    """A caller waited their longest and was sent to ``to`` (an IVR node; None: the apology)."""

    at: float
    call: str
    to: str | None


@dataclass(frozen=True, slots=True)
class Disposed:
    """What the call was about and how it ended, as the agent (or a supervisor) filed it."""

    at: float
    call: str
    by: str
    disposition: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class TicketOpened:
    """A complaint recorded by ``by``, numbered ``number`` (``C-YYYYMMDD-NNNN``), about
    ``customer`` (a directory id, else ``tel:NUMBER``), from ``call`` if on one."""

    at: float
    number: str
    customer: str
    by: str
    category: str
    description: str
    severity: str = "normal"
    call: str = ""


@dataclass(frozen=True, slots=True)
class TicketChanged:
    """A ticket moved on: ``status`` (``escalated``, ``resolved``, ``followed_up``, ``closed``,
    or ``open`` again), by whom, with a note; ``owner``: whose it is now (a user, or
    ``queue:CALL_TYPE`` for a department), if it changed; ``due``: when it must be done by
    (escalated) or followed up (resolved); ``outcome``: a follow-up's (``satisfied``,
    ``not_satisfied``, ``unreachable``)."""

    at: float
    number: str
    by: str
    status: str
    note: str = ""
    owner: str = ""
    due: float | None = None
    outcome: str = ""


@dataclass(frozen=True, slots=True)
class Transferred:
    """The agent ``by`` sent the call on: ``to`` is ``call_type:NAME``, ``agent:ID`` or
    ``phone:ID`` (a supervisor's phone, outside routing)."""

    at: float
    call: str
    by: str
    to: str


@dataclass(frozen=True, slots=True)
class RecordingsDeleted:
    """Recordings deleted after their retention (file names)."""

    at: float
    files: tuple[str, ...]


Record = (
    m.Event
    | Waiting
    | Rang
    | IvrFinished
    | Overflowed
    | Disposed
    | Transferred
    | m.AgentChanged
    | RecordingsDeleted
    | TicketOpened
    | TicketChanged
)
"""``AgentChanged``: the router's own output, logged for reports (replay makes it again)."""

TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        m.CallArrived, m.CallAbandoned, m.Answered, m.RingFailed, m.CallEnded, m.LoggedIn,
        m.SetReady, m.SetNotReady, m.LoggedOut, m.WrapUpDone, m.WrapUpExtended, m.Consult,
        m.Tick, Waiting, Rang, IvrFinished, Overflowed, Disposed, Transferred, m.AgentChanged,
        RecordingsDeleted, TicketOpened, TicketChanged,
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
        if cls is IvrFinished:
            fields["path"] = tuple(fields.get("path", ()))
        if cls is RecordingsDeleted:
            fields["files"] = tuple(fields.get("files", ()))
        record: Record = cls(**fields)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadRecord(f"not a record: {text[:200]!r} ({exc})") from None
    return record
