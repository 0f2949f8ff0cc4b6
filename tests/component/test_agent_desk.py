"""Agents' state requests over HTTP: PIN checked, lockout after wrong PINs, bad requests."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from acd.agent_desk import MAX_FAILURES, AgentDesk
from acd.core import messages as m
from acd.directory import hash_pin
from acd.routing_live import AgentRequest


async def client(submitted: list[Any], clock: list[float]) -> TestClient[Any, Any]:
    desk = AgentDesk({"1001": hash_pin("4321")}, lambda: clock[0], submitted.append)
    app = web.Application()
    app.router.add_post("/agents/{agent}/{action}", desk.request)
    test = TestClient(TestServer(app))
    await test.start_server()
    return test


async def test_a_right_pin_sends_the_request_to_the_router() -> None:
    submitted: list[Any] = []
    http = await client(submitted, [100.0])
    try:
        reply = await http.post("/agents/1001/not-ready", json={"pin": "4321", "reason": "meal"})
        assert reply.status == 202
    finally:
        await http.close()
    assert submitted == [AgentRequest(m.SetNotReady(100.0, "1001", "meal"))]


async def test_wrong_pins_are_refused_then_the_id_is_locked_for_a_while() -> None:
    submitted: list[Any] = []
    clock = [0.0]
    http = await client(submitted, clock)
    try:
        for _ in range(MAX_FAILURES):
            assert (await http.post("/agents/1001/ready", json={"pin": "0000"})).status == 401
        locked = await http.post("/agents/1001/ready", json={"pin": "4321"})
        clock[0] = 301.0
        after = await http.post("/agents/1001/ready", json={"pin": "4321"})
    finally:
        await http.close()
    assert locked.status == 429 and after.status == 202
    assert submitted == [AgentRequest(m.SetReady(301.0, "1001"))]


async def test_bad_requests_get_clear_errors_and_change_nothing() -> None:
    submitted: list[Any] = []
    http = await client(submitted, [0.0])
    try:
        replies = [
            await http.post("/agents/1001/dance", json={"pin": "4321"}),
            await http.post("/agents/1001/ready", data=b"not json"),
            await http.post("/agents/1001/ready", json={"pin": 4321}),
            await http.post("/agents/9999/ready", json={"pin": "4321"}),
        ]
        statuses = [r.status for r in replies]
        errors = [(await r.json())["error"] for r in replies]
    finally:
        await http.close()
    assert statuses == [404, 400, 400, 401]
    assert errors[0] == "no action 'dance'" and errors[3] == "unknown agent or wrong PIN"
    assert submitted == []
