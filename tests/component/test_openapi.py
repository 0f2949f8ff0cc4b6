"""``/openapi.json`` describes the REST API acd serves: a valid OpenAPI 3.1 document, every
route in it and nothing else, and what each route answers matches it (statuses, content
types, and the JSON bodies against their schemas)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from aiohttp.test_utils import TestClient, TestServer
from openapi_spec_validator import validate

from acd.adapters.agi.ivr_calls import IvrCalls
from acd.adapters.ami.client import AmiClient
from acd.agent_desk import AgentDesk
from acd.agents_file import load_live_policy
from acd.auth import Logins, Principal, Tokens, User
from acd.call_book import CallBook
from acd.call_log import CallLog
from acd.core import messages as m
from acd.directory import Directory
from acd.event_log import MemoryEventLog
from acd.floor import Floor
from acd.http_server import Parts, Status, http_app
from acd.ivr.publisher import FlowPublisher
from acd.journal import Journal
from acd.records import IvrFinished, Rang, Waiting
from acd.routing_live import LiveRouting
from acd.routing_policy import load_policy
from acd.routing_view import RoutingView

REPO = Path(__file__).parents[2]
NOW = 1_795_500_000.0
NOT_IN_SPEC = {"/health", "/auth/login", "/auth/refresh", "/agents/{agent}/{action}",
               "/openapi.json"}  # fmt: skip


def app(tmp_path: Path) -> tuple[Any, Tokens]:
    """acd's HTTP side as ``acd run`` wires it, on the sample configuration and one call."""
    policy, specs, _ = load_live_policy(REPO / "routing.yaml", REPO / "agents.yaml")
    assert policy is not None
    spec, _ = load_policy(REPO / "routing.yaml")
    clock = lambda: NOW  # noqa: E731
    ami = AmiClient(host="127.0.0.1", port=1, username="x", secret="x", on_event=print)
    book, journal = CallBook(), Journal(MemoryEventLog())
    teams = {a.id: a.team for a in specs if a.takes_calls}
    live = LiveRouting(policy, ami, clock, print, journal)
    for record in (m.LoggedIn(NOW - 60, "1001"), m.SetReady(NOW - 60, "1001"),
                   IvrFinished(NOW - 40, "c1", "13800000001", "hotline@v1", "Queued"),
                   Waiting(NOW - 30, "c1", "PJSIP/t-1"), m.CallArrived(NOW - 30, "c1", "billing"),
                   Rang(NOW - 30, "c1", "1001", "acd-1001-c1-1", "acd-1001-c1-1.wav"),
                   m.Answered(NOW - 25, "c1", "1001")):  # fmt: skip
        book.apply(record)
        live.replay(record)
    view = RoutingView(live, clock)
    flows = FlowPublisher(REPO / "ivr_flows", policy=REPO / "routing.yaml", sounds=None)
    flows.refresh()
    shutil.copy(REPO / "samples" / "customers.json", tmp_path / "customers.json")
    directory = Directory.from_json(tmp_path / "customers.json")
    calls = IvrCalls(catalog=flows.catalog, directory=directory, on_end=print,
                     clock=lambda: dt.datetime.fromtimestamp(NOW, dt.UTC))  # fmt: skip
    call_log = CallLog(journal, book, teams, clock, print, codes=spec.codes if spec else None)
    tokens = Tokens("o" * 32, ttl=900, clock=clock)
    users = {a.id: User(a.id, a.pin_hash, a.role, a.teams) for a in specs}
    parts = Parts(Status(), ami, flows, calls, agents=AgentDesk(teams, clock, print),
                  routing=view, journal=journal, book=book, call_log=call_log, teams=teams,
                  specs=specs, policy=spec, directory=directory,
                  directory_file=tmp_path / "customers.json",
                  floor=Floor(view, book, clock, ZoneInfo("Asia/Shanghai")),
                  recordings=tmp_path)  # fmt: skip
    return http_app(parts, (Logins(users, tokens, clock), tokens)), tokens


@pytest.fixture
async def served(tmp_path: Path) -> Any:
    application, tokens = app(tmp_path)
    async with TestClient(TestServer(application)) as client:
        yield client, tokens


async def test_the_document_is_valid_openapi_and_lists_every_route_served(served: Any) -> None:
    client, _ = served
    spec = await (await client.get("/openapi.json")).json()
    validate(spec)
    routes = {r.resource.canonical for r in client.app.router.routes() if r.resource}
    assert set(spec["paths"]) == routes - NOT_IN_SPEC - {"/ws"}
    assert spec["security"] == [{"bearer": []}]


ROLES = [Principal("1010", "admin"), Principal("1001", "agent", ("Billing",)),
         Principal("1009", "supervisor", ("Billing",))]  # fmt: skip


@pytest.mark.parametrize("who", ROLES, ids=lambda who: who.role)
async def test_what_every_read_answers_matches_the_document(served: Any, who: Principal) -> None:
    """Every GET, for each role, with the path's parameters filled in: a documented status,
    and a JSON body (or problem) valid against its schema."""
    client, tokens = served
    spec = await (await client.get("/openapi.json")).json()
    headers = {"Authorization": f"Bearer {tokens.issue(who)[0]}"}
    fill = {"{call}": "c1", "{customer}": "C0001", "{file}": "acd-1001-c1-1.wav"}
    checked = 0
    for path, operations in spec["paths"].items():
        if "get" not in operations:
            continue
        url = path
        for name, value in fill.items():
            url = url.replace(name, value)
        query = "?number=13800000001" if path == "/customers" else ""
        reply = await client.get(url + query, headers=headers)
        responses = operations["get"]["responses"]
        assert str(reply.status) in responses, (path, who.role, reply.status)
        content = responses[str(reply.status)]["content"]
        media = reply.content_type
        assert media in content, (path, media)
        if media.endswith("json"):
            schema = {**content[media]["schema"], "components": spec["components"]}
            jsonschema.validate(await reply.json(), schema)
        checked += 1
    assert checked >= 10


async def test_a_bad_query_is_a_problem_naming_the_field(served: Any) -> None:
    client, tokens = served
    headers = {"Authorization": f"Bearer {tokens.issue(Principal('1010', 'admin'))[0]}"}
    reply = await client.get("/calls?limit=0&from=yesterday", headers=headers)
    problem = await reply.json()
    assert reply.status == 400 and reply.content_type == "application/problem+json"
    assert "limit" in problem["detail"] and "from" in problem["detail"]
