"""``agents.yaml``: the people who take calls — skills, team, personal PIN (hashed only).

Checked together with the routing policy: unknown skills, the same agent twice, and any
requirement step of a call type that no configured agent can ever meet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from acd.config_file import load_model
from acd.core import policy as core
from acd.ivr.loader import Positions, Problem
from acd.routing_policy import RoutingPolicy, load_policy

STRICT = ConfigDict(extra="forbid", use_attribute_docstrings=True)
Level = Annotated[int, Field(ge=1, le=10)]


class AgentSpec(BaseModel):
    model_config = STRICT

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    """The agent ID they log in with (also their SIP user)."""
    name: str = ""
    team: str | None = None
    skills: dict[str, Level] = {}
    pin_hash: str = Field("", pattern=r"^(pbkdf2\$\d+\$[0-9a-f]+\$[0-9a-f]{64})?$")
    """``acd agents hash-pin`` prints one; the PIN itself is never stored."""
    phone: Literal["webrtc", "sip"] = "webrtc"
    """The browser softphone (WebRTC), or a SIP desk phone / softphone over UDP."""
    role: Literal["agent", "supervisor", "admin"] = "agent"
    """Agents take calls; supervisors watch and steer the teams they supervise; admins all."""
    supervises: list[str] = []
    """The teams a supervisor sees and may steer."""

    @property
    def takes_calls(self) -> bool:
        return self.role == "agent"

    @property
    def teams(self) -> tuple[str, ...]:
        """The teams whose calls and agents this user sees (an agent: their own)."""
        if self.role == "supervisor":
            return tuple(self.supervises)
        return (self.team,) if self.team else ()


class AgentsFile(BaseModel):
    model_config = STRICT

    agents: list[AgentSpec]


def load_agent_specs(path: Path) -> tuple[list[AgentSpec] | None, list[Problem]]:
    """The agents as written (for the Asterisk configuration), schema-checked only."""
    spec, _, problems = load_model(path, AgentsFile, "agents file")
    return (spec.agents if spec else None), problems


def load_live_policy(
    policy_path: Path, path: Path
) -> tuple[core.Policy | None, list[AgentSpec], list[Problem]]:
    """The policy with the agents, as the server routes by them; or every problem found.

    Lenient where ``load_agents`` is strict: a step no agent can meet is left to the
    checks (``acd agents check``), so one missing skill does not stop every call type.
    """
    policy, problems = load_policy(policy_path)
    specs, found = load_agent_specs(path)
    if policy is None or specs is None:
        return None, [], problems + found
    profiles = {
        a.id: core.AgentProfile(a.id, a.skills, a.team, a.name) for a in specs if a.takes_calls
    }
    return policy.to_core(profiles), specs, []


def load_agents(
    path: Path, policy_path: Path
) -> tuple[dict[str, core.AgentProfile] | None, RoutingPolicy | None, list[Problem]]:
    """The agents and the policy, checked against each other; or every problem found."""
    policy, problems = load_policy(policy_path)
    spec, positions, found = load_model(path, AgentsFile, "agents file")
    problems += found
    if spec is None or positions is None or policy is None:
        return None, policy, sorted(problems)
    problems += _problems(spec, policy, positions)
    if problems:
        return None, policy, sorted(problems)
    profiles = {
        a.id: core.AgentProfile(a.id, a.skills, a.team, a.name)
        for a in spec.agents
        if a.takes_calls
    }
    return profiles, policy, []


def _problems(spec: AgentsFile, policy: RoutingPolicy, at: Positions) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, agent in enumerate(spec.agents):
        if agent.id in seen:
            yield at.at(("agents", index, "id"), f"agent {agent.id!r} is listed twice", value=True)
        seen.add(agent.id)
        for skill in agent.skills:
            if skill not in policy.skills:
                yield at.at(("agents", index, "skills", skill), f"unknown skill {skill!r}")
        if agent.supervises and agent.role != "supervisor":
            yield at.at(("agents", index, "supervises"), "only a supervisor supervises teams")
    for name in policy.call_types:
        for index, step in enumerate(policy.steps(name)):
            need = core.Requirement.of(step.skills, step.team)
            if not any(need.met_by(a.skills, a.team) for a in spec.agents if a.takes_calls):
                text = (f"call type {name!r} step {index + 1} ({need}): "
                        "no agent in this file can ever meet it")  # fmt: skip
                yield at.at(("agents",), text)
