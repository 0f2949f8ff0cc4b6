"""Configuration over REST: agents, skills, call types, the routing policy, the IVR flows.

Anyone logged in reads the skills and call types; an agent sees their own entry, a
supervisor their teams', an admin everyone's. Admins check a routing policy or a flow before
it goes live, and publish flows: a flow is written only when the whole set, with it, passes
the linter, then published at once (calls in progress keep their version).
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from acd.agents_file import AgentSpec
from acd.auth import Principal
from acd.http_api import Api, Ask, Problem
from acd.ivr.lint import check, flow_files
from acd.ivr.loader import Problem as FileProblem
from acd.ivr.publisher import FlowPublisher
from acd.routing_policy import CallTypeSpec, RoutingPolicy, load_policy

FLOW_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_YAML = 256 * 1024


class AgentOut(BaseModel):
    id: str
    name: str
    team: str | None
    role: str
    skills: dict[str, int]
    phone: str
    supervises: list[str]
    state: str = Field(description="now, as routing sees it (empty: not taking calls)")


class TargetOut(BaseModel):
    id: str
    name: str
    team: str | None
    state: str = Field(description="an agent's, now (empty: not taking calls)")


class TargetsOut(BaseModel):
    """Whom an agent may send a call to: what their transfer form lists."""

    agents: list[TargetOut]
    supervisors: list[TargetOut]
    call_types: dict[str, str] = Field(description="name: description")


class YamlIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    yaml: str = Field(max_length=MAX_YAML, description="the whole file")


class CheckOut(BaseModel):
    ok: bool
    problems: list[str] = Field(description="``file:line:column: problem``")


class FlowsOut(BaseModel):
    version: str | None = Field(description="the live version (None: none published)")
    flows: list[str]
    files: list[str]


class Published(BaseModel):
    version: str


def config_api(
    api: Api,
    specs: list[AgentSpec],
    policy: RoutingPolicy | None,
    flows: FlowPublisher,
    states: Callable[[], dict[str, str]],
) -> None:
    """Add the configuration endpoints; ``states``: each agent's state now (routing's)."""

    def visible(who: Principal | None, spec: AgentSpec) -> bool:
        if who is None or who.role == "admin" or who.user == spec.id:
            return True
        return who.role == "supervisor" and (spec.team in who.teams or spec.role != "agent")

    @api.route("GET", "/agents", "Agents, supervisors and admins", answer=list[AgentOut])
    async def agents(ask: Ask) -> list[AgentOut]:
        now = states()
        return [
            AgentOut(**spec.model_dump(exclude={"pin_hash"}), state=now.get(spec.id, ""))
            for spec in specs
            if visible(ask.who, spec)
        ]

    @api.route("GET", "/transfer-targets", "Agents (with their state), supervisors and call "
               "types a call may be sent to", answer=TargetsOut)  # fmt: skip
    async def targets(_: Ask) -> TargetsOut:
        now = states()
        kinds: dict[bool, list[TargetOut]] = {True: [], False: []}
        for spec in specs:
            kinds[spec.role == "agent"].append(
                TargetOut(id=spec.id, name=spec.name, team=spec.team, state=now.get(spec.id, ""))
            )
        call_types = {name: spec.description or "" for name, spec in policy.call_types.items()
                      } if policy else {}  # fmt: skip
        return TargetsOut(agents=kinds[True], supervisors=kinds[False], call_types=call_types)

    @api.route("GET", "/skills", "Every skill name", answer=list[str])
    async def skills(_: Ask) -> list[str]:
        return list(policy.skills) if policy else []

    @api.route("GET", "/call-types", "Call types and what they need",
               answer=dict[str, CallTypeSpec])  # fmt: skip
    async def call_types(_: Ask) -> dict[str, CallTypeSpec]:
        """Each with the disposition codes its calls are filed under (its own or the
        center's)."""
        if policy is None:
            return {}
        return {name: spec.model_copy(update={"dispositions": policy.codes(name)})
                for name, spec in policy.call_types.items()}  # fmt: skip

    @api.route("GET", "/routing/policy", "The routing policy in force", answer=RoutingPolicy,
               roles=("supervisor", "admin"), errors=(503,))  # fmt: skip
    async def routing_policy(_: Ask) -> RoutingPolicy:
        if policy is None:
            raise Problem(503, "routing is off", "the policy has problems: see acd's log")
        return policy

    @api.route("POST", "/routing/policy/check", "Check a routing policy without using it",
               answer=CheckOut, roles=("admin",), body=YamlIn)  # fmt: skip
    async def check_policy(ask: Ask) -> CheckOut:
        problems = await asyncio.to_thread(_check_policy, ask.body.yaml)
        return CheckOut(ok=not problems, problems=problems)

    @api.route("GET", "/flows", "The IVR flows published", answer=FlowsOut,
               roles=("supervisor", "admin"))  # fmt: skip
    async def published(_: Ask) -> FlowsOut:
        live = flows.current
        files = [path.name for path in flow_files([flows.flows])]
        return FlowsOut(version=live.version if live else None,
                        flows=sorted(live.flows) if live else [], files=files)  # fmt: skip

    @api.route("POST", "/flows/{file}/check", "Check a flow file with the flows published",
               answer=CheckOut, roles=("admin",), body=YamlIn)  # fmt: skip
    async def check_flow(ask: Ask) -> CheckOut:
        problems = await asyncio.to_thread(_check_flow, flows, _name(ask), ask.body.yaml)
        return CheckOut(ok=not problems, problems=problems)

    @api.route("PUT", "/flows/{file}", "Check, write and publish a flow file",
               answer=Published, roles=("admin",), body=YamlIn, errors=(422,))  # fmt: skip
    async def publish(ask: Ask) -> Published:
        name = _name(ask)
        problems = await asyncio.to_thread(_check_flow, flows, name, ask.body.yaml)
        if problems:
            raise Problem(422, "flow not published", "\n".join(problems))
        await asyncio.to_thread(_write, flows.flows / f"{name}.yaml", ask.body.yaml)
        if await asyncio.to_thread(flows.refresh) or flows.current is None:
            raise Problem(422, "flow not published", "the flows changed meanwhile: try again")
        return Published(version=flows.current.version)


def _name(ask: Ask) -> str:
    name = ask.path["file"].removesuffix(".yaml")
    if not FLOW_NAME.fullmatch(name):
        raise Problem(400, "bad file name", "letters, digits, _ and - only (64 at most)")
    return name


def _check_policy(text: str) -> list[str]:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "routing.yaml"
        path.write_text(text, encoding="utf-8")
        _, problems = load_policy(path)
        return [_shown(problem, scratch) for problem in problems]


def _check_flow(flows: FlowPublisher, name: str, text: str) -> list[str]:
    """The problems of the flows published with ``name.yaml`` replaced by ``text``."""
    with tempfile.TemporaryDirectory() as scratch:
        files = []
        for path in flow_files([flows.flows]):
            if path.stem != name:
                files.append(Path(scratch) / path.name)
                files[-1].write_bytes(path.read_bytes())
        files.append(Path(scratch) / f"{name}.yaml")
        files[-1].write_text(text, encoding="utf-8")
        policy, problems = load_policy(flows.policy)
        checked = check(files, sounds=flows.sounds, policy=policy)
        return [_shown(problem, scratch) for problem in sorted(problems + checked.problems)]


def _shown(problem: FileProblem, scratch: str) -> str:
    return str(problem).removeprefix(scratch + os.sep)


def _write(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp",
                                     delete=False) as out:  # fmt: skip
        out.write(text)
    os.replace(out.name, path)
