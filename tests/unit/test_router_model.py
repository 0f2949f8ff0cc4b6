"""What the property tests (``test_router_properties.py``) check the router against: a small
policy, the requirements a call has from the policy alone, and a router that notes each offer
at the moment it is made."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from acd.core import messages as m
from acd.core.agent import Agent, State
from acd.core.policy import AgentProfile, CallType, Policy, Requirement, Step
from acd.core.queues import Bucket, Call
from acd.core.router import Router


def req(team: str | None = None, **skills: int) -> Requirement:
    return Requirement.of(skills, team)


AGENTS = {
    "a1": AgentProfile("a1", {"sales": 2, "support": 1}),
    "a2": AgentProfile("a2", {"sales": 1}),
    "a3": AgentProfile("a3", {"support": 3}, team="night"),
    "a4": AgentProfile("a4", {"sales": 3, "support": 2, "vip": 1}),
}
CALL_TYPES = {
    "sales": CallType(
        "sales", (Step(0, req(sales=2)), Step(10, req(sales=1))),
        priority=1, max_wait=30, fallback="general",
    ),
    "support": CallType(
        "support",
        (Step(0, req("night", support=3)), Step(6, req(support=2)), Step(12, req(support=1))),
        max_wait=40, fallback="ivr.voicemail", wrap_up=10,
    ),
    "general": CallType(
        "general", (Step(0, req(sales=3)), Step(8, req())),
        max_wait=45, fallback="sales", wrap_up=4,  # sales -> general -> sales: a cycle
    ),
}  # fmt: skip


def requirements(kind: CallType, step: int, extra: Mapping[str, int]) -> list[Requirement]:
    """What a call of ``kind`` at ``step`` needs, from the policy alone (the test's oracle)."""
    first = kind.steps[0].requirement
    merged = dict(first.skills)
    for name, level in extra.items():
        merged[name] = max(level, merged.get(name, 0))
    return [Requirement.of(merged, first.team), *(s.requirement for s in kind.steps[1 : step + 1])]


def step_at(kind: CallType, waited: float) -> int:
    return max(i for i, s in enumerate(kind.steps) if s.after <= waited)


def eligible(agent: Agent, needs: list[Requirement]) -> bool:
    return any(r.met_by(agent.profile.skills, agent.profile.team) for r in needs)


class CheckedRouter(Router):
    """The router, noting each offer as it is made and the skills each call entered with."""

    def __init__(self, policy: Policy, *, explain: bool = False) -> None:
        super().__init__(policy, explain=explain)
        self.made: list[Made] = []
        self.extra: dict[Call, dict[str, int]] = {}
        """The IVR skills each call entered its call type with (a fallback enters anew)."""

    def _arrived(self, e: m.CallArrived) -> None:
        known = self.calls.get(e.call)
        super()._arrived(e)
        call = self.calls.get(e.call)
        if call is not None and call is not known:
            self.extra[call] = dict(e.skills)

    def _offer(self, call: Call, agent: Agent, at: float, trigger: str, key: Any) -> None:
        declined = frozenset(a for a in call.declined if call.declined_by(self.agents[a]))
        made = Made(call, agent, at, agent.state, declined, call.step, call.bucket)
        self.made.append(made)
        super()._offer(call, agent, at, trigger, key)


@dataclass(frozen=True)
class Made:
    """An offer as the router made it, with what was true at that moment."""

    call: Call
    agent: Agent
    at: float
    state: State
    declined: frozenset[str]
    step: int
    bucket: Bucket | None


def agent_state(a: Agent) -> tuple[Any, ...]:
    return (a.state, a.reason, a.since, a.call, a.then, a.misses, a.handled, a.offered,
            a.epoch, a.deadline)  # fmt: skip


def snapshot(r: Router) -> Any:
    agents = {a.id: (a.state, a.reason, a.since, a.call, a.then, a.misses, a.handled,
                     a.offered, a.deadline) for a in r.agents.values()}  # fmt: skip
    calls = {c.id: (c.kind.name, c.arrived, c.step, c.agent, c.talking, sorted(c.declined.items()))
             for c in r.calls.values()}  # fmt: skip
    return agents, calls, [c.id for c in r.waiting()], r.next_deadline
