"""Composition root: wires settings, AMI, FastAGI, the IVR flows, the runtime and HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from acd.adapters.agi.ivr_calls import IvrCalls
from acd.adapters.agi.server import AgiServer
from acd.adapters.ami.client import AmiClient
from acd.adapters.ami.events import AmiEvent
from acd.agent_desk import AgentDesk
from acd.agents_file import load_agent_specs
from acd.config import Settings
from acd.core import policy as core
from acd.directory import Directory
from acd.ivr.publisher import FlowPublisher
from acd.ivr.steps import IvrEnded
from acd.routing_live import LiveRouting
from acd.routing_policy import load_policy
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
    routing: LiveRouting | None = None,
) -> web.Application:
    async def health(_: web.Request) -> web.Response:
        up = ami.connected.is_set()
        live = flows.current
        body: dict[str, object] = {
            "status": "ok" if up and live else "degraded",
            "ami": "up" if up else "down",
            "ami_events": sum(status.events.values()),
            "ivr": {
                "version": live.version if live else None,
                "in_menu": len(calls.active),
                "ended": dict(status.ivr_outcomes),
            },
        }
        if routing is not None:
            body["routing"] = routing.summary()
        return web.json_response(body, status=200 if up and live else 503)

    app = web.Application()
    app.router.add_get("/health", health)
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
    sounds = settings.sounds_dir if settings.sounds_dir and settings.sounds_dir.is_dir() else None
    if sounds is None:
        log.warning("sound directory %s not found: prompts are not checked", settings.sounds_dir)
    flows = FlowPublisher(settings.flows_dir, policy=settings.routing, sounds=sounds)
    await asyncio.to_thread(flows.refresh)
    directory = Directory.from_json(settings.directory) if settings.directory else None
    calls = IvrCalls(
        catalog=flows.catalog,
        directory=directory,
        clock=clock(settings.clock_start),
        on_end=runtime.submit,
    )
    now = clock(settings.clock_start)
    routing, desk = _routing(settings, ami, lambda: now().timestamp(), runtime.submit)
    if routing is not None:
        handlers.append(routing.apply)
    agi = AgiServer(calls.handle, settings.agi_host, settings.agi_port)
    await agi.start()
    runner = web.AppRunner(
        http_app(status, ami, flows, calls, agents=desk, routing=routing), access_log=None
    )
    await runner.setup()
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    await site.start()
    log.info("acd listening on http://%s:%s", settings.http_host, settings.http_port)
    tasks = [
        asyncio.create_task(runtime.run(), name="runtime"),
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


def _routing(
    settings: Settings, ami: AmiClient, now: Callable[[], float], submit: Callable[[Any], None]
) -> tuple[LiveRouting | None, AgentDesk | None]:
    """The live router, if the policy and the agents file load (problems are logged)."""
    policy, problems = load_policy(settings.routing)
    specs, found = load_agent_specs(settings.agents)
    for problem in problems + found:
        log.error("routing off: %s", problem)
    if policy is None or specs is None:
        return None, None
    profiles = {a.id: core.AgentProfile(a.id, a.skills, a.team, a.name) for a in specs}
    live = LiveRouting(policy.to_core(profiles), ami, now, submit)
    return live, AgentDesk({a.id: a.pin_hash for a in specs}, now, submit)
