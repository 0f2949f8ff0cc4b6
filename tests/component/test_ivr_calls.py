"""The FastAGI IVR driver against a scripted Asterisk peer: commands, failures, hang-ups."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiohttp import web

from acd.adapters.agi.ivr_calls import IvrCalls
from acd.adapters.agi.server import AgiServer
from acd.directory import Directory
from acd.ivr import steps as s
from acd.ivr.catalog import Catalog
from acd.ivr.lint import check

NOON = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
FLOW = """
name: probe
numbers: ["4009"]
entry: find
nodes:
  find:
    type: lookup
    source: http
    url: "{url}/customers/${{key}}"
    timeout: 0.3
    found: ask
    not_found: ask
    failed: ask
  ask:
    type: menu
    prompts: [hello, {{digits: "42"}}]
    choices: {{"1": agents}}
    timeout: 2
    fallback: agents
  agents: {{type: queue, call_type: general, skills: {{billing: 3}}, priority: 2}}
"""
Peer = Callable[[str], str]


class Asterisk:
    """Connects like Asterisk's AGI() and answers each command with ``answer(command)``."""

    def __init__(self, port: int, answer: Peer, extension: str = "4009") -> None:
        self.port, self.answer, self.extension = port, answer, extension
        self.commands: list[str] = []

    async def call(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(
            f"agi_network: yes\nagi_request: agi://127.0.0.1/ivr\nagi_uniqueid: 17.1\n"
            f"agi_callerid: 13800000001\nagi_extension: {self.extension}\n\n".encode()
        )
        while line := (await reader.readline()).decode().rstrip("\n"):
            self.commands.append(line)
            writer.write(self.answer(line).encode())
        writer.close()


@pytest.fixture
async def slow_crm() -> AsyncIterator[str]:
    async def customers(_: web.Request) -> web.Response:
        await asyncio.sleep(1)  # the flow waits 0.3 s
        return web.json_response({"name": "too late"})

    app = web.Application()
    app.router.add_get("/customers/{phone}", customers)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


@pytest.fixture
def catalog(tmp_path: Path, slow_crm: str) -> Catalog:
    (tmp_path / "probe.yaml").write_text(FLOW.format(url=slow_crm))
    checked = check([tmp_path / "probe.yaml"])
    assert checked.problems == []
    return Catalog("v1-test", checked.flows)


async def run_call(
    catalog: Catalog, answer: Peer, extension: str = "4009"
) -> tuple[Asterisk, list[s.IvrEnded], IvrCalls]:
    ended: list[s.IvrEnded] = []
    calls = IvrCalls(catalog=lambda _: catalog, directory=Directory([]), clock=lambda: NOON,
                     on_end=ended.append)  # fmt: skip
    server = AgiServer(calls.handle, "127.0.0.1", 0)
    await server.start()
    try:
        peer = Asterisk(server.port, answer, extension)
        await asyncio.wait_for(peer.call(), 5)
    finally:
        await server.close()
    return peer, ended, calls


async def test_slow_crm_takes_the_failed_branch_and_keys_reach_the_queue(catalog: Catalog) -> None:
    def answer(command: str) -> str:
        if command.startswith('STREAM FILE "hello"'):
            return "200 result=49 endpos=100\n"  # the caller presses 1 during the greeting
        return "200 result=1\n"

    peer, ended, calls = await run_call(catalog, answer)
    assert peer.commands == [
        'STREAM FILE "hello" "0123456789*#"',
        'SET VARIABLE "ACD_OUTCOME" "Queued"',
        'SET VARIABLE "ACD_FLOW" "probe@v1-test"',
        'SET VARIABLE "ACD_FLOW_VERSION" "v1-test"',
        'SET VARIABLE "ACD_MENU_PATH" "ask:1"',
        'SET VARIABLE "ACD_VERIFIED" ""',
        'SET VARIABLE "ACD_LANGUAGE" ""',
        'SET VARIABLE "ACD_CALL_TYPE" "general"',
        'SET VARIABLE "ACD_PRIORITY" "2"',
        'SET VARIABLE "ACD_SKILLS" "billing=3"',
        'SET VARIABLE "ACD_SURVEY" ""',
        'SET VARIABLE "ACD_ON_MAX_WAIT" ""',
        'SET VARIABLE "ACD_NEXT" "acd-hold,s,1"',
    ]
    [event] = ended
    assert event.call_id == "17.1" and event.version == "v1-test"
    assert event.finish.outcome == s.Queued("general", {"billing": 3}, 2, "")
    assert event.finish.vars["lookup_error"] == "lookup failed: TimeoutError"
    assert calls.active == {}


async def test_a_sound_that_cannot_be_played_is_told_apart_from_a_hang_up(
    catalog: Catalog,
) -> None:
    def answer(command: str) -> str:
        if command.startswith("STREAM FILE"):
            return "200 result=-1 endpos=0\n"  # Asterisk's answer for a file it cannot open
        return "200 result=6\n"  # CHANNEL STATUS: up

    peer, ended, _ = await run_call(catalog, answer)
    assert peer.commands[:3] == [
        'STREAM FILE "hello" "0123456789*#"',
        "CHANNEL STATUS",
        'STREAM FILE "sorry-youre-having-problems" ""',  # the apology, then the error queue
    ]
    assert ended[0].finish.outcome == s.Queued("general", {}, 0, "")
    assert ended[0].finish.vars["ivr_error"] == "cannot play Sound(name='hello')"


async def test_caller_hanging_up_mid_prompt_ends_the_call_once(catalog: Catalog) -> None:
    def answer(command: str) -> str:
        if command.startswith("STREAM FILE"):
            return "HANGUP\n200 result=-1 endpos=1200\n"
        return "511 Command Not Permitted on a dead channel or intercept routine\n"

    peer, ended, calls = await run_call(catalog, answer)
    assert peer.commands == ['STREAM FILE "hello" "0123456789*#"']
    assert [e.finish.outcome for e in ended] == [s.HungUp("caller")]
    assert ended[0].finish.path == ("probe.find", "probe.ask")
    assert calls.active == {}


async def test_a_number_no_flow_serves_goes_to_the_apology(catalog: Catalog) -> None:
    peer, ended, _ = await run_call(catalog, lambda _: "200 result=1\n", extension="5555")
    assert peer.commands == ['SET VARIABLE "ACD_NEXT" "acd-unavailable,s,1"']
    assert ended == []
