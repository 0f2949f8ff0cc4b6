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


class AgentDesk:
    def __init__(
        self, pins: dict[str, str], now: Callable[[], float], submit: Callable[[Any], None]
    ) -> None:
        self._pins, self._now, self._submit = pins, now, submit

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
        stored = self._pins.get(agent, "")
        if not stored or not await asyncio.to_thread(pin_matches, body["pin"], stored):
            return web.json_response({"error": "unknown agent or wrong PIN"}, status=401)
        self._submit(AgentRequest(ACTIONS[action](self._now(), agent, body)))
        return web.json_response({"accepted": action}, status=202)
