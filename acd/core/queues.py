"""What the router keeps: calls, and buckets of waiting calls and ready agents per
requirement; how each strategy ranks the ready agents of a bucket."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from acd.core.agent import Agent
from acd.core.policy import CallType, Requirement, Strategy


@dataclass(slots=True, eq=False)
class Call:
    id: str
    kind: CallType
    first: Requirement
    priority: int
    arrived: float
    order: float
    seq: int
    step: int = 0
    token: int = 0
    bucket: Bucket | None = None
    agent: str | None = None
    talking: bool = False
    declined: dict[str, int] = field(default_factory=dict)
    """Agents who let this call ring out, with their ``readied`` count then: the mark holds
    until the agent chooses ready again, so a call is neither re-rung in a loop nor stranded."""

    fallback: str | None = None
    """Where the call goes at ``limit``, if not its call type's fallback (from the IVR)."""
    prefer: Requirement | None = None
    """One agent the call waits for first (then its steps): see ``CallArrived.agent``."""
    consultant: str | None = None
    """The agent its agent is consulting about it now (``Consult``)."""
    limit: float | None = None
    """When the call leaves for its fallback: ``max_wait`` counts from entering this call
    type, so a call that fell back keeps its place but not a spent wait (a cycle of
    fallbacks would otherwise bounce forever at one instant)."""

    def declined_by(self, agent: Agent) -> bool:
        return self.declined.get(agent.id) == agent.readied


@dataclass(slots=True, eq=False)
class Bucket:
    any_of: tuple[Requirement, ...]
    calls: list[tuple[float, float, int, int, Call]] = field(default_factory=list)
    ready: list[tuple[Any, Any, str, int, Agent]] = field(default_factory=list)
    label: str = field(init=False)
    """The requirement as people read it, for decisions (worked out once, not per offer)."""

    def __post_init__(self) -> None:
        self.label = " or ".join(map(str, self.any_of))

    def eligible(self, agent: Agent) -> bool:
        skills, team = agent.profile.skills, agent.profile.team
        return any(req.met_by(skills, team, agent.id) for req in self.any_of)


def first_live(calls: list[tuple[float, float, int, int, Call]], agent: Agent) -> Any:
    """The best live call in a heap that ``agent`` has not declined (rare: a slow scan)."""
    live = (e for e in sorted(calls) if e[3] == e[4].token and not e[4].declined_by(agent))
    return next(live, None)


def _longest_idle(agent: Agent, _: Bucket) -> tuple[Any, Any]:
    return agent.since, 0


def _best_skill(agent: Agent, bucket: Bucket) -> tuple[Any, Any]:
    wanted = {name for req in bucket.any_of for name, _ in req.skills}
    return -sum(agent.profile.skills.get(name, 0) for name in wanted), agent.since


def _fewest_calls(agent: Agent, _: Bucket) -> tuple[Any, Any]:
    return agent.handled, agent.since


def _round_robin(agent: Agent, _: Bucket) -> tuple[Any, Any]:
    return agent.offered, 0


AGENT_KEYS = {
    Strategy.LONGEST_IDLE: _longest_idle,
    Strategy.BEST_SKILL: _best_skill,
    Strategy.FEWEST_CALLS: _fewest_calls,
    Strategy.ROUND_ROBIN: _round_robin,
}
