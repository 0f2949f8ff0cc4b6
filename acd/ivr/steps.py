"""What the interpreter asks of the telephony side, what it gets back, and how a call leaves.

The interpreter yields a command, the driver (FastAGI adapter or simulator) carries it
out and answers with a reply; a ``Finish`` ends the IVR part of the call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

KEYS = "0123456789*#"


@dataclass(frozen=True, slots=True)
class Sound:
    name: str


@dataclass(frozen=True, slots=True)
class Digits:
    text: str


@dataclass(frozen=True, slots=True)
class Number:
    text: str


Audio = Sound | Digits | Number


# commands ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Play:
    """Play in order; stop at the first key in ``stop_on`` (empty: keys are ignored)."""

    audio: tuple[Audio, ...]
    stop_on: str = ""


@dataclass(frozen=True, slots=True)
class ReadKey:
    timeout: float


@dataclass(frozen=True, slots=True)
class FindCustomer:
    source: str
    key: str
    url: str | None
    timeout: float


@dataclass(frozen=True, slots=True)
class CheckPin:
    account: str
    pin: str


@dataclass(frozen=True, slots=True)
class Finish:
    outcome: Outcome
    vars: Mapping[str, str]
    path: tuple[str, ...]
    """Nodes visited, as ``flow.node``."""


Command = Play | ReadKey | FindCustomer | CheckPin | Finish


# replies ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heard:
    """The key pressed, or ``""`` when none came (end of prompts, or time out)."""

    key: str = ""


@dataclass(frozen=True, slots=True)
class Found:
    record: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NotFound:
    pass


@dataclass(frozen=True, slots=True)
class Failed:
    """The command could not be carried out (missing sound, service down or slow)."""

    reason: str


Reply = Heard | Found | NotFound | Failed


# outcomes ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Queued:
    call_type: str
    skills: Mapping[str, int]
    priority: int
    language: str
    max_wait: float | None = None
    on_max_wait: str | None = None
    callback_after: float | None = None
    survey: str | None = None
    """``flow.node`` to run for the caller after the agent hangs up."""


@dataclass(frozen=True, slots=True)
class Transferred:
    agent: str | None = None
    call_type: str | None = None
    extension: str | None = None


@dataclass(frozen=True, slots=True)
class ToVoicemail:
    mailbox: str


@dataclass(frozen=True, slots=True)
class CallbackRequested:
    number: str
    call_type: str


@dataclass(frozen=True, slots=True)
class Rated:
    rating: int | None


@dataclass(frozen=True, slots=True)
class HungUp:
    by: str
    """``flow`` (a hangup node) or ``caller``."""


Outcome = Queued | Transferred | ToVoicemail | CallbackRequested | Rated | HungUp


@dataclass(frozen=True, slots=True)
class IvrEnded:
    """A call left the IVR: what it chose, pinned to the flow version it ran."""

    call_id: str
    """Asterisk's uniqueid of the caller's channel."""
    flow: str
    version: str
    finish: Finish
    channel: str = ""
    """The caller's channel name (what a bridge to an agent needs)."""
    started: float | None = None
    """When the IVR took the call (seconds since the epoch)."""
