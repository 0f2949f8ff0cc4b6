"""Every queue figure, exactly, from a known script of calls through the live stack: real
callers through the IVR, a real agent phone, acd's event log in the rig's Redis.

Tech: a caller hangs up within the short-abandon limit, another after 7 s, one waits 21 s
before the agent is ready (answered late), one is answered at once, and one is answered at
once and then sent to billing (a transfer counts once, in tech, answered). Billing: a caller
waits out the call type's longest wait (here 12 s) and takes the callback offered.
The wallboard (``GET /floor``) and ``acd report`` must both say what the script says.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller

from tests.ami_helpers import EventLog, running_client
from tests.system.phones import add_agent_phone
from tests.system.server import AcdServer
from tests.system.test_ivr_live import OPEN, on_hold, playing, sample_flows
from tests.system.test_routing_live import call_billing, call_support, desk, get, wait_incoming
from tests.system.test_routing_restart import uniqueid
from tests.system.test_transfer_live import transfer

BILLING_MAX_WAIT = 12


def flows_with_a_short_billing_wait(tmp_path: Path) -> Path:
    flows = sample_flows(tmp_path)
    hotline = flows / "hotline.yaml"
    text = hotline.read_text()
    assert text.count("    max_wait: 300\n") == 1  # billing's
    hotline.write_text(text.replace("    max_wait: 300\n", f"    max_wait: {BILLING_MAX_WAIT}\n"))
    return flows


async def queued(phones: SipCaller, rig: Rig, log: EventLog, *, billing: bool = False
                 ) -> tuple[int, str]:  # fmt: skip
    """A caller through the IVR into a queue (tech, or billing verified); (call, call id)."""
    call, channel = await (call_billing if billing else call_support)(phones, rig, log)
    await on_hold(log, channel)
    return call, uniqueid(log, channel)


async def answered(phones: SipCaller, after: int) -> int:
    """2002's phone rang (after call ``after``) and answered by itself; the agent's leg."""
    leg = await wait_incoming(phones, "2002", timeout=20, after=after)
    phones.wait_state(leg, "CONFIRMED")
    return leg


async def script(server: AcdServer, rig: Rig, phones: SipCaller) -> dict[str, str]:
    """The six calls; their call ids by name."""
    http, ids = server.http_port, {}
    async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log):
        call, ids["short"] = await queued(phones, rig, log)
        await asyncio.sleep(1)
        phones.hangup(call)
        call, ids["long"] = await queued(phones, rig, log)
        await asyncio.sleep(7)
        phones.hangup(call)
        call, ids["late"] = await queued(phones, rig, log)
        await asyncio.sleep(21)
        assert desk(http, "2002", "ready") == 202
        leg = await answered(phones, 0)
        phones.hangup(call)
        await asyncio.sleep(0.5)
        assert desk(http, "2002", "wrap-up-done") == 202
        call, ids["fast"] = await queued(phones, rig, log)
        leg = await answered(phones, leg)
        phones.hangup(call)
        await asyncio.sleep(0.5)
        assert desk(http, "2002", "wrap-up-done") == 202
        call, ids["transferred"] = await queued(phones, rig, log)
        leg = await answered(phones, leg)
        assert transfer(http, ids["transferred"], "2002", call_type="billing") == 202
        await asyncio.sleep(1)  # on hold for billing, where nobody is ready
        phones.hangup(call)
        call, ids["callback"] = await queued(phones, rig, log, billing=True)
        await playing(log, "vm-tocallback", None, timeout=BILLING_MAX_WAIT + 10)
        phones.dtmf(call, "1")  # yes, call me back
        phones.wait_state(call, "DISCONNECTED", 20)  # thanked, and hung up by the IVR
        await asyncio.sleep(1)
    return ids


async def test_every_queue_figure_is_exactly_what_the_calls_make(rig: Rig, tmp_path: Path) -> None:
    server = AcdServer(rig, flows_with_a_short_billing_wait(tmp_path), OPEN,
                       tmp_path / "acd.log")  # fmt: skip
    (tmp_path / "acd.log").write_text("")
    server.start()
    try:
        with SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as phones:
            assert add_agent_phone(phones, rig, "2002") == ("REGISTERED", 200)
            assert desk(server.http_port, "2002", "login") == 202
            ids = await script(server, rig, phones)
        calls = {
            name: get(server.http_port, f"/calls/{call}", "2999") for name, call in ids.items()
        }
        floor = get(server.http_port, "/floor", "2999")["call_types"]
        day = dt.date.fromisoformat(OPEN[:10]).isoformat()
        done = server.cli("report", "--from", day, "--format", "json", "--quiet")
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr
    report = {line["call_type"]: line for line in json.loads(done.stdout)}
    waits = {name: wait(call) for name, call in calls.items()}
    assert waits["short"] < 5 and 5 <= waits["long"] < 10  # the script ran as written
    assert waits["late"] > 20 and waits["fast"] < 10 and waits["transferred"] < 10
    assert waits["callback"] >= BILLING_MAX_WAIT
    assert [calls[n]["outcome"] for n in ("long", "late", "fast", "callback")] == [
        "abandoned", "answered", "answered", "callback"]  # fmt: skip
    answered = [waits["late"], waits["fast"], waits["transferred"]]
    tech = {  # worked out by hand from the script
        "offered": 4, "answered": 3, "abandoned": 1, "short_abandoned": 1,
        "answer_rate": 0.75, "service_level_10s": 0.5, "service_level_20s": 0.5,
        "asa_s": round(sum(answered) / 3, 4), "avg_abandon_wait_s": round(waits["long"], 4),
    }  # fmt: skip
    billing = {
        "offered": 1, "answered": 0, "abandoned": 0, "short_abandoned": 0, "answer_rate": 0.0,
        "service_level_10s": 0.0, "service_level_20s": 0.0, "asa_s": None,
        "avg_abandon_wait_s": None,
    }  # fmt: skip
    for name, expected in (("tech", tech), ("billing", billing)):
        assert figures(report[name]) == approx(expected), name
        board = {**floor[name], **{f"service_level_{k}": v
                                   for k, v in floor[name]["service_level"].items()}}  # fmt: skip
        assert figures(board) == approx(expected), name
        assert floor[name]["waiting"] == 0


def wait(call: dict[str, Any]) -> float:
    """Queued to answered (or to the end), from the call's record."""
    end = call["answered"] or call["ended"]
    span = dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(call["queued"])
    return span.total_seconds()


def figures(line: dict[str, Any]) -> dict[str, Any]:
    keys = ("offered", "answered", "abandoned", "short_abandoned", "answer_rate",
            "service_level_10s", "service_level_20s", "asa_s", "avg_abandon_wait_s")  # fmt: skip
    return {key: line[key] for key in keys}


def approx(expected: dict[str, Any]) -> Any:
    """Counts and ratios exact; waits to the report's rounding (1e-4 s)."""
    return pytest.approx(expected, abs=1.5e-4)
