"""The wallboard over HTTP: ``/wallboard`` and its files need no token and are never cached
stale; ``/console/sip`` gives a supervisor or admin with a browser phone their own settings
(to listen in from the wallboard), and a lead on a desk phone none."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from acd.agents_file import AgentSpec
from acd.asterisk_conf import sip_password
from acd.auth import Logins, Tokens, User
from acd.config import Settings
from acd.directory import hash_pin
from acd.http_auth import auth_routes, token_required
from acd.http_console import console_routes

SIP_SECRET = "sip-secret-of-the-center"
SPECS = [
    AgentSpec(id="2002", name="Support Agent", team="Support"),
    AgentSpec(id="2901", name="Web Lead", role="supervisor", supervises=["Support"]),
    AgentSpec(id="2902", name="Desk Lead", role="supervisor", supervises=["Support"], phone="sip"),
    AgentSpec(id="2999", name="Admin", role="admin"),
]
PIN = "2468"


@asynccontextmanager
async def served(dist: Path) -> AsyncIterator[TestClient[Any, Any]]:
    users = {s.id: User(s.id, hash_pin(PIN), s.role, s.teams) for s in SPECS}
    tokens = Tokens("w" * 32, ttl=900, clock=lambda: 1000.0)
    app = web.Application(middlewares=[token_required(tokens)])
    app.router.add_routes(auth_routes(Logins(users, tokens, lambda: 1000.0), tokens))
    settings = Settings(sip_secret=SIP_SECRET, sip_ws_url=None, asterisk_http_port=8088,
                        asterisk_tls_cert=None)  # fmt: skip
    app.router.add_routes(console_routes(settings, SPECS, dist))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


async def sip_of(client: TestClient[Any, Any], user: str) -> tuple[int, dict[str, Any]]:
    login = await client.post("/auth/login", json={"user": user, "pin": PIN})
    token = (await login.json())["token"]
    reply = await client.get("/console/sip", headers={"Authorization": f"Bearer {token}"})
    return reply.status, await reply.json()


async def test_the_wallboard_and_its_files_are_served_without_a_token(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    async with served(dist) as client:
        unbuilt = await client.get("/wallboard")
        unbuilt_text, console_text = await unbuilt.text(), await (await client.get("/")).text()
    for name, text in (("wallboard.html", "<title>Wallboard</title>"),
                       ("wallboard.js", "window.acdWallboard = {};"),
                       ("wallboard.css", "table {}")):  # fmt: skip
        (dist / name).write_text(text)
    async with served(dist) as client:  # the files are there at start, as after a build
        page = await client.get("/wallboard")
        script = await client.get("/console/wallboard.js")
        style = await client.get("/console/wallboard.css")
        texts = [await reply.text() for reply in (page, script, style)]
    assert unbuilt.status == 503 and unbuilt_text == console_text  # the same advice
    assert "npm run build" in unbuilt_text and str(dist) in unbuilt_text
    assert [reply.status for reply in (page, script, style)] == [200, 200, 200]
    assert page.content_type == "text/html" and page.headers["Cache-Control"] == "no-cache"
    assert texts == ["<title>Wallboard</title>", "window.acdWallboard = {};", "table {}"]
    assert style.content_type == "text/css"


async def test_leads_and_admins_get_their_own_browser_phone_and_a_desk_phone_none(
    tmp_path: Path,
) -> None:
    async with served(tmp_path) as client:
        replies = {user: await sip_of(client, user) for user in ("2002", "2901", "2902", "2999")}
    statuses = {user: status for user, (status, _) in replies.items()}
    assert statuses == {"2002": 200, "2901": 200, "2902": 404, "2999": 200}
    lead, admin = replies["2901"][1], replies["2999"][1]
    assert lead == {"ws_url": "ws://127.0.0.1:8088/ws", "uri": "sip:2901@127.0.0.1",
                    "password": sip_password(SIP_SECRET, "2901"),
                    "display_name": "Web Lead"}  # fmt: skip
    assert admin["uri"] == "sip:2999@127.0.0.1"
    assert len({body["password"] for _, body in replies.values() if "password" in body}) == 3
    assert replies["2902"][1]["detail"] == "supervisor 2902 answers on a SIP phone"
