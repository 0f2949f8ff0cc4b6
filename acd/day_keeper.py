"""acd keeps each day's interval data as the day settles, so reports over past days never
have to read the event log (``report_days``): the agents' time per state is folded into
slots as their state changes are logged, the calls' figures come from the call records.

Kept once a day is over by ``report_days.SETTLE`` and none of its calls is in progress; the
last ``KEEP_BACK`` days are looked at (a restart replays the log, so nothing is missed).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from zoneinfo import ZoneInfo

from acd.agent_figures import AgentFigures
from acd.call_book import CallBook
from acd.config import Settings
from acd.core import messages as m
from acd.event_log import EventLogDown
from acd.records import Record
from acd.report import Period
from acd.report_days import SETTLE, Day, keep_slots, stored_slots, whole_days
from acd.report_slots import SLOT, Slots, fold, spend

log = logging.getLogger("acd.reports")

KEEP_BACK = 3
"""Days before today looked at (older ones were kept, or a report keeps them)."""
EVERY = 3600.0


class DayKeeper:
    def __init__(self, book: CallBook, settings: Settings, clock: Callable[[], float]) -> None:
        self._book, self._settings, self._clock = book, settings, clock
        self._zone = ZoneInfo(settings.timezone)
        self._agents: dict[tuple[int, str], AgentFigures] = {}
        self._current: dict[str, tuple[str, str, float]] = {}  # agent -> state, reason, since
        self._answered: list[tuple[float, str]] = []
        self._logouts: list[tuple[float, str]] = []
        self._last = 0.0
        today = dt.datetime.fromtimestamp(clock(), self._zone).date()
        first = today - dt.timedelta(days=KEEP_BACK + 1)
        self._horizon = dt.datetime.combine(first, dt.time(), self._zone).timestamp()
        """Time before this is not folded: a replay of a long log stays small."""

    def apply(self, record: Record) -> None:
        """Journal hook and replay: fold the agents' time into slots as it is logged."""
        self._last = max(self._last, record.at)
        if isinstance(record, m.AgentChanged):
            before = self._current.get(record.agent)
            if before is not None:
                spend(self._agents, record.agent, before, self._horizon, record.at)
            self._current[record.agent] = (record.state, record.reason, record.at)
            if record.state == "logged_out" and before is not None:
                self._note(self._logouts, record.at, record.agent)
        elif isinstance(record, m.Answered):
            self._note(self._answered, record.at, record.agent)

    def _note(self, events: list[tuple[float, str]], at: float, agent: str) -> None:
        if at >= self._horizon:
            events.append((at, agent))

    def days(self) -> list[Day]:
        """The last ``KEEP_BACK`` whole days before today (the center's)."""
        today = dt.datetime.fromtimestamp(self._clock(), self._zone).date()
        first = dt.datetime.combine(today - dt.timedelta(days=KEEP_BACK), dt.time(), self._zone)
        period = Period(first, first + dt.timedelta(days=KEEP_BACK), None, self._zone)
        return whole_days(period) or []

    def slots(self, day: Day) -> Slots:
        """The day's slots: calls from the call records, agents from what was folded (and
        the states still running, up to the day's end)."""
        rows = self._book.search(since=day.start - 86_400, until=day.end, limit=10**9)
        made = fold(rows, (), day.start, day.end, self._settings.short_abandon_s)
        first, last = int(day.start // SLOT), int(day.end // SLOT)
        made.agents = {k: AgentFigures(defaultdict(float, v.seconds), v.answered, v.logouts)
                       for k, v in self._agents.items() if first <= k[0] < last}  # fmt: skip
        for agent, state in self._current.items():
            spend(made.agents, agent, state, day.start, day.end)
        for events, field in ((self._answered, "answered"), (self._logouts, "logouts")):
            for at, agent in events:
                if day.start <= at < day.end:
                    figures = made.agents.setdefault((int(at // SLOT), agent), AgentFigures())
                    setattr(figures, field, getattr(figures, field) + 1)
        return made

    async def keep(self) -> int:
        """Keep the settled days not kept yet; how many."""
        days = [d for d in self.days() if d.end + SETTLE <= self._last]
        if not days:
            return 0
        kept = 0
        for day in days:
            if await stored_slots(self._settings, [day]) is None:
                rows = self._book.search(since=day.start - 86_400, until=day.end, limit=10**9)
                kept += await keep_slots(self._settings, [day], self.slots(day), rows, self._last)
        self._prune(days[0].start)
        return kept

    def _prune(self, before: float) -> None:
        self._horizon = max(self._horizon, before)
        first = int(before // SLOT)
        self._agents = {k: v for k, v in self._agents.items() if k[0] >= first}
        self._answered = [e for e in self._answered if e[0] >= before]
        self._logouts = [e for e in self._logouts if e[0] >= before]

    async def run(self) -> None:
        """Keep settled days now and every ``EVERY`` seconds, until cancelled."""
        while True:
            try:
                kept = await self.keep()
                if kept:
                    log.info("kept %d day(s) of report data", kept)
            except EventLogDown as exc:
                log.error("could not keep report data: %s", exc)
            await asyncio.sleep(EVERY)
