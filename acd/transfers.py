"""Transfers asked for by people: checked here, carried out by live routing.

The agent on the call (or a supervisor of their team, or an admin) sends it on to exactly
one of: a call type (the caller waits on hold again), an agent (who gets it first, then
the call type's agents), or a supervisor's phone (outside routing).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from acd.auth import Principal
from acd.routing_live import TransferRequest

Refusal = tuple[int, str, str]
TARGETS = ("call_type", "agent", "supervisor")


class Transfers:
    def __init__(
        self,
        talking: Callable[[str], str | None],
        teams: Mapping[str, str | None],
        call_types: Collection[str],
        supervisors: Collection[str],
        submit: Callable[[Any], None],
    ) -> None:
        """``talking``: the agent on a call now; ``teams``: every agent who takes calls;
        ``supervisors``: users whose phones calls may be sent to (supervisors, admins)."""
        self._talking, self._teams, self._types = talking, teams, call_types
        self._supervisors, self._submit = supervisors, submit

    def ask(self, who: Principal, call: str, target: Mapping[str, object]) -> Refusal | None:
        """Send ``call`` to ``target`` (``{"call_type"|"agent"|"supervisor": name}``) if
        ``who`` may; else (status, title, detail)."""
        given = {key: str(value) for key, value in target.items() if key in TARGETS and value}
        if len(given) != 1:
            return 400, "bad transfer", f"give exactly one of {', '.join(TARGETS)}"
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
        to = f"phone:{name}" if kind == "supervisor" else f"{kind}:{name}"
        self._submit(TransferRequest(call, who.user, to))
        return None
