"""``GET /reports`` and ``/reports/chart`` over a real Redis event log: the child process runs
``acd report`` with the server's settings; supervisors see their teams' agents only; a bad
question is a 400 saying why."""

from __future__ import annotations

import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from rig.redis import RedisServer

from acd.auth import Logins, Tokens, User
from acd.directory import hash_pin
from acd.http_api import Api
from acd.http_auth import auth_routes, token_required
from acd.http_reports import reports_api, run_report
from tests.integration.test_report_cli import write_day

TEAMS = {"1001": "Support", "1002": "Billing"}
PIN = "4321"


@pytest_asyncio.fixture
async def client(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
                 ) -> AsyncIterator[TestClient[web.Request, web.Application]]:  # fmt: skip
    site = f"reports-{uuid.uuid4().hex[:8]}"
    await write_day(redis_server.url, site)
    for name, value in (("ACD_REDIS_URL", redis_server.url), ("ACD_SITE", site),
                        ("ACD_TIMEZONE", "Asia/Shanghai")):  # fmt: skip
        monkeypatch.setenv(name, value)  # the child process's settings, as acd run's
    tokens = Tokens("r" * 32, ttl=3600, clock=time.time)
    users = {"lead": User("lead", hash_pin(PIN), "supervisor", ("Billing",)),
             "boss": User("boss", hash_pin(PIN), "admin", ())}  # fmt: skip
    app = web.Application(middlewares=[token_required(tokens)])
    app.router.add_routes(auth_routes(Logins(users, tokens, time.time), tokens))
    api = Api("acd", "test")
    reports_api(api, TEAMS, run_report)
    api.add_to(app)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def get(client: TestClient[web.Request, web.Application], path: str, user: str
              ) -> tuple[int, object]:  # fmt: skip
    login = await client.post("/auth/login", json={"user": user, "pin": PIN})
    token = (await login.json())["token"]
    reply = await client.get(path, headers={"Authorization": f"Bearer {token}"})
    if reply.content_type == "application/json" or reply.content_type.endswith("problem+json"):
        return reply.status, await reply.json()
    return reply.status, await reply.text()


async def test_the_days_figures_and_the_agents_of_ones_teams(
    client: TestClient[web.Request, web.Application],
) -> None:
    status, lines = await get(client, "/reports?from=2026-11-24&interval=30m", "lead")
    assert status == 200 and isinstance(lines, list)
    assert [(x["interval"], x["offered"], x["answered"]) for x in lines] == [
        ("2026-11-24T09:00+08:00", 2, 1), ("2026-11-24T09:30+08:00", 1, 1), ("total", 3, 2)]
    status, agents = await get(client, "/reports?from=2026-11-24&by=agent", "boss")
    assert status == 200 and isinstance(agents, list) and [x["agent"] for x in agents] == ["1001"]
    status, agents = await get(client, "/reports?from=2026-11-24&by=agent", "lead")
    assert status == 200 and agents == []  # 1001 is Support's, the lead leads Billing


async def test_the_chart_and_a_bad_question(
    client: TestClient[web.Request, web.Application],
) -> None:
    status, svg = await get(client, "/reports/chart?from=2026-11-24T09:00&to=2026-11-24T10:00",
                            "lead")  # fmt: skip
    assert status == 200 and isinstance(svg, str)
    bars = [e for e in ET.fromstring(svg).iter() if e.get("class") == "offered"]
    assert [bar.get("data-value") for bar in bars] == ["2", "1"]
    status, problem = await get(client, "/reports?from=2026-11-24&to=2026-11-23", "lead")
    assert status == 400 and "--to must come after --from" in problem["detail"]  # type: ignore[index]
    status, _ = await get(client, "/reports?from=yesterday", "lead")
    assert status == 400
