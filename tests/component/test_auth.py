"""Logins, tokens and who may change whose state, over HTTP: every rule of CTI auth."""

from __future__ import annotations

from typing import Any

import jwt
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from acd.agent_desk import AgentDesk
from acd.auth import ISSUER, LOCKOUT, MAX_FAILURES, Logins, Principal, Tokens, User
from acd.core import messages as m
from acd.directory import hash_pin
from acd.http_auth import auth_routes, token_required
from acd.routing_live import AgentRequest

SECRET = "s" * 32
USERS = {
    "1001": User("1001", hash_pin("4321"), "agent", ("Billing",)),
    "1002": User("1002", hash_pin("1111"), "agent", ("Support",)),
    "1900": User("1900", hash_pin("2222"), "supervisor", ("Billing",)),
    "1999": User("1999", hash_pin("3333"), "admin"),
}
TEAMS = {"1001": "Billing", "1002": "Support"}


class Desk:
    def __init__(self) -> None:
        self.clock = [1000.0]
        self.submitted: list[Any] = []
        self.tokens = Tokens(SECRET, ttl=900, clock=lambda: self.clock[0])
        logins = Logins(USERS, self.tokens, lambda: self.clock[0])
        desk = AgentDesk(TEAMS, lambda: self.clock[0], self.submitted.append)
        app = web.Application(middlewares=[token_required(self.tokens)])
        app.router.add_routes(auth_routes(logins, self.tokens))
        app.router.add_post("/agents/{agent}/{action}", desk.request)
        app.router.add_get("/health", self.health)
        self.http = TestClient(TestServer(app))

    @staticmethod
    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def __aenter__(self) -> Desk:
        await self.http.start_server()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.http.close()

    async def login(self, user: str, pin: str) -> tuple[int, dict[str, Any]]:
        reply = await self.http.post("/auth/login", json={"user": user, "pin": pin})
        return reply.status, await reply.json()

    async def token(self, user: str) -> str:
        pins = {"1001": "4321", "1002": "1111", "1900": "2222", "1999": "3333"}
        status, body = await self.login(user, pins[user])
        assert status == 200, body
        return str(body["token"])

    async def act_json(self, agent: str, action: str, token: str, body: object) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        reply = await self.http.post(f"/agents/{agent}/{action}", json=body, headers=headers)
        return reply.status

    async def act(self, agent: str, action: str, token: str | None, **body: str) -> int:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        reply = await self.http.post(f"/agents/{agent}/{action}", json=body, headers=headers)
        return reply.status


async def test_a_right_pin_gives_a_token_that_lets_the_agent_change_their_state() -> None:
    async with Desk() as desk:
        status, granted = await desk.login("1001", "4321")
        acted = await desk.act("1001", "not-ready", granted["token"], reason="meal")
    assert status == 200 and granted["role"] == "agent" and granted["expires_at"] == 1900.0
    assert acted == 202
    assert desk.submitted == [AgentRequest(m.SetNotReady(1000.0, "1001", "meal"))]


async def test_wrong_pins_are_refused_then_the_id_is_locked_for_a_while() -> None:
    async with Desk() as desk:
        wrong = [(await desk.login("1001", "0000"))[0] for _ in range(MAX_FAILURES)]
        locked, body = await desk.login("1001", "4321")
        desk.clock[0] += LOCKOUT + 1
        after, _ = await desk.login("1001", "4321")
    assert wrong == [401] * MAX_FAILURES and locked == 429 and after == 200
    assert body["title"] == "login refused" and "try later" in body["detail"]


async def test_unknown_users_are_refused_like_wrong_pins_and_never_locked() -> None:
    async with Desk() as desk:
        replies = [await desk.login("9999", "0000") for _ in range(MAX_FAILURES + 2)]
    assert {status for status, _ in replies} == {401}
    assert replies[0][1]["detail"] == "unknown user or wrong PIN"


async def test_requests_without_a_good_token_are_refused() -> None:
    forged = jwt.encode({"iss": ISSUER, "sub": "1001", "role": "admin", "teams": [],
                         "iat": 1000, "exp": 99999}, "x" * 32, algorithm="HS256")  # fmt: skip
    async with Desk() as desk:
        expired = await desk.token("1001")
        desk.clock[0] += 901
        statuses = [
            await desk.act("1001", "ready", None),
            await desk.act("1001", "ready", "not-a-token"),
            await desk.act("1001", "ready", forged),
            await desk.act("1001", "ready", expired),
        ]
        reply = await desk.http.post("/agents/1001/ready", headers={"Authorization": "Basic x"})
    assert statuses == [401, 401, 401, 401]
    assert reply.status == 401 and reply.headers["WWW-Authenticate"] == 'Bearer realm="acd"'
    assert desk.submitted == []


async def test_an_agent_may_not_change_another_agents_state() -> None:
    async with Desk() as desk:
        status = await desk.act("1002", "logout", await desk.token("1001"))
    assert status == 403 and desk.submitted == []


async def test_a_supervisor_steers_their_teams_agents_only_and_an_admin_anyone() -> None:
    async with Desk() as desk:
        lead, admin = await desk.token("1900"), await desk.token("1999")
        statuses = [
            await desk.act("1001", "not-ready", lead, reason="meeting"),
            await desk.act("1002", "not-ready", lead, reason="meeting"),
            await desk.act("1002", "logout", admin),
        ]
    assert statuses == [202, 403, 202]
    assert desk.submitted == [
        AgentRequest(m.SetNotReady(1000.0, "1001", "meeting")),
        AgentRequest(m.LoggedOut(1000.0, "1002")),
    ]


async def test_a_valid_token_is_renewed_and_health_needs_none() -> None:
    async with Desk() as desk:
        token = await desk.token("1001")
        desk.clock[0] += 600
        renewed = await desk.http.post(
            "/auth/refresh", headers={"Authorization": f"Bearer {token}"}
        )
        body = await renewed.json()
        health = await desk.http.get("/health")
    assert renewed.status == 200 and body["expires_at"] == 2500.0
    assert desk.tokens.verify(body["token"]) == Principal("1001", "agent", ("Billing",))
    assert health.status == 200


async def test_bad_requests_get_problem_details_and_change_nothing() -> None:
    async with Desk() as desk:
        auth = {"Authorization": f"Bearer {await desk.token('1999')}"}
        replies = [
            await desk.http.post("/agents/1001/dance", headers=auth),
            await desk.http.post("/agents/4242/ready", headers=auth),
            await desk.http.post("/agents/1001/ready", data=b"[1]", headers=auth),
            await desk.http.post("/auth/login", data=b"not json"),
        ]
        kinds = [r.content_type for r in replies]
        statuses = [r.status for r in replies]
    assert statuses == [404, 404, 400, 400]
    assert set(kinds) == {"application/problem+json"}
    assert desk.submitted == []


async def test_an_agent_extends_their_wrap_up_by_a_sane_number_of_seconds() -> None:
    async with Desk() as desk:
        token = await desk.token("1001")
        done = await desk.act_json("1001", "wrap-up-extend", token, {"seconds": 45})
        bad = [await desk.act_json("1001", "wrap-up-extend", token, {"seconds": s})
               for s in (0, 601, "30", True, None)]  # fmt: skip
    assert done == 202 and bad == [400] * 5
    assert desk.submitted == [AgentRequest(m.WrapUpExtended(1000.0, "1001", 45))]
