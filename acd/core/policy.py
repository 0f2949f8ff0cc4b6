"""The routing policy as the core sees it: call types, requirement steps, agents' skills.

Validated and loaded at the edge (``acd/routing_policy.py``); here only frozen values.
A call type's steps widen over the wait: at step k an agent may take the call if it meets
*any* of steps 0..k, so a later step never takes away an agent an earlier one allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

Skills = Mapping[str, int]


class Strategy(Enum):
    """How one agent is chosen among the eligible ready ones."""

    LONGEST_IDLE = "longest_idle"
    BEST_SKILL = "best_skill"
    FEWEST_CALLS = "fewest_calls"
    ROUND_ROBIN = "round_robin"


@dataclass(frozen=True, slots=True)
class Requirement:
    """Minimum skill levels, and optionally a team, an agent must have; or one agent."""

    skills: tuple[tuple[str, int], ...] = ()
    team: str | None = None
    agent: str | None = None
    """This agent only (a transfer to them, a ticket's owner), whatever their skills."""

    @classmethod
    def of(cls, skills: Skills, team: str | None = None) -> Requirement:
        return cls(tuple(sorted(skills.items())), team)

    def met_by(self, skills: Skills, team: str | None, agent: str | None = None) -> bool:
        if self.agent is not None:
            return agent == self.agent
        if self.team is not None and team != self.team:
            return False
        return all(skills.get(name, 0) >= level for name, level in self.skills)

    def __str__(self) -> str:
        if self.agent is not None:
            return f"agent {self.agent}"
        parts = [f"{name}>={level}" for name, level in self.skills]
        if self.team:
            parts.append(f"team {self.team}")
        return " and ".join(parts) or "anyone"


@dataclass(frozen=True, slots=True)
class Step:
    after: float
    """Seconds of waiting after which this step applies."""
    requirement: Requirement


@dataclass(frozen=True, slots=True)
class CallType:
    name: str
    steps: tuple[Step, ...] = (Step(0.0, Requirement()),)
    priority: int = 0
    max_wait: float | None = None
    """Seconds; then the call leaves the queue for ``fallback``."""
    fallback: str | None = None
    """Where a call goes at ``max_wait``: an IVR node (``flow.node``) or another call type."""
    wrap_up: float = 0.0
    """Seconds of after-call work before the agent is offered the next call."""
    announce_every: float = 30.0
    """Seconds of music between telling a waiting caller their place and wait (0: never)."""
    record: bool = True
    """Record each agent's conversation (MixMonitor)."""


@dataclass(frozen=True, slots=True)
class AgentProfile:
    id: str
    skills: Skills = field(default_factory=dict)
    team: str | None = None
    name: str = ""


@dataclass(frozen=True, slots=True)
class Policy:
    call_types: Mapping[str, CallType]
    agents: Mapping[str, AgentProfile] = field(default_factory=dict)
    strategy: Strategy = Strategy.LONGEST_IDLE
    ring_timeout: float = 15.0
    max_misses: int = 1
    """Rings in a row an agent may miss before being put in not ready (missed)."""
    aging: float = 0.0
    """Priority points a waiting call gains per second (the same for every call)."""
