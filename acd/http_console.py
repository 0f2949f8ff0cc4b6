"""The agent console in the browser: its page at ``/``, the supervisors' wallboard at
``/wallboard``, their scripts and styles under ``/console/`` (built from ``web_softphone/``
into ``web_softphone/dist``), and ``GET /console/sip``, the logged-in user's own settings
for the softphone (JsSIP).

The pages and their files need no token (the middleware lets them through); the SIP
settings do, and each user gets their own only: an agent's, or a supervisor's or admin's
who has a browser phone (to listen in from the wallboard).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from aiohttp import web
from yarl import URL

from acd.agents_file import AgentSpec
from acd.asterisk_conf import sip_password
from acd.config import Settings
from acd.http_auth import principal, problem

STATIC = "/console"
NO_CACHE = {"Cache-Control": "no-cache"}


def console_routes(
    settings: Settings, specs: Sequence[AgentSpec], dist: Path | None = None
) -> list[web.AbstractRouteDef]:
    """``/``, the console's files (``dist``, by default ``settings.console_dir``) and
    ``/console/sip``. Without a built console, ``/`` answers 503 saying how to build it, and
    acd runs on."""
    dist = (dist or settings.console_dir).resolve()
    agents = {spec.id: spec for spec in specs}

    def page(name: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def serve(_: web.Request) -> web.StreamResponse:
            found = dist / name
            if not found.is_file():
                return web.Response(
                    status=503,
                    text="The agent console is not built: run `make run` (or `npm run build` "
                    f"in web_softphone/); it is looked for in {dist}.\n",
                )
            return web.FileResponse(found, headers=NO_CACHE)

        return serve

    async def sip(request: web.Request) -> web.Response:
        who = principal(request)
        spec = agents.get(who.user)
        if spec is None:
            return problem(403, "no phone here", "the softphone is for the users in agents.yaml")
        if spec.phone != "webrtc":
            return problem(404, "no browser phone", f"{spec.role} {spec.id} answers on a SIP phone")
        if settings.sip_secret is None:
            return problem(503, "SIP is not set up", "ACD_SIP_SECRET is not set")
        host = _bracketed(request.url.host or "127.0.0.1")
        ws_url = settings.sip_ws_url or _ws_url(request, host, settings)
        return web.json_response(
            {
                "ws_url": ws_url,
                "uri": f"sip:{spec.id}@{_bracketed(URL(ws_url).host or host)}",
                "password": sip_password(settings.sip_secret.get_secret_value(), spec.id),
                "display_name": spec.name or spec.id,
            },
            headers={"Cache-Control": "no-store"},
        )

    routes: list[web.AbstractRouteDef] = [
        web.get("/", page("index.html")),
        web.get("/wallboard", page("wallboard.html")),
        web.get(f"{STATIC}/sip", sip),
    ]
    if dist.is_dir():
        routes.append(web.static(STATIC, dist))
    return routes


def _ws_url(request: web.Request, host: str, settings: Settings) -> str:
    """Asterisk's WebSocket on the host the page came from: WSS when the page came over
    HTTPS (a browser refuses ``ws://`` there) and Asterisk has a certificate."""
    https = request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"
    if https and settings.asterisk_tls_cert is not None:
        return f"wss://{host}:{settings.asterisk_https_port}/ws"
    return f"ws://{host}:{settings.asterisk_http_port}/ws"


def _bracketed(host: str) -> str:
    """``host`` as a URL or SIP URI holds it (an IPv6 address in brackets)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
