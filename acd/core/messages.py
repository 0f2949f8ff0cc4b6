"""What happens to the router (events, each with its time) and what it asks for (commands)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# events -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallArrived:
    at: float
    call: str
    call_type: str
    skills: Mapping[str, int] = field(default_factory=dict)
    """Extra minimum levels for the first step (from the IVR)."""
    priority: int | None = None
    """None: the call type's priority."""
    arrived: float | None = None
    """When the caller started waiting, if earlier (a callback keeps its place)."""
    max_wait: float | None = None
    """This call's own maximum wait (the IVR's queue node); None: the call type's."""
    fallback: str | None = None
    """Where this call goes after its maximum wait; None: the call type's fallback."""
    agent: str | None = None
    """Offer the call to this agent only for its first ``agent_for`` seconds (a transfer to
    them), then to whoever the call type's steps allow."""
    agent_for: float = 0.0


@dataclass(frozen=True, slots=True)
class CallAbandoned:
    at: float
    call: str


@dataclass(frozen=True, slots=True)
class Answered:
    at: float
    call: str
    agent: str


@dataclass(frozen=True, slots=True)
class RingFailed:
    """The agent's phone did not answer (busy, unreachable, rejected, or no answer)."""

    at: float
    call: str
    agent: str


@dataclass(frozen=True, slots=True)
class CallEnded:
    """A call an agent was talking on hung up."""

    at: float
    call: str
    by: str = ""
    """Who hung up first: ``caller`` or ``agent`` (empty: not known, e.g. a repair)."""


@dataclass(frozen=True, slots=True)
class LoggedIn:
    at: float
    agent: str


@dataclass(frozen=True, slots=True)
class SetReady:
    at: float
    agent: str


@dataclass(frozen=True, slots=True)
class SetNotReady:
    at: float
    agent: str
    reason: str


@dataclass(frozen=True, slots=True)
class LoggedOut:
    at: float
    agent: str


@dataclass(frozen=True, slots=True)
class WrapUpDone:
    at: float
    agent: str


@dataclass(frozen=True, slots=True)
class WrapUpExtended:
    at: float
    agent: str
    seconds: float


@dataclass(frozen=True, slots=True)
class Tick:
    """Time passed: run the timers due (steps, maximum waits, rings, wrap-ups)."""

    at: float


@dataclass(frozen=True, slots=True)
class Consult:
    """The agent on a call consults someone before handing it over (attended transfer).

    ``to``: ``agent:ID`` (held on a call for the consult: offered nothing) or ``phone:ID``
    (a supervisor's phone, outside routing); ``step``: ``started``, ``answered`` (the one
    consulted picked up), then ``completed`` (the caller is theirs now), ``cancelled`` or
    ``failed``."""

    at: float
    call: str
    by: str
    to: str
    step: str


CONSULT_STEPS = ("started", "answered", "completed", "cancelled", "failed")

Event = (
    CallArrived | CallAbandoned | Answered | RingFailed | CallEnded | LoggedIn | SetReady
    | SetNotReady | LoggedOut | WrapUpDone | WrapUpExtended | Consult | Tick
)  # fmt: skip

# commands ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    agent: str
    state: str
    eligible: bool
    why: str


@dataclass(frozen=True, slots=True)
class Decision:
    """Why this agent got this call: what the call needed then, and how the agent was picked."""

    at: float
    call: str
    agent: str
    trigger: str
    """``call waiting`` (the call came or its step widened) or ``agent ready``."""
    waited: float
    step: int
    requirement: str
    strategy: str
    key: tuple[object, ...]
    """The chosen agent's sort key under the strategy (smaller wins; agent id breaks ties)."""
    verdicts: tuple[Verdict, ...] = ()
    """Every agent, when the router explains (live and replay, not in bulk simulation)."""


@dataclass(frozen=True, slots=True)
class Offer:
    """Ring ``agent`` for ``call``."""

    call: str
    agent: str
    decision: Decision


@dataclass(frozen=True, slots=True)
class CancelOffer:
    """Stop ringing ``agent``: the caller hung up, or the ring timed out in the router."""

    call: str
    agent: str
    why: str = "caller hung up"


@dataclass(frozen=True, slots=True)
class Overflow:
    """The call waited its maximum: send it to ``to`` (an IVR node or another call type)."""

    call: str
    to: str | None
    waited: float


@dataclass(frozen=True, slots=True)
class AgentChanged:
    agent: str
    state: str
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class Refused:
    """A request that the agent's state does not allow; nothing changed."""

    agent: str
    request: str
    why: str


Command = Offer | CancelOffer | Overflow | AgentChanged | Refused
