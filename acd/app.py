"""Composition root: wires settings, AMI, FastAGI, the IVR flows, the runtime and HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from acd.adapters.agi.hold import HoldAnnouncements
from acd.adapters.agi.ivr_calls import IvrCalls
from acd.adapters.agi.server import AgiChannel, AgiServer
from acd.adapters.ami.client import AmiClient
from acd.adapters.ami.events import AmiEvent
from acd.adapters.crm.http import HttpCrm
from acd.adapters.redis.event_log import RedisEventLog
from acd.adapters.redis.push_store import RedisPushStore
from acd.agent_desk import AgentDesk
from acd.agents_file import AgentSpec, load_live_policy
from acd.auth import Logins, Tokens, User
from acd.callers import Callers
from acd.config import Settings
from acd.directory import Directory
from acd.event_log import EventLog, EventLogDown
from acd.http_auth import auth_routes, principal, problem, token_required
from acd.ivr.publisher import FlowPublisher
from acd.ivr.steps import IvrEnded
from acd.journal import Journal
from acd.push_feed import PushFeed
from acd.push_hub import Hub
from acd.records import BadRecord, Record, decode
from acd.routing_live import LiveRouting
from acd.routing_view import RoutingView
from acd.runtime import Runtime

log = logging.getLogger("acd.app")


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


def clock(start: dt.datetime | None) -> Callable[[], dt.datetime]:
    """The wall clock, or one that starts at ``start`` and runs at real speed."""
    if start is None:
        return lambda: dt.datetime.now(dt.UTC)
    began = time.monotonic()
    start = start if start.tzinfo else start.replace(tzinfo=dt.UTC)
    return lambda: start + dt.timedelta(seconds=time.monotonic() - began)


def http_app(
    status: Status,
    ami: AmiClient,
    flows: FlowPublisher,
    calls: IvrCalls,
    *,
    agents: AgentDesk | None = None,
    routing: RoutingView | None = None,
    journal: Journal | None = None,
    auth: tuple[Logins, Tokens] | None = None,
) -> web.Application:
    """``auth``: every route but ``/health`` and the login needs a token (tests may omit it)."""

    async def health(_: web.Request) -> web.Response:
        up = ami.connected.is_set()
        logged = journal is None or journal.down_since is None
        live = flows.current
        healthy = up and logged and live is not None
        body: dict[str, object] = {
            "status": "ok" if healthy else "degraded",
            "ami": "up" if up else "down",
            "ami_events": sum(status.events.values()),
            "ivr": {
                "version": live.version if live else None,
                "in_menu": len(calls.active),
                "ended": dict(status.ivr_outcomes),
            },
        }
        if journal is not None:
            body["event_log"] = journal.summary()
        return web.json_response(body, status=200 if healthy else 503)

    async def floor(request: web.Request) -> web.Response:
        """Calls waiting and the agents' states: a supervisor sees their teams, an admin all."""
        who = principal(request) if auth is not None else None
        if who is not None and who.role == "agent":
            return problem(403, "supervisors only", "agents get their own state over /ws")
        if routing is None:
            return problem(503, "routing is off", "see acd's log for the policy's problems")
        teams = who.teams if who is not None and who.role == "supervisor" else None
        return web.json_response(routing.summary(teams))

    async def call_routing(request: web.Request) -> web.Response:
        if auth is not None and principal(request).role == "agent":
            return problem(403, "supervisors only", "routing explanations show every agent")
        found = routing.explain(request.match_info["call"]) if routing else None
        if found is None:
            return problem(404, "no such recent call")
        return web.json_response(found)

    app = web.Application(middlewares=[token_required(auth[1])] if auth else [])
    if auth is not None:
        app.router.add_routes(auth_routes(*auth))
    app.router.add_get("/health", health)
    app.router.add_get("/routing", floor)
    app.router.add_get("/calls/{call}/routing", call_routing)
    if agents is not None:
        app.router.add_post("/agents/{agent}/{action}", agents.request)
    return app


