"""kill -9 of acd while calls wait and talk: the event log and Asterisk bring it all back."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller

from acd.adapters.ami.client import AmiClient
from acd.adapters.ami.events import AmiEvent
from tests.ami_helpers import EventLog, running_client
from tests.system.phones import add_agent_phone
from tests.system.server import AcdServer
from tests.system.test_ivr_live import OPEN, on_hold, playing, sample_flows
from tests.system.test_routing_live import call_support, desk, get, routing, wait_incoming


async def routing_becomes(http: int, wanted: dict[str, Any], timeout: float = 10) -> None:
    end = time.monotonic() + timeout
    while (seen := routing(http)) != wanted:
        assert time.monotonic() < end, f"routing is {seen}, not {wanted}"
        await asyncio.sleep(0.1)


def uniqueid(log: EventLog, channel: str) -> str:
    return next(e.get("Uniqueid") for e in log.events
                if e.name == "Newchannel" and e.get("Channel") == channel)  # fmt: skip


def call_routing(http: int, call: str) -> dict[str, Any]:
    return get(http, f"/calls/{call}/routing", "2900")  # the support lead


async def bridged(log: EventLog, channel: str) -> None:
    await log.wait_for(AmiEvent, lambda e: e.name == "BridgeEnter" and e.get("Channel") == channel)


class CarrierCallers:
    """Callers from the carrier Asterisk (pjsua2 allows four calls per process), each
    choosing English, then technical support, by DTMF sent when the IVR asks."""

    def __init__(self, carrier: AmiClient, carrier_log: EventLog, log: EventLog) -> None:
        self.carrier, self.carrier_log, self.log = carrier, carrier_log, log
        self.seen: set[str] = set()  # channels that are not the next caller's
        self.ours: dict[str, str] = {}  # the target's channel -> the carrier's

    async def call_support(self) -> str:
        """A new caller, on hold waiting for support; the target's channel."""
        leg = f"carrier-{len(self.ours) + 1}"
        self.seen |= {e.get("Channel") for e in self.log.events if e.name == "Newchannel"}
        await self.carrier.send_action({
            "Action": "Originate", "Channel": "PJSIP/4008@target", "ChannelId": leg,
            "Context": "carrier", "Exten": "echo", "Priority": "1", "Async": "true",
        })  # fmt: skip
        ours = await self.carrier_log.wait_for(  # the carrier's AMI user sees only these
            AmiEvent, lambda e: e.name == "OriginateResponse" and e.get("Uniqueid") == leg
        )
        assert ours.get("Response") == "Success", ours.fields
        greeting = await self.log.wait_for(
            AmiEvent,
            lambda e: (
                e.name == "AGIExecStart"
                and e.get("Command").startswith('STREAM FILE "vm-press"')
                and e.get("Channel") not in self.seen
            ),
        )
        channel = greeting.get("Channel")
        self.seen.add(channel)
        self.ours[channel] = ours.get("Channel")
        await self._press("2")  # English
        await playing(self.log, "basic-pbx-ivr-main", channel)
        await self._press("2")  # technical support
        await on_hold(self.log, channel)
        return channel

    async def hang_up(self, channel: str) -> None:
        await self.carrier.send_action({"Action": "Hangup", "Channel": self.ours[channel]})

    async def _press(self, digit: str) -> None:
        channel = list(self.ours.values())[-1]
        await self.carrier.send_action({"Action": "PlayDTMF", "Channel": channel,
                                        "Digit": digit, "Duration": "160"})  # fmt: skip


async def test_after_kill_9_no_call_is_lost_and_waiting_callers_are_served(
    rig: Rig, tmp_path: Path
) -> None:
    acd = AcdServer(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log")
    acd.start()
    try:
        with SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as phones:
            await _calls_survive_a_restart(acd, rig, phones)
    finally:
        acd.stop()
    text = acd.log_file.read_text()
    assert "records replayed" in text
    assert "reconciled with Asterisk: CallAbandoned" in text


async def _calls_survive_a_restart(acd: AcdServer, rig: Rig, phones: SipCaller) -> None:
    http = acd.http_port
    for agent in ("2001", "2002"):
        assert add_agent_phone(phones, rig, agent) == ("REGISTERED", 200)
        assert desk(http, agent, "login") == 202
    assert desk(http, "2002", "ready") == 202
    assert desk(http, "2001", "not-ready", reason="break") == 202
    assert rig.carrier is not None
    async with (
        running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log),
        running_client(
            port=rig.carrier.ports.ami, secret=rig.carrier.values["AMI_SECRET"], user="carrier"
        ) as (carrier, carrier_log),
    ):
        callers = CarrierCallers(carrier, carrier_log, log)
        talking, talking_channel = await call_support(phones, rig, log)
        await wait_incoming(phones, "2002")
        await bridged(log, talking_channel)
        waiting_channel = await callers.call_support()
        leaving_channel = await callers.call_support()
        before = {"waiting": 2, "agents": {"2001": "not_ready break", "2002": "on_call"}}
        await routing_becomes(http, before)
        why = call_routing(http, uniqueid(log, waiting_channel))
        assert why["state"] == "waiting"
        assert [(v["agent"], v["eligible"], v["why"]) for v in why["waiting_verdicts"]] == [
            ("2001", False, "skills {'billing': 8, 'mandarin': 6} do not meet the requirement"),
            ("2002", True, "eligible but on_call"),
        ]

        acd.kill()
        await callers.hang_up(leaving_channel)  # a caller gives up while acd is down
        await log.wait_for(
            AmiEvent, lambda e: e.name == "Hangup" and e.get("Channel") == leaving_channel
        )
        acd.start()

        after = {"waiting": 1, "agents": {"2001": "not_ready break", "2002": "on_call"}}
        await routing_becomes(http, after)
        wrap_up = {"waiting": 1, "agents": {"2001": "not_ready break", "2002": "wrap_up"}}
        assert phones.state(talking)[0] == "CONFIRMED"  # the conversation went on
        phones.hangup(phones.incoming["2002"][0])  # the agent ends it: acd sees it
        await routing_becomes(http, wrap_up)
        assert desk(http, "2002", "wrap-up-done") == 202
        await bridged(log, waiting_channel)  # the waiting caller is served
        await routing_becomes(
            http, {"waiting": 0, "agents": {"2001": "not_ready break", "2002": "on_call"}}
        )
        phones.hangup(talking)
        await callers.hang_up(waiting_channel)
        told = acd.cli("calls", "explain", uniqueid(log, talking_channel))
    assert told.returncode == 0, told.stderr
    assert "arrived for tech" in told.stdout
    assert "offered to 2002 (call waiting) after 0.0 s: step 0, needs tech>=3" in told.stdout
    assert "answered by 2002" in told.stdout
    lines = told.stdout.splitlines()
    assert " IVR hotline@" in lines[1] and lines[1].endswith(" > hotline.tech_queue")
    assert lines[-2].endswith("call ended")  # then the caller's survey:
    assert " IVR hotline@" in lines[-1] and lines[-1].endswith("after hotline.survey")
