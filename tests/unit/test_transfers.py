"""Transfers and consults as asked for over HTTP: who may, to whom, and a consult of a call
type going to its ready agent idle longest."""

from __future__ import annotations

from typing import Any

from acd.auth import Principal
from acd.routing_handover import ConsultEnd, ConsultRequest, TransferRequest
from acd.transfers import Transfers

TEAMS = {"1001": "Billing", "1002": "Support", "1003": "Support"}
AGENT = Principal("1002", "agent", ("Support",))


class Floor:
    """What routing would say: who talks on c1, who is busy, the consult going on."""

    def __init__(self) -> None:
        self.consulting: str | None = None
        self.free = {"billing": "1001"}

    def busy(self, agent: str) -> str | None:
        return "on_call" if agent == "1003" else None

    def consult(self, call: str) -> str | None:
        return self.consulting

    def free_agent_for(self, call_type: str, but: str = "") -> str | None:
        return self.free.get(call_type)


def desk() -> tuple[Transfers, list[Any], Floor]:
    sent: list[Any] = []
    floor = Floor()
    transfers = Transfers(lambda call: "1002" if call == "c1" else None, TEAMS,
                          ("billing", "tech"), ("1900",), sent.append, consults=floor)  # fmt: skip
    return transfers, sent, floor


def test_a_consult_of_a_call_type_rings_its_free_agent() -> None:
    transfers, sent, floor = desk()
    assert transfers.consult(AGENT, "c1", {"call_type": "billing"}) is None
    assert sent == [ConsultRequest("c1", "1002", "agent:1001")]
    floor.free = {}
    assert transfers.consult(AGENT, "c1", {"call_type": "billing"}) == (
        409,
        "nobody free",
        "no agent for billing is ready now",
    )


def test_consult_refusals_say_why() -> None:
    transfers, sent, floor = desk()
    other = Principal("1001", "agent", ("Billing",))
    assert [r and r[0] for r in (
        transfers.consult(AGENT, "c9", {"agent": "1001"}),  # no such call
        transfers.consult(other, "c1", {"agent": "1003"}),  # not theirs
        transfers.consult(AGENT, "c1", {"agent": "1003"}),  # on a call
        transfers.consult(AGENT, "c1", {"agent": "1002"}),  # themselves
        transfers.consult(AGENT, "c1", {}),
        transfers.end_consult(AGENT, "c1", complete=True),  # none going on
    )] == [404, 403, 409, 409, 400, 409]  # fmt: skip
    floor.consulting = "ringing"
    assert transfers.end_consult(AGENT, "c1", complete=True)[0] == 409  # type: ignore[index]
    assert transfers.ask(AGENT, "c1", {"agent": "1001"})[0] == 409  # type: ignore[index]
    assert transfers.end_consult(AGENT, "c1", complete=False) is None
    floor.consulting = "answered"
    assert transfers.end_consult(AGENT, "c1", complete=True) is None
    assert sent == [ConsultEnd("c1", "1002", False), ConsultEnd("c1", "1002", True)]


def test_a_blind_transfer_to_a_supervisors_phone() -> None:
    transfers, sent, _ = desk()
    assert transfers.ask(AGENT, "c1", {"supervisor": "1900"}) is None
    assert sent == [TransferRequest("c1", "1002", "phone:1900")]
