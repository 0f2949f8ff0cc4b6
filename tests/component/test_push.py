"""WebSocket push: hello with a token, numbered events, resume exactly once, pings, commands,
and a client that stops reading is cut off without slowing anyone else."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import socket
import struct
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from acd import push_hub
from acd.agent_desk import AgentDesk
from acd.auth import Principal, Tokens
from acd.core import messages as m
from acd.http_auth import token_required
from acd.push_hub import CLOSE_AUTH, CLOSE_PROTOCOL, Hub
from acd.push_protocol import event
from acd.push_store import MemoryPushStore
from acd.routing_live import AgentRequest

SECRET = "p" * 32
TEAMS = {"1001": "Billing", "1002": "Support"}


class Push:
    def __init__(
        self,
        keep: int = 1000,
        store: MemoryPushStore | None = None,
        clock: Callable[[], float] = lambda: 1000.0,
    ) -> None:
        self.store = store or MemoryPushStore(keep)
        self.tokens = Tokens(SECRET, ttl=900, clock=clock)
        self.submitted: list[Any] = []
        desk = AgentDesk(TEAMS, lambda: 1000.0, self.submitted.append)
        self.hub = Hub(self.store, self.tokens, desk.command)
        app = web.Application(middlewares=[token_required(self.tokens)])
        app.router.add_get("/ws", self.hub.handle)
        self.http = TestClient(TestServer(app))

    def token(self, user: str, role: str = "agent") -> str:
        return self.tokens.issue(Principal(user, role, (TEAMS.get(user, ""),)))[0]  # type: ignore[arg-type]

    async def publish(self, user: str, n: int) -> int:
        return await self.store.publish(user, event("note", {"n": n}))

    async def connect(
        self, user: str, resume: int | None = None
    ) -> aiohttp.ClientWebSocketResponse:
        ws = await self.http.ws_connect("/ws")
        await ws.send_json({"type": "hello", "v": 1, "token": self.token(user), "resume": resume})
        return ws


@contextlib.asynccontextmanager
async def running(push: Push) -> AsyncIterator[Push]:
    await push.http.start_server()
    feed = asyncio.create_task(push.hub.run())
    await asyncio.sleep(0)  # the hub subscribes to the store's feed
    try:
        yield push
    finally:
        feed.cancel()
        await push.http.close()


async def received(ws: aiohttp.ClientWebSocketResponse, count: int) -> list[dict[str, Any]]:
    return [json.loads((await ws.receive(timeout=5)).data) for _ in range(count)]


async def until_connected(push: Push, sockets: int) -> None:
    """Wait until the hub serves exactly ``sockets`` sockets."""
    for _ in range(500):
        if push.hub.sockets == sockets:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{push.hub.sockets} sockets, not {sockets}")


async def test_a_client_that_says_hello_gets_its_events_numbered() -> None:
    async with running(Push()) as push:
        await push.publish("1001", 0)  # before it connected: not sent to a fresh client
        ws = await push.connect("1001")
        welcome = (await received(ws, 1))[0]
        await push.publish("1001", 1)
        await push.publish("1001", 2)
        events = await received(ws, 2)
    assert (welcome["type"], welcome["seq"], welcome["missed"], welcome["user"]) == (
        "welcome", 1, 0, "1001"
    )  # fmt: skip
    assert [(e["type"], e["seq"], e["data"]["n"]) for e in events] == [
        ("event", 2, 1), ("event", 3, 2),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("first", "code"),
    [
        ({"type": "hello", "v": 1, "token": "forged"}, CLOSE_AUTH),
        ({"type": "ping"}, CLOSE_PROTOCOL),
        ({"type": "hello", "v": 2, "token": "x"}, CLOSE_PROTOCOL),
    ],
)
async def test_a_client_without_a_good_hello_is_closed(first: dict[str, Any], code: int) -> None:
    async with running(Push()) as push:
        ws = await push.http.ws_connect("/ws")
        await ws.send_json(first)
        message = await ws.receive(timeout=5)
    assert message.type is aiohttp.WSMsgType.CLOSE and message.data == code
    assert push.hub.sockets == 0


async def test_a_client_that_never_says_hello_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(push_hub, "HELLO_TIMEOUT", 0.2)
    async with running(Push()) as push:
        ws = await push.http.ws_connect("/ws")
        message = await ws.receive(timeout=5)
    assert (message.type, message.data, message.extra) == (
        aiohttp.WSMsgType.CLOSE, CLOSE_AUTH, "no hello"
    )  # fmt: skip


async def test_an_expired_token_is_refused() -> None:
    async with running(Push()) as push:
        old = Tokens(SECRET, ttl=900, clock=lambda: 0.0).issue(Principal("1001", "agent"))[0]
        ws = await push.http.ws_connect("/ws")
        await ws.send_json({"type": "hello", "v": 1, "token": old})
        message = await ws.receive(timeout=5)
    assert message.data == CLOSE_AUTH and message.extra == "token expired"


async def test_an_agent_gets_only_their_own_events() -> None:
    async with running(Push()) as push:
        ws = await push.connect("1001")
        await received(ws, 1)
        await push.publish("1002", 1)  # another agent's pop
        await ws.send_json({"type": "ping", "id": 7})
        (reply,) = await received(ws, 1)
    assert reply == {"v": 1, "type": "pong", "id": 7}


async def test_a_client_that_reconnects_gets_what_it_missed_exactly_once() -> None:
    async with running(Push()) as push:
        ws = await push.connect("1001")
        await received(ws, 1)
        for n in (1, 2):
            await push.publish("1001", n)
        seen = await received(ws, 2)
        await ws.close()
        for n in (3, 4):  # while it was away
            await push.publish("1001", n)
        again = await push.connect("1001", resume=seen[-1]["seq"])
        welcome, *missed = await received(again, 3)
        await push.publish("1001", 5)
        (live,) = await received(again, 1)
        await again.send_json({"type": "ping"})
        (pong,) = await received(again, 1)
    assert [e["data"]["n"] for e in seen] == [1, 2]
    assert (welcome["type"], welcome["missed"]) == ("welcome", 2)
    assert [(e["seq"], e["data"]["n"]) for e in [*missed, live]] == [(3, 3), (4, 4), (5, 5)]
    assert pong["type"] == "pong"  # and nothing was sent twice before it


async def test_a_resume_point_no_longer_kept_gets_a_reset() -> None:
    async with running(Push(keep=3)) as push:
        for n in range(1, 11):
            await push.publish("1001", n)
        ws = await push.connect("1001", resume=2)
        (reset,) = await received(ws, 1)
        await push.publish("1001", 11)
        (live,) = await received(ws, 1)
    assert (reset["type"], reset["seq"]) == ("reset", 10)
    assert live["seq"] == 11


async def test_commands_change_the_agents_own_state_and_answer_with_a_result() -> None:
    async with running(Push()) as push:
        ws = await push.connect("1001")
        await received(ws, 1)
        commands = [
            {"type": "command", "id": "a", "command": "set_state",
             "args": {"state": "not_ready", "reason": "meal"}},
            {"type": "command", "id": "b", "command": "set_state",
             "args": {"state": "ready", "agent": "1002"}},
            {"type": "command", "id": "c", "command": "set_state", "args": {"state": "asleep"}},
            {"type": "command", "id": "d", "command": "request_transfer"},
            {"type": "dance"},
        ]  # fmt: skip
        for command in commands:
            await ws.send_json(command)
        replies = await received(ws, len(commands))
    assert [(r["type"], r.get("id"), r.get("ok")) for r in replies] == [
        ("result", "a", True), ("result", "b", False), ("result", "c", False),
        ("result", "d", False), ("error", None, None),
    ]  # fmt: skip
    assert replies[1]["error"] == "you may not change agent 1002's state"
    assert push.submitted == [AgentRequest(m.SetNotReady(1000.0, "1001", "meal"))]


async def client_that_never_reads(port: int, token: str) -> asyncio.StreamWriter:
    """A WebSocket client that says hello and then reads no more (its buffers stay small)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock, limit=1024)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    assert b" 101 " in await reader.readuntil(b"\r\n\r\n")
    payload = json.dumps({"type": "hello", "v": 1, "token": token}).encode()
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    writer.write(struct.pack("!BBH", 0x81, 0x80 | 126, len(payload)) + mask + masked)
    return writer


