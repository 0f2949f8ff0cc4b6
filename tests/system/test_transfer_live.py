"""Blind transfers on the rig: an agent sends their caller to another agent (who gets the
call first, whatever their skills), or to a supervisor's phone; the caller is never dropped
and the call record tells the story."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller

from tests.ami_helpers import running_client
from tests.system.phones import add_agent_phone
from tests.system.server import acd_running
from tests.system.test_ivr_live import OPEN, sample_flows
from tests.system.test_routing_live import call_support, desk, get, login, wait_incoming
from tests.system.test_routing_restart import uniqueid


def transfer(http: int, call: str, user: str, **target: str) -> int:
    """``POST /calls/CALL/transfer`` as ``user``; the status."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{http}/calls/{call}/transfer", json.dumps(target).encode(),
        method="POST", headers={"Content-Type": "application/json",
                                "Authorization": f"Bearer {login(http, user)}"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


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
