"""Complaint tickets over REST: open one from a call, find them (a team lead's open and
overdue ones), read one with its history, and move it on (escalate, resolve, follow up,
close, reopen). Rights and transitions are ``tickets.Tickets``'s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from acd.auth import Principal
from acd.follow_ups import DialFailed, FollowUps
from acd.http_api import Api, Ask, Problem
from acd.ticket_book import ACTIVE, Ticket
from acd.tickets import MAX_CATEGORY, MAX_TEXT, STEPS, Outcome, Severity, Tickets

Status = Literal["open", "escalated", "resolved", "followed_up", "closed"]


class TicketIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    call: str | None = Field(None, description="the call it came on (gives the customer)")
    customer: str | None = Field(None, description="else the customer's directory id")
    category: str = Field(min_length=1, max_length=MAX_CATEGORY)
    description: str = Field(min_length=1, max_length=MAX_TEXT)
    severity: Severity = "normal"


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field("", max_length=MAX_TEXT, description="needed to escalate, resolve, reopen")
    to: str | None = Field(None, description="escalate: a team lead's id, or queue:CALL_TYPE")
    due: dt.datetime | None = Field(None, description="escalate: done by (default: a day)")
    outcome: Outcome | None = Field(None, description="follow_up: how it went")


class TicketQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer: str | None = None
    status: Status | None = None
    active: bool = Field(False, description="open or escalated only")
    overdue: bool = Field(False, description="past their escalation or follow-up due time")
    limit: int = Field(100, ge=1, le=1000)


class ChangeOut(BaseModel):
    at: dt.datetime
    by: str
    status: str
    note: str
    owner: str
    outcome: str


class TicketOut(BaseModel):
    number: str
    customer: str
    status: str = Field(description="open, escalated, resolved, followed_up or closed")
    owner: str = Field(description="a user's id, or queue:CALL_TYPE")
    category: str
    description: str
    severity: str
    call: str
    opened: dt.datetime
    by: str
    due: dt.datetime | None
    follow_up_due: dt.datetime | None
    follow_ups: int
    overdue: bool
    history: list[ChangeOut]

    @classmethod
    def of(cls, ticket: Ticket, now: float) -> TicketOut:
        history = [ChangeOut(at=dt.datetime.fromtimestamp(c.at, dt.UTC), by=c.by,
                             status=c.status, note=c.note, owner=c.owner, outcome=c.outcome)
                   for c in ticket.history]  # fmt: skip
        return cls(
            number=ticket.number, customer=ticket.customer, status=ticket.status,
            owner=ticket.owner, category=ticket.category, description=ticket.description,
            severity=ticket.severity, call=ticket.call,
            opened=dt.datetime.fromtimestamp(ticket.opened, dt.UTC), by=ticket.by,
            due=_time(ticket.due), follow_up_due=_time(ticket.follow_up_due),
            follow_ups=ticket.follow_ups, overdue=ticket.overdue(now), history=history,
        )  # fmt: skip


class FollowUpOut(BaseModel):
    ticket: TicketOut
    phone: str = Field(description="the customer's number to call (empty: none on file)")
    callable_now: bool = Field(description="business hours now, and a number to call")


class Opened(BaseModel):
    number: str = Field(description="read it back to the caller")


class Accepted(BaseModel):
    accepted: str


def tickets_api(api: Api, tickets: Tickets, follow_ups: FollowUps | None = None) -> None:
    clock = tickets.clock
    if follow_ups is not None:
        _follow_up_routes(api, follow_ups, clock)

    @api.route("POST", "/tickets", "Open a complaint ticket (from a call)", answer=Opened,
               body=TicketIn, status=201, errors=(404,))  # fmt: skip
    async def open_ticket(ask: Ask) -> Opened:
        made = tickets.open(_who(ask), ask.body.model_dump())
        if isinstance(made, tuple):
            raise Problem(*made)
        return Opened(number=made)

    @api.route("GET", "/tickets", "Tickets one may work on, newest first",
               answer=list[TicketOut], query=TicketQuery)  # fmt: skip
    async def find(ask: Ask) -> list[TicketOut]:
        query: TicketQuery = ask.query
        now = clock()
        statuses = ACTIVE if query.active else None if query.status is None else {query.status}
        found = []
        wanted = frozenset(statuses) if statuses else None
        for ticket in tickets.book.search(customer=query.customer, statuses=wanted):
            if ask.who is not None and not tickets.may(ask.who, ticket):
                continue
            if query.overdue and not ticket.overdue(now):
                continue
            found.append(TicketOut.of(ticket, now))
            if len(found) >= query.limit:
                break
        return found

    @api.route("GET", "/tickets/{number}", "One ticket with its history", answer=TicketOut,
               errors=(403, 404))  # fmt: skip
    async def one(ask: Ask) -> TicketOut:
        ticket = tickets.book.get(ask.path["number"])
        if ticket is None:
            raise Problem(404, "no such ticket", f"there is no ticket {ask.path['number']}")
        if ask.who is not None and not tickets.may(ask.who, ticket):
            raise Problem(403, "not yours", "another team's ticket (the pop shows its summary)")
        return TicketOut.of(ticket, clock())

    for step in STEPS:
        _step_route(api, tickets, step)


def _step_route(api: Api, tickets: Tickets, step: str) -> None:
    @api.route("POST", f"/tickets/{{number}}/{step}", f"Ticket: {step.replace('_', ' ')}",
               answer=Accepted, body=StepIn, status=202, errors=(404, 409))  # fmt: skip
    async def move(ask: Ask) -> Accepted:
        refused = tickets.change(_who(ask), ask.path["number"], step, ask.body.model_dump())
        if refused is not None:
            raise Problem(*refused)
        return Accepted(accepted=step)


def _follow_up_routes(api: Api, follow_ups: FollowUps, clock: Callable[[], float]) -> None:
    @api.route("GET", "/follow-ups", "Follow-up calls due to customers, soonest first",
               answer=list[FollowUpOut])  # fmt: skip
    async def due(ask: Ask) -> list[FollowUpOut]:
        now = clock()
        return [FollowUpOut(ticket=TicketOut.of(d.ticket, now), phone=d.phone,
                            callable_now=d.callable_now)
                for d in follow_ups.due(_who(ask))]  # fmt: skip

    @api.route("POST", "/tickets/{number}/dial", "Call the customer back from one's phone "
               "(business hours; inbound first)", answer=Accepted, status=202,
               errors=(404, 409, 503))  # fmt: skip
    async def dial(ask: Ask) -> Accepted:
        try:
            refused = await follow_ups.dial(_who(ask), ask.path["number"])
        except DialFailed as exc:
            raise Problem(503, "could not dial", str(exc)) from None
        if refused is not None:
            raise Problem(*refused)
        return Accepted(accepted="dial")


def _who(ask: Ask) -> Principal:
    if ask.who is None:
        raise Problem(401, "sign in first", "tickets are changed by someone")
    return ask.who


def _time(seconds: float | None) -> dt.datetime | None:
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, dt.UTC)
