"""Follow-up calls: the due list, soonest first; dialing only in business hours, never while
a caller the agent could take has waited too long, from an agent's phone, to a known number;
the agent goes not ready (follow-up) before their phone rings."""

from __future__ import annotations

from typing import Any

from acd.auth import Principal
from acd.business_hours import BusinessHours
from acd.core import messages as m
from acd.directory import Customer, Directory
from acd.follow_ups import REASON, FollowUps
from acd.routing_live import AgentRequest
from tests.unit.test_tickets import AGENT, LEAD, ZONE, Desk

NIGHT = 7 * 3600.0  # from Tuesday 15:00 to 22:00


class Phones:
    def __init__(self) -> None:
        self.dialed: list[tuple[str, str, str]] = []
        self.waiting = 0

    async def dial(self, agent: str, number: str, ticket: str) -> None:
        self.dialed.append((agent, number, ticket))


def follow_ups(desk: Desk, phones: Phones, sent: list[Any]) -> FollowUps:
    directory = Directory([Customer("C1", "Alice", ("13800000001",))])
    return FollowUps(desk.tickets, directory, BusinessHours.parse("mon-fri 09:00-18:00", ZONE),
                     waiting_for=lambda agent, seconds: phones.waiting, inbound_first_s=30.0,
                     takes_calls=lambda user: user.startswith("10"), submit=sent.append,
                     dial=phones.dial)  # fmt: skip


def resolved(desk: Desk) -> str:
    number: str = desk.open()
    assert desk.tickets.change(AGENT, number, "resolve", {"note": "refunded"}) is None
    return number


async def test_the_due_list_and_a_dial_in_business_hours() -> None:
    desk, phones, sent = Desk(), Phones(), list[Any]()
    later, first = resolved(desk), resolved(desk)
    desk.book.get(later).follow_up_due += 60  # type: ignore[union-attr,operator]
    work = follow_ups(desk, phones, sent)
    due = work.due(AGENT)
    assert [d.ticket.number for d in due] == [first, later]
    assert all(d.phone == "13800000001" and d.callable_now for d in due)
    assert await work.dial(AGENT, first) is None
    assert sent == [AgentRequest(m.SetNotReady(desk.now, "1001", REASON))]
    assert phones.dialed == [("1001", "13800000001", first)]


async def test_refusals_at_night_while_callers_wait_and_for_non_agents() -> None:
    desk, phones, sent = Desk(), Phones(), list[Any]()
    number = resolved(desk)
    work = follow_ups(desk, phones, sent)
    phones.waiting = 1
    busy = await work.dial(AGENT, number)
    phones.waiting = 0
    lead = await work.dial(LEAD, number)  # a team lead has no agent phone here
    unknown = await work.dial(AGENT, "C-20261124-9999")
    desk.now += NIGHT
    night = await work.dial(AGENT, number)
    other = await work.dial(Principal("1002", "agent", ("Support",)), number)
    assert [r and r[:2] for r in (busy, lead, unknown, night, other)] == [
        (409, "inbound first"), (409, "no phone here"), (404, "no such ticket"),
        (409, "outside business hours"), (403, "not yours")]  # fmt: skip
    assert not work.due(AGENT)[0].callable_now  # at night
    assert sent == [] and phones.dialed == []


async def test_a_customer_without_a_number_cannot_be_called() -> None:
    desk, phones, sent = Desk(), Phones(), list[Any]()
    number = desk.tickets.open(AGENT, {"customer": "C9", "category": "billing",
                                       "description": "no phone on file"})  # fmt: skip
    assert isinstance(number, str)
    assert desk.tickets.change(AGENT, number, "resolve", {"note": "done"}) is None
    refused = await follow_ups(desk, phones, sent).dial(AGENT, number)
    assert refused is not None and refused[:2] == (409, "no number")
