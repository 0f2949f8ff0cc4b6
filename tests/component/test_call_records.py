"""Call records over REST, on acd's real HTTP side: who sees which calls, the search's
filters, filing dispositions (by the API and at the end of a wrap-up), and the API's
description of itself."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from openapi_spec_validator import validate

from acd.adapters.agi.ivr_calls import IvrCalls
from acd.adapters.ami.client import AmiClient
from acd.agent_desk import AgentDesk
from acd.auth import Logins, Tokens, User
from acd.call_book import CallBook
from acd.call_log import CallLog
from acd.core import messages as m
from acd.directory import hash_pin
from acd.event_log import MemoryEventLog
from acd.http_server import Parts, Status, http_app
from acd.ivr.publisher import FlowPublisher
from acd.journal import Journal
from acd.records import Disposed, IvrFinished, Rang, Record, decode
from acd.routing_live import AgentRequest

REPO = Path(__file__).parents[2]
NOW = 1_795_500_000.0  # 2026-11-24T06:00:00Z
FLOW = "hotline@v1"
ALICE, BOB = "13800000001", "13900000002"  # callers' numbers
PINS = {"1001": "4321", "1002": "1111", "1900": "2222", "1999": "3333"}
USERS = {
    "1001": User("1001", hash_pin(PINS["1001"]), "agent", ("Billing",)),
    "1002": User("1002", hash_pin(PINS["1002"]), "agent", ("Support",)),
    "1900": User("1900", hash_pin(PINS["1900"]), "supervisor", ("Billing",)),
    "1999": User("1999", hash_pin(PINS["1999"]), "admin"),
}
TEAMS: dict[str, str | None] = {"1001": "Billing", "1002": "Support"}
NOT_DESCRIBED = {"/health", "/auth/login", "/auth/refresh", "/agents/{agent}/{action}",
                 "/openapi.json"}  # fmt: skip


def iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()


def answered(call: str, at: float, number: str, agent: str) -> list[Record]:
    """A call the IVR answers at ``at``, queued 20 s later, answered after 25 s, talked 60 s."""
    return [
        IvrFinished(at + 20, call, number, FLOW, "Queued", ("hotline.start", "hotline.q"),
                    {"customer_id": f"C-{number[-4:]}", "verified": "yes"},
                    {"call_type": "billing"}, started=at),
        m.CallArrived(at + 20, call, "billing"),
        Rang(at + 30, call, agent, f"acd-{agent}-{call}-1"),
        m.Answered(at + 45, call, agent),
        m.CallEnded(at + 105, call),
    ]  # fmt: skip


CALLS: list[Record] = [
    *answered("c1", NOW - 3600, ALICE, "1001"),  # 05:00
    *answered("c2", NOW - 3000, BOB, "1002"),  # 05:10
    IvrFinished(NOW - 2380, "c3", ALICE, FLOW, "Queued", ("hotline.start",), started=NOW - 2400),
    m.CallArrived(NOW - 2380, "c3", "billing"),
    m.CallAbandoned(NOW - 2300, "c3"),  # 05:20, nobody answered
    *answered("c4", NOW - 1800, BOB, "1001"),  # 05:30
    *answered("c5", NOW - 1200, ALICE, "1002"),  # 05:40
    IvrFinished(NOW - 590, "c6", BOB, FLOW, "HungUp", ("hotline.start",), started=NOW - 600),
]


class Center:
    """acd's HTTP side with the call book, the call log and the agent desk, as ``acd run``
    wires them; the journal writes to a log in memory."""

    def __init__(self) -> None:
        self.book = CallBook()
        self.log = MemoryEventLog()
        self.journal = Journal(self.log, on_record=self.book.apply)
        self.submitted: list[Any] = []
        self.call_log = CallLog(self.journal, self.book, TEAMS, self.now, self.call_log_submit)
        desk = AgentDesk(TEAMS, self.now, self.submitted.append, self.call_log.dispose)
        ami = AmiClient(host="127.0.0.1", port=1, username="x", secret="x", on_event=print)
        flows = FlowPublisher(REPO / "ivr_flows", policy=REPO / "routing.yaml", sounds=None)
        flows.refresh()
        calls = IvrCalls(catalog=flows.catalog, directory=None, on_end=print,
                         clock=lambda: dt.datetime.fromtimestamp(NOW, dt.UTC))  # fmt: skip
        self.tokens = Tokens("r" * 32, ttl=900, clock=self.now)
        parts = Parts(Status(), ami, flows, calls, agents=desk, journal=self.journal,
                      book=self.book, call_log=self.call_log, teams=dict(TEAMS))  # fmt: skip
        app = http_app(parts, (Logins(USERS, self.tokens, self.now), self.tokens))
        self.http = TestClient(TestServer(app))
        self.headers: dict[str, dict[str, str]] = {}
        for record in CALLS:  # already in the log: the book was rebuilt from it at start
            self.book.apply(record)

    @staticmethod
    def now() -> float:
        return NOW

    def call_log_submit(self, event: object) -> None:
        """The runtime: what the call log submits comes back to its own handler."""
        self.call_log.apply(event)

    async def __aenter__(self) -> Center:
        await self.http.start_server()
        self.writer = asyncio.create_task(self.journal.run())
        for user, pin in PINS.items():
            reply = await self.http.post("/auth/login", json={"user": user, "pin": pin})
            assert reply.status == 200, await reply.text()
            self.headers[user] = {"Authorization": f"Bearer {(await reply.json())['token']}"}
        return self

    async def __aexit__(self, *_: object) -> None:
        self.writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.writer
        await self.http.close()

    async def get(self, user: str | None, path: str, **query: str) -> tuple[int, Any]:
        headers = self.headers[user] if user else {}
        reply = await self.http.get(path, params=query, headers=headers)
        return reply.status, await reply.json()

    async def calls(self, user: str, **query: str) -> list[str]:
        status, body = await self.get(user, "/calls", **query)
        assert status == 200, body
        return [call["id"] for call in body["calls"]]

    async def send(self, user: str, method: str, path: str, body: object) -> tuple[int, Any]:
        reply = await self.http.request(method, path, json=body, headers=self.headers[user])
        data = await reply.json() if reply.content_type.endswith("json") else await reply.text()
        if reply.status >= 400:
            assert reply.content_type == "application/problem+json", (reply.status, data)
        return reply.status, data

    async def written(self) -> list[Record]:
        """Every record the journal wrote, once it has written all it holds."""
        for _ in range(200):
            if self.journal.backlog == 0:
                break
            await asyncio.sleep(0.005)
        assert self.journal.backlog == 0
        return [decode(entry) for entry in self.log.entries]


# who sees what ----------------------------------------------------------------------------


async def test_an_agent_sees_only_the_calls_they_answered() -> None:
    async with Center() as center:
        mine = await center.calls("1001")
        asked_for_other = await center.calls("1001", agent="1002")
        theirs = await center.calls("1002")
        one, shown = await center.get("1001", "/calls/c1")
        other, refused = await center.get("1001", "/calls/c2")
        abandoned, _ = await center.get("1001", "/calls/c3")
    assert mine == ["c4", "c1"] and asked_for_other == ["c4", "c1"] and theirs == ["c5", "c2"]
    assert one == 200 and shown["id"] == "c1" and shown["agent"] == "1001"
    assert (other, refused["status"], refused["title"]) == (404, 404, "no such call")
    assert abandoned == 404


async def test_a_supervisor_sees_their_teams_calls_and_those_nobody_answered() -> None:
    async with Center() as center:
        seen = await center.calls("1900")
        asked_for_other = await center.calls("1900", agent="1002")
        other, _ = await center.get("1900", "/calls/c5")
        abandoned, _ = await center.get("1900", "/calls/c3")
    assert seen == ["c6", "c4", "c3", "c1"]
    assert asked_for_other == [] and other == 404 and abandoned == 200


async def test_an_admin_sees_every_call_with_its_record() -> None:
    async with Center() as center:
        seen = await center.calls("1999")
        status, c1 = await center.get("1999", "/calls/c1")
    assert seen == ["c6", "c5", "c4", "c3", "c2", "c1"]
    assert status == 200 and c1 == {
        "id": "c1", "number": ALICE, "customer": "C-0001", "name": "", "call_type": "billing",
        "flow": FLOW, "ivr_path": ["hotline.start", "hotline.q"],
        "ivr_vars": {"verified": "yes"}, "arrived": "2026-11-24T05:00:00Z",
        "queued": "2026-11-24T05:00:20Z", "rang": "2026-11-24T05:00:30Z",
        "answered": "2026-11-24T05:00:45Z", "ended": "2026-11-24T05:01:45Z", "wrapped": None,
        "waited": 25.0, "talked": 60.0, "agent": "1001", "answered_by": ["1001"],
        "agents_rung": ["1001"], "transfers": [], "outcome": "answered", "disposition": "",
        "note": "", "disposed_by": "", "rating": None, "recordings": [],
    }  # fmt: skip


async def test_the_search_filters_by_number_time_outcome_and_limit() -> None:
    async with Center() as center:
        by_number = await center.calls("1999", number=ALICE)
        by_agent = await center.calls("1999", agent="1001", number=BOB)
        in_range = await center.calls("1999", **{"from": iso(NOW - 3000), "to": iso(NOW - 1200)})
        naive = await center.calls("1999", **{"from": "2026-11-24T05:35:00"})  # taken as UTC
        offset = await center.calls("1999", to="2026-11-24T13:10:00+08:00")
        outcome = await center.calls("1999", outcome="abandoned")
        in_ivr = await center.calls("1900", outcome="ended_in_ivr")
        mine_from = await center.calls("1002", **{"from": iso(NOW - 1500)})
        _, first = await center.get("1999", "/calls", limit="2")
        _, last = await center.get("1999", "/calls", limit="2", to=iso(NOW - 2400))
        _, all_of_them = await center.get("1999", "/calls", limit="6")
        nothing = await center.calls("1999", number="10086")
    assert by_number == ["c5", "c3", "c1"] and by_agent == ["c4"]
    assert in_range == ["c4", "c3", "c2"] and naive == ["c6", "c5"] and offset == ["c1"]
    assert outcome == ["c3"] and in_ivr == ["c6"] and mine_from == ["c5"]
    assert [c["id"] for c in first["calls"]] == ["c6", "c5"] and first["more"] is True
    assert [c["id"] for c in last["calls"]] == ["c2", "c1"] and last["more"] is False
    assert len(all_of_them["calls"]) == 6 and all_of_them["more"] is False
    assert nothing == []


async def test_a_bad_query_is_a_problem_naming_the_field() -> None:
    queries = [
        ("limit", {"limit": "0"}),
        ("limit", {"limit": "1001"}),
        ("limit", {"limit": "abc"}),
        ("from", {"from": "not-a-date"}),
        ("to", {"to": "yesterday"}),
        ("outcome", {"outcome": "lost"}),
        ("colour", {"colour": "red"}),  # not a parameter
    ]
    checked = []
    async with Center() as center:
        for field, query in queries:
            reply = await center.http.get("/calls", params=query, headers=center.headers["1999"])
            problem = await reply.json()
            checked.append((field, reply.status, reply.content_type, problem["status"],
                            problem["title"], field in problem["detail"]))  # fmt: skip
    assert checked == [
        (field, 400, "application/problem+json", 400, "bad request", True) for field, _ in queries
    ]


async def test_no_token_no_calls() -> None:
    async with Center() as center:
        listed, problem = await center.get(None, "/calls")
        one, _ = await center.get(None, "/calls/c1")
        reply = await center.http.put("/calls/c1/disposition", json={"disposition": "x"})
        forged = await center.http.get("/calls", headers={"Authorization": "Bearer x.y.z"})
    assert (listed, problem["status"], one) == (401, 401, 401)
    assert reply.status == forged.status == 401
    assert await center.written() == []


async def test_the_routing_explanation_is_not_for_agents() -> None:
    async with Center() as center:
        agent, problem = await center.get("1001", "/calls/c1/routing")
        lead, off = await center.get("1900", "/calls/c1/routing")
    assert (agent, problem["title"]) == (403, "not allowed")
    assert (lead, off["title"]) == (503, "routing is off")  # this app runs without routing


# dispositions ---------------------------------------------------------------------------


async def test_an_agent_files_the_disposition_of_their_call_and_it_is_logged() -> None:
    async with Center() as center:
        filed = {"disposition": "refund", "note": "promised by mail"}
        status, body = await center.send("1001", "PUT", "/calls/c1/disposition", filed)
        written = await center.written()
        _, row = await center.get("1001", "/calls/c1")
    assert (status, body) == (202, {"accepted": "disposition"})
    assert written == [Disposed(NOW, "c1", "1001", "refund", "promised by mail")]
    assert (row["disposition"], row["note"], row["disposed_by"]) == (
        "refund", "promised by mail", "1001")  # fmt: skip


async def test_who_may_file_a_disposition_on_which_call() -> None:
    async with Center() as center:

        async def put(user: str, call: str) -> tuple[int, Any]:
            return await center.send(user, "PUT", f"/calls/{call}/disposition",
                                     {"disposition": "resolved"})  # fmt: skip

        statuses = {
            "another agent's call": (await put("1001", "c2"))[0],
            "lead, other team": (await put("1900", "c5"))[0],
            "abandoned": (await put("1999", "c3"))[0],
            "abandoned, by an agent": (await put("1001", "c3"))[0],
            "ended in the IVR": (await put("1900", "c6"))[0],
            "unknown": (await put("1999", "c99"))[0],
            "lead, own team": (await put("1900", "c4"))[0],
            "admin": (await put("1999", "c5"))[0],
        }
        written = await center.written()
        _, c4 = await center.get("1001", "/calls/c4")
    assert statuses == {
        "another agent's call": 403, "lead, other team": 403, "abandoned": 409,
        "abandoned, by an agent": 409, "ended in the IVR": 409, "unknown": 404,
        "lead, own team": 202, "admin": 202,
    }  # fmt: skip
    assert written == [Disposed(NOW, "c4", "1900", "resolved", ""),
                       Disposed(NOW, "c5", "1999", "resolved", "")]  # fmt: skip
    assert (c4["disposition"], c4["disposed_by"]) == ("resolved", "1900")


async def test_a_bad_disposition_is_refused_before_anything_is_logged() -> None:
    async with Center() as center:
        replies = [
            await center.send("1001", "PUT", "/calls/c1/disposition", body)
            for body in (
                {"disposition": ""},
                {"disposition": "   "},
                {"disposition": "x" * 65},
                {"disposition": "ok", "note": "n" * 2001},
                {"disposition": "ok", "colour": "red"},
                {"note": "no disposition"},
                ["ok"],
                "ok",
            )
        ]
        not_json = await center.http.put("/calls/c1/disposition", data=b"{",
                                         headers=center.headers["1001"])  # fmt: skip
        longest = await center.send("1001", "PUT", "/calls/c1/disposition",
                                    {"disposition": "x" * 64, "note": "n" * 2000})  # fmt: skip
        written = await center.written()
    assert [status for status, _ in replies] == [400] * 8 and not_json.status == 400
    details = [problem["detail"] for _, problem in replies]
    assert "disposition" in details[0] and "64" in details[1] and "disposition" in details[2]
    assert "note" in details[3] and "colour" in details[4] and "disposition" in details[5]
    assert longest[0] == 202
    assert written == [Disposed(NOW, "c1", "1001", "x" * 64, "n" * 2000)]


async def test_finishing_a_wrap_up_files_the_disposition_on_the_last_call_answered() -> None:
    async with Center() as center:
        filed = {"disposition": "callback promised", "note": "Fri"}
        status, body = await center.send("1001", "POST", "/agents/1001/wrap-up-done", filed)
        written = await center.written()
        _, c4 = await center.get("1001", "/calls/c4")
        _, c1 = await center.get("1001", "/calls/c1")
    assert (status, body) == (202, {"accepted": "wrap-up-done"})
    assert written == [Disposed(NOW, "c4", "1001", "callback promised", "Fri")]
    assert center.submitted == [AgentRequest(m.WrapUpDone(NOW, "1001"))]
    assert (c4["disposition"], c4["note"], c1["disposition"]) == ("callback promised", "Fri", "")


async def test_a_wrap_up_whose_disposition_is_refused_is_not_finished() -> None:
    async with Center() as center:
        unknown = await center.send("1001", "POST", "/agents/1001/wrap-up-done",
                                    {"disposition": "resolved", "call": "c99"})  # fmt: skip
        others = await center.send("1001", "POST", "/agents/1001/wrap-up-done",
                                   {"disposition": "resolved", "call": "c2"})  # fmt: skip
        empty = await center.send("1001", "POST", "/agents/1001/wrap-up-done",
                                  {"disposition": " "})  # fmt: skip
        written = await center.written()
    assert (unknown[0], unknown[1]["title"]) == (404, "no such call")
    assert (others[0], empty[0]) == (403, 400)
    assert center.submitted == [] and written == []


async def test_a_wrap_up_without_a_disposition_files_nothing() -> None:
    async with Center() as center:
        status, _ = await center.send("1002", "POST", "/agents/1002/wrap-up-done", {})
        written = await center.written()
    assert status == 202 and written == []
    assert center.submitted == [AgentRequest(m.WrapUpDone(NOW, "1002"))]


async def test_a_null_disposition_or_note_is_not_filed_as_the_text_none() -> None:
    """A JSON ``null`` is no disposition or note (or refused), never the word "None" (as
    ``str(body["disposition"])`` once filed it: found here, fixed in 113a614)."""
    async with Center() as center:
        no_code = await center.send("1001", "POST", "/agents/1001/wrap-up-done",
                                    {"disposition": None})  # fmt: skip
        no_note = await center.send("1002", "POST", "/agents/1002/wrap-up-done",
                                    {"disposition": "resolved", "note": None})  # fmt: skip
        written = await center.written()
    filed = [(r.disposition, r.note) for r in written if isinstance(r, Disposed)]
    assert "None" not in {text for pair in filed for text in pair}, (
        f"JSON null filed as text: {filed} (answers {no_code[0]} and {no_note[0]})"
    )


# the API's description --------------------------------------------------------------------


def refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def resolve(document: dict[str, Any], ref: str) -> object:
    assert ref.startswith("#/"), f"{ref} points outside the document"
    node: Any = document
    for escaped in ref[2:].split("/"):
        part = escaped.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


async def test_the_openapi_document_is_valid_and_lists_every_route_served() -> None:
    async with Center() as center:
        reply = await center.http.get("/openapi.json")  # no token needed
        spec = await reply.json()
        served = {
            (route.method, route.resource.canonical)
            for route in center.http.app.router.routes()
            if route.resource is not None and route.method != "HEAD"
        }
    assert reply.status == 200 and spec["openapi"] == "3.1.0"
    validate(spec)
    found = list(refs(spec))
    assert found and all(resolve(spec, ref) is not None for ref in found)
    described = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    assert described == {(method, path) for method, path in served if path not in NOT_DESCRIBED}
    assert {"/calls", "/calls/{call}", "/calls/{call}/routing",
            "/calls/{call}/disposition"} <= set(spec["paths"])  # fmt: skip
    search = spec["paths"]["/calls"]["get"]
    assert {p["name"] for p in search["parameters"]} == {"number", "agent", "from", "to",
                                                         "outcome", "limit"}  # fmt: skip
