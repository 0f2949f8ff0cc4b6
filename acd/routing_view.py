"""What HTTP and the hold announcements may read of live routing; nothing here changes it.

Readers run on the same event loop as the runtime's writer task, between its events, so
they see a consistent state without locks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from acd.core.router import Router
from acd.routing_live import LiveRouting


@dataclass(frozen=True, slots=True)
class Place:
    """A waiting caller's place in line, the expected wait, and when to tell them again."""

    position: int | None
    """1: next; None: not in line now (the agent's phone is ringing)."""
    wait: float | None
    """Seconds, if the line moved lately (``acd/core/pace.py``)."""
    every: float
    """Seconds of music until the next announcement (0: none)."""


class RoutingView:
    def __init__(self, live: LiveRouting, clock: Callable[[], float]) -> None:
        self._live, self._clock = live, clock

    @property
    def router(self) -> Router:
        return self._live.router

    def summary(self, teams: tuple[str, ...] | None = None) -> dict[str, object]:
        """Calls waiting and each agent's state (of ``teams`` only, if given): ``/routing``."""
        states = self.states()
        agents = self._live.router.agents.values()
        return {
            "waiting": len(self._live.router.waiting()),
            "agents": {
                a.id: states[a.id] for a in agents if teams is None or a.profile.team in teams
            },
        }

    def states(self) -> dict[str, str]:
        """Every agent's state now, with its reason (``not_ready meal``)."""
        agents = self._live.router.agents.values()
        return {a.id: f"{a.state.value} {a.reason}".strip() for a in agents}

    def talking(self, call: str) -> str | None:
        """The agent ``call`` is talking to now, if any."""
        current = self._live.router.calls.get(call)
        return current.agent if current is not None and current.talking else None

    def busy(self, agent: str) -> str | None:
        """Why ``agent`` cannot be consulted now (their state), or None if they can."""
        found = self._live.router.agents.get(agent)
        if found is None or found.state.value in ("ready", "not_ready"):
            return None
        return found.state.value

    def free_agent_for(self, call_type: str, but: str = "") -> str | None:
        """A ready agent whose skills meet the call type's first step (idle longest), to
        consult about a call of that type; None if nobody is free."""
        router = self._live.router
        kind = router.policy.call_types.get(call_type)
        if kind is None:
            return None
        need = kind.steps[0].requirement
        free = [a for a in router.agents.values()
                if a.state.value == "ready" and a.id != but
                and need.met_by(a.profile.skills, a.profile.team, a.id)]  # fmt: skip
        return min(free, key=lambda a: (a.since, a.id)).id if free else None

    def waiting_for(self, agent: str, longer_than: float) -> int:
        """Callers waiting now that ``agent`` could take, who waited over ``longer_than`` s."""
        router = self._live.router
        found = router.agents.get(agent)
        if found is None:
            return 0
        now = self._clock()
        return sum(1 for call in router.waiting()
                   if now - call.arrived > longer_than
                   and call.bucket is not None and call.bucket.eligible(found))  # fmt: skip

    def consult(self, call: str) -> str | None:
        """A consult on ``call`` now: ``ringing`` or ``answered``; None without one."""
        consult = self._live.handovers.consults.get(call)
        return None if consult is None else "answered" if consult.answered else "ringing"

    def explain(self, call: str) -> dict[str, object] | None:
        """The decisions on a recent call, and every agent's verdict if it waits now.

        Live decisions carry no verdicts: with thousands of agents, each agent's verdict on
        every offer costs milliseconds and megabytes. ``acd calls explain`` replays the log
        to give them for any offer."""
        router, decisions = self._live.router, self._live.decisions
        current = router.calls.get(call)
        if call not in decisions and current is None:
            return None
        waiting = current is not None and current.agent is None and not current.talking
        state = ("gone" if current is None else "waiting" if waiting
                 else "talking" if current.talking else "ringing")  # fmt: skip
        return {
            "call": call,
            "state": state,
            "decisions": [dataclasses.asdict(d) for d in decisions.get(call, [])],
            "waiting_verdicts": [dataclasses.asdict(v) for v in router.verdicts(call)]
            if waiting else [],
        }  # fmt: skip

    def place(self, call: str) -> Place | None:
        """Where a caller on hold stands, for the announcement; None if routing has no such
        call. A call whose agent's phone rings has no position (nothing to say) but keeps
        its interval, in case the agent does not answer."""
        router = self._live.router
        current = router.calls.get(call)
        if current is None:
            return None
        position = router.position(call)
        now = self._clock()
        wait = (
            None
            if position is None
            else self._live.pace.expected_wait(current.kind.name, position, now)
        )
        return Place(position, wait, current.kind.announce_every)
