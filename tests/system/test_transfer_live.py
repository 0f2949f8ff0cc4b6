"""Blind transfers on the rig: an agent sends their caller to another agent (who gets the
call first, whatever their skills), or to a supervisor's phone; the caller is never dropped
and the call record tells the story."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller

from acd.adapters.ami.events import AmiEvent
from tests.ami_helpers import running_client
from tests.system.phones import add_agent_phone
from tests.system.server import acd_running
from tests.system.test_ivr_live import OPEN, sample_flows
from tests.system.test_routing_live import call_support, desk, get, wait_incoming
from tests.system.test_routing_live import post as post_json
from tests.system.test_routing_restart import uniqueid


def post(http: int, path: str, user: str, **body: str) -> int:
    """``POST path`` with ``user``'s token and a JSON body; the status."""
    return post_json(http, path, user, body)[0]


def transfer(http: int, call: str, user: str, **target: str) -> int:
    """``POST /calls/CALL/transfer`` as ``user``; the status."""
    return post(http, f"/calls/{call}/transfer", user, **target)


async def test_an_agent_transfers_their_caller_to_another_agent(rig: Rig, tmp_path: Path) -> None:
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as phones,
    ):
        for agent in ("2002", "2001"):
            assert add_agent_phone(phones, rig, agent) == ("REGISTERED", 200)
            assert desk(http, agent, "login") == 202
            assert desk(http, agent, "ready") == 202
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log):
            call, channel = await call_support(phones, rig, log)
            first = await wait_incoming(phones, "2002")
            phones.wait_state(first, "CONFIRMED")
            caller = uniqueid(log, channel)
            refused = (transfer(http, caller, "2001", agent="2002"),  # not 2001's call
                       transfer(http, caller, "2002", agent="nobody"),
                       transfer(http, caller, "2002", agent="2001", call_type="tech"))  # fmt: skip
            sent = transfer(http, caller, "2002", agent="2001")
            second = await wait_incoming(phones, "2001")  # billing agent, no tech skill
            phones.wait_state(second, "CONFIRMED")
            on_hold_between = phones.state(call)[0]
            first_leg = phones.state(first)[0]
            record: dict[str, Any] = get(http, f"/calls/{caller}", "2999")
            floor = get(http, "/routing", "2999")["agents"]
            phones.hangup(call)
    assert refused == (403, 404, 400)
    assert sent == 202
    assert on_hold_between == "CONFIRMED"  # the caller was never dropped
    assert first_leg == "DISCONNECTED"  # 2002's part is over
    assert floor["2002"].startswith("wrap_up") and floor["2001"] == "on_call"
    assert record["transfers"] == ["agent:2001"]
    assert record["answered_by"] == ["2002", "2001"] and record["agent"] == "2001"
    assert record["outcome"] == "answered"


async def test_an_agent_transfers_their_caller_to_a_supervisors_phone(
    rig: Rig, tmp_path: Path
) -> None:
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as phones,
    ):
        assert add_agent_phone(phones, rig, "2002") == ("REGISTERED", 200)
        assert add_agent_phone(phones, rig, "2900") == ("REGISTERED", 200)
        assert desk(http, "2002", "login") == 202
        assert desk(http, "2002", "ready") == 202
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log):
            call, channel = await call_support(phones, rig, log)
            first = await wait_incoming(phones, "2002")
            phones.wait_state(first, "CONFIRMED")
            caller = uniqueid(log, channel)
            sent = transfer(http, caller, "2002", supervisor="2900")
            lead = await wait_incoming(phones, "2900")
            phones.wait_state(lead, "CONFIRMED")
            talking = phones.state(call)[0]
            record: dict[str, Any] = get(http, f"/calls/{caller}", "2999")
            phones.hangup(call)
    assert sent == 202 and talking == "CONFIRMED"
    assert record["transfers"] == ["phone:2900"] and record["outcome"] == "transferred"


async def answered_consult(http: int, call: str, step: str) -> list[int]:
    """``POST .../consult/STEP`` until the consulted phone's answer is known (409 before)."""
    statuses = [post(http, f"/calls/{call}/consult/{step}", "2002")]
    end = time.monotonic() + 5
    while statuses[-1] == 409 and time.monotonic() < end:
        await asyncio.sleep(0.1)
        statuses.append(post(http, f"/calls/{call}/consult/{step}", "2002"))
    return statuses


