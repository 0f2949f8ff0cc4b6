"""The screen-pop on the real rig: the agent whose phone rings, and their supervisor, get the
caller's IVR choices over the WebSocket before anyone answers; another agent gets nothing."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp
from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller

from tests.ami_helpers import running_client
from tests.system.phones import add_agent_phone
from tests.system.server import acd_running
from tests.system.test_ivr_live import OPEN, sample_flows
from tests.system.test_routing_live import call_support, desk, get, login, wait_incoming
from tests.system.test_routing_restart import uniqueid


async def connected(
    session: aiohttp.ClientSession, http: int, user: str
) -> aiohttp.ClientWebSocketResponse:
    ws = await session.ws_connect(f"http://127.0.0.1:{http}/ws")
    await ws.send_json({"v": 1, "type": "hello", "token": login(http, user)})
    welcome = json.loads((await ws.receive(timeout=5)).data)
    assert welcome["type"] == "welcome" and welcome["user"] == user
    return ws


async def next_event(ws: aiohttp.ClientWebSocketResponse, name: str) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads((await ws.receive(timeout=15)).data)
        if message.get("event") == name:
            return message


async def command(ws: aiohttp.ClientWebSocketResponse, name: str, **args: str) -> dict[str, Any]:
    """Send a push command; its result."""
    await ws.send_json({"v": 1, "type": "command", "id": name, "command": name, "args": args})
    while True:
        message: dict[str, Any] = json.loads((await ws.receive(timeout=5)).data)
        if message.get("type") == "result" and message.get("id") == name:
            return message


async def talk_then_file(
    phones: SipCaller, agent: aiohttp.ClientWebSocketResponse, leg: int, call: int
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The agent answers, talks a second; the caller hangs up; the agent files "password
    reset" in wrap-up. The command's result, and the call's answer and end events."""
    phones.answer(leg)
    phones.wait_state(leg, "CONFIRMED")
    answered = await next_event(agent, "call_answered")
    await asyncio.sleep(1)
    phones.hangup(call)
    ended = await next_event(agent, "call_ended")
    while (await next_event(agent, "agent_state"))["data"]["state"] != "wrap_up":
        pass
    filed = await command(agent, "finish_wrap_up", disposition="password reset",
                          note="sent a reset link")  # fmt: skip
    return filed, answered["data"], ended["data"]


async def test_the_ringing_agent_and_their_supervisor_get_the_pop_before_answer(
    rig: Rig, tmp_path: Path
) -> None:
    """Two calls from a customer: the second's pop carries the first, with its disposition."""
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as phones,
    ):
        assert add_agent_phone(phones, rig, "2002", answer=False) == ("REGISTERED", 200)
        async with aiohttp.ClientSession() as session:
            agent = await connected(session, http, "2002")
            lead = await connected(session, http, "2900")
            other = await connected(session, http, "2001")
            assert desk(http, "2002", "login") == 202
            assert desk(http, "2002", "ready") == 202
            async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (
                _,
                log,
            ):
                first, channel = await call_support(phones, rig, log)
                leg = await wait_incoming(phones, "2002")
                first_pop = await next_event(agent, "call_offered")
                first_id = uniqueid(log, channel)
                filed, answered, ended = await talk_then_file(phones, agent, leg, first)

                second, channel = await call_support(phones, rig, log)
                leg = await wait_incoming(phones, "2002", after=leg)
                pop = await next_event(agent, "call_offered")
                ringing = phones.state(leg)[0]
                await next_event(lead, "call_offered")  # the first call's
                seen_by_lead = await next_event(lead, "call_offered")
                await other.send_json({"v": 1, "type": "ping", "id": "sync"})
                after = json.loads((await other.receive(timeout=5)).data)
                caller = uniqueid(log, channel)
                phones.hangup(second)
                withdrawn = await next_event(agent, "call_withdrawn")
                await wallboard_pushed(lead, http)
        calls = get(http, "/calls?number=14155550100", "2900")["calls"]
        not_theirs = get(http, "/calls?number=14155550100", "2001")["calls"]
    assert first_pop["data"]["history"] == []  # the customer's first call
    assert filed["ok"] is True, filed
    assert (answered["call"], answered["agent"]) == (first_id, "2002")
    assert (ended["call"], ended["agent"]) == (first_id, "2002")
    assert ended["at"] - answered["at"] >= 1
    assert ringing != "CONFIRMED"  # the pop came before any answer
    assert_second_pop(pop["data"], caller, first_id)
    assert seen_by_lead["data"] == pop["data"]  # the support team's supervisor
    assert after == {"v": 1, "type": "pong", "id": "sync"}  # the billing agent: nothing
    assert withdrawn["data"] == {"call": caller, "agent": "2002", "why": "caller hung up"}
    assert [(c["id"], c["outcome"], c["agent"]) for c in calls] == [
        (caller, "abandoned", ""), (first_id, "answered", "2002")]  # fmt: skip
    assert calls[1]["answered"] is not None and calls[1]["talked"] > 0
    assert not_theirs == []  # 2001 answered neither
    assert_no_caller_data((tmp_path / "acd.log").read_text(encoding="utf-8"))


def assert_second_pop(pop: dict[str, Any], caller: str, first_id: str) -> None:
    """The second call's pop: the record, the IVR's data, and the first call in history."""
    assert pop["call"] == caller and pop["agent"] == "2002"
    assert pop["call_type"] == "tech"
    customer = pop["caller"]["customer"]  # samples/customers.json has this number
    assert pop["caller"]["number"] == "14155550100"
    assert (customer["name"], customer["account"]) == ("Alice Smith", "100201")
    assert pop["ivr_vars"]["menu_path"] == "language:2>main_menu:2"
    assert pop["ivr_path"][-1] == "hotline.tech_queue"
    [ticket] = pop["tickets"]  # samples/customers.json: her escalated porting complaint
    assert (ticket["number"], ticket["status"]) == ("C-20261118-0003", "escalated")
    [last] = pop["history"]
    assert (last["id"], last["agent"], last["outcome"], last["call_type"]) == (
        first_id, "2002", "answered", "tech")  # fmt: skip
    assert (last["disposition"], last["note"]) == ("password reset", "sent a reset link")


async def wallboard_pushed(lead: aiohttp.ClientWebSocketResponse, http: int) -> None:
    """The support lead's wallboard, pushed and asked for: the first call answered, only
    their team's agents."""
    while (pushed := (await next_event(lead, "floor"))["data"])["call_types"]["tech"][
        "answered"
    ] < 1:
        pass
    asked = get(http, "/floor", "2900")
    for board in (pushed, asked):
        assert list(board["agents"]) == ["2002"]  # not 2001, of the billing team
        assert board["call_types"]["tech"]["answered"] == 1
        assert board["call_types"]["tech"]["offered"] >= 1


def assert_no_caller_data(logged: str) -> None:
    """acd's log holds no caller number, name, account, disposition or note."""
    for secret in ("14155550100", "Alice", "100201", "password reset", "reset link"):
        assert secret not in logged
