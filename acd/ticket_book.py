"""Complaint tickets as acd keeps them: folded from the event log (``TicketOpened``,
``TicketChanged``), so they survive restarts and every change has who, when and a note.

Numbers read ``C-YYYYMMDD-NNNN``: the day it was opened (the center's time zone) and its
place that day. Status goes open -> escalated -> resolved -> followed_up -> closed; a
reopened ticket is open again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from acd.records import Record, TicketChanged, TicketOpened

PREFIX = "C"
ACTIVE = frozenset({"open", "escalated"})
"""Statuses that still need work before the customer has an answer."""


@dataclass(slots=True)
class Change:
    at: float
    by: str
    status: str
    note: str
    owner: str = ""
    outcome: str = ""


@dataclass(slots=True)
class Ticket:
    number: str
    customer: str
    opened: float
    by: str
    category: str
    description: str
    severity: str
    call: str
    status: str = "open"
    owner: str = ""
    """Whose it is: the agent who opened it, a team lead, or ``queue:CALL_TYPE``."""
    due: float | None = None
    """An escalated ticket's deadline."""
    follow_up_due: float | None = None
    """A resolved ticket's call back to the customer, due by then."""
    follow_ups: int = 0
    """Calls back tried (unreachable ones included)."""
    history: list[Change] = field(default_factory=list)

    def overdue(self, now: float) -> bool:
        due = self.due if self.status == "escalated" else self.follow_up_due
        return due is not None and now > due and self.status in ("escalated", "resolved")


class TicketBook:
    def __init__(self) -> None:
        self._tickets: dict[str, Ticket] = {}
        self._last: dict[str, int] = {}  # YYYYMMDD -> the last number's place that day

    def __len__(self) -> int:
        return len(self._tickets)

    def get(self, number: str) -> Ticket | None:
        return self._tickets.get(number)

    def last_of_day(self, day: str) -> int:
        """The place of the day's last ticket (``day``: YYYYMMDD), 0 if none."""
        return self._last.get(day, 0)

    def search(self, *, customer: str | None = None, statuses: frozenset[str] | None = None
               ) -> Iterator[Ticket]:  # fmt: skip
        """Tickets newest first, of ``customer`` and in ``statuses`` if given."""
        for ticket in reversed(self._tickets.values()):
            if customer is not None and ticket.customer != customer:
                continue
            if statuses is None or ticket.status in statuses:
                yield ticket

    def owner_of(self, customer: str) -> str | None:
        """Whose the customer's newest open (or escalated) ticket is, if they have one."""
        found = next(self.search(customer=customer, statuses=ACTIVE), None)
        return found.owner if found is not None else None

    def apply(self, record: Record) -> None:
        match record:
            case TicketOpened():
                self._tickets[record.number] = Ticket(
                    record.number, record.customer, record.at, record.by, record.category,
                    record.description, record.severity, record.call, owner=record.by,
                    history=[Change(record.at, record.by, "open", record.description)],
                )  # fmt: skip
                _, day, place = record.number.split("-")
                self._last[day] = max(self._last.get(day, 0), int(place))
            case TicketChanged() if (ticket := self._tickets.get(record.number)) is not None:
                _change(ticket, record)


def _change(ticket: Ticket, record: TicketChanged) -> None:
    ticket.status = record.status
    ticket.owner = record.owner or ticket.owner
    if record.status == "escalated":
        ticket.due = record.due
    elif record.status == "resolved":
        ticket.follow_up_due = record.due
        ticket.follow_ups += record.outcome == "unreachable"
    elif record.status == "followed_up":
        ticket.follow_ups += 1
    ticket.history.append(Change(record.at, record.by, record.status, record.note,
                                 record.owner, record.outcome))  # fmt: skip
