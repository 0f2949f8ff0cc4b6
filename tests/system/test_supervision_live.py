"""A supervisor listens to a live call from their own phone: a third channel joins (ChanSpy,
quiet), the supervisor hears the call, and the caller and agent talk on undisturbed."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from pathlib import Path

from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller, wav_rms

from acd.adapters.ami.events import AmiEvent
from tests.ami_helpers import running_client
from tests.system.phones import add_agent_phone
from tests.system.server import acd_running
from tests.system.test_ivr_live import OPEN, sample_flows
from tests.system.test_routing_live import call_support, desk, login, wait_incoming
from tests.system.test_routing_restart import uniqueid


def listen(http: int, call: str, user: str, mode: str = "listen") -> int:
    """``POST /calls/CALL/listen`` as ``user``; the status."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{http}/calls/{call}/listen", json.dumps({"mode": mode}).encode(),
        method="POST", headers={"Content-Type": "application/json",
                                "Authorization": f"Bearer {login(http, user)}"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


async def test_a_supervisor_listens_to_a_live_call_unheard(rig: Rig, tmp_path: Path) -> None:
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
            leg = await wait_incoming(phones, "2002")
            phones.wait_state(leg, "CONFIRMED")
            caller = uniqueid(log, channel)
            not_talking = listen(http, "no-such-call", "2900")
            other_team = listen(http, caller, "2001")
            joined = listen(http, caller, "2900")
            spying = await log.wait_for(AmiEvent, lambda e: e.name == "ChanSpyStart")
            ear = await wait_incoming(phones, "2900")
            phones.wait_state(ear, "CONFIRMED")
            await asyncio.sleep(2)  # the supervisor hears the call
            undisturbed = (phones.state(call)[0], phones.state(leg)[0])
            phones.hangup(call)
            await log.wait_for(AmiEvent, lambda e: e.name == "ChanSpyStop")
    assert (not_talking, other_team, joined) == (404, 403, 202)
    assert spying.get("SpyeeChannel").startswith("PJSIP/2002-")
    assert spying.get("SpyerChannel").startswith("PJSIP/2900-")
    assert undisturbed == ("CONFIRMED", "CONFIRMED")
    assert wav_rms(phones.recording(ear)) > 100  # the call's audio reached the supervisor
