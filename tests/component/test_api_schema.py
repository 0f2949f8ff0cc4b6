"""Schemathesis against acd's REST API, served for real: every operation ``/openapi.json``
describes, with an admin's token and with an agent's, on valid and invalid input. No answer
may be a server error, and each must be one the document gives: its status, its content type
and its body's schema. Bounded: 30 examples per operation and mode, the same ones each run."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import shutil
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import hypothesis
import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from acd.adapters.agi.ivr_calls import IvrCalls
from acd.adapters.ami.client import AmiClient
from acd.agent_desk import AgentDesk
from acd.agents_file import load_live_policy
from acd.auth import Logins, Principal, Tokens, User
from acd.business_hours import BusinessHours
from acd.call_book import CallBook
from acd.call_log import CallLog
from acd.core import messages as m
from acd.directory import Directory
from acd.event_log import MemoryEventLog
from acd.floor import Floor
from acd.follow_ups import FollowUps
from acd.http_server import Parts, Status, http_app
from acd.ivr.publisher import FlowPublisher
from acd.journal import Journal
from acd.records import IvrFinished, Rang, TicketOpened, Waiting
from acd.routing_live import LiveRouting
from acd.routing_policy import load_policy
from acd.routing_view import RoutingView
from acd.ticket_book import TicketBook
from acd.tickets import Tickets
from acd.transfers import Transfers

REPO = Path(__file__).parents[2]
T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
NOW = 1_795_500_000.0
RECORDING = "acd-1001-c1-1.wav"
NOT_DESCRIBED = {"/health", "/auth/login", "/auth/refresh", "/agents/{agent}/{action}",
                 "/openapi.json"}  # fmt: skip
WHO = {"admin": Principal("1010", "admin"), "agent": Principal("1001", "agent", ("Billing",))}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,  # invalid input is refused with a 4xx
]
EXAMPLES = 30
EMPTY_SVG = '<svg xmlns="http://www.w3.org/2000/svg"/>\n'
REJECTED = [400, 403, 404, 409, 413, 422]
"""What invalid input may get (the status must still be one the operation documents)."""
KNOWN = {"call": "c1", "customer": "C0001", "file": RECORDING, "number": "C-20261124-0001"}
"""Path parameters that name something there (half the cases), besides made-up ones; not
for ``/flows/{file}``, where a flow file that passes the linter would be published."""


def build(flows_dir: Path, customers: Path, recordings: Path, submitted: list[Any]
          ) -> tuple[web.Application, Journal]:  # fmt: skip
    """acd's HTTP side wired as ``acd run`` does, on the sample configuration, with a call
    answered and talking: the API publishes flows to ``flows_dir``, imports customers to
    ``customers/customers.json`` and serves ``recordings``."""
    policy, specs, _ = load_live_policy(REPO / "routing.yaml", REPO / "agents.yaml")
    spec, _ = load_policy(REPO / "routing.yaml")
    assert policy is not None and spec is not None
    clock = lambda: NOW  # noqa: E731
    ami = AmiClient(host="127.0.0.1", port=1, username="x", secret="x", on_event=print)
    book = CallBook()
    journal = Journal(MemoryEventLog(), on_record=book.apply)
    teams = {a.id: a.team for a in specs if a.takes_calls}
    live = LiveRouting(policy, ami, clock, submitted.append, journal)
    for record in (m.LoggedIn(NOW - 60, "1001"), m.SetReady(NOW - 60, "1001"),
                   IvrFinished(NOW - 40, "c1", "13800000001", "hotline@v1", "Queued",
                               ("hotline.start",), {"customer_id": "C0001"}, started=NOW - 50),
                   Waiting(NOW - 30, "c1", "PJSIP/t-1"), m.CallArrived(NOW - 30, "c1", "billing"),
                   Rang(NOW - 30, "c1", "1001", "acd-1001-c1-1", RECORDING),
                   m.Answered(NOW - 25, "c1", "1001")):  # fmt: skip
        book.apply(record)
        live.replay(record)
    view = RoutingView(live, clock)
    flows = FlowPublisher(flows_dir, policy=REPO / "routing.yaml", sounds=None)
    assert flows.refresh() == [] and flows.current is not None
    directory = Directory.from_json(customers / "customers.json")
    calls = IvrCalls(catalog=flows.catalog, directory=directory, on_end=print,
                     clock=lambda: dt.datetime.fromtimestamp(NOW, dt.UTC))  # fmt: skip

    def submit(event: object) -> None:  # the runtime: back to the call log's own handler
        call_log.apply(event)

    call_log = CallLog(journal, book, teams, clock, submit, codes=spec.codes)
    staff = [a.id for a in specs if a.role != "agent"]
    ticket_book = TicketBook()
    zone = ZoneInfo("Asia/Shanghai")
    tickets = Tickets(ticket_book, book, journal, teams=teams, leads=staff,
                      departments=policy.call_types, clock=clock, zone=zone,
                      hours=BusinessHours.parse("mon-fri 09:00-18:00", zone), follow_up_days=3,
                      submit=lambda event: ticket_book.apply(event.record))  # fmt: skip
    ticket_book.apply(TicketOpened(NOW - 20, "C-20261124-0001", "C0001", "1001", "billing",
                                   "charged twice", call="c1"))  # fmt: skip
    transfers = Transfers(
        view.talking, teams, policy.call_types, staff, submitted.append, consults=view
    )

    async def spy(supervisor: str, agent: str, mode: str, call: str) -> None:
        submitted.append(("spy", supervisor, agent, mode, call))

    async def dial(agent: str, number: str, ticket: str) -> None:
        submitted.append(("dial", agent, number, ticket))

    async def report(args: list[str]) -> str:
        """``acd report`` stood in for: one line; a chart file if asked (the child process
        and its records are the integration tier's, tests/integration/test_reports_api.py)."""
        if "--chart" in args:
            await asyncio.to_thread(Path(args[args.index("--chart") + 1]).write_text, EMPTY_SVG)
        by = args[args.index("--by") + 1]
        return json.dumps([{"interval": "total", "agent" if by != "call_type" else by: "2001"}])

    tokens = Tokens("o" * 32, ttl=3600, clock=clock)
    users = {a.id: User(a.id, a.pin_hash, a.role, a.teams) for a in specs}
    parts = Parts(Status(), ami, flows, calls,
                  agents=AgentDesk(teams, clock, submitted.append, call_log.dispose, transfers),
                  routing=view, journal=journal, book=book, call_log=call_log, teams=teams,
                  specs=specs, policy=spec, directory=directory,
                  directory_file=customers / "customers.json", spy=spy, transfers=transfers,
                  floor=Floor(view, book, clock, ZoneInfo("Asia/Shanghai")),
                  recordings=recordings, reports=report, tickets=tickets,
                  follow_ups=FollowUps(tickets, directory, tickets.hours,
                                       waiting_for=view.waiting_for, inbound_first_s=30.0,
                                       takes_calls=teams.__contains__, submit=submitted.append,
                                       dial=dial))  # fmt: skip
    return http_app(parts, (Logins(users, tokens, clock), tokens)), journal


class Served:
    """An app on 127.0.0.1 (a free port), run by its own event loop in a thread of its own:
    the test's requests block, the server's loop does not."""

    def __init__(self, make: Callable[[], tuple[web.Application, Journal]]) -> None:
        self._make = make
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="acd-http",
                                        daemon=True)  # fmt: skip

    def __enter__(self) -> str:
        self._thread.start()
        return self._run(self._start())

    def __exit__(self, *_: object) -> None:
        try:
            self._run(self._stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=30)

    async def _start(self) -> str:
        app, journal = self._make()  # made in the loop that serves it
        self._writer = asyncio.create_task(journal.run())
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}"

    async def _stop(self) -> None:
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer
        await self._runner.cleanup()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Tokens]]:
    """The app on a copy of the flows and the directory, with a recording."""
    where = tmp_path_factory.mktemp("acd")
    shutil.copytree(REPO / "ivr_flows", where / "ivr_flows")
    shutil.copy(REPO / "samples" / "customers.json", where / "customers.json")
    (where / "recordings").mkdir()
    (where / "recordings" / RECORDING).write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    submitted: list[Any] = []
    make = lambda: build(where / "ivr_flows", where, where / "recordings", submitted)  # noqa: E731
    with Served(make) as base:
        yield base, Tokens("o" * 32, ttl=3600, clock=lambda: NOW)


