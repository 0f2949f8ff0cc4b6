"""One explicit agent state machine.

Every state an agent can be in, and the only ways out of it. States that wait for the
outside world all have a way out that does not: ringing ends at the ring timeout, wrap-up
at its timer, on call at the call's end (which Asterisk always reports, or reconciliation
finds on restart). A request the state does not allow is refused, never half applied;
a request made during a call (break, logout) is kept and applied when the call's work ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from acd.core.policy import AgentProfile


class State(Enum):
    LOGGED_OUT = "logged_out"
    READY = "ready"
    NOT_READY = "not_ready"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"


BUSY = frozenset({State.RINGING, State.ON_CALL, State.WRAP_UP})
MISSED = "missed"
CONSULT = "consult"
"""The reason of an agent on a call only to be consulted (an attended transfer)."""


class NotAllowed(Exception):
    """The request does not apply to the agent's state."""


@dataclass(slots=True, eq=False)
class Agent:
    profile: AgentProfile
    state: State = State.LOGGED_OUT
    reason: str = ""
    since: float = 0.0
    call: str | None = None
    then: tuple[State, str] | None = None
    """State requested for after the current call's work (not ready with a reason, logout)."""
    misses: int = 0
    readied: int = 0
    """Times the agent chose to be ready again; a call's "declined" mark lasts until then."""
    handled: int = 0
    offered: int = 0
    """Sequence number of the last offer to this agent (round robin)."""
    epoch: int = 0
    """Bumped on every change, so stale entries in the router's heaps can be told apart."""
    deadline: float | None = None
    """When ringing or wrap-up ends on its own."""
    buckets: list[Any] = field(default_factory=list)
    """The router's buckets this agent is eligible for."""
    before_consult: tuple[State, str] = (State.READY, "")
    """Where a consulted agent goes back to if the call is not handed to them."""

    @property
    def id(self) -> str:
        return self.profile.id

    def _go(self, state: State, at: float, reason: str = "") -> None:
        self.state, self.reason, self.since = state, reason, at
        self.epoch += 1
        self.deadline = None

    # requests from the agent (or a supervisor) -----------------------------------------

    def log_in(self, at: float) -> None:
        if self.state is not State.LOGGED_OUT:
            raise NotAllowed(f"already logged in ({self.state.value})")
        self.misses, self.then = 0, None
        self._go(State.NOT_READY, at, "logged in")

    def set_ready(self, at: float) -> None:
        if self.state is State.LOGGED_OUT:
            raise NotAllowed("not logged in")
        if self.state in BUSY:
            self.then = None  # cancels a break asked for during the call
        elif self.state is State.NOT_READY:
            self.misses = 0
            self.readied += 1
            self._go(State.READY, at)

    def set_not_ready(self, at: float, reason: str) -> None:
        if self.state is State.LOGGED_OUT:
            raise NotAllowed("not logged in")
        if self.state in BUSY:
            self.then = (State.NOT_READY, reason)
        else:
            self._go(State.NOT_READY, at, reason)

    def log_out(self, at: float) -> None:
        if self.state is State.LOGGED_OUT:
            raise NotAllowed("not logged in")
        if self.state in BUSY:
            self.then = (State.LOGGED_OUT, "")
        else:
            self._go(State.LOGGED_OUT, at)

    # what happens to the agent's calls ------------------------------------------------

    def offer(self, at: float, call: str, ring_timeout: float, sequence: int) -> None:
        if self.state is not State.READY:
            raise NotAllowed(f"cannot ring an agent who is {self.state.value}")
        self._go(State.RINGING, at)
        self.call, self.offered, self.deadline = call, sequence, at + ring_timeout

    def answer(self, at: float) -> None:
        if self.state is not State.RINGING:
            raise NotAllowed(f"answer while {self.state.value}")
        self.misses = 0
        self._go(State.ON_CALL, at)

    def consulted(self, at: float, call: str) -> None:
        """Another agent calls them about their call: busy until the consult ends."""
        if self.state not in (State.READY, State.NOT_READY):
            raise NotAllowed(f"cannot consult an agent who is {self.state.value}")
        self.before_consult = (self.state, self.reason)
        self._go(State.ON_CALL, at, CONSULT)
        self.call = call

    def consult_over(self, at: float, *, taken: bool) -> None:
        """The consult ended: the caller is theirs now (``taken``), or they go back to the
        state they were in (or the one they asked for meanwhile)."""
        if self.state is not State.ON_CALL or self.reason != CONSULT:
            raise NotAllowed(f"no consult to end ({self.state.value} {self.reason})")
        before = self.before_consult
        if taken:
            self.misses = 0
            self._go(State.ON_CALL, at)
            if before[0] is State.NOT_READY and self.then is None:
                self.then = before  # back to their break after this call's work
            return
        self.call = None
        then, self.then = self.then, None
        state, reason = then or before
        self._go(state, at, reason)

    def missed(self, at: float, max_misses: int) -> None:
        """The ring went unanswered: ready again, or not ready after ``max_misses`` in a row."""
        if self.state is not State.RINGING:
            raise NotAllowed(f"missed while {self.state.value}")
        self.misses += 1
        self.call = None
        if self.misses >= max_misses and self.then != (State.LOGGED_OUT, ""):
            self.then = None  # a break asked for during the ring gives way to "missed"
            self._go(State.NOT_READY, at, MISSED)
        else:
            self._after_work(at)  # a logout asked for during the ring still happens

    def caller_left(self, at: float) -> None:
        """The caller hung up while this agent's phone rang: not the agent's miss."""
        if self.state is not State.RINGING:
            raise NotAllowed(f"caller left while {self.state.value}")
        self.call = None
        self._after_work(at)

    def call_ended(self, at: float, wrap_up: float) -> None:
        if self.state is not State.ON_CALL:
            raise NotAllowed(f"call ended while {self.state.value}")
        self.handled += 1
        self.call = None
        if wrap_up > 0:
            self._go(State.WRAP_UP, at)
            self.deadline = at + wrap_up
        else:
            self._after_work(at)

    def extend_wrap_up(self, seconds: float) -> None:
        if self.state is not State.WRAP_UP or self.deadline is None:
            raise NotAllowed(f"no wrap-up to extend ({self.state.value})")
        self.deadline += seconds
        self.epoch += 1

    def wrap_up_done(self, at: float) -> None:
        if self.state is not State.WRAP_UP:
            raise NotAllowed(f"no wrap-up to finish ({self.state.value})")
        self._after_work(at)

    def _after_work(self, at: float) -> None:
        then, self.then = self.then, None
        if then is None:
            self._go(State.READY, at)
        else:
            self._go(then[0], at, then[1])
