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

from aiohttp import web

from acd.adapters.agi.ivr_calls import IvrCalls
from acd.adapters.agi.server import AgiServer
from acd.adapters.ami.client import AmiClient
from acd.adapters.ami.events import AmiEvent
from acd.config import Settings
from acd.directory import Directory
from acd.ivr.publisher import FlowPublisher
from acd.ivr.steps import IvrEnded
from acd.runtime import Runtime

log = logging.getLogger("acd.app")

Event = AmiEvent | IvrEnded


@dataclass(slots=True)
class Status:
    """What ``/health`` reports besides the links; written only by the runtime task."""

    events: Counter[str] = field(default_factory=Counter)
    ivr_outcomes: Counter[str] = field(default_factory=Counter)

    def apply(self, event: Event) -> None:
        if isinstance(event, IvrEnded):
            self.ivr_outcomes[type(event.finish.outcome).__name__] += 1
        else:
            self.events[event.name] += 1


def clock(start: dt.datetime | None) -> Callable[[], dt.datetime]:
    """The wall clock, or one that starts at ``start`` and runs at real speed."""
    if start is None:
        return lambda: dt.datetime.now(dt.UTC)
    began = time.monotonic()
    start = start if start.tzinfo else start.replace(tzinfo=dt.UTC)
    return lambda: start + dt.timedelta(seconds=time.monotonic() - began)


def http_app(
    status: Status, ami: AmiClient, flows: FlowPublisher, calls: IvrCalls
) -> web.Application:
    async def health(_: web.Request) -> web.Response:
        up = ami.connected.is_set()
        live = flows.current
        body = {
            "status": "ok" if up and live else "degraded",
            "ami": "up" if up else "down",
            "ami_events": sum(status.events.values()),
            "ivr": {
                "version": live.version if live else None,
                "in_menu": len(calls.active),
                "ended": dict(status.ivr_outcomes),
            },
        }
        return web.json_response(body, status=200 if up and live else 503)

    app = web.Application()
    app.router.add_get("/health", health)
    return app


async def serve(settings: Settings) -> None:
    """Run until cancelled; raises ``AmiAuthError`` if Asterisk refuses the login."""
    status = Status()
    runtime: Runtime[Event] = Runtime(status.apply)
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
    agi = AgiServer(calls.handle, settings.agi_host, settings.agi_port)
    await agi.start()
    runner = web.AppRunner(http_app(status, ami, flows, calls), access_log=None)
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