def load(base: str) -> schemathesis.BaseSchema:
    """The document as acd serves it; the token is sent with every case, so schemathesis
    neither makes one up nor leaves it out (a request without one is 401, tested elsewhere)."""
    config = schemathesis.Config.from_dict(  # not a schemathesis.toml found on the way up
        {
            "base-url": base,
            "generation": {"with-security-parameters": False},
            "checks": {"negative_data_rejection": {"expected-statuses": REJECTED}},
        }
    )
    return schemathesis.openapi.from_url(f"{base}/openapi.json", config=config, timeout=10)


def fuzz(operation: Any, mode: GenerationMode, session: requests.Session,
         headers: dict[str, str], statuses: Counter[int]) -> str | None:  # fmt: skip
    """Run the operation's cases in ``mode``; what went wrong (shrunk), or None."""
    path_names = {p.name for p in operation.path_parameters}
    strategy = operation.as_strategy(generation_mode=mode)
    known = {name: KNOWN[name] for name in path_names if name in KNOWN}
    if known and not operation.path.startswith("/flows/"):
        strategy = st.one_of(strategy, operation.as_strategy(generation_mode=mode,
                                                             path_parameters=known))  # fmt: skip

    @hypothesis.given(case=strategy)
    @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None,
                         derandomize=True, suppress_health_check=list(hypothesis.HealthCheck),
                         phases=[hypothesis.Phase.generate, hypothesis.Phase.shrink])  # fmt: skip
    def cases(case: Any) -> None:
        response = case.call_and_validate(session=session, headers=headers, checks=CHECKS)
        statuses[response.status_code] += 1

    try:
        cases()
    except hypothesis.errors.Unsatisfiable:
        if mode is GenerationMode.NEGATIVE:
            return None  # nothing in the operation can be made invalid (no parameters, or text)
        raise
    except (FailureGroup, Exception) as failed:  # or what a case could not even send
        shown = str(failed)
        if len(shown) > 3000:  # a body of megabytes, in the curl line
            shown = f"{shown[:1500]} [...] {shown[-1500:]}"
        return f"{operation.label} ({mode.value}): {shown}"
    return None


