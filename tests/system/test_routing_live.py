"""Routing on the real rig: callers' IVR choices reach the agent with the right skills."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller

from acd.adapters.ami.events import AmiEvent
from tests.ami_helpers import EventLog, running_client
from tests.system.phones import add_agent_phone
from tests.system.server import REPO, acd_running
from tests.system.test_ivr_live import OPEN, playing, sample_flows, sip_uri

PINS = {"2001": "9001", "2002": "9002", "2900": "9998", "2999": "9999"}
"""tests/system/agents.yaml: two agents, the support team's supervisor, an admin."""
AGENTS = ("2001", "2002")


def login(http: int, user: str) -> str:
    """A token for ``user`` (``POST /auth/login`` with their PIN)."""
    body = json.dumps({"user": user, "pin": PINS[user]}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{http}/auth/login", body, method="POST",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=5) as reply:
        token: str = json.load(reply)["token"]
        return token


def get(http: int, path: str, user: str) -> dict[str, Any]:
    """``GET path`` with ``user``'s token; the JSON body (``HTTPError`` if refused)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{http}{path}", headers={"Authorization": f"Bearer {login(http, user)}"}
    )
    with urllib.request.urlopen(request, timeout=5) as reply:
        body: dict[str, Any] = json.load(reply)
        return body


def post(http: int, path: str, user: str, body: dict[str, Any]) -> tuple[int, Any]:
    """``POST path`` with ``user``'s token and a JSON body; the status and JSON answer."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{http}{path}", json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json",
                 "Authorization": f"Bearer {login(http, user)}"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return int(reply.status), json.load(reply)
    except urllib.error.HTTPError as refused:
        return int(refused.code), json.load(refused)


def routing(http: int, user: str = "2999") -> dict[str, Any]:
    """``GET /routing`` as ``user`` (the admin by default): calls waiting, agents' states."""
    return get(http, "/routing", user)


def desk(http: int, agent: str, action: str, *, by: str | None = None, **fields: str) -> int:
    """``POST /agents/AGENT/ACTION`` as the agent (or ``by`` another user); the status."""
    return post(http, f"/agents/{agent}/{action}", by or agent, fields)[0]


async def wait_incoming(
    phones: SipCaller, agent: str, timeout: float = 10, *, after: int = 0
) -> int:
    """The first call that rang ``agent``'s phone (after the call ``after``)."""
    end = time.monotonic() + timeout
    while not (calls := [c for c in phones.incoming.get(agent, []) if c > after]):
        assert time.monotonic() < end, f"agent {agent}'s phone never rang"
        await asyncio.sleep(0.05)
    return calls[0]


async def dial_hotline(caller: SipCaller, rig: Rig, log: EventLog) -> tuple[int, str]:
    """Dial the hotline and wait for its language menu; the call and its channel."""
    known = {e.get("Channel") for e in log.events if e.name == "Newchannel"}
    call = caller.call(sip_uri(rig, "4008"))
    caller.wait_state(call, "CONFIRMED", 10)  # Asterisk may play before pjsua saw the 200
    greeting = await log.wait_for(
        AmiEvent,
        lambda e: (
            e.name == "AGIExecStart"
            and e.get("Command").startswith('STREAM FILE "vm-press"')
            and e.get("Channel") not in known
        ),
    )
    return call, greeting.get("Channel")


async def call_support(caller: SipCaller, rig: Rig, log: EventLog) -> tuple[int, str]:
    """Dial the hotline and choose English, then technical support; the call and channel."""
    call, channel = await dial_hotline(caller, rig, log)
    caller.dtmf(call, "2")  # English
    await playing(log, "basic-pbx-ivr-main", channel)
    caller.dtmf(call, "2")  # technical support
    return call, channel


async def call_billing(caller: SipCaller, rig: Rig, log: EventLog) -> tuple[int, str]:
    """Dial the hotline, choose Mandarin, then billing, and verify account 100200 + PIN."""
    call, channel = await dial_hotline(caller, rig, log)
    for digits, prompt in (("1", "basic-pbx-ivr-main"), ("1", "agent-user"),
                           ("100200#", "agent-pass"), ("4321#", None)):  # fmt: skip
        caller.dtmf(call, digits)
        if prompt:
            await playing(log, prompt, channel)
    return call, channel


async def test_callers_choosing_support_and_billing_reach_the_agent_with_those_skills(
    rig: Rig, tmp_path: Path
) -> None:
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as caller,
    ):
        for agent in AGENTS:  # the agents' phones live in the caller's pjsua2 library
            assert add_agent_phone(caller, rig, agent) == ("REGISTERED", 200)
        for agent in AGENTS:
            assert desk(http, agent, "login") == 202
            assert desk(http, agent, "ready") == 202
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log):
            call, channel = await call_support(caller, rig, log)
            leg = await wait_incoming(caller, "2002")
            caller.wait_state(leg, "CONFIRMED", 10)
            await log.wait_for(
                AmiEvent, lambda e: e.name == "BridgeEnter" and e.get("Channel") == channel
            )
            assert "2001" not in caller.incoming  # billing only: not rung for support
            caller.hangup(call)
            call, channel = await call_billing(caller, rig, log)
            leg = await wait_incoming(caller, "2001")
            caller.wait_state(leg, "CONFIRMED", 10)
            await log.wait_for(
                AmiEvent, lambda e: e.name == "BridgeEnter" and e.get("Channel") == channel
            )
            caller.hangup(call)
            await asyncio.sleep(0.5)
    assert len(caller.incoming["2002"]) == 1 and len(caller.incoming["2001"]) == 1
    text = (tmp_path / "acd.log").read_text()
    assert "ringing agent 2002 (call waiting" in text
    assert "ringing agent 2001 (call waiting" in text


