"""Complaint tickets: numbered per day from the call they came on, escalated to a lead or a
department, resolved with a follow-up due within three business days, followed up (an
unreachable customer is tried again), closed; every change by someone allowed, with a note,
and each refusal saying why."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from acd.auth import Principal
from acd.business_hours import BusinessHours
from acd.call_book import CallBook
from acd.callers import Callers
from acd.core import messages as m
from acd.directory import Customer, Directory
from acd.event_log import MemoryEventLog
from acd.journal import Journal
from acd.records import IvrFinished, TicketChanged
from acd.ticket_book import TicketBook
from acd.tickets import Log, Tickets

ZONE = ZoneInfo("Asia/Shanghai")
TUESDAY = dt.datetime(2026, 11, 24, 15, 0, tzinfo=ZONE).timestamp()
AGENT, OTHER = Principal("1001", "agent", ("Billing",)), Principal("1002", "agent", ("Support",))
LEAD, BOSS = Principal("1900", "supervisor", ("Billing",)), Principal("1999", "admin")


class Desk:
    """The service with its book; what it submits is folded at once (the runtime's part)."""

    def __init__(self) -> None:
        self.now = TUESDAY
        self.logged: list[Any] = []
        calls = CallBook()
        calls.apply(IvrFinished(TUESDAY - 300, "c1", "13800000001", "h@v1", "Queued",
                                vars={"customer_id": "C1"}))  # fmt: skip
        calls.apply(m.CallArrived(TUESDAY - 290, "c1", "billing"))
        calls.apply(m.Answered(TUESDAY - 280, "c1", "1001"))
        self.book = TicketBook()
        self.tickets = Tickets(
            self.book, calls, Journal(MemoryEventLog()),
            teams={"1001": "Billing", "1002": "Support"}, leads={"1900", "1999"},
            departments={"billing", "tech"}, clock=lambda: self.now, zone=ZONE,
            hours=BusinessHours.parse("mon-fri 09:00-18:00", ZONE), follow_up_days=3,
            submit=self.fold,
        )  # fmt: skip

    def fold(self, event: Any) -> None:
        assert isinstance(event, Log)
        self.logged.append(event.record)
        self.book.apply(event.record)

    def open(self, who: Principal = AGENT, **fields: Any) -> Any:
        return self.tickets.open(who, {"call": "c1", "category": "billing",
                                       "description": "charged twice", **fields})  # fmt: skip


def test_numbers_count_per_day_and_the_call_gives_the_customer() -> None:
    desk = Desk()
    first, second = desk.open(), desk.open(severity="high")
    desk.now += 86_400
    third = desk.open()
    assert (first, second, third) == ("C-20261124-0001", "C-20261124-0002", "C-20261125-0001")
    ticket = desk.book.get(first)
    assert ticket is not None
    assert (ticket.customer, ticket.owner, ticket.status, ticket.call) == ("C1", "1001", "open",
                                                                            "c1")  # fmt: skip
    fresh = TicketBook()  # the log rebuilds them, and the day's count goes on
    for record in desk.logged:
        fresh.apply(record)
    assert fresh.last_of_day("20261124") == 2 and len(fresh) == 3


def test_the_whole_life_of_a_complaint() -> None:
    desk = Desk()
    number = desk.open()
    assert desk.tickets.change(AGENT, number, "escalate",
                               {"to": "1900", "note": "needs a refund"}) is None  # fmt: skip
    assert desk.tickets.change(LEAD, number, "resolve", {"note": "refunded"}) is None
    ticket = desk.book.get(number)
    assert ticket is not None and ticket.status == "resolved" and ticket.owner == "1900"
    friday_close = dt.datetime(2026, 11, 27, 18, 0, tzinfo=ZONE).timestamp()
    assert ticket.follow_up_due == friday_close  # three business days
    assert desk.tickets.change(LEAD, number, "follow_up", {"outcome": "unreachable"}) is None
    assert ticket.status == "resolved" and ticket.follow_ups == 1  # tried: again tomorrow
    assert ticket.follow_up_due == dt.datetime(2026, 11, 25, 18, 0, tzinfo=ZONE).timestamp()
    assert desk.tickets.change(LEAD, number, "follow_up", {"outcome": "satisfied"}) is None
    assert desk.tickets.change(LEAD, number, "close", {}) is None
    assert [c.status for c in ticket.history] == [
        "open", "escalated", "resolved", "resolved", "followed_up", "closed"]
    assert [c.by for c in ticket.history] == ["1001", "1001", "1900", "1900", "1900", "1900"]
    assert isinstance(desk.logged[-1], TicketChanged)


def test_refusals_say_why_and_change_nothing() -> None:
    desk = Desk()
    number = desk.open()
    before = len(desk.logged)
    refusals = [
        desk.tickets.change(AGENT, "C-20261124-9999", "resolve", {"note": "x"}),
        desk.tickets.change(OTHER, number, "resolve", {"note": "x"}),  # another team's agent
        desk.tickets.change(AGENT, number, "resolve", {}),  # no note
        desk.tickets.change(AGENT, number, "follow_up", {"outcome": "satisfied"}),  # not resolved
        desk.tickets.change(AGENT, number, "escalate", {"to": "1002", "note": "x"}),  # an agent
        desk.open(OTHER),  # 1002 did not answer c1
        desk.open(call="nope"),
        desk.open(severity="urgent"),
        desk.open(description=" "),
    ]
    assert [r[0] if isinstance(r, tuple) else r for r in refusals] == [
        404, 403, 400, 409, 400, 403, 404, 400, 400]
    assert len(desk.logged) == before


def test_a_department_queue_is_any_lead_s_and_the_escalation_has_a_due_time() -> None:
    desk = Desk()
    number = desk.open()
    assert desk.tickets.change(AGENT, number, "escalate",
                               {"to": "queue:tech", "note": "router fault"}) is None  # fmt: skip
    ticket = desk.book.get(number)
    assert ticket is not None and ticket.due == TUESDAY + 24 * 3600
    other_lead = Principal("1901", "supervisor", ("Support",))
    assert desk.tickets.may(other_lead, ticket)
    desk.now += 25 * 3600
    assert ticket.overdue(desk.now)


def test_the_caller_s_complaints_are_in_the_pop_and_name_its_owner() -> None:
    desk = Desk()
    number = desk.open()
    desk.tickets.change(AGENT, desk.open(), "close", {})  # closed: not shown
    callers = Callers(Directory([Customer("C1", "Alice", ("13800000001",))]),
                      tickets=desk.book)  # fmt: skip
    shown = callers.tickets({"number": "13800000001", "customer": {"id": "C1"}})
    assert [t["number"] for t in shown] == [number] and shown[0]["status"] == "open"
    assert callers.complaint_owner({"caller_id": "13800000001"}) == "1001"  # by the directory
    assert callers.complaint_owner({"customer_id": "C1"}) == "1001"
    assert callers.complaint_owner({"caller_id": "13900000000"}) is None


def test_the_wallboard_counts_a_leads_complaints_and_owners_hear_of_overdue_ones_once() -> None:
    desk = Desk()
    escalated, resolved = desk.open(), desk.open()
    desk.open()
    desk.tickets.change(AGENT, escalated, "escalate", {"to": "1900", "note": "refund"})
    desk.tickets.change(AGENT, resolved, "resolve", {"note": "refunded"})
    board = desk.tickets.board(("Billing",), desk.now)
    assert board == {"open": 1, "escalated": 1, "awaiting_follow_up": 1, "overdue": 0,
                     "overdue_tickets": []}  # fmt: skip
    assert desk.tickets.board(("Support",), desk.now)["open"] == 0  # another team's
    later = desk.now + 7 * 86_400
    assert desk.tickets.board(None, later)["overdue_tickets"] == [resolved, escalated]
    told = desk.tickets.newly_overdue(later)
    assert [t.number for t in told] == [resolved, escalated]
    assert desk.tickets.newly_overdue(later + 60) == []  # once