async def serve(settings: Settings) -> None:
    """Run until cancelled; raises ``AmiAuthError`` if Asterisk refuses the login."""
    status = Status()
    handlers: list[Callable[[Any], None]] = [status.apply]

    def apply(event: Any) -> None:
        for handle in handlers:
            handle(event)

    runtime: Runtime[Any] = Runtime(apply)
    ami = AmiClient(
        host=settings.ami_host,
        port=settings.ami_port,
        username=settings.ami_user,
        secret=settings.require_ami_secret(),
        on_event=runtime.submit,
        action_timeout=settings.ami_action_timeout,
        backoff_max=settings.ami_backoff_max,
    )
    flows, calls, directory = await _ivr(settings, runtime.submit)
    now = clock(settings.clock_start)
    seconds = lambda: now().timestamp()  # noqa: E731
    event_log = RedisEventLog(settings.redis_url, site=settings.site)
    journal = Journal(event_log)
    policy, specs, problems = load_live_policy(settings.routing, settings.agents)
    for found in problems:
        log.error("routing off: %s", found)
    users, auth = _auth(settings, specs, seconds)
    teams = {a.id: a.team for a in specs if a.takes_calls}
    push = RedisPushStore(settings.redis_url, site=settings.site)
    crm = HttpCrm(settings.crm_url, timeout=settings.crm_timeout) if settings.crm_url else None
    feed = PushFeed(push, users, teams, Callers(directory, crm))
    handlers.append(feed.ivr_ended)
    routing = None if policy is None else LiveRouting(
        policy, ami, seconds, runtime.submit, journal, on_command=feed.routed
    )  # fmt: skip
    desk = AgentDesk(teams, seconds, runtime.submit)
    hub = Hub(push, auth[1], desk.command)
    view = RoutingView(routing, seconds) if routing is not None else None
    if routing is not None:
        for record in await _read_log(event_log, settings):
            routing.replay(record)
        routing.went_live()
        handlers.append(routing.apply)
    agi = await _agi(settings, calls, HoldAnnouncements(view.place if view else lambda _: None))
    http = http_app(status, ami, flows, calls, agents=desk if routing else None, routing=view,
                    journal=journal, auth=auth)  # fmt: skip
    http.router.add_get("/ws", hub.handle)
    runner = await _listen(http, settings)
    tasks = [
        asyncio.create_task(runtime.run(), name="runtime"),
        asyncio.create_task(journal.run(), name="journal"),
        asyncio.create_task(feed.run(), name="push feed"),
        asyncio.create_task(hub.run(), name="push hub"),
        asyncio.create_task(flows.watch(settings.flows_poll), name="flows"),
    ]
    try:
        await ami.run()
    finally:
        await ami.close()
        await agi.close()
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await runner.cleanup()
        await event_log.close()
        await push.close()
        if crm is not None:
            await crm.close()


async def _ivr(
    settings: Settings, submit: Callable[[Any], None]
) -> tuple[FlowPublisher, IvrCalls, Directory | None]:
    """The IVR flows (published once now, then watched), the calls running them, and the
    customer directory they look callers up in."""
    sounds = settings.sounds_dir if settings.sounds_dir and settings.sounds_dir.is_dir() else None
    if sounds is None:
        log.warning("sound directory %s not found: prompts are not checked", settings.sounds_dir)
    flows = FlowPublisher(settings.flows_dir, policy=settings.routing, sounds=sounds)
    await asyncio.to_thread(flows.refresh)
    directory = Directory.from_json(settings.directory) if settings.directory else None
    calls = IvrCalls(catalog=flows.catalog, directory=directory,
                     clock=clock(settings.clock_start), on_end=submit)  # fmt: skip
    return flows, calls, directory


async def _agi(settings: Settings, calls: IvrCalls, hold: HoldAnnouncements) -> AgiServer:
    """FastAGI: ``/ivr`` runs the flows, ``/hold`` speaks to callers waiting."""
    scripts = {"ivr": calls.handle, "hold": hold.handle}

    async def request(channel: AgiChannel) -> None:
        await scripts.get(channel.script, calls.handle)(channel)

    agi = AgiServer(request, settings.agi_host, settings.agi_port)
    await agi.start()
    return agi


async def _listen(http: web.Application, settings: Settings) -> web.AppRunner:
    runner = web.AppRunner(http, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.http_host, settings.http_port).start()
    log.info("acd listening on http://%s:%s", settings.http_host, settings.http_port)
    return runner


def _auth(
    settings: Settings, specs: list[AgentSpec], now: Callable[[], float]
) -> tuple[dict[str, User], tuple[Logins, Tokens]]:
    if settings.token_secret is None:
        log.warning("ACD_TOKEN_SECRET is not set: tokens are signed with a random secret and "
                    "do not survive a restart")  # fmt: skip
        secret = secrets.token_urlsafe(32)
    else:
        secret = settings.token_secret.get_secret_value()
    tokens = Tokens(secret, ttl=settings.token_ttl, clock=now)
    users = {a.id: User(a.id, a.pin_hash, a.role, a.teams) for a in specs}
    return users, (Logins(users, tokens, now), tokens)


async def _read_log(event_log: EventLog, settings: Settings) -> list[Record]:
    """The whole event log, waiting for Redis as long as it takes; unreadable entries skipped."""
    where = settings.redis_url.rsplit("@", 1)[-1]  # never the password
    began, waited = time.monotonic(), False
    while True:
        try:
            entries = [entry async for batch in event_log.read() for entry in batch]
            break
        except EventLogDown as exc:
            if not waited:
                log.error("waiting for the event log at %s: %s", where, exc)
                waited = True
            await asyncio.sleep(1.0)
    records = []
    for entry in entries:
        try:
            records.append(decode(entry))
        except BadRecord as exc:
            log.error("event log: skipped %s", exc)
    log.info("event log: %d records replayed from %s in %.2f s", len(records), where,
             time.monotonic() - began)  # fmt: skip
    return records
