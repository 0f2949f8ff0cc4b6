"""Complaints as people handle them: opened from a call, escalated to a team lead or a
department, resolved (a follow-up call falls due), followed up, closed. Every request is
checked here (who may, from which status), numbered if new, and logged by the runtime task.

Who may act on a ticket: its owner; a supervisor of the owner's or the opener's team, or of
any team when it waits in a department queue; an admin.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from acd.auth import Principal
from acd.business_hours import BusinessHours
from acd.call_book import CallBook
from acd.journal import Journal
from acd.records import TicketChanged, TicketOpened
from acd.ticket_book import PREFIX, Ticket, TicketBook

Severity = Literal["low", "normal", "high", "critical"]
Outcome = Literal["satisfied", "not_satisfied", "unreachable"]
SEVERITIES, OUTCOMES = get_args(Severity), get_args(Outcome)
MAX_TEXT, MAX_CATEGORY = 2000, 64
MAX_FOLLOW_UPS = 3
ESCALATION_DUE = 24 * 3600.0
OVERDUE_EVERY = 60.0
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "escalate": (frozenset({"open", "escalated"}), "escalated"),
    "resolve": (frozenset({"open", "escalated"}), "resolved"),
    "follow_up": (frozenset({"resolved"}), "followed_up"),
    "close": (frozenset({"open", "escalated", "resolved", "followed_up"}), "closed"),
    "reopen": (frozenset({"resolved", "followed_up", "closed"}), "open"),
}
"""Each request: the statuses it applies to, and the status it leads to."""

Refusal = tuple[int, str, str]
NOT_CLOSED = frozenset({"open", "escalated", "resolved", "followed_up"})


@dataclass(frozen=True, slots=True)
class Step:
    """What a request makes of a ticket: its status, and its new owner, due time, outcome."""

    status: str
    owner: str = ""
    due: float | None = None
    outcome: str = ""


@dataclass(frozen=True, slots=True)
class Log:
    """A checked ticket record for the runtime task to log."""

    record: TicketOpened | TicketChanged


class Tickets:
    def __init__(self, book: TicketBook, calls: CallBook, journal: Journal, *,
                 teams: Mapping[str, str | None], leads: Collection[str],
                 departments: Collection[str], clock: Callable[[], float], zone: ZoneInfo,
                 hours: BusinessHours, follow_up_days: int,
                 submit: Callable[[Any], None]) -> None:  # fmt: skip
        """``teams``: each agent's team; ``leads``: supervisors and admins (who tickets are
        escalated to); ``departments``: call types a ticket may wait in; ``hours``,
        ``follow_up_days``: when follow-up calls fall due."""
        self.book, self._calls, self._journal = book, calls, journal
        self._teams, self._leads, self._departments = teams, leads, departments
        self.clock, self._zone, self.hours, self._days = clock, zone, hours, follow_up_days
        self._submit = submit
        self._issued: dict[str, int] = {}
        self._told: set[str] = set()  # overdue tickets their owner was told of

    def apply(self, event: object) -> None:
        """Runtime handler: log a checked record."""
        if isinstance(event, Log):
            self._journal.record(event.record)

    def open(self, who: Principal, fields: Mapping[str, Any]) -> str | Refusal:
        """A new ticket from ``fields`` (``call`` or ``customer``, ``category``,
        ``description``, ``severity``); its number, or a refusal."""
        call, customer = str(fields.get("call") or ""), str(fields.get("customer") or "")
        if call:
            row = self._calls.get(call)
            if row is None:
                return 404, "no such call", f"call {call} is not in the call records"
            if who.role == "agent" and who.user not in row.answered_by:
                return 403, "not your call", f"call {call} was not answered by {who.user}"
            customer = row.customer or (f"tel:{row.number}" if row.number else "")
        if not customer:
            return 400, "whose complaint?", "give the call it came on, or the customer"
        category, text = str(fields.get("category", "")).strip(), str(fields.get("description", ""))
        severity = str(fields.get("severity") or "normal")
        if not 0 < len(category) <= MAX_CATEGORY or not 0 < len(text.strip()) <= MAX_TEXT:
            return 400, "bad ticket", f"a category (1-{MAX_CATEGORY}) and a description " \
                                      f"(1-{MAX_TEXT} characters)"  # fmt: skip
        if severity not in SEVERITIES:
            return 400, "bad severity", f"one of {', '.join(SEVERITIES)}"
        now = self.clock()
        number = self._number(now)
        self._submit(Log(TicketOpened(now, number, customer, who.user, category, text.strip(),
                                      severity, call)))  # fmt: skip
        return number

    def change(self, who: Principal, number: str, step: str, fields: Mapping[str, Any]
               ) -> Refusal | None:  # fmt: skip
        """``step`` (escalate, resolve, follow_up, close, reopen) on ticket ``number``."""
        ticket = self.book.get(number)
        if ticket is None:
            return 404, "no such ticket", f"there is no ticket {number}"
        if not self.may(who, ticket):
            return 403, "not yours", f"ticket {number} is {ticket.owner}'s, not your team's"
        before, after = STEPS[step]
        if ticket.status not in before:
            return 409, f"cannot {step.replace('_', ' ')}", f"ticket {number} is {ticket.status}"
        note = str(fields.get("note") or "").strip()
        if len(note) > MAX_TEXT or (step in ("escalate", "resolve", "reopen") and not note):
            return 400, "a note, please", f"say what was done or why (1-{MAX_TEXT} characters)"
        now = self.clock()
        made = self._step(ticket, step, after, now, fields)
        if isinstance(made, tuple):
            return made
        self._submit(Log(TicketChanged(now, number, who.user, made.status, note, made.owner,
                                       made.due, made.outcome)))  # fmt: skip
        return None

    def may(self, who: Principal, ticket: Ticket) -> bool:
        owner = ticket.owner
        if who.role == "admin" or who.user in (owner, ticket.by):
            return True
        if who.role != "supervisor":
            return False
        teams = {self._teams.get(owner), self._teams.get(ticket.by)} - {None}
        return owner.startswith("queue:") or bool(teams & set(who.teams)) or owner in who.teams

    def board(self, teams: tuple[str, ...] | None, now: float) -> dict[str, Any]:
        """The wallboard's complaints (of ``teams``' agents and the department queues;
        None: all): open, escalated, awaiting their follow-up call, overdue (the numbers)."""
        who = Principal("", "admin") if teams is None else Principal("", "supervisor", teams)
        mine = [t for t in self.book.search(statuses=NOT_CLOSED) if self.may(who, t)]
        overdue = [t.number for t in mine if t.overdue(now)]
        return {"open": sum(t.status == "open" for t in mine),
                "escalated": sum(t.status == "escalated" for t in mine),
                "awaiting_follow_up": sum(t.status == "resolved" for t in mine),
                "overdue": len(overdue), "overdue_tickets": overdue[:10]}  # fmt: skip

    def newly_overdue(self, now: float) -> list[Ticket]:
        """Tickets gone past their due time since last asked (each told once)."""
        found = [t for t in self.book.search(statuses=NOT_CLOSED)
                 if t.overdue(now) and t.number not in self._told]  # fmt: skip
        self._told.update(t.number for t in found)
        return found

    async def tell_overdue(self, tell: Callable[[str, str, dict[str, Any]], None]) -> None:
        """Tell a ticket's owner (a user) once, when it goes past due: its escalation's due
        time, or its follow-up call's; every ``OVERDUE_EVERY`` seconds, until cancelled."""
        while True:
            for ticket in self.newly_overdue(self.clock()):
                if not ticket.owner.startswith("queue:"):
                    due = ticket.due if ticket.status == "escalated" else ticket.follow_up_due
                    news = {"number": ticket.number, "status": ticket.status,
                            "customer": ticket.customer, "due": due}  # fmt: skip
                    tell(ticket.owner, "ticket_overdue", news)
            await asyncio.sleep(OVERDUE_EVERY)

    def _step(self, ticket: Ticket, step: str, after: str, now: float, fields: Mapping[str, Any]
              ) -> Step | Refusal:  # fmt: skip
        if step == "escalate":
            return self._escalation(after, now, fields)
        if step == "resolve":
            return Step(after, due=self.hours.close_of_day(now, self._days))
        if step == "follow_up":
            outcome = str(fields.get("outcome") or "")
            if outcome not in OUTCOMES:
                return 400, "how did it go?", f"outcome: one of {', '.join(OUTCOMES)}"
            if outcome == "unreachable" and ticket.follow_ups + 1 < MAX_FOLLOW_UPS:
                retry = self.hours.close_of_day(now, 1)  # again, by the next business day
                return Step("resolved", due=retry, outcome=outcome)
            return Step(after, outcome=outcome)
        return Step(after)

    def _escalation(self, after: str, now: float, fields: Mapping[str, Any]) -> Step | Refusal:
        to = str(fields.get("to") or "")
        queue = to.startswith("queue:") and to[6:] in self._departments
        if to not in self._leads and not queue:
            return 400, "escalate to whom?", "a team lead's or admin's id, or queue:CALL_TYPE"
        due = fields.get("due")
        when = due.timestamp() if isinstance(due, dt.datetime) else now + ESCALATION_DUE
        if when <= now:
            return 400, "due in the past", "give a due time after now"
        return Step(after, owner=to, due=when)

    def _number(self, now: float) -> str:
        day = dt.datetime.fromtimestamp(now, self._zone).strftime("%Y%m%d")
        place = max(self.book.last_of_day(day), self._issued.get(day, 0)) + 1
        self._issued = {day: place}  # only today's: numbers are never reused
        return f"{PREFIX}-{day}-{place:04d}"
