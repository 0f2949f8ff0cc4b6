"""Transfers asked for by people: checked here, carried out by live routing.

The agent on the call (or a supervisor of their team, or an admin) sends it on to exactly
one of: a call type (the caller waits on hold again), an agent (who gets it first, then
the call type's agents), or a supervisor's phone (outside routing). Or they consult an
agent or a supervisor first, and complete the transfer or cancel it (attended).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, Protocol

from acd.auth import Principal
from acd.routing_handover import ConsultEnd, ConsultRequest, TransferRequest

Refusal = tuple[int, str, str]
TARGETS = ("call_type", "agent", "supervisor")
CONSULTED = ("agent", "call_type", "supervisor")


class Consults(Protocol):
    def busy(self, agent: str) -> str | None: ...
    def consult(self, call: str) -> str | None: ...
    def free_agent_for(self, call_type: str, but: str = "") -> str | None: ...


class Transfers:
    def __init__(
        self,
        talking: Callable[[str], str | None],
        teams: Mapping[str, str | None],
        call_types: Collection[str],
        supervisors: Collection[str],
        submit: Callable[[Any], None],
        *,
        consults: Consults | None = None,
    ) -> None:
        """``talking``: the agent on a call now; ``teams``: every agent who takes calls;
        ``supervisors``: users whose phones calls may be sent to (supervisors, admins);
        ``consults``: who is free to be consulted, and the consults going on."""
        self._talking, self._teams, self._types = talking, teams, call_types
        self._supervisors, self._submit, self._consults = supervisors, submit, consults

    def ask(self, who: Principal, call: str, target: Mapping[str, object]) -> Refusal | None:
        """Send ``call`` to ``target`` (``{"call_type"|"agent"|"supervisor": name}``) if
        ``who`` may; else (status, title, detail)."""
        checked = self._check(who, call, target, TARGETS)
        if isinstance(checked, tuple):
            return checked
        if self._consults is not None and self._consults.consult(call) is not None:
            return 409, "a consult is on", "complete or cancel it first"
        self._submit(TransferRequest(call, who.user, checked))
        return None

    def consult(self, who: Principal, call: str, target: Mapping[str, object]) -> Refusal | None:
        """Consult ``target`` (``{"agent"|"call_type"|"supervisor": name}``; a call type: its
        ready agent idle longest) about ``call`` before handing it over, if ``who`` may and
        they are free; else (status, title, detail)."""
        if self._consults is None:
            return 503, "consults are off", "acd runs without a telephony link"
        checked = self._check(who, call, target, CONSULTED)
        if isinstance(checked, tuple):
            return checked
        if self._consults.consult(call) is not None:
            return 409, "a consult is on", "complete or cancel it first"
        kind, _, name = checked.partition(":")
        if kind == "call_type":  # whoever of that call type is free: idle longest
            agent = self._consults.free_agent_for(name, but=self._talking(call) or "")
            if agent is None:
                return 409, "nobody free", f"no agent for {name} is ready now"
            kind, name, checked = "agent", agent, f"agent:{agent}"
        if kind == "agent" and (state := self._consults.busy(name)) is not None:
            return 409, "not free", f"agent {name} is {state.replace('_', ' ')}"
        self._submit(ConsultRequest(call, who.user, checked))
        return None

    def end_consult(self, who: Principal, call: str, *, complete: bool) -> Refusal | None:
        """Hand ``call`` to the one consulted (``complete``), or back to its agent."""
        agent = self._talking(call)
        if agent is None:
            return 404, "no such call in progress", "only a call an agent is on"
        if not who.may_act_for(agent, self._teams.get(agent)):
            return 403, "not yours", f"call {call} is agent {agent}'s"
        consult = self._consults.consult(call) if self._consults is not None else None
        if consult is None:
            return 409, "no consult", f"call {call} has no consult going on"
        if complete and consult != "answered":
            return 409, "not answered yet", "wait until they answer, or cancel"
        self._submit(ConsultEnd(call, who.user, complete))
        return None

    def _check(
        self, who: Principal, call: str, target: Mapping[str, object], kinds: tuple[str, ...]
    ) -> Refusal | str:
        """The target as ``kind:name`` (a supervisor as ``phone:ID``), or a refusal."""
        given = {key: str(value) for key, value in target.items() if key in kinds and value}
        if len(given) != 1:
            return 400, "bad transfer", f"give exactly one of {', '.join(kinds)}"
        [(kind, name)] = given.items()
        agent = self._talking(call)
        if agent is None:
            return 404, "no such call in progress", "only a call an agent is on"
        if not who.may_act_for(agent, self._teams.get(agent)):
            return 403, "not yours", f"call {call} is agent {agent}'s"
        known = {"call_type": self._types, "agent": self._teams, "supervisor": self._supervisors}
        if name not in known[kind]:
            return 404, f"no such {kind.replace('_', ' ')}", f"{name!r} is unknown"
        if kind == "agent" and name == agent:
            return 409, "same agent", "the call is already theirs"
        return f"phone:{name}" if kind == "supervisor" else f"{kind}:{name}"
