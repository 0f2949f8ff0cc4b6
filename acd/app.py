"""Composition root: wires settings, the AMI client, the runtime and the HTTP server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from dataclasses import dataclass, field

from aiohttp import web

from acd.adapters.ami.client import AmiClient
from acd.adapters.ami.events import AmiEvent
from acd.config import Settings
from acd.runtime import Runtime

log = logging.getLogger("acd.app")


@dataclass(slots=True)
class Status:
    """What ``/health`` reports besides the AMI link; written only by the runtime task."""

    events: Counter[str] = field(default_factory=Counter)

    def apply(self, event: AmiEvent) -> None:
        self.events[event.name] += 1


def http_app(status: Status, ami: AmiClient) -> web.Application:
    async def health(_: web.Request) -> web.Response:
        up = ami.connected.is_set()
        body = {
            "status": "ok" if up else "degraded",
            "ami": "up" if up else "down",
            "ami_events": sum(status.events.values()),
        }
        return web.json_response(body, status=200 if up else 503)

    app = web.Application()
    app.router.add_get("/health", health)
    return app


async def serve(settings: Settings) -> None:
    """Run until cancelled; raises ``AmiAuthError`` if Asterisk refuses the login."""
    status = Status()
    runtime: Runtime[AmiEvent] = Runtime(status.apply)
    ami = AmiClient(
        host=settings.ami_host,
        port=settings.ami_port,
        username=settings.ami_user,
        secret=settings.require_ami_secret(),
        on_event=runtime.submit,
        action_timeout=settings.ami_action_timeout,
        backoff_max=settings.ami_backoff_max,
    )
    runner = web.AppRunner(http_app(status, ami), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    await site.start()
    log.info("acd listening on http://%s:%s", settings.http_host, settings.http_port)
    runtime_task = asyncio.create_task(runtime.run(), name="runtime")
    try:
        await ami.run()
    finally:
        await ami.close()
        runtime_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runtime_task
        await runner.cleanup()
