"""The center's business hours (pure): when follow-up calls may be made and by when they are
due. Written ``mon-fri 09:00-18:00`` (days, then hours; ``sat``, ``sun-sat`` ...)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC = re.compile(r"\s*([a-z]{3})(?:-([a-z]{3}))?\s+(\d\d):(\d\d)-(\d\d):(\d\d)\s*")


@dataclass(frozen=True, slots=True)
class BusinessHours:
    days: frozenset[int]
    """Weekdays open (Monday is 0)."""
    opens: dt.time
    closes: dt.time
    zone: ZoneInfo

    @classmethod
    def parse(cls, text: str, zone: ZoneInfo) -> BusinessHours:
        """``mon-fri 09:00-18:00``; ``ValueError`` saying what is wrong."""
        found = _SPEC.fullmatch(text.lower())
        if found is None or found[1] not in DAYS or (found[2] or found[1]) not in DAYS:
            raise ValueError(f"business hours like 'mon-fri 09:00-18:00', not {text!r}")
        first, last = DAYS.index(found[1]), DAYS.index(found[2] or found[1])
        days = frozenset(d % 7 for d in range(first, last + 1 if last >= first else last + 8))
        try:
            opens = dt.time(int(found[3]), int(found[4]))
            closes = dt.time(int(found[5]), int(found[6]))
        except ValueError:
            raise ValueError(f"no such time of day in {text!r}") from None
        if closes <= opens:
            raise ValueError(f"business hours must close after they open: {text!r}")
        return cls(days, opens, closes, zone)

    def is_open(self, at: float) -> bool:
        local = dt.datetime.fromtimestamp(at, self.zone)
        return local.weekday() in self.days and self.opens <= local.time() < self.closes

    def next_open(self, at: float) -> float:
        """``at`` if open then, else when business opens next."""
        if self.is_open(at):
            return at
        local = dt.datetime.fromtimestamp(at, self.zone)
        day = local.date() if local.time() < self.opens else local.date() + dt.timedelta(days=1)
        while day.weekday() not in self.days:
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, self.opens, self.zone).timestamp()

    def close_of_day(self, at: float, business_days: int) -> float:
        """When business closes on the ``business_days``-th business day after ``at``'s day."""
        day = dt.datetime.fromtimestamp(at, self.zone).date()
        left = business_days
        while left > 0 or day.weekday() not in self.days:
            day += dt.timedelta(days=1)
            left -= day.weekday() in self.days
        return dt.datetime.combine(day, self.closes, self.zone).timestamp()