async def consulting(phones: SipCaller, rig: Rig, http: int) -> AsyncIterator[dict[str, Any]]:
    """2002 answers a support call and consults 2001 (who answers); what each saw."""
    for agent in ("2002", "2001"):
        assert add_agent_phone(phones, rig, agent) == ("REGISTERED", 200)
        assert desk(http, agent, "login") == 202
    assert desk(http, "2002", "ready") == 202
    async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log):
        call, channel = await call_support(phones, rig, log)
        first = await wait_incoming(phones, "2002")
        phones.wait_state(first, "CONFIRMED")
        caller = uniqueid(log, channel)
        seen: dict[str, Any] = {"call": call, "caller": caller, "first": first}
        path = f"/calls/{caller}/consult"
        seen["refused"] = (post(http, path, "2002", agent="2002"),
                           post(http, f"{path}/complete", "2002"),
                           post(http, path, "2001", agent="2001"))  # fmt: skip
        seen["asked"] = post(http, path, "2002", agent="2001")
        seen["again"] = post(http, path, "2002", supervisor="2900")
        second = await wait_incoming(phones, "2001")
        phones.wait_state(second, "CONFIRMED")
        seen["second"] = second
        seen["during"] = get(http, "/routing", "2999")["agents"]
        seen["log"] = log
        yield seen


async def test_an_agent_consults_another_then_hands_the_caller_over(
    rig: Rig, tmp_path: Path
) -> None:
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as phones,
    ):
        async for seen in consulting(phones, rig, http):
            caller, call = seen["caller"], seen["call"]
            held = phones.state(call)[0]  # the caller waits on music meanwhile
            completed = await answered_consult(http, caller, "complete")
            await seen["log"].wait_for(AmiEvent, lambda e: e.name == "AttendedTransfer")
            phones.wait_state(seen["first"], "DISCONNECTED")
            await asyncio.sleep(0.3)  # acd has the event too
            after = get(http, "/routing", "2999")["agents"]
            talking = (phones.state(call)[0], phones.state(seen["second"])[0])
            phones.hangup(seen["second"])  # the agent who took it hangs up: the survey
            phones.wait_state(seen["second"], "DISCONNECTED")
            await asyncio.sleep(0.5)
            record: dict[str, Any] = get(http, f"/calls/{caller}", "2999")
            end = get(http, "/routing", "2999")["agents"]
            phones.hangup(call)
    assert seen["refused"] == (409, 409, 403)  # consult oneself; nothing to complete; not 2001's
    assert seen["asked"] == 202 and seen["again"] == 409  # one consult at a time
    assert seen["during"]["2001"] == "on_call consult" and seen["during"]["2002"] == "on_call"
    assert held == "CONFIRMED" and completed[-1] == 202
    assert after["2002"].startswith("wrap_up") and after["2001"] == "on_call"
    assert talking == ("CONFIRMED", "CONFIRMED")  # the caller is with 2001 now
    assert end["2001"].startswith("wrap_up")
    assert record["transfers"] == ["agent:2001"] and record["agent"] == "2001"
    assert record["answered_by"] == ["2002", "2001"] and record["outcome"] == "answered"


async def test_a_cancelled_consult_leaves_the_agent_with_their_caller(
    rig: Rig, tmp_path: Path
) -> None:
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as phones,
    ):
        async for seen in consulting(phones, rig, http):
            cancelled = await answered_consult(http, seen["caller"], "cancel")
            phones.wait_state(seen["second"], "DISCONNECTED")
            await asyncio.sleep(0.3)
            after = get(http, "/routing", "2999")["agents"]
            still = (phones.state(seen["call"])[0], phones.state(seen["first"])[0])
            phones.hangup(seen["call"])
    assert cancelled == [202]  # no need to wait for an answer to cancel
    assert after["2001"] == "not_ready logged in" and after["2002"] == "on_call"
    assert still == ("CONFIRMED", "CONFIRMED")