async def test_an_unanswered_ring_requeues_the_call_and_an_abandon_is_recorded(
    rig: Rig, tmp_path: Path
) -> None:
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as caller,
    ):
        assert add_agent_phone(caller, rig, "2002", answer=False) == ("REGISTERED", 200)
        assert desk(http, "2002", "login") == 202
        assert desk(http, "2002", "ready") == 202
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log):
            call, channel = await call_support(caller, rig, log)  # only 2002 may take it
            await wait_incoming(caller, "2002")
            ringing = routing(http)
            await asyncio.sleep(16)  # routing.yaml: ring_timeout_s 15
            missed = routing(http)
            caller.hangup(call)
            await log.wait_for(
                AmiEvent, lambda e: e.name == "Hangup" and e.get("Channel") == channel
            )
            await asyncio.sleep(0.5)
            after = routing(http)
    assert ringing == {"waiting": 0, "agents": {"2001": "logged_out", "2002": "ringing"}}
    assert missed == {"waiting": 1, "agents": {"2001": "logged_out", "2002": "not_ready missed"}}
    assert after["waiting"] == 0
    assert "abandoned after waiting" in (tmp_path / "acd.log").read_text()


async def said(log: EventLog, channel: str, command: str, times: int = 1) -> None:
    """Wait until acd has sent ``command`` to ``channel`` ``times`` times."""
    end = time.monotonic() + 20
    while sum(
        e.name == "AGIExecStart" and e.get("Channel") == channel
        and e.get("Command").startswith(command) for e in log.events
    ) < times:  # fmt: skip
        assert time.monotonic() < end, f"{channel} never got {command!r} {times} time(s)"
        await asyncio.sleep(0.1)


async def test_waiting_callers_hear_their_place_in_line_as_it_changes(
    rig: Rig, tmp_path: Path
) -> None:
    policy = tmp_path / "routing.yaml"
    text = (REPO / "routing.yaml").read_text()
    policy.write_text(text.replace("announce_every_s: 30 ", "announce_every_s: 3 "))  # tech
    assert policy.read_text() != text
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log", policy) as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as caller,
    ):
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log):
            first, first_channel = await call_support(caller, rig, log)
            await said(log, first_channel, 'STREAM FILE "queue-youarenext"')
            _, second_channel = await call_support(caller, rig, log)
            await said(log, second_channel, 'STREAM FILE "queue-thereare"')
            await said(log, second_channel, 'SAY NUMBER "2"')
            await said(log, second_channel, 'STREAM FILE "queue-thankyou"')
            await said(log, second_channel, 'SAY NUMBER "2"', times=2)  # 3 s of music later
            caller.hangup(first)
            await said(log, second_channel, 'STREAM FILE "queue-youarenext"')
            assert routing(http)["waiting"] == 1
    announced = [e.get("Command") for e in log.events if e.get("Channel") == second_channel]
    assert not any("queue-holdtime" in c for c in announced)  # nobody answered yet: no estimate


async def test_a_caller_waiting_past_the_queues_max_wait_is_offered_a_callback(
    rig: Rig, tmp_path: Path
) -> None:
    flows = sample_flows(tmp_path)
    hotline = flows / "hotline.yaml"
    text = hotline.read_text()
    hotline.write_text(text.replace("    max_wait: 600\n", "    max_wait: 4\n"))  # tech_queue
    assert hotline.read_text() != text
    with (
        acd_running(rig, flows, OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as caller,
    ):
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log):
            call, channel = await call_support(caller, rig, log)  # nobody is logged in
            await playing(log, "vm-tocallback", channel, timeout=15)  # hotline.offer_callback
            waiting = routing(http)["waiting"]
            caller.hangup(call)
    assert waiting == 0
    assert (
        "waited its longest, 4.0 s: sent to hotline.offer_callback"
        in (tmp_path / "acd.log").read_text()
    )


async def test_an_agent_whose_phone_is_offline_is_ready_once_it_registers(
    rig: Rig, tmp_path: Path
) -> None:
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as phones,
    ):
        assert desk(http, "2001", "login") == 202
        assert desk(http, "2001", "ready") == 202  # but no phone has registered as 2001
        await agent_becomes(http, "2001", "not_ready phone offline")
        assert add_agent_phone(phones, rig, "2001") == ("REGISTERED", 200)
        await agent_becomes(http, "2001", "ready")
        seen_by_lead = routing(http, "2900")
        try:  # not pytest.raises: its traceback would keep pjsua2 objects past the library
            routing(http, "2001")
            refused = 200
        except urllib.error.HTTPError as exc:
            refused = exc.code
    assert seen_by_lead == {"waiting": 0, "agents": {"2002": "logged_out"}}  # Support only
    assert refused == 403  # an agent reads only their own state, over /ws
    assert (
        "agent 2001 asked to be ready with their phone offline"
        in (tmp_path / "acd.log").read_text()
    )


async def agent_becomes(http: int, agent: str, state: str, timeout: float = 10) -> None:
    end = time.monotonic() + timeout
    while (seen := routing(http)["agents"][agent]) != state:
        assert time.monotonic() < end, f"agent {agent} is {seen!r}, not {state!r}"
        await asyncio.sleep(0.1)
