"""Scenario files for ``acd simulate``: validated with ``path:line:col`` problems."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from acd.config_file import load_model
from acd.core import policy as core
from acd.ivr.loader import Problem
from acd.routing_policy import load_policy
from acd.sim.model import Distribution, Scenario, Traffic

STRICT = ConfigDict(extra="forbid", use_attribute_docstrings=True)
Seconds = Annotated[float, Field(gt=0)]
Level = Annotated[int, Field(ge=1, le=10)]


class DistributionSpec(BaseModel):
    """Exactly one of the keys: ``{exponential: 300}`` is a mean of 300 s."""

    model_config = STRICT

    exponential: Seconds | None = None
    fixed: Annotated[float, Field(ge=0)] | None = None
    uniform: tuple[float, float] | None = None
    lognormal: tuple[Seconds, Seconds] | None = None
    """Mean and standard deviation of the value."""

    @model_validator(mode="after")
    def _one(self) -> DistributionSpec:
        given = [k for k in ("exponential", "fixed", "uniform", "lognormal") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError("give exactly one of exponential, fixed, uniform, lognormal")
        return self

    def build(self) -> Distribution:
        if self.exponential is not None:
            return Distribution("exponential", self.exponential)
        if self.uniform is not None:
            return Distribution("uniform", *self.uniform)
        if self.lognormal is not None:
            return Distribution("lognormal", *self.lognormal)
        return Distribution("fixed", self.fixed or 0.0)


class CallTypeLoad(BaseModel):
    model_config = STRICT

    arrivals_per_hour: float = Field(ge=0)
    """Poisson arrivals."""
    handle_time_s: DistributionSpec
    patience_s: DistributionSpec | None = None
    """How long callers wait before hanging up; absent: nobody abandons."""
    requires: dict[str, Level] = {}
    """Minimum skill levels (without a policy file; with one, its steps apply)."""
    priority: int = Field(0, ge=0, le=100)
    wrap_up_s: float = Field(0.0, ge=0)


class AgentGroup(BaseModel):
    model_config = STRICT

    count: int = Field(ge=1, le=100_000)
    skills: dict[str, Level] = {}
    team: str | None = None


class ScenarioFile(BaseModel):
    model_config = STRICT

    seed: int = 1
    duration_s: Seconds
    """Simulated seconds measured after the warm-up."""
    warmup_s: float = Field(0.0, ge=0)
    service_level_s: Seconds = 20.0
    call_types: dict[str, CallTypeLoad]
    agents: list[AgentGroup] = Field(min_length=1)
    policy: str | None = None
    """The routing policy file the server uses (relative to this file)."""
    strategy: str | None = None
    """Overrides the policy's strategy (e.g. to compare two)."""
    ring_time_s: float = Field(0.0, ge=0)


def load_scenario(path: Path) -> tuple[Scenario | None, list[Problem]]:
    spec, positions, problems = load_model(path, ScenarioFile, "scenario")
    if spec is None or positions is None:
        return None, problems
    agents = {
        f"{index}-{n}": core.AgentProfile(f"{index}-{n}", group.skills, group.team)
        for index, group in enumerate(spec.agents)
        for n in range(group.count)
    }
    if spec.policy is not None:
        policy_spec, problems = load_policy(path.parent / spec.policy)
        if policy_spec is None:
            return None, problems
        policy = policy_spec.to_core(agents)
        missing = sorted(set(spec.call_types) - set(policy.call_types))
        if missing:
            text = f"call types not in the policy: {', '.join(missing)}"
            return None, [positions.at(("call_types",), text)]
    else:
        kinds = {name: _call_type(name, load) for name, load in spec.call_types.items()}
        policy = core.Policy(kinds, agents)
    if spec.strategy is not None:
        try:
            strategy = core.Strategy(spec.strategy)
        except ValueError:
            options = ", ".join(s.value for s in core.Strategy)
            return None, [positions.at(("strategy",), f"strategy: one of {options}")]
        policy = core.Policy(policy.call_types, agents, strategy, policy.ring_timeout,
                             policy.max_misses, policy.aging)  # fmt: skip
    traffic = tuple(_traffic(name, load) for name, load in spec.call_types.items())
    return Scenario(spec.seed, spec.duration_s, spec.warmup_s, spec.service_level_s, traffic,
                    policy, spec.ring_time_s), []  # fmt: skip


def _call_type(name: str, load: CallTypeLoad) -> core.CallType:
    first = core.Step(0.0, core.Requirement.of(load.requires))
    return core.CallType(name, (first,), load.priority, wrap_up=load.wrap_up_s)


def _traffic(name: str, load: CallTypeLoad) -> Traffic:
    patience = load.patience_s.build() if load.patience_s else None
    return Traffic(name, load.arrivals_per_hour, load.handle_time_s.build(), patience)
