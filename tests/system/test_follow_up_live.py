"""A resolved complaint followed up by phone on the rig: the ticket is on the agent's list,
the agent dials from their own phone, Asterisk calls the customer out through the carrier,
the customer (a pjsua2 phone registered at the carrier) answers, the outcome is recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller

from tests.system.phones import add_agent_phone
from tests.system.server import acd_running
from tests.system.test_ivr_live import OPEN, sample_flows
from tests.system.test_routing_live import desk, get, post, wait_incoming

CUSTOMER = "18005550199"  # routed by the carrier to its registered "customer" phone


async def test_an_agent_calls_the_customer_back_and_records_how_it_went(
    rig: Rig, tmp_path: Path
) -> None:
    assert rig.carrier is not None
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="2002") as phones,
    ):
        assert add_agent_phone(phones, rig, "2002") == ("REGISTERED", 200)
        phones.add_phone("customer", f"127.0.0.1:{rig.carrier.ports.sip}", "customer-secret")
        assert phones.wait_registration("customer") == ("REGISTERED", 200)
        assert desk(http, "2002", "login") == 202
        ticket = {"customer": f"tel:{CUSTOMER}", "category": "service",
                  "description": "Technician never came"}  # fmt: skip
        opened, body = post(http, "/tickets", "2002", ticket)
        number = body["number"]
        not_yet = post(http, f"/tickets/{number}/dial", "2002", {})[0]  # nothing due yet
        assert post(http, f"/tickets/{number}/resolve", "2002", {"note": "Visit booked"})[0] == 202
        due: list[dict[str, Any]] = get(http, "/follow-ups", "2002")  # type: ignore[assignment]
        dialed = post(http, f"/tickets/{number}/dial", "2002", {})[0]
        leg = await wait_incoming(phones, "2002", timeout=15)
        phones.wait_state(leg, "CONFIRMED")
        customer = await wait_incoming(phones, "customer", timeout=15)
        phones.wait_state(customer, "CONFIRMED")
        meanwhile = get(http, "/routing", "2999")["agents"]["2002"]
        outcome = post(http, f"/tickets/{number}/follow_up", "2002", {"outcome": "satisfied"})
        phones.hangup(customer)
        after: dict[str, Any] = get(http, f"/tickets/{number}", "2002")
    assert opened == 201 and number.startswith("C-20261124-")
    assert not_yet == 409
    assert [(d["ticket"]["number"], d["phone"], d["callable_now"]) for d in due] == [
        (number, CUSTOMER, True)]  # fmt: skip
    assert dialed == 202 and meanwhile == "not_ready follow-up"
    assert outcome[0] == 202 and after["status"] == "followed_up"
    assert [c["status"] for c in after["history"]] == ["open", "resolved", "followed_up"]
    assert after["history"][-1]["outcome"] == "satisfied"
