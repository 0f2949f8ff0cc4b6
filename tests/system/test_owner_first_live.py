"""Routing by ownership on the rig: a customer with an open complaint calls again; the call
goes to the ticket's owner first (here a billing agent, on a tech call, though a tech agent
is ready and idle longer), and the routing explanation says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller

from tests.ami_helpers import running_client
from tests.system.phones import add_agent_phone
from tests.system.server import acd_running
from tests.system.test_ivr_live import OPEN, sample_flows
from tests.system.test_routing_live import call_support, desk, get, post, wait_incoming
from tests.system.test_routing_restart import uniqueid

ALICE = "C0002"  # samples/customers.json: Alice Smith, 14155550100


def open_ticket(http: int, agent: str) -> str:
    """``POST /tickets`` as ``agent`` for Alice: the ticket's number."""
    body = {"customer": ALICE, "category": "billing", "description": "charged twice"}
    status, opened = post(http, "/tickets", agent, body)
    assert status == 201, opened
    number: str = opened["number"]
    return number


async def test_a_caller_with_an_open_complaint_reaches_its_owner_first(
    rig: Rig, tmp_path: Path
) -> None:
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as phones,
    ):
        number = open_ticket(http, "2001")  # the billing agent owns Alice's complaint
        for agent in ("2002", "2001"):  # the tech agent is ready first: idle longer
            assert add_agent_phone(phones, rig, agent) == ("REGISTERED", 200)
            assert desk(http, agent, "login") == 202
            assert desk(http, agent, "ready") == 202
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log):
            call, channel = await call_support(phones, rig, log)
            owner = await wait_incoming(phones, "2001")
            phones.wait_state(owner, "CONFIRMED")
            routing: dict[str, Any] = get(http, f"/calls/{uniqueid(log, channel)}/routing", "2999")
            mine: dict[str, Any] = get(http, f"/tickets?customer={ALICE}&active=true", "2001")
            phones.hangup(call)
    assert "2002" not in phones.incoming  # the tech agent's phone never rang
    [decision] = routing["decisions"]
    assert (decision["agent"], decision["requirement"]) == ("2001", "agent 2001")
    assert [t["number"] for t in mine] == [number]  # type: ignore[index]
