"""Recordings on the rig: the conversation is recorded from the agent's answer, listed in the
call record, and downloadable by supervisors and admins only."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from pathlib import Path

from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller, wav_rms

from tests.ami_helpers import running_client
from tests.system.phones import add_agent_phone
from tests.system.server import acd_running
from tests.system.test_ivr_live import OPEN, sample_flows
from tests.system.test_routing_live import call_support, desk, get, login, wait_incoming
from tests.system.test_routing_restart import uniqueid


def download(http: int, path: str, user: str, into: Path) -> int:
    """``GET path`` as ``user`` into the file ``into``; the status."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{http}{path}", headers={"Authorization": f"Bearer {login(http, user)}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            assert reply.headers["Content-Type"] == "audio/wav"
            into.write_bytes(reply.read())
            return int(reply.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


async def test_a_conversation_is_recorded_and_only_supervisors_may_download_it(
    rig: Rig, tmp_path: Path
) -> None:
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as phones,
    ):
        assert add_agent_phone(phones, rig, "2002") == ("REGISTERED", 200)
        assert desk(http, "2002", "login") == 202
        assert desk(http, "2002", "ready") == 202
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log):
            call, channel = await call_support(phones, rig, log)
            leg = await wait_incoming(phones, "2002")
            phones.wait_state(leg, "CONFIRMED")
            await asyncio.sleep(3)  # both phones play a tone: there is something to record
            phones.hangup(call)
            caller = uniqueid(log, channel)
        for _ in range(50):  # MixMonitor closes the file as the channels go
            record = get(http, f"/calls/{caller}", "2999")
            if record["ended"] is not None:
                break
            await asyncio.sleep(0.1)
        [name] = record["recordings"]
        where = f"/calls/{caller}/recordings/{name}"
        statuses = {user: download(http, where, user, tmp_path / f"{user}.wav")
                    for user in ("2002", "2001", "2900", "2999")}  # fmt: skip
        missing = download(http, f"/calls/{caller}/recordings/../../etc.wav", "2999",
                           tmp_path / "x.wav")  # fmt: skip
    assert name.startswith("acd-2002-") and name.endswith(".wav")
    assert statuses == {"2002": 403, "2001": 403, "2900": 200, "2999": 200}
    assert missing == 404
    assert wav_rms(tmp_path / "2900.wav") > 100  # the conversation, not silence
    assert (tmp_path / "2900.wav").read_bytes() == (tmp_path / "2999.wav").read_bytes()
