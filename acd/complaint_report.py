"""Complaints by the numbers a complaints team lead is judged on (pure): per day opened and
category, how many came in, were escalated, resolved (and how long that took), followed up
by phone, followed up within the center's window (the operating rule: three business days
after resolution), and how the customers said it went."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from acd.business_hours import BusinessHours
from acd.report import Period
from acd.ticket_book import ACTIVE, Ticket

COMPLAINT_COLUMNS = ("day", "category", "opened", "escalated", "resolved",
                     "avg_hours_to_resolve", "followed_up", "followed_up_in_time",
                     "satisfied", "not_satisfied", "unreachable", "still_open")  # fmt: skip


@dataclass(slots=True)
class Tally:
    opened: int = 0
    escalated: int = 0
    resolved: int = 0
    hours_to_resolve: float = 0.0
    followed_up: int = 0
    in_time: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    still_open: int = 0

    def add(self, ticket: Ticket, hours: BusinessHours, days: int) -> None:
        self.opened += 1
        statuses = [change.status for change in ticket.history]
        self.escalated += "escalated" in statuses
        self.still_open += ticket.status in ACTIVE
        resolved = next((c.at for c in ticket.history if c.status == "resolved"), None)
        if resolved is None:
            return
        self.resolved += 1
        self.hours_to_resolve += (resolved - ticket.opened) / 3600
        done = next((c for c in ticket.history if c.status == "followed_up"), None)
        if done is not None:
            self.followed_up += 1
            self.in_time += done.at <= hours.close_of_day(resolved, days)
            self.outcomes[done.outcome] = self.outcomes.get(done.outcome, 0) + 1

    def merge(self, other: Tally) -> None:
        for name in ("opened", "escalated", "resolved", "hours_to_resolve", "followed_up",
                     "in_time", "still_open"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for outcome, count in other.outcomes.items():
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + count

    def line(self, day: str, category: str) -> dict[str, object]:
        average = round(self.hours_to_resolve / self.resolved, 1) if self.resolved else None
        return {"day": day, "category": category, "opened": self.opened,
                "escalated": self.escalated, "resolved": self.resolved,
                "avg_hours_to_resolve": average, "followed_up": self.followed_up,
                "followed_up_in_time": self.in_time,
                **{o: self.outcomes.get(o, 0) for o in ("satisfied", "not_satisfied",
                                                        "unreachable")},
                "still_open": self.still_open}  # fmt: skip


def complaint_lines(tickets: Iterable[Ticket], period: Period, hours: BusinessHours,
                    days: int = 3) -> Iterator[dict[str, object]]:  # fmt: skip
    """One line per day and category of the tickets opened in the period, then a total per
    category; ``days``: the business days a follow-up is due within."""
    start, end = period.start.timestamp(), period.end.timestamp()
    tallies: dict[tuple[str, str], Tally] = {}
    for ticket in tickets:
        if start <= ticket.opened < end:
            day = dt.datetime.fromtimestamp(ticket.opened, period.zone).date().isoformat()
            tallies.setdefault((day, ticket.category), Tally()).add(ticket, hours, days)
    totals: dict[str, Tally] = {}
    for (day, category), tally in sorted(tallies.items()):
        totals.setdefault(category, Tally()).merge(tally)
        yield tally.line(day, category)
    for category, tally in sorted(totals.items()):
        yield tally.line("total", category)