async def test_a_client_that_stops_reading_is_cut_off_and_others_keep_getting_theirs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running(Push()) as push:
        assert push.http.port is not None
        stuck = await client_that_never_reads(push.http.port, push.token("1001"))
        await until_connected(push, 1)
        healthy = await push.connect("1002")
        await received(healthy, 1)
        await until_connected(push, 2)
        big = "x" * 20_000
        for n in range(600):  # 12 MB: more than the socket buffers hold, more than the queue
            await push.store.publish("1001", event("note", {"n": n, "pad": big}))
        await push.publish("1002", 1)
        (theirs,) = await received(healthy, 1)
        await until_connected(push, 1)  # only the healthy one is left
        stuck.close()
    assert theirs["data"]["n"] == 1
    assert "push: 1001's socket fell 256 messages behind: cut off" in caplog.text


async def test_a_socket_is_closed_when_its_token_expires_unless_renewed() -> None:
    push = Push(clock=time.time)  # real time: the hub sleeps until the expiry
    short = Tokens(SECRET, ttl=2, clock=time.time).issue(Principal("1001", "agent"))[0]
    longer = Tokens(SECRET, ttl=5, clock=time.time).issue(Principal("1001", "agent"))[0]
    async with running(push):
        ws = await push.http.ws_connect("/ws")
        await ws.send_json({"type": "hello", "v": 1, "token": short})
        await received(ws, 1)
        await ws.send_json({"type": "renew", "token": push.token("1002")})
        (refused,) = await received(ws, 1)
        await ws.send_json({"type": "renew", "token": longer})
        (renewed,) = await received(ws, 1)
        await asyncio.sleep(2.5)  # past the first token's expiry
        await ws.send_json({"type": "ping"})
        (still,) = await received(ws, 1)
        closed = await ws.receive(timeout=10)  # the renewed one runs out
    assert refused["error"] == "renew with a token of the same user and role"
    assert renewed["type"] == "renewed" and renewed["expires_at"] > time.time() - 1
    assert still["type"] == "pong"
    assert (closed.type, closed.data, closed.extra) == (
        aiohttp.WSMsgType.CLOSE, CLOSE_AUTH, "token expired"
    )  # fmt: skip
