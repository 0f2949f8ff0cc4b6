"""acd's HTTP side: ``/health`` for probes, the floor, agents' state requests, the REST API
(``/openapi.json`` describes it) and, added by the app, the push socket."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from acd import __version__
from acd.adapters.agi.ivr_calls import IvrCalls
from acd.adapters.ami.client import AmiClient
from acd.adapters.ami.events import AmiEvent
from acd.agent_desk import AgentDesk
from acd.agents_file import AgentSpec
from acd.auth import Logins, Tokens
from acd.call_book import CallBook
from acd.call_log import CallLog
from acd.directory import Directory
from acd.floor import Floor
from acd.follow_ups import FollowUps
from acd.http_api import Api, Ask, Problem
from acd.http_auth import auth_routes, token_required
from acd.http_calls import Spy, calls_api
from acd.http_config import config_api
from acd.http_customers import customers_api
from acd.http_reports import Runner, reports_api
from acd.http_tickets import tickets_api
from acd.ivr.publisher import FlowPublisher
from acd.ivr.steps import IvrEnded
from acd.journal import Journal
from acd.routing_policy import RoutingPolicy
from acd.routing_view import RoutingView
from acd.tickets import Tickets
from acd.transfers import Transfers

MAX_BODY = 64 * 1024 * 1024
"""Bytes a request body may have (a customer import of several files is the largest)."""


@dataclass(slots=True)
class Status:
    """What ``/health`` reports besides the links; written only by the runtime task."""

    events: Counter[str] = field(default_factory=Counter)
    ivr_outcomes: Counter[str] = field(default_factory=Counter)

    def apply(self, event: object) -> None:
        if isinstance(event, IvrEnded):
            self.ivr_outcomes[type(event.finish.outcome).__name__] += 1
        elif isinstance(event, AmiEvent):
            self.events[event.name] += 1


@dataclass(slots=True)
class Parts:
    """What the HTTP side reads and asks; None where acd runs without it."""

    status: Status
    ami: AmiClient
    flows: FlowPublisher
    calls: IvrCalls
    agents: AgentDesk | None = None
    routing: RoutingView | None = None
    journal: Journal | None = None
    book: CallBook | None = None
    call_log: CallLog | None = None
    teams: dict[str, str | None] = field(default_factory=dict)
    specs: list[AgentSpec] = field(default_factory=list)
    policy: RoutingPolicy | None = None
    directory: Directory | None = None
    directory_file: Path | None = None
    spy: Spy | None = None
    transfers: Transfers | None = None
    floor: Floor | None = None
    recordings: Path | None = None
    reports: Runner | None = None
    """Runs ``acd report`` for ``/reports`` (``http_reports.run_report``)."""
    tickets: Tickets | None = None
    follow_ups: FollowUps | None = None


def http_app(parts: Parts, auth: tuple[Logins, Tokens] | None = None) -> web.Application:
    """``auth``: every route but ``/health`` and the login needs a token (tests may omit it)."""
    middlewares = [token_required(auth[1])] if auth else []
    app = web.Application(middlewares=middlewares, client_max_size=MAX_BODY)
    if auth is not None:
        app.router.add_routes(auth_routes(*auth))
    app.router.add_get("/health", _health(parts))
    if parts.agents is not None:
        app.router.add_post("/agents/{agent}/{action}", parts.agents.request)
    api = Api("acd", __version__)
    _floor(api, parts.routing, parts.floor)
    if parts.book is not None and parts.call_log is not None:
        calls_api(api, parts.book, parts.call_log, parts.teams, parts.routing, spy=parts.spy,
                  transfers=parts.transfers, recordings=parts.recordings)  # fmt: skip
    states = parts.routing.states if parts.routing is not None else dict
    config_api(api, parts.specs, parts.policy, parts.flows, states)
    customers_api(api, parts.directory, parts.directory_file)
    if parts.reports is not None:
        reports_api(api, parts.teams, parts.reports)
    if parts.tickets is not None:
        tickets_api(api, parts.tickets, parts.follow_ups)
    api.add_to(app)
    return app


def _health(parts: Parts) -> Any:
    async def health(_: web.Request) -> web.Response:
        up = parts.ami.connected.is_set()
        logged = parts.journal is None or parts.journal.down_since is None
        live = parts.flows.current
        healthy = up and logged and live is not None
        body: dict[str, object] = {
            "status": "ok" if healthy else "degraded",
            "ami": "up" if up else "down",
            "ami_events": sum(parts.status.events.values()),
            "ivr": {
                "version": live.version if live else None,
                "in_menu": len(parts.calls.active),
                "ended": dict(parts.status.ivr_outcomes),
            },
        }
        if parts.journal is not None:
            body["event_log"] = parts.journal.summary()
        return web.json_response(body, status=200 if healthy else 503)

    return health


def _floor(api: Api, routing: RoutingView | None, board: Floor | None) -> None:
    @api.route("GET", "/floor", "The wallboard: call types' figures today, agents' states "
               "(of one's teams)", answer=dict[str, Any], roles=("supervisor", "admin"),
               errors=(503,))  # fmt: skip
    async def wallboard(ask: Ask) -> dict[str, Any]:
        if board is None:
            raise Problem(503, "routing is off", "see acd's log for the policy's problems")
        teams = ask.who.teams if ask.who is not None and ask.who.role == "supervisor" else None
        return board.board(teams)

    @api.route("GET", "/routing", "Calls waiting and the agents' states (of one's teams)",
               answer=dict[str, Any], roles=("supervisor", "admin"), errors=(503,))  # fmt: skip
    async def floor(ask: Ask) -> dict[str, Any]:
        if routing is None:
            raise Problem(503, "routing is off", "see acd's log for the policy's problems")
        teams = ask.who.teams if ask.who is not None and ask.who.role == "supervisor" else None
        return routing.summary(teams)