def described(app: web.Application) -> list[str]:
    """``METHOD /path`` of every route the document is to describe."""
    return sorted(
        f"{route.method} {route.resource.canonical}"
        for route in app.router.routes()
        if route.resource is not None and route.method != "HEAD"
        and route.resource.canonical not in NOT_DESCRIBED
    )  # fmt: skip


OPERATIONS = described(build(REPO / "ivr_flows", REPO / "samples", REPO, [])[0])
"""What the app serves, listed at collection (nothing is written: the app is never served)."""


@pytest.fixture(scope="module")
def schema(served: tuple[str, Tokens]) -> schemathesis.BaseSchema:
    return load(served[0])


def test_the_document_describes_every_operation_served(schema: schemathesis.BaseSchema) -> None:
    found = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    assert sorted(f"{op.method.upper()} {op.path}" for op in found) == OPERATIONS
    assert len(OPERATIONS) >= 15


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("role", list(WHO))
def test_the_operation_answers_as_the_document_says(
    served: tuple[str, Tokens], schema: schemathesis.BaseSchema, role: str, operation: str
) -> None:
    """Valid and invalid input (where there is something to make invalid), with a good token:
    never a 5xx nor a 401, each answer documented with its content type and schema; an agent
    is refused (403) whatever they send to what is not for agents."""
    method, path = operation.split(" ")
    op = schema[path][method]
    headers = {"Authorization": f"Bearer {served[1].issue(WHO[role])[0]}"}
    statuses: Counter[int] = Counter()
    with requests.Session() as session:
        failures = [
            failed
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
            if (failed := fuzz(op, mode, session, headers, statuses)) is not None
        ]
    assert not failures, "\n\n".join(failures)
    assert statuses and 401 not in statuses
    if role == "agent" and "agent" not in op.definition.raw["description"]:
        assert set(statuses) == {403}


