"""Agents' state requests over HTTP, each checked against the agent's PIN.

A stopgap until the CTI issue's tokens: every request carries the agent's PIN (hashed in
``agents.yaml``), is checked off the event loop, and goes to the router as an event.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiohttp import web

from acd.core import messages as m
from acd.directory import pin_matches
from acd.routing_live import AgentRequest

ACTIONS: dict[str, Callable[[float, str, dict[str, Any]], m.Event]] = {
    "login": lambda at, agent, _: m.LoggedIn(at, agent),
    "ready": lambda at, agent, _: m.SetReady(at, agent),
    "not-ready": lambda at, agent, body: m.SetNotReady(at, agent, str(body.get("reason", ""))),
    "logout": lambda at, agent, _: m.LoggedOut(at, agent),
    "wrap-up-done": lambda at, agent, _: m.WrapUpDone(at, agent),
}


MAX_FAILURES = 5
LOCKOUT = 300.0
"""After this many wrong PINs in a row an agent ID is locked for this many seconds."""


class AgentDesk:
    def __init__(
        self, pins: dict[str, str], now: Callable[[], float], submit: Callable[[Any], None]
    ) -> None:
        self._pins, self._now, self._submit = pins, now, submit
        self._failures: dict[str, tuple[int, float]] = {}

    async def request(self, request: web.Request) -> web.Response:
        agent, action = request.match_info["agent"], request.match_info["action"]
        if action not in ACTIONS:
            return web.json_response({"error": f"no action {action!r}"}, status=404)
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("pin"), str):
            return web.json_response({"error": 'send {"pin": "..."} as JSON'}, status=400)
        count, since = self._failures.get(agent, (0, 0.0))
        if count >= MAX_FAILURES and self._now() - since < LOCKOUT:
            return web.json_response({"error": "too many wrong PINs; try later"}, status=429)
        stored = self._pins.get(agent, "")
        if not stored or not await asyncio.to_thread(pin_matches, body["pin"], stored):
            if stored:  # only real IDs are counted: no memory for made-up ones
                self._failures[agent] = (count % MAX_FAILURES + 1, self._now())
            return web.json_response({"error": "unknown agent or wrong PIN"}, status=401)
        self._failures.pop(agent, None)
        self._submit(AgentRequest(ACTIONS[action](self._now(), agent, body)))
        return web.json_response({"accepted": action}, status=202)
