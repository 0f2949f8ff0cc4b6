"""Agents' state requests over HTTP: ``POST /agents/{id}/{action}`` with a token.

An agent may change their own state; a supervisor, the state of agents in the teams they
supervise (forcing a break, a logout); an admin, anyone's. Checked here, then sent to the
router as an event, which may still refuse it (the agent's state decides).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from acd.core import messages as m
from acd.http_auth import principal, problem
from acd.routing_live import AgentRequest

ACTIONS: dict[str, Callable[[float, str, dict[str, Any]], m.Event]] = {
    "login": lambda at, agent, _: m.LoggedIn(at, agent),
    "ready": lambda at, agent, _: m.SetReady(at, agent),
    "not-ready": lambda at, agent, body: m.SetNotReady(at, agent, str(body.get("reason", ""))),
    "logout": lambda at, agent, _: m.LoggedOut(at, agent),
    "wrap-up-done": lambda at, agent, _: m.WrapUpDone(at, agent),
}


class AgentDesk:
    def __init__(
        self,
        teams: Mapping[str, str | None],
        now: Callable[[], float],
        submit: Callable[[Any], None],
    ) -> None:
        """``teams``: every agent who takes calls, with their team."""
        self._teams, self._now, self._submit = teams, now, submit

    async def request(self, request: web.Request) -> web.Response:
        agent, action = request.match_info["agent"], request.match_info["action"]
        if action not in ACTIONS:
            return problem(404, "no such action", f"no action {action!r}")
        if agent not in self._teams:
            return problem(404, "no such agent", f"no agent {agent!r}")
        if not principal(request).may_act_for(agent, self._teams[agent]):
            return problem(403, "not yours", f"you may not change agent {agent}'s state")
        body: object = {}
        if request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                body = None
        if not isinstance(body, dict):
            return problem(400, "bad request", "send a JSON object (or nothing)")
        self._submit(AgentRequest(ACTIONS[action](self._now(), agent, body)))
        return web.json_response({"accepted": action}, status=202)
