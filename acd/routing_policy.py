"""The routing policy file (``routing.yaml``): skills, call types and how calls are routed.

Checked on load with ``path:line:col`` problems, like the IVR flows; the IVR linter checks
every queue, transfer and callback against it; ``to_core`` gives the router its policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from acd.config_file import load_model
from acd.core import policy as core
from acd.ivr.loader import Positions, Problem

Level = Annotated[int, Field(ge=1, le=10)]
Disposition = Annotated[str, Field(min_length=1, max_length=64)]
STRICT = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class StepSpec(BaseModel):
    model_config = STRICT

    after_s: float = Field(0.0, ge=0)
    """Seconds of waiting after which this step also lets agents take the call."""
    skills: dict[str, Level] = {}
    team: str | None = None


class CallTypeSpec(BaseModel):
    model_config = STRICT

    description: str = ""
    skills: dict[str, Level] = {}
    """Minimum skill levels an agent needs (the one step when ``steps`` is not given)."""
    steps: list[StepSpec] = []
    """Requirements that widen over the wait; the first must be at ``after_s: 0``."""
    priority: int = Field(0, ge=0, le=100)
    max_wait_s: float | None = Field(None, gt=0)
    fallback: str | None = None
    """At ``max_wait_s``: another call type (the caller keeps their place) or ``flow.node``."""
    wrap_up_s: float = Field(0.0, ge=0, le=3600)
    announce_every_s: float = Field(30.0, ge=0, le=3600)
    """Seconds of music between telling a waiting caller their place in line and the
    expected wait (0: music only)."""
    dispositions: list[Disposition] = []
    """The wrap-up codes agents file this call type's calls under (empty: the policy's)."""
    record: bool = True
    """Record the conversations with agents (for quality review; supervisors listen)."""


class RoutingPolicy(BaseModel):
    model_config = STRICT

    skills: list[str]
    """Every skill name agents and call types may use."""
    call_types: dict[str, CallTypeSpec]
    strategy: Literal["longest_idle", "best_skill", "fewest_calls", "round_robin"] = "longest_idle"
    ring_timeout_s: float = Field(15.0, gt=0, le=120)
    max_misses: int = Field(1, ge=1, le=10)
    """Unanswered rings in a row before an agent is put in not ready (missed)."""
    priority_aging_per_min: float = Field(0.0, ge=0)
    dispositions: list[Disposition] = []
    """Wrap-up codes for every call type without its own (empty: free text)."""

    def codes(self, call_type: str) -> list[str]:
        """The disposition codes of ``call_type``'s calls (empty: any text)."""
        spec = self.call_types.get(call_type)
        return spec.dispositions if spec and spec.dispositions else self.dispositions

    def steps(self, name: str) -> list[StepSpec]:
        spec = self.call_types[name]
        return spec.steps or [StepSpec(skills=spec.skills)]

    def to_core(self, agents: dict[str, core.AgentProfile] | None = None) -> core.Policy:
        kinds = {
            name: core.CallType(
                name,
                tuple(
                    core.Step(s.after_s, core.Requirement.of(s.skills, s.team))
                    for s in self.steps(name)
                ),
                spec.priority,
                spec.max_wait_s,
                spec.fallback,
                spec.wrap_up_s,
                spec.announce_every_s,
                spec.record,
            )
            for name, spec in self.call_types.items()
        }
        return core.Policy(
            kinds,
            agents or {},
            core.Strategy(self.strategy),
            self.ring_timeout_s,
            self.max_misses,
            self.priority_aging_per_min / 60,
        )


def load_policy(path: Path) -> tuple[RoutingPolicy | None, list[Problem]]:
    """The policy in ``path``, or every problem with its ``path:line:col``."""
    policy, positions, problems = load_model(path, RoutingPolicy, "routing policy")
    if policy is None or positions is None:
        return None, problems
    problems = sorted(_problems(policy, positions))
    return (None if problems else policy), problems


def _problems(policy: RoutingPolicy, at: Positions) -> Iterator[Problem]:  # noqa: PLR0912
    for name, spec in policy.call_types.items():
        here = ("call_types", name)
        if spec.steps and spec.skills:
            yield at.at((*here, "skills"), "give either skills or steps, not both")
        steps = policy.steps(name)
        for index, step in enumerate(spec.steps):
            for skill in step.skills:
                if skill not in policy.skills:
                    yield at.at(
                        (*here, "steps", index, "skills", skill), f"unknown skill {skill!r}"
                    )
        for skill in spec.skills:
            if skill not in policy.skills:
                yield at.at((*here, "skills", skill), f"unknown skill {skill!r}")
        if spec.steps and spec.steps[0].after_s != 0:
            yield at.at((*here, "steps", 0, "after_s"), "the first step starts at after_s: 0")
        for index in range(1, len(steps)):
            if steps[index].after_s <= steps[index - 1].after_s:
                text = "steps must start later than the step before"
                yield at.at((*here, "steps", index, "after_s"), text)
            elif _shadowed(steps[index], steps[:index]):
                text = "this step lets no new agent in: an earlier step already allows all it does"
                yield at.at((*here, "steps", index), text)
        if spec.fallback is not None and "." not in spec.fallback:
            if spec.fallback not in policy.call_types:
                text = f"fallback {spec.fallback!r} is neither a call type nor flow.node"
                yield at.at((*here, "fallback"), text, value=True)
            elif spec.max_wait_s is None:
                yield at.at((*here, "fallback"), "a fallback needs max_wait_s")


def _shadowed(step: StepSpec, earlier: list[StepSpec]) -> bool:
    """Whether every agent meeting ``step`` already meets one of the ``earlier`` steps."""
    return any(
        (e.team is None or e.team == step.team)
        and all(step.skills.get(name, 0) >= level for name, level in e.skills.items())
        for e in earlier
    )
