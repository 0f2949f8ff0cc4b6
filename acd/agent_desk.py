"""Agents' state requests over HTTP: ``POST /agents/{id}/{action}`` with a token.

An agent may change their own state; a supervisor, the state of agents in the teams they
supervise (forcing a break, a logout); an admin, anyone's. Checked here, then sent to the
router as an event, which may still refuse it (the agent's state decides).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from acd.auth import Principal
from acd.core import messages as m
from acd.http_auth import principal, problem
from acd.push_protocol import Command
from acd.routing_live import AgentRequest
from acd.transfers import Transfers

STATES = {"ready": "ready", "not_ready": "not-ready", "logged_in": "login", "logged_out": "logout"}
"""Push command ``set_state``'s states, and the desk action each is."""

ACTIONS: dict[str, Callable[[float, str, dict[str, Any]], m.Event]] = {
    "login": lambda at, agent, _: m.LoggedIn(at, agent),
    "ready": lambda at, agent, _: m.SetReady(at, agent),
    "not-ready": lambda at, agent, body: m.SetNotReady(at, agent, str(body.get("reason", ""))),
    "logout": lambda at, agent, _: m.LoggedOut(at, agent),
    "wrap-up-done": lambda at, agent, _: m.WrapUpDone(at, agent),
    "wrap-up-extend": lambda at, agent, body: m.WrapUpExtended(at, agent, body["seconds"]),
}
MAX_EXTENSION = 600.0


Refusal = tuple[int, str, str]
Dispose = Callable[[Principal, str | None, str, str, str], Refusal | None]
"""File a disposition: (who, call or None for the agent's last, disposition, note, agent)."""


class AgentDesk:
    def __init__(
        self,
        teams: Mapping[str, str | None],
        now: Callable[[], float],
        submit: Callable[[Any], None],
        dispose: Dispose | None = None,
        transfers: Transfers | None = None,
    ) -> None:
        """``teams``: every agent who takes calls, with their team; ``dispose``: files the
        disposition a finished wrap-up may carry; ``transfers``: sends calls on."""
        self._teams, self._now, self._submit, self._dispose = teams, now, submit, dispose
        self._transfers = transfers

    async def request(self, request: web.Request) -> web.Response:
        agent, action = request.match_info["agent"], request.match_info["action"]
        body: object = {}
        if request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                body = None
        if not isinstance(body, dict):
            return problem(400, "bad request", "send a JSON object (or nothing)")
        refused = self.ask(principal(request), agent, action, body)
        if refused is not None:
            return problem(*refused)
        return web.json_response({"accepted": action}, status=202)

    async def command(self, who: Principal, command: Command) -> str | None:
        """A push client's command: None once sent to the router, else why not."""
        args = command.args
        agent = str(args.get("agent", who.user))
        if command.command == "set_state":
            action = STATES.get(str(args.get("state")))
            if action is None:
                return f"state must be one of {', '.join(STATES)}"
        elif command.command == "finish_wrap_up":
            action = "wrap-up-done"
        elif command.command == "extend_wrap_up":
            action = "wrap-up-extend"
        elif self._transfers is None:
            return "transfers are off: routing is not running"
        else:
            refused = self._transfers.ask(who, str(args.get("call", "")), args)
            return None if refused is None else refused[2]
        refused = self.ask(who, agent, action, args)
        return None if refused is None else refused[2]

    def ask(self, who: Principal, agent: str, action: str, body: dict[str, Any]
            ) -> Refusal | None:  # fmt: skip
        """Send the request to the router if ``who`` may; else (status, title, detail).
        Finishing a wrap-up may carry ``disposition`` and ``note`` (and ``call``: by
        default the agent's last answered call); they are filed first."""
        if action not in ACTIONS:
            return 404, "no such action", f"no action {action!r}"
        if agent not in self._teams:
            return 404, "no such agent", f"no agent {agent!r}"
        if not who.may_act_for(agent, self._teams[agent]):
            return 403, "not yours", f"you may not change agent {agent}'s state"
        if action == "wrap-up-extend":
            seconds = body.get("seconds")
            if (isinstance(seconds, bool) or not isinstance(seconds, int | float)
                    or not 0 < seconds <= MAX_EXTENSION):  # fmt: skip
                return 400, "bad extension", f"seconds: a number, 1 to {MAX_EXTENSION:g}"
        if action == "wrap-up-done" and "disposition" in body:
            refused = self._file(who, agent, body)
            if refused is not None:
                return refused
        self._submit(AgentRequest(ACTIONS[action](self._now(), agent, body)))
        return None

    def _file(self, who: Principal, agent: str, body: dict[str, Any]) -> Refusal | None:
        """The disposition a finished wrap-up carries (``call`` and ``note`` optional)."""
        call, disposition, note = body.get("call"), body["disposition"], body.get("note", "")
        if (
            not isinstance(disposition, str)
            or not isinstance(note, str)
            or not isinstance(call, str | None)
        ):
            return 400, "bad disposition", "disposition, note and call are text"
        return self._dispose(who, call, disposition, note, agent) if self._dispose else None