def test_a_body_the_document_allows_is_not_refused_for_its_size(
    served: tuple[str, Tokens],
) -> None:
    """The document takes a policy or flow of up to 262,144 characters and import files of up
    to 8 MiB; acd must not refuse them for their size, nor answer what it does not document.

    PRODUCT BUG (acd/http_server.py ``http_app``): ``web.Application`` keeps aiohttp's default
    ``client_max_size`` of 1 MiB, so both bodies below get ``413`` in ``text/plain``
    ("Maximum request body size 1048576 exceeded."), a status and a content type the
    document does not list (schemathesis finds the same on the three YAML operations)."""
    base, tokens = served
    headers = {"Authorization": f"Bearer {tokens.issue(WHO['admin'])[0]}"}
    policy = "# " + "路由" * 100_000  # 200,002 characters; JSON sends each as \\uXXXX
    rows = "".join(f"C{n:06d},Customer {n},1380{n:07d}\n" for n in range(60_000))
    csv = "id,name,phones\n" + rows  # 1.8 MB, in a body of 1.8 MB
    bodies: dict[str, dict[str, Any]] = {
        "/routing/policy/check": {"yaml": policy},
        "/customers/import": {"files": [{"name": "big.csv", "content": csv}]},
    }
    answers = {}
    with requests.Session() as session:
        for path, body in bodies.items():
            reply = session.post(base + path, json=body, headers=headers, timeout=60)
            answers[path] = (reply.status_code, reply.headers["Content-Type"].split(";")[0])
    refused = {path: answer for path, answer in answers.items() if answer[0] == 413}
    assert refused == {}, f"bodies the document allows refused for their size: {refused}"
    assert answers["/routing/policy/check"] == (200, "application/json")
    assert answers["/customers/import"] in ((200, "application/json"),
                                            (422, "application/problem+json"))  # fmt: skip


def broken(make: Callable[[], tuple[web.Application, Journal]]
           ) -> Callable[[], tuple[web.Application, Journal]]:  # fmt: skip
    """The app, but ``GET /calls/c1`` answers an outcome the document does not have and
    ``GET /skills`` answers in HTML."""

    @web.middleware
    async def breaking(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if request.path == "/calls/c1" and isinstance(response, web.Response):
            assert response.text is not None
            return web.json_response({**json.loads(response.text), "outcome": "lost"})
        if request.path == "/skills":
            return web.Response(text="<p>billing</p>", content_type="text/html")
        return response

    def make_broken() -> tuple[web.Application, Journal]:
        app, journal = make()
        app.middlewares.append(breaking)
        return app, journal

    return make_broken


def test_an_answer_that_breaks_the_document_is_caught(tmp_path: Path) -> None:
    """The check itself: a body against its schema, and a content type not documented."""
    shutil.copytree(REPO / "ivr_flows", tmp_path / "ivr_flows")
    shutil.copy(REPO / "samples" / "customers.json", tmp_path / "customers.json")
    make = lambda: build(tmp_path / "ivr_flows", tmp_path, tmp_path, [])  # noqa: E731
    tokens = Tokens("o" * 32, ttl=3600, clock=lambda: NOW)
    headers = {"Authorization": f"Bearer {tokens.issue(WHO['admin'])[0]}"}
    with Served(broken(make)) as base, requests.Session() as session:
        schema = load(base)
        found = {
            path: fuzz(schema[path]["GET"], GenerationMode.POSITIVE, session, headers, Counter())
            for path in ("/calls/{call}", "/skills", "/call-types")
        }
    assert found["/call-types"] is None  # not broken
    assert "Response violates schema" in (found["/calls/{call}"] or ""), found
    assert '"lost" is not one of' in (found["/calls/{call}"] or ""), found
    assert "Undocumented Content-Type" in (found["/skills"] or ""), found
