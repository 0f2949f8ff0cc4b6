"""The agent console and the wallboard over HTTP: their pages and files need no token;
``/console/sip`` gives a logged-in user their own softphone settings, and nobody else's."""

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

SECRET = "t" * 32
SIP_SECRET = "sip-secret-of-the-center"
SPECS = [
    AgentSpec(id="1001", name="Wang Fang", team="Billing"),
    AgentSpec(id="1002", name="", team="Support"),
    AgentSpec(id="1003", name="Desk Phone", team="Support", phone="sip"),
    AgentSpec(id="1900", name="Lead", role="supervisor", supervises=["Billing"]),
    AgentSpec(id="1999", name="Admin", role="admin"),
]
PINS = {"1001": "4321", "1002": "1111", "1003": "3333", "1900": "2222", "1999": "9999"}


def built(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>acd</title>")
    (dist / "console.js").write_text("window.acd = {};")
    (dist / "console.css").write_text("body {}")
    return dist


@asynccontextmanager
async def console(dist: Path, **settings: Any) -> AsyncIterator[TestClient[Any, Any]]:
    users = {s.id: User(s.id, hash_pin(PINS[s.id]), s.role, s.teams) for s in SPECS}
    tokens = Tokens(SECRET, ttl=900, clock=lambda: 1000.0)
    app = web.Application(middlewares=[token_required(tokens)])
    app.router.add_routes(auth_routes(Logins(users, tokens, lambda: 1000.0), tokens))
    defaults: dict[str, Any] = {"sip_secret": SIP_SECRET, "sip_ws_url": None,
                                "asterisk_http_port": 8088, "asterisk_https_port": 8089,
                                "asterisk_tls_cert": None}  # fmt: skip
    app.router.add_routes(console_routes(Settings(**{**defaults, **settings}), SPECS, dist))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


async def token(client: TestClient[Any, Any], user: str) -> dict[str, str]:
    reply = await client.post("/auth/login", json={"user": user, "pin": PINS[user]})
    assert reply.status == 200, await reply.text()
    return {"Authorization": f"Bearer {(await reply.json())['token']}"}


async def test_the_page_and_its_files_need_no_token(tmp_path: Path) -> None:
    async with console(built(tmp_path)) as client:
        page = await client.get("/")
        script = await client.get("/console/console.js")
        style = await client.get("/console/console.css")
        missing = await client.get("/console/nothing.js")
        page_text, script_text = await page.text(), await script.text()
    assert page.status == 200 and page.content_type == "text/html"
    assert "<title>acd</title>" in page_text and page.headers["Cache-Control"] == "no-cache"
    assert script.status == 200 and script_text == "window.acd = {};"
    assert script.content_type in ("application/javascript", "text/javascript")
    assert style.status == 200 and style.content_type == "text/css"
    assert missing.status == 404  # not 401: an open prefix, but nothing there


async def test_an_agent_gets_their_own_softphone_settings_with_a_token_only(
    tmp_path: Path,
) -> None:
    async with console(built(tmp_path)) as client:
        anonymous = await client.get("/console/sip")
        forged = await client.get("/console/sip", headers={"Authorization": "Bearer nope"})
        first = await client.get("/console/sip", headers=await token(client, "1001"))
        second = await client.get("/console/sip", headers=await token(client, "1002"))
        mine, theirs = await first.json(), await second.json()
    assert (anonymous.status, forged.status) == (401, 401)
    assert first.status == 200 and first.headers["Cache-Control"] == "no-store"
    assert mine == {
        "ws_url": "ws://127.0.0.1:8088/ws",  # the host the page came from, Asterisk's port
        "uri": "sip:1001@127.0.0.1",
        "password": sip_password(SIP_SECRET, "1001"),
        "display_name": "Wang Fang",
    }
    assert theirs["uri"] == "sip:1002@127.0.0.1" and theirs["display_name"] == "1002"
    assert theirs["password"] == sip_password(SIP_SECRET, "1002") != mine["password"]


async def test_supervisors_and_admins_get_their_own_browser_phone_for_the_wallboard(
    tmp_path: Path,
) -> None:
    async with console(built(tmp_path)) as client:
        replies = [await client.get("/console/sip", headers=await token(client, user))
                   for user in ("1900", "1999")]  # fmt: skip
        bodies = [await reply.json() for reply in replies]
    assert [reply.status for reply in replies] == [200, 200]
    assert [body["uri"] for body in bodies] == ["sip:1900@127.0.0.1", "sip:1999@127.0.0.1"]
    assert bodies[0]["password"] == sip_password(SIP_SECRET, "1900")


async def test_the_wallboard_page_needs_no_token_and_says_how_to_build_it(tmp_path: Path) -> None:
    dist = built(tmp_path)
    async with console(dist) as client:
        missing = await client.get("/wallboard")
        missing_text = await missing.text()
        (dist / "wallboard.html").write_text("<!doctype html><title>Wallboard</title>")
        page = await client.get("/wallboard")
        page_text = await page.text()
    assert missing.status == 503 and "npm run build" in missing_text
    assert page.status == 200 and "<title>Wallboard</title>" in page_text
    assert page.headers["Cache-Control"] == "no-cache"


async def test_the_websocket_url_may_be_set_and_desk_phones_have_none(tmp_path: Path) -> None:
    url = "wss://pbx.example.com:8089/ws"
    async with console(built(tmp_path), sip_ws_url=url) as client:
        mine = await client.get("/console/sip", headers=await token(client, "1001"))
        webrtc = await mine.json()
        desk = await client.get("/console/sip", headers=await token(client, "1003"))
        refused = await desk.json()
    assert (webrtc["ws_url"], webrtc["uri"]) == (url, "sip:1001@pbx.example.com")
    assert desk.status == 404 and refused["title"] == "no browser phone"


async def test_a_page_over_https_gets_asterisks_wss_when_it_has_a_certificate(
    tmp_path: Path,
) -> None:
    https = {"X-Forwarded-Proto": "https"}  # a TLS proxy in front of acd
    dist = built(tmp_path)
    async with console(dist, asterisk_tls_cert=tmp_path / "cert.pem") as client:
        proxied = await client.get("/console/sip", headers={**https, **await token(client, "1001")})
        plain = await client.get("/console/sip", headers=await token(client, "1001"))
        urls = [(await proxied.json())["ws_url"], (await plain.json())["ws_url"]]
    async with console(dist) as client:
        no_cert = await client.get("/console/sip", headers={**https, **await token(client, "1001")})
        urls.append((await no_cert.json())["ws_url"])
    assert urls == ["wss://127.0.0.1:8089/ws", "ws://127.0.0.1:8088/ws", "ws://127.0.0.1:8088/ws"]


async def test_without_a_built_console_the_page_says_how_to_build_it(tmp_path: Path) -> None:
    async with console(tmp_path / "never-built") as client:
        page = await client.get("/")
        text = await page.text()
        sip = await client.get("/console/sip", headers=await token(client, "1001"))
        script = await client.get("/console/console.js")
    assert page.status == 503 and "make run" in text and "npm run build" in text
    assert sip.status == 200  # the rest of acd runs on
    assert script.status == 401  # no static files there: nothing is open under /console/


async def test_without_a_sip_secret_the_console_is_told_so(tmp_path: Path) -> None:
    async with console(built(tmp_path), sip_secret=None) as client:
        reply = await client.get("/console/sip", headers=await token(client, "1001"))
        refused = await reply.json()
    assert reply.status == 503 and "ACD_SIP_SECRET" in refused["detail"]
